/* audit.c - calls, audit rules and verdicts; see audit.h. */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ca_severity_name(ca_severity_t s)
{
    return s == CA_SEV_FAIL ? "fail" : s == CA_SEV_INCONCLUSIVE ? "inconclusive" : "warn";
}

const char *ca_verdict_name(ca_verdict_t v)
{
    return v == CA_VERDICT_FAIL ? "fail" : v == CA_VERDICT_INCONCLUSIVE ? "inconclusive" : "pass";
}

__attribute__((format(printf, 5, 6))) static void add_finding(ca_finding_t *list, size_t *n,
                                                              size_t cap, const ca_finding_t *tmpl,
                                                              const char *fmt, ...)
{
    char message[sizeof list->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* Rules across calls run again as calls end one by one (live): say each thing once. */
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i].id, tmpl->id) == 0 && strcmp(list[i].message, message) == 0)
            return;
    if (*n == cap)
        return;
    ca_finding_t *f = &list[(*n)++];
    *f = *tmpl;
    memcpy(f->message, message, sizeof message);
}

/* Room for one more finding of CALL (a call has a few: grown on demand). */
static void reserve_finding(ca_call_t *call)
{
    if (call->n_findings < call->findings_cap || call->findings_cap == CA_CALL_MAX_FINDINGS)
        return;
    size_t cap = call->findings_cap ? call->findings_cap * 2 : 4;
    if (cap > CA_CALL_MAX_FINDINGS)
        cap = CA_CALL_MAX_FINDINGS;
    ca_finding_t *grown = realloc(call->findings, cap * sizeof *grown);
    if (!grown)
        return; /* counted as dropped below */
    call->findings = grown;
    call->findings_cap = cap;
}

