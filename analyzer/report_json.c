/* report_json.c - the JSON report (DESIGN.md "JSON report"), built with jansson. */
#include <stdlib.h>

#include <jansson.h>

#include "report.h"

#include "expect.h"

static json_t *endpoint_json(const ca_call_t *call, ca_dir_t d)
{
    char addr[CA_ENDPOINT_TEXT_LEN], hex[CA_THUMBPRINT_TEXT_LEN];
    ca_endpoint_format(d == CA_C2S ? &call->client : &call->server, addr, sizeof addr);
    json_t *o = json_pack("{s:s}", "addr", addr);
    const ca_dtls_cert_t *c = call->dtls ? &call->dtls->cert[d] : NULL;
    if (c && c->der) {
        ca_hex_colon(c->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
        json_object_set_new(o, "certificate",
                            json_pack("{s:s,s:s,s:s,s:i,s:I}", "sha256", hex, "subject", c->subject,
                                      "key", c->key[0] ? c->key : "unknown", "chain_length",
                                      (int)c->chain_len, "frame", (json_int_t)c->frame));
    } else {
        json_object_set_new(o, "certificate", json_null());
    }
    /* the proof of the private key: the server's ServerKeyExchange, the client's CertificateVerify
     */
    bool v13 = call->dtls && call->dtls->version == CA_DTLS_V13 && call->dtls->k13.opened;
    if (call->dtls && (call->dtls->version == CA_DTLS_V12 || v13)) {
        const ca_sig_result_t *r =
            d == CA_S2C ? &call->dtls->ske_signature : &call->dtls->cv_signature;
        json_t *sig = json_pack("{s:s,s:s}", "message",
                                d == CA_S2C && !v13 ? "server_key_exchange" : "certificate_verify",
                                "status", ca_sig_status_name(r->status));
        if (r->scheme)
            json_object_set_new(sig, "scheme", json_string(ca_dtls_sig_alg_name(r->scheme)));
        if (r->frame)
            json_object_set_new(sig, "frame", json_integer((json_int_t)r->frame));
        if (r->why[0])
            json_object_set_new(sig, "reason", json_string(r->why));
        json_object_set_new(o, "signature", sig);
    }
    return o;
}

static json_t *u16_list(const uint16_t *v, size_t n, const char *(*name)(uint16_t))
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *s = name(v[i]);
        if (s[0] == 'u') { /* "unknown": keep the number */
            char hex[8];
            snprintf(hex, sizeof hex, "0x%04x", v[i]);
            json_array_append_new(a, json_string(hex));
        } else {
            json_array_append_new(a, json_string(s));
        }
    }
    return a;
}

