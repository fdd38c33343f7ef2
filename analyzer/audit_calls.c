/* audit_calls.c - from flows to call records, and the auditor that collects
 * them as flows end; the rules themselves are in audit.c.
 *
 * A call is a DTLS session with the media of its ICE session, or media with
 * no DTLS at all. Records are self-contained (the session is moved out of
 * the flow, streams are copied), so a flow that goes idle in a long capture
 * can be freed at once: memory follows the live flows, and the finished
 * calls, never the bytes of the capture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

struct ca_auditor {
    ca_call_t *calls; /* owned, growing */
    size_t n, cap;
};

ca_auditor_t *ca_auditor_new(void)
{
    return calloc(1, sizeof(ca_auditor_t));
}

void ca_auditor_free(ca_auditor_t *au)
{
    if (!au)
        return;
    for (size_t i = 0; i < au->n; i++)
        ca_dtls_session_free(au->calls[i].dtls);
    free(au->calls);
    free(au);
}

static ca_call_t *new_call(ca_auditor_t *au, const ca_flow_t *f)
{
    if (au->n == au->cap) {
        size_t cap = au->cap ? au->cap * 2 : 16;
        ca_call_t *grown = realloc(au->calls, cap * sizeof *grown);
        if (!grown)
            return NULL;
        au->calls = grown;
        au->cap = cap;
    }
    ca_call_t *call = &au->calls[au->n++];
    memset(call, 0, sizeof *call);
    call->flow.a = f->a;
    call->flow.b = f->b;
    call->flow.transport = f->transport;
    call->flow.channel = f->channel;
    call->flow.first_frame = f->first_frame;
    call->flow.last_frame = f->last_frame;
    call->flow.truncated = f->truncated;
    memcpy(call->flow.ice_username, f->ice_username, sizeof call->flow.ice_username);
    call->client = f->a;
    call->server = f->b;
    return call;
}

/* The ICE ufrag of the flow's endpoint SIDE (0: a, 1: b), from the STUN
 * USERNAME "RFRAG:LFRAG" of the checks it sent (LFRAG) or received (RFRAG),
 * RFC 8445 7.2.2. Empty when no check was seen. */
static void flow_ufrag(const ca_flow_info_t *f, uint8_t side, char *out, size_t size)
{
    const char *sent = f->ice_username[side], *got = f->ice_username[side ^ 1];
    const char *colon = strchr(sent, ':');
    out[0] = '\0';
    if (colon) {
        snprintf(out, size, "%s", colon + 1);
        return;
    }
    colon = strchr(got, ':');
    if (colon && (size_t)(colon - got) < size) {
        memcpy(out, got, (size_t)(colon - got));
        out[colon - got] = '\0';
    }
}

static void add_stream(ca_call_t *call, const ca_stream_t *s, ca_dir_t dir, bool paired)
{
    if (call->n_streams == CA_CALL_MAX_STREAMS) {
        call->streams_dropped++;
        return;
    }
    call->stream_dirs[call->n_streams] = dir;
    call->stream_paired[call->n_streams] = paired;
    call->streams[call->n_streams++] = *s;
}

/* The streams of F that belong to its SESSION_INDEX-th handshake: those that
 * began before the next one (media before the first belongs to the first). */
static void attach_streams(ca_call_t *call, const ca_flow_t *f, size_t session_index)
{
    uint64_t start = call->dtls ? call->dtls->first_frame : 0;
    uint64_t end = session_index + 1 < f->n_sessions ? f->sessions[session_index + 1]->first_frame
                                                     : UINT64_MAX;
    for (size_t i = 0; i < f->n_streams; i++) {
        const ca_stream_t *s = &f->streams[i];
        bool mine = session_index == 0 ? s->first_frame < end
                                       : s->first_frame >= start && s->first_frame < end;
        if (mine) {
            const ca_endpoint_t *sender = s->from == 0 ? &f->a : &f->b;
            add_stream(call, s, ca_endpoint_equal(sender, &call->client) ? CA_C2S : CA_S2C, false);
        }
    }
}

ca_err_t ca_auditor_take_flow(ca_auditor_t *au, ca_flow_t *f)
{
    if (f->n_sessions == 0 && f->n_streams == 0)
        return CA_OK; /* STUN only, or nothing recognisable: not a call */
    for (size_t k = 0; k < (f->n_sessions ? f->n_sessions : 1); k++) {
        ca_call_t *call = new_call(au, f);
        CA_ENSURE(call != NULL, CA_ERR_NOMEM);
        if (f->n_sessions) {
            call->dtls = f->sessions[k];
            ca_dtls_session_finish(call->dtls);
            if (call->dtls->roles_known) {
                call->client = call->dtls->client;
                call->server = call->dtls->server;
            }
        }
        uint8_t client_side = ca_endpoint_equal(&call->client, &f->a) ? 0 : 1;
        flow_ufrag(&call->flow, client_side, call->ice_ufrags[0], sizeof call->ice_ufrags[0]);
        flow_ufrag(&call->flow, client_side ^ 1, call->ice_ufrags[1], sizeof call->ice_ufrags[1]);
        attach_streams(call, f, k);
    }
    /* The sessions are the calls' now; the flow keeps no pointer to them. */
    f->n_sessions = 0;
    return CA_OK;
}

