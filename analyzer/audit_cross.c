/* audit_cross.c - the rules between calls: the key a call leaves for them
 * (enough to compare once the call itself is gone), legs of one relayed
 * call with different certificate pairs (MITM_SUSPECTED), a certificate
 * used in several calls (CERT_REUSED). The per-call rules are in audit.c.
 */
#include <string.h>

#include "audit.h"

/* A source that can tie two legs together: a relay forwards a sender's
 * stream with its SSRC. SSRC 0 is what SFUs and probes use as a
 * placeholder, and a stream of a few packets (a probe, RTX padding) may be
 * anybody's: neither is evidence that two calls carry the same media. */
#define CA_REAL_SOURCE_PACKETS 10

bool ca_stream_real_source(const ca_stream_t *s)
{
    return s->ssrc != 0 && s->packets >= CA_REAL_SOURCE_PACKETS && ca_stream_is_media(s);
}

void ca_call_key_of(const ca_call_t *c, ca_call_key_t *k)
{
    memset(k, 0, sizeof *k);
    k->id = c->id;
    memcpy(k->ice_ufrags, c->ice_ufrags, sizeof k->ice_ufrags);
    k->dtls = c->dtls != NULL;
    k->have_code = c->have_code;
    memcpy(k->code, c->code, sizeof k->code);
    for (int d = 0; c->dtls && d < 2; d++) {
        k->parsed[d] = c->dtls->cert[d].parsed;
        memcpy(k->thumbprint[d], c->dtls->cert[d].thumbprint, CA_SHA256_LEN);
    }
    for (size_t i = 0; i < c->n_streams && k->n_ssrcs < CA_CALL_MAX_STREAMS; i++) {
        const ca_stream_t *s = &c->streams[i];
        if (k->media_first_us == 0 || s->first_us < k->media_first_us)
            k->media_first_us = s->first_us;
        if (s->last_us > k->media_last_us)
            k->media_last_us = s->last_us;
        if (!ca_stream_real_source(s))
            continue;
        k->ssrc[k->n_ssrcs] = s->ssrc;
        k->rtcp[k->n_ssrcs++] = s->rtcp;
    }
}

static bool share_ssrc(const ca_call_key_t *a, const ca_call_key_t *b)
{
    for (size_t i = 0; i < a->n_ssrcs; i++)
        for (size_t j = 0; j < b->n_ssrcs; j++)
            if (a->ssrc[i] == b->ssrc[j] && a->rtcp[i] == b->rtcp[j])
                return true;
    return false;
}

static bool same_pair(const ca_call_key_t *a, const ca_call_key_t *b)
{
    const uint8_t *a0 = a->thumbprint[0], *a1 = a->thumbprint[1];
    const uint8_t *b0 = b->thumbprint[0], *b1 = b->thumbprint[1];
    return (memcmp(a0, b0, CA_SHA256_LEN) == 0 && memcmp(a1, b1, CA_SHA256_LEN) == 0) ||
           (memcmp(a0, b1, CA_SHA256_LEN) == 0 && memcmp(a1, b0, CA_SHA256_LEN) == 0);
}

bool ca_call_key_same_pair(const ca_call_key_t *a, const ca_call_key_t *b)
{
    return same_pair(a, b);
}

/* Two DTLS sessions carrying the same RTP sources are legs of one call: a
 * relay that forwards media re-encrypts it but keeps the SSRCs. If the legs
 * have different certificate pairs, someone between them holds the keys.
 * Findings go to X; the caller runs each ordered pair. Y is only a key: a
 * call already reported and let go of (a long capture) still counts. */
void ca_audit_cross_call_rules(ca_call_t *x, const ca_call_key_t *y)
{
    ca_call_key_t xk;
    if (!x->dtls || !y->dtls)
        return;
    ca_call_key_of(x, &xk);
    /* legs of one call carry its media at the same time */
    bool overlap = xk.media_first_us <= y->media_last_us && y->media_first_us <= xk.media_last_us;
    if (x->have_code && y->have_code && overlap && share_ssrc(&xk, y) && !same_pair(&xk, y)) {
        x->other_leg = y->id;
        memcpy(x->other_code, y->code, sizeof x->other_code);
        ca_call_find(x, "MITM_SUSPECTED", CA_SEV_FAIL, 0,
                     "call %u carries the same RTP sources with other certificates: this leg's "
                     "code is %s, the other's %s",
                     y->id, x->code, y->code);
    }
    for (int d = 0; d < 2; d++) {
        const ca_dtls_cert_t *c = &x->dtls->cert[d];
        if (!c->parsed)
            continue;
        for (int e = 0; e < 2; e++) {
            if (y->parsed[e] && memcmp(c->thumbprint, y->thumbprint[e], CA_SHA256_LEN) == 0 &&
                !same_pair(&xk, y)) {
                char hex[CA_THUMBPRINT_TEXT_LEN];
                ca_hex_colon(c->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
                ca_call_find(x, "CERT_REUSED", CA_SEV_WARN, c->frame,
                             "the %s's certificate %s is also used in call %u: not per-call",
                             ca_side_name(d), hex, y->id);
            }
        }
    }
}