void ca_call_find(ca_call_t *call, const char *id, ca_severity_t sev, uint64_t frame,
                  const char *fmt, ...)
{
    ca_finding_t tmpl = {.id = id, .severity = sev, .frame = frame};
    char message[sizeof tmpl.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    reserve_finding(call);
    if (call->n_findings == call->findings_cap)
        call->findings_dropped++;
    add_finding(call->findings, &call->n_findings, call->findings_cap, &tmpl, "%s", message);
}

const char *ca_side_name(int dir)
{
    return dir == CA_C2S ? "client" : "server";
}

/* A DTLS 1.3 handshake a key log opened: judged like a 1.2 one, on what it hid. */
static bool opened13(const ca_dtls_session_t *s)
{
    return s->version == CA_DTLS_V13 && s->keys.state == CA_KEYS_DERIVED && s->k13.opened > 0;
}

const char *ca_call_stream_dir(const ca_call_t *call, size_t i)
{
    return call->stream_dirs[i] == CA_C2S ? "c2s" : "s2c";
}

/* --- rules on the handshake ------------------------------------------------------- */

/* A capture that ends this soon after a handshake's last packet cannot tell
 * a stalled handshake from one still going: twice DTLS's initial
 * retransmission timer (RFC 6347 4.2.4.1), within which a stalled flight
 * would have been sent again. */
#define HANDSHAKE_CUT_US 2000000

/* The capture stops (its end, or live's stop) before an unfinished
 * handshake had time to go on: the handshake was cut, not seen to fail.
 * The time runs from when the unanswered flight was first sent: its
 * retransmissions, unanswered too, are the stall itself. An alert or an
 * order violation is evidence of its own. */
static int64_t unanswered_since(const ca_dtls_session_t *s)
{
    return s->last_step_us ? s->last_step_us : s->last_us;
}

static bool handshake_cut(const ca_dtls_session_t *s, const ca_audit_opts_t *opts)
{
    return opts->capture_now_us && !s->fatal_alert && !s->encrypted_alert_before_complete &&
           s->n_violations == 0 && s->violations_dropped == 0 &&
           opts->capture_now_us - unanswered_since(s) < HANDSHAKE_CUT_US;
}

static void handshake_incomplete(ca_call_t *call, const ca_audit_opts_t *opts, const char *what)
{
    const ca_dtls_session_t *s = call->dtls;
    const char *fin = s->finished[CA_C2S] ? "no server" : s->finished[CA_S2C] ? "no client" : "no";
    if (handshake_cut(s, opts))
        ca_call_find(call, "HANDSHAKE_INCOMPLETE", CA_SEV_INCONCLUSIVE, s->last_frame,
                     "%s; %s Finished: the capture ends %.1f s after its last flight was first "
                     "sent, too soon to tell a stalled handshake from one cut by the end of the "
                     "capture",
                     what, fin, (double)(opts->capture_now_us - unanswered_since(s)) / 1e6);
    else
        ca_call_find(call, "HANDSHAKE_INCOMPLETE", CA_SEV_FAIL, s->last_frame, "%s; %s Finished",
                     what, fin);
}

static void rule_handshake(ca_call_t *call, const ca_audit_opts_t *opts)
{
    const ca_dtls_session_t *s = call->dtls;
    /* RFC 6347 4.1.2 / RFC 5246 7.2.2: a fatal alert ends the connection. */
    if (s->fatal_alert)
        ca_call_find(call, "HANDSHAKE_ALERT", CA_SEV_FAIL, s->fatal_alert_frame,
                     "fatal alert %s (%u) from the %s",
                     ca_dtls_alert_name(s->fatal_alert_description), s->fatal_alert_description,
                     ca_side_name((int)s->fatal_alert_dir));
    else if (s->encrypted_alert_before_complete && ca_dtls_session_gap(s))
        ca_call_find(call, "HANDSHAKE_ALERT", CA_SEV_INCONCLUSIVE, s->last_frame,
                     "an encrypted alert, with part of the handshake not in the capture: whether "
                     "it came before the handshake completed cannot be told");
    else if (s->encrypted_alert_before_complete)
        ca_call_find(call, "HANDSHAKE_ALERT", CA_SEV_FAIL, s->last_frame,
                     "an encrypted alert before the handshake completed (unreadable without keys)");
    /* RFC 6347 4.2.3: fragments of one message are pieces of the same bytes.
     * Overlaps that disagree let two readers see two different messages. */
    uint64_t conflicts = s->reasm[CA_C2S].conflicting + s->reasm[CA_S2C].conflicting;
    if (conflicts)
        ca_call_find(
            call, "FRAGMENT_CONFLICT", CA_SEV_FAIL, s->first_frame,
            "%llu handshake fragments overlap earlier ones of the same message with different "
            "bytes: which message a receiver reads depends on its reassembly",
            (unsigned long long)conflicts);
    /* RFC 6347 4.2.4: messages of a flight, and flights, in the order of 4.2.4. */
    for (size_t i = 0; i < s->n_violations; i++)
        ca_call_find(call, "HANDSHAKE_ORDER", CA_SEV_FAIL, s->violations[i].frame, "%s",
                     s->violations[i].what);
    if (s->violations_dropped)
        ca_call_find(call, "HANDSHAKE_ORDER", CA_SEV_FAIL, 0, "%zu more order violations",
                     s->violations_dropped);
    if (s->version == CA_DTLS_V13 && opened13(s) && !s->complete)
        handshake_incomplete(call, opts,
                             "the DTLS 1.3 handshake, opened with the key log, never completes");
    if (s->version == CA_DTLS_V13)
        return; /* the rest of a 1.3 handshake is encrypted, or was judged just above */
    /* What the capture did not show cannot be judged either way. */
    if (ca_dtls_session_gap(s)) {
        uint64_t missed = s->messages_missed[CA_C2S] + s->messages_missed[CA_S2C];
        if (call->flow.truncated) /* the snaplen, not another path, hid them */
            ca_call_find(call, "HANDSHAKE_NOT_SEEN", CA_SEV_INCONCLUSIVE, s->first_frame,
                         "the capture misses part of the handshake: %llu packets of this "
                         "transport were cut by the snaplen%s, and the handshake messages past "
                         "it could not be read",
                         (unsigned long long)call->flow.truncated,
                         opts->cut_at ? " (see CAPTURE_TRUNCATED)" : "");
        else if (ca_dtls_client_flight_missed(s))
            ca_call_find(call, "HANDSHAKE_NOT_SEEN", CA_SEV_INCONCLUSIVE, s->first_frame,
                         "the capture misses the client's flight before its Finished: the "
                         "server's Finished (frame %llu) shows it reached the server by a path "
                         "the capture did not see",
                         (unsigned long long)s->finished_frame[CA_S2C]);
        else
            ca_call_find(call, "HANDSHAKE_NOT_SEEN", CA_SEV_INCONCLUSIVE, s->first_frame,
                         "the capture misses part of the handshake (%s%llu message%s never seen): "
                         "it starts late or dropped packets",
                         s->have_client_hello ? "" : "no client_hello; ",
                         (unsigned long long)missed, missed == 1 ? "" : "s");
        if (!s->complete)
            return;
    }
    if (!s->complete) {
        char what[96];
        snprintf(what, sizeof what, "the handshake never completes in the capture: last seen %s",
                 s->n_steps ? ca_dtls_step_name(&s->steps[s->n_steps - 1]) : "nothing");
        handshake_incomplete(call, opts, what);
    }
}

/* RFC 5764 4.1: DTLS-SRTP keys SRTP only through the negotiated use_srtp extension. */
static void rule_use_srtp(ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    uint64_t sh_frame = 0;
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].kind == CA_STEP_HANDSHAKE && s->steps[i].hs_type == CA_HS_SERVER_HELLO)
            sh_frame = s->steps[i].frame;
    if (!s->have_server_hello)
        return;
    if (s->version == CA_DTLS_V13) {
        /* RFC 9147: the server's use_srtp is in EncryptedExtensions; only a
         * client that did not even offer it can be judged without keys. */
        if (s->have_client_hello && !s->srtp_offered)
            ca_call_find(
                call, "NO_USE_SRTP", CA_SEV_FAIL, s->first_frame,
                "the ClientHello offers no use_srtp: SRTP keys cannot come from this handshake");
        return;
    }
    if (!s->srtp_chosen) {
        ca_call_find(call, "NO_USE_SRTP", CA_SEV_FAIL, sh_frame,
                     "the ServerHello has no use_srtp extension (%s): SRTP keys are not exported "
                     "from this handshake",
                     s->srtp_offered ? "the client offered it"
                                     : "the client did not offer it either");
        return;
    }
    /* RFC 5764 4.1.2: the NULL profiles authenticate but do not encrypt. */
    if (s->srtp_profile == 0x0005 || s->srtp_profile == 0x0006)
        ca_call_find(call, "MEDIA_PLAINTEXT", CA_SEV_FAIL, sh_frame,
                     "negotiated SRTP profile %s encrypts nothing",
                     ca_dtls_srtp_profile_name(s->srtp_profile));
    else if (s->srtp_profile == 0x0002)
        ca_call_find(call, "WEAK_CIPHER", CA_SEV_WARN, sh_frame,
                     "SRTP profile %s has a 32-bit authentication tag",
                     ca_dtls_srtp_profile_name(s->srtp_profile));
    else if (strcmp(ca_dtls_srtp_profile_name(s->srtp_profile), "unknown") == 0)
        ca_call_find(call, "WEAK_CIPHER", CA_SEV_WARN, sh_frame, "unknown SRTP profile 0x%04x",
                     s->srtp_profile);
}

