/* pcap_source.c - capture files through libpcap; see pcap_source.h. */
#include "pcap_source.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "link.h"
#include "pcapng_reader.h"

int64_t ca_capture_time_us(long sec, long usec)
{
    int64_t s = sec < 0 ? 0 : sec > 1000000000000L ? 1000000000000L : sec;
    int64_t u = usec < 0 ? 0 : usec > 999999 ? 999999 : usec;
    return s * 1000000 + u;
}

static int read_all(pcap_t *pc, const char *path, const char *filter, uint64_t *next_frame,
                    ca_frame_fn fn, void *user, ca_progress_fn progress, void *progress_user,
                    ca_capture_result_t *res, char *err, size_t err_size);

int ca_capture_read_file(const char *path, const char *filter, uint64_t *next_frame, ca_frame_fn fn,
                         void *user, ca_capture_result_t *res, char *err, size_t err_size)
{
    return ca_capture_read_file_progress(path, filter, next_frame, fn, user, NULL, NULL, res, err,
                                         err_size);
}

int ca_capture_read_file_progress(const char *path, const char *filter, uint64_t *next_frame,
                                  ca_frame_fn fn, void *user, ca_progress_fn progress,
                                  void *progress_user, ca_capture_result_t *res, char *err,
                                  size_t err_size)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    memset(res, 0, sizeof *res);
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!pc) {
        const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
        /* libpcap names the file itself in some messages */
        if (strncmp(errbuf, path, strlen(path)) == 0)
            snprintf(err, err_size, "%s", errbuf);
        else
            snprintf(err, err_size, "%s: %s", name, errbuf);
        return -1;
    }
    uint64_t first_frame = *next_frame;
    int rc = read_all(pc, path, filter, next_frame, fn, user, progress, progress_user, res, err,
                      err_size);
    /* libpcap 1.10 refuses, at the interface block, a pcapng whose
     * interfaces differ in link type or snap length; before any frame was
     * handed on, the file is read again by pcapng_reader.c. */
    if (rc != 0 && res->frames == 0 && ca_pcapng_is_libpcap_refusal(err)) {
        if (strcmp(path, "-") == 0) {
            snprintf(err, err_size,
                     "stdin: a pcapng whose interfaces differ in link type or snap length is read "
                     "from a file, not a pipe (libpcap 1.10 refuses it and a pipe cannot be read "
                     "again)");
            return -1;
        }
        FILE *fp = fopen(path, "rb");
        if (!fp)
            return -1;
        *next_frame = first_frame;
        return ca_pcapng_read(fp, path, filter, next_frame, fn, user, progress, progress_user, res,
                              err, err_size);
    }
    return rc;
}

int ca_capture_read_stream(FILE *fp, const char *name, const char *filter, uint64_t *next_frame,
                           ca_frame_fn fn, void *user, ca_capture_result_t *res, char *err,
                           size_t err_size)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    memset(res, 0, sizeof *res);
    pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!pc) {
        snprintf(err, err_size, "%s: %s", name, errbuf);
        fclose(fp); /* libpcap leaves it open on failure; the contract is that FP is consumed */
        return -1;
    }
    return read_all(pc, name, filter, next_frame, fn, user, NULL, NULL, res, err, err_size);
}

/* Read every frame of PC, then close it (and the stream under it). */
static int read_all(pcap_t *pc, const char *path, const char *filter, uint64_t *next_frame,
                    ca_frame_fn fn, void *user, ca_progress_fn progress, void *progress_user,
                    ca_capture_result_t *res, char *err, size_t err_size)
{
    FILE *fp = pcap_file(pc);
    struct stat st;
    uint64_t size =
        fp && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    struct bpf_program prog;
    bool have_prog = false;
    int rc = -1;
    int dlt = pcap_datalink(pc);
    if (!ca_link_supported(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        snprintf(err, err_size, "%s: unsupported link type %s (%d)", path, name ? name : "?", dlt);
        goto out;
    }
    if (filter) {
        if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(err, err_size, "bad filter '%s': %s", filter, pcap_geterr(pc));
            goto out;
        }
        have_prog = true;
    }
    for (;;) {
        struct pcap_pkthdr *hdr;
        const u_char *data;
        int n = pcap_next_ex(pc, &hdr, &data);
        if (n == PCAP_ERROR_BREAK)
            break;
        if (n == PCAP_ERROR) {
            const char *why = pcap_geterr(pc);
            if (strstr(why, "truncated") && res->frames > 0) {
                res->truncated = true;
                snprintf(res->truncated_why, sizeof res->truncated_why, "%s", why);
                break;
            }
            snprintf(err, err_size, "%s: %s", path, why);
            goto out;
        }
        if (n != 1)
            continue;
        uint64_t frame = (*next_frame)++;
        res->frames++;
        if (have_prog && pcap_offline_filter(&prog, hdr, data) == 0) {
            res->filtered_out++;
            continue;
        }
        int64_t ts_us = ca_capture_time_us(hdr->ts.tv_sec, hdr->ts.tv_usec);
        fn(user, dlt, frame, ts_us, data, hdr->caplen, hdr->len);
        if (progress && (res->frames & 0xffff) == 0) {
            long pos = fp ? ftell(fp) : -1;
            progress(progress_user, pos > 0 ? (uint64_t)pos : 0, size, res->frames);
        }
    }
    rc = 0;
out:
    if (have_prog)
        pcap_freecode(&prog);
    pcap_close(pc);
    return rc;
}
