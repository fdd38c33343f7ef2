/* addr.h - IP addresses and transport endpoints as the decoders hand them out. */
#ifndef CA_ADDR_H
#define CA_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint8_t family;    /* 4 or 6; 0: unset */
    uint8_t bytes[16]; /* IPv4 in the first 4 bytes, the rest zero */
} ca_addr_t;

typedef struct {
    ca_addr_t addr;
    uint16_t port;
} ca_endpoint_t;

#define CA_ENDPOINT_TEXT_LEN 56 /* "[v6]:port" */

/* Inline: several calls per packet (flow lookup, direction). */
static inline bool ca_addr_equal(const ca_addr_t *a, const ca_addr_t *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

static inline bool ca_endpoint_equal(const ca_endpoint_t *a, const ca_endpoint_t *b)
{
    return a->port == b->port && ca_addr_equal(&a->addr, &b->addr);
}
/* "192.0.2.1:5000" or "[2001:db8::1]:5000" */
void ca_endpoint_format(const ca_endpoint_t *ep, char *out, size_t size);
void ca_addr_format(const ca_addr_t *a, char *out, size_t size);

#endif