/* RFC 8827 6.5 / RFC 9325 4.2: forward secrecy (ECDHE/DHE) and an AEAD or HMAC. */
static void rule_cipher(ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    if (!s->have_server_hello || s->version == CA_DTLS_V13)
        return;
    const char *name = ca_dtls_cipher_suite_name(s->cipher_suite);
    if (strcmp(name, "unknown") == 0) {
        ca_call_find(call, "WEAK_CIPHER", CA_SEV_WARN, s->first_frame,
                     "unrecognised cipher suite 0x%04x", s->cipher_suite);
        return;
    }
    /* a TLS 1.3 suite names no key exchange; (EC)DHE_PSK and EC-JPAKE are ephemeral */
    ca_dtls_kx_t kx = ca_dtls_suite_key_exchange(s->cipher_suite);
    bool pfs = kx == CA_KX_SIGNED || kx == CA_KX_PSK_EPHEMERAL || kx == CA_KX_TLS13;
    bool null_cipher = strstr(name, "_NULL_") != NULL;
    if (!pfs || null_cipher)
        ca_call_find(call, "WEAK_CIPHER", CA_SEV_FAIL, s->first_frame, "cipher suite %s: %s", name,
                     null_cipher       ? "no encryption"
                     : kx == CA_KX_PSK ? "no forward secrecy (a pre-shared key alone)"
                                       : "no forward secrecy (static key exchange)");
}

