/* test_sdp.c - SDP parsing: real-shaped offers, inheritance, malformed input,
 * and every prefix of a valid description. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp.h"
#include "unit.h"

static const char offer[] =
    "v=0\r\n"
    "o=callstack 4242 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "m=audio 40000 UDP/TLS/RTP/SAVPF 0 8\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=mid:0\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=extmap:1/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=setup:actpass\r\n"
    "a=ice-ufrag:Ab3x\r\n"
    "a=ice-pwd:0123456789abcdefghijkl\r\n"
    "a=fingerprint:sha-256 "
    "C5:08:0B:AC:51:20:28:F7:63:B4:3D:A1:67:BB:61:14:2A:C9:10:83:C4:E4:1D:20:5D:D4:00:90:12:A8:35:"
    "B9\r\n"
    "a=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host\r\n"
    "a=candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active\r\n"
    "a=end-of-candidates\r\n";

/* Chrome puts ICE and fingerprint per section, but RFC 8839/8122 allow the
 * session level too; sections inherit it. */
static const char session_level[] =
    "v=0\n"
    "o=- 1 2 IN IP4 0.0.0.0\n"
    "s=-\n"
    "a=ice-ufrag:sess\n"
    "a=ice-pwd:sessionpasswordsessionpw\n"
    "a=fingerprint:SHA-256 "
    "6c:e5:e2:1d:19:31:b3:e0:6b:60:69:e4:64:56:11:2e:bb:a0:83:5c:4f:89:94:59:71:c9:2c:4b:c1:3f:a8:"
    "ce\n"
    "a=setup:passive\n"
    "m=audio 9 RTP/SAVP 0\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\n"
    "a=ice-ufrag:own\n"
    "a=ice-pwd:ownpasswordownpasswordxx\n"
    "a=setup:active\n"
    "a=cryptex\n";

static void parses_offer(void **state)
{
    (void)state;
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse((const uint8_t *)offer, sizeof offer - 1, sdp), CA_OK);
    assert_string_equal(sdp->origin_user, "callstack");
    assert_string_equal(sdp->session_id, "4242");
    assert_int_equal(sdp->n_media, 1);
    const ca_sdp_media_t *m = &sdp->media[0];
    assert_string_equal(m->media, "audio");
    assert_int_equal(m->port, 40000);
    assert_string_equal(m->proto, "UDP/TLS/RTP/SAVPF");
    assert_int_equal(m->n_formats, 2);
    assert_string_equal(m->formats[1], "8");
    assert_string_equal(m->mid, "0");
    assert_true(m->rtcp_mux);
    assert_false(m->has_crypto);
    assert_int_equal(m->setup, CA_SDP_SETUP_ACTPASS);
    assert_string_equal(m->ice_ufrag, "Ab3x");
    assert_string_equal(m->ice_pwd, "0123456789abcdefghijkl");
    assert_true(m->has_fingerprint);
    assert_string_equal(m->fingerprint.hash, "sha-256");
    assert_int_equal(m->fingerprint.len, 32);
    assert_int_equal(m->fingerprint.bytes[0], 0xC5);
    assert_int_equal(m->fingerprint.bytes[31], 0xB9);
    assert_int_equal(m->n_candidates, 2);
    assert_string_equal(m->candidates[0].addr, "127.0.0.1");
    assert_int_equal(m->candidates[0].port, 40000);
    assert_int_equal(m->candidates[0].priority, 2015363327u);
    assert_string_equal(m->candidates[0].type, "host");
    assert_string_equal(m->candidates[0].tcptype, "");
    assert_string_equal(m->candidates[1].transport, "TCP");
    assert_string_equal(m->candidates[1].tcptype, "active");
    assert_int_equal(m->n_rtpmap, 2);
    assert_string_equal(m->rtpmap[1].encoding, "PCMA");
    assert_int_equal(m->rtpmap[1].clock_rate, 8000);
    assert_int_equal(m->n_extmap, 1);
    assert_int_equal(m->extmap[0].id, 1);
    assert_string_equal(m->extmap[0].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    free(sdp);
}

