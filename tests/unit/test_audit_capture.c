/* test_audit_capture.c - the audit as the capture sees calls: calls settled
 * as they end, captures that join late, drop packets or see one direction,
 * handshakes stalled or cut, flows that must earn "media" from structure,
 * rules across calls over a window, TURN over TCP. Calls are built frame by
 * frame (scenario.h). */
#include <stdio.h>
#include <string.h>

#include "dtls_build.h"
#include "scenario.h"
#include "unit.h"

static ca_verdict_t hellos_only(int64_t capture_goes_on_us, ca_severity_t *severity)
{
    scenario_t sc;
    sc_init(&sc);
    tb_t body;
    client_hello_body(&body, true);
    sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    server_hello_body(&body, 7, 0xC02B);
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO, 0, &body);
    ca_audit_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.capture_now_us = ca_pipeline_stats(sc.p)->last_us + capture_goes_on_us;
    sc_audit(&sc, &opts);
    const ca_call_t *c = &sc.audit.calls[0];
    *severity = CA_SEV_WARN;
    for (size_t i = 0; i < c->n_findings; i++)
        if (strcmp(c->findings[i].id, "HANDSHAKE_INCOMPLETE") == 0)
            *severity = c->findings[i].severity;
    ca_verdict_t v = c->verdict;
    sc_free(&sc);
    return v;
}

static void handshake_cut_by_the_capture_is_inconclusive(void **state)
{
    (void)state;
    ca_severity_t sev;
    assert_int_equal(hellos_only(300000, &sev), CA_VERDICT_INCONCLUSIVE);
    assert_int_equal(sev, CA_SEV_INCONCLUSIVE);
    assert_int_equal(hellos_only(5000000, &sev), CA_VERDICT_FAIL);
    assert_int_equal(sev, CA_SEV_FAIL);
}

typedef struct {
    unsigned ids[8];
    bool updates[8];
    ca_verdict_t verdicts[8];
    size_t n;
} sink_log_t;

static void record_call(void *user, const ca_call_t *call, bool update)
{
    sink_log_t *log = user;
    assert_true(log->n < 8);
    log->ids[log->n] = call->id;
    log->updates[log->n] = update;
    log->verdicts[log->n++] = call->verdict;
}

static void take_all(ca_auditor_t *au, scenario_t *sc)
{
    size_t n = 0;
    ca_flow_t **flows = ca_flow_sorted(ca_pipeline_flows(sc->p), &n);
    assert_non_null(flows);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ca_auditor_take_flow(au, flows[i]), CA_OK);
    free(flows);
}

static void calls_settle_as_they_end(void **state)
{
    (void)state;
    static const hs_opts_t other = {0x0007, 0xC02B, "vectors/rsa.pem", "vectors/callee.pem", false};
    scenario_t leg1, leg2;
    sink_log_t log = {.n = 0};
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    ca_auditor_t *au = ca_auditor_new();
    assert_non_null(au);
    sc_init(&leg1);
    sc_handshake(&leg1, &good);
    sc_rtp(&leg1, true, 0x11111111, 80);
    sc_rtp(&leg1, false, 0x22222222, 80);
    take_all(au, &leg1);
    /* not yet: it ended (at 20 ms a frame) after this moment */
    assert_int_equal(ca_auditor_settle(au, &none, 1000, record_call, &log), CA_OK);
    assert_int_equal(log.n, 0);
    assert_int_equal(ca_auditor_settle(au, &none, INT64_MAX, record_call, &log), CA_OK);
    assert_int_equal(log.n, 1);
    assert_false(log.updates[0]);
    assert_int_equal(log.verdicts[0], CA_VERDICT_PASS);
    sc_init(&leg2);
    sc_handshake(&leg2, &other);
    sc_rtp(&leg2, true, 0x11111111, 80);
    sc_rtp(&leg2, false, 0x22222222, 80);
    take_all(au, &leg2);
    assert_int_equal(ca_auditor_settle(au, &none, INT64_MAX, record_call, &log), CA_OK);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.ids[1], 1); /* the first leg again, now failing */
    assert_true(log.updates[1]);
    assert_int_equal(log.verdicts[1], CA_VERDICT_FAIL);
    assert_int_equal(log.ids[2], 2);
    assert_false(log.updates[2]);
    assert_int_equal(log.verdicts[2], CA_VERDICT_FAIL);
    ca_audit_t audit;
    assert_int_equal(ca_auditor_finish(au, NULL, &none, NULL, NULL, &audit), CA_OK);
    assert_int_equal(audit.n_calls, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_true(has_finding(&audit.calls[i], "MITM_SUSPECTED"));
        size_t mitm = 0; /* said once, though the rules ran twice */
        for (size_t k = 0; k < audit.calls[i].n_findings; k++)
            mitm += strcmp(audit.calls[i].findings[k].id, "MITM_SUSPECTED") == 0;
        assert_int_equal(mitm, 1);
    }
    ca_audit_free(&audit);
    ca_auditor_free(au);
    sc_free(&leg1);
    sc_free(&leg2);
}