static void rule_certificates(ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    if ((s->version == CA_DTLS_V13 && !opened13(s)) || !s->have_server_hello)
        return;
    for (int d = 0; d < 2; d++) {
        const ca_dtls_cert_t *c = &s->cert[d];
        /* RFC 5763 5: both endpoints MUST present a certificate (the server
         * MUST request one). Without both there is no code to compare. */
        if (!c->present) {
            if (s->complete && !s->resumed && !ca_dtls_session_gap(s))
                ca_call_find(call, "CERT_MISSING", CA_SEV_FAIL, s->complete_frame,
                             "the %s sent no certificate: no code can be computed",
                             ca_side_name(d));
        } else if (c->chain_len == 0 && c->malformed) {
            ca_call_find(
                call, "CERT_MISSING", CA_SEV_FAIL, c->frame,
                "the %s's Certificate message is malformed: a certificate's length runs past "
                "the message",
                ca_side_name(d));
        } else if (c->chain_len == 0) {
            ca_call_find(call, "CERT_MISSING", CA_SEV_FAIL, c->frame,
                         "the %s sent an empty Certificate message", ca_side_name(d));
        } else if (!c->parsed) {
            ca_call_find(call, "CERT_MISSING", CA_SEV_FAIL, c->frame,
                         "the %s's certificate does not parse as X.509 DER of its declared length",
                         ca_side_name(d));
        }
    }
    const ca_dtls_cert_t *cc = &s->cert[CA_C2S], *sc = &s->cert[CA_S2C];
    if (!cc->parsed || !sc->parsed)
        return;
    ca_seccode_from_thumbprints(cc->thumbprint, sc->thumbprint, call->code);
    call->have_code = true;
    /* security-code.md: an endpoint answering with the caller's own certificate is a reflection. */
    if (memcmp(cc->thumbprint, sc->thumbprint, CA_SHA256_LEN) == 0)
        ca_call_find(call, "SELF_REFLECTION", CA_SEV_FAIL, sc->frame,
                     "both sides present the same certificate");
}

/* RFC 8422 5.4 / RFC 5246 7.4.8: each endpoint proves it holds the private
 * key of its certificate by a signature: the server's over its ECDHE
 * parameters, the client's over the transcript. Without both proofs the
 * certificates in the code could be anyone's. */
static void rule_signatures(ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    bool v13 = opened13(s);
    if (!(s->version == CA_DTLS_V12 || v13) || !s->complete || s->resumed)
        return;
    /* RFC 8446 4.4.3: in 1.3 both sides sign the transcript in CertificateVerify */
    const struct {
        const ca_sig_result_t *r;
        const char *what;
        bool expected;
    } sigs[] = {
        {&s->ske_signature,
         v13 ? "the server's CertificateVerify" : "the server's ServerKeyExchange",
         v13 || ca_dtls_suite_key_exchange(s->cipher_suite) == CA_KX_SIGNED},
        {&s->cv_signature, "the client's CertificateVerify", s->cert[CA_C2S].chain_len > 0},
    };
    for (size_t i = 0; i < 2; i++) {
        const ca_sig_result_t *r = sigs[i].r;
        if (r->status == CA_SIG_INVALID)
            ca_call_find(call, "SIGNATURE_INVALID", CA_SEV_FAIL, r->frame, "%s signature (%s): %s",
                         sigs[i].what, ca_dtls_sig_alg_name(r->scheme), r->why);
        else if (r->status == CA_SIG_UNCHECKED ||
                 (r->status == CA_SIG_NOT_SEEN && sigs[i].expected && !ca_dtls_session_gap(s)))
            ca_call_find(call, "SIGNATURE_UNCHECKED", CA_SEV_INCONCLUSIVE, r->frame,
                         "%s signature could not be checked: %s", sigs[i].what,
                         r->status == CA_SIG_NOT_SEEN ? "the message is not in the capture"
                                                      : r->why);
    }
}

/* --- rules on the media ----------------------------------------------------------- */

/* The ids seen, named by the SDP's a=extmap where it maps them (RFC 8285). */
static void extension_names(const ca_sdp_media_t *m, uint32_t ids, char *out, size_t size)
{
    size_t w = 0;
    out[0] = '\0';
    for (unsigned id = 1; id < 32 && w + 1 < size; id++) {
        if (!(ids & (1u << id)))
            continue;
        const char *uri = NULL;
        for (size_t k = 0; m && k < m->n_extmap; k++)
            if (m->extmap[k].id == id)
                uri = m->extmap[k].uri;
        int n = snprintf(out + w, size - w, "%sid %u%s%s", w ? ", " : "", id, uri ? " " : "",
                         uri ? uri : "");
        if (n < 0)
            break;
        w += (size_t)n < size - w ? (size_t)n : size - w - 1;
    }
    if (!out[0])
        snprintf(out, size, "ids unknown");
}

/* RFC 3711 3 / RFC 8827 6.5: media is confidential: SRTP payloads are
 * ciphertext, SRTCP has its E flag set (RFC 3711 3.4), keystream is never
 * reused (RFC 3711 9.1), header extensions are encrypted or absent (RFC 9335). */