static void inherits_session_attributes(void **state)
{
    (void)state;
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse((const uint8_t *)session_level, sizeof session_level - 1, sdp),
                     CA_OK);
    assert_int_equal(sdp->n_media, 2);
    assert_string_equal(sdp->media[0].ice_ufrag, "sess");
    assert_true(sdp->media[0].has_fingerprint);
    assert_int_equal(sdp->media[0].fingerprint.bytes[0], 0x6c);
    assert_string_equal(sdp->media[0].fingerprint.hash, "sha-256");
    assert_int_equal(sdp->media[0].setup, CA_SDP_SETUP_PASSIVE);
    assert_true(sdp->media[0].has_crypto);
    assert_string_equal(sdp->media[1].ice_ufrag, "own");
    assert_int_equal(sdp->media[1].setup, CA_SDP_SETUP_ACTIVE);
    assert_true(sdp->media[1].has_fingerprint);
    assert_true(sdp->media[1].cryptex);
    free(sdp);
}

static void expect_malformed(const char *text, unsigned line)
{
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse((const uint8_t *)text, strlen(text), sdp), CA_ERR_MALFORMED);
    assert_int_equal(sdp->error_line, line);
    assert_non_null(sdp->error);
    free(sdp);
}

static void refuses_malformed(void **state)
{
    (void)state;
    expect_malformed("", 1);
    expect_malformed("hello\r\n", 1);
    expect_malformed("v=1\r\nm=audio 9 RTP/AVP 0\r\n", 1);
    expect_malformed("v=0\r\n", 1); /* no media */
    expect_malformed("v=0\r\nm=audio 99999 RTP/AVP 0\r\n", 2);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP\r\n", 2);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256 C5:08:0\r\n", 3);
    /* sha-256 names 32 bytes; 2 is a lie */
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256 C5:08\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=setup:sideways\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 UDP x 1.2.3.4 5 typ host\r\n",
                     3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 UDP 1 1.2.3.4 5 type host\r\n",
                     3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:200 X/8000\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\nX=1\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=ice-ufrag:a\x01z\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:256 urn:x\r\n", 3);
    expect_malformed("v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:4294967296 cname:x\r\n", 3);
    /* RFC 8839 bounds the ufrag: a longer one is refused, not cut */
    char *long_ufrag = malloc(400);
    assert_non_null(long_ufrag);
    int n = snprintf(long_ufrag, 400, "v=0\r\nm=audio 9 RTP/AVP 0\r\na=ice-ufrag:");
    memset(long_ufrag + n, 'u', CA_SDP_ICE_CRED_LEN + 1);
    strcpy(long_ufrag + n + CA_SDP_ICE_CRED_LEN + 1, "\r\n");
    expect_malformed(long_ufrag, 3);
    free(long_ufrag);
}

static void counts_candidates_beyond_the_cap(void **state)
{
    (void)state;
    char *text = malloc(8192);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, 8192, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n");
    for (int i = 0; i < CA_SDP_MAX_CANDIDATES + 3; i++)
        n += (size_t)snprintf(text + n, 8192 - n,
                              "a=candidate:%d 1 UDP 1 192.0.2.1 %d typ host\r\n", i, 1000 + i);
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse((const uint8_t *)text, n, sdp), CA_OK);
    assert_int_equal(sdp->media[0].n_candidates, CA_SDP_MAX_CANDIDATES);
    assert_int_equal(sdp->left_out.candidates, 3);
    assert_int_equal(sdp->left_out.first_line, 3 + CA_SDP_MAX_CANDIDATES);
    char text_out[64];
    ca_sdp_left_out_text(sdp, text_out, sizeof text_out);
    assert_string_equal(text_out, "3 candidates");
    free(sdp);
    free(text);
}

static ca_sdp_t *parse_fixture(const char *name)
{
    size_t len = 0;
    uint8_t *text = ca_test_read_fixture(name, &len);
    assert_non_null(text);
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse(text, len, sdp), CA_OK);
    free(text);
    ca_sdp_left_out_t none = {0};
    assert_memory_equal(&sdp->left_out, &none, sizeof none);
    return sdp;
}

/* fixtures/sdp: offers in the shape Chrome, Firefox, GStreamer webrtcbin and
 * SIP phones write them: read whole, nothing left out. */
