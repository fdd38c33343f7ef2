/* scenario.c - calls built frame by frame for the audit tests; see scenario.h. */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dtls_build.h"
#include "unit.h"

void sc_init(scenario_t *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->p = ca_pipeline_new();
    assert_non_null(sc->p);
}

void sc_free(scenario_t *sc)
{
    ca_audit_free(&sc->audit);
    ca_pipeline_free(sc->p);
}

/* One Ethernet/IPv4/UDP frame between client 192.0.2.1:5000 and server 198.51.100.1:6000. */
void sc_send(scenario_t *sc, bool from_client, const tb_t *inner)
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

void sc_handshake_msg(scenario_t *sc, bool from_client, uint8_t type, uint16_t seq,
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

void sc_ccs_finished(scenario_t *sc, bool from_client)
{
    tb_t one = {.len = 0}, enc = {.len = 0}, rec = {.len = 0};
    tb_u8(&one, 1);
    tb_fill(&enc, 0x5a, 40);
    record(&rec, CA_DTLS_CT_CCS, 0, 9, &one);
    record(&rec, CA_DTLS_CT_HANDSHAKE, 1, 0, &enc);
    sc_send(sc, from_client, &rec);
}

/* fixtures/vectors/NAME.pem -> fixtures/vectors/NAME.key */
static const char *key_of(const char *cert, char *buf, size_t size)
{
    snprintf(buf, size, "%.*s.key", (int)(strlen(cert) - 4), cert);
    return buf;
}

void sc_handshake(scenario_t *sc, const hs_opts_t *o)
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

void sc_rtp_kind(scenario_t *sc, bool from_client, uint32_t ssrc, int n, payload_t kind)
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

void sc_rtp(scenario_t *sc, bool from_client, uint32_t ssrc, int n)
{
    sc_rtp_kind(sc, from_client, ssrc, n, PAYLOAD_CIPHER);
}

void sc_audit(scenario_t *sc, const ca_audit_opts_t *opts)
{
    ca_audit_opts_t none;
    memset(&none, 0, sizeof none);
    assert_int_equal(ca_audit_run(ca_pipeline_flows(sc->p), opts ? opts : &none, &sc->audit),
                     CA_OK);
}

bool has_finding(const ca_call_t *c, const char *id)
{
    for (size_t i = 0; i < c->n_findings; i++)
        if (strcmp(c->findings[i].id, id) == 0)
            return true;
    return false;
}

const hs_opts_t good = {0x0007, 0xC02B, "vectors/caller.pem", "vectors/callee.pem", false};

void sc_without_client_flight(scenario_t *sc)
{
    tb_t body, empty = {.len = 0};
    client_hello_body(&body, true);
    sc_handshake_msg(sc, true, CA_HS_CLIENT_HELLO, 0, &body);
    server_hello_body(&body, 0x0007, 0xC02B);
    sc_handshake_msg(sc, false, CA_HS_SERVER_HELLO, 0, &body);
    sc_handshake_msg(sc, false, CA_HS_SERVER_HELLO_DONE, 1, &empty);
    sc_ccs_finished(sc, false);
}