static void rule_opacity(ca_call_t *call)
{
    size_t rtp = 0, judged = 0;
    uint64_t few = 0;
    const ca_stream_t *undecided = NULL;
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        const ca_opacity_t *o = &st->opacity;
        const char *dir = ca_call_stream_dir(call, i);
        if (st->rtcp) {
            if (o->index_regressions)
                ca_call_find(
                    call, "SRTP_FRAMING", CA_SEV_FAIL, o->index_frame,
                    "SRTCP of SSRC 0x%08x (%s): the SRTCP index went back beyond the replay "
                    "window %llu times "
                    "(RFC 3711 3.4)",
                    st->ssrc, dir, (unsigned long long)o->index_regressions);
            if (o->rtcp_plain + o->rtcp_e_clear > 0)
                ca_call_find(
                    call, "RTCP_PLAINTEXT", CA_SEV_FAIL, o->rtcp_plain_frame,
                    "RTCP of SSRC 0x%08x (%s) in clear: %llu plain RTCP packets, %llu SRTCP "
                    "with the E flag clear",
                    st->ssrc, dir, (unsigned long long)o->rtcp_plain,
                    (unsigned long long)o->rtcp_e_clear);
            continue;
        }
        rtp++;
        double stat, p;
        ca_opaque_t v = ca_opacity_verdict(o, &stat, &p);
        if (v == CA_OPAQUE_NO)
            ca_call_find(
                call, "MEDIA_PLAINTEXT", CA_SEV_FAIL, st->first_frame,
                "payloads of SSRC 0x%08x (%s) are readable media, not ciphertext: their first "
                "bytes repeat across packets (chi-square %.0f, p=%.1e over %u packets)",
                st->ssrc, dir, stat, p, o->samples);
        /* authenticated under the key log: libsrtp2 decrypted every packet */
        bool authentic = st->auth_ok > 0 && st->auth_failed == 0;
        if (v != CA_OPAQUE_UNKNOWN || authentic)
            judged++;
        else {
            if (o->samples > few)
                few = o->samples;
            if (!undecided)
                undecided = st;
        }
        if (o->keystream_reuse)
            ca_call_find(call, "SRTP_KEYSTREAM_REUSE", CA_SEV_FAIL, o->reuse_frame,
                         "SSRC 0x%08x (%s): %llu sequence numbers carried two different payloads",
                         st->ssrc, dir, (unsigned long long)o->keystream_reuse);
        /* 0xC0DE / 0xC2DE: RFC 9335 cryptex, the extensions are encrypted */
        if (st->header_extensions && o->ext_profile != 0xC0DE && o->ext_profile != 0xC2DE) {
            char names[200];
            extension_names(call->sdp_media[call->stream_dirs[i] == CA_C2S ? 0 : 1], o->ext_ids,
                            names, sizeof names);
            ca_call_find(call, "HEADER_EXT_CLEAR", CA_SEV_WARN, st->first_frame,
                         "SSRC 0x%08x (%s): %llu packets carry RTP header extensions in clear: %s",
                         st->ssrc, dir, (unsigned long long)st->header_extensions, names);
        }
        /* RFC 3711 3.1: every SRTP packet ends with its tag; one too short to
         * hold it (an RFC 4733 event is 4 bytes, comfort noise 1) is plain RTP */
        if (o->too_short)
            ca_call_find(call, "MEDIA_PLAINTEXT", CA_SEV_FAIL, st->first_frame,
                         "SSRC 0x%08x (%s): %llu packets too short to hold the SRTP profile's "
                         "tag: they are not SRTP, their payload travels in clear",
                         st->ssrc, dir, (unsigned long long)o->too_short);
        double cv;
        if (ca_opacity_length_leak(o, &cv))
            ca_call_find(
                call, "LENGTH_LEAK", CA_SEV_WARN, st->first_frame,
                "SSRC 0x%08x (%s): audio packet sizes vary from %u to %u bytes (coefficient of "
                "variation %.2f): variable bit rate lets the sizes follow the speech (RFC 6562)",
                st->ssrc, dir, o->len_min, o->len_max, cv);
    }
    if (rtp > 0 && judged == 0)
        ca_call_find(call, "MEDIA_OPACITY_UNKNOWN", CA_SEV_INCONCLUSIVE, 0,
                     "too few RTP packets (at most %llu in a stream, %d needed) or too ambiguous a "
                     "distribution to tell ciphertext from readable media",
                     (unsigned long long)few, CA_OPACITY_MIN_SAMPLES);
    else if (undecided)
        /* The call's other streams vouch for nothing: a stream of its own
         * (a late SSRC, another codec) may be the one sent in clear. */
        ca_call_find(call, "MEDIA_OPACITY_UNKNOWN", CA_SEV_INCONCLUSIVE, undecided->first_frame,
                     "SSRC 0x%08x: %llu RTP packets, too few (%d needed) or too ambiguous to tell "
                     "ciphertext from readable media; %zu of the call's %zu RTP streams undecided",
                     undecided->ssrc, (unsigned long long)undecided->packets,
                     CA_OPACITY_MIN_SAMPLES, rtp - judged, rtp);
}

