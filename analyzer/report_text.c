/* report_text.c - the human report: one block per call, the security code
 * prominent, the handshake ladder with frame numbers, then the findings.
 * Every line fits 80 columns: long ones (findings, subjects) are wrapped at
 * spaces with a hanging indent, thumbprints split in two halves. */
#include <stdarg.h>
#include <string.h>

#include "report.h"

#include "expect.h"

#define COLUMNS 80

/* Print the formatted text from column FIRST on (the caller has written that
 * much of the line), wrapped at spaces to COLUMNS; continuation lines are
 * indented by INDENT. A word longer than a line is cut. Ends the line. */
__attribute__((format(printf, 4, 5))) static void wrapped(FILE *out, size_t first, size_t indent,
                                                          const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    const char *p = text;
    size_t col = first;
    while (*p) {
        size_t room = COLUMNS > col ? COLUMNS - col : 1, n = strlen(p);
        if (n <= room) {
            fputs(p, out);
            break;
        }
        size_t cut = room;
        while (cut > 0 && p[cut] != ' ')
            cut--;
        if (cut == 0) /* one word wider than the line: cut it */
            cut = room;
        fprintf(out, "%.*s\n%*s", (int)cut, p, (int)indent, "");
        p += cut;
        while (*p == ' ')
            p++;
        col = indent;
    }
    fputc('\n', out);
}

