/* engine_ws.h - the second engine: callaudit-wireshark (engine/wireshark/,
 * linked with libwireshark, GPL) dissects the captures and writes what
 * Wireshark's dissectors found as lines of text; this reads them and feeds
 * the pipeline's event entry points, so the same trackers, rules and reports
 * run on Wireshark's reading of the packets. callaudit never links
 * libwireshark: the engine is a separate program found next to callaudit
 * (or named by CALLAUDIT_WIRESHARK).
 */
#ifndef CA_ENGINE_WS_H
#define CA_ENGINE_WS_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline.h"

typedef struct {
    char version[32]; /* libwireshark's, as the engine reported it */
    bool truncated;   /* a capture ended mid-packet (or could not be read on) */
    char truncated_why[256];
    unsigned long long lines, lines_malformed; /* engine output, and what did not parse */
} ca_engine_ws_result_t;

/* Called after each frame is fed (the caller's periodic work). */
typedef void (*ca_engine_ws_frame_fn)(void *user, uint64_t frame);

/* Run the engine over FILES into P. Returns 0, or -1 with a one-line reason
 * in ERR (engine missing, a capture it cannot open, it crashed). */
int ca_engine_ws_run(ca_pipeline_t *p, char *const *files, int n_files, ca_engine_ws_frame_fn fn,
                     void *user, ca_engine_ws_result_t *res, char *err, size_t err_size);

/* live --engine wireshark: the engine reads a pcap stream that this feeds
 * frame by frame and answers as it goes; pump moves bytes both ways
 * without blocking (TIMEOUT_MS 0) so the capture never waits on Wireshark.
 * Frames that would make the queue to the engine pass QUEUE_MAX are not
 * given to it and reported to P as lost by the capture. */
typedef struct ca_engine_ws_stream ca_engine_ws_stream_t;
ca_engine_ws_stream_t *ca_engine_ws_stream_start(ca_pipeline_t *p, int dlt,
                                                 ca_engine_ws_result_t *res, char *err,
                                                 size_t err_size);
void ca_engine_ws_stream_frame(ca_engine_ws_stream_t *s, int64_t ts_us, const uint8_t *data,
                               uint32_t caplen, uint32_t len);
/* 0, or -1 with ERR when the engine died. */
int ca_engine_ws_stream_pump(ca_engine_ws_stream_t *s, int timeout_ms, char *err, size_t err_size);
/* End of capture: everything given is dissected and fed; frees S. */
int ca_engine_ws_stream_finish(ca_engine_ws_stream_t *s, char *err, size_t err_size);

/* The reader alone (the fuzz target): feed lines of engine output to P. */
typedef struct ca_engine_ws_reader ca_engine_ws_reader_t;
ca_engine_ws_reader_t *ca_engine_ws_reader_new(ca_pipeline_t *p, ca_engine_ws_result_t *res);
/* LINE is modified; false (and counted) when it does not parse. */
bool ca_engine_ws_reader_line(ca_engine_ws_reader_t *r, char *line);
void ca_engine_ws_reader_free(ca_engine_ws_reader_t *r);

#endif