static void note_mitm(void *user, const ca_call_t *call, bool update)
{
    (void)update;
    *(bool *)user |= has_finding(call, "MITM_SUSPECTED");
}

static bool legs_paired_with_window(size_t window, uint64_t *forgotten)
{
    static const hs_opts_t other = {0x0007, 0xC02B, "vectors/rsa.pem", "vectors/callee.pem", false};
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    ca_auditor_t *au = ca_auditor_new();
    assert_non_null(au);
    ca_auditor_set_retire(au, true);
    ca_auditor_set_cross_window(au, window);
    scenario_t sc[4];
    bool paired = false;
    for (size_t i = 0; i < 4; i++) {
        sc_init(&sc[i]);
        if (i == 0 || i == 3)
            sc_handshake(&sc[i], i == 0 ? &good : &other);
        uint32_t base = i == 0 || i == 3 ? 0x11111111u : 0x33333333u * (uint32_t)i;
        sc_rtp(&sc[i], true, base, 80);
        sc_rtp(&sc[i], false, base + 1, 80);
        take_all(au, &sc[i]);
        assert_int_equal(ca_auditor_settle(au, &none, INT64_MAX, note_mitm, &paired), CA_OK);
        assert_int_equal(ca_auditor_pending(au), 0); /* written out and let go of */
    }
    ca_audit_t audit;
    assert_int_equal(ca_auditor_finish(au, NULL, &none, NULL, NULL, &audit), CA_OK);
    assert_int_equal(audit.calls_total, 4);
    assert_int_equal(audit.n_calls, 0);
    assert_int_equal(audit.cross_window, window);
    *forgotten = audit.cross_forgotten;
    bool said = false;
    for (size_t i = 0; i < audit.n_findings; i++)
        said |= strcmp(audit.findings[i].id, "CROSS_WINDOW") == 0;
    assert_int_equal(said, *forgotten > 0);
    ca_audit_free(&audit);
    ca_auditor_free(au);
    for (size_t i = 0; i < 4; i++)
        sc_free(&sc[i]);
    return paired;
}

static void cross_rules_look_back_over_a_window(void **state)
{
    (void)state;
    uint64_t forgotten = 0;
    assert_true(legs_paired_with_window(2, &forgotten));
    assert_int_equal(forgotten, 0);
    assert_false(legs_paired_with_window(1, &forgotten));
    assert_int_equal(forgotten, 2); /* the first leg, then the call after it */
}

