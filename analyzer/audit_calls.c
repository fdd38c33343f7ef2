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
#include "audit_keys.h"
#include "dtls_keys.h"

struct ca_auditor {
    ca_call_t *calls; /* owned, growing: the calls not let go of */
    size_t n, cap;
    bool retire;
    ca_gone_keys_t gone;             /* keys of the calls let go of */
    ca_key_index_t alive_ufrags;     /* alive calls with a handshake, by ICE session (per settle) */
    size_t pass, fail, inconclusive; /* of the calls let go of */
    unsigned next_id;
    bool sdp_used[CA_AUDIT_MAX_SDP];
    bool taking_in_progress;
    ca_not_calls_t not_calls;
};

ca_auditor_t *ca_auditor_new(void)
{
    ca_auditor_t *au = calloc(1, sizeof(ca_auditor_t));
    if (au)
        ca_gone_keys_init(&au->gone, 0);
    return au;
}

void ca_auditor_set_cross_window(ca_auditor_t *au, size_t window)
{
    ca_gone_keys_free(&au->gone);
    ca_gone_keys_init(&au->gone, window);
}

void ca_auditor_free(ca_auditor_t *au)
{
    if (!au)
        return;
    for (size_t i = 0; i < au->n; i++)
        ca_call_release(&au->calls[i]);
    free(au->calls);
    ca_gone_keys_free(&au->gone);
    ca_key_index_free(&au->alive_ufrags);
    free(au);
}

void ca_auditor_set_retire(ca_auditor_t *au, bool retire)
{
    au->retire = retire;
}

const char *ca_call_transport_name(const ca_call_t *call)
{
    if (call->flow.transport != 6)
        return "UDP";
    return call->flow.relayed ? "TCP" : "TCP, RFC 4571 framing";
}

const char *ca_call_relay_name(const ca_call_t *call)
{
    if (!call->flow.relayed)
        return "";
    /* a TCP call flow is the client-server connection itself (channel unbound) */
    return call->flow.relay_hop == 6 && call->flow.transport != 6 ? ", relayed by TURN over TCP"
                                                                  : ", relayed by TURN";
}

const ca_not_calls_t *ca_auditor_not_calls(const ca_auditor_t *au)
{
    return &au->not_calls;
}

/* The ICE ufrag of the flow's endpoint SIDE (0: a, 1: b), from the STUN
 * USERNAME "RFRAG:LFRAG" of the checks it sent (LFRAG) or received (RFRAG),
 * RFC 8445 7.2.2. Empty when no check was seen. */
static void flow_ufrag(const ca_flow_t *f, uint8_t side, char *out, size_t size)
{
    const char *sent = f->ice_username[side], *got = f->ice_username[side ^ 1];
    const char *colon = sent ? strchr(sent, ':') : NULL;
    out[0] = '\0';
    if (colon) {
        snprintf(out, size, "%s", colon + 1);
        return;
    }
    colon = got ? strchr(got, ':') : NULL;
    if (colon && (size_t)(colon - got) < size) {
        memcpy(out, got, (size_t)(colon - got));
        out[colon - got] = '\0';
    }
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
    call->flow.relayed = f->relayed;
    call->flow.relay_hop = f->relay_hop;
    call->flow.first_frame = f->first_frame;
    call->flow.first_us = f->first_us;
    call->flow.opened_with_response = f->opened_with_response;
    call->flow.last_frame = f->last_frame;
    call->flow.truncated = f->truncated;
    call->flow.capture_drops = f->capture_drops;
    call->flow.other = f->other;
    call->flow.sent[0] = f->sent[0];
    call->flow.sent[1] = f->sent[1];
    call->ended_us = f->last_us;
    call->in_progress = au->taking_in_progress && !f->closed;
    flow_ufrag(f, 0, call->flow.ice_ufrag[0], sizeof call->flow.ice_ufrag[0]);
    flow_ufrag(f, 1, call->flow.ice_ufrag[1], sizeof call->flow.ice_ufrag[1]);
    call->client = f->a;
    call->server = f->b;
    return call;
}

