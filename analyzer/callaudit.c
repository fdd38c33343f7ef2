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
#include <time.h>
#include <unistd.h>

#include "annotate.h"
#include "audit.h"
#include "cli.h"
#include "decrypt_out.h"
#include "engine_diff.h"
#include "engine_ws.h"
#include "expect.h"
#include "pcap_source.h"
#include "pipeline.h"
#include "report.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "seccode.h"
#include "version.h"

#include <openssl/crypto.h>
#include <pcap/pcap.h>

/* A long capture does not wait for its end: once this many calls are held,
 * those whose flows ended SETTLE_US ago (capture time) are audited, written
 * out and let go of, so memory follows the calls in progress. */
#define HOLD_CALLS 256
#define SETTLE_US  4000000

typedef struct {
    const ca_cli_opts_t *o;
    FILE *out; /* the report: stdout or -o FILE */
    char *const *files;
    int n_files;
    ca_annotations_t *notes; /* --annotate */
    ca_pipeline_t *p;
    ca_auditor_t *au;
    ca_audit_opts_t aopts;
    char seen_names[CA_PIPELINE_MAX_SDP][48];
    uint64_t frames;
    size_t written; /* calls written out */
    FILE *junit_cases;
    ca_expect_facts_t *facts;
    bool failed;
    const char *file;    /* being read, for the progress line */
    bool progress_shown; /* a progress line is on stderr (a terminal) */
    int64_t progress_us;
    bool retire; /* calls are written and let go of as they settle */
    char engine_version[32];
} analyze_t;

/* On a terminal: where the reading is, now and then (long captures). */
static void on_progress(void *user, uint64_t pos, uint64_t size, uint64_t frames)
{
    analyze_t *a = user;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
    if (a->progress_shown && us - a->progress_us < 250000)
        return;
    a->progress_us = us;
    a->progress_shown = true;
    if (size)
        fprintf(stderr,
                "\rcallaudit: %s %3.0f%% of %.1f MB, %llu frames, %zu flows live, %zu calls "
                "ended\033[K",
                a->file, 100.0 * (double)pos / (double)size, (double)size / 1048576.0,
                (unsigned long long)frames, ca_flow_count(ca_pipeline_flows(a->p)),
                a->written + ca_auditor_pending(a->au));
    else
        fprintf(stderr,
                "\rcallaudit: %s %.1f MB, %llu frames, %zu flows live, %zu calls ended\033[K",
                a->file, (double)pos / 1048576.0, (unsigned long long)frames,
                ca_flow_count(ca_pipeline_flows(a->p)), a->written + ca_auditor_pending(a->au));
    fflush(stderr);
}

/* Each call, once audited: written out at once, in the order calls end. */
static void on_call(void *user, const ca_call_t *call, bool update)
{
    analyze_t *a = user;
    (void)update;            /* calls are let go of once written: never updated */
    if (a->progress_shown) { /* the report, not the progress line, owns the terminal */
        fputs("\r\033[K", stderr);
        a->progress_shown = false;
    }
    if (a->facts)
        ca_expect_facts_add(a->facts, call);
    if (a->notes)
        a->failed |= ca_annotations_add_call(a->notes, call) != 0;
    if (a->o->format == CA_FORMAT_JSON) {
        if (a->written == 0)
            ca_report_json_begin(a->out);
        a->failed |= ca_report_json_call(a->out, call, a->written == 0) != 0;
    } else if (a->o->format == CA_FORMAT_JUNIT) {
        ca_report_junit_call(a->junit_cases, call);
    } else if (a->o->format == CA_FORMAT_HTML) {
        if (a->written == 0)
            ca_report_html_begin(a->out, (const char *const *)a->files, (size_t)a->n_files);
        ca_report_html_call(a->out, call);
    } else {
        ca_report_text_call(a->out, call, false);
    }
    a->written++;
}

/* Every 4096 frames: settle and write the calls that ended a while ago. */
static void maybe_settle(analyze_t *a)
{
    if ((++a->frames & 4095) == 0 && a->retire && ca_auditor_pending(a->au) > HOLD_CALLS) {
        ca_cli_audit_opts(a->o, a->p, &a->aopts, a->seen_names);
        if (ca_auditor_settle(a->au, &a->aopts, ca_pipeline_stats(a->p)->last_us - SETTLE_US,
                              on_call, a) != CA_OK) {
            fprintf(stderr, "callaudit: out of memory\n");
            exit(2);
        }
    }
}

