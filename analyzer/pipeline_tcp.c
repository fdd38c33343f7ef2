/* pipeline_tcp.c - TCP streams of the pipeline: each direction reassembled
 * (tcp.c) and read as what its first bytes show it to be: RFC 4571 frames
 * (ICE-TCP), TURN over TCP (STUN and padded ChannelData, RFC 8656 12.5), or
 * text signaling whose SDP bodies are kept; the messages go to the same
 * demultiplexer as UDP datagrams (pipeline.c). */
#include "pipeline_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dtls.h"
#include "tcp.h"

/* RFC 4571 2: each frame is a 16-bit length and that many bytes. */
static void read_rfc4571(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, const ca_endpoint_t *src,
                         const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us)
{
    ca_tcp_stream_t *s = f->tcp[from];
    for (;;) {
        ca_cursor_t c = ca_cursor_make(s->buf, s->len), body;
        uint16_t len;
        if (ca_cursor_u16(&c, &len) != CA_OK || ca_cursor_sub(&c, len, &body) != CA_OK)
            return; /* wait for the rest */
        if (len > 0)
            ca_pipeline_demux(p, src, dst, CA_IPPROTO_TCP, 0, frame, ts_us, body, 0);
        ca_tcp_stream_consume(s, 2u + len);
    }
}

/* RFC 8656 12.5 / RFC 8489 6: on a TCP connection to a TURN server,
 * messages follow each other with no framing of their own: a STUN message
 * is its 20-byte header and the length it gives, a ChannelData message its
 * 4-byte header and data padded to a multiple of 4. The length of the
 * message at the head of C, or 0 if it is neither. */
static size_t turn_tcp_message_len(ca_cursor_t c)
{
    uint8_t first;
    uint16_t type, len;
    uint32_t cookie;
    if (ca_cursor_peek_u8(&c, &first) != CA_OK || ca_cursor_u16(&c, &type) != CA_OK ||
        ca_cursor_u16(&c, &len) != CA_OK)
        return 0;
    if (first >= 0x40 && first <= 0x4f)
        return 4 + (((size_t)len + 3) & ~(size_t)3);
    if ((first & 0xc0) == 0 && len % 4 == 0 && ca_cursor_u32(&c, &cookie) == CA_OK &&
        cookie == 0x2112A442u)
        return 20 + (size_t)len;
    return 0;
}

/* Whether a segment is whole TURN messages end to end: one or several of
 * them, STUN with the magic cookie or ChannelData, filling it exactly. A
 * connection seen from its middle starts so as well, at a segment's start. */
static bool turn_tcp_segment(ca_cursor_t c)
{
    size_t messages = 0;
    while (ca_cursor_left(&c) > 0) {
        size_t m = turn_tcp_message_len(c);
        if (m == 0 || ca_cursor_skip(&c, m) != CA_OK)
            return false;
        messages++;
    }
    return messages > 0;
}

/* TURN over TCP: each message to the demultiplexer as a datagram would go
 * (STUN, ChannelData unwrapped onto the relayed flow); a message that is
 * neither breaks the framing for good. */
static void read_turn_tcp(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, const ca_endpoint_t *src,
                          const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us)
{
    ca_tcp_stream_t *s = f->tcp[from];
    while (s->len >= 4) {
        size_t m = turn_tcp_message_len(ca_cursor_make(s->buf, s->len));
        if (m == 0) {
            f->tcp_mode[from] = CA_TCP_MODE_LOST;
            ca_pipeline_skip(p, CA_SKIP_STUN_MALFORMED);
            return;
        }
        if (m > s->len)
            return; /* wait for the rest */
        ca_pipeline_demux(p, src, dst, CA_IPPROTO_TCP, 0, frame, ts_us, ca_cursor_make(s->buf, m),
                          0);
        ca_tcp_stream_consume(s, m);
    }
}

static bool ascii_prefix_ci(const uint8_t *p, size_t n, const char *word)
{
    size_t w = strlen(word);
    if (n < w)
        return false;
    for (size_t i = 0; i < w; i++) {
        uint8_t a = p[i], b = (uint8_t)word[i];
        if ((a | 0x20) != (b | 0x20))
            return false;
    }
    return true;
}

/* The value of a Content-Length header (or SIP's compact "l:") in HDR. */
static bool content_length(const uint8_t *hdr, size_t n, size_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && hdr[i - 1] != '\n')
            continue;
        size_t skip = ascii_prefix_ci(hdr + i, n - i, "content-length:") ? 15
                      : ascii_prefix_ci(hdr + i, n - i, "l:")            ? 2
                                                                         : 0;
        if (!skip)
            continue;
        size_t j = i + skip, v = 0, digits = 0;
        while (j < n && hdr[j] == ' ')
            j++;
        for (; j < n && hdr[j] >= '0' && hdr[j] <= '9' && digits < 7; j++, digits++)
            v = v * 10 + (size_t)(hdr[j] - '0');
        if (digits == 0)
            return false;
        *out = v;
        return true;
    }
    return false;
}

/* Signaling in clear: messages of headers, a blank line and a body of
 * Content-Length bytes (SIP, callstack's own, HTTP). SDP bodies are kept. */
