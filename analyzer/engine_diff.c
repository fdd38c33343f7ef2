/* engine_diff.c - the native engine's calls against the Wireshark engine's;
 * see engine_diff.h. Calls are paired by their flow (both endpoints, the
 * transport, the TURN channel) in order of their first frame. */
#include "engine_diff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls.h"
#include "ip.h"

static bool same_flow(const ca_call_t *x, const ca_call_t *y)
{
    const ca_flow_info_t *a = &x->flow, *b = &y->flow;
    bool direct = ca_endpoint_equal(&a->a, &b->a) && ca_endpoint_equal(&a->b, &b->b);
    bool swapped = ca_endpoint_equal(&a->a, &b->b) && ca_endpoint_equal(&a->b, &b->a);
    return (direct || swapped) && a->transport == b->transport && a->channel == b->channel &&
           a->relayed == b->relayed && a->relay_hop == b->relay_hop;
}

bool ca_engine_finding(const char *id)
{
    return strncmp(id, "ENGINE_", 7) == 0;
}

/* DTLS 1.3 as the native engine saw it: a 1.3 ServerHello or records with
 * the unified header. */
static bool native_dtls13(const ca_call_t *x)
{
    return x->dtls && (x->dtls->version == CA_DTLS_V13 || x->dtls->encrypted_records > 0);
}

typedef struct {
    char what[240];
    uint64_t frame;
    bool found;
} diff_t;

__attribute__((format(printf, 3, 4))) static void differ(diff_t *d, uint64_t frame, const char *fmt,
                                                         ...)
{
    if (d->found)
        return; /* the first difference: where the engines part */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->what, sizeof d->what, fmt, ap);
    va_end(ap);
    d->frame = frame;
    d->found = true;
}

static void compare_handshake(const ca_call_t *x, const ca_call_t *y, diff_t *d)
{
    const ca_dtls_session_t *s = x->dtls, *t = y->dtls;
    if (!s || !t) {
        if (s || t)
            differ(d, s ? s->first_frame : t->first_frame, "a DTLS handshake only %s saw",
                   s ? "the native engine" : "Wireshark");
        return;
    }
    size_t n = s->n_steps > t->n_steps ? s->n_steps : t->n_steps;
    for (size_t i = 0; i < n; i++) {
        const ca_dtls_step_t *a = i < s->n_steps ? &s->steps[i] : NULL;
        const ca_dtls_step_t *b = i < t->n_steps ? &t->steps[i] : NULL;
        if (a && b && a->frame == b->frame && a->dir == b->dir &&
            strcmp(ca_dtls_step_name(a), ca_dtls_step_name(b)) == 0)
            continue;
        differ(d, a ? a->frame : b->frame, "handshake step %zu: native %s%s%s, Wireshark %s%s%s",
               i + 1, a ? ca_side_name((int)a->dir) : "", a ? " " : "",
               a ? ca_dtls_step_name(a) : "nothing", b ? ca_side_name((int)b->dir) : "",
               b ? " " : "", b ? ca_dtls_step_name(b) : "nothing");
        return;
    }
    for (int side = 0; side < 2; side++) {
        const ca_dtls_cert_t *a = &s->cert[side], *b = &t->cert[side];
        if (a->parsed != b->parsed ||
            (a->parsed && memcmp(a->thumbprint, b->thumbprint, CA_SHA256_LEN) != 0) ||
            a->der_len != b->der_len)
            differ(d, a->frame ? a->frame : b->frame,
                   "the %s's certificate differs (%zu bytes "
                   "native, %zu Wireshark)",
                   ca_side_name(side), a->der_len, b->der_len);
    }
}

/* S's stream in C; SWAPPED: C's flow names the endpoints the other way round
 * (each engine's "a" is the sender of the first packet it saw). */
static const ca_stream_t *find_stream(const ca_call_t *c, const ca_stream_t *s, bool swapped,
                                      size_t *index)
{
    for (size_t i = 0; i < c->n_streams; i++) {
        const ca_stream_t *t = &c->streams[i];
        if (t->ssrc == s->ssrc && t->rtcp == s->rtcp && t->from == (s->from ^ swapped)) {
            *index = i;
            return t;
        }
    }
    return NULL;
}

static void compare_streams(const ca_call_t *x, const ca_call_t *y, diff_t *d, bool *rtcp_only)
{
    *rtcp_only = true;
    bool any = false;
    bool swapped = !ca_endpoint_equal(&x->flow.a, &y->flow.a);
    for (int pass = 0; pass < 2; pass++) {
        const ca_call_t *a = pass ? y : x, *b = pass ? x : y;
        for (size_t i = 0; i < a->n_streams; i++) {
            const ca_stream_t *s = &a->streams[i];
            size_t j;
            const ca_stream_t *t = find_stream(b, s, swapped, &j);
            if (t && (pass || t->packets == s->packets))
                continue;
            any = true;
            *rtcp_only &= s->rtcp;
            if (t)
                differ(d, s->first_frame, "%s stream 0x%08x: %llu packets native, %llu Wireshark",
                       s->rtcp ? "RTCP" : "RTP", s->ssrc, (unsigned long long)s->packets,
                       (unsigned long long)t->packets);
            else
                differ(d, s->first_frame,
                       "%s stream 0x%08x (%llu packets from frame %llu) only %s saw",
                       s->rtcp ? "RTCP" : "RTP", s->ssrc, (unsigned long long)s->packets,
                       (unsigned long long)s->first_frame,
                       pass ? "Wireshark" : "the native engine");
        }
    }
    *rtcp_only &= any;
}

/* RTCP_BLIND: Wireshark could not read the flow's RTCP (a known limitation):
 * the findings about RTCP, and the verdict they make, are not compared. */
