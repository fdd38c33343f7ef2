/* test_audit.c - the audit rules on one call end to end: hand-built frames
 * (scenario.h) through the pipeline, then the verdict and findings for each
 * kind of call, including the spec's security code computed from
 * certificates seen on the wire. test_audit_capture.c has the rules that
 * depend on what the capture saw. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dtls_build.h"
#include "scenario.h"
#include "unit.h"

static void good_call_passes_with_the_spec_code(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_rtp(&sc, false, 0x22222222, 80);
    sc_audit(&sc, NULL);
    assert_int_equal(sc.audit.n_calls, 1);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_int_equal(c->n_findings, 0);
    assert_int_equal(c->verdict, CA_VERDICT_PASS);
    assert_int_equal(c->dtls->ske_signature.status, CA_SIG_VALID);
    assert_int_equal(c->dtls->cv_signature.status, CA_SIG_VALID);
    assert_true(c->have_code);
    assert_string_equal(c->code, "15575 52626 68221 51895");
    assert_int_equal(c->n_streams, 2);
    assert_string_equal(ca_call_stream_dir(c, 0), "c2s");
    assert_int_equal(ca_audit_exit_status(&sc.audit), 0);
    sc_free(&sc);

    /* --expect-code: the same digits pass, others fail */
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 1, 3);
    ca_audit_opts_t o;
    memset(&o, 0, sizeof o);
    o.expect_code = "15575 52626 68221 51896";
    sc_audit(&sc, &o);
    assert_true(has_finding(&sc.audit.calls[0], "CODE_MISMATCH"));
    assert_int_equal(ca_audit_exit_status(&sc.audit), 1);
    sc_free(&sc);
}

static void broken_handshakes_fail(void **state)
{
    (void)state;
    static const struct {
        hs_opts_t o;
        const char *finding;
    } cases[] = {
        {{0, 0xC02B, "vectors/caller.pem", "vectors/callee.pem", false}, "NO_USE_SRTP"},
        {{0x0005, 0xC02B, "vectors/caller.pem", "vectors/callee.pem", false}, "MEDIA_PLAINTEXT"},
        {{0x0007, 0x009C, "vectors/caller.pem", "vectors/callee.pem", false}, "WEAK_CIPHER"},
        {{0x0007, 0xC006, "vectors/caller.pem", "vectors/callee.pem", false}, "WEAK_CIPHER"},
        {{0x0007, 0xC02B, "vectors/caller.pem", "vectors/caller.pem", false}, "SELF_REFLECTION"},
        {{0x0007, 0xC02B, NULL, "vectors/callee.pem", false}, "CERT_MISSING"},
        {{0x0007, 0xC02B, "vectors/caller.pem", "vectors/callee.pem", true}, "SIGNATURE_INVALID"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scenario_t sc;
        sc_init(&sc);
        sc_handshake(&sc, &cases[i].o);
        sc_rtp(&sc, true, 7, 3);
        sc_audit(&sc, NULL);
        const ca_call_t *c = &sc.audit.calls[0];
        if (!has_finding(c, cases[i].finding))
            fail_msg("case %zu: no %s", i, cases[i].finding);
        assert_int_equal(c->verdict, CA_VERDICT_FAIL);
        sc_free(&sc);
    }
}

/* Suites whose key exchange carries no signature (PSK, EC-JPAKE) or that
 * name none (TLS 1.3's): the ServerKeyExchange bytes are not read as a
 * forged signature, and ephemeral ones are not "static key exchange". */
static void unsigned_key_exchanges(void **state)
{
    (void)state;
    static const struct {
        uint16_t suite;
        const char *weak; /* the WEAK_CIPHER message expected, or NULL for none */
    } cases[] = {
        {0xD001, NULL}, /* ECDHE_PSK_WITH_AES_128_GCM_SHA256 */
        {0xC0FF, NULL}, /* ECJPAKE_WITH_AES_128_CCM_8 (Thread, mbed TLS) */
        {0x1301, NULL}, /* TLS_AES_128_GCM_SHA256 in a 1.2 ServerHello */
        {0x00A8, "no forward secrecy (a pre-shared key alone)"}, /* PSK_WITH_AES_128_GCM */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hs_opts_t o = good;
        o.suite = cases[i].suite;
        o.corrupt_ske = true; /* were it read as a signature, it would be invalid */
        scenario_t sc;
        sc_init(&sc);
        sc_handshake(&sc, &o);
        sc_rtp(&sc, true, 7, 3);
        sc_audit(&sc, NULL);
        const ca_call_t *c = &sc.audit.calls[0];
        if (has_finding(c, "SIGNATURE_INVALID") || has_finding(c, "SIGNATURE_UNCHECKED"))
            fail_msg("suite 0x%04x: a signature finding", cases[i].suite);
        assert_int_equal(c->dtls->ske_signature.status, CA_SIG_UNSIGNED);
        bool weak = false;
        for (size_t k = 0; k < c->n_findings; k++)
            if (strcmp(c->findings[k].id, "WEAK_CIPHER") == 0)
                weak = cases[i].weak && strstr(c->findings[k].message, cases[i].weak) != NULL;
        assert_int_equal(weak, cases[i].weak != NULL);
        assert_int_equal(has_finding(c, "WEAK_CIPHER"), cases[i].weak != NULL);
        sc_free(&sc);
    }
}

static void media_before_handshake(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_rtp(&sc, true, 0x33333333, 2); /* frames 1-2 */
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x33333333, 5);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_int_equal(sc.audit.n_calls, 1);
    assert_true(has_finding(c, "MEDIA_BEFORE_HANDSHAKE"));
    for (size_t i = 0; i < c->n_findings; i++)
        if (strcmp(c->findings[i].id, "MEDIA_BEFORE_HANDSHAKE") == 0)
            assert_int_equal(c->findings[i].frame, 1);
    assert_int_equal(c->verdict, CA_VERDICT_FAIL);
    sc_free(&sc);
}