static void rule_media(ca_call_t *call)
{
    rule_opacity(call);
    const ca_dtls_session_t *s = call->dtls;
    if (call->n_streams == 0) {
        if (s)
            ca_call_find(call, "NO_MEDIA", CA_SEV_INCONCLUSIVE, s->last_frame,
                         "no RTP or RTCP followed the handshake in the capture: nothing shows the "
                         "media was keyed by it");
        return;
    }
    if (!s && call->continues)
        return; /* its handshake is that of the call it continues, judged there */
    if (!s) {
        uint64_t first = call->streams[0].first_frame;
        for (size_t i = 1; i < call->n_streams; i++)
            if (call->streams[i].first_frame < first)
                first = call->streams[i].first_frame;
        ca_call_find(call, "NO_DTLS", CA_SEV_FAIL, first,
                     "RTP/RTCP on %s with no DTLS handshake on its transport: keys (if any) came "
                     "another way, e.g. SDES in the signaling",
                     call->flow.transport == 17 ? "UDP" : "TCP");
        return;
    }
    if (s->version == CA_DTLS_V13)
        return; /* the end of a 1.3 handshake is not visible without keys */
    if (!s->complete && ca_dtls_session_gap(s))
        return; /* the handshake may have ended before the capture began */
    /* RFC 5764 4.1 / RFC 8827 6.5: media is protected with keys from the
     * completed handshake; nothing may be sent before it. */
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        if (st->rtcp)
            continue;
        if (call->stream_paired[i]) {
            /* counted on its own 5-tuple, which had no handshake: compare frames */
            if (!s->complete || st->first_frame < s->complete_frame)
                ca_call_find(
                    call, "MEDIA_BEFORE_HANDSHAKE", CA_SEV_FAIL, st->first_frame,
                    "RTP of SSRC 0x%08x (on another candidate pair) before the handshake %s",
                    st->ssrc, s->complete ? "completed" : "(it never completes)");
            continue;
        }
        if (st->before_handshake == 0)
            continue;
        ca_call_find(call, "MEDIA_BEFORE_HANDSHAKE", CA_SEV_FAIL, st->first_before_frame,
                     "%llu RTP packets of SSRC 0x%08x (%s) before the %s's Finished%s",
                     (unsigned long long)st->before_handshake, st->ssrc,
                     ca_call_stream_dir(call, i),
                     call->stream_dirs[i] == CA_C2S ? "server" : "client",
                     s->complete ? "" : " (the handshake never completes)");
    }
}

/* --- rules needing options: --expect-code (--sdp: audit_sdp.c) ------------------- */

static void rule_expect_code(ca_call_t *call, const ca_audit_opts_t *opts)
{
    if (!opts->expect_code)
        return;
    if (!call->have_code || call->code_from_sdp)
        ca_call_find(call, "CODE_MISMATCH", CA_SEV_FAIL, 0,
                     "expected code %s, but no code could be recomputed from the wire",
                     opts->expect_code);
    else if (strcmp(call->code, opts->expect_code) != 0)
        ca_call_find(call, "CODE_MISMATCH", CA_SEV_FAIL, 0, "expected %s, the certificates give %s",
                     opts->expect_code, call->code);
}

static void rule_dtls13(ca_call_t *call)
{
    if (!call->dtls || call->dtls->version != CA_DTLS_V13 || opened13(call->dtls))
        return;
    ca_call_find(call, "DTLS13_OPAQUE", CA_SEV_INCONCLUSIVE, call->dtls->first_frame,
                 "DTLS 1.3 encrypts the certificates: the code cannot be verified from the wire%s",
                 call->code_from_sdp ? " (shown from the SDP fingerprints, as signalled)" : "");
}

/* --keylog (RFC 5764 4.2): the Finished prove the logged master secret is
 * this handshake's, and every SRTP/SRTCP packet that authenticates under
 * the keys it exported was keyed by this handshake and no other. */
