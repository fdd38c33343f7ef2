/* test_audit.c - the audit rules end to end: hand-built frames through the
 * pipeline, then the verdict and findings for each kind of call, including
 * the spec's security code computed from certificates seen on the wire. */
#include <math.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

#include "audit.h"
#include "dtls_build.h"
#include "pipeline.h"

typedef struct {
    ca_pipeline_t *p;
    uint64_t frame;
    ca_audit_t audit;
    uint16_t turn_channel; /* non-zero: every payload goes in TURN ChannelData */
    tb_t transcript;       /* what CertificateVerify signs (RFC 6347 4.2.6) */
    int64_t t0_us;         /* capture time of frame 0 */
} scenario_t;

static void sc_init(scenario_t *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->p = ca_pipeline_new();
    assert_non_null(sc->p);
}

static void sc_free(scenario_t *sc)
{
    ca_audit_free(&sc->audit);
    ca_pipeline_free(sc->p);
}

/* One Ethernet/IPv4/UDP frame between client 192.0.2.1:5000 and server 198.51.100.1:6000. */
static void sc_send(scenario_t *sc, bool from_client, const tb_t *inner)
{
    tb_t f = {.len = 0}, wrapped = {.len = 0};
    const tb_t *payload = inner;
    if (sc->turn_channel) {
        /* RFC 8656 12.4: channel number, length, data, padded to 4 bytes */
        tb_u16(&wrapped, sc->turn_channel);
        tb_u16(&wrapped, (uint32_t)inner->len);
        tb_bytes(&wrapped, inner->data, inner->len);
        tb_fill(&wrapped, 0, (4 - inner->len % 4) % 4);
        payload = &wrapped;
    }
    tb_fill(&f, 0x02, 12);
    tb_u16(&f, 0x0800);
    tb_u8(&f, 0x45);
    tb_u8(&f, 0);
    tb_u16(&f, (uint32_t)(28 + payload->len));
    tb_u32(&f, 0);
    tb_u8(&f, 64);
    tb_u8(&f, 17);
    tb_u16(&f, 0);
    tb_u32(&f, from_client ? 0xc0000201 : 0xc6336401);
    tb_u32(&f, from_client ? 0xc6336401 : 0xc0000201);
    tb_u16(&f, from_client ? 5000 : 6000);
    tb_u16(&f, from_client ? 6000 : 5000);
    tb_u16(&f, (uint32_t)(8 + payload->len));
    tb_u16(&f, 0);
    tb_bytes(&f, payload->data, payload->len);
    sc->frame++;
    ca_pipeline_frame(sc->p, 1 /* DLT_EN10MB */, sc->frame, sc->t0_us + (int64_t)sc->frame * 20000,
                      f.data, (uint32_t)f.len, (uint32_t)f.len);
}

static void sc_handshake_msg(scenario_t *sc, bool from_client, uint8_t type, uint16_t seq,
                             const tb_t *body)
{
    tb_t frag = {.len = 0}, rec = {.len = 0};
    hs_fragment(&frag, type, seq, body->data, body->len, 0, body->len);
    record(&rec, CA_DTLS_CT_HANDSHAKE, 0, seq, &frag);
    sc_send(sc, from_client, &rec);
    if (type != CA_HS_CERTIFICATE_VERIFY)
        tb_bytes(&sc->transcript, frag.data, frag.len); /* whole message: offset 0, full length */
}

/* A DigitallySigned (ecdsa_secp256r1_sha256) over DATA with FIXTURES/KEY. */
static void sign(tb_t *out, const char *key, const uint8_t *data, size_t len, bool corrupt)
{
    size_t pem_len = 0;
    uint8_t *pem = ca_test_read_fixture(key, &pem_len);
    assert_non_null(pem);
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    assert_non_null(pk);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t sig[256];
    size_t sig_len = sizeof sig;
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pk), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, data, len), 1);
    if (corrupt)
        sig[sig_len / 2] ^= 0x01;
    tb_u16(out, 0x0403);
    tb_u16(out, (uint32_t)sig_len);
    tb_bytes(out, sig, sig_len);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    BIO_free(bio);
    free(pem);
}

static void sc_ccs_finished(scenario_t *sc, bool from_client)
{
    tb_t one = {.len = 0}, enc = {.len = 0}, rec = {.len = 0};
    tb_u8(&one, 1);
    tb_fill(&enc, 0x5a, 40);
    record(&rec, CA_DTLS_CT_CCS, 0, 9, &one);
    record(&rec, CA_DTLS_CT_HANDSHAKE, 1, 0, &enc);
    sc_send(sc, from_client, &rec);
}