static void compare_findings(const ca_call_t *x, const ca_call_t *y, diff_t *d, bool rtcp_blind)
{
    bool rtcp_findings = false;
    for (int pass = 0; pass < 2; pass++) {
        const ca_call_t *a = pass ? y : x, *b = pass ? x : y;
        for (size_t i = 0; i < a->n_findings; i++) {
            const char *id = a->findings[i].id;
            if (rtcp_blind && strncmp(id, "RTCP_", 5) == 0) {
                rtcp_findings = true;
                continue;
            }
            bool there = false;
            for (size_t j = 0; j < b->n_findings && !there; j++)
                there = strcmp(b->findings[j].id, id) == 0;
            if (!there && !ca_engine_finding(id))
                differ(d, a->findings[i].frame, "%s found only by %s", id,
                       pass ? "Wireshark's reading" : "the native engine");
        }
    }
    if (x->verdict != y->verdict && !rtcp_findings)
        differ(d, 0, "verdict %s native, %s on Wireshark's reading", ca_verdict_name(x->verdict),
               ca_verdict_name(y->verdict));
}

static void add_run_finding(ca_audit_t *a, const char *id, ca_severity_t sev, const char *msg)
{
    if (a->n_findings == CA_RUN_MAX_FINDINGS)
        return;
    ca_finding_t *f = &a->findings[a->n_findings++];
    f->id = id;
    f->severity = sev;
    f->frame = 0;
    snprintf(f->message, sizeof f->message, "%s", msg);
}

size_t ca_engine_diff(ca_audit_t *native, const ca_audit_t *ws, const char *ws_version)
{
    bool *used = calloc(ws->n_calls ? ws->n_calls : 1, sizeof *used); /* Wireshark's, paired */
    size_t disagreements = 0;
    if (!used) { /* cannot compare: never silently agree */
        add_run_finding(native, "ENGINE_DISAGREEMENT", CA_SEV_FAIL,
                        "out of memory comparing the engines: not compared");
        return 1;
    }
    for (size_t i = 0; i < native->n_calls; i++) {
        ca_call_t *x = &native->calls[i];
        const ca_call_t *y = NULL;
        for (size_t j = 0; j < ws->n_calls && !y; j++) {
            if (same_flow(x, &ws->calls[j]) && !used[j]) {
                y = &ws->calls[j];
                used[j] = true;
            }
        }
        if (!y && x->flow.transport == CA_IPPROTO_TCP) {
            ca_call_find(x, "ENGINE_LIMITATION", CA_SEV_WARN, x->flow.first_frame,
                         "Wireshark %s does not read RFC 4571 framing (ICE-TCP) without a Decode "
                         "As: only the native engine decoded this call",
                         ws_version);
            continue;
        }
        if (native_dtls13(x)) {
            ca_call_find(x, "ENGINE_LIMITATION", CA_SEV_WARN, x->dtls->first_frame,
                         "Wireshark %s does not dissect DTLS 1.3 records with the unified "
                         "header (RFC 9147 4): only the native engine followed this handshake",
                         ws_version);
            continue;
        }
        if (!y) {
            ca_call_find(x, "ENGINE_DISAGREEMENT", CA_SEV_FAIL, x->flow.first_frame,
                         "Wireshark %s found no call on this flow", ws_version);
            disagreements++;
            continue;
        }
        diff_t d = {.found = false};
        compare_handshake(x, y, &d);
        bool rtcp_only = false;
        diff_t streams = {.found = false};
        compare_streams(x, y, &streams, &rtcp_only);
        /* SRTCP Wireshark has no keys for and no DTLS-SRTP setup to go by
         * (SDES, a NULL cipher) fails its RTCP heuristic: it is left as data. */
        bool rtcp_blind = streams.found && rtcp_only && y->flow.other > 0 && !d.found;
        if (rtcp_blind) {
            ca_call_find(x, "ENGINE_LIMITATION", CA_SEV_WARN, streams.frame,
                         "Wireshark %s left %llu datagrams of this flow undecoded: %s", ws_version,
                         (unsigned long long)y->flow.other, streams.what);
        } else if (streams.found) {
            differ(&d, streams.frame, "%s", streams.what);
        }
        if (!d.found)
            compare_findings(x, y, &d, rtcp_blind);
        if (d.found) {
            ca_call_find(x, "ENGINE_DISAGREEMENT", CA_SEV_FAIL, d.frame,
                         "native vs Wireshark %s: %s", ws_version, d.what);
            disagreements++;
        }
    }
    for (size_t j = 0; j < ws->n_calls; j++) {
        if (used[j])
            continue;
        char addr[2][CA_ENDPOINT_TEXT_LEN], msg[320];
        ca_endpoint_format(&ws->calls[j].flow.a, addr[0], sizeof addr[0]);
        ca_endpoint_format(&ws->calls[j].flow.b, addr[1], sizeof addr[1]);
        snprintf(msg, sizeof msg,
                 "Wireshark %s found a call on %s <-> %s from frame %llu that the native engine "
                 "did not",
                 ws_version, addr[0], addr[1], (unsigned long long)ws->calls[j].flow.first_frame);
        add_run_finding(native, "ENGINE_DISAGREEMENT", CA_SEV_FAIL, msg);
        disagreements++;
    }
    free(used);
    native->pass = native->fail = native->inconclusive = 0;
    for (size_t i = 0; i < native->n_calls; i++) {
        ca_audit_decide(&native->calls[i]);
        ca_verdict_t v = native->calls[i].verdict;
        native->pass += v == CA_VERDICT_PASS;
        native->fail += v == CA_VERDICT_FAIL;
        native->inconclusive += v == CA_VERDICT_INCONCLUSIVE;
    }
    return disagreements;
}
