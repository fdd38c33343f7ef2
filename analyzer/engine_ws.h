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

/* The reader alone (the fuzz target): feed lines of engine output to P. */
typedef struct ca_engine_ws_reader ca_engine_ws_reader_t;
ca_engine_ws_reader_t *ca_engine_ws_reader_new(ca_pipeline_t *p, ca_engine_ws_result_t *res);
/* LINE is modified; false (and counted) when it does not parse. */
bool ca_engine_ws_reader_line(ca_engine_ws_reader_t *r, char *line);
void ca_engine_ws_reader_free(ca_engine_ws_reader_t *r);

#endif
