/* callaudit.c - the callaudit command line.
 *
 * `analyze` reads captures through capture/, runs the pipeline and the audit
 * of libcallaudit and prints the report; `code` computes the security code of
 * two certificates (PEM or DER). Exit status (DESIGN.md): 0 every call
 * passes, 1 some call fails, 3 inconclusive, 2 usage error or unreadable
 * input with a one-line reason on stderr.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "pcap_source.h"
#include "pipeline.h"
#include "report.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "seccode.h"

static const char usage_text[] =
    "usage: callaudit analyze [options] CAPTURE...   audit pcap/pcapng files; '-' reads stdin\n"
    "       callaudit live -i IFACE [options]        capture and audit live (not yet available)\n"
    "       callaudit code CERT_A CERT_B             the security code of two certificates\n"
    "\n"
    "  --format text|json|junit   output (text by default)\n"
    "  -f EXPR                    BPF filter (tcpdump syntax)\n"
    "  --sdp FILE                 an SDP offer or answer (repeatable): check a=fingerprint\n"
    "                             and a=setup against the wire\n"
    "  --expect-code CODE         fail unless the recomputed code equals CODE\n"
    "  --idle-timeout S           a flow silent this long (capture time) has ended: its\n"
    "                             calls are final and its memory freed (120; 0: never)\n"
    "\n"
    "exit status: 0 every call passes; 1 some call fails; 3 inconclusive; 2 usage error\n";

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_JUNIT } format_t;

typedef struct {
    format_t format;
    const char *filter;
    char expect_code[CA_SECCODE_TEXT_LEN];
    bool have_expect;
    ca_sdp_t *sdps[CA_AUDIT_MAX_SDP];
    const char *sdp_names[CA_AUDIT_MAX_SDP];
    size_t n_sdps;
    double idle_timeout_s;
} analyze_opts_t;

__attribute__((format(printf, 1, 2))) static int fail_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("callaudit: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
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

static int load_sdp(analyze_opts_t *o, const char *path)
{
    size_t len = 0;
    if (o->n_sdps == CA_AUDIT_MAX_SDP)
        return fail_usage("at most %d --sdp files", CA_AUDIT_MAX_SDP);
    uint8_t *text = slurp(path, 256 * 1024, &len);
    if (!text)
        return fail_usage("cannot read SDP %s (missing or over 256 KiB)", path);
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    ca_err_t rc = sdp ? ca_sdp_parse(text, len, sdp) : CA_ERR_NOMEM;
    free(text);
    if (rc != CA_OK) {
        int status =
            fail_usage("%s: not a usable SDP: line %u: %s", path, sdp ? sdp->error_line : 0,
                       sdp && sdp->error ? sdp->error : ca_err_str(rc));
        free(sdp);
        return status;
    }
    o->sdps[o->n_sdps] = sdp;
    o->sdp_names[o->n_sdps++] = path;
    return 0;
}

static void on_frame(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *data,
                     uint32_t caplen, uint32_t len)
{
    ca_pipeline_frame(user, dlt, frame, ts_us, data, caplen, len);
}

/* A flow went idle: its calls are final, the flow is freed. A failure here
 * (out of memory) loses that flow's calls, so it is fatal rather than silent. */
static void on_flow_end(void *user, ca_flow_t *f)
{
    if (ca_auditor_take_flow(user, f) != CA_OK) {
        fprintf(stderr, "callaudit: out of memory\n");
        exit(2);
    }
}

static int run_analyze(const analyze_opts_t *o, char **files, int n_files)
{
    ca_pipeline_t *p = ca_pipeline_new();
    ca_auditor_t *au = ca_auditor_new();
    ca_audit_opts_t aopts;
    ca_audit_t audit;
    char err[512], truncated_why[300] = "";
    uint64_t next_frame = 1, filtered = 0;
    int status = 2;
    memset(&aopts, 0, sizeof aopts);
    if (!p || !au) {
        ca_pipeline_free(p);
        ca_auditor_free(au);
        return fail_usage("out of memory");
    }
    ca_pipeline_set_flow_end(p, (int64_t)(o->idle_timeout_s * 1e6), on_flow_end, au);
    for (int i = 0; i < n_files; i++) {
        ca_capture_result_t res;
        if (ca_capture_read_file(files[i], o->filter, &next_frame, on_frame, p, &res, err,
                                 sizeof err) != 0) {
            fail_usage("%s", err);
            goto out;
        }
        filtered += res.filtered_out;
        if (res.truncated) {
            aopts.capture_truncated = true;
            snprintf(truncated_why, sizeof truncated_why, "%s: %s", files[i], res.truncated_why);
        }
    }
    aopts.capture_truncated_why = truncated_why;
    aopts.expect_code = o->have_expect ? o->expect_code : NULL;
    for (size_t i = 0; i < o->n_sdps; i++) {
        aopts.sdps[i] = o->sdps[i];
        aopts.sdp_names[i] = o->sdp_names[i];
    }
    aopts.n_sdps = o->n_sdps;
    /* SDP seen in clear in the capture is checked the same way as --sdp. */
    const ca_sdp_t *const *seen;
    const uint64_t *seen_frames;
    size_t n_seen = ca_pipeline_sdps(p, &seen, &seen_frames);
    char seen_names[CA_PIPELINE_MAX_SDP][48];
    for (size_t i = 0; i < n_seen && aopts.n_sdps < CA_AUDIT_MAX_SDP; i++) {
        snprintf(seen_names[i], sizeof seen_names[i], "the SDP in frame %llu",
                 (unsigned long long)seen_frames[i]);
        aopts.sdps[aopts.n_sdps] = seen[i];
        aopts.sdp_names[aopts.n_sdps++] = seen_names[i];
    }
    aopts.truncated_frames = ca_pipeline_stats(p)->truncated_frames;
    if (ca_auditor_finish(au, ca_pipeline_flows(p), &aopts, &audit) != CA_OK) {
        fail_usage("out of memory");
        goto out;
    }
    ca_report_input_t in = {&audit, ca_pipeline_stats(p), ca_pipeline_frag_stats(p), filtered,
                            n_seen};
    if (o->format == FORMAT_JSON) {
        if (ca_report_json(stdout, &in) != 0) {
            fail_usage("cannot write the JSON report");
            ca_audit_free(&audit);
            goto out;
        }
    } else if (o->format == FORMAT_JUNIT) {
        ca_report_junit(stdout, &in);
    } else {
        ca_report_text(stdout, &in);
    }
    status = fflush(stdout) == 0 ? ca_audit_exit_status(&audit) : 2;
    ca_audit_free(&audit);
out:
    ca_pipeline_free(p);
    ca_auditor_free(au);
    return status;
}