static void parses_stack_offers(void **state)
{
    (void)state;
    ca_sdp_t *sdp = parse_fixture("sdp/chrome-offer.sdp");
    assert_int_equal(sdp->n_media, 3);
    const ca_sdp_media_t *audio = &sdp->media[0], *video = &sdp->media[1], *app = &sdp->media[2];
    assert_int_equal(audio->n_candidates, 5);
    assert_string_equal(audio->candidates[1].addr, "4c2f7e0d-2f1b-4d5e-a1f4-3e5b1c9d7a21.local");
    assert_string_equal(audio->candidates[3].tcptype, "active");
    assert_string_equal(audio->candidates[4].type, "relay");
    assert_int_equal(audio->n_ssrcs, 1);
    assert_int_equal(audio->ssrcs[0], 1949393024u);
    assert_int_equal(video->n_formats, 27);
    assert_int_equal(video->n_rtpmap, 27);
    assert_int_equal(video->n_extmap, 11);
    assert_int_equal(video->extmap[10].id, 11);
    assert_int_equal(video->n_ssrcs, 2); /* the FID pair, each named twice */
    assert_true(ca_sdp_media_has_ssrc(video, 2309412545u));
    assert_false(ca_sdp_media_has_ssrc(video, 1949393024u));
    assert_string_equal(app->formats[0], "webrtc-datachannel");
    assert_string_equal(app->ice_ufrag, "EsAw");
    free(sdp);

    sdp = parse_fixture("sdp/firefox-offer.sdp");
    assert_int_equal(sdp->n_media, 3);
    assert_int_equal(sdp->media[1].n_formats, 13);
    assert_true(sdp->media[2].has_fingerprint); /* from the session level */
    assert_int_equal(sdp->media[1].extmap[3].id, 6);
    free(sdp);

    sdp = parse_fixture("sdp/gstreamer-offer.sdp");
    assert_int_equal(sdp->n_media, 2);
    assert_string_equal(sdp->media[0].mid, "video0");
    assert_string_equal(sdp->media[0].candidates[2].tcptype, "passive");
    assert_int_equal(sdp->media[1].port, 0);
    free(sdp);

    sdp = parse_fixture("sdp/sip-phone-offer.sdp");
    assert_int_equal(sdp->n_media, 2);
    assert_string_equal(sdp->media[1].proto, "udptl");
    assert_string_equal(sdp->media[1].formats[0], "t38");
    free(sdp);

    sdp = parse_fixture("sdp/asterisk-sdes-offer.sdp"); /* an a=fmtp line of 1366 bytes */
    assert_true(sdp->media[0].has_crypto && sdp->media[1].has_crypto);
    assert_int_equal(sdp->media[1].n_rtpmap, 2);
    free(sdp);
}