/* The hellos, then nothing: the handshake stopped. If the capture ended
 * right after (cut, or live stopped), nobody can say it failed; if it went
 * on for seconds with no flight sent again, the handshake stalled. */
static void alert_aborts_handshake(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    tb_t body, alert = {.len = 0}, rec = {.len = 0};
    client_hello_body(&body, true);
    sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    server_hello_body(&body, 7, 0xC02B);
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO, 0, &body);
    tb_u8(&alert, 2);
    tb_u8(&alert, 42);
    record(&rec, CA_DTLS_CT_ALERT, 0, 2, &alert);
    sc_send(&sc, true, &rec);
    /* the capture ends at the alert: the alert itself is the evidence */
    ca_audit_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.capture_now_us = ca_pipeline_stats(sc.p)->last_us;
    sc_audit(&sc, &opts);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(has_finding(c, "HANDSHAKE_ALERT"));
    assert_true(has_finding(c, "HANDSHAKE_INCOMPLETE"));
    assert_true(has_finding(c, "NO_MEDIA"));
    assert_false(c->have_code);
    assert_int_equal(c->verdict, CA_VERDICT_FAIL);
    sc_free(&sc);
}

static void plain_rtp_and_empty_captures(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_rtp(&sc, true, 0x44444444, 5);
    sc_audit(&sc, NULL);
    assert_true(has_finding(&sc.audit.calls[0], "NO_DTLS"));
    assert_int_equal(ca_audit_exit_status(&sc.audit), 1);
    sc_free(&sc);
    sc_init(&sc);
    sc_audit(&sc, NULL);
    assert_int_equal(sc.audit.n_calls, 0);
    assert_string_equal(sc.audit.findings[0].id, "NO_CALL");
    assert_int_equal(ca_audit_exit_status(&sc.audit), 1);
    sc_free(&sc);
}

/* A DTLS 1.3 handshake as browsers send it: a ClientHello with a post-quantum
 * key share fragmented over two datagrams, a ServerHello choosing 1.3, then
 * only unified-header ciphertext. Without keys: inconclusive, never a pass,
 * never a finding about certificates it could not see. */
