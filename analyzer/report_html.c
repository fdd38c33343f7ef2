/* report_html.c - the audit as one self-contained HTML page (--format html):
 * inline CSS and SVG, no script, nothing fetched, so it opens offline and
 * can be attached to a ticket. Per call: the verdict and the security code in
 * large type, the endpoints and their certificates, the handshake ladder, the
 * media lanes and plots (report_html_svg.c), then the findings with the
 * requirement each enforces and links to the frames in the ladder. Written
 * call by call as the auditor settles them, like the other formats. */
#include <string.h>

#include "report.h"
#include "report_html.h"
#include "version.h"

void ca_markup_text(FILE *out, bool html, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs(html ? "&#39;" : "'", out);
            break;
        default:
            if (html ? ch >= 0x20 && ch < 0x7f : ch >= 0x20 || ch == '\n' || ch == '\t')
                fputc(ch, out);
            else if (html)
                fputs("&#xFFFD;", out);
        }
    }
}

void ca_html_text(FILE *out, const char *s)
{
    ca_markup_text(out, true, s);
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:24px;max-width:860px}"
    "h1{font-size:22px}h2{font-size:18px;margin:0 0 8px}"
    ".call{border:1px solid #ccc;border-radius:6px;padding:16px;margin:0 0 24px}"
    ".verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;"
    "font-weight:bold;margin-left:8px;text-transform:uppercase}"
    ".pass{background:#1a7f37}.fail{background:#cf222e}.inconclusive{background:#9a6700}"
    ".code{font:bold 26px/1.2 ui-monospace,monospace;letter-spacing:1px;margin:4px 0;"
    "white-space:nowrap}"
    ".codes{display:flex;flex-wrap:wrap;gap:8px 32px;margin:8px 0 12px}.codelabel{color:#555}"
    "table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #ddd;"
    "padding:3px "
    "8px;text-align:left;vertical-align:top}td.addr{white-space:nowrap}th{background:#f4f4f4}"
    ".mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}"
    "svg{display:block;margin:8px 0;font:11px ui-monospace,monospace}"
    ".ladder .life{stroke:#888;stroke-width:2}.ladder .msg line{stroke:#1f5fa8;stroke-width:2}"
    ".ladder .msg polygon{fill:#1f5fa8}.ladder .resent line{stroke:#c05000;"
    "stroke-dasharray:5 3}.ladder .resent polygon{fill:#c05000}"
    ".ladder .who,.ladder .lbl{text-anchor:middle}.ladder .end{text-anchor:end}"
    ".ladder .lbl{font-size:10px}.ladder .col{fill:#666}"
    ".axis{stroke:#444}.mark{stroke:#888;stroke-dasharray:3 3}.tick{fill:#555;font-size:10px}"
    ".title{font-weight:bold}.span{fill-opacity:.15}.note,.legend{color:#555;font-size:12px}"
    ".warn{color:#9a6700}.sev-fail{color:#cf222e;font-weight:bold}.sev-inconclusive{color:#9a6700;"
    "font-weight:bold}.sev-warn{color:#555}";

void ca_report_html_begin(FILE *out, const char *const *files, size_t n_files)
{
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"generator\" content=\"callaudit %s\"><title>callaudit report</title>"
            "<style>%s</style></head>\n<body>\n<h1>callaudit report</h1>\n<p class=\"note\">",
            CA_VERSION, style);
    for (size_t i = 0; i < n_files; i++) {
        fputs(i ? ", " : "capture: ", out);
        ca_html_text(out, files[i]);
    }
    fputs("</p>\n", out);
}

static const char *verdict_class(ca_verdict_t v)
{
    return v == CA_VERDICT_PASS ? "pass" : v == CA_VERDICT_FAIL ? "fail" : "inconclusive";
}

