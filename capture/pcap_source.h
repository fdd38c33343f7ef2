/* pcap_source.h - reading captures through libpcap: pcap and pcapng files,
 * stdin ('-'), an optional BPF filter (tcpdump syntax). Frames keep their
 * numbers in the file (as in Wireshark) even when a filter skips some, and
 * numbering continues across several files of one run.
 */
#ifndef CA_PCAP_SOURCE_H
#define CA_PCAP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A packet's time in microseconds, with seconds clamped to [0, 10^12] so
 * that no arithmetic on capture times can overflow (a file may claim any
 * time at all). */
int64_t ca_capture_time_us(long sec, long usec);

typedef void (*ca_frame_fn)(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *data,
                            uint32_t caplen, uint32_t len);

typedef struct {
    uint64_t frames;       /* read from this file */
    uint64_t filtered_out; /* not matching the BPF filter */
    bool truncated;        /* the file ends in the middle of a packet */
    char truncated_why[256];
} ca_capture_result_t;

/* Read PATH ('-': stdin). Frames are numbered from *NEXT_FRAME on, which is
 * advanced. Returns 0, or -1 with a one-line reason in ERR (unreadable, not a
 * capture, unsupported link type, bad filter, nothing readable at all). */
int ca_capture_read_file(const char *path, const char *filter, uint64_t *next_frame, ca_frame_fn fn,
                         void *user, ca_capture_result_t *res, char *err, size_t err_size);

/* Told now and then how far the reading of a file has come: bytes read of
 * SIZE (0: unknown, e.g. stdin) and frames so far. */
typedef void (*ca_progress_fn)(void *user, uint64_t pos, uint64_t size, uint64_t frames);

/* ca_capture_read_file, calling PROGRESS (may be NULL) every 65536 frames. */
int ca_capture_read_file_progress(const char *path, const char *filter, uint64_t *next_frame,
                                  ca_frame_fn fn, void *user, ca_progress_fn progress,
                                  void *progress_user, ca_capture_result_t *res, char *err,
                                  size_t err_size);

/* The same over an open stream (e.g. fmemopen in the fuzzer), which is closed in
 * every case; NAME is for messages. */
int ca_capture_read_stream(FILE *fp, const char *name, const char *filter, uint64_t *next_frame,
                           ca_frame_fn fn, void *user, ca_capture_result_t *res, char *err,
                           size_t err_size);

#endif