static void drops_and_cut_calls_are_inconclusive(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_rtp(&sc, true, 0x11111111, 80); /* no handshake seen: lost, or never sent? */
    ca_pipeline_capture_drops(sc.p, 12);
    sc_rtp(&sc, false, 0x22222222, 80);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(has_finding(c, "PACKETS_DROPPED"));
    assert_true(has_finding(c, "NO_DTLS"));
    for (size_t i = 0; i < c->n_findings; i++)
        assert_int_not_equal(c->findings[i].severity, CA_SEV_FAIL);
    assert_int_equal(c->verdict, CA_VERDICT_INCONCLUSIVE);
    sc_free(&sc);
    /* readable media is seen, not missed: still a failure */
    sc_init(&sc);
    ca_pipeline_capture_drops(sc.p, 12);
    sc_rtp_kind(&sc, true, 0x11111111, 80, PAYLOAD_OPUS_CLEAR);
    sc_audit(&sc, NULL);
    assert_true(has_finding(&sc.audit.calls[0], "MEDIA_PLAINTEXT"));
    assert_int_equal(sc.audit.calls[0].verdict, CA_VERDICT_FAIL);
    sc_free(&sc);
    /* a good call cut by the end of a live capture */
    sc_init(&sc);
    sc_handshake(&sc, &good);
    sc_rtp(&sc, true, 0x11111111, 80);
    ca_auditor_t *au = ca_auditor_new();
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    assert_int_equal(ca_auditor_take_in_progress(au, ca_pipeline_flows(sc.p)), CA_OK);
    assert_int_equal(ca_auditor_finish(au, NULL, &none, NULL, NULL, &sc.audit), CA_OK);
    assert_true(sc.audit.calls[0].in_progress);
    assert_true(has_finding(&sc.audit.calls[0], "CALL_IN_PROGRESS"));
    assert_int_equal(sc.audit.calls[0].verdict, CA_VERDICT_INCONCLUSIVE);
    ca_auditor_free(au);
    sc_free(&sc);
}

/* STUN_FIRST: 0 none, else the STUN message type the flow opens with. */
static ca_severity_t no_dtls_severity(int64_t capture_began_before_us, uint16_t stun_first)
{
    scenario_t sc;
    sc_init(&sc);
    if (stun_first) {
        tb_t stun = {.len = 0};
        tb_u16(&stun, stun_first); /* no attributes */
        tb_u16(&stun, 0);
        tb_u32(&stun, 0x2112A442);
        tb_fill(&stun, 0x77, 12);
        sc_send(&sc, true, &stun);
    }
    sc_rtp(&sc, true, 0x11111111, 80);
    ca_audit_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.capture_start_us = ca_pipeline_stats(sc.p)->first_us - capture_began_before_us;
    sc_audit(&sc, &opts);
    ca_severity_t sev = CA_SEV_WARN;
    for (size_t i = 0; i < sc.audit.calls[0].n_findings; i++)
        if (strcmp(sc.audit.calls[0].findings[i].id, "NO_DTLS") == 0)
            sev = sc.audit.calls[0].findings[i].severity;
    sc_free(&sc);
    return sev;
}

static void sc_bytes(scenario_t *sc, bool from_client, const uint8_t *b, size_t n)
{
    tb_t pkt = {.len = 0};
    tb_bytes(&pkt, b, n);
    sc_send(sc, from_client, &pkt);
}

static void only_structure_makes_a_call(void **state)
{
    (void)state;
    scenario_t sc;
    /* DNS queries whose ids fall in RTP's range: flags (the "sequence
     * number") never advance; NTP's 0x23 reads as a DTLS 1.3 header */
    sc_init(&sc);
    for (int i = 0; i < 20; i++) {
        uint8_t dns[] = {(uint8_t)(0x80 + i),
                         (uint8_t)(7 * i),
                         0x01,
                         0x00,
                         0,
                         1,
                         0,
                         0,
                         0,
                         0,
                         0,
                         0,
                         3,
                         'w',
                         'w',
                         'w'};
        uint8_t ntp[48] = {0x23, 0x02, 0x06, 0xe9};
        sc_bytes(&sc, true, dns, sizeof dns);
        sc_bytes(&sc, true, ntp, sizeof ntp);
    }
    sc_audit(&sc, NULL);
    assert_int_equal(sc.audit.n_calls, 0);
    sc_free(&sc);

    /* RTP: three in-order successors are not yet a stream, four are */
    for (int n = 3; n <= 4; n++) {
        sc_init(&sc);
        sc_rtp(&sc, true, 0x1234, n);
        sc_audit(&sc, NULL);
        assert_int_equal(sc.audit.n_calls, n == 4 ? 1 : 0);
        if (n == 4)
            assert_true(has_finding(&sc.audit.calls[0], "NO_DTLS"));
        sc_free(&sc);
    }

    /* one plain receiver report whose length fills the datagram is RTCP */
    sc_init(&sc);
    const uint8_t rr[] = {0x80, 201, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef};
    sc_bytes(&sc, true, rr, sizeof rr);
    sc_audit(&sc, NULL);
    assert_int_equal(sc.audit.n_calls, 1);
    assert_true(has_finding(&sc.audit.calls[0], "RTCP_PLAINTEXT"));
    sc_free(&sc);

    /* a DTLS handshake that offered no use_srtp, with no media: not a call;
     * one that offered it: a call whose media the capture did not show */
    for (int srtp = 0; srtp <= 1; srtp++) {
        sc_init(&sc);
        tb_t body;
        client_hello_body(&body, srtp != 0);
        sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
        sc_audit(&sc, NULL);
        assert_int_equal(sc.audit.n_calls, (size_t)srtp);
        sc_free(&sc);
    }
}

