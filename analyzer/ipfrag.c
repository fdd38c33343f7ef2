/* ipfrag.c - bounded fragment reassembly; see ipfrag.h. */
#include "ipfrag.h"

#include <stdlib.h>
#include <string.h>

#define IPFRAG_MAX_DATAGRAM 65535u

typedef struct {
    uint32_t start, end; /* [start, end) */
} frag_range_t;

typedef struct {
    bool used;
    ca_addr_t src, dst;
    uint8_t proto;
    uint32_t id;
    int64_t first_us;
    uint32_t total; /* known once the last fragment (MF=0) arrived; 0 before */
    frag_range_t ranges[CA_IPFRAG_MAX_RANGES];
    size_t n_ranges;
    uint8_t *buf; /* owned: IPFRAG_MAX_DATAGRAM bytes */
} frag_slot_t;

struct ca_ipfrag {
    frag_slot_t slots[CA_IPFRAG_SLOTS];
    ca_ipfrag_stats_t stats;
};

ca_ipfrag_t *ca_ipfrag_new(void)
{
    ca_ipfrag_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    for (size_t i = 0; i < CA_IPFRAG_SLOTS; i++) {
        f->slots[i].buf = malloc(IPFRAG_MAX_DATAGRAM);
        if (!f->slots[i].buf) {
            ca_ipfrag_free(f);
            return NULL;
        }
    }
    return f;
}

void ca_ipfrag_free(ca_ipfrag_t *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < CA_IPFRAG_SLOTS; i++)
        free(f->slots[i].buf);
    free(f);
}

static void slot_release(frag_slot_t *s)
{
    s->used = false;
    s->n_ranges = 0;
    s->total = 0;
}

void ca_ipfrag_expire(ca_ipfrag_t *f, int64_t now_us)
{
    for (size_t i = 0; i < CA_IPFRAG_SLOTS; i++) {
        frag_slot_t *s = &f->slots[i];
        if (s->used && now_us - s->first_us > CA_IPFRAG_TIMEOUT_US) {
            f->stats.timed_out++;
            slot_release(s);
        }
    }
}

static frag_slot_t *slot_find(ca_ipfrag_t *f, const ca_ip_t *ip, int64_t now_us)
{
    frag_slot_t *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < CA_IPFRAG_SLOTS; i++) {
        frag_slot_t *s = &f->slots[i];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->id == ip->frag_id && s->proto == ip->proto && ca_addr_equal(&s->src, &ip->src) &&
            ca_addr_equal(&s->dst, &ip->dst))
            return s;
        if (!oldest || s->first_us < oldest->first_us)
            oldest = s;
    }
    if (!free_slot) {
        f->stats.evicted++;
        free_slot = oldest;
        slot_release(free_slot);
    }
    free_slot->used = true;
    free_slot->src = ip->src;
    free_slot->dst = ip->dst;
    free_slot->proto = ip->proto;
    free_slot->id = ip->frag_id;
    free_slot->first_us = now_us;
    return free_slot;
}

/* Insert [start, end) keeping ranges sorted; false on any overlap. */
static bool ranges_insert(frag_slot_t *s, uint32_t start, uint32_t end)
{
    size_t i = 0;
    while (i < s->n_ranges && s->ranges[i].start < start)
        i++;
    if (i > 0 && s->ranges[i - 1].end > start)
        return false;
    if (i < s->n_ranges && s->ranges[i].start < end)
        return false;
    memmove(&s->ranges[i + 1], &s->ranges[i], (s->n_ranges - i) * sizeof s->ranges[0]);
    s->ranges[i].start = start;
    s->ranges[i].end = end;
    s->n_ranges++;
    return true;
}

static bool ranges_complete(const frag_slot_t *s)
{
    if (s->total == 0 || s->n_ranges == 0 || s->ranges[0].start != 0)
        return false;
    for (size_t i = 1; i < s->n_ranges; i++)
        if (s->ranges[i].start != s->ranges[i - 1].end)
            return false;
    return s->ranges[s->n_ranges - 1].end == s->total;
}

ca_err_t ca_ipfrag_add(ca_ipfrag_t *f, int64_t now_us, ca_ip_t *ip, bool *done)
{
    *done = false;
    frag_slot_t *s = slot_find(f, ip, now_us);
    size_t len = ca_cursor_left(&ip->payload);
    uint32_t start = ip->frag_offset;
    const uint8_t *data;

    if (len == 0)
        return CA_OK;
    /* Non-final fragments carry multiples of 8 bytes (RFC 791, RFC 8200 4.5). */
    if ((ip->more_fragments && len % 8 != 0)) {
        slot_release(s);
        return CA_ERR_MALFORMED;
    }
    if ((size_t)start + len > IPFRAG_MAX_DATAGRAM || s->n_ranges == CA_IPFRAG_MAX_RANGES) {
        f->stats.too_big++;
        slot_release(s);
        return CA_ERR_LIMIT;
    }
    uint32_t end = start + (uint32_t)len;
    if (!ip->more_fragments) {
        if (s->total != 0 && s->total != end) {
            f->stats.overlaps++;
            slot_release(s);
            return CA_ERR_MALFORMED;
        }
        s->total = end;
    }
    if ((s->total != 0 && end > s->total) || !ranges_insert(s, start, end)) {
        f->stats.overlaps++;
        slot_release(s);
        return CA_ERR_MALFORMED;
    }
    CA_GUARD(ca_cursor_bytes(&ip->payload, len, &data));
    memcpy(s->buf + start, data, len);
    if (!ranges_complete(s))
        return CA_OK;
    f->stats.completed++;
    ip->payload = ca_cursor_make(s->buf, s->total);
    ip->fragment = false;
    ip->frag_offset = 0;
    ip->more_fragments = false;
    slot_release(s); /* the buffer stays valid until the slot is reused */
    *done = true;
    return CA_OK;
}

const ca_ipfrag_stats_t *ca_ipfrag_stats(const ca_ipfrag_t *f)
{
    return &f->stats;
}
