/* cli.c - the options analyze and live share; see cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char ca_cli_usage[] =
    "usage: callaudit analyze [options] CAPTURE...   audit pcap/pcapng files\n"
    "       callaudit live -i IFACE [options]        capture and audit live\n"
    "       callaudit code CERT_A CERT_B             the code of two certificates\n"
    "       callaudit --version\n"
    "\n"
    "analyze --help, live --help: their options; man callaudit: everything.\n"
    "exit status: 0 all pass; 1 a call fails; 3 inconclusive; 2 usage error\n";

const char ca_cli_usage_analyze[] =
    "usage: callaudit analyze [options] CAPTURE...   ('-' reads stdin)\n"
    "\n"
    "  --format text|json|junit|html  the report (text by default; html: one page\n"
    "                             with the handshake ladder and media plots)\n"
    "  -o FILE                    write the report to FILE, not stdout\n"
    "  --annotate FILE            the capture again as pcapng, with a comment on\n"
    "                             each frame a handshake step or finding names\n"
    "  -f EXPR                    BPF filter (tcpdump syntax)\n"
    "  --engine native|wireshark|both  whose dissectors read the packets; both:\n"
    "                             compare, ENGINE_DISAGREEMENT on any difference\n"
    "  --sdp FILE                 an SDP offer or answer (repeatable): check its\n"
    "                             a=fingerprint and a=setup against the wire\n"
    "  --expect-code CODE         fail unless the recomputed code equals CODE\n"
    "  --keylog FILE              NSS key log: verify both Finished, open DTLS 1.3,\n"
    "                             authenticate every SRTP/SRTCP packet\n"
    "  --decrypt-out FILE         with --keylog: the decrypted RTP/RTCP as pcapng\n"
    "  --expect FILE              compare with a stored expectation: exit 0 if every\n"
    "                             field in it holds (even an expected failure)\n"
    "  --write-expect FILE        write the expectation of this capture\n"
    "  --idle-timeout S           a flow silent this long has ended (120 s)\n"
    "\n"
    "exit status: 0 all pass; 1 a call fails; 3 inconclusive; 2 usage error\n";

const char ca_cli_usage_live[] =
    "usage: callaudit live -i IFACE [options]\n"
    "\n"
    "  -f EXPR                    BPF filter (tcpdump syntax)\n"
    "  -w FILE                    also write the captured packets to FILE (pcap)\n"
    "  --write-calls              with -w: only the packets of calls\n"
    "  --format text|json         a block per call, or one JSON object per line\n"
    "  --duration S, --calls N    stop after S seconds, or after N calls\n"
    "  --buffer-size KIB          the kernel capture buffer (32768)\n"
    "  --engine native|wireshark|both  whose dissectors read the packets; both:\n"
    "                             compared when it stops, changed calls again\n"
    "  --sdp, --expect-code, --keylog, --idle-timeout   as for analyze\n"
    "\n"
    "SIGINT/SIGTERM stop it: calls in progress are inconclusive, then the summary.\n"
    "exit status: 0 all pass; 1 a call fails; 3 inconclusive; 2 usage error\n";

int ca_cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("callaudit: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

bool ca_cli_color(void)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no && no[0]) && !(term && strcmp(term, "dumb") == 0);
}

void ca_cli_init(ca_cli_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->idle_timeout_s = 120;
}

void ca_cli_free(ca_cli_opts_t *o)
{
    for (size_t i = 0; i < o->n_sdps; i++)
        free(o->sdps[i]);
    o->n_sdps = 0;
    ca_keylog_free(o->keylog);
    o->keylog = NULL;
}

/* Read a whole small file (an SDP) into a malloc'ed buffer. */
static uint8_t *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    fclose(f);
    if (!buf || n > max) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int load_sdp(ca_cli_opts_t *o, const char *path)
{
    size_t len = 0;
    if (o->n_sdps == CA_AUDIT_MAX_SDP)
        return ca_cli_fail("at most %d --sdp files", CA_AUDIT_MAX_SDP);
    uint8_t *text = slurp(path, 256 * 1024, &len);
    if (!text)
        return ca_cli_fail("cannot read SDP %s (missing or over 256 KiB)", path);
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    ca_err_t rc = sdp ? ca_sdp_parse(text, len, sdp) : CA_ERR_NOMEM;
    free(text);
    if (rc != CA_OK) {
        int status =
            ca_cli_fail("%s: not a usable SDP: line %u: %s", path, sdp ? sdp->error_line : 0,
                        sdp && sdp->error ? sdp->error : ca_err_str(rc));
        free(sdp);
        return status;
    }
    o->sdps[o->n_sdps] = sdp;
    o->sdp_names[o->n_sdps++] = path;
    return 0;
}