static void dtls13_is_opaque(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    tb_t ch = {.len = 0};
    tb_u16(&ch, CA_DTLS_V12);
    tb_fill(&ch, 0xaa, 32);
    tb_u8(&ch, 0);
    tb_u8(&ch, 0);
    tb_u16(&ch, 2);
    tb_u16(&ch, 0x1301);
    tb_u8(&ch, 1);
    tb_u8(&ch, 0);
    size_t exts = tb_open(&ch, 2);
    tb_u16(&ch, 43); /* supported_versions: 1.3, 1.2 */
    tb_u16(&ch, 5);
    tb_u8(&ch, 4);
    tb_u16(&ch, CA_DTLS_V13);
    tb_u16(&ch, CA_DTLS_V12);
    tb_u16(&ch, 51); /* key_share: X25519MLKEM768, 1216 bytes */
    tb_u16(&ch, 2 + 4 + 1216);
    tb_u16(&ch, 4 + 1216);
    tb_u16(&ch, 0x11EC);
    tb_u16(&ch, 1216);
    tb_fill(&ch, 0x77, 1216);
    tb_u16(&ch, 14); /* use_srtp */
    tb_u16(&ch, 5);
    tb_u16(&ch, 2);
    tb_u16(&ch, 7);
    tb_u8(&ch, 0);
    tb_close(&ch, exts);
    for (size_t off = 0; off < ch.len; off += 800) {
        size_t n = ch.len - off < 800 ? ch.len - off : 800;
        tb_t frag = {.len = 0}, rec = {.len = 0};
        hs_fragment(&frag, CA_HS_CLIENT_HELLO, 0, ch.data, ch.len, off, n);
        record(&rec, CA_DTLS_CT_HANDSHAKE, 0, off / 800, &frag);
        sc_send(&sc, true, &rec);
    }
    tb_t sh = {.len = 0};
    tb_u16(&sh, CA_DTLS_V12);
    tb_fill(&sh, 0xbb, 32);
    tb_u8(&sh, 0);
    tb_u16(&sh, 0x1301);
    tb_u8(&sh, 0);
    exts = tb_open(&sh, 2);
    tb_u16(&sh, 43);
    tb_u16(&sh, 2);
    tb_u16(&sh, CA_DTLS_V13);
    tb_close(&sh, exts);
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO, 0, &sh);
    for (int i = 0; i < 3; i++) {
        tb_t u = {.len = 0};
        tb_u8(&u, 0x2e); /* unified: S, L, epoch 2 */
        tb_u16(&u, (uint32_t)i);
        tb_u16(&u, 300);
        tb_fill(&u, 0x99, 300);
        sc_send(&sc, i != 1, &u);
    }
    sc_rtp(&sc, true, 0x55555555, 80);
    sc_rtp(&sc, false, 0x66666666, 80);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_int_equal(sc.audit.n_calls, 1);
    assert_int_equal(c->dtls->version, CA_DTLS_V13);
    assert_int_equal(c->dtls->client_hello.key_share_groups[0], 0x11EC);
    assert_int_equal(c->dtls->encrypted_records, 3);
    assert_int_equal(c->n_findings, 1);
    assert_string_equal(c->findings[0].id, "DTLS13_OPAQUE");
    assert_false(c->have_code);
    assert_int_equal(c->verdict, CA_VERDICT_INCONCLUSIVE);
    assert_int_equal(ca_audit_exit_status(&sc.audit), 3);
    sc_free(&sc);
}

/* Media relayed through TURN in ChannelData is analysed as the inner flow. */
static void turn_channel_call(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc.turn_channel = 0x4001;
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_rtp(&sc, false, 0x22222222, 80);
    sc_audit(&sc, NULL);
    assert_int_equal(sc.audit.n_calls, 1);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_int_equal(c->flow.channel, 0x4001);
    assert_int_equal(c->verdict, CA_VERDICT_PASS);
    assert_string_equal(c->code, "15575 52626 68221 51895");
    assert_int_equal(c->n_streams, 2);
    sc_free(&sc);
}

/* Resumption (RFC 5246 7.3): the server echoes the session id and finishes
 * first; no certificates, no key exchange, and that is not an order violation. */
static void abbreviated_handshake(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    tb_t ch, sh;
    client_hello_body(&ch, true);
    ch.data[2 + 32] = 4; /* a 4-byte session id: shift the rest */
    memmove(ch.data + 2 + 32 + 1 + 4, ch.data + 2 + 32 + 1, ch.len - 35);
    memset(ch.data + 35, 0x5e, 4);
    ch.len += 4;
    sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &ch);
    server_hello_body(&sh, 7, 0xC02B);
    sh.data[2 + 32] = 4;
    memmove(sh.data + 39, sh.data + 35, sh.len - 35);
    memset(sh.data + 35, 0x5e, 4);
    sh.len += 4;
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO, 0, &sh);
    sc_ccs_finished(&sc, false);
    sc_ccs_finished(&sc, true);
    sc_rtp(&sc, true, 9, 3);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(c->dtls->resumed);
    assert_true(c->dtls->complete);
    assert_int_equal(c->dtls->n_violations, 0);
    assert_false(has_finding(c, "HANDSHAKE_ORDER"));
    assert_false(has_finding(c, "CERT_MISSING"));
    /* no certificates on the wire: no code, so never a pass */
    assert_false(c->have_code);
    assert_int_equal(c->verdict, CA_VERDICT_INCONCLUSIVE);
    sc_free(&sc);
}

/* RTP too short to carry the profile's tag cannot be SRTP: RFC 4733 events
 * (4 bytes) sent in clear on a DTLS-SRTP call are plaintext, however opaque
 * the voice beside them. */
