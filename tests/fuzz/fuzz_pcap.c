/* fuzz_pcap.c - libFuzzer target for the whole analyzer on a capture file:
 * libpcap reading (capture/), the pipeline, the audit and all four reports.
 * A pcapng input whose last byte is odd is read by pcapng_reader.c instead
 * (the reader for files with interfaces libpcap refuses). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "pcap_source.h"
#include "pcapng_reader.h"
#include "pipeline.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_flow_end(void *user, ca_flow_t *f)
{
    if (ca_auditor_take_flow(user, f) != CA_OK)
        abort();
}

static void on_frame(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *bytes,
                     uint32_t caplen, uint32_t len)
{
    ca_pipeline_frame(user, dlt, frame, ts_us, bytes, caplen, len);
}

/* The secrets of the seed captures call-keylog.pcap (DTLS 1.2, callstack) and
 * firefox-dtls13.pcap (DTLS 1.3, Firefox), so that the keyed paths (Finished,
 * record number unmasking, handshake decryption, libsrtp2) run on mutations
 * of real calls. */
static const char seed_keylog[] =
    "CLIENT_RANDOM be20a54bd2828a0a912c91cd720f88b7170e54e548c6c14af004ae58a3b487c3 "
    "44665f7231e9787c00b3c9708b5714246088e310e44ea88366394d8f7eefda65fbb0070d4f84253ef53ab0cdf248cf"
    "14\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
    "b68439524579ae0a1cce559862d98f10dd8e9c95d989a94a882ea662875c4c42 "
    "9f6a4751359676ca107e1af238a0764fe56d44bf1e77a016b6a805ccb0e84bbc\n"
    "SERVER_HANDSHAKE_TRAFFIC_SECRET "
    "b68439524579ae0a1cce559862d98f10dd8e9c95d989a94a882ea662875c4c42 "
    "fbf2ba3ca41bf5c138145741247d837a66827b55dfac8224c455a125793da298\n"
    "CLIENT_TRAFFIC_SECRET_0 b68439524579ae0a1cce559862d98f10dd8e9c95d989a94a882ea662875c4c42 "
    "8cd481ee25da8d24b178bf2ad8b2d6967e4c3ca7fad7dbf2b54f8b6bbd93ee18\n"
    "SERVER_TRAFFIC_SECRET_0 b68439524579ae0a1cce559862d98f10dd8e9c95d989a94a882ea662875c4c42 "
    "224cfe9df2275d5f38ef0004a069f2a7028f6271b210412f84a547a1f01322a2\n"
    "EXPORTER_SECRET b68439524579ae0a1cce559862d98f10dd8e9c95d989a94a882ea662875c4c42 "
    "f20aeea8977586b8d718e85166f804c847eac578d0b0f5c5c9e6123dbedf8c47\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ca_keylog_t *kl;
    if (!kl) {
        char why[128];
        kl = ca_keylog_parse((const uint8_t *)seed_keylog, sizeof seed_keylog - 1, why, sizeof why);
        if (!kl)
            abort();
    }
    if (size == 0)
        return 0;
    FILE *fp = fmemopen((void *)(uintptr_t)data, size, "rb");
    ca_pipeline_t *p = ca_pipeline_new();
    ca_auditor_t *au = ca_auditor_new();
    ca_capture_result_t res;
    char err[512];
    uint64_t next = 1;
    if (!fp || !p || !au) {
        if (fp)
            fclose(fp);
        ca_pipeline_free(p);
        ca_auditor_free(au);
        return 0;
    }
    ca_pipeline_set_keylog(p, kl);
    ca_pipeline_set_ladder(p, true); /* the HTML report draws it */
    /* A short idle timeout so that flows also end mid-capture. */
    ca_pipeline_set_flow_end(p, 1000000, on_flow_end, au);
    bool native = size >= 4 && memcmp(data, "\x0a\x0d\x0d\x0a", 4) == 0 && (data[size - 1] & 1);
    int rc = native ? ca_pcapng_read(fp, "fuzz", NULL, &next, on_frame, p, NULL, NULL, &res, err,
                                     sizeof err)
                    : ca_capture_read_stream(fp, "fuzz", NULL, &next, on_frame, p, &res, err,
                                             sizeof err);
    if (rc == 0) {
        ca_audit_opts_t opts = {0};
        opts.keylog = true;
        ca_audit_t audit;
        opts.capture_truncated = res.truncated;
        if (ca_auditor_finish(au, ca_pipeline_flows(p), &opts, NULL, NULL, &audit) == CA_OK) {
            FILE *null = fopen("/dev/null", "w");
            if (null) {
                ca_report_input_t in = {.audit = &audit,
                                        .stats = ca_pipeline_stats(p),
                                        .frags = ca_pipeline_frag_stats(p)};
                ca_report_text(null, &in);
                (void)ca_report_json(null, &in);
                ca_report_junit(null, &in);
                const char *name = "fuzz";
                ca_report_html_begin(null, &name, 1);
                for (size_t i = 0; i < audit.n_calls; i++)
                    ca_report_html_call(null, &audit.calls[i]);
                ca_report_html_end(null, &in);
                fclose(null);
            }
            ca_audit_free(&audit);
        }
    }
    ca_pipeline_free(p);
    ca_auditor_free(au);
    return 0;
}