typedef struct {
    uint16_t profile; /* 0: no use_srtp */
    uint16_t suite;
    const char *client_cert, *server_cert; /* client_cert NULL: the client sends none */
    bool corrupt_ske;                      /* flip a bit of the ServerKeyExchange signature */
} hs_opts_t;

/* fixtures/vectors/NAME.pem -> fixtures/vectors/NAME.key */
static const char *key_of(const char *cert, char *buf, size_t size)
{
    snprintf(buf, size, "%.*s.key", (int)(strlen(cert) - 4), cert);
    return buf;
}

static void sc_handshake(scenario_t *sc, const hs_opts_t *o)
{
    tb_t body, empty = {.len = 0};
    tb_t sder = cert_der(o->server_cert);
    tb_t cder = o->client_cert ? cert_der(o->client_cert) : empty;
    client_hello_body(&body, true);
    sc_handshake_msg(sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    server_hello_body(&body, o->profile, o->suite);
    sc_handshake_msg(sc, false, CA_HS_SERVER_HELLO, 0, &body);
    certificate_body(&body, &sder);
    sc_handshake_msg(sc, false, CA_HS_CERTIFICATE, 1, &body);
    /* ServerKeyExchange: secp256r1 parameters, signed over both randoms (0xaa.., 0xbb..) */
    char key[128];
    tb_t ske = {.len = 0}, signed_data = {.len = 0};
    tb_u8(&ske, 3);
    tb_u16(&ske, 23);
    tb_u8(&ske, 65);
    tb_u8(&ske, 4);
    tb_fill(&ske, 0x42, 64);
    tb_fill(&signed_data, 0xaa, 32);
    tb_fill(&signed_data, 0xbb, 32);
    tb_bytes(&signed_data, ske.data, ske.len);
    sign(&ske, key_of(o->server_cert, key, sizeof key), signed_data.data, signed_data.len,
         o->corrupt_ske);
    sc_handshake_msg(sc, false, CA_HS_SERVER_KEY_EXCHANGE, 2, &ske);
    sc_handshake_msg(sc, false, CA_HS_CERTIFICATE_REQUEST, 3, &empty);
    sc_handshake_msg(sc, false, CA_HS_SERVER_HELLO_DONE, 4, &empty);
    uint16_t seq = 1;
    if (o->client_cert) {
        certificate_body(&body, &cder);
        sc_handshake_msg(sc, true, CA_HS_CERTIFICATE, seq++, &body);
    }
    sc_handshake_msg(sc, true, CA_HS_CLIENT_KEY_EXCHANGE, seq++, &empty);
    if (o->client_cert) {
        tb_t cv = {.len = 0};
        sign(&cv, key_of(o->client_cert, key, sizeof key), sc->transcript.data, sc->transcript.len,
             false);
        sc_handshake_msg(sc, true, CA_HS_CERTIFICATE_VERIFY, seq++, &cv);
    }
    sc_ccs_finished(sc, true);
    sc_ccs_finished(sc, false);
}

/* Payloads that look like ciphertext (xorshift), or like readable Opus
 * (every frame opens with the same TOC byte, 0x78). */
typedef enum { PAYLOAD_CIPHER, PAYLOAD_OPUS_CLEAR } payload_t;

static void sc_rtp_kind(scenario_t *sc, bool from_client, uint32_t ssrc, int n, payload_t kind)
{
    uint32_t x = ssrc * 2654435761u + 1;
    for (int i = 0; i < n; i++) {
        tb_t pkt = {.len = 0};
        tb_u8(&pkt, 0x80);
        tb_u8(&pkt, 111);
        tb_u16(&pkt, (uint32_t)i);
        tb_u32(&pkt, (uint32_t)i * 960);
        tb_u32(&pkt, ssrc);
        for (int k = 0; k < 80; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            tb_u8(&pkt, (k == 0 && kind == PAYLOAD_OPUS_CLEAR) ? 0x78 : x);
        }
        sc_send(sc, from_client, &pkt);
    }
}

static void sc_rtp(scenario_t *sc, bool from_client, uint32_t ssrc, int n)
{
    sc_rtp_kind(sc, from_client, ssrc, n, PAYLOAD_CIPHER);
}

static void sc_audit(scenario_t *sc, const ca_audit_opts_t *opts)
{
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    assert_int_equal(ca_audit_run(ca_pipeline_flows(sc->p), opts ? opts : &none, &sc->audit),
                     CA_OK);
}

static bool has_finding(const ca_call_t *c, const char *id)
{
    for (size_t i = 0; i < c->n_findings; i++)
        if (strcmp(c->findings[i].id, id) == 0)
            return true;
    return false;
}

static const hs_opts_t good = {0x0007, 0xC02B, "vectors/caller.pem", "vectors/callee.pem", false};

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

/* Live: calls are audited as they end. The relay's second leg (same SSRCs,
 * other certificates) ends later; the first leg, reported as a pass, is
 * reported again as an update, now failing MITM_SUSPECTED. */
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

/* A long capture: reported calls are let go of and only their keys kept,
 * for the last WINDOW to 2 x WINDOW of them. Two legs of a relayed call
 * with two calls between them: a window of 2 still pairs them; a window of
 * 1 has forgotten the first leg, and says so in a run finding instead of
 * letting memory grow with the capture. */
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

/* Packets the capture lost, and a capture stopped mid-call: never a pass,
 * and no accusation that rests on something the capture may have lost. */
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

/* NO_DTLS when the capture starts with media, when the flow starts with
 * media long after the capture began, and when it starts with an ICE check. */
static ca_severity_t no_dtls_severity(int64_t capture_began_before_us, bool stun_first)
{
    scenario_t sc;
    sc_init(&sc);
    if (stun_first) {
        tb_t stun = {.len = 0};
        tb_u16(&stun, 0x0001); /* Binding request, no attributes */
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

/* RFC 7983's first-byte rule is for a port known to carry WebRTC; on an
 * arbitrary capture a flow earns "media" or "DTLS" from structure. */
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

/* A stream too short to judge is not vouched for by the call's others: 63
 * readable packets beside two opaque streams once passed. */
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

/* A capture of one direction (asymmetric routing, a filter on one host):
 * the peer's flight and Finished went another way. */
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

/* Two legs with different certificate pairs are one intercepted call only
 * when they carry the same real source at the same time: SSRC 0 (an SFU's
 * placeholder) or legs an hour apart tie nothing together. */
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

/* TURN over TCP (RFC 8656 12.5): STUN messages and ChannelData padded to
 * 4 bytes follow each other on the connection with no framing of their
 * own, several to a segment or split across segments. */
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

/* A ChannelBind of 0x4001 to 203.0.113.5:7000, then N (at most 40)
 * ChannelData messages holding RTP of 93 bytes (padded to 96 on TCP). */
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

/* The server's Finished of a full handshake comes after the client's
 * flight reached it: with that flight missing from the capture (another
 * path), the handshake was not seen, and nothing fails on the hole. */
static void server_finished_shows_the_clients_flight(void **state)
{
    (void)state;
    scenario_t sc;
    sc_init(&sc);
    tb_t body, empty = {.len = 0};
    client_hello_body(&body, true);
    sc_handshake_msg(&sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    server_hello_body(&body, 0x0007, 0xC02B);
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO, 0, &body);
    sc_handshake_msg(&sc, false, CA_HS_SERVER_HELLO_DONE, 1, &empty);
    sc_ccs_finished(&sc, false);
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

/* A flight resent and still unanswered is the stall itself: the 2 s run
 * from when it was first sent, not from its last copy. */
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
    assert_int_equal(no_dtls_severity(0, false), CA_SEV_INCONCLUSIVE);
    assert_int_equal(no_dtls_severity(9000000, false), CA_SEV_INCONCLUSIVE);
    assert_int_equal(no_dtls_severity(11000000, false), CA_SEV_FAIL);
    assert_int_equal(no_dtls_severity(0, true), CA_SEV_FAIL); /* the call began in the capture */
}

int ca_test_audit(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_call_passes_with_the_spec_code),
        cmocka_unit_test(broken_handshakes_fail),
        cmocka_unit_test(media_before_handshake),
        cmocka_unit_test(alert_aborts_handshake),
        cmocka_unit_test(plain_rtp_and_empty_captures),
        cmocka_unit_test(dtls13_is_opaque),
        cmocka_unit_test(turn_channel_call),
        cmocka_unit_test(abbreviated_handshake),
        cmocka_unit_test(readable_media_after_handshake),
        cmocka_unit_test(rtcp_reuse_and_extensions),
        cmocka_unit_test(srtcp_reordering_is_not_framing),
        cmocka_unit_test(calls_settle_as_they_end),
        cmocka_unit_test(handshake_cut_by_the_capture_is_inconclusive),
        cmocka_unit_test(cross_rules_look_back_over_a_window),
        cmocka_unit_test(drops_and_cut_calls_are_inconclusive),
        cmocka_unit_test(capture_that_joined_a_call),
        cmocka_unit_test(only_structure_makes_a_call),
        cmocka_unit_test(every_stream_is_judged),
        cmocka_unit_test(one_direction_is_inconclusive),
        cmocka_unit_test(legs_need_real_sources_at_one_time),
        cmocka_unit_test(turn_over_tcp),
        cmocka_unit_test(server_finished_shows_the_clients_flight),
        cmocka_unit_test(stalled_handshake_is_not_a_cut_capture),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