static void print_endpoint(FILE *out, const char *role, const ca_call_t *call, ca_dir_t d)
{
    char addr[CA_ENDPOINT_TEXT_LEN], hex[CA_THUMBPRINT_TEXT_LEN];
    ca_endpoint_format(d == CA_C2S ? &call->client : &call->server, addr, sizeof addr);
    const ca_dtls_cert_t *c = call->dtls ? &call->dtls->cert[d] : NULL;
    if (!c || !c->der) {
        fprintf(out, "  %-7s %s (no certificate seen)\n", role, addr);
        return;
    }
    ca_hex_colon(c->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
    int n = fprintf(out, "  %-7s %s  ", role, addr);
    wrapped(out, n > 0 ? (size_t)n : 0, 10, "%s, %s", c->subject[0] ? c->subject : "(no subject)",
            c->key[0] ? c->key : "?");
    /* 32 bytes as two lines of 16, so that it fits and reads in halves */
    fprintf(out, "          sha-256 %.47s\n                  %s\n", hex, hex + 48);
}

static bool color;

void ca_report_text_set_color(bool on)
{
    color = on;
}

/* ANSI SGR: bold green, bold red, bold yellow, bold; "" without colours. */
static const char *sgr(const char *code)
{
    return color ? code : "";
}

static void print_call(FILE *out, const ca_call_t *call, bool update)
{
    const ca_dtls_session_t *s = call->dtls;
    const char *verdict = call->verdict == CA_VERDICT_PASS   ? "PASS"
                          : call->verdict == CA_VERDICT_FAIL ? "FAIL"
                                                             : "INCONCLUSIVE";
    const char *hue = call->verdict == CA_VERDICT_PASS   ? "\033[1;32m"
                      : call->verdict == CA_VERDICT_FAIL ? "\033[1;31m"
                                                         : "\033[1;33m";
    fprintf(out, "call %u%s: %s%s%s (%s%s)\n", call->id, update ? " (updated)" : "", sgr(hue),
            verdict, sgr("\033[0m"), ca_call_transport_name(call), ca_call_relay_name(call));
    print_endpoint(out, "client", call, CA_C2S);
    print_endpoint(out, "server", call, CA_S2C);
    if (call->have_code) {
        fprintf(out, "  security code:  %s%s%s%s\n", sgr("\033[1m"), call->code, sgr("\033[0m"),
                call->code_from_sdp ? "  (from the SDP fingerprints: signalled, not verified)"
                                    : "");
        /* Microsoft has not published how the Teams client derives its
         * code: nobody should read a man in the middle into a difference
         * between this and a Teams screen. The thumbprints are common. */
        fprintf(out, "%18s", "");
        wrapped(out, 18, 18,
                "callaudit's own derivation (spec v1) from the two thumbprints, as callstack "
                "shows it; a Teams client's code is derived its own way: compare thumbprints");
    } else
        fprintf(out, "  security code:  (none: not computable from this capture)\n");
    if (s) {
        wrapped(out, 0, 7, "  dtls %s, %s, %s%s",
                s->version ? ca_dtls_version_name(s->version) : "?",
                s->have_server_hello ? ca_dtls_cipher_suite_name(s->cipher_suite) : "no suite",
                s->srtp_chosen              ? ca_dtls_srtp_profile_name(s->srtp_profile)
                : s->version == CA_DTLS_V13 ? "SRTP profile unknown (encrypted)"
                                            : "no use_srtp",
                s->complete ? "" : ", incomplete");
        fprintf(out, "  handshake:\n");
        for (size_t i = 0; i < s->n_steps; i++) {
            const ca_dtls_step_t *st = &s->steps[i];
            fprintf(out, "    %8llu  %s  %s", (unsigned long long)st->frame,
                    st->dir == CA_C2S ? "client -> server" : "client <- server",
                    ca_dtls_step_name(st));
            if (st->kind == CA_STEP_ALERT)
                fprintf(out, " (%s)",
                        st->alert_level == 0 ? "encrypted"
                                             : ca_dtls_alert_name(st->alert_description));
            fputc('\n', out);
        }
    }
    if (call->keylog && s) {
        const ca_dtls_keys_t *k = &s->keys;
        uint64_t ok = 0, all = 0;
        for (size_t i = 0; i < call->n_streams; i++) {
            const ca_stream_t *st = &call->streams[i];
            ok += st->auth_ok;
            all += st->auth_ok + st->auth_failed + st->auth_replayed + st->auth_unchecked;
        }
        if (k->state == CA_KEYS_DERIVED)
            wrapped(out, 0, 11,
                    "  key log: Finished client %s, server %s; %llu of %llu SRTP/SRTCP packets "
                    "authenticate",
                    k->finished[CA_C2S] == CA_FIN_VALID     ? "verifies"
                    : k->finished[CA_C2S] == CA_FIN_INVALID ? "INVALID"
                                                            : "unchecked",
                    k->finished[CA_S2C] == CA_FIN_VALID     ? "verifies"
                    : k->finished[CA_S2C] == CA_FIN_INVALID ? "INVALID"
                                                            : "unchecked",
                    (unsigned long long)ok, (unsigned long long)all);
        else
            wrapped(out, 0, 11, "  key log: not used for this call (%s)",
                    k->why[0] ? k->why : "its hellos are not in the capture");
    }
    if (call->n_streams)
        fprintf(out, "  media:\n");
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        fprintf(out, "    ssrc 0x%08x  %s  %-5s  %6llu packets from frame %llu\n", st->ssrc,
                ca_call_stream_dir(call, i), ca_call_stream_kind(call, i),
                (unsigned long long)st->packets, (unsigned long long)st->first_frame);
    }
    if (call->n_findings)
        fprintf(out, "  findings:\n");
    for (size_t i = 0; i < call->n_findings; i++) {
        const ca_finding_t *f = &call->findings[i];
        fprintf(out, "    %-12s %s", ca_severity_name(f->severity), f->id);
        if (f->frame)
            fprintf(out, " (frame %llu)", (unsigned long long)f->frame);
        fputs(":\n      ", out);
        wrapped(out, 6, 6, "%s", f->message);
    }
    fputc('\n', out);
}

void ca_report_text_call(FILE *out, const ca_call_t *call, bool update)
{
    print_call(out, call, update);
}