static void payloads_shorter_than_the_tag_are_plain(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 60);
    sc_rtp(&sc, false, 0x22222222, 60);
    for (uint32_t i = 0; i < 12; i++) { /* telephone-event, digit 5, end bit on the last 3 */
        tb_t pkt = {.len = 0};
        tb_u8(&pkt, 0x80);
        tb_u8(&pkt, 101);
        tb_u16(&pkt, 500 + i);
        tb_u32(&pkt, 48000);
        tb_u32(&pkt, 0x33333333);
        tb_u8(&pkt, 5);
        tb_u8(&pkt, i >= 9 ? 0x8a : 0x0a);
        tb_u16(&pkt, 160 * (i + 1));
        sc_send(&sc, true, &pkt);
    }
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    bool named = false;
    for (size_t k = 0; k < c->n_findings; k++)
        named |= strcmp(c->findings[k].id, "MEDIA_PLAINTEXT") == 0 &&
                 strstr(c->findings[k].message, "0x33333333") != NULL &&
                 strstr(c->findings[k].message, "too short") != NULL;
    assert_true(named);
    assert_int_equal(c->verdict, CA_VERDICT_FAIL);
    sc_free(&sc);
}

/* Readable media after a good handshake: MEDIA_PLAINTEXT; too few packets to
 * tell: inconclusive, never a pass. */
static void readable_media_after_handshake(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp_kind(&sc, true, 0x77777777, 100, PAYLOAD_OPUS_CLEAR);
    sc_rtp(&sc, false, 0x88888888, 100);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(has_finding(c, "MEDIA_PLAINTEXT"));
    assert_int_equal(c->verdict, CA_VERDICT_FAIL);
    double stat, p;
    assert_int_equal(ca_opacity_verdict(&c->streams[0].opacity, &stat, &p), CA_OPAQUE_NO);
    assert_int_equal(ca_opacity_verdict(&c->streams[1].opacity, &stat, &p), CA_OPAQUE_YES);
    sc_free(&sc);

    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x77777777, 20);
    sc_audit(&sc, NULL);
    assert_true(has_finding(&sc.audit.calls[0], "MEDIA_OPACITY_UNKNOWN"));
    assert_int_equal(sc.audit.calls[0].verdict, CA_VERDICT_INCONCLUSIVE);
    sc_free(&sc);
}

/* RTCP in clear, SRTCP with E=0, keystream reuse, clear header extensions. */
static void rtcp_reuse_and_extensions(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_handshake(&sc, &good); /* SRTP_AEAD_AES_128_GCM: E||index are the last 4 bytes */
    sc_rtp(&sc, true, 0x11111111, 80);
    tb_t rr = {.len = 0}; /* a plain receiver report: header chain ends exactly */
    tb_u8(&rr, 0x80);
    tb_u8(&rr, 201);
    tb_u16(&rr, 1);
    tb_u32(&rr, 0x99999999);
    sc_send(&sc, false, &rr);
    tb_t srtcp = {.len = 0}; /* SR header, "ciphertext", E=0 index 7 */
    tb_u8(&srtcp, 0x80);
    tb_u8(&srtcp, 200);
    tb_u16(&srtcp, 6);
    tb_u32(&srtcp, 0x11111111);
    tb_fill(&srtcp, 0xa5, 40);
    tb_u32(&srtcp, 7);
    sc_send(&sc, true, &srtcp);
    /* seq 75 again (within the 64-packet window) with another payload */
    tb_t dup = {.len = 0};
    tb_u8(&dup, 0x90); /* with an extension */
    tb_u8(&dup, 111);
    tb_u16(&dup, 75);
    tb_u32(&dup, 0);
    tb_u32(&dup, 0x11111111);
    tb_u16(&dup, 0xBEDE);
    tb_u16(&dup, 1);
    tb_u32(&dup, 0x10ff0000);
    tb_fill(&dup, 0x33, 60);
    sc_send(&sc, true, &dup);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(has_finding(c, "RTCP_PLAINTEXT"));
    assert_true(has_finding(c, "SRTP_KEYSTREAM_REUSE"));
    assert_true(has_finding(c, "HEADER_EXT_CLEAR"));
    assert_int_equal(c->verdict, CA_VERDICT_FAIL);
    sc_free(&sc);
    /* the chi-square tail: df 15 at its 1% point, and far out */
    assert_true(fabs(ca_chi2_upper_tail(30.58, 15) - 0.01) < 0.002);
    assert_true(ca_chi2_upper_tail(200, 15) < 1e-20);
    assert_true(ca_chi2_upper_tail(15, 15) > 0.4);
}