static json_t *dtls_json(const ca_dtls_session_t *s)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < s->n_steps; i++) {
        const ca_dtls_step_t *st = &s->steps[i];
        json_t *e = json_pack("{s:I,s:s,s:s}", "frame", (json_int_t)st->frame, "dir",
                              st->dir == CA_C2S ? "c2s" : "s2c", "type", ca_dtls_step_name(st));
        if (st->kind == CA_STEP_ALERT)
            json_object_set_new(
                e, "alert",
                st->alert_level == 0
                    ? json_string("encrypted")
                    : json_pack("{s:s,s:s}", "level", st->alert_level == 2 ? "fatal" : "warning",
                                "description", ca_dtls_alert_name(st->alert_description)));
        json_array_append_new(steps, e);
    }
    const ca_dtls_hello_t *ch = &s->client_hello;
    json_t *o = json_pack(
        "{s:s?,s:s?,s:s?,s:b,s:b,s:b,s:b,s:b}", "version",
        s->version ? ca_dtls_version_name(s->version) : NULL, "cipher_suite",
        s->have_server_hello ? ca_dtls_cipher_suite_name(s->cipher_suite) : NULL, "srtp_profile",
        s->srtp_chosen ? ca_dtls_srtp_profile_name(s->srtp_profile) : NULL, "complete", s->complete,
        "resumed", s->resumed, "hello_verify_request", s->hello_verify, "extended_master_secret",
        s->have_server_hello && s->server_hello.extended_master_secret, "encrypt_then_mac",
        s->have_server_hello && s->server_hello.encrypt_then_mac);
    json_object_set_new(
        o, "srtp_profiles_offered",
        u16_list(ch->srtp_profiles, ch->n_srtp_profiles, ca_dtls_srtp_profile_name));
    json_object_set_new(o, "groups_offered",
                        u16_list(ch->groups, ch->n_groups, ca_dtls_group_name));
    json_object_set_new(o, "signature_algorithms",
                        u16_list(ch->sig_algs, ch->n_sig_algs, ca_dtls_sig_alg_name));
    json_object_set_new(o, "key_share_groups",
                        u16_list(ch->key_share_groups, ch->n_key_shares, ca_dtls_group_name));
    json_object_set_new(o, "named_group",
                        s->ske_group ? json_string(ca_dtls_group_name(s->ske_group)) : json_null());
    json_object_set_new(o, "handshake", steps);
    json_object_set_new(o, "records",
                        json_pack("{s:I,s:I,s:I,s:I}", "total", (json_int_t)s->records, "malformed",
                                  (json_int_t)s->malformed_records, "unsupported",
                                  (json_int_t)s->unsupported_records, "encrypted_13",
                                  (json_int_t)s->encrypted_records));
    return o;
}

static const char *keys_state_name(ca_keys_state_t s)
{
    switch (s) {
    case CA_KEYS_MISSING:
        return "missing";
    case CA_KEYS_UNSUPPORTED:
        return "unsupported";
    case CA_KEYS_DERIVED:
        return "derived";
    default:
        return "not_matched";
    }
}

static const char *fin_name(ca_fin_status_t f)
{
    return f == CA_FIN_VALID ? "valid" : f == CA_FIN_INVALID ? "invalid" : "unchecked";
}

/* What --keylog proved: the session's keys and both Finished. */
static json_t *keylog_json(const ca_dtls_session_t *s)
{
    const ca_dtls_keys_t *k = &s->keys;
    json_t *o = json_pack("{s:s}", "state", keys_state_name(k->state));
    if (k->why[0])
        json_object_set_new(o, "reason", json_string(k->why));
    if (k->state == CA_KEYS_DERIVED)
        json_object_set_new(o, "finished",
                            json_pack("{s:s,s:s}", "client", fin_name(k->finished[CA_C2S]),
                                      "server", fin_name(k->finished[CA_S2C])));
    return o;
}

