/* test_sig.c - signature checks off the packet path (analyzer/dtls_sig.c):
 * a check queued to the workers gives what the same check gives inline,
 * owners see their results once they wait, and more checks than the queue
 * holds still all complete (the overflow runs inline). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dtls_sig.h"
#include "unit.h"

#define OWNERS 200 /* more than the queue holds */

/* A DigitallySigned (ecdsa_secp256r1_sha256) over DATA by KEY into OUT; its length. */
static size_t sign(EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t *out, size_t cap)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = cap - 4;
    assert_non_null(ctx);
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, out + 4, &sig_len, data, len), 1);
    EVP_MD_CTX_free(ctx);
    out[0] = 0x04;
    out[1] = 0x03;
    out[2] = (uint8_t)(sig_len >> 8);
    out[3] = (uint8_t)sig_len;
    return sig_len + 4;
}

static void queued_checks_match_inline_ones(void **state)
{
    (void)state;
    assert_true(ca_sig_workers(2) <= 3); /* whatever the machine gives; 0 runs inline */
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(key);
    static uint8_t data[OWNERS][64], sig[OWNERS][80];
    static size_t sig_len[OWNERS];
    static ca_sig_result_t async[OWNERS], inline_[OWNERS];
    static unsigned pending[OWNERS];
    for (size_t i = 0; i < OWNERS; i++) {
        memset(data[i], (int)i, sizeof data[i]);
        sig_len[i] = sign(key, data[i], sizeof data[i], sig[i], sizeof sig[i]);
        if (i % 3 == 1)
            sig[i][sig_len[i] - 1] ^= 0x01; /* a third of them broken */
        if (i % 7 == 2)
            sig_len[i] = 3; /* some malformed */
    }
    for (size_t i = 0; i < OWNERS; i++) {
        ca_sig_start(&pending[i], &async[i], i + 1);
        ca_sig_verify_async(&pending[i], i % 11 == 5 ? NULL : key, true, data[i], sizeof data[i],
                            ca_cursor_make(sig[i], sig_len[i]), &async[i]);
    }
    EVP_PKEY *kept = key;
    EVP_PKEY_up_ref(kept);
    EVP_PKEY_free(key); /* the queued checks hold references of their own */
    for (size_t i = 0; i < OWNERS; i++) {
        inline_[i].frame = i + 1;
        ca_sig_verify(i % 11 == 5 ? NULL : kept, true, data[i], sizeof data[i],
                      ca_cursor_make(sig[i], sig_len[i]), &inline_[i]);
    }
    size_t valid = 0;
    for (size_t i = 0; i < OWNERS; i++) {
        ca_sig_wait(&pending[i]);
        assert_true(ca_sig_idle(&pending[i]));
        assert_int_equal(async[i].status, inline_[i].status);
        assert_int_equal(async[i].frame, i + 1); /* the frame set before stays */
        assert_string_equal(async[i].why, inline_[i].why);
        valid += async[i].status == CA_SIG_VALID;
    }
    /* neither all nor none: the inputs really differ */
    assert_true(valid > OWNERS / 3 && valid < OWNERS);
    EVP_PKEY_free(kept);
}

int ca_test_sig(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queued_checks_match_inline_ones),
    };
    return cmocka_run_group_tests_name("signatures", tests, NULL, NULL);
}