static void every_stream_is_judged(void **state)
{
    (void)state;
    for (int n = 63; n <= 64; n++) {
        scenario_t sc;
        sc_init(&sc);
        sc_handshake(&sc, &good);
        sc_rtp(&sc, true, 0x11111111, 80);
        sc_rtp(&sc, false, 0x22222222, 80);
        sc_rtp_kind(&sc, true, 0x33333333, n, PAYLOAD_OPUS_CLEAR);
        sc_audit(&sc, NULL);
        const ca_call_t *c = &sc.audit.calls[0];
        assert_int_equal(c->verdict, n == 63 ? CA_VERDICT_INCONCLUSIVE : CA_VERDICT_FAIL);
        assert_true(has_finding(c, n == 63 ? "MEDIA_OPACITY_UNKNOWN" : "MEDIA_PLAINTEXT"));
        if (n == 63) {
            bool named = false;
            for (size_t i = 0; i < c->n_findings; i++)
                named |= strstr(c->findings[i].message, "0x33333333") != NULL;
            assert_true(named);
        }
        sc_free(&sc);
    }
}

static void one_direction_is_inconclusive(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    tb_t body;
    client_hello_body(&body, true);
    sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    sc_ccs_finished(&sc, true);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_int_equal(c->verdict, CA_VERDICT_INCONCLUSIVE);
    assert_true(has_finding(c, "ONE_DIRECTION"));
    for (size_t i = 0; i < c->n_findings; i++)
        assert_true(c->findings[i].severity != CA_SEV_FAIL);
    sc_free(&sc);
}

static bool legs_suspected(uint32_t ssrc, int64_t second_leg_at_us)
{
    static const hs_opts_t other = {0x0007, 0xC02B, "vectors/rsa.pem", "vectors/callee.pem", false};
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    ca_auditor_t *au = ca_auditor_new();
    assert_non_null(au);
    scenario_t sc[2];
    bool suspected = false;
    for (size_t i = 0; i < 2; i++) {
        sc_init(&sc[i]);
        sc[i].t0_us = i == 1 ? second_leg_at_us : 0;
        sc_handshake(&sc[i], i == 0 ? &good : &other);
        sc_rtp(&sc[i], true, ssrc, 80);
        sc_rtp(&sc[i], false, 0x22222222u + (uint32_t)i, 80);
        take_all(au, &sc[i]);
    }
    ca_audit_t audit;
    assert_int_equal(ca_auditor_finish(au, NULL, &none, NULL, NULL, &audit), CA_OK);
    for (size_t i = 0; i < audit.n_calls; i++)
        suspected |= has_finding(&audit.calls[i], "MITM_SUSPECTED");
    ca_audit_free(&audit);
    ca_auditor_free(au);
    for (size_t i = 0; i < 2; i++)
        sc_free(&sc[i]);
    return suspected;
}

static void legs_need_real_sources_at_one_time(void **state)
{
    (void)state;
    assert_true(legs_suspected(0x11111111, 0));
    assert_false(legs_suspected(0, 0));
    assert_false(legs_suspected(0x11111111, 3600 * 1000000LL));
}

