/* dtls_reasm.c - handshake message reassembly; see dtls_reasm.h. */
#include "dtls_reasm.h"

#include <stdlib.h>
#include <string.h>

void ca_dtls_reasm_init(ca_dtls_reasm_t *r)
{
    memset(r, 0, sizeof *r);
}

static void inflight_clear(ca_dtls_inflight_t *m)
{
    free(m->buf);
    memset(m, 0, sizeof *m);
}

void ca_dtls_reasm_free(ca_dtls_reasm_t *r)
{
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++)
        inflight_clear(&r->inflight[i]);
    free(r->released);
    r->released = NULL;
}

/* Merge [start, end) into the sorted, disjoint range list. */
static bool ranges_add(ca_dtls_inflight_t *m, uint32_t start, uint32_t end)
{
    uint32_t merged[CA_DTLS_MAX_RANGES + 1][2];
    size_t n = 0, i = 0;
    while (i < m->n_ranges && m->ranges[i][1] < start) {
        merged[n][0] = m->ranges[i][0];
        merged[n][1] = m->ranges[i][1];
        n++, i++;
    }
    uint32_t s = start, e = end;
    while (i < m->n_ranges && m->ranges[i][0] <= end) {
        s = m->ranges[i][0] < s ? m->ranges[i][0] : s;
        e = m->ranges[i][1] > e ? m->ranges[i][1] : e;
        i++;
    }
    merged[n][0] = s;
    merged[n][1] = e;
    n++;
    while (i < m->n_ranges) {
        merged[n][0] = m->ranges[i][0];
        merged[n][1] = m->ranges[i][1];
        n++, i++;
    }
    if (n > CA_DTLS_MAX_RANGES)
        return false;
    memcpy(m->ranges, merged, n * sizeof merged[0]);
    m->n_ranges = n;
    return true;
}

static bool inflight_complete(const ca_dtls_inflight_t *m)
{
    return m->length == 0 ||
           (m->n_ranges == 1 && m->ranges[0][0] == 0 && m->ranges[0][1] == m->length);
}

/* Copy the fragment, checking that bytes already held are the same. */
static bool copy_fragment(ca_dtls_inflight_t *m, uint32_t off, const uint8_t *data, uint32_t len)
{
    bool same = true;
    for (size_t i = 0; i < m->n_ranges; i++) {
        uint32_t s = m->ranges[i][0] > off ? m->ranges[i][0] : off;
        uint32_t e = m->ranges[i][1] < off + len ? m->ranges[i][1] : off + len;
        if (s < e && memcmp(m->buf + s, data + (s - off), e - s) != 0)
            same = false;
    }
    if (len)
        memcpy(m->buf + off, data, len);
    return same;
}

ca_err_t ca_dtls_reasm_add(ca_dtls_reasm_t *r, const ca_dtls_hs_t *hs, uint64_t frame)
{
    /* message_seq wraps only after 65536 messages: within one handshake an
     * older seq is a retransmission. */
    if (hs->message_seq < r->next_seq) {
        r->retransmitted++;
        r->last_retransmit_frame = frame;
        return CA_OK;
    }
    if (hs->length > CA_DTLS_MAX_MESSAGE || hs->message_seq - r->next_seq >= 64) {
        r->dropped++;
        return CA_ERR_LIMIT;
    }
    ca_dtls_inflight_t *m = NULL, *free_slot = NULL;
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++) {
        ca_dtls_inflight_t *s = &r->inflight[i];
        if (s->used && s->message_seq == hs->message_seq)
            m = s;
        else if (!s->used && !free_slot)
            free_slot = s;
    }
    if (!m) {
        if (!free_slot) {
            r->dropped++;
            return CA_ERR_LIMIT;
        }
        m = free_slot;
        size_t body = ((size_t)hs->length + 7) & ~(size_t)7; /* the ranges after it, aligned */
        m->buf = malloc(body + CA_DTLS_MAX_RANGES * sizeof *m->ranges);
        m->ranges = m->buf ? (uint32_t(*)[2])(void *)(m->buf + body) : NULL;
        if (!m->buf)
            return CA_ERR_NOMEM;
        m->used = true;
        m->msg_type = hs->msg_type;
        m->message_seq = hs->message_seq;
        m->length = hs->length;
    } else if (m->msg_type != hs->msg_type || m->length != hs->length) {
        r->conflicting++;
        return CA_ERR_MALFORMED;
    }
    if (m->frame != 0) { /* complete, waiting for an earlier message_seq */
        r->retransmitted++;
        r->last_retransmit_frame = frame;
        return CA_OK;
    }
    const uint8_t *data;
    ca_cursor_t body = hs->body;
    CA_GUARD(ca_cursor_bytes(&body, hs->fragment_length, &data));
    if (!copy_fragment(m, hs->fragment_offset, data, hs->fragment_length))
        r->conflicting++;
    if (hs->fragment_length > 0 &&
        !ranges_add(m, hs->fragment_offset, hs->fragment_offset + hs->fragment_length)) {
        r->dropped++;
        inflight_clear(m);
        return CA_ERR_LIMIT;
    }
    if (inflight_complete(m))
        m->frame = frame;
    return CA_OK;
}

/* Pass over every message_seq below TO: what was held of them is dropped,
 * later fragments of them count as retransmitted. */
static void skip_to(ca_dtls_reasm_t *r, uint32_t to)
{
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++)
        if (r->inflight[i].used && r->inflight[i].message_seq < to)
            inflight_clear(&r->inflight[i]);
    r->skipped += to - r->next_seq;
    r->next_seq = (uint16_t)to;
}

bool ca_dtls_reasm_flush(ca_dtls_reasm_t *r, ca_dtls_message_t *msg)
{
    if (ca_dtls_reasm_next(r, msg))
        return true;
    ca_dtls_inflight_t *lowest = NULL;
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++) {
        ca_dtls_inflight_t *m = &r->inflight[i];
        if (m->used && m->frame != 0 && (!lowest || m->message_seq < lowest->message_seq))
            lowest = m;
    }
    if (!lowest)
        return false;
    skip_to(r, lowest->message_seq);
    return ca_dtls_reasm_next(r, msg);
}

void ca_dtls_reasm_abandon(ca_dtls_reasm_t *r)
{
    uint32_t past_held = r->next_seq; /* one past the highest message_seq held */
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++) {
        const ca_dtls_inflight_t *m = &r->inflight[i];
        if (m->used && (uint32_t)m->message_seq + 1 > past_held)
            past_held = (uint32_t)m->message_seq + 1;
    }
    skip_to(r, past_held);
}

bool ca_dtls_reasm_next(ca_dtls_reasm_t *r, ca_dtls_message_t *msg)
{
    free(r->released);
    r->released = NULL;
    for (size_t i = 0; i < CA_DTLS_INFLIGHT; i++) {
        ca_dtls_inflight_t *m = &r->inflight[i];
        if (!m->used || m->message_seq != r->next_seq || m->frame == 0)
            continue;
        r->released = m->buf; /* ownership moves to the reassembler's hand-out slot */
        msg->msg_type = m->msg_type;
        msg->message_seq = m->message_seq;
        msg->frame = m->frame;
        msg->body = ca_cursor_make(r->released, m->length);
        memset(m, 0, sizeof *m);
        r->next_seq++;
        return true;
    }
    return false;
}