static void read_text(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, uint64_t frame)
{
    ca_tcp_stream_t *s = f->tcp[from];
    for (;;) {
        const uint8_t *end = NULL;
        for (size_t i = 0; i + 4 <= s->len && !end; i++)
            if (memcmp(s->buf + i, "\r\n\r\n", 4) == 0)
                end = s->buf + i;
        if (!end) {
            if (s->len == sizeof s->buf)
                ca_tcp_stream_consume(s, s->len); /* no message fits: start over */
            return;
        }
        size_t hdr_len = (size_t)(end - s->buf), body_len = 0;
        bool has_body = content_length(s->buf, hdr_len, &body_len);
        size_t total = hdr_len + 4 + (has_body ? body_len : 0);
        if (total > sizeof s->buf) {
            ca_tcp_stream_consume(s, hdr_len + 4);
            continue;
        }
        if (s->len < total)
            return;
        const uint8_t *body = end + 4;
        if (has_body && body_len >= 3 && memcmp(body, "v=0", 3) == 0) {
            ca_sdp_t *sdp = calloc(1, sizeof *sdp);
            if (sdp && p->n_sdps < CA_PIPELINE_MAX_SDP &&
                ca_sdp_parse(body, body_len, sdp) == CA_OK) {
                p->sdp_frames[p->n_sdps] = frame;
                p->sdps[p->n_sdps++] = sdp;
            } else {
                p->sdps_dropped++;
                free(sdp);
            }
        }
        ca_tcp_stream_consume(s, total);
    }
}

/* How to read a TCP stream, judged from its first payload bytes. */
static ca_tcp_mode_t tcp_mode_of(ca_cursor_t payload)
{
    if (turn_tcp_segment(payload))
        return CA_TCP_MODE_TURN;
    uint16_t len;
    uint8_t first;
    ca_cursor_t c = payload;
    if (ca_cursor_u16(&c, &len) == CA_OK && len > 0 && ca_cursor_peek_u8(&c, &first) == CA_OK &&
        (first <= 3 || ca_dtls_first_byte(first) || (first >= 128 && first <= 191)))
        return CA_TCP_MODE_RFC4571;
    size_t n = ca_cursor_left(&payload);
    const uint8_t *bytes;
    if (ca_cursor_bytes(&payload, n, &bytes) != CA_OK)
        return CA_TCP_MODE_OTHER;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(bytes + i, "v=0", 3) == 0 || ascii_prefix_ci(bytes + i, n - i, "content-length"))
            return CA_TCP_MODE_TEXT;
    return CA_TCP_MODE_OTHER;
}

void ca_pipeline_on_tcp(ca_pipeline_t *p, const ca_ip_t *ip, ca_cursor_t c, uint64_t frame,
                        int64_t ts_us)
{
    ca_tcp_t seg;
    if (ca_tcp_decode(&c, &seg) != CA_OK) {
        ca_pipeline_skip(p, CA_SKIP_TCP_MALFORMED);
        return;
    }
    ca_endpoint_t src = {ip->src, seg.sport}, dst = {ip->dst, seg.dport};
    uint8_t from;
    ca_flow_t *f = ca_flow_lookup(p->flows, &src, &dst, CA_IPPROTO_TCP, 0, &from);
    if (!f) {
        ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
        return;
    }
    if (f->tcp_mode[from] == CA_TCP_MODE_UNKNOWN && ca_cursor_left(&seg.payload) > 0) {
        f->tcp_mode[from] = (uint8_t)tcp_mode_of(seg.payload);
        if (f->tcp_mode[from] != CA_TCP_MODE_OTHER) {
            f->tcp[from] = calloc(1, sizeof *f->tcp[from]);
            if (!f->tcp[from]) {
                f->tcp_mode[from] = CA_TCP_MODE_OTHER;
                ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
            }
        }
    }
    ca_tcp_stream_t *s = f->tcp[from];
    p->frame_relevant = f->tcp[0] != NULL || f->tcp[1] != NULL;
    if (!s) {
        if (ca_cursor_left(&seg.payload) > 0)
            ca_pipeline_skip(p, CA_SKIP_TCP_OTHER);
        return; /* handshake segments, or a stream nobody reads */
    }
    if (f->tcp_mode[from] == CA_TCP_MODE_TURN_RESYNC) {
        /* TURN messages are self-delimiting: a segment that is whole
         * messages end to end is a new start (one that RFC 4571 lacks) */
        if (!turn_tcp_segment(seg.payload)) {
            if (ca_cursor_left(&seg.payload) > 0)
                ca_pipeline_skip(p, CA_SKIP_TCP_GAP);
            return;
        }
        memset(s, 0, offsetof(ca_tcp_stream_t, buf));
        s->len = s->n_held = 0;
        f->tcp_mode[from] = CA_TCP_MODE_TURN;
    }
    if (f->tcp_mode[from] == CA_TCP_MODE_LOST) {
        ca_pipeline_skip(p, CA_SKIP_TCP_GAP);
        return;
    }
    bool appended = ca_tcp_stream_add(s, &seg);
    if ((f->tcp_mode[from] == CA_TCP_MODE_RFC4571 || f->tcp_mode[from] == CA_TCP_MODE_TURN) &&
        s->gap) {
        /* Without the missing bytes the next length prefix cannot be found. */
        f->tcp_mode[from] =
            f->tcp_mode[from] == CA_TCP_MODE_TURN ? CA_TCP_MODE_TURN_RESYNC : CA_TCP_MODE_LOST;
        ca_pipeline_skip(p, CA_SKIP_TCP_GAP);
        return;
    }
    if (!appended)
        return;
    if (f->tcp_mode[from] == CA_TCP_MODE_RFC4571)
        read_rfc4571(p, f, from, &src, &dst, frame, ts_us);
    else if (f->tcp_mode[from] == CA_TCP_MODE_TURN)
        read_turn_tcp(p, f, from, &src, &dst, frame, ts_us);
    else
        read_text(p, f, from, frame);
}