static void sc_tcp(scenario_t *sc, uint32_t seq, const uint8_t *data, size_t n)
{
    tb_t f = {.len = 0};
    tb_fill(&f, 0x02, 12);
    tb_u16(&f, 0x0800);
    tb_u8(&f, 0x45);
    tb_u8(&f, 0);
    tb_u16(&f, (uint32_t)(40 + n));
    tb_u32(&f, 0);
    tb_u8(&f, 64);
    tb_u8(&f, 6);
    tb_u16(&f, 0);
    tb_u32(&f, 0xc0000201);
    tb_u32(&f, 0xc6336401);
    tb_u16(&f, 5000);
    tb_u16(&f, 3478);
    tb_u32(&f, seq);
    tb_u32(&f, 0);
    tb_u8(&f, 0x50); /* data offset: 5 words */
    tb_u8(&f, 0x18); /* PSH, ACK */
    tb_u16(&f, 65535);
    tb_u32(&f, 0);
    tb_bytes(&f, data, n);
    sc->frame++;
    ca_pipeline_frame(sc->p, 1, sc->frame, (int64_t)sc->frame * 20000, f.data, (uint32_t)f.len,
                      (uint32_t)f.len);
}

static void turn_tcp_stream(tb_t *b, int n)
{
    b->len = 0;
    tb_u16(b, 0x0009);
    tb_u16(b, 20);
    tb_u32(b, 0x2112A442);
    tb_fill(b, 0x77, 12);
    tb_u16(b, 0x000C); /* CHANNEL-NUMBER */
    tb_u16(b, 4);
    tb_u16(b, 0x4001);
    tb_u16(b, 0);
    tb_u16(b, 0x0012); /* XOR-PEER-ADDRESS */
    tb_u16(b, 8);
    tb_u16(b, 0x0001);
    tb_u16(b, 7000 ^ 0x2112);
    tb_u32(b, 0xcb007105u ^ 0x2112A442u);
    for (int i = 0; i < n; i++) {
        tb_u16(b, 0x4001);
        tb_u16(b, 93);
        tb_u8(b, 0x80);
        tb_u8(b, 0);
        tb_u16(b, (uint32_t)i);
        tb_u32(b, (uint32_t)i * 160);
        tb_u32(b, 0x5a5a5a5a);
        tb_fill(b, 0xd5, 81);
        tb_fill(b, 0, 3);
    }
}

static void turn_over_tcp(void **state)
{
    (void)state;
    tb_t b;
    turn_tcp_stream(&b, 38);
    const size_t bind = 20 + 20, msg = 4 + 96;
    for (int lose = 0; lose <= 1; lose++) {
        scenario_t sc;
        sc_init(&sc);
        sc_tcp(&sc, 1000, b.data, bind);
        /* 150-byte segments: messages split across them, two in some; with
         * LOSE, messages 10 to 19 missed by the capture, and one message a
         * segment after them (a reassembler holds a few segments past a
         * hole, then gives up on it and finds the next whole message) */
        size_t at = bind, cut_from = bind + 10 * msg, resume = bind + 20 * msg;
        while (at < b.len) {
            size_t n = b.len - at < 150 ? b.len - at : 150;
            if (lose && at >= cut_from) {
                if (at < resume)
                    at = resume;
                n = msg;
            }
            sc_tcp(&sc, 1000 + (uint32_t)at, b.data + at, n);
            at += n;
        }
        sc_audit(&sc, NULL);
        assert_int_equal(sc.audit.n_calls, 1);
        const ca_call_t *c = &sc.audit.calls[0];
        assert_true(c->flow.relayed);
        assert_int_equal(c->n_streams, 1);
        assert_int_equal(c->streams[0].ssrc, 0x5a5a5a5a);
        if (!lose)
            assert_int_equal(c->streams[0].packets, 38);
        else /* before the gap, and from the resynchronised segment on */
            assert_true(c->streams[0].packets >= 15 && c->streams[0].packets < 28);
        assert_true(has_finding(c, "NO_DTLS"));
        sc_free(&sc);
    }
}

static void server_finished_shows_the_clients_flight(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_without_client_flight(&sc);
    sc_rtp(&sc, false, 0x22222222, 80);
    sc_rtp(&sc, true, 0x11111111, 80);
    sc_audit(&sc, NULL);
    const ca_call_t *c = &sc.audit.calls[0];
    assert_true(has_finding(c, "HANDSHAKE_NOT_SEEN"));
    assert_false(has_finding(c, "MEDIA_BEFORE_HANDSHAKE"));
    assert_false(has_finding(c, "HANDSHAKE_INCOMPLETE"));
    assert_int_equal(c->verdict, CA_VERDICT_INCONCLUSIVE);
    sc_free(&sc);
}

