/* audit_keys.h - what the auditor keeps to run the rules across calls
 * (MITM_SUSPECTED, CERT_REUSED, media continuing an ICE session): a
 * multimap from RTP sources, certificates and ICE sessions to calls, and the
 * keys of the calls already reported and let go of, within a window.
 *
 * The window is what keeps memory constant over a long capture: the keys of
 * the last CA_CROSS_WINDOW to twice that many calls let go of are kept, in
 * two generations (the older is dropped whole when the newer fills), and
 * the calls forgotten so are counted and reported. Legs of one relayed call
 * are audited within seconds of each other, so the window only limits how
 * far apart two uses of one certificate can be found.
 */
#ifndef CA_AUDIT_KEYS_H
#define CA_AUDIT_KEYS_H

#include "audit.h"

#define CA_CROSS_WINDOW 4096

typedef struct {
    uint64_t tag; /* 0: empty */
    uint32_t idx;
} ca_key_slot_t;

/* Open addressing, load at most 1/2; a tag may stand for several calls. */
typedef struct {
    ca_key_slot_t *slots;
    size_t cap, n;
} ca_key_index_t;

void ca_key_index_free(ca_key_index_t *ix);
/* Index KEYS[IDX] under each of its RTP sources and certificates. An entry
 * is left out when the tag already stands for a call with the same
 * certificate pair: rules across calls only concern calls with another
 * pair, and a capture of many calls of one pair (a replay, a benchmark)
 * must not make every lookup long. False: out of memory. */
CA_MUST_CHECK bool ca_key_index_add(ca_key_index_t *ix, const ca_call_key_t *keys, uint32_t idx);
/* Index IDX under the ICE session of ufrags A and B (either order); a
 * session keeps its first few entries. False: out of memory. */
CA_MUST_CHECK bool ca_key_index_add_session(ca_key_index_t *ix, const char *a, const char *b,
                                            uint32_t idx);
/* Call FN on every entry sharing one of K's tags (an entry may come more than once). */
void ca_key_index_each(const ca_key_index_t *ix, const ca_call_key_t *k,
                       void (*fn)(void *, uint32_t), void *user);
/* Call FN on every entry of the ICE session of ufrags A and B. */
void ca_key_index_each_session(const ca_key_index_t *ix, const char *a, const char *b,
                               void (*fn)(void *, uint32_t), void *user);

/* The keys of calls let go of, in two generations of up to WINDOW each. */
typedef struct {
    ca_call_key_t *keys;
    size_t n;
    ca_key_index_t by_tag, by_session;
} ca_key_generation_t;

typedef struct {
    ca_key_generation_t gen[2]; /* gen[cur] fills; the other is older */
    int cur;
    size_t window;
    uint64_t total;     /* calls let go of */
    uint64_t forgotten; /* of them, dropped with an old generation */
} ca_gone_keys_t;

/* WINDOW 0: CA_CROSS_WINDOW. */
void ca_gone_keys_init(ca_gone_keys_t *g, size_t window);
void ca_gone_keys_free(ca_gone_keys_t *g);
CA_MUST_CHECK ca_err_t ca_gone_keys_add(ca_gone_keys_t *g, const ca_call_t *c);
/* FN on the kept keys sharing an RTP source or a certificate with K, older first. */
void ca_gone_keys_each(const ca_gone_keys_t *g, const ca_call_key_t *k,
                       void (*fn)(void *, const ca_call_key_t *), void *user);
/* FN on the kept keys of the ICE session of ufrags A and B, older first. */
void ca_gone_keys_each_session(const ca_gone_keys_t *g, const char *a, const char *b,
                               void (*fn)(void *, const ca_call_key_t *), void *user);

#endif
