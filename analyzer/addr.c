/* addr.c - printing addresses and endpoints (comparing them is inline in addr.h). */
#include "addr.h"

#include <arpa/inet.h>
#include <stdio.h>

void ca_addr_format(const ca_addr_t *a, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN] = "?";
    if (a->family == 4)
        inet_ntop(AF_INET, a->bytes, text, sizeof text);
    else if (a->family == 6)
        inet_ntop(AF_INET6, a->bytes, text, sizeof text);
    snprintf(out, size, "%s", text);
}

void ca_endpoint_format(const ca_endpoint_t *ep, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    ca_addr_format(&ep->addr, text, sizeof text);
    snprintf(out, size, ep->addr.family == 6 ? "[%s]:%u" : "%s:%u", text, ep->port);
}