static ca_severity_t client_hello_resent(int copies, int64_t capture_goes_on_us)
{
    scenario_t sc;
    sc_init(&sc);
    tb_t body;
    client_hello_body(&body, true);
    for (int i = 0; i < copies; i++) {
        sc.t0_us = (int64_t)i * 1000000;
        sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    }
    sc_rtp(&sc, false, 0x22222222, 5); /* the peer is there: not one direction */
    ca_audit_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.capture_now_us = ca_pipeline_stats(sc.p)->last_us + capture_goes_on_us;
    sc_audit(&sc, &opts);
    ca_severity_t sev = CA_SEV_WARN;
    const ca_call_t *c = &sc.audit.calls[0];
    for (size_t i = 0; i < c->n_findings; i++)
        if (strcmp(c->findings[i].id, "HANDSHAKE_INCOMPLETE") == 0)
            sev = c->findings[i].severity;
    sc_free(&sc);
    return sev;
}

static void stalled_handshake_is_not_a_cut_capture(void **state)
{
    (void)state;
    assert_int_equal(client_hello_resent(4, 500000), CA_SEV_FAIL);         /* 3.5 s unanswered */
    assert_int_equal(client_hello_resent(1, 500000), CA_SEV_INCONCLUSIVE); /* 0.5 s */
}

static void capture_that_joined_a_call(void **state)
{
    (void)state;
    assert_int_equal(no_dtls_severity(0, 0), CA_SEV_INCONCLUSIVE);
    assert_int_equal(no_dtls_severity(9000000, 0), CA_SEV_INCONCLUSIVE);
    assert_int_equal(no_dtls_severity(11000000, 0), CA_SEV_FAIL);
    /* a Binding request first: the call began in the capture */
    assert_int_equal(no_dtls_severity(0, 0x0001), CA_SEV_FAIL);
    /* a Binding success response first: its request, and what came before, not seen */
    assert_int_equal(no_dtls_severity(0, 0x0101), CA_SEV_INCONCLUSIVE);
    assert_int_equal(no_dtls_severity(11000000, 0x0101), CA_SEV_FAIL);
}

/* Encrypted alerts both ways end a call even when the capture lost the
 * client's flight, so the handshake is never seen to complete: a live
 * capture that dropped packets still settles the call once it falls quiet,
 * instead of holding it until the idle timeout. */
static void goodbye_after_an_unseen_flight_closes(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    sc_without_client_flight(&sc); /* dropped by the kernel */
    sc_rtp(&sc, true, 0x11111111, 20);
    for (int from_client = 0; from_client < 2; from_client++) {
        tb_t alert = {.len = 0}, rec = {.len = 0};
        tb_fill(&alert, 0x3c, 26); /* close_notify under the epoch-1 keys */
        record(&rec, CA_DTLS_CT_ALERT, 1, 5, &alert);
        sc_send(&sc, from_client, &rec);
    }
    size_t n = 0;
    ca_flow_t **flows = ca_flow_sorted(ca_pipeline_flows(sc.p), &n);
    assert_non_null(flows);
    assert_int_equal(n, 1);
    assert_true(flows[0]->closed);
    free(flows);
    sc_free(&sc);
}

int ca_test_audit_capture(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_settle_as_they_end),
        cmocka_unit_test(handshake_cut_by_the_capture_is_inconclusive),
        cmocka_unit_test(cross_rules_look_back_over_a_window),
        cmocka_unit_test(drops_and_cut_calls_are_inconclusive),
        cmocka_unit_test(capture_that_joined_a_call),
        cmocka_unit_test(goodbye_after_an_unseen_flight_closes),
        cmocka_unit_test(only_structure_makes_a_call),
        cmocka_unit_test(every_stream_is_judged),
        cmocka_unit_test(one_direction_is_inconclusive),
        cmocka_unit_test(legs_need_real_sources_at_one_time),
        cmocka_unit_test(turn_over_tcp),
        cmocka_unit_test(server_finished_shows_the_clients_flight),
        cmocka_unit_test(stalled_handshake_is_not_a_cut_capture),
    };
    return cmocka_run_group_tests_name("audit_capture", tests, NULL, NULL);
}
