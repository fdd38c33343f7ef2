/* audit_sdp.c - the rules of --sdp (and of SDP seen in the capture): which
 * SDP media section describes each endpoint of a call, by the endpoint's ICE
 * ufrag, a candidate, an a=ssrc of a stream it sent or an a=fingerprint
 * naming its certificate; then what the certificates on the wire and the
 * DTLS roles must agree with (RFC 8122, RFC 4145). An SDP that describes no
 * call is reported by ca_audit_run_findings (SDP_UNMATCHED).
 */
#include <string.h>

#include <openssl/evp.h>

#include "audit.h"

static bool fingerprint_matches(const ca_dtls_cert_t *c, const ca_sdp_fingerprint_t *fp,
                                bool *known_hash)
{
    const EVP_MD *md = EVP_get_digestbyname(fp->hash);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    *known_hash = md != NULL;
    if (!md || !c->der || EVP_Digest(c->der, c->der_len, digest, &len, md, NULL) != 1)
        return false;
    return len == fp->len && memcmp(digest, fp->bytes, len) == 0;
}

/* Whether media section MM describes endpoint EP (sending as DIR) of CALL:
 * by ICE ufrag (the USERNAME of its connectivity checks, RFC 8445 7.2.2),
 * by a candidate, or by an a=ssrc of a stream EP sent (RFC 5576: a=ssrc
 * declares the sources of the SDP's author). Only real sources count: SSRC
 * 0 and streams of a few packets may be anybody's (audit_cross.c). */
static bool media_describes(const ca_sdp_media_t *mm, const ca_call_t *call,
                            const ca_endpoint_t *ep, const char *ufrag, ca_dir_t dir)
{
    if (ufrag[0] && strcmp(ufrag, mm->ice_ufrag) == 0)
        return true;
    char addr[64];
    ca_addr_format(&ep->addr, addr, sizeof addr);
    for (size_t c = 0; c < mm->n_candidates; c++)
        if (mm->candidates[c].port == ep->port && strcmp(mm->candidates[c].addr, addr) == 0)
            return true;
    for (size_t i = 0; i < call->n_streams; i++)
        if (call->stream_dirs[i] == dir && ca_stream_real_source(&call->streams[i]) &&
            ca_sdp_media_has_ssrc(mm, call->streams[i].ssrc))
            return true;
    return false;
}

/* The SDP media section of the call's endpoint D (0: client, 1: server), and
 * in *WHICH the SDP it is in. */
static const ca_sdp_media_t *sdp_for_endpoint(const ca_audit_opts_t *opts, const ca_call_t *call,
                                              int d, size_t *which)
{
    const ca_endpoint_t *ep = d == 0 ? &call->client : &call->server;
    const ca_flow_info_t *f = &call->flow;
    const char *ufrag = f->ice_ufrag[ca_endpoint_equal(ep, &f->a) ? 0 : 1];
    for (size_t i = 0; i < opts->n_sdps; i++)
        for (size_t m = 0; m < opts->sdps[i]->n_media; m++)
            if (media_describes(&opts->sdps[i]->media[m], call, ep, ufrag,
                                d == 0 ? CA_C2S : CA_S2C)) {
                *which = i;
                return &opts->sdps[i]->media[m];
            }
    return NULL;
}

/* An SDP whose a=fingerprint is one of the call's certificates describes
 * it, whatever its ufrags and candidates say (a relay, a NAT). */
static void note_fingerprint_matches(const ca_call_t *call, const ca_audit_opts_t *opts,
                                     bool *sdp_used)
{
    for (size_t i = 0; call->dtls && i < opts->n_sdps; i++)
        for (size_t m = 0; !sdp_used[i] && m < opts->sdps[i]->n_media; m++) {
            const ca_sdp_media_t *mm = &opts->sdps[i]->media[m];
            for (int d = 0; d < 2 && mm->has_fingerprint; d++) {
                bool known;
                if (fingerprint_matches(&call->dtls->cert[d], &mm->fingerprint, &known))
                    sdp_used[i] = true;
            }
        }
}

void ca_audit_sdp_rules(ca_call_t *call, const ca_audit_opts_t *opts, bool *sdp_used)
{
    const ca_dtls_session_t *s = call->dtls;
    const ca_sdp_media_t *side[2] = {NULL, NULL};
    note_fingerprint_matches(call, opts, sdp_used);
    for (int d = 0; d < 2; d++) {
        size_t which = 0;
        side[d] = sdp_for_endpoint(opts, call, d, &which);
        if (!side[d])
            continue;
        sdp_used[which] = true;
        call->sdp_names[d] = opts->sdp_names[which];
        call->sdp_media[d] = side[d];
        const ca_sdp_media_t *m = side[d];
        if (!s) {
            if (m->has_crypto)
                ca_call_find(call, "NO_DTLS", CA_SEV_FAIL, 0,
                             "the %s's SDP (%s) carries a=crypto: SRTP keyed by SDES through the "
                             "signaling service, which can read them",
                             d == 0 ? "first endpoint" : "second endpoint", opts->sdp_names[which]);
            continue;
        }
        const ca_dtls_cert_t *c = &s->cert[d];
        /* RFC 8122 5: the certificate presented MUST match the a=fingerprint. */
        if (m->has_fingerprint && c->der) {
            bool known = false;
            if (!fingerprint_matches(c, &m->fingerprint, &known))
                ca_call_find(call, "FINGERPRINT_MISMATCH", CA_SEV_FAIL, c->frame,
                             "the %s's certificate does not match a=fingerprint:%s in %s%s",
                             ca_side_name(d), m->fingerprint.hash, opts->sdp_names[which],
                             known ? "" : " (unknown hash function)");
        }
        /* RFC 4145 4 / RFC 5763 5: active is the DTLS client, passive the server. */
        if (s->roles_known && ((m->setup == CA_SDP_SETUP_ACTIVE && d != CA_C2S) ||
                               (m->setup == CA_SDP_SETUP_PASSIVE && d != CA_S2C)))
            ca_call_find(call, "SETUP_ROLE_MISMATCH", CA_SEV_FAIL, s->first_frame,
                         "%s says a=setup:%s but that endpoint is the DTLS %s on the wire",
                         opts->sdp_names[which], ca_sdp_setup_name(m->setup), ca_side_name(d));
    }
    /* DTLS 1.3 hides the certificates: the code can only be shown as signalled. */
    if (s && s->version == CA_DTLS_V13 && !call->have_code && side[0] && side[1] &&
        side[0]->has_fingerprint && side[1]->has_fingerprint &&
        side[0]->fingerprint.len == CA_SHA256_LEN && side[1]->fingerprint.len == CA_SHA256_LEN) {
        ca_seccode_from_thumbprints(side[0]->fingerprint.bytes, side[1]->fingerprint.bytes,
                                    call->code);
        call->have_code = true;
        call->code_from_sdp = true;
    }
}
