/* tcp.h - TCP (RFC 9293) headers and in-order stream reassembly, for media
 * framed by RFC 4571 (ICE-TCP, RFC 6544: what Teams falls back to when UDP
 * is blocked) and for SDP sent in clear over a signaling connection.
 *
 * One reassembler per direction of a TCP flow, allocated only for TCP flows.
 * Segments are delivered in sequence order; retransmitted bytes are trimmed;
 * a few out-of-order segments are held until the gap fills. What cannot be
 * placed (the capture missed bytes) is counted, and the consumer is told the
 * stream has a gap, since RFC 4571 framing cannot survive one.
 */
#ifndef CA_TCP_H
#define CA_TCP_H

#include <stdbool.h>

#include "cursor.h"

#define CA_TCP_BUFFER     (2 + 65535 + 2048) /* one whole RFC 4571 frame and some */
#define CA_TCP_HELD       8
#define CA_TCP_HELD_BYTES 2048

#define CA_TCP_SYN 0x02
#define CA_TCP_FIN 0x01
#define CA_TCP_RST 0x04

typedef struct {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    ca_cursor_t payload;
} ca_tcp_t;

CA_MUST_CHECK ca_err_t ca_tcp_decode(ca_cursor_t *c, ca_tcp_t *tcp);

typedef struct {
    uint32_t seq;
    uint16_t len;
    uint8_t data[CA_TCP_HELD_BYTES];
} ca_tcp_held_t;

typedef struct {
    bool started;
    bool gap; /* bytes were lost: the consumer must resynchronise or give up */
    uint32_t next_seq;
    uint8_t buf[CA_TCP_BUFFER]; /* bytes received, not yet consumed */
    size_t len;
    ca_tcp_held_t held[CA_TCP_HELD];
    size_t n_held;
    uint64_t retransmitted_bytes, lost_segments, overflow_bytes;
} ca_tcp_stream_t;

/* Add a segment. Returns true when new in-order bytes were appended to BUF. */
bool ca_tcp_stream_add(ca_tcp_stream_t *s, const ca_tcp_t *seg);

/* Drop the first N bytes of BUF (the consumer used them). */
void ca_tcp_stream_consume(ca_tcp_stream_t *s, size_t n);

#endif
