/* callaudit_live.c - `callaudit live`: capture on an interface and audit as
 * calls happen.
 *
 * The same pipeline and rules as `analyze`; what differs is time. Packets
 * arrive with wall-clock stamps and the loop ticks the pipeline when none
 * arrive, so flows end (goodbye and quiet, or idle) without new traffic.
 * A call is audited a few seconds after its flow ended, so that the legs of
 * one relayed call, which end together, are judged together; a later change
 * (late media, a second leg) is printed as an update. On SIGINT/SIGTERM,
 * --duration or --calls, the calls still running are audited as in progress
 * (never a pass), then the summary with the kernel's drop counters.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine_diff.h"
#include "engine_ws.h"
#include "pcap_live.h"
#include "report.h"

/* A call is audited once its flow has been over this long: long enough for
 * flows that ended with it to have ended too (quiet period + expiry tick). */
#define SETTLE_US (CA_PIPELINE_CLOSED_QUIET_US + 2000000)
#define POLL_MS   200

typedef struct {
    const ca_cli_opts_t *o;
    ca_pipeline_t *p;
    ca_auditor_t *au;
    ca_live_t *cap;
    bool write_calls;
    uint64_t calls_wanted, calls_reported;
    bool output_failed;
    ca_live_stats_t kstats;
    ca_audit_opts_t aopts;
    char sdp_names[CA_PIPELINE_MAX_SDP][48]; /* live as long as the calls naming them */
    ca_engine_ws_stream_t *ws;               /* --engine wireshark: the frames go there */
    ca_engine_ws_result_t ws_res;
    /* --engine both: Wireshark's reading goes to a pipeline and auditor of its own,
     * compared with the native one's when the capture stops */
    ca_pipeline_t *wp;
    ca_auditor_t *wau;
    ca_audit_opts_t waopts;
    char ws_sdp_names[CA_PIPELINE_MAX_SDP][48];
} live_t;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* the clock the kernel stamps packets with */
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_frame(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *data,
                     uint32_t caplen, uint32_t len)
{
    live_t *l = user;
    if (l->ws) { /* Wireshark decodes it; its events reach a pipeline when pumped */
        ca_engine_ws_stream_frame(l->ws, ts_us, data, caplen, len);
        if (!l->wp) {
            ca_live_write_current(l->cap);
            return;
        }
    }
    ca_pipeline_frame(l->p, dlt, frame, ts_us, data, caplen, len);
    if (!l->write_calls || ca_pipeline_frame_relevant(l->p))
        ca_live_write_current(l->cap);
}

static void on_ws_flow_end(void *user, ca_flow_t *f)
{
    live_t *l = user;
    if (ca_auditor_take_flow(l->wau, f) != CA_OK) {
        fprintf(stderr, "callaudit: out of memory\n");
        exit(2);
    }
}

static void on_flow_end(void *user, ca_flow_t *f)
{
    live_t *l = user;
    if (ca_auditor_take_flow(l->au, f) != CA_OK) {
        fprintf(stderr, "callaudit: out of memory\n");
        exit(2);
    }
}

static void on_handshake(void *user, const ca_flow_t *f, const ca_dtls_session_t *s, int64_t ts_us)
{
    live_t *l = user;
    (void)f;
    if (l->o->format == CA_FORMAT_JSON)
        l->output_failed |= ca_report_json_handshake_line(stdout, s, ts_us) != 0;
    else
        ca_report_text_handshake(stdout, s);
    l->output_failed |= fflush(stdout) != 0;
}

static void on_call(void *user, const ca_call_t *call, bool update)
{
    live_t *l = user;
    if (l->o->format == CA_FORMAT_JSON)
        l->output_failed |= ca_report_json_call_line(stdout, call, update) != 0;
    else
        ca_report_text_call(stdout, call, update);
    l->output_failed |= fflush(stdout) != 0;
    l->calls_reported += !update;
}

/* The kernel's drop counter grew: every flow live now may have lost packets.
 * pcap_stats counters are 32 bits on Linux and wrap. */
static void account_drops(live_t *l)
{
    ca_live_stats_t now;
    if (ca_live_stats(l->cap, &now) != 0)
        return;
    uint32_t grown = (uint32_t)now.dropped - (uint32_t)l->kstats.dropped;
    if (grown)
        ca_pipeline_capture_drops(l->p, grown);
    l->kstats.received += (uint32_t)now.received - (uint32_t)l->kstats.received;
    l->kstats.dropped += grown;
    l->kstats.if_dropped += (uint32_t)now.if_dropped - (uint32_t)l->kstats.if_dropped;
}

static int settle(live_t *l, int64_t before_us)
{
    ca_cli_audit_opts(l->o, l->p, &l->aopts, l->sdp_names);
    return ca_auditor_settle(l->au, &l->aopts, before_us, on_call, l) == CA_OK ? 0 : -1;
}