static void endpoint_row(FILE *out, const ca_call_t *call, ca_dir_t d)
{
    char addr[CA_ENDPOINT_TEXT_LEN], hex[CA_THUMBPRINT_TEXT_LEN];
    ca_endpoint_format(d == CA_C2S ? &call->client : &call->server, addr, sizeof addr);
    fprintf(out, "<tr><td>%s</td><td class=\"mono addr\">", ca_side_name((int)d));
    ca_html_text(out, addr);
    fputs("</td><td>", out);
    const ca_dtls_cert_t *c = call->dtls ? &call->dtls->cert[d] : NULL;
    if (!c || !c->der) {
        fputs("no certificate seen</td></tr>\n", out);
        return;
    }
    char anchor[48];
    ca_hex_colon(c->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
    ca_html_text(out, c->subject[0] ? c->subject : "(no subject)");
    fputs(", ", out);
    ca_html_text(out, c->key[0] ? c->key : "?");
    if (ca_html_frame_anchor(call, c->frame, anchor, sizeof anchor))
        fprintf(out, " (<a href=\"#%s\">frame %llu</a>)", anchor, (unsigned long long)c->frame);
    fprintf(out, "<div class=\"mono\">SHA-256 %s</div></td></tr>\n", hex);
}

static void codes(FILE *out, const ca_call_t *call)
{
    fputs("<div class=\"codes\">", out);
    if (!call->have_code) {
        fputs("<div><div class=\"codelabel\">security code</div><div>none: not computable from "
              "this capture</div></div></div>\n",
              out);
        return;
    }
    fprintf(out, "<div><div class=\"codelabel\">%s</div><div class=\"code\">%s</div>%s</div>",
            call->other_leg ? "the code on this leg" : "security code (callaudit spec v1)",
            call->code,
            call->code_from_sdp
                ? "<div class=\"warn\">from the SDP fingerprints: signalled, not verified</div>"
                : "<div>derived from the two thumbprints as callstack shows it; a Teams "
                  "client derives its code its own way: compare the thumbprints</div>");
    if (call->other_leg)
        fprintf(out,
                "<div><div class=\"codelabel\">the code on the other leg (call %u)</div>"
                "<div class=\"code\">%s</div><div class=\"warn\">the two ends read different "
                "codes</div></div>",
                call->other_leg, call->other_code);
    fputs("</div>\n", out);
}

static void findings(FILE *out, const ca_call_t *call)
{
    if (call->n_findings == 0) {
        fputs("<p>No findings.</p>\n", out);
        return;
    }
    fputs("<table class=\"findings\"><tr><th>severity</th><th>finding</th><th>frame</th>"
          "<th>what was seen, and the requirement</th></tr>\n",
          out);
    for (size_t i = 0; i < call->n_findings; i++) {
        const ca_finding_t *f = &call->findings[i];
        char anchor[48];
        fprintf(out, "<tr><td class=\"sev-%s\">%s</td><td class=\"mono\">%s</td><td>",
                ca_severity_name(f->severity), ca_severity_name(f->severity), f->id);
        if (f->frame && ca_html_frame_anchor(call, f->frame, anchor, sizeof anchor))
            fprintf(out, "<a href=\"#%s\">%llu</a>", anchor, (unsigned long long)f->frame);
        else if (f->frame)
            fprintf(out, "<span title=\"Wireshark: frame.number == %llu\">%llu</span>",
                    (unsigned long long)f->frame, (unsigned long long)f->frame);
        fputs("</td><td>", out);
        ca_html_text(out, f->message);
        fputs("<div class=\"note\">", out);
        ca_html_text(out, ca_finding_requirement(f->id));
        fputs("</div></td></tr>\n", out);
    }
    if (call->findings_dropped)
        fprintf(out, "<tr><td colspan=\"4\">and %zu more findings</td></tr>\n",
                call->findings_dropped);
    fputs("</table>\n", out);
}

void ca_report_html_call(FILE *out, const ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    fprintf(out,
            "<section class=\"call\" id=\"call-%u\">\n<h2>Call %u<span class=\"verdict "
            "%s\">%s</span></h2>\n",
            call->id, call->id, verdict_class(call->verdict), ca_verdict_name(call->verdict));
    codes(out, call);
    fprintf(out, "<p>%s%s", ca_call_transport_name(call), ca_call_relay_name(call));
    if (s)
        fprintf(out, "; DTLS %s, %s, %s%s", s->version ? ca_dtls_version_name(s->version) : "?",
                s->have_server_hello ? ca_dtls_cipher_suite_name(s->cipher_suite) : "no suite",
                s->srtp_chosen              ? ca_dtls_srtp_profile_name(s->srtp_profile)
                : s->version == CA_DTLS_V13 ? "SRTP profile unknown (encrypted)"
                                            : "no use_srtp",
                s->complete ? "" : ", incomplete");
    else
        fputs("; no DTLS handshake", out);
    fputs("</p>\n<table><tr><th>side</th><th>address</th><th>certificate</th></tr>\n", out);
    endpoint_row(out, call, CA_C2S);
    endpoint_row(out, call, CA_S2C);
    fputs("</table>\n", out);
    if (s && s->n_datagrams) {
        fputs("<h3>Handshake</h3>\n", out);
        ca_html_ladder(out, call);
    }
    if (call->n_streams) {
        fputs("<h3>Media</h3>\n<table><tr><th>ssrc</th><th>dir</th><th>kind</th><th>packets</th>"
              "<th>first frame</th></tr>\n",
              out);
        for (size_t i = 0; i < call->n_streams; i++) {
            const ca_stream_t *st = &call->streams[i];
            fprintf(out,
                    "<tr><td class=\"mono\">0x%08x</td><td>%s</td><td>%s</td><td>%llu</td>"
                    "<td>%llu</td></tr>\n",
                    st->ssrc, ca_call_stream_dir(call, i), ca_call_stream_kind(call, i),
                    (unsigned long long)st->packets, (unsigned long long)st->first_frame);
        }
        fputs("</table>\n", out);
        ca_html_media(out, call);
    }
    fputs("<h3>Findings</h3>\n", out);
    findings(out, call);
    fputs("</section>\n", out);
}

void ca_report_html_end(FILE *out, const ca_report_input_t *in)
{
    const ca_audit_t *a = in->audit;
    fputs("<section class=\"summary\"><h2>Summary</h2>\n", out);
    for (size_t i = 0; i < a->n_findings; i++) {
        fprintf(out, "<p class=\"sev-%s\">%s %s: ", ca_severity_name(a->findings[i].severity),
                ca_severity_name(a->findings[i].severity), a->findings[i].id);
        ca_html_text(out, a->findings[i].message);
        fputs("</p>\n", out);
    }
    fprintf(out, "<p>%zu call%s: %zu pass, %zu fail, %zu inconclusive; %llu frames</p>\n",
            a->calls_total, a->calls_total == 1 ? "" : "s", a->pass, a->fail, a->inconclusive,
            (unsigned long long)in->stats->frames);
    bool any = false;
    for (int r = 0; r < CA_SKIP_COUNT; r++) {
        if (!in->stats->skipped[r])
            continue;
        fprintf(out, "%s%s %llu",
                any ? ", " : "<p class=\"note\">not decoded: ", ca_skip_name((ca_skip_t)r),
                (unsigned long long)in->stats->skipped[r]);
        any = true;
    }
    if (any)
        fputs("</p>\n", out);
    fprintf(out,
            "</section>\n<p class=\"note\">callaudit %s. This page is self-contained: no "
            "script, nothing loaded from the network.</p>\n</body></html>\n",
            CA_VERSION);
}