static void sc_srtcp(scenario_t *sc, bool from_client, uint32_t ssrc, uint32_t index)
{
    tb_t srtcp = {.len = 0}; /* SR header, "ciphertext" (V=0 bytes), AEAD tag, E=1 and index */
    tb_u8(&srtcp, 0x80);
    tb_u8(&srtcp, 200);
    tb_u16(&srtcp, 6);
    tb_u32(&srtcp, ssrc);
    tb_fill(&srtcp, 0x00, 36);
    tb_u32(&srtcp, 0x80000000u | index);
    sc_send(sc, from_client, &srtcp);
}

static void srtcp_reordering_is_not_framing(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_rtp(&sc, false, 0x22222222, 80);
    /* the network reorders and duplicates: within the replay window, fine */
    static const uint32_t shuffled[] = {1, 2, 4, 3, 3, 5, 70, 8};
    for (size_t i = 0; i < sizeof shuffled / sizeof shuffled[0]; i++)
        sc_srtcp(&sc, true, 0x11111111, shuffled[i]);
    sc_audit(&sc, NULL);
    assert_false(has_finding(&sc.audit.calls[0], "SRTP_FRAMING"));
    assert_int_equal(sc.audit.calls[0].verdict, CA_VERDICT_PASS);
    sc_free(&sc);
    /* far behind the highest index: these bytes are no SRTCP index */
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_srtcp(&sc, true, 0x11111111, 500);
    sc_srtcp(&sc, true, 0x11111111, 10);
    sc_audit(&sc, NULL);
    assert_true(has_finding(&sc.audit.calls[0], "SRTP_FRAMING"));
    sc_free(&sc);
}

/* Live: calls are audited as they end. The relay's second leg (same SSRCs,
 * other certificates) ends later; the first leg, reported as a pass, is
 * reported again as an update, now failing MITM_SUSPECTED. */
/* A long capture: reported calls are let go of and only their keys kept,
 * for the last WINDOW to 2 x WINDOW of them. Two legs of a relayed call
 * with two calls between them: a window of 2 still pairs them; a window of
 * 1 has forgotten the first leg, and says so in a run finding instead of
 * letting memory grow with the capture. */
/* Packets the capture lost, and a capture stopped mid-call: never a pass,
 * and no accusation that rests on something the capture may have lost. */
/* NO_DTLS when the capture starts with media, when the flow starts with
 * media long after the capture began, and when it starts with an ICE check. */
/* RFC 7983's first-byte rule is for a port known to carry WebRTC; on an
 * arbitrary capture a flow earns "media" or "DTLS" from structure. */
/* A stream too short to judge is not vouched for by the call's others: 63
 * readable packets beside two opaque streams once passed. */
/* A capture of one direction (asymmetric routing, a filter on one host):
 * the peer's flight and Finished went another way. */
/* Two legs with different certificate pairs are one intercepted call only
 * when they carry the same real source at the same time: SSRC 0 (an SFU's
 * placeholder) or legs an hour apart tie nothing together. */
/* TURN over TCP (RFC 8656 12.5): STUN messages and ChannelData padded to
 * 4 bytes follow each other on the connection with no framing of their
 * own, several to a segment or split across segments. */
/* A ChannelBind of 0x4001 to 203.0.113.5:7000, then N (at most 40)
 * ChannelData messages holding RTP of 93 bytes (padded to 96 on TCP). */
/* The server's Finished of a full handshake comes after the client's
 * flight reached it: with that flight missing from the capture (another
 * path), the handshake was not seen, and nothing fails on the hole. */
/* A flight resent and still unanswered is the stall itself: the 2 s run
 * from when it was first sent, not from its last copy. */

int ca_test_audit(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_call_passes_with_the_spec_code),
        cmocka_unit_test(broken_handshakes_fail),
        cmocka_unit_test(unsigned_key_exchanges),
        cmocka_unit_test(media_before_handshake),
        cmocka_unit_test(alert_aborts_handshake),
        cmocka_unit_test(plain_rtp_and_empty_captures),
        cmocka_unit_test(dtls13_is_opaque),
        cmocka_unit_test(turn_channel_call),
        cmocka_unit_test(abbreviated_handshake),
        cmocka_unit_test(readable_media_after_handshake),
        cmocka_unit_test(payloads_shorter_than_the_tag_are_plain),
        cmocka_unit_test(rtcp_reuse_and_extensions),
        cmocka_unit_test(srtcp_reordering_is_not_framing),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
