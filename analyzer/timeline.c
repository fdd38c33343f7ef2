/* timeline.c - see timeline.h. */
#include "timeline.h"

static float p_value_of(const ca_opacity_t *o)
{
    double statistic, p;
    if (!o || o->samples < CA_OPACITY_MIN_SAMPLES)
        return -1.0f;
    (void)ca_opacity_verdict(o, &statistic, &p);
    return (float)p;
}

/* Halve the resolution: bins 2i and 2i+1 become bin i. */
static void merge_pairs(ca_timeline_t *t)
{
    uint8_t n = 0;
    for (uint8_t i = 0; i < t->n_bins; i += 2, n++) {
        ca_timeline_bin_t b = t->bins[i];
        if (i + 1 < t->n_bins) {
            b.packets += t->bins[i + 1].packets;
            b.bytes += t->bins[i + 1].bytes;
            b.p_value = t->bins[i + 1].p_value; /* the later sample */
        }
        t->bins[n] = b;
    }
    for (uint8_t i = n; i < CA_TIMELINE_BINS; i++)
        t->bins[i] = (ca_timeline_bin_t){0, 0, -1.0f};
    t->n_bins = n;
    t->bin_us *= 2;
}

void ca_timeline_add(ca_timeline_t *t, int64_t ts_us, uint32_t len, const ca_opacity_t *o)
{
    if (t->bin_us == 0) {
        t->start_us = ts_us;
        t->bin_us = CA_TIMELINE_FIRST_US;
        t->n_bins = 1;
        t->bins[0] = (ca_timeline_bin_t){0, 0, -1.0f};
    }
    /* capture time can step back (merged files, clock steps): the first bin */
    int64_t off = ts_us > t->start_us ? ts_us - t->start_us : 0;
    uint64_t last_start = (uint64_t)(t->n_bins - 1) * t->bin_us;
    /* most packets fall in the open bin: no division for them */
    uint64_t idx = (uint64_t)off >= last_start && (uint64_t)off - last_start < t->bin_us
                       ? t->n_bins - 1u
                       : (uint64_t)off / t->bin_us;
    while (idx >= CA_TIMELINE_BINS && t->bin_us <= UINT32_MAX / 2) {
        merge_pairs(t);
        idx = (uint64_t)off / t->bin_us;
    }
    if (idx >= CA_TIMELINE_BINS)
        idx = CA_TIMELINE_BINS - 1; /* beyond ~2.4 days per bin: the last bin */
    if (idx + 1 > t->n_bins) {
        /* the bin before closes: sample the opacity once for it */
        t->bins[t->n_bins - 1].p_value = p_value_of(o);
        for (uint64_t i = t->n_bins; i <= idx; i++)
            t->bins[i] = (ca_timeline_bin_t){0, 0, -1.0f};
        t->n_bins = (uint8_t)(idx + 1);
    }
    ca_timeline_bin_t *b = &t->bins[idx];
    if (b->packets < UINT32_MAX)
        b->packets++;
    b->bytes = b->bytes > UINT32_MAX - len ? UINT32_MAX : b->bytes + len;
}
