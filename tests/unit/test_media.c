/* test_media.c - callstack's media: G.711 mu-law, tone detection, RTP/RTCP framing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"
#include "unit.h"

static void ulaw_round_trip(void **state)
{
    (void)state;
    /* G.711 mu-law is 8-bit logarithmic: the error grows with the magnitude
     * but stays under 1/16 of it (plus the bias step near zero). */
    for (int s = -32000; s <= 32000; s += 37) {
        int back = cs_ulaw_decode(cs_ulaw_encode((int16_t)s));
        int err = abs(back - s);
        assert_true(err <= abs(s) / 16 + 8);
    }
    assert_int_equal(cs_ulaw_encode(0), 0xff);
    assert_int_equal(cs_ulaw_decode(0xff), 0);
}

static void tone_share_tells_tone_from_other(void **state)
{
    (void)state;
    int16_t frame[CS_MEDIA_FRAME_SAMPLES];
    for (size_t i = 0; i < CS_MEDIA_FRAME_SAMPLES; i++)
        frame[i] = (int16_t)lrint(8000.0 * sin(2 * 3.14159265358979 * 440.0 * (double)i / 8000));
    assert_true(cs_tone_share(frame, CS_MEDIA_FRAME_SAMPLES, 440, 8000) > 0.8);
    assert_true(cs_tone_share(frame, CS_MEDIA_FRAME_SAMPLES, 1000, 8000) < 0.1);
    memset(frame, 0, sizeof frame);
    assert_true(cs_tone_share(frame, CS_MEDIA_FRAME_SAMPLES, 440, 8000) == 0);
}

static void rtp_frames_carry_the_tone(void **state)
{
    (void)state;
    cs_media_tx_t tx;
    cs_media_rx_t rx;
    uint8_t buf[512];
    cs_media_tx_init(&tx, 440);
    cs_media_rx_init(&rx, 440);
    uint16_t first_seq = tx.seq;
    for (int i = 0; i < 50; i++) {
        size_t n = cs_media_next_rtp(&tx, buf, sizeof buf);
        assert_int_equal(n, 12 + CS_MEDIA_FRAME_SAMPLES);
        assert_int_equal(buf[0], 0x80);
        assert_int_equal(buf[1] & 0x7f, CS_MEDIA_PT_PCMU);
        assert_int_equal((buf[1] & 0x80) != 0, i == 0); /* marker on the first packet only */
        assert_int_equal(buf[2] << 8 | buf[3], (uint16_t)(first_seq + i));
        cs_media_rx_rtp(&rx, buf, n);
    }
    assert_int_equal(rx.packets, 50);
    assert_int_equal(rx.tone_frames, 50);
    assert_int_equal(rx.malformed, 0);
    assert_int_equal(cs_media_next_rtp(&tx, buf, 100), 0);

    cs_media_rx_t other;
    cs_media_rx_init(&other, 1000);
    cs_media_rx_rtp(&other, buf, 12 + CS_MEDIA_FRAME_SAMPLES);
    assert_int_equal(other.tone_frames, 0);
}

static void rtcp_compound_and_bye(void **state)
{
    (void)state;
    cs_media_tx_t tx;
    cs_media_rx_t rx;
    uint8_t buf[256];
    cs_media_tx_init(&tx, 440);
    cs_media_rx_init(&rx, 440);
    size_t n = cs_media_rtcp(&tx, false, buf, sizeof buf);
    assert_true(n > 28 && n % 4 == 0);
    assert_int_equal(buf[1], 200);
    cs_media_rx_rtcp(&rx, buf, n);
    assert_int_equal(rx.rtcp_packets, 2);
    assert_false(rx.bye);
    n = cs_media_rtcp(&tx, true, buf, sizeof buf);
    cs_media_rx_rtcp(&rx, buf, n);
    assert_int_equal(rx.rtcp_packets, 5);
    assert_true(rx.bye);
    assert_int_equal(rx.malformed, 0);
    /* Cut anywhere, a compound packet is reported malformed, never overread. */
    for (size_t len = 1; len < n; len++) {
        cs_media_rx_t cut;
        cs_media_rx_init(&cut, 440);
        cs_media_rx_rtcp(&cut, buf, len);
        assert_true(cut.malformed == 1 || len % 4 == 0);
    }
    assert_int_equal(cs_media_rtcp(&tx, true, buf, 20), 0);
}

static void rtp_garbage_is_counted(void **state)
{
    (void)state;
    cs_media_rx_t rx;
    static const uint8_t v1[] = {0x40, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff};
    static const uint8_t csrc_past_end[] = {0x8f, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t ext_past_end[] = {0x90, 0x00, 0, 0, 0,    0,    0,    0,
                                           0,    0,    0, 0, 0xbe, 0xde, 0x00, 0x09};
    cs_media_rx_init(&rx, 440);
    cs_media_rx_rtp(&rx, v1, sizeof v1);
    cs_media_rx_rtp(&rx, csrc_past_end, sizeof csrc_past_end);
    cs_media_rx_rtp(&rx, ext_past_end, sizeof ext_past_end);
    cs_media_rx_rtp(&rx, v1, 0);
    assert_int_equal(rx.malformed, 4);
    assert_int_equal(rx.tone_frames, 0);
}

int ca_test_media(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ulaw_round_trip),
        cmocka_unit_test(tone_share_tells_tone_from_other),
        cmocka_unit_test(rtp_frames_carry_the_tone),
        cmocka_unit_test(rtcp_compound_and_bye),
        cmocka_unit_test(rtp_garbage_is_counted),
    };
    return cmocka_run_group_tests_name("media", tests, NULL, NULL);
}
