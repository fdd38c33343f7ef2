/* tcp.c - TCP header decoding and in-order stream reassembly; see tcp.h.
 *
 *  | source port | destination port | sequence number | acknowledgment number |
 *  | data offset (4) | reserved | flags | window | checksum | urgent | options |
 */
#include "tcp.h"

#include <string.h>

ca_err_t ca_tcp_decode(ca_cursor_t *c, ca_tcp_t *tcp)
{
    uint8_t off, flags;
    memset(tcp, 0, sizeof *tcp);
    CA_GUARD(ca_cursor_u16(c, &tcp->sport));
    CA_GUARD(ca_cursor_u16(c, &tcp->dport));
    CA_GUARD(ca_cursor_u32(c, &tcp->seq));
    CA_GUARD(ca_cursor_u32(c, &tcp->ack));
    CA_GUARD(ca_cursor_u8(c, &off));
    CA_GUARD(ca_cursor_u8(c, &flags));
    tcp->flags = flags;
    size_t hlen = 4u * (off >> 4);
    CA_ENSURE(hlen >= 20, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_skip(c, 6 + hlen - 20)); /* window, checksum, urgent, options */
    return ca_cursor_sub(c, ca_cursor_left(c), &tcp->payload);
}

/* Signed distance in sequence space (RFC 9293 3.4: arithmetic modulo 2^32). */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static void append(ca_tcp_stream_t *s, const uint8_t *data, size_t n)
{
    size_t room = sizeof s->buf - s->len;
    if (n > room) {
        s->overflow_bytes += n - room;
        s->gap = true;
        n = room;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
}

/* Place bytes starting at SEQ: trim what was already delivered, append what
 * continues the stream, hold what lies ahead. */
static bool place(ca_tcp_stream_t *s, uint32_t seq, const uint8_t *data, size_t n)
{
    int32_t d = seq_diff(seq, s->next_seq);
    if (d < 0) {
        size_t dup = (size_t)(-(int64_t)d);
        if (dup >= n) {
            s->retransmitted_bytes += n;
            return false;
        }
        s->retransmitted_bytes += dup;
        data += dup;
        n -= dup;
        d = 0;
    }
    if (d > 0) {
        if (n > CA_TCP_HELD_BYTES || s->n_held == CA_TCP_HELD) {
            s->lost_segments++;
            s->gap = true;
            return false;
        }
        ca_tcp_held_t *h = &s->held[s->n_held++];
        h->seq = seq;
        h->len = (uint16_t)n;
        memcpy(h->data, data, n);
        return false;
    }
    append(s, data, n);
    s->next_seq += (uint32_t)n;
    return true;
}

bool ca_tcp_stream_add(ca_tcp_stream_t *s, const ca_tcp_t *seg)
{
    size_t n = ca_cursor_left(&seg->payload);
    if (!s->started) {
        /* A capture may start mid-connection: the first segment seen sets the origin. */
        s->started = true;
        s->next_seq = seg->seq + ((seg->flags & CA_TCP_SYN) ? 1u : 0u);
        if (seg->flags & CA_TCP_SYN)
            return false;
    }
    if (n == 0)
        return false;
    ca_cursor_t payload = seg->payload;
    const uint8_t *data;
    if (ca_cursor_bytes(&payload, n, &data) != CA_OK)
        return false;
    bool appended = place(s, seg->seq, data, n);
    /* Held segments that now continue the stream. */
    for (bool progress = appended; progress;) {
        progress = false;
        for (size_t i = 0; i < s->n_held; i++) {
            ca_tcp_held_t h = s->held[i];
            if (seq_diff(h.seq, s->next_seq) > 0)
                continue;
            s->held[i] = s->held[--s->n_held];
            appended |= place(s, h.seq, h.data, h.len);
            progress = true; /* something was taken out: look again */
            break;
        }
    }
    return appended;
}

void ca_tcp_stream_consume(ca_tcp_stream_t *s, size_t n)
{
    if (n >= s->len) {
        s->len = 0;
        return;
    }
    memmove(s->buf, s->buf + n, s->len - n);
    s->len -= n;
}