/* What does not fit is left out and counted, and the rest still parses. */
static void counts_what_is_left_out(void **state)
{
    (void)state;
    size_t cap = 64 * 1024, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF");
    for (int pt = 0; pt < CA_SDP_MAX_FORMATS + 2; pt++)
        n += (size_t)snprintf(text + n, cap - n, " %d", pt);
    n += (size_t)snprintf(text + n, cap - n, " a-format-name-longer-than-its-field\r\n");
    for (int pt = 0; pt < CA_SDP_MAX_RTPMAP + 1; pt++)
        n += (size_t)snprintf(text + n, cap - n, "a=rtpmap:%d VP8/90000\r\n", pt % 128);
    n +=
        (size_t)snprintf(text + n, cap - n, "a=extmap:4096 urn:ietf:params:rtp-hdrext:toffset\r\n");
    n += (size_t)snprintf(text + n, cap - n, "a=extmap:1 urn:%0200d\r\n", 0);
    for (int i = 0; i < CA_SDP_MAX_SSRCS + 1; i++)
        n += (size_t)snprintf(text + n, cap - n, "a=ssrc:%d cname:x\r\na=ssrc:%d msid:y\r\n", i + 1,
                              i + 1);
    n += (size_t)snprintf(text + n, cap - n, "a=mid:%070d\r\n", 0);
    for (int i = 0; i < CA_SDP_MAX_MEDIA + 1; i++)
        n += (size_t)snprintf(text + n, cap - n, "m=audio 9 RTP/AVP 0\r\na=ice-ufrag:m%d\r\n", i);
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    assert_int_equal(ca_sdp_parse((const uint8_t *)text, n, sdp), CA_OK);
    const ca_sdp_media_t *m = &sdp->media[0];
    assert_int_equal(m->n_formats, CA_SDP_MAX_FORMATS);
    assert_int_equal(sdp->left_out.formats, 3);
    assert_int_equal(sdp->left_out.first_line, 2);
    assert_int_equal(m->n_rtpmap, CA_SDP_MAX_RTPMAP);
    assert_int_equal(sdp->left_out.rtpmap, 1);
    assert_int_equal(m->n_extmap, 0); /* 4096: not on the wire; the long URI left out */
    assert_int_equal(sdp->left_out.extmap, 1);
    assert_int_equal(m->n_ssrcs, CA_SDP_MAX_SSRCS);
    assert_int_equal(sdp->left_out.ssrcs, 2); /* attributes: the 17th source has two */
    assert_string_equal(m->mid, "");
    assert_int_equal(sdp->left_out.values, 1);
    assert_int_equal(sdp->n_media, CA_SDP_MAX_MEDIA);
    assert_int_equal(sdp->left_out.media, 2); /* the first section and 15 more fit */
    /* a section left out takes its attributes with it */
    assert_string_equal(sdp->media[CA_SDP_MAX_MEDIA - 1].ice_ufrag, "m14");
    char said[160];
    ca_sdp_left_out_text(sdp, said, sizeof said);
    assert_string_equal(said, "2 media sections, 3 formats, 1 a=rtpmap, 1 a=extmap, 2 a=ssrc, "
                              "1 value too long");
    ca_sdp_left_out_text(sdp, said, 8); /* cut, still terminated */
    assert_int_equal(strlen(said), 7);
    free(sdp);
    free(text);
}

/* Every prefix of a valid description parses or fails cleanly; run under
 * ASan this proves no read past the given length. The copy is exact-size so
 * an overread lands outside the allocation. */
static void every_prefix_is_safe(void **state)
{
    (void)state;
    ca_sdp_t *sdp = calloc(1, sizeof *sdp);
    assert_non_null(sdp);
    size_t ok = 0;
    for (size_t len = 0; len <= sizeof offer - 1; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, offer, len);
        ca_err_t rc = ca_sdp_parse(copy, len, sdp);
        assert_true(rc == CA_OK || rc == CA_ERR_MALFORMED);
        ok += rc == CA_OK;
        free(copy);
    }
    assert_true(ok > 0);
    free(sdp);
}

static void fingerprint_hex(void **state)
{
    (void)state;
    ca_sdp_fingerprint_t fp;
    assert_int_equal(ca_sdp_parse_fingerprint_hex("0a:FF:10", 8, &fp), CA_OK);
    assert_int_equal(fp.len, 3);
    assert_int_equal(fp.bytes[1], 0xff);
    assert_int_equal(ca_sdp_parse_fingerprint_hex("0a:FF:1", 7, &fp), CA_ERR_TRUNCATED);
    assert_int_equal(ca_sdp_parse_fingerprint_hex("0a-FF", 5, &fp), CA_ERR_MALFORMED);
    assert_int_equal(ca_sdp_parse_fingerprint_hex("zz", 2, &fp), CA_ERR_MALFORMED);
    assert_int_equal(ca_sdp_parse_fingerprint_hex("", 0, &fp), CA_ERR_MALFORMED);
}

int ca_test_sdp(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_offer),         cmocka_unit_test(inherits_session_attributes),
        cmocka_unit_test(refuses_malformed),    cmocka_unit_test(counts_candidates_beyond_the_cap),
        cmocka_unit_test(every_prefix_is_safe), cmocka_unit_test(fingerprint_hex),
        cmocka_unit_test(parses_stack_offers),  cmocka_unit_test(counts_what_is_left_out),
    };
    return cmocka_run_group_tests_name("sdp", tests, NULL, NULL);
}