int ca_cli_option(ca_cli_opts_t *o, int c, const char *arg)
{
    switch (c) {
    case CA_OPT_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = CA_FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = CA_FORMAT_JSON;
        else if (strcmp(arg, "junit") == 0)
            o->format = CA_FORMAT_JUNIT;
        else if (strcmp(arg, "html") == 0)
            o->format = CA_FORMAT_HTML;
        else
            return ca_cli_fail("--format '%s' is not text, json, junit or html", arg);
        return 0;
    case 'f':
        o->filter = arg;
        return 0;
    case CA_OPT_SDP:
        return load_sdp(o, arg) != 0 ? 2 : 0;
    case CA_OPT_EXPECT:
        if (ca_seccode_parse(arg, o->expect_code) != CA_OK)
            return ca_cli_fail("--expect-code '%s' is not 20 digits in groups of 5", arg);
        o->have_expect = true;
        return 0;
    case CA_OPT_KEYLOG: {
        size_t len = 0;
        char err[256];
        if (o->keylog)
            return ca_cli_fail("one --keylog file (it may hold the secrets of many calls)");
        uint8_t *text = slurp(arg, 64u << 20, &len);
        if (!text)
            return ca_cli_fail("cannot read key log %s (missing or over 64 MiB)", arg);
        o->keylog = ca_keylog_parse(text, len, err, sizeof err);
        free(text);
        if (!o->keylog)
            return ca_cli_fail("%s: %s", arg, err);
        o->keylog_path = arg;
        return 0;
    }
    case CA_OPT_DECRYPT_OUT:
        o->decrypt_out = arg;
        return 0;
    case CA_OPT_EXPECT_FILE:
        o->expect = arg;
        return 0;
    case CA_OPT_WRITE_EXPECT:
        o->write_expect = arg;
        return 0;
    case CA_OPT_IDLE: {
        char *end = NULL;
        o->idle_timeout_s = strtod(arg, &end);
        if (!end || end == arg || *end || !(o->idle_timeout_s >= 0 && o->idle_timeout_s <= 86400))
            return ca_cli_fail("--idle-timeout '%s' is not 0-86400 seconds", arg);
        return 0;
    }
    default:
        return 1;
    }
}

void ca_cli_audit_opts(const ca_cli_opts_t *o, const ca_pipeline_t *p, ca_audit_opts_t *aopts,
                       char (*names)[48])
{
    aopts->expect_code = o->have_expect ? o->expect_code : NULL;
    aopts->n_sdps = 0;
    for (size_t i = 0; i < o->n_sdps; i++) {
        aopts->sdps[i] = o->sdps[i];
        aopts->sdp_names[i] = o->sdp_names[i];
    }
    aopts->n_sdps = aopts->n_sdps_given = o->n_sdps;
    /* SDP seen in clear in the capture is checked the same way as --sdp. */
    const ca_sdp_t *const *seen;
    const uint64_t *seen_frames;
    size_t n_seen = ca_pipeline_sdps(p, &seen, &seen_frames);
    for (size_t i = 0; i < n_seen && aopts->n_sdps < CA_AUDIT_MAX_SDP; i++) {
        snprintf(names[i], 48, "the SDP in frame %llu", (unsigned long long)seen_frames[i]);
        aopts->sdps[aopts->n_sdps] = seen[i];
        aopts->sdp_names[aopts->n_sdps++] = names[i];
    }
    aopts->truncated_frames = ca_pipeline_stats(p)->truncated_frames;
    aopts->cut_at = ca_pipeline_stats(p)->cut_at;
    aopts->capture_now_us = ca_pipeline_stats(p)->last_us;
    aopts->capture_start_us = ca_pipeline_stats(p)->first_us;
    aopts->keylog = o->keylog != NULL;
    if (o->keylog) {
        aopts->keylog_malformed = ca_keylog_stats(o->keylog)->malformed;
        aopts->keylog_first_malformed = ca_keylog_stats(o->keylog)->first_malformed_line;
    }
}

int ca_cli_engine(const char *arg, ca_engine_t *out)
{
    static const char *const names[] = {"native", "wireshark", "both"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = (ca_engine_t)i;
            return 0;
        }
    return ca_cli_fail("--engine '%s' is not native, wireshark or both", arg);
}

void ca_cli_engine_summary(size_t disagreements, const char *version)
{
    fprintf(stderr, "callaudit: native engine and Wireshark %s: %zu disagreement%s\n", version,
            disagreements, disagreements == 1 ? "" : "s");
}
