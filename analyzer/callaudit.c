/* callaudit.c - the callaudit command line.
 *
 * `analyze` reads captures through capture/, runs the pipeline and the audit
 * of libcallaudit and prints the report; `live` (callaudit_live.c) does the
 * same on an interface; `code` computes the security code of two
 * certificates (PEM or DER). Exit status (DESIGN.md): 0 every call
 * passes, 1 some call fails, 3 inconclusive, 2 usage error or unreadable
 * input with a one-line reason on stderr.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "decrypt_out.h"
#include "expect.h"
#include "pcap_source.h"
#include "pipeline.h"
#include "report.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "seccode.h"

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

static int run_analyze(const ca_cli_opts_t *o, char **files, int n_files)
{
    ca_pipeline_t *p = ca_pipeline_new();
    ca_auditor_t *au = ca_auditor_new();
    ca_audit_opts_t aopts;
    ca_audit_t audit;
    char err[512], truncated_why[300] = "";
    char seen_names[CA_PIPELINE_MAX_SDP][48];
    uint64_t next_frame = 1, filtered = 0;
    int status = 2;
    memset(&aopts, 0, sizeof aopts);
    if (!p || !au) {
        ca_pipeline_free(p);
        ca_auditor_free(au);
        return ca_cli_fail("out of memory");
    }
    ca_pipeline_set_flow_end(p, (int64_t)(o->idle_timeout_s * 1e6), on_flow_end, au);
    ca_pipeline_set_keylog(p, o->keylog);
    ca_decrypt_out_t dec = {0};
    if (o->decrypt_out) {
        if (!o->keylog) {
            ca_cli_fail("--decrypt-out needs --keylog");
            goto out;
        }
        if (ca_decrypt_out_open(&dec, o->decrypt_out, err, sizeof err) != 0) {
            ca_cli_fail("%s", err);
            goto out;
        }
        ca_pipeline_set_decrypted_fn(p, ca_decrypt_out_packet, &dec);
    }
    for (int i = 0; i < n_files; i++) {
        ca_capture_result_t res;
        if (ca_capture_read_file(files[i], o->filter, &next_frame, on_frame, p, &res, err,
                                 sizeof err) != 0) {
            ca_cli_fail("%s", err);
            goto out;
        }
        filtered += res.filtered_out;
        if (res.truncated) {
            aopts.capture_truncated = true;
            snprintf(truncated_why, sizeof truncated_why, "%s: %s", files[i], res.truncated_why);
        }
    }
    aopts.capture_truncated_why = truncated_why;
    ca_cli_audit_opts(o, p, &aopts, seen_names);
    if (ca_auditor_finish(au, ca_pipeline_flows(p), &aopts, &audit) != CA_OK) {
        ca_cli_fail("out of memory");
        goto out;
    }
    const ca_sdp_t *const *seen;
    const uint64_t *seen_frames;
    ca_report_input_t in = {.audit = &audit,
                            .stats = ca_pipeline_stats(p),
                            .frags = ca_pipeline_frag_stats(p),
                            .filtered_out = filtered,
                            .sdp_in_capture = ca_pipeline_sdps(p, &seen, &seen_frames),
                            .stray_dtls_flows = ca_auditor_stray_flows(au)};
    int verdict_status = ca_audit_exit_status(&audit);
    ca_expect_diff_t diff;
    int expect_rc = 0;
    if (o->expect) {
        expect_rc = ca_expect_check(o->expect, &in, verdict_status, &diff, err, sizeof err);
        if (expect_rc < 0) {
            ca_cli_fail("%s", err);
            ca_audit_free(&audit);
            goto out;
        }
        in.expect_path = o->expect;
        in.expect_diff = &diff;
    }
    if (o->write_expect &&
        ca_expect_write(o->write_expect, &in, verdict_status, err, sizeof err) != 0) {
        ca_cli_fail("%s", err);
        ca_audit_free(&audit);
        goto out;
    }
    if (o->format == CA_FORMAT_JUNIT && o->expect) {
        ca_report_junit_expect(stdout, &in);
    } else if (o->format == CA_FORMAT_JSON) {
        if (ca_report_json(stdout, &in) != 0) {
            ca_cli_fail("cannot write the JSON report");
            ca_audit_free(&audit);
            goto out;
        }
    } else if (o->format == CA_FORMAT_JUNIT) {
        ca_report_junit(stdout, &in);
    } else {
        ca_report_text(stdout, &in);
    }
    /* With --expect, the verdicts are what was expected or not: a stored
     * attack capture that is still caught is a success. */
    status = fflush(stdout) != 0 ? 2 : o->expect ? expect_rc : verdict_status;
    ca_audit_free(&audit);
    if (o->decrypt_out && ca_decrypt_out_close(&dec) != 0)
        status = ca_cli_fail("cannot write %s", o->decrypt_out);
    else if (o->decrypt_out)
        fprintf(stderr, "callaudit: %llu decrypted packets written to %s\n",
                (unsigned long long)dec.written, o->decrypt_out);
out:
    if (dec.w)
        (void)ca_decrypt_out_close(&dec);
    ca_pipeline_free(p);
    ca_auditor_free(au);
    return status;
}

static int cmd_analyze(int argc, char **argv)
{
    static const struct option opts[] = {CA_CLI_LONG_OPTIONS, {NULL, 0, NULL, 0}};
    ca_cli_opts_t o;
    int c, status = 2;
    ca_cli_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'h' || c == CA_OPT_HELP) {
            fputs(ca_cli_usage, stdout);
            status = 0;
            goto out;
        }
        int rc = ca_cli_option(&o, c, optarg);
        if (rc == 1)
            status = ca_cli_fail("see callaudit --help");
        if (rc != 0)
            goto out;
    }
    if (optind >= argc) {
        status = ca_cli_fail("analyze needs at least one capture file ('-' for stdin)");
        goto out;
    }
    status = run_analyze(&o, argv + optind, argc - optind);
out:
    ca_cli_free(&o);
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
        fputs(ca_cli_usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(ca_cli_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "code") == 0)
        return cmd_code(argc, argv);
    if (strcmp(argv[1], "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(argv[1], "live") == 0)
        return ca_cmd_live(argc - 1, argv + 1);
    fprintf(stderr, "callaudit: unknown command '%s' (see callaudit --help)\n", argv[1]);
    return 2;
}
