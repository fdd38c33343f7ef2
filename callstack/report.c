/* report.c - a callstack endpoint's account of its call: the security code,
 * both thumbprints, roles, suite, SRTP profile and packet counts. */
#include "report.h"

#include <string.h>

#include "seccode.h"

typedef struct {
    char code[CA_SECCODE_TEXT_LEN];
    char local[CA_THUMBPRINT_TEXT_LEN];
    char remote[CA_THUMBPRINT_TEXT_LEN];
    bool have_remote;
} report_ids_t;

static void report_ids(const cs_report_t *r, report_ids_t *ids)
{
    memset(ids, 0, sizeof *ids);
    ca_hex_colon(r->cert->thumbprint, CA_SHA256_LEN, ids->local, sizeof ids->local);
    const uint8_t *remote = r->leg ? cs_leg_remote_thumbprint(r->leg) : NULL;
    if (remote) {
        ids->have_remote = true;
        ca_hex_colon(remote, CA_SHA256_LEN, ids->remote, sizeof ids->remote);
        ca_seccode_from_thumbprints(r->cert->thumbprint, remote, ids->code);
    }
}

json_t *cs_report_json(const cs_report_t *r)
{
    report_ids_t ids;
    report_ids(r, &ids);
    bool ok = !r->error || !r->error[0];
    json_t *o = json_object();
    json_object_set_new(o, "role", json_string(r->role));
    json_object_set_new(o, "ok", json_boolean(ok));
    json_object_set_new(o, "error", ok ? json_null() : json_string(r->error));
    json_object_set_new(o, "security_code", ids.have_remote ? json_string(ids.code) : json_null());
    json_object_set_new(o, "local_thumbprint", json_string(ids.local));
    json_object_set_new(o, "remote_thumbprint",
                        ids.have_remote ? json_string(ids.remote) : json_null());
    if (!r->leg)
        return o;
    const cs_leg_stats_t *st = cs_leg_stats(r->leg);
    json_object_set_new(o, "dtls_role",
                        json_string(cs_leg_dtls_client(r->leg) ? "client" : "server"));
    json_object_set_new(o, "cipher_suite", json_string(cs_leg_cipher_suite(r->leg)));
    json_object_set_new(o, "srtp_profile", json_string(cs_leg_srtp_profile(r->leg)));
    json_t *rtp =
        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "sent", (json_int_t)st->rtp_sent, "received",
                  (json_int_t)st->rtp_received, "authenticated", (json_int_t)st->rtp_authenticated,
                  "rejected", (json_int_t)st->rtp_rejected, "replayed",
                  (json_int_t)st->rtp_replayed, "before_keys", (json_int_t)st->media_before_keys);
    json_t *rtcp =
        json_pack("{s:I,s:I,s:I,s:I}", "sent", (json_int_t)st->rtcp_sent, "received",
                  (json_int_t)st->rtcp_received, "authenticated",
                  (json_int_t)st->rtcp_authenticated, "rejected", (json_int_t)st->rtcp_rejected);
    json_object_set_new(rtp, "plain_received", json_integer((json_int_t)st->plain_received));
    if (r->rx) {
        json_object_set_new(rtp, "tone_frames", json_integer((json_int_t)r->rx->tone_frames));
        json_object_set_new(rtcp, "bye_received", json_boolean(r->rx->bye));
    }
    json_object_set_new(o, "rtp", rtp);
    json_object_set_new(o, "rtcp", rtcp);
    return o;
}

void cs_report_text(FILE *out, const cs_report_t *r)
{
    report_ids_t ids;
    report_ids(r, &ids);
    bool ok = !r->error || !r->error[0];
    fprintf(out, "%s: %s\n", r->role, ok ? "call completed" : "call FAILED");
    if (!ok)
        fprintf(out, "  error:              %s\n", r->error);
    fprintf(out, "  security code:      %s\n", ids.have_remote ? ids.code : "(none)");
    fprintf(out, "  local thumbprint:   %s\n", ids.local);
    fprintf(out, "  remote thumbprint:  %s\n", ids.have_remote ? ids.remote : "(none)");
    if (!r->leg)
        return;
    const cs_leg_stats_t *st = cs_leg_stats(r->leg);
    fprintf(out, "  dtls role:          %s\n", cs_leg_dtls_client(r->leg) ? "client" : "server");
    fprintf(out, "  cipher suite:       %s\n",
            cs_leg_cipher_suite(r->leg)[0] ? cs_leg_cipher_suite(r->leg) : "(none)");
    fprintf(out, "  srtp profile:       %s\n",
            cs_leg_srtp_profile(r->leg)[0] ? cs_leg_srtp_profile(r->leg) : "(none)");
    fprintf(out,
            "  rtp:                sent %llu, received %llu, authenticated %llu, rejected %llu, "
            "replayed %llu",
            (unsigned long long)st->rtp_sent, (unsigned long long)st->rtp_received,
            (unsigned long long)st->rtp_authenticated, (unsigned long long)st->rtp_rejected,
            (unsigned long long)st->rtp_replayed);
    if (r->rx)
        fprintf(out, ", tone %llu", (unsigned long long)r->rx->tone_frames);
    fprintf(
        out,
        "\n  rtcp:               sent %llu, received %llu, authenticated %llu, rejected %llu%s\n",
        (unsigned long long)st->rtcp_sent, (unsigned long long)st->rtcp_received,
        (unsigned long long)st->rtcp_authenticated, (unsigned long long)st->rtcp_rejected,
        r->rx && r->rx->bye ? ", bye received" : "");
}

void cs_report_print(FILE *out, const cs_report_t *r, bool json)
{
    if (!json) {
        cs_report_text(out, r);
        return;
    }
    json_t *o = cs_report_json(r);
    json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(o);
}