static int run(live_t *l, double duration_s)
{
    char err[512];
    uint64_t next_frame = 1;
    int64_t start = now_us();
    int status = 0;
    while (!stop_signal) {
        int n = ca_live_poll(l->cap, POLL_MS, &next_frame, on_frame, l, err, sizeof err);
        if (n < 0) {
            ca_cli_fail("%s", err);
            status = 2;
            break;
        }
        if (l->ws && ca_engine_ws_stream_pump(l->ws, 0, err, sizeof err) != 0) {
            ca_cli_fail("%s", err);
            status = 2;
            break;
        }
        int64_t now = now_us();
        ca_pipeline_tick(l->p, now);
        if (l->wp)
            ca_pipeline_tick(l->wp, now);
        account_drops(l);
        if (settle(l, now - SETTLE_US) != 0) {
            ca_cli_fail("out of memory");
            return 2;
        }
        if (l->output_failed || (l->calls_wanted && l->calls_reported >= l->calls_wanted) ||
            (duration_s > 0 && (double)(now - start) >= duration_s * 1e6))
            break;
    }
    /* Drain what the kernel still holds, then audit what is left. */
    while (status == 0 && ca_live_poll(l->cap, 0, &next_frame, on_frame, l, err, sizeof err) > 0)
        ;
    account_drops(l);
    if (l->ws) { /* what Wireshark still has to say */
        int rc = ca_engine_ws_stream_finish(l->ws, err, sizeof err);
        l->ws = NULL;
        if (rc != 0 && status == 0) {
            ca_cli_fail("%s", err);
            status = 2;
        }
    }
    if ((l->wau && ca_auditor_take_in_progress(l->wau, ca_pipeline_flows(l->wp)) != CA_OK) ||
        ca_auditor_take_in_progress(l->au, ca_pipeline_flows(l->p)) != CA_OK ||
        settle(l, INT64_MAX) != 0) {
        ca_cli_fail("out of memory");
        return 2;
    }
    return status;
}

static int finish(live_t *l, int status)
{
    ca_audit_t audit;
    if (ca_auditor_finish(l->au, NULL, &l->aopts, NULL, NULL, &audit) != CA_OK)
        return ca_cli_fail("out of memory");
    if (l->wau) { /* --engine both: every call compared; the changed ones again */
        ca_audit_t ws;
        ca_cli_audit_opts(l->o, l->wp, &l->waopts, l->ws_sdp_names);
        if (ca_auditor_finish(l->wau, NULL, &l->waopts, NULL, NULL, &ws) != CA_OK) {
            ca_audit_free(&audit);
            return ca_cli_fail("out of memory");
        }
        size_t n = ca_engine_diff(&audit, &ws, l->ws_res.version);
        ca_audit_free(&ws);
        for (size_t i = 0; i < audit.n_calls; i++) {
            const ca_call_t *c = &audit.calls[i];
            bool changed = false;
            for (size_t j = 0; j < c->n_findings; j++)
                changed |= ca_engine_finding(c->findings[j].id);
            if (changed)
                on_call(l, c, true);
        }
        ca_cli_engine_summary(n, l->ws_res.version);
    }
    const ca_sdp_t *const *seen;
    const uint64_t *seen_frames;
    ca_report_input_t in = {.audit = &audit,
                            .stats = ca_pipeline_stats(l->p),
                            .frags = ca_pipeline_frag_stats(l->p),
                            .sdp_in_capture = ca_pipeline_sdps(l->p, &seen, &seen_frames),
                            .not_calls = ca_auditor_not_calls(l->au),
                            .live = true,
                            .received = l->kstats.received,
                            .dropped = l->kstats.dropped,
                            .if_dropped = l->kstats.if_dropped};
    if (l->o->format == CA_FORMAT_JSON)
        l->output_failed |= ca_report_json_summary_line(stdout, &in) != 0;
    else
        ca_report_text_summary(stdout, &in);
    l->output_failed |= fflush(stdout) != 0;
    if (ca_live_flush(l->cap) != 0) {
        ca_cli_fail("cannot write the -w file");
        status = 2;
    }
    if (l->output_failed && status == 0)
        status = ca_cli_fail("cannot write the report");
    if (status == 0)
        status = ca_audit_exit_status(&audit);
    ca_audit_free(&audit);
    return status;
}

enum { OPT_WRITE_CALLS = CA_OPT_LAST, OPT_DURATION, OPT_CALLS, OPT_BUFFER, OPT_ENGINE };

static int parse_number(const char *opt, const char *arg, double max, double *out)
{
    char *end = NULL;
    *out = strtod(arg, &end);
    if (!end || end == arg || *end || !(*out >= 0 && *out <= max))
        return ca_cli_fail("%s '%s' is not a number from 0 to %.0f", opt, arg, max);
    return 0;
}