static void on_frame(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *data,
                     uint32_t caplen, uint32_t len)
{
    analyze_t *a = user;
    ca_pipeline_frame(a->p, dlt, frame, ts_us, data, caplen, len);
    maybe_settle(a);
}

static void on_ws_frame(void *user, uint64_t frame)
{
    (void)frame;
    maybe_settle(user);
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

/* Options of analyze alone. */
typedef struct {
    const char *output;   /* -o FILE */
    const char *annotate; /* --annotate FILE */
    ca_engine_t engine;   /* --engine */
} analyze_opts_t;

/* Read FILES into A's pipeline with ENGINE; 0, or -1 (reported). */
static int read_captures(analyze_t *a, ca_engine_t engine, char **files, int n_files,
                         uint64_t *filtered, char *truncated_why, size_t why_size)
{
    char err[512];
    if (engine == CA_ENGINE_WIRESHARK) {
        ca_engine_ws_result_t res;
        if (ca_engine_ws_run(a->p, files, n_files, on_ws_frame, a, &res, err, sizeof err) != 0) {
            ca_cli_fail("%s", err);
            return -1;
        }
        snprintf(a->engine_version, sizeof a->engine_version, "%s", res.version);
        if (res.lines_malformed)
            fprintf(stderr, "callaudit: %llu lines from the Wireshark engine did not parse\n",
                    res.lines_malformed);
        if (res.truncated) {
            a->aopts.capture_truncated = true;
            snprintf(truncated_why, why_size, "%s", res.truncated_why);
        }
        return 0;
    }
    uint64_t next_frame = 1;
    bool tty = isatty(STDERR_FILENO);
    for (int i = 0; i < n_files; i++) {
        ca_capture_result_t res;
        a->file = files[i];
        if (ca_capture_read_file_progress(files[i], a->o->filter, &next_frame, on_frame, a,
                                          tty ? on_progress : NULL, a, &res, err,
                                          sizeof err) != 0) {
            if (a->progress_shown)
                fputs("\r\033[K", stderr);
            ca_cli_fail("%s", err);
            return -1;
        }
        *filtered += res.filtered_out;
        if (res.truncated) {
            a->aopts.capture_truncated = true;
            snprintf(truncated_why, why_size, "%s: %s", files[i], res.truncated_why);
        }
    }
    if (a->progress_shown)
        fputs("\r\033[K", stderr); /* the progress line goes before the report */
    return 0;
}

/* --engine both: the same captures through Wireshark's dissectors, audited
 * apart, and every difference added to NATIVE's calls. */
static int second_opinion(analyze_t *a, char **files, int n_files, ca_audit_t *native)
{
    analyze_t b = {.o = a->o};
    ca_audit_t ws;
    char why[300] = "";
    uint64_t filtered = 0;
    int rc = -1;
    b.p = ca_pipeline_new();
    b.au = ca_auditor_new();
    if (!b.p || !b.au) {
        ca_cli_fail("out of memory");
        goto out;
    }
    ca_pipeline_set_flow_end(b.p, (int64_t)(a->o->idle_timeout_s * 1e6), on_flow_end, b.au);
    ca_pipeline_set_keylog(b.p, a->o->keylog);
    ca_pipeline_set_ladder(b.p, a->o->format == CA_FORMAT_HTML);
    if (read_captures(&b, CA_ENGINE_WIRESHARK, files, n_files, &filtered, why, sizeof why) != 0)
        goto out;
    b.aopts.capture_truncated_why = why;
    ca_cli_audit_opts(a->o, b.p, &b.aopts, b.seen_names);
    if (ca_auditor_finish(b.au, ca_pipeline_flows(b.p), &b.aopts, NULL, NULL, &ws) != CA_OK) {
        ca_cli_fail("out of memory");
        goto out;
    }
    size_t n = ca_engine_diff(native, &ws, b.engine_version);
    ca_cli_engine_summary(n, b.engine_version);
    ca_audit_free(&ws);
    rc = 0;
out:
    ca_pipeline_free(b.p);
    ca_auditor_free(b.au);
    return rc;
}

static int run_analyze(const ca_cli_opts_t *o, const analyze_opts_t *ao, char **files, int n_files)
{
    analyze_t a = {.o = o, .out = stdout, .files = files, .n_files = n_files};
    ca_audit_t audit = {0};
    size_t held = 0; /* --engine both: the calls, written once compared */
    char err[512], truncated_why[300] = "";
    uint64_t filtered = 0;
    int status = 2;
    a.p = ca_pipeline_new();
    a.au = ca_auditor_new();
    a.junit_cases = o->format == CA_FORMAT_JUNIT ? tmpfile() : NULL;
    a.facts = o->expect || o->write_expect ? ca_expect_facts_new() : NULL;
    ca_decrypt_out_t dec = {0};
    if (ao->annotate) {
        for (int i = 0; i < n_files; i++)
            if (strcmp(files[i], "-") == 0) {
                status = ca_cli_fail("--annotate reads the captures twice: files, not stdin");
                goto out;
            }
        a.notes = ca_annotations_new();
    }
    if (ao->output && !(a.out = fopen(ao->output, "w"))) {
        a.out = stdout;
        status = ca_cli_fail("cannot write %s", ao->output);
        goto out;
    }
    if (!a.p || !a.au || (ao->annotate && !a.notes) ||
        (o->format == CA_FORMAT_JUNIT && !a.junit_cases) ||
        ((o->expect || o->write_expect) && !a.facts)) {
        status = ca_cli_fail("out of memory");
        goto out;
    }
    if (ao->engine != CA_ENGINE_NATIVE) {
        for (int i = 0; i < n_files; i++)
            if (strcmp(files[i], "-") == 0) {
                status = ca_cli_fail("the Wireshark engine reads files, not stdin");
                goto out;
            }
        if (o->filter) {
            status = ca_cli_fail("-f is not for --engine wireshark or both: Wireshark reads "
                                 "every frame");
            goto out;
        }
    }
    /* both: every call is held until the two engines are compared */
    a.retire = ao->engine != CA_ENGINE_BOTH;
    ca_auditor_set_retire(a.au, a.retire);
    ca_report_text_set_color(o->format == CA_FORMAT_TEXT && ca_cli_color());
    ca_pipeline_set_flow_end(a.p, (int64_t)(o->idle_timeout_s * 1e6), on_flow_end, a.au);
    ca_pipeline_set_keylog(a.p, o->keylog);
    ca_pipeline_set_ladder(a.p, o->format == CA_FORMAT_HTML || ao->annotate);
    if (o->decrypt_out) {
        if (!o->keylog) {
            ca_cli_fail("--decrypt-out needs --keylog");
            goto out;
        }
        if (ca_decrypt_out_open(&dec, o->decrypt_out, err, sizeof err) != 0) {
            ca_cli_fail("%s", err);
            goto out;
        }
        ca_pipeline_set_decrypted_fn(a.p, ca_decrypt_out_packet, &dec);
    }
    if (read_captures(&a,
                      ao->engine == CA_ENGINE_WIRESHARK ? CA_ENGINE_WIRESHARK : CA_ENGINE_NATIVE,
                      files, n_files, &filtered, truncated_why, sizeof truncated_why) != 0)
        goto out;
    a.aopts.capture_truncated_why = truncated_why;
    ca_cli_audit_opts(o, a.p, &a.aopts, a.seen_names);
    if (ca_auditor_finish(a.au, ca_pipeline_flows(a.p), &a.aopts, a.retire ? on_call : NULL, &a,
                          &audit) != CA_OK) {
        ca_cli_fail("out of memory");
        goto out;
    }
    if (!a.retire) {
        if (second_opinion(&a, files, n_files, &audit) != 0)
            goto out;
        for (size_t i = 0; i < audit.n_calls; i++)
            on_call(&a, &audit.calls[i], false);
        held = audit.n_calls;
        audit.n_calls = 0; /* written: the summary follows */
    }
    const ca_sdp_t *const *seen;
    const uint64_t *seen_frames;
    ca_report_input_t in = {.audit = &audit,
                            .stats = ca_pipeline_stats(a.p),
                            .frags = ca_pipeline_frag_stats(a.p),
                            .filtered_out = filtered,
                            .sdp_in_capture = ca_pipeline_sdps(a.p, &seen, &seen_frames),
                            .not_calls = ca_auditor_not_calls(a.au)};
    int verdict_status = ca_audit_exit_status(&audit);
    ca_expect_diff_t diff;
    int expect_rc = 0;
    if (o->expect) {
        expect_rc =
            ca_expect_check(o->expect, a.facts, &in, verdict_status, &diff, err, sizeof err);
        if (expect_rc < 0) {
            ca_cli_fail("%s", err);
            goto out;
        }
        in.expect_path = o->expect;
        in.expect_diff = &diff;
    }
    if (o->write_expect &&
        ca_expect_write(o->write_expect, a.facts, &in, verdict_status, err, sizeof err) != 0) {
        ca_cli_fail("%s", err);
        goto out;
    }
    if (o->format == CA_FORMAT_JUNIT && o->expect) {
        ca_report_junit_expect(a.out, &in);
    } else if (o->format == CA_FORMAT_JUNIT) {
        ca_report_junit_wrap(a.out, &in, a.junit_cases);
    } else if (o->format == CA_FORMAT_JSON) {
        if (a.written == 0)
            ca_report_json_begin(a.out);
        if (a.failed || ca_report_json_end(a.out, &in, a.written > 0) != 0) {
            ca_cli_fail("cannot write the JSON report");
            goto out;
        }
    } else if (o->format == CA_FORMAT_HTML) {
        if (a.written == 0)
            ca_report_html_begin(a.out, (const char *const *)files, (size_t)n_files);
        ca_report_html_end(a.out, &in);
    } else {
        ca_report_text(a.out, &in); /* the calls not yet written (none), the summary */
    }
    if (a.notes && (a.failed || ca_annotations_write(a.notes, ao->annotate, files, n_files, err,
                                                     sizeof err) != 0)) {
        ca_cli_fail("%s", a.failed ? "out of memory" : err);
        (void)remove(ao->annotate);
        goto out;
    }
    /* With --expect, the verdicts are what was expected or not: a stored
     * attack capture that is still caught is a success. */
    status = fflush(a.out) != 0 || ferror(a.out) ? ca_cli_fail("cannot write the report")
             : o->expect                         ? expect_rc
                                                 : verdict_status;
    if (o->decrypt_out && ca_decrypt_out_close(&dec) != 0)
        status = ca_cli_fail("cannot write %s", o->decrypt_out);
    else if (o->decrypt_out)
        fprintf(stderr, "callaudit: %llu decrypted packets written to %s\n",
                (unsigned long long)dec.written, o->decrypt_out);
out:
    audit.n_calls += held;
    ca_audit_free(&audit);
    if (a.out != stdout && fclose(a.out) != 0 && status != 2)
        status = ca_cli_fail("cannot write %s", ao->output);
    if (a.out != stdout && status == 2)
        (void)remove(ao->output); /* no half report left behind */
    ca_annotations_free(a.notes);
    if (dec.w)
        (void)ca_decrypt_out_close(&dec);
    if (a.junit_cases)
        fclose(a.junit_cases);
    ca_expect_facts_free(a.facts);
    ca_pipeline_free(a.p);
    ca_auditor_free(a.au);
    return status;
}

static int cmd_analyze(int argc, char **argv)
{
    enum { OPT_ANNOTATE = CA_OPT_LAST, OPT_ENGINE };
    static const struct option opts[] = {CA_CLI_LONG_OPTIONS,
                                         {"output", required_argument, NULL, 'o'},
                                         {"annotate", required_argument, NULL, OPT_ANNOTATE},
                                         {"engine", required_argument, NULL, OPT_ENGINE},
                                         {NULL, 0, NULL, 0}};
    ca_cli_opts_t o;
    analyze_opts_t ao = {0};
    int c, status = 2;
    ca_cli_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:ho:", opts, NULL)) != -1) {
        if (c == 'h' || c == CA_OPT_HELP) {
            fputs(ca_cli_usage_analyze, stdout);
            status = 0;
            goto out;
        }
        if (c == OPT_ENGINE) {
            if (ca_cli_engine(optarg, &ao.engine) != 0)
                goto out;
            continue;
        }
        if (c == 'o' || c == OPT_ANNOTATE) {
            *(c == 'o' ? &ao.output : &ao.annotate) = optarg;
            continue;
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
    status = run_analyze(&o, &ao, argv + optind, argc - optind);
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
    if (strcmp(argv[1], "--version") == 0) {
        printf("callaudit %s (%s, %s)\n", CA_VERSION, OpenSSL_version(OPENSSL_VERSION),
               pcap_lib_version());
        return 0;
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
