/* ip.c - IPv4, IPv6 (with extension headers) and UDP headers; see ip.h.
 *
 *  IPv4:  ver/ihl | tos | total length | id | flags/fragment offset | ttl |
 *         protocol | checksum | source | destination | options
 *  IPv6:  ver/class/flow (4) | payload length | next header | hop limit |
 *         source (16) | destination (16) | extension headers
 */
#include "ip.h"

#include <string.h>

#define IPV6_HOPOPTS  0
#define IPV6_ROUTING  43
#define IPV6_FRAGMENT 44
#define IPV6_AH       51
#define IPV6_DSTOPTS  60
#define IPV6_MAX_EXT  8

/* Take LEN bytes of C as SUB or, when the frame was cut by the capture
 * (FRAME_CUT) short of them, what there is, setting *CUT. */
CA_MUST_CHECK static ca_err_t sub_or_cut(ca_cursor_t *c, size_t len, bool frame_cut,
                                         ca_cursor_t *sub, bool *cut)
{
    if (frame_cut && ca_cursor_left(c) < len) {
        *cut = true;
        len = ca_cursor_left(c);
    }
    return ca_cursor_sub(c, len, sub);
}

CA_MUST_CHECK static ca_err_t decode_ipv4(ca_cursor_t *c, bool frame_cut, ca_ip_t *ip)
{
    uint8_t vihl, ttl;
    uint16_t total, id, frag;
    const uint8_t *addr;
    ca_cursor_t start = *c;
    CA_GUARD(ca_cursor_u8(c, &vihl));
    CA_ENSURE((vihl >> 4) == 4, CA_ERR_MALFORMED);
    size_t ihl = 4u * (vihl & 0x0fu);
    CA_ENSURE(ihl >= 20, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_skip(c, 1));
    CA_GUARD(ca_cursor_u16(c, &total));
    CA_ENSURE(total >= ihl, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(c, &id));
    CA_GUARD(ca_cursor_u16(c, &frag));
    CA_GUARD(ca_cursor_u8(c, &ttl));
    CA_GUARD(ca_cursor_u8(c, &ip->proto));
    CA_GUARD(ca_cursor_skip(c, 2));
    ip->src.family = ip->dst.family = 4;
    CA_GUARD(ca_cursor_bytes(c, 4, &addr));
    memcpy(ip->src.bytes, addr, 4);
    CA_GUARD(ca_cursor_bytes(c, 4, &addr));
    memcpy(ip->dst.bytes, addr, 4);
    CA_GUARD(ca_cursor_skip(c, ihl - 20)); /* options */
    ip->frag_id = id;
    ip->frag_offset = 8u * (frag & 0x1fffu);
    ip->more_fragments = (frag & 0x2000) != 0;
    ip->fragment = ip->more_fragments || ip->frag_offset != 0;
    /* The payload is what the length field says: trailing bytes are padding. */
    CA_GUARD(sub_or_cut(&start, total, frame_cut, &ip->payload, &ip->cut));
    CA_GUARD(ca_cursor_skip(&ip->payload, ihl));
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t decode_ipv6(ca_cursor_t *c, bool frame_cut, ca_ip_t *ip)
{
    uint32_t vtf;
    uint16_t plen;
    uint8_t next, hops;
    const uint8_t *addr;
    CA_GUARD(ca_cursor_u32(c, &vtf));
    CA_ENSURE((vtf >> 28) == 6, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(c, &plen));
    CA_GUARD(ca_cursor_u8(c, &next));
    CA_GUARD(ca_cursor_u8(c, &hops));
    ip->src.family = ip->dst.family = 6;
    CA_GUARD(ca_cursor_bytes(c, 16, &addr));
    memcpy(ip->src.bytes, addr, 16);
    CA_GUARD(ca_cursor_bytes(c, 16, &addr));
    memcpy(ip->dst.bytes, addr, 16);
    /* A payload length of 0 is a jumbogram (RFC 2675): not for media. */
    CA_ENSURE(plen > 0, CA_ERR_UNSUPPORTED);
    CA_GUARD(sub_or_cut(c, plen, frame_cut, &ip->payload, &ip->cut));

    for (int n = 0;; n++) {
        uint8_t hdr_next, len;
        switch (next) {
        case IPV6_HOPOPTS:
        case IPV6_ROUTING:
        case IPV6_DSTOPTS:
            CA_ENSURE(n < IPV6_MAX_EXT, CA_ERR_MALFORMED);
            CA_GUARD(ca_cursor_u8(&ip->payload, &hdr_next));
            CA_GUARD(ca_cursor_u8(&ip->payload, &len));
            CA_GUARD(ca_cursor_skip(&ip->payload, 8u * len + 6u));
            next = hdr_next;
            break;
        case IPV6_AH: /* RFC 4302: length in 4-byte units minus 2 */
            CA_ENSURE(n < IPV6_MAX_EXT, CA_ERR_MALFORMED);
            CA_GUARD(ca_cursor_u8(&ip->payload, &hdr_next));
            CA_GUARD(ca_cursor_u8(&ip->payload, &len));
            CA_GUARD(ca_cursor_skip(&ip->payload, 4u * len + 6u));
            next = hdr_next;
            break;
        case IPV6_FRAGMENT: {
            uint16_t off;
            uint32_t id;
            CA_ENSURE(n < IPV6_MAX_EXT, CA_ERR_MALFORMED);
            CA_GUARD(ca_cursor_u8(&ip->payload, &hdr_next));
            CA_GUARD(ca_cursor_skip(&ip->payload, 1));
            CA_GUARD(ca_cursor_u16(&ip->payload, &off));
            CA_GUARD(ca_cursor_u32(&ip->payload, &id));
            ip->frag_offset = off & 0xfff8u;
            ip->more_fragments = (off & 1) != 0;
            ip->frag_id = id;
            ip->fragment = ip->more_fragments || ip->frag_offset != 0;
            if (ip->frag_offset != 0) {
                /* Later fragments carry only fragment data, whatever follows. */
                ip->proto = hdr_next;
                return CA_OK;
            }
            next = hdr_next;
            break;
        }
        default:
            ip->proto = next;
            return CA_OK;
        }
    }
}

ca_err_t ca_ip_decode(ca_net_t net, ca_cursor_t *c, bool frame_cut, ca_ip_t *ip)
{
    memset(ip, 0, sizeof *ip);
    if (net == CA_NET_IPV4)
        return decode_ipv4(c, frame_cut, ip);
    if (net == CA_NET_IPV6)
        return decode_ipv6(c, frame_cut, ip);
    return CA_ERR_UNSUPPORTED;
}

ca_err_t ca_udp_decode(ca_cursor_t *c, bool cut, ca_udp_t *udp)
{
    uint16_t len;
    udp->cut = false;
    CA_GUARD(ca_cursor_u16(c, &udp->sport));
    CA_GUARD(ca_cursor_u16(c, &udp->dport));
    CA_GUARD(ca_cursor_u16(c, &len));
    CA_GUARD(ca_cursor_skip(c, 2)); /* checksum: offloaded on capture hosts, not checked */
    CA_ENSURE(len >= 8, CA_ERR_MALFORMED);
    CA_GUARD(sub_or_cut(c, len - 8u, cut, &udp->payload, &udp->cut));
    return CA_OK;
}
