/* dtls_build.h - hand-built DTLS handshake pieces for the unit tests. */
#ifndef CA_TEST_DTLS_BUILD_H
#define CA_TEST_DTLS_BUILD_H

#include <stdbool.h>
#include <stdlib.h>

#include "builder.h"
#include "dtls.h"
#include "unit.h"

/* A handshake fragment: header + bytes [off, off+n) of BODY. */
static inline void hs_fragment(tb_t *b, uint8_t type, uint16_t seq, const uint8_t *body, size_t len,
                               size_t off, size_t n)
{
    tb_u8(b, type);
    tb_u24(b, (uint32_t)len);
    tb_u16(b, seq);
    tb_u24(b, (uint32_t)off);
    tb_u24(b, (uint32_t)n);
    tb_bytes(b, body + off, n);
}

/* A datagram with one plaintext record holding the given bytes. */
static inline void record(tb_t *d, uint8_t ct, uint16_t epoch, uint64_t seq, const tb_t *payload)
{
    tb_u8(d, ct);
    tb_u16(d, CA_DTLS_V12);
    tb_u16(d, epoch);
    tb_u16(d, (uint32_t)(seq >> 32));
    tb_u32(d, (uint32_t)seq);
    tb_u16(d, (uint32_t)payload->len);
    tb_bytes(d, payload->data, payload->len);
}

static inline void client_hello_body(tb_t *b, bool use_srtp)
{
    b->len = 0;
    tb_u16(b, CA_DTLS_V12);
    tb_fill(b, 0xaa, 32);
    tb_u8(b, 0); /* session id */
    tb_u8(b, 0); /* cookie */
    tb_u16(b, 4);
    tb_u16(b, 0xC02B);
    tb_u16(b, 0xC02F);
    tb_u8(b, 1);
    tb_u8(b, 0);
    size_t exts = tb_open(b, 2);
    tb_u16(b, 10); /* supported_groups */
    tb_u16(b, 6);
    tb_u16(b, 4);
    tb_u16(b, 29);
    tb_u16(b, 23);
    if (use_srtp) {
        tb_u16(b, 14);
        tb_u16(b, 7);
        tb_u16(b, 4);
        tb_u16(b, 0x0007);
        tb_u16(b, 0x0001);
        tb_u8(b, 0);
    }
    tb_u16(b, 23); /* extended_master_secret */
    tb_u16(b, 0);
    tb_close(b, exts);
}

static inline void server_hello_body(tb_t *b, uint16_t profile, uint16_t suite)
{
    b->len = 0;
    tb_u16(b, CA_DTLS_V12);
    tb_fill(b, 0xbb, 32);
    tb_u8(b, 0);
    tb_u16(b, suite);
    tb_u8(b, 0);
    size_t exts = tb_open(b, 2);
    if (profile) {
        tb_u16(b, 14);
        tb_u16(b, 5);
        tb_u16(b, 2);
        tb_u16(b, profile);
        tb_u8(b, 0);
    }
    tb_close(b, exts);
}

static inline tb_t cert_der(const char *name)
{
    tb_t out = {.len = 0};
    size_t n = 0;
    uint8_t *der = ca_test_cert_der(name, &n);
    assert_true(n < sizeof out.data);
    tb_bytes(&out, der, n);
    free(der);
    return out;
}

static inline void certificate_body(tb_t *b, const tb_t *der)
{
    b->len = 0;
    size_t list = tb_open(b, 3);
    tb_u24(b, (uint32_t)der->len);
    tb_bytes(b, der->data, der->len);
    tb_close(b, list);
}

#endif
