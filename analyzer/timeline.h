/* timeline.h - a stream over time in fixed memory: packets, bytes and the
 * opacity test's p-value per time bin, for the HTML report's plots.
 *
 * The capture's length is unknown while it streams by, so the bins start
 * 100 ms wide and, when the stream outlasts them, pairs are merged and the
 * width doubles (a 2-hour call ends with ~2-minute bins). No allocation;
 * the opacity p-value is computed once per bin, not per packet.
 */
#ifndef CA_TIMELINE_H
#define CA_TIMELINE_H

#include <stdint.h>

#include "opacity.h"

#define CA_TIMELINE_BINS     48
#define CA_TIMELINE_FIRST_US 100000

typedef struct {
    uint32_t packets, bytes;
    float p_value; /* the opacity test over the stream up to this bin; < 0: undecided */
} ca_timeline_bin_t;

typedef struct {
    int64_t start_us; /* the stream's first packet */
    uint32_t bin_us;  /* width of a bin; 0: no packet yet */
    uint8_t n_bins;   /* bins in use, the last one still filling */
    ca_timeline_bin_t bins[CA_TIMELINE_BINS];
} ca_timeline_t;

/* One packet of LEN bytes at TS_US; O is the stream's opacity state so far
 * (NULL for RTCP), sampled when a bin closes. */
void ca_timeline_add(ca_timeline_t *t, int64_t ts_us, uint32_t len, const ca_opacity_t *o);

/* The last bin's p-value is not sampled until the stream ends: a report
 * takes it from the stream's final opacity state. */

#endif
