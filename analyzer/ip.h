/* ip.h - IPv4 (RFC 791) and IPv6 (RFC 8200) headers, including IPv6
 * extension headers and the fragment fields of both; UDP (RFC 768). */
#ifndef CA_IP_H
#define CA_IP_H

#include <stdbool.h>

#include "addr.h"
#include "cursor.h"
#include "link.h"

#define CA_IPPROTO_TCP 6
#define CA_IPPROTO_UDP 17

typedef struct {
    ca_addr_t src, dst;
    uint8_t proto; /* the upper-layer protocol after extension headers */
    bool fragment; /* a fragment (offset > 0 or more fragments follow) */
    uint32_t frag_id;
    uint32_t frag_offset; /* in bytes */
    bool more_fragments;
    ca_cursor_t payload; /* bounded by the IP length field, not the frame */
    bool cut;            /* the capture's snaplen cut the payload short of the length field */
} ca_ip_t;

/* Decode the IP header at C; the payload is cut to the length field
 * (Ethernet pads). A length beyond the captured bytes is CA_ERR_TRUNCATED,
 * unless FRAME_CUT says the capture cut the frame (caplen < len): then, as
 * tcpdump does, the payload is what was captured and ip->cut is set, so the
 * layers above read the headers a snaplen keeps. */
CA_MUST_CHECK ca_err_t ca_ip_decode(ca_net_t net, ca_cursor_t *c, bool frame_cut, ca_ip_t *ip);

typedef struct {
    uint16_t sport, dport;
    ca_cursor_t payload;
    bool cut; /* shorter than the length field says: the snaplen cut it */
} ca_udp_t;

/* Decode a UDP header; CUT (the IP payload was cut by the snaplen): a length
 * beyond the captured bytes keeps what was captured, with udp->cut set. */
CA_MUST_CHECK ca_err_t ca_udp_decode(ca_cursor_t *c, bool cut, ca_udp_t *udp);

#endif