static void add_stream(ca_call_t *call, const ca_stream_t *s, ca_dir_t dir, bool paired)
{
    if (call->n_streams == call->streams_cap && call->streams_cap < CA_CALL_MAX_STREAMS) {
        size_t cap = call->streams_cap ? call->streams_cap * 2 : 4;
        ca_stream_t *grown = realloc(call->streams, cap * sizeof *grown);
        if (grown) {
            call->streams = grown;
            call->streams_cap = cap;
        }
    }
    if (call->n_streams == call->streams_cap) {
        call->streams_dropped++;
        return;
    }
    call->stream_dirs[call->n_streams] = dir;
    call->stream_paired[call->n_streams] = paired;
    call->streams[call->n_streams++] = *s;
}

/* The streams of F that belong to its SESSION_INDEX-th handshake: those that
 * began before the next one (media before the first belongs to the first).
 * A flow with one handshake (or none) hands its whole array over instead of
 * a copy: at the end of a capture every flow is taken at once. */
static void attach_streams(ca_call_t *call, ca_flow_t *f, size_t session_index)
{
    if (f->n_sessions <= 1 && call->n_streams == 0 && f->n_streams <= CA_CALL_MAX_STREAMS &&
        f->streams) {
        free(call->streams);
        call->streams = f->streams;
        call->streams_cap = f->streams_cap;
        call->n_streams = f->n_streams;
        for (size_t i = 0; i < f->n_streams; i++) {
            const ca_endpoint_t *sender = f->streams[i].from == 0 ? &f->a : &f->b;
            call->stream_dirs[i] = ca_endpoint_equal(sender, &call->client) ? CA_C2S : CA_S2C;
            call->stream_paired[i] = false;
        }
        f->streams = NULL;
        f->streams_cap = 0;
        f->n_streams = 0;
        return;
    }
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

/* A hello (a well-formed fragment of one will do), another handshake
 * message, ChangeCipherSpec or alert in clear: what makes records DTLS
 * rather than bytes of another protocol in DTLS's first-byte range (RFC
 * 7983). Encrypted records alone prove nothing. */
static bool handshake_shown(const ca_dtls_session_t *s)
{
    if (s->roles_known && s->malformed_messages == 0 && s->malformed_records == 0)
        return true;
    for (size_t i = 0; i < s->n_steps; i++) {
        ca_step_kind_t k = s->steps[i].kind;
        if (k == CA_STEP_HANDSHAKE || k == CA_STEP_CCS || k == CA_STEP_HELLO_RETRY ||
            (k == CA_STEP_ALERT && s->steps[i].alert_level != 0))
            return true;
    }
    return false;
}

/* Whether the handshake can key SRTP: use_srtp offered or chosen, or
 * neither hello seen (the capture began after them: it may have been). */
static bool may_key_srtp(const ca_dtls_session_t *s)
{
    return s->srtp_offered || s->srtp_chosen || (!s->have_client_hello && !s->have_server_hello);
}

/* A flow is a call when it carries media or a DTLS handshake that can key
 * SRTP (its media may have gone elsewhere, or not have been captured).
 * Media is a stream with RTP's or RTCP's structure; on a transport that ICE
 * checks (a STUN USERNAME) tie to a WebRTC session, where RFC 7983's first
 * byte decides, two packets of one SSRC in sequence will do (a sender's
 * last packets after the call moved to another pair), but packets of a
 * different SSRC each are not media. Anything else is counted by reason and
 * dropped: a first byte in RTP's or DTLS's range is not enough on an
 * arbitrary capture. */
static bool flow_is_call(ca_auditor_t *au, const ca_flow_t *f)
{
    bool ice = (f->ice_username[0] && f->ice_username[0][0]) ||
               (f->ice_username[1] && f->ice_username[1][0]);
    bool media = false, shown = false, srtp = false;
    for (size_t i = 0; i < f->n_streams && !media; i++)
        media = ca_stream_is_media(&f->streams[i]) ||
                (ice && (f->streams[i].in_order > 0 || f->streams[i].rtcp_shaped > 0));
    for (size_t k = 0; k < f->n_sessions; k++) {
        ca_dtls_session_finish(f->sessions[k]); /* what waited for a missing piece counts too */
        bool h = handshake_shown(f->sessions[k]);
        shown |= h;
        srtp |= h && may_key_srtp(f->sessions[k]);
    }
    if (media || srtp)
        return true;
    if (shown)
        au->not_calls.dtls_without_srtp++;
    else if (f->n_sessions)
        au->not_calls.stray_dtls++;
    if (f->n_streams) {
        au->not_calls.not_media_flows++;
        for (size_t i = 0; i < f->n_streams; i++)
            au->not_calls.not_media_packets += f->streams[i].packets;
    }
    return false;
}

ca_err_t ca_auditor_take_flow(ca_auditor_t *au, ca_flow_t *f)
{
    if (f->n_sessions == 0 && f->n_streams == 0)
        return CA_OK; /* STUN only, or nothing recognisable: not a call */
    if (!flow_is_call(au, f))
        return CA_OK; /* the flow frees its sessions */
    for (size_t k = 0; k < (f->n_sessions ? f->n_sessions : 1); k++) {
        ca_call_t *call = new_call(au, f);
        CA_ENSURE(call != NULL, CA_ERR_NOMEM);
        if (f->n_sessions) {
            call->dtls = f->sessions[k];             /* finished by flow_is_call */
            ca_dtls_keys_check_finished(call->dtls); /* a key log: with what was seen */
            if (call->dtls->roles_known) {
                call->client = call->dtls->client;
                call->server = call->dtls->server;
            }
        }
        uint8_t client_side = ca_endpoint_equal(&call->client, &f->a) ? 0 : 1;
        memcpy(call->ice_ufrags[0], call->flow.ice_ufrag[client_side], sizeof call->ice_ufrags[0]);
        memcpy(call->ice_ufrags[1], call->flow.ice_ufrag[client_side ^ 1],
               sizeof call->ice_ufrags[1]);
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
 * first pair. M is such a call without a handshake; returns the call it
 * joined, or NULL. */
typedef struct {
    ca_auditor_t *au;
    ca_call_t *m;
    ca_call_t *joined;
    const ca_call_key_t *gone;
} ice_match_t;

static void join_alive(void *user, uint32_t j)
{
    ice_match_t *im = user;
    ca_call_t *m = im->m, *d = &im->au->calls[j];
    const char *ua = m->ice_ufrags[0], *ub = m->ice_ufrags[1];
    const char *c = d->ice_ufrags[0], *s = d->ice_ufrags[1];
    if (im->joined || !has_handshake(d) || d->merged || !c[0])
        return;
    /* m's "client" is its flow's first sender; which side that is in d's
     * terms is told by the ufrags. */
    bool same = strcmp(ua, c) == 0 && strcmp(ub, s) == 0;
    bool swapped = strcmp(ua, s) == 0 && strcmp(ub, c) == 0;
    if (!same && !swapped)
        return;
    for (size_t k = 0; k < m->n_streams; k++) {
        ca_dir_t dir = m->stream_dirs[k];
        add_stream(d, &m->streams[k], same ? dir : (dir == CA_C2S ? CA_S2C : CA_C2S), true);
    }
    if (m->flow.capture_drops > d->flow.capture_drops)
        d->flow.capture_drops = m->flow.capture_drops;
    d->in_progress |= m->in_progress;
    m->merged = true;
    im->joined = d;
}

/* RFC 8445 7.2.2: the connectivity checks of one ICE session carry the same
 * pair of ufrags on every candidate pair. Media that moved to another pair
 * (a new 5-tuple) after the handshake, and the encrypted records of the same
 * DTLS association there, belong to the call whose handshake ran on the
 * first pair. M is such a call without a handshake; returns the call it
 * joined, or NULL. The calls with a handshake are found by ICE session
 * (au->alive_ufrags), not by walking them all. */
static ca_call_t *merge_into_ice_session(ca_auditor_t *au, ca_call_t *m)
{
    const char *ua = m->ice_ufrags[0], *ub = m->ice_ufrags[1];
    if (has_handshake(m) || !ua[0] || !ub[0])
        return NULL;
    ice_match_t im = {au, m, NULL, NULL};
    ca_key_index_each_session(&au->alive_ufrags, ua, ub, join_alive, &im);
    return im.joined;
}

static void join_gone(void *user, const ca_call_key_t *k)
{
    ice_match_t *im = user;
    const char *ua = im->m->ice_ufrags[0], *ub = im->m->ice_ufrags[1];
    const char *c = k->ice_ufrags[0], *s = k->ice_ufrags[1];
    if (!k->dtls || !c[0])
        return;
    if ((strcmp(ua, c) == 0 && strcmp(ub, s) == 0) || (strcmp(ua, s) == 0 && strcmp(ub, c) == 0))
        im->gone = k; /* the last one let go of wins: it is the latest */
}

/* The same for a call already let go of: M stays a call of its own, its
 * media judged, its handshake (and code) that of the call it continues. */
static bool continues_gone_call(ca_auditor_t *au, ca_call_t *m)
{
    const char *ua = m->ice_ufrags[0], *ub = m->ice_ufrags[1];
    if (has_handshake(m) || !ua[0] || !ub[0])
        return false;
    ice_match_t im = {au, m, NULL, NULL};
    ca_gone_keys_each_session(&au->gone, ua, ub, join_gone, &im);
    if (!im.gone)
        return false;
    m->continues = im.gone->id;
    m->have_code = im.gone->have_code;
    memcpy(m->code, im.gone->code, sizeof m->code);
    return true;
}

static uint64_t call_first_frame(const ca_call_t *c)
{
    return c->dtls ? c->dtls->first_frame : c->flow.first_frame;
}

static int by_first_frame(const void *x, const void *y)
{
    uint64_t a = call_first_frame(*(ca_call_t *const *)x);
    uint64_t b = call_first_frame(*(ca_call_t *const *)y);
    return a < b ? -1 : a > b;
}

/* What the rules derive; cleared so that a call audited again (late media)
 * gets each finding once. */
static void reset_audit(ca_call_t *c)
{
    c->n_findings = c->findings_dropped = 0;
    if (!c->continues)
        c->have_code = false;
    c->code_from_sdp = false;
    c->sdp_names[0] = c->sdp_names[1] = NULL;
    c->sdp_media[0] = c->sdp_media[1] = NULL;
}

ca_err_t ca_auditor_take_in_progress(ca_auditor_t *au, ca_flow_table_t *flows)
{
    size_t n = 0;
    ca_flow_t **sorted = ca_flow_sorted(flows, &n);
    CA_ENSURE(sorted != NULL, CA_ERR_NOMEM);
    ca_err_t rc = CA_OK;
    au->taking_in_progress = true;
    for (size_t i = 0; i < n && rc == CA_OK; i++)
        rc = ca_auditor_take_flow(au, sorted[i]);
    au->taking_in_progress = false;
    free(sorted);
    return rc;
}

typedef struct {
    ca_auditor_t *au;
    ca_call_t *x;
    const ca_call_key_t *keys; /* of au->calls */
    size_t self;
} pairing_t;

static void pair_alive(void *user, uint32_t j)
{
    pairing_t *pr = user;
    ca_call_t *y = &pr->au->calls[j];
    if (j == pr->self || y->merged || !(y->reported || y->dirty) || !(pr->x->dirty || y->dirty))
        return;
    ca_audit_cross_call_rules(pr->x, &pr->keys[j]);
}

static void pair_gone(void *user, const ca_call_key_t *k)
{
    pairing_t *pr = user;
    ca_audit_cross_call_rules(pr->x, k);
}

/* Rules across calls: each new or changed call (dirty) against the calls it
 * shares an RTP source or a certificate with, alive or let go of, and the
 * reported calls against the new ones. */
static ca_err_t cross_rules(ca_auditor_t *au)
{
    ca_call_key_t *keys = malloc(au->n * sizeof *keys);
    ca_key_index_t alive = {NULL, 0, 0};
    ca_err_t rc = keys ? CA_OK : CA_ERR_NOMEM;
    for (size_t i = 0; rc == CA_OK && i < au->n; i++) {
        ca_call_key_of(&au->calls[i], &keys[i]);
        if (!ca_key_index_add(&alive, keys, (uint32_t)i))
            rc = CA_ERR_NOMEM;
    }
    for (size_t i = 0; rc == CA_OK && i < au->n; i++) {
        pairing_t pr = {au, &au->calls[i], keys, i};
        if (pr.x->merged || !(pr.x->reported || pr.x->dirty))
            continue;
        ca_key_index_each(&alive, &keys[i], pair_alive, &pr);
        if (pr.x->dirty)
            ca_gone_keys_each(&au->gone, &keys[i], pair_gone, &pr);
    }
    ca_key_index_free(&alive);
    free(keys);
    return rc;
}

/* Let go of every reported call: keep its key and its verdict's count. */
static ca_err_t retire_reported(ca_auditor_t *au)
{
    size_t kept = 0;
    for (size_t i = 0; i < au->n; i++) {
        ca_call_t *c = &au->calls[i];
        if (!c->reported && !c->merged) {
            au->calls[kept++] = *c;
            continue;
        }
        if (c->reported) {
            CA_GUARD(ca_gone_keys_add(&au->gone, c));
            au->pass += c->verdict == CA_VERDICT_PASS;
            au->fail += c->verdict == CA_VERDICT_FAIL;
            au->inconclusive += c->verdict == CA_VERDICT_INCONCLUSIVE;
        }
        ca_call_release(c);
    }
    au->n = kept;
    return CA_OK;
}

ca_err_t ca_auditor_settle(ca_auditor_t *au, const ca_audit_opts_t *opts, int64_t ended_before_us,
                           ca_call_sink_fn sink, void *user)
{
    /* Late media of an ICE session joins its call, even one already audited. */
    ca_key_index_free(&au->alive_ufrags);
    for (size_t i = 0; i < au->n; i++) {
        const ca_call_t *d = &au->calls[i];
        if (has_handshake(d) && !d->merged && d->ice_ufrags[0][0] && d->ice_ufrags[1][0])
            CA_ENSURE(ca_key_index_add_session(&au->alive_ufrags, d->ice_ufrags[0],
                                               d->ice_ufrags[1], (uint32_t)i),
                      CA_ERR_NOMEM);
    }
    for (size_t i = 0; i < au->n; i++) {
        ca_call_t *m = &au->calls[i];
        if (m->reported || m->merged || m->ended_us >= ended_before_us)
            continue;
        ca_call_t *d = merge_into_ice_session(au, m);
        if (d && d->reported)
            d->dirty = true;
        if (!d && !m->continues)
            (void)continues_gone_call(au, m);
    }
    ca_call_t **batch = malloc((au->n ? au->n : 1) * sizeof *batch);
    size_t *before = malloc((au->n ? au->n : 1) * sizeof *before);
    ca_verdict_t *verdict = malloc((au->n ? au->n : 1) * sizeof *verdict);
    if (!batch || !before || !verdict) {
        free(batch);
        free(before);
        free(verdict);
        return CA_ERR_NOMEM;
    }
    size_t n_new = 0, n_batch = 0;
    for (size_t i = 0; i < au->n; i++) {
        ca_call_t *c = &au->calls[i];
        if (!c->merged && !c->reported && c->ended_us < ended_before_us)
            batch[n_new++] = c;
    }
    if (n_new > 1)
        qsort(batch, n_new, sizeof *batch, by_first_frame);
    n_batch = n_new;
    for (size_t i = 0; i < au->n; i++)
        if (au->calls[i].dirty)
            batch[n_batch++] = &au->calls[i];
    for (size_t i = 0; i < n_batch; i++) {
        ca_call_t *c = batch[i];
        if (!c->reported)
            c->id = ++au->next_id;
        reset_audit(c);
        ca_audit_call_rules(c, opts, au->sdp_used);
    }
    /* Rules across calls: each new or changed call against every call audited. */
    for (size_t i = 0; i < au->n; i++) {
        before[i] = au->calls[i].n_findings;
        verdict[i] = au->calls[i].verdict;
    }
    for (size_t i = 0; i < n_batch; i++)
        batch[i]->dirty = true; /* marks the batch for the pairing below */
    ca_err_t rc = n_batch ? cross_rules(au) : CA_OK;
    if (rc != CA_OK) {
        free(batch);
        free(before);
        free(verdict);
        return rc;
    }
    for (size_t i = 0; i < au->n; i++) {
        ca_call_t *c = &au->calls[i];
        if (c->merged || !(c->reported || c->dirty))
            continue;
        ca_audit_decide(c);
        bool changed =
            c->reported && (c->dirty || c->n_findings != before[i] || c->verdict != verdict[i]);
        c->dirty = false;
        if (changed && sink)
            sink(user, c, true);
    }
    for (size_t i = 0; i < n_new; i++) {
        batch[i]->reported = true;
        if (sink)
            sink(user, batch[i], false);
    }
    free(batch);
    free(before);
    free(verdict);
    return au->retire ? retire_reported(au) : CA_OK;
}

static int by_id(const void *x, const void *y)
{
    unsigned a = ((const ca_call_t *)x)->id, b = ((const ca_call_t *)y)->id;
    return a < b ? -1 : a > b;
}

size_t ca_auditor_pending(const ca_auditor_t *au)
{
    return au->n;
}

ca_err_t ca_auditor_finish(ca_auditor_t *au, ca_flow_table_t *flows, const ca_audit_opts_t *opts,
                           ca_call_sink_fn sink, void *user, ca_audit_t *a)
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
    CA_GUARD(ca_auditor_settle(au, opts, INT64_MAX, sink, user));
    /* Keep the calls that stand on their own. */
    size_t kept = 0;
    for (size_t i = 0; i < au->n; i++) {
        if (au->calls[i].merged) {
            ca_call_release(&au->calls[i]);
            continue;
        }
        au->calls[kept++] = au->calls[i];
    }
    au->n = kept;
    if (au->n > 1) /* qsort's base must not be NULL, even for no elements */
        qsort(au->calls, au->n, sizeof *au->calls, by_id);
    a->calls = au->calls;
    a->n_calls = au->n;
    au->calls = NULL;
    au->n = au->cap = 0;
    a->pass = au->pass;
    a->fail = au->fail;
    a->inconclusive = au->inconclusive;
    for (size_t i = 0; i < a->n_calls; i++) {
        a->pass += a->calls[i].verdict == CA_VERDICT_PASS;
        a->fail += a->calls[i].verdict == CA_VERDICT_FAIL;
        a->inconclusive += a->calls[i].verdict == CA_VERDICT_INCONCLUSIVE;
    }
    a->calls_total = a->n_calls + (size_t)au->gone.total;
    a->cross_window = au->gone.window;
    a->cross_forgotten = au->gone.forgotten;
    ca_audit_run_findings(a, opts, au->sdp_used);
    return CA_OK;
}

ca_err_t ca_audit_run(ca_flow_table_t *flows, const ca_audit_opts_t *opts, ca_audit_t *out)
{
    ca_auditor_t *au = ca_auditor_new();
    CA_ENSURE(au != NULL, CA_ERR_NOMEM);
    ca_err_t rc = ca_auditor_finish(au, flows, opts, NULL, NULL, out);
    ca_auditor_free(au);
    return rc;
}