static json_t *call_json(const ca_call_t *call)
{
    json_t *o =
        json_pack("{s:i,s:s,s:s}", "id", (int)call->id, "verdict", ca_verdict_name(call->verdict),
                  "transport", call->flow.transport == 6 ? "tcp" : "udp");
    if (call->flow.relayed) {
        json_object_set_new(o, "relayed_by_turn", json_true());
        json_object_set_new(o, "turn_transport",
                            json_string(call->flow.relay_hop == 6 ? "tcp" : "udp"));
    }
    if (call->in_progress)
        json_object_set_new(o, "in_progress", json_true());
    json_object_set_new(o, "client", endpoint_json(call, CA_C2S));
    json_object_set_new(o, "server", endpoint_json(call, CA_S2C));
    json_object_set_new(o, "dtls", call->dtls ? dtls_json(call->dtls) : json_null());
    if (call->keylog)
        json_object_set_new(o, "keylog", keylog_json(call->dtls));
    json_object_set_new(o, "security_code",
                        call->have_code ? json_string(call->code) : json_null());
    json_object_set_new(o, "security_code_source",
                        !call->have_code      ? json_null()
                        : call->code_from_sdp ? json_string("sdp")
                                              : json_string("certificates"));
    json_t *streams = json_array();
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *s = &call->streams[i];
        char ssrc[12];
        snprintf(ssrc, sizeof ssrc, "0x%08x", s->ssrc);
        const char *kind = ca_call_stream_kind(call, i);
        const ca_opacity_t *op = &s->opacity;
        json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:i}", "ssrc", ssrc, "dir",
                              ca_call_stream_dir(call, i), "kind", kind, "packets",
                              (json_int_t)s->packets, "bytes", (json_int_t)s->bytes, "first_frame",
                              (json_int_t)s->first_frame, "last_frame", (json_int_t)s->last_frame,
                              "payload_type", (int)s->payload_type);
        if (s->rtcp) {
            json_object_set_new(e, "opaque",
                                op->rtcp_plain + op->rtcp_e_clear > 0 ? json_false()
                                : op->rtcp_encrypted > 0              ? json_true()
                                                                      : json_null());
            json_object_set_new(e, "srtcp",
                                json_pack("{s:I,s:I,s:I,s:I}", "e_flag_set",
                                          (json_int_t)op->rtcp_encrypted, "e_flag_clear",
                                          (json_int_t)op->rtcp_e_clear, "plain_rtcp",
                                          (json_int_t)op->rtcp_plain, "undetermined",
                                          (json_int_t)op->rtcp_unknown));
        } else {
            double stat, p;
            ca_opaque_t v = ca_opacity_verdict(op, &stat, &p);
            json_object_set_new(e, "opaque",
                                v == CA_OPAQUE_YES  ? json_true()
                                : v == CA_OPAQUE_NO ? json_false()
                                                    : json_null());
            json_object_set_new(e, "opacity",
                                json_pack("{s:s,s:i,s:f,s:f}", "test",
                                          "chi-square, first payload byte nibbles, 15 df",
                                          "samples", (int)op->samples, "statistic", stat, "p_value",
                                          p));
            json_object_set_new(e, "sequence",
                                json_pack("{s:I,s:I,s:I,s:I}", "gaps", (json_int_t)op->gaps,
                                          "reordered", (json_int_t)op->reordered, "duplicates",
                                          (json_int_t)op->duplicates, "rollovers",
                                          (json_int_t)op->rollovers));
            json_object_set_new(e, "header_extensions",
                                json_integer((json_int_t)s->header_extensions));
        }
        if (call->keylog)
            json_object_set_new(
                e, "keylog",
                json_pack("{s:I,s:I,s:I,s:I}", "authenticated", (json_int_t)s->auth_ok, "failed",
                          (json_int_t)s->auth_failed, "replayed", (json_int_t)s->auth_replayed,
                          "unchecked", (json_int_t)s->auth_unchecked));
        json_array_append_new(streams, e);
    }
    json_object_set_new(o, "media", json_pack("{s:o}", "streams", streams));
    json_t *findings = json_array();
    for (size_t i = 0; i < call->n_findings; i++) {
        const ca_finding_t *f = &call->findings[i];
        json_array_append_new(findings,
                              json_pack("{s:s,s:s,s:o,s:s}", "id", f->id, "severity",
                                        ca_severity_name(f->severity), "frame",
                                        f->frame ? json_integer((json_int_t)f->frame) : json_null(),
                                        "message", f->message));
    }
    json_object_set_new(
        o, "sdp",
        json_pack("{s:s?,s:s?}", "client", call->sdp_names[0], "server", call->sdp_names[1]));
    json_object_set_new(o, "findings", findings);
    return o;
}