static bool has_handshake(const ca_call_t *c)
{
    return c->dtls && c->dtls->roles_known;
}

/* RFC 8445 7.2.2: the connectivity checks of one ICE session carry the same
 * pair of ufrags on every candidate pair. Media that moved to another pair
 * (a new 5-tuple) after the handshake, and the encrypted records of the same
 * DTLS association there, belong to the call whose handshake ran on the
 * first pair. */
static void merge_ice_sessions(ca_auditor_t *au)
{
    for (size_t i = 0; i < au->n; i++) {
        ca_call_t *m = &au->calls[i];
        const char *ua = m->ice_ufrags[0], *ub = m->ice_ufrags[1];
        if (has_handshake(m) || !ua[0] || !ub[0])
            continue;
        for (size_t j = 0; j < au->n; j++) {
            ca_call_t *d = &au->calls[j];
            const char *c = d->ice_ufrags[0], *s = d->ice_ufrags[1];
            if (!has_handshake(d) || d->merged || !c[0])
                continue;
            /* m's "client" is its flow's first sender; which side that is in d's
             * terms is told by the ufrags. */
            bool same = strcmp(ua, c) == 0 && strcmp(ub, s) == 0;
            bool swapped = strcmp(ua, s) == 0 && strcmp(ub, c) == 0;
            if (!same && !swapped)
                continue;
            for (size_t k = 0; k < m->n_streams; k++) {
                ca_dir_t dir = m->stream_dirs[k];
                add_stream(d, &m->streams[k], same ? dir : (dir == CA_C2S ? CA_S2C : CA_C2S), true);
            }
            m->merged = true;
            break;
        }
    }
}

static uint64_t call_first_frame(const ca_call_t *c)
{
    return c->dtls ? c->dtls->first_frame : c->flow.first_frame;
}

static int by_first_frame(const void *x, const void *y)
{
    uint64_t a = call_first_frame(x), b = call_first_frame(y);
    return a < b ? -1 : a > b;
}

ca_err_t ca_auditor_finish(ca_auditor_t *au, ca_flow_table_t *flows, const ca_audit_opts_t *opts,
                           ca_audit_t *a)
{
    memset(a, 0, sizeof *a);
    if (flows) {
        size_t n = 0;
        ca_flow_t **sorted = ca_flow_sorted(flows, &n);
        CA_ENSURE(sorted != NULL, CA_ERR_NOMEM);
        ca_err_t rc = CA_OK;
        for (size_t i = 0; i < n && rc == CA_OK; i++)
            rc = ca_auditor_take_flow(au, sorted[i]);
        free(sorted);
        CA_GUARD(rc);
    }
    merge_ice_sessions(au);
    /* Keep the calls that stand on their own, in the order of the capture. */
    size_t kept = 0;
    for (size_t i = 0; i < au->n; i++) {
        if (au->calls[i].merged) {
            ca_dtls_session_free(au->calls[i].dtls);
            continue;
        }
        au->calls[kept++] = au->calls[i];
    }
    au->n = kept;
    if (au->n > 1) /* qsort's base must not be NULL, even for no elements */
        qsort(au->calls, au->n, sizeof *au->calls, by_first_frame);
    a->calls = au->calls;
    a->n_calls = au->n;
    au->calls = NULL;
    au->n = au->cap = 0;

    bool sdp_used[CA_AUDIT_MAX_SDP] = {false};
    for (size_t i = 0; i < a->n_calls; i++) {
        a->calls[i].id = (unsigned)(i + 1);
        ca_audit_call_rules(&a->calls[i], opts, sdp_used);
    }
    ca_audit_cross_call_rules(a);
    for (size_t i = 0; i < a->n_calls; i++) {
        ca_audit_decide(&a->calls[i]);
        a->pass += a->calls[i].verdict == CA_VERDICT_PASS;
        a->fail += a->calls[i].verdict == CA_VERDICT_FAIL;
        a->inconclusive += a->calls[i].verdict == CA_VERDICT_INCONCLUSIVE;
    }
    ca_audit_run_findings(a, opts, sdp_used);
    return CA_OK;
}

ca_err_t ca_audit_run(ca_flow_table_t *flows, const ca_audit_opts_t *opts, ca_audit_t *out)
{
    ca_auditor_t *au = ca_auditor_new();
    CA_ENSURE(au != NULL, CA_ERR_NOMEM);
    ca_err_t rc = ca_auditor_finish(au, flows, opts, out);
    ca_auditor_free(au);
    return rc;
}