static void rule_keylog(ca_call_t *call, const ca_audit_opts_t *opts)
{
    const ca_dtls_session_t *s = call->dtls;
    if (!opts->keylog || !s)
        return;
    call->keylog = true;
    const ca_dtls_keys_t *k = &s->keys;
    switch (k->state) {
    case CA_KEYS_NONE:
        ca_call_find(
            call, "KEYS_UNCHECKED", CA_SEV_INCONCLUSIVE, 0,
            "the hellos are not in the capture: the key log cannot be matched to this call");
        return;
    case CA_KEYS_MISSING:
        ca_call_find(call, "KEYLOG_MISSING", CA_SEV_INCONCLUSIVE, 0, "%s", k->why);
        return;
    case CA_KEYS_UNSUPPORTED:
        ca_call_find(call, "KEYS_UNCHECKED", CA_SEV_INCONCLUSIVE, 0, "%s", k->why);
        return;
    case CA_KEYS_DERIVED:
        break;
    }
    if (s->version == CA_DTLS_V13) {
        if (s->k13.failed && !s->k13.opened)
            ca_call_find(call, "FINISHED_INVALID", CA_SEV_FAIL, s->first_frame,
                         "no handshake record decrypts under the logged handshake traffic secrets "
                         "(%llu tried): they are not this handshake's",
                         (unsigned long long)s->k13.failed);
        if (s->k13.exporter_missing[0])
            ca_call_find(call, "KEYLOG_MISSING", CA_SEV_INCONCLUSIVE, 0, "%s",
                         s->k13.exporter_missing);
    }
    for (int d = 0; d < 2; d++) {
        if (k->finished[d] == CA_FIN_INVALID)
            ca_call_find(call, "FINISHED_INVALID", CA_SEV_FAIL, s->finrec ? s->finrec[d].frame : 0,
                         "the %s's Finished: %s", ca_side_name(d), k->finished_why[d]);
        else if (k->finished[d] == CA_FIN_UNCHECKED)
            ca_call_find(call, "KEYS_UNCHECKED", CA_SEV_INCONCLUSIVE, 0,
                         "the %s's Finished could not be checked: %s", ca_side_name(d),
                         k->finished_why[d][0] ? k->finished_why[d] : "not in the capture");
    }
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        const char *dir = ca_call_stream_dir(call, i), *kind = ca_call_stream_kind(call, i);
        uint64_t total = st->auth_ok + st->auth_failed + st->auth_replayed + st->auth_unchecked;
        if (st->auth_failed)
            ca_call_find(
                call, "SRTP_AUTH_FAIL", CA_SEV_FAIL, st->auth_fail_frame,
                "%llu of %llu %s packets of SSRC 0x%08x (%s) do not authenticate under the keys "
                "this handshake exported",
                (unsigned long long)st->auth_failed, (unsigned long long)total, kind, st->ssrc,
                dir);
        if (st->auth_unchecked)
            ca_call_find(
                call, "KEYS_UNCHECKED", CA_SEV_INCONCLUSIVE, 0,
                "%llu %s packets of SSRC 0x%08x (%s) could not be checked (before the keys were "
                "known, or on another 5-tuple of the ICE session)",
                (unsigned long long)st->auth_unchecked, kind, st->ssrc, dir);
    }
}

void ca_audit_decide(ca_call_t *call)
{
    bool fail = false, inconclusive = false;
    for (size_t i = 0; i < call->n_findings; i++) {
        fail |= call->findings[i].severity == CA_SEV_FAIL;
        inconclusive |= call->findings[i].severity == CA_SEV_INCONCLUSIVE;
    }
    /* A check that could not run never passes: no code, no verdict on the certificates. */
    if (!call->have_code || call->code_from_sdp)
        inconclusive = true;
    call->verdict = fail           ? CA_VERDICT_FAIL
                    : inconclusive ? CA_VERDICT_INCONCLUSIVE
                                   : CA_VERDICT_PASS;
}

void ca_audit_call_rules(ca_call_t *call, const ca_audit_opts_t *opts, bool *sdp_used)
{
    if (call->dtls) {
        rule_handshake(call, opts);
        rule_use_srtp(call);
        rule_cipher(call);
        rule_certificates(call);
        rule_signatures(call);
    }
    ca_audit_sdp_rules(call, opts, sdp_used); /* first: media rules name extensions from it */
    rule_media(call);
    rule_dtls13(call);
    rule_expect_code(call, opts);
    rule_keylog(call, opts);
    ca_audit_capture_rules(call, opts); /* last: they temper what the others found */
}