static json_t *summary_json(const ca_report_input_t *in)
{
    const ca_audit_t *a = in->audit;
    const ca_not_calls_t *nc = in->not_calls;
    json_t *undecoded = json_object();
    for (int r = 0; r < CA_SKIP_COUNT; r++)
        if (in->stats->skipped[r])
            json_object_set_new(undecoded, ca_skip_name((ca_skip_t)r),
                                json_integer((json_int_t)in->stats->skipped[r]));
    json_t *summary = json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:{s:I,s:I,s:I,s:I}}", "calls",
        (json_int_t)a->calls_total, "pass", (json_int_t)a->pass, "fail", (json_int_t)a->fail,
        "inconclusive", (json_int_t)a->inconclusive, "frames", (json_int_t)in->stats->frames,
        "truncated_frames", (json_int_t)in->stats->truncated_frames, "filtered_out",
        (json_int_t)in->filtered_out, "undecoded", undecoded, "ip_fragments", "reassembled",
        (json_int_t)in->frags->completed, "timed_out", (json_int_t)in->frags->timed_out,
        "overlapping", (json_int_t)in->frags->overlaps, "evicted", (json_int_t)in->frags->evicted);
    if (!summary)
        return NULL;
    json_object_set_new(summary, "sdp_in_capture", json_integer((json_int_t)in->sdp_in_capture));
    json_object_set_new(summary, "flows",
                        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "expired",
                                  (json_int_t)in->stats->flows_expired, "peak_live",
                                  (json_int_t)in->stats->flows_peak, "dtls_sessions_dropped",
                                  (json_int_t)in->stats->sessions_dropped, "stream_packets_dropped",
                                  (json_int_t)in->stats->stream_packets_dropped, "stray_dtls",
                                  (json_int_t)(nc ? nc->stray_dtls : 0), "not_media",
                                  (json_int_t)(nc ? nc->not_media_flows : 0), "not_media_packets",
                                  (json_int_t)(nc ? nc->not_media_packets : 0), "dtls_without_srtp",
                                  (json_int_t)(nc ? nc->dtls_without_srtp : 0)));
    if (in->live)
        json_object_set_new(summary, "capture",
                            json_pack("{s:I,s:I,s:I}", "received", (json_int_t)in->received,
                                      "dropped_by_kernel", (json_int_t)in->dropped,
                                      "dropped_by_interface", (json_int_t)in->if_dropped));
    return summary;
}

static json_t *run_findings_json(const ca_audit_t *a)
{
    json_t *findings = json_array();
    for (size_t i = 0; i < a->n_findings; i++)
        json_array_append_new(findings,
                              json_pack("{s:s,s:s,s:s}", "id", a->findings[i].id, "severity",
                                        ca_severity_name(a->findings[i].severity), "message",
                                        a->findings[i].message));
    return findings;
}

/* json_dumpf writes each token with its own fwrite: a call's report costs
 * more in stdio than in building it. One string, one write. */
static int dump_json(const json_t *v, FILE *out, size_t flags)
{
    char *text = json_dumps(v, flags);
    if (!text)
        return -1;
    int rc = fputs(text, out) < 0 ? -1 : 0;
    free(text);
    return rc;
}

/* One compact JSON object and a newline; takes ROOT. */
static int dump_line(FILE *out, json_t *root)
{
    if (!root)
        return -1;
    int rc = dump_json(root, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0)
        return -1;
    return 0;
}

int ca_report_json_call_line(FILE *out, const ca_call_t *call, bool update)
{
    json_t *o = json_pack("{s:s,s:b}", "event", "call", "update", update);
    json_t *c = call_json(call);
    if (!o || !c) {
        json_decref(o);
        json_decref(c);
        return -1;
    }
    json_object_update(o, c);
    json_decref(c);
    return dump_line(out, o);
}

int ca_report_json_summary_line(FILE *out, const ca_report_input_t *in)
{
    json_t *s = summary_json(in);
    if (!s)
        return -1;
    return dump_line(out, json_pack("{s:s,s:o,s:o}", "event", "summary", "findings",
                                    run_findings_json(in->audit), "summary", s));
}