void ca_report_text_handshake(FILE *out, const ca_dtls_session_t *s)
{
    char client[CA_ENDPOINT_TEXT_LEN], server[CA_ENDPOINT_TEXT_LEN], code[CA_SECCODE_TEXT_LEN];
    ca_endpoint_format(&s->client, client, sizeof client);
    ca_endpoint_format(&s->server, server, sizeof server);
    bool have_code = s->cert[0].parsed && s->cert[1].parsed;
    if (have_code)
        ca_seccode_from_thumbprints(s->cert[0].thumbprint, s->cert[1].thumbprint, code);
    fprintf(out, "handshake %s -> %s complete (frame %llu): security code %s\n", client, server,
            (unsigned long long)s->complete_frame,
            have_code ? code : "unknown (a certificate is missing)");
}

void ca_report_text(FILE *out, const ca_report_input_t *in)
{
    const ca_audit_t *a = in->audit;
    for (size_t i = 0; i < a->n_calls; i++)
        print_call(out, &a->calls[i], false);
    ca_report_text_summary(out, in);
    const ca_expect_diff_t *d = in->expect_diff;
    if (!d)
        return;
    if (d->n == 0 && d->more == 0) {
        fprintf(out, "expect %s: holds (%zu fields)\n", in->expect_path, d->checked);
        return;
    }
    fprintf(out, "expect %s: %zu differences\n", in->expect_path, d->n + d->more);
    for (size_t i = 0; i < d->n; i++)
        fprintf(out, "  %s\n", d->what[i]);
    if (d->more)
        fprintf(out, "  and %zu more\n", d->more);
}

void ca_report_text_summary(FILE *out, const ca_report_input_t *in)
{
    const ca_audit_t *a = in->audit;
    for (size_t i = 0; i < a->n_findings; i++)
        wrapped(out, 0, 2, "%s %s: %s", ca_severity_name(a->findings[i].severity),
                a->findings[i].id, a->findings[i].message);
    char line[1024];
    size_t used = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int n_ = snprintf(line + used, sizeof line - used, __VA_ARGS__);                           \
        if (n_ > 0)                                                                                \
            used = used + (size_t)n_ < sizeof line ? used + (size_t)n_ : sizeof line - 1;          \
    } while (0)
    ADD("summary: %zu call%s: %zu pass, %zu fail, %zu inconclusive; %llu frames", a->calls_total,
        a->calls_total == 1 ? "" : "s", a->pass, a->fail, a->inconclusive,
        (unsigned long long)in->stats->frames);
    bool any = false;
    for (int r = 0; r < CA_SKIP_COUNT; r++) {
        if (!in->stats->skipped[r])
            continue;
        ADD("%s %s %llu", any ? "," : "; undecoded:", ca_skip_name((ca_skip_t)r),
            (unsigned long long)in->stats->skipped[r]);
        any = true;
    }
    if (in->stats->sessions_dropped || in->stats->stream_packets_dropped)
        ADD("; over the per-flow caps: %llu DTLS sessions, %llu RTP/RTCP packets",
            (unsigned long long)in->stats->sessions_dropped,
            (unsigned long long)in->stats->stream_packets_dropped);
    const ca_not_calls_t *nc = in->not_calls;
    if (nc && nc->not_media_flows)
        ADD("; not media: %llu flows (%llu packets) whose RTP-like bytes never showed RTP's "
            "structure",
            (unsigned long long)nc->not_media_flows, (unsigned long long)nc->not_media_packets);
    if (nc && nc->dtls_without_srtp)
        ADD("; %llu DTLS handshakes without use_srtp or media: not calls",
            (unsigned long long)nc->dtls_without_srtp);
    if (nc && nc->stray_dtls)
        ADD("; %llu flows of DTLS-like records without handshake or media",
            (unsigned long long)nc->stray_dtls);
    if (in->live)
        ADD("; captured %llu, dropped by the kernel %llu, by the interface %llu",
            (unsigned long long)in->received, (unsigned long long)in->dropped,
            (unsigned long long)in->if_dropped);
#undef ADD
    wrapped(out, 0, 2, "%s", line);
}
