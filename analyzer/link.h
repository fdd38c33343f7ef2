/* link.h - link-layer decoding: from a captured frame to its IP packet.
 *
 * Ethernet with 802.1Q / 802.1ad (QinQ) tags, Linux cooked capture v1 (SLL)
 * and v2 (SLL2, what `tcpdump -i any` writes), raw IPv4/IPv6, and BSD
 * loopback (NULL, LOOP). Anything else is CA_ERR_UNSUPPORTED.
 */
#ifndef CA_LINK_H
#define CA_LINK_H

#include <stdbool.h>

#include "cursor.h"

typedef enum {
    CA_NET_OTHER = 0, /* not IP (ARP, LLDP, ...): counted, not an error */
    CA_NET_IPV4,
    CA_NET_IPV6,
} ca_net_t;

/* Whether libcallaudit can decode captures of this DLT_ link type. */
bool ca_link_supported(int dlt);

/* Advance FRAME past the link header; say which network protocol follows. */
CA_MUST_CHECK ca_err_t ca_link_decode(int dlt, ca_cursor_t *frame, ca_net_t *net);

#endif