int ca_report_json_handshake_line(FILE *out, const ca_dtls_session_t *s, int64_t ts_us)
{
    char client[CA_ENDPOINT_TEXT_LEN], server[CA_ENDPOINT_TEXT_LEN], code[CA_SECCODE_TEXT_LEN];
    char hex[2][CA_THUMBPRINT_TEXT_LEN];
    ca_endpoint_format(&s->client, client, sizeof client);
    ca_endpoint_format(&s->server, server, sizeof server);
    bool have_code = s->cert[0].parsed && s->cert[1].parsed;
    if (have_code)
        ca_seccode_from_thumbprints(s->cert[0].thumbprint, s->cert[1].thumbprint, code);
    for (int d = 0; d < 2; d++)
        ca_hex_colon(s->cert[d].thumbprint, CA_SHA256_LEN, hex[d], sizeof hex[d]);
    return dump_line(out, json_pack("{s:s,s:I,s:f,s:s,s:s,s:s?,s:s?,s:s?}", "event", "handshake",
                                    "frame", (json_int_t)s->complete_frame, "time",
                                    (double)ts_us / 1e6, "client", client, "server", server,
                                    "client_sha256", s->cert[0].parsed ? hex[0] : NULL,
                                    "server_sha256", s->cert[1].parsed ? hex[1] : NULL,
                                    "security_code", have_code ? code : NULL));
}

void ca_report_json_begin(FILE *out)
{
    fputs("{\n  \"calls\": [", out);
}

int ca_report_json_call(FILE *out, const ca_call_t *call, bool first)
{
    json_t *c = call_json(call);
    if (!c)
        return -1;
    fputs(first ? "\n" : ",\n", out);
    int rc = dump_json(c, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(c);
    return rc;
}

static json_t *expect_json(const ca_report_input_t *in)
{
    const ca_expect_diff_t *d = in->expect_diff;
    json_t *diffs = json_array();
    for (size_t i = 0; i < d->n; i++)
        json_array_append_new(diffs, json_string(d->what[i]));
    return json_pack("{s:s,s:b,s:I,s:o,s:I}", "file", in->expect_path, "holds",
                     d->n == 0 && d->more == 0, "checked", (json_int_t)d->checked, "differences",
                     diffs, "more", (json_int_t)d->more);
}

int ca_report_json_end(FILE *out, const ca_report_input_t *in, bool any_call)
{
    bool first = !any_call;
    for (size_t i = 0; i < in->audit->n_calls; i++, first = false)
        if (ca_report_json_call(out, &in->audit->calls[i], first) != 0)
            return -1;
    json_t *summary = summary_json(in);
    json_t *tail = summary ? json_pack("{s:o,s:o}", "findings", run_findings_json(in->audit),
                                       "summary", summary)
                           : NULL;
    if (!tail)
        return -1;
    if (in->expect_diff)
        json_object_set_new(tail, "expect", expect_json(in));
    fputs(first ? "],\n" : "\n  ],\n", out);
    const char *key;
    json_t *v;
    bool comma = false;
    json_object_foreach(tail, key, v)
    {
        fprintf(out, "%s  \"%s\": ", comma ? ",\n" : "", key);
        if (dump_json(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0) {
            json_decref(tail);
            return -1;
        }
        comma = true;
    }
    fputs("\n}\n", out);
    json_decref(tail);
    return 0;
}

int ca_report_json(FILE *out, const ca_report_input_t *in)
{
    const ca_audit_t *a = in->audit;
    json_t *calls = json_array();
    for (size_t i = 0; i < a->n_calls; i++)
        json_array_append_new(calls, call_json(&a->calls[i]));
    json_t *summary = summary_json(in);
    json_t *root = summary ? json_pack("{s:o,s:o,s:o}", "calls", calls, "findings",
                                       run_findings_json(a), "summary", summary)
                           : NULL;
    if (!root)
        return -1;
    if (in->expect_diff) {
        const ca_expect_diff_t *d = in->expect_diff;
        json_t *diffs = json_array();
        for (size_t i = 0; i < d->n; i++)
            json_array_append_new(diffs, json_string(d->what[i]));
        json_object_set_new(root, "expect",
                            json_pack("{s:s,s:b,s:I,s:o,s:I}", "file", in->expect_path, "holds",
                                      d->n == 0 && d->more == 0, "checked", (json_int_t)d->checked,
                                      "differences", diffs, "more", (json_int_t)d->more));
    }
    int rc = dump_json(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc;
}
