/* test_timeline.c - the fixed-memory time bins of a stream: packets and
 * bytes land in the right bin, bins merge when the stream outlasts them,
 * nothing is lost in a merge, and time stepping back stays in range. */
#include "timeline.h"
#include "unit.h"

static uint64_t total_packets(const ca_timeline_t *t)
{
    uint64_t n = 0;
    for (size_t i = 0; i < t->n_bins; i++)
        n += t->bins[i].packets;
    return n;
}

static void bins_fill_in_order(void **state)
{
    (void)state;
    ca_timeline_t t = {0};
    ca_timeline_add(&t, 5000000, 100, NULL); /* the first bin starts here */
    ca_timeline_add(&t, 5050000, 100, NULL); /* same 100 ms bin */
    ca_timeline_add(&t, 5250000, 300, NULL); /* bin 2 */
    assert_int_equal(t.bin_us, CA_TIMELINE_FIRST_US);
    assert_int_equal(t.n_bins, 3);
    assert_int_equal(t.bins[0].packets, 2);
    assert_int_equal(t.bins[0].bytes, 200);
    assert_int_equal(t.bins[1].packets, 0);
    assert_int_equal(t.bins[2].bytes, 300);
}

static void long_stream_merges(void **state)
{
    (void)state;
    ca_timeline_t t = {0};
    /* one packet every 20 ms for an hour */
    for (int64_t us = 0; us < 3600LL * 1000000; us += 20000)
        ca_timeline_add(&t, us, 160, NULL);
    assert_true(t.n_bins <= CA_TIMELINE_BINS);
    assert_true((uint64_t)t.bin_us * CA_TIMELINE_BINS >= 3600ULL * 1000000);
    assert_true((uint64_t)t.bin_us * CA_TIMELINE_BINS / 2 < 3600ULL * 1000000);
    assert_int_equal(total_packets(&t), 180000);
    /* even spacing: every full bin holds the same count */
    assert_int_equal(t.bins[0].packets, t.bins[1].packets);
}

static void time_going_back_stays_in_range(void **state)
{
    (void)state;
    ca_timeline_t t = {0};
    ca_timeline_add(&t, 1000000, 10, NULL);
    ca_timeline_add(&t, 0, 10, NULL);         /* before the start: the first bin */
    ca_timeline_add(&t, INT64_MAX, 10, NULL); /* absurdly late: the last bin */
    assert_int_equal(t.bins[0].packets, 2);
    assert_int_equal(total_packets(&t), 3);
    assert_true(t.n_bins <= CA_TIMELINE_BINS);
}

static void opacity_sampled_when_a_bin_closes(void **state)
{
    (void)state;
    ca_timeline_t t = {0};
    ca_opacity_t o = {0};
    ca_timeline_add(&t, 0, 10, &o);
    o.samples = CA_OPACITY_MIN_SAMPLES; /* all in one bin: far from uniform */
    o.hist_hi[3] = CA_OPACITY_MIN_SAMPLES;
    o.hist_lo[3] = CA_OPACITY_MIN_SAMPLES;
    ca_timeline_add(&t, 150000, 10, &o);
    assert_true(t.bins[0].p_value >= 0.0f && t.bins[0].p_value < 1e-6f);
    assert_true(t.bins[1].p_value < 0.0f); /* still filling */
}

int ca_test_timeline(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bins_fill_in_order),
        cmocka_unit_test(long_stream_merges),
        cmocka_unit_test(time_going_back_stays_in_range),
        cmocka_unit_test(opacity_sampled_when_a_bin_closes),
    };
    return cmocka_run_group_tests_name("timeline", tests, NULL, NULL);
}