enum { OPT_FORMAT = 256, OPT_SDP, OPT_EXPECT, OPT_KEYLOG, OPT_IDLE, OPT_HELP };

static int cmd_analyze(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"sdp", required_argument, NULL, OPT_SDP},
        {"expect-code", required_argument, NULL, OPT_EXPECT},
        {"keylog", required_argument, NULL, OPT_KEYLOG},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    analyze_opts_t o;
    int c, status = 2;
    memset(&o, 0, sizeof o);
    o.idle_timeout_s = 120;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o.format = FORMAT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o.format = FORMAT_JSON;
            else if (strcmp(optarg, "junit") == 0)
                o.format = FORMAT_JUNIT;
            else {
                status = fail_usage("--format '%s' is not text, json or junit", optarg);
                goto out;
            }
            break;
        case 'f':
            o.filter = optarg;
            break;
        case OPT_SDP:
            if (load_sdp(&o, optarg) != 0)
                goto out;
            break;
        case OPT_EXPECT:
            if (ca_seccode_parse(optarg, o.expect_code) != CA_OK) {
                status = fail_usage("--expect-code '%s' is not 20 digits in groups of 5", optarg);
                goto out;
            }
            o.have_expect = true;
            break;
        case OPT_KEYLOG:
            /* Refused rather than ignored: a check the user asked for must run. */
            status = fail_usage("--keylog is not supported by this build yet");
            goto out;
        case OPT_IDLE: {
            char *end = NULL;
            o.idle_timeout_s = strtod(optarg, &end);
            if (!end || *end || !(o.idle_timeout_s >= 0 && o.idle_timeout_s <= 86400)) {
                status = fail_usage("--idle-timeout '%s' is not 0-86400 seconds", optarg);
                goto out;
            }
            break;
        }
        case 'h':
        case OPT_HELP:
            fputs(usage_text, stdout);
            status = 0;
            goto out;
        default:
            status = fail_usage("see callaudit --help");
            goto out;
        }
    }
    if (optind >= argc) {
        status = fail_usage("analyze needs at least one capture file ('-' for stdin)");
        goto out;
    }
    status = run_analyze(&o, argv + optind, argc - optind);
out:
    for (size_t i = 0; i < o.n_sdps; i++)
        free(o.sdps[i]);
    return status;
}

/* Read a certificate file as DER, accepting PEM or DER. Returns a malloc'ed buffer. */
static uint8_t *read_cert_der(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "callaudit: cannot open %s\n", path);
        return NULL;
    }
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    if (!x) {
        rewind(f);
        x = d2i_X509_fp(f, NULL);
    }
    fclose(f);
    if (!x) {
        fprintf(stderr, "callaudit: %s is not a PEM or DER certificate\n", path);
        return NULL;
    }
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    X509_free(x);
    if (n <= 0) {
        fprintf(stderr, "callaudit: cannot encode %s\n", path);
        return NULL;
    }
    *len = (size_t)n;
    return der;
}

static int cmd_code(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "callaudit: code takes two certificate files\n");
        return 2;
    }
    size_t a_len = 0, b_len = 0;
    uint8_t *a = read_cert_der(argv[2], &a_len);
    uint8_t *b = a ? read_cert_der(argv[3], &b_len) : NULL;
    char code[CA_SECCODE_TEXT_LEN];
    int rc = 2;
    if (a && b) {
        ca_err_t err = ca_seccode_from_der(a, a_len, b, b_len, code);
        if (err == CA_OK) {
            printf("%s\n", code);
            rc = 0;
        } else {
            fprintf(stderr, "callaudit: cannot compute the code: %s\n", ca_err_str(err));
        }
    }
    OPENSSL_free(a);
    OPENSSL_free(b);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "code") == 0)
        return cmd_code(argc, argv);
    if (strcmp(argv[1], "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(argv[1], "live") == 0) {
        fprintf(stderr, "callaudit: '%s' is not available in this build yet\n", argv[1]);
        return 2;
    }
    fprintf(stderr, "callaudit: unknown command '%s' (see callaudit --help)\n", argv[1]);
    return 2;
}
