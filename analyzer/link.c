/* link.c - Ethernet (IEEE 802.3, 802.1Q/ad), Linux SLL/SLL2, raw IP and BSD
 * loopback headers; see link.h.
 *
 * Ethernet:  dst(6) src(6) [TPID(2) TCI(2)]* ethertype(2)
 * SLL:       pkttype(2) arphrd(2) addrlen(2) addr(8) protocol(2)
 * SLL2:      protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8)
 * NULL:      address family, 4 bytes in the capturing host's byte order
 * LOOP:      address family, 4 bytes big-endian
 */
#include "link.h"

#include <pcap/dlt.h>

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_VLAN     0x8100
#define ETHERTYPE_QINQ     0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS      4
/* LINKTYPE_ values that libpcap may hand out unmapped */
#define LINKTYPE_IPV4 228
#define LINKTYPE_IPV6 229
#define LINKTYPE_RAW  101

static ca_net_t net_from_ethertype(uint16_t type)
{
    return type == ETHERTYPE_IPV4   ? CA_NET_IPV4
           : type == ETHERTYPE_IPV6 ? CA_NET_IPV6
                                    : CA_NET_OTHER;
}

/* BSD address families for IPv6 differ between systems (24, 28, 30; Linux 10). */
static ca_net_t net_from_af(uint32_t af)
{
    if (af == 2)
        return CA_NET_IPV4;
    if (af == 10 || af == 24 || af == 28 || af == 30)
        return CA_NET_IPV6;
    return CA_NET_OTHER;
}

static uint32_t byteswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

CA_MUST_CHECK static ca_err_t decode_ethernet(ca_cursor_t *c, ca_net_t *net)
{
    uint16_t type;
    CA_GUARD(ca_cursor_skip(c, 12));
    CA_GUARD(ca_cursor_u16(c, &type));
    for (int tags = 0;
         type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD; tags++) {
        CA_ENSURE(tags < MAX_VLAN_TAGS, CA_ERR_MALFORMED);
        CA_GUARD(ca_cursor_skip(c, 2)); /* TCI: priority, DEI, VLAN id */
        CA_GUARD(ca_cursor_u16(c, &type));
    }
    *net = net_from_ethertype(type);
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t decode_raw(ca_cursor_t *c, ca_net_t *net)
{
    uint8_t first;
    CA_GUARD(ca_cursor_peek_u8(c, &first));
    *net = (first >> 4) == 4 ? CA_NET_IPV4 : (first >> 4) == 6 ? CA_NET_IPV6 : CA_NET_OTHER;
    return CA_OK;
}

bool ca_link_supported(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
        return true;
    default:
        return false;
    }
}

ca_err_t ca_link_decode(int dlt, ca_cursor_t *c, ca_net_t *net)
{
    uint16_t type;
    uint32_t af;
    *net = CA_NET_OTHER;
    switch (dlt) {
    case DLT_EN10MB:
        return decode_ethernet(c, net);
    case DLT_LINUX_SLL:
        CA_GUARD(ca_cursor_skip(c, 14));
        CA_GUARD(ca_cursor_u16(c, &type));
        *net = net_from_ethertype(type);
        return CA_OK;
    case DLT_LINUX_SLL2:
        CA_GUARD(ca_cursor_u16(c, &type));
        CA_GUARD(ca_cursor_skip(c, 18));
        *net = net_from_ethertype(type);
        return CA_OK;
    case DLT_RAW:
    case LINKTYPE_RAW:
        return decode_raw(c, net);
    case LINKTYPE_IPV4:
        *net = CA_NET_IPV4;
        return CA_OK;
    case LINKTYPE_IPV6:
        *net = CA_NET_IPV6;
        return CA_OK;
    case DLT_NULL:
        CA_GUARD(ca_cursor_u32(c, &af));
        *net = net_from_af(af);
        if (*net == CA_NET_OTHER)
            *net = net_from_af(byteswap32(af));
        return CA_OK;
    case DLT_LOOP:
        CA_GUARD(ca_cursor_u32(c, &af));
        *net = net_from_af(af);
        return CA_OK;
    default:
        return CA_ERR_UNSUPPORTED;
    }
}