int ca_cmd_live(int argc, char **argv)
{
    static const struct option opts[] = {CA_CLI_LONG_OPTIONS,
                                         {"write-calls", no_argument, NULL, OPT_WRITE_CALLS},
                                         {"duration", required_argument, NULL, OPT_DURATION},
                                         {"calls", required_argument, NULL, OPT_CALLS},
                                         {"buffer-size", required_argument, NULL, OPT_BUFFER},
                                         {"engine", required_argument, NULL, OPT_ENGINE},
                                         {NULL, 0, NULL, 0}};
    ca_cli_opts_t o;
    ca_live_opts_t lo = {0};
    live_t l;
    double duration = 0, calls = 0, buffer = 0;
    ca_engine_t engine = CA_ENGINE_NATIVE;
    int c, status = 2;
    memset(&l, 0, sizeof l);
    ca_cli_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:hi:w:", opts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'h':
        case CA_OPT_HELP:
            fputs(ca_cli_usage_live, stdout);
            status = 0;
            goto out;
        case 'i':
            lo.iface = optarg;
            break;
        case 'w':
            lo.write_path = optarg;
            break;
        case OPT_WRITE_CALLS:
            l.write_calls = true;
            break;
        case OPT_DURATION:
            rc = parse_number("--duration", optarg, 31 * 86400, &duration);
            break;
        case OPT_CALLS:
            rc = parse_number("--calls", optarg, 1e9, &calls);
            break;
        case OPT_BUFFER:
            rc = parse_number("--buffer-size", optarg, 4 * 1024 * 1024, &buffer);
            break;
        case OPT_ENGINE:
            rc = ca_cli_engine(optarg, &engine);
            break;
        default:
            rc = ca_cli_option(&o, c, optarg);
            if (rc == 1)
                rc = ca_cli_fail("see callaudit --help");
        }
        if (rc != 0)
            goto out;
    }
    if (optind < argc) {
        status =
            ca_cli_fail("live takes no capture files ('%s'); use analyze for files", argv[optind]);
        goto out;
    }
    if (!lo.iface) {
        status = ca_cli_fail("live needs an interface: -i IFACE");
        goto out;
    }
    if (o.format == CA_FORMAT_JUNIT || o.format == CA_FORMAT_HTML) {
        status = ca_cli_fail("live reports as text or json (JSON Lines), not %s",
                             o.format == CA_FORMAT_JUNIT ? "junit" : "html");
        goto out;
    }
    if (o.decrypt_out) {
        status = ca_cli_fail("--decrypt-out is for analyze (replay the -w capture)");
        goto out;
    }
    if (l.write_calls && !lo.write_path) {
        status = ca_cli_fail("--write-calls needs -w FILE");
        goto out;
    }
    if (l.write_calls && engine == CA_ENGINE_WIRESHARK) {
        status = ca_cli_fail("--write-calls is for the native engine (-w writes every frame)");
        goto out;
    }
    lo.filter = o.filter;
    lo.buffer_kib = (int)buffer;
    char err[512];
    l.cap = ca_live_open(&lo, err, sizeof err);
    if (!l.cap) {
        status = ca_cli_fail("%s", err);
        goto out;
    }
    l.p = ca_pipeline_new();
    if (!l.p) {
        status = ca_cli_fail("out of memory");
        goto out;
    }
    if (engine == CA_ENGINE_BOTH && (!(l.wp = ca_pipeline_new()) || !(l.wau = ca_auditor_new()))) {
        status = ca_cli_fail("out of memory");
        goto out;
    }
    if (engine != CA_ENGINE_NATIVE &&
        !(l.ws = ca_engine_ws_stream_start(engine == CA_ENGINE_BOTH ? l.wp : l.p,
                                           ca_live_dlt(l.cap), &l.ws_res, err, sizeof err))) {
        status = ca_cli_fail("%s", err);
        goto out;
    }
    /* as tcpdump does: scripts wait for this line before starting traffic */
    fprintf(stderr, "callaudit: listening on %s, link-type %s%s%s\n", lo.iface,
            ca_live_link_name(l.cap), o.filter ? ", filter " : "", o.filter ? o.filter : "");
    l.o = &o;
    l.calls_wanted = (uint64_t)calls;
    l.au = ca_auditor_new();
    if (!l.au) {
        status = ca_cli_fail("out of memory");
        goto out;
    }
    ca_pipeline_set_flow_end(l.p, (int64_t)(o.idle_timeout_s * 1e6), on_flow_end, &l);
    ca_pipeline_set_handshake_fn(l.p, on_handshake, &l);
    ca_pipeline_set_keylog(l.p, o.keylog);
    if (l.wp) {
        ca_pipeline_set_flow_end(l.wp, (int64_t)(o.idle_timeout_s * 1e6), on_ws_flow_end, &l);
        ca_pipeline_set_keylog(l.wp, o.keylog);
    }
    ca_report_text_set_color(o.format == CA_FORMAT_TEXT && ca_cli_color());
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the wait for packets returns */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    status = finish(&l, run(&l, duration));
out:
    if (l.ws)
        (void)ca_engine_ws_stream_finish(l.ws, NULL, 0);
    ca_pipeline_free(l.p);
    ca_auditor_free(l.au);
    ca_pipeline_free(l.wp);
    ca_auditor_free(l.wau);
    ca_live_close(l.cap);
    ca_cli_free(&o);
    return status;
}