/* Findings about the capture as a whole, after the calls. */
void ca_audit_run_findings(ca_audit_t *a, const ca_audit_opts_t *opts, const bool *sdp_used)
{
    if (a->calls_total == 0) {
        /* the snaplen may have cut away what would have shown one */
        ca_finding_t t = {.id = "NO_CALL",
                          .severity = opts->truncated_frames ? CA_SEV_INCONCLUSIVE : CA_SEV_FAIL};
        char at[32] = "";
        if (opts->cut_at)
            snprintf(at, sizeof at, " (%u bytes)", opts->cut_at);
        if (opts->truncated_frames)
            add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t,
                        "no media session recognised in the capture, but %llu of its frames were "
                        "cut by the snaplen%s: a call in them may not show",
                        (unsigned long long)opts->truncated_frames, at);
        else
            add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t,
                        "no media session in the capture");
    }
    for (size_t i = 0; i < opts->n_sdps; i++) {
        if (sdp_used[i])
            continue;
        /* a check the user asked for that could not run leaves no pass */
        bool given = i < opts->n_sdps_given;
        ca_finding_t t = {.id = "SDP_UNMATCHED",
                          .severity = given ? CA_SEV_INCONCLUSIVE : CA_SEV_WARN};
        char lost[160], why[200] = "";
        ca_sdp_left_out_text(opts->sdps[i], lost, sizeof lost);
        if (lost[0])
            snprintf(why, sizeof why, " (the parse left out %s, from line %u)", lost,
                     opts->sdps[i]->left_out.first_line);
        add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t,
                    "%s matches no call in the capture (by ICE ufrag, candidate, a=ssrc or "
                    "a=fingerprint)%s%s",
                    opts->sdp_names[i], why,
                    given ? ": its fingerprints could not be checked against any handshake" : "");
    }
    if (opts->keylog_malformed) {
        ca_finding_t t = {.id = "KEYLOG_MALFORMED", .severity = CA_SEV_WARN};
        add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t,
                    "%zu lines of the key log could not be read (the first: line %zu); calls "
                    "whose secrets they held are inconclusive",
                    opts->keylog_malformed, opts->keylog_first_malformed);
    }
    if (a->cross_forgotten) {
        ca_finding_t t = {.id = "CROSS_WINDOW", .severity = CA_SEV_WARN};
        add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t,
                    "rules across calls (MITM_SUSPECTED, CERT_REUSED) compared each call with "
                    "the last %zu to %zu calls written out before it; %llu older calls had been "
                    "let go of and were not compared",
                    a->cross_window, 2 * a->cross_window, (unsigned long long)a->cross_forgotten);
    }
    if (opts->capture_truncated) {
        ca_finding_t t = {.id = "CAPTURE_TRUNCATED", .severity = CA_SEV_WARN};
        add_finding(a->findings, &a->n_findings, CA_RUN_MAX_FINDINGS, &t, "%s",
                    opts->capture_truncated_why ? opts->capture_truncated_why : "truncated");
    }
}

void ca_call_release(ca_call_t *c)
{
    ca_dtls_session_free(c->dtls);
    free(c->streams);
    free(c->findings);
    c->dtls = NULL;
    c->streams = NULL;
    c->findings = NULL;
    c->n_streams = c->n_findings = c->streams_cap = c->findings_cap = 0;
}

void ca_audit_free(ca_audit_t *a)
{
    for (size_t i = 0; a->calls && i < a->n_calls; i++)
        ca_call_release(&a->calls[i]);
    free(a->calls);
    a->calls = NULL;
    a->n_calls = 0;
}

const char *ca_call_stream_kind(const ca_call_t *call, size_t i)
{
    bool srtp = ca_call_keys_srtp(call);
    return call->streams[i].rtcp ? (srtp ? "srtcp" : "rtcp") : (srtp ? "srtp" : "rtp");
}

bool ca_call_keys_srtp(const ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    return s && (s->srtp_chosen || (s->version == CA_DTLS_V13 && s->srtp_offered));
}

int ca_audit_exit_status(const ca_audit_t *a)
{
    bool run_fail = false, run_inconclusive = false;
    for (size_t i = 0; i < a->n_findings; i++) {
        run_fail |= a->findings[i].severity == CA_SEV_FAIL;
        run_inconclusive |= a->findings[i].severity == CA_SEV_INCONCLUSIVE;
    }
    if (a->fail > 0 || run_fail)
        return 1;
    return a->inconclusive > 0 || run_inconclusive ? 3 : 0;
}
