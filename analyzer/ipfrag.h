/* ipfrag.h - bounded IPv4/IPv6 fragment reassembly (RFC 791, RFC 8200 4.5).
 *
 * A fixed pool of reassembly slots, each with a 64 KiB buffer allocated once
 * at creation, so reassembly never allocates per packet. A slot is freed when
 * its datagram completes, when it is older than the timeout (capture time),
 * or when it is evicted (oldest first) for a new datagram; every such loss is
 * counted. Overlapping fragments void the datagram (RFC 5722: an evasion
 * technique, not something an auditor should resolve either way).
 */
#ifndef CA_IPFRAG_H
#define CA_IPFRAG_H

#include "ip.h"

#define CA_IPFRAG_SLOTS      64
#define CA_IPFRAG_MAX_RANGES 64
#define CA_IPFRAG_TIMEOUT_US (30 * 1000000LL)

typedef struct ca_ipfrag ca_ipfrag_t;

typedef struct {
    uint64_t completed;
    uint64_t timed_out; /* fragments of datagrams that never completed */
    uint64_t evicted;   /* slots taken for newer datagrams */
    uint64_t overlaps;  /* datagrams voided by overlapping fragments */
    uint64_t too_big;   /* beyond 65535 bytes or CA_IPFRAG_MAX_RANGES pieces */
} ca_ipfrag_stats_t;

ca_ipfrag_t *ca_ipfrag_new(void);
void ca_ipfrag_free(ca_ipfrag_t *f);

/* Add the fragment IP (its payload); when this completes a datagram, return
 * CA_OK with *done set and IP's payload pointing at the reassembled bytes
 * (valid until the next call). Otherwise *done is false. */
CA_MUST_CHECK ca_err_t ca_ipfrag_add(ca_ipfrag_t *f, int64_t now_us, ca_ip_t *ip, bool *done);

/* Drop slots idle past the timeout. */
void ca_ipfrag_expire(ca_ipfrag_t *f, int64_t now_us);

const ca_ipfrag_stats_t *ca_ipfrag_stats(const ca_ipfrag_t *f);

#endif
