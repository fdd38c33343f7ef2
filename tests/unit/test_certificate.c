/* test_certificate.c - the certificate reader (analyzer/certificate.c)
 * against OpenSSL's d2i_X509 on the stored vectors and on broken copies:
 * same verdict, subject and key (fuzz_certificate does the same on
 * arbitrary bytes). */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "certificate.h"
#include "unit.h"

/* d2i_X509's view of DER: whether it is one certificate of its length, and its key. */
static bool openssl_reads(const uint8_t *der, size_t len, EVP_PKEY **key)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    bool ok = x && p == der + len;
    *key = NULL;
    if (ok && X509_get0_pubkey(x))
        *key = EVP_PKEY_dup(X509_get0_pubkey(x));
    X509_free(x);
    return ok;
}

static void reads_like_openssl(const char *name, const char *key, const char *subject)
{
    size_t len = 0;
    uint8_t *der = ca_test_cert_der(name, &len);
    ca_certificate_t c;
    EVP_PKEY *theirs = NULL;
    assert_true(openssl_reads(der, len, &theirs));
    assert_true(ca_certificate_read(der, len, &c));
    assert_string_equal(c.key, key);
    assert_string_equal(c.subject, subject);
    assert_non_null(c.pkey);
    assert_int_equal(EVP_PKEY_eq(c.pkey, theirs), 1);
    EVP_PKEY_free(c.pkey);
    EVP_PKEY_free(theirs);
    free(der);
}

static void vectors_read_like_openssl(void **state)
{
    (void)state;
    reads_like_openssl("vectors/caller.pem", "EC P-256", "CN=WebRTC");
    reads_like_openssl("vectors/callee.pem", "EC P-256", "CN=WebRTC");
    reads_like_openssl("vectors/rsa.pem", "RSA 2048", "CN=callee-rsa");
}

/* Cut anywhere or with a byte more, it is not a certificate of its length. */
static void cut_or_padded_is_not_a_certificate(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *der = ca_test_cert_der("vectors/caller.pem", &len);
    uint8_t *padded = malloc(len + 1);
    assert_non_null(padded);
    memcpy(padded, der, len);
    padded[len] = 0;
    ca_certificate_t c;
    for (size_t n = 0; n < len; n++) {
        assert_false(ca_certificate_read(der, n, &c));
        assert_null(c.pkey);
    }
    assert_false(ca_certificate_read(padded, len + 1, &c));
    free(padded);
    free(der);
}

/* A point off the curve: the certificate is well-formed (OpenSSL reads it
 * too) but its key cannot be made, so signatures go unchecked, not valid. */
static void point_off_the_curve_has_no_key(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *der = ca_test_cert_der("vectors/caller.pem", &len);
    static const uint8_t spki_bits[] = {0x03, 0x42, 0x00, 0x04}; /* BIT STRING, uncompressed */
    uint8_t *at = NULL;
    for (size_t i = 0; i + sizeof spki_bits <= len && !at; i++)
        if (memcmp(der + i, spki_bits, sizeof spki_bits) == 0)
            at = der + i + sizeof spki_bits;
    assert_non_null(at);
    at[63] ^= 0x01; /* the last byte of y */
    ca_certificate_t c;
    EVP_PKEY *theirs = NULL;
    assert_true(openssl_reads(der, len, &theirs));
    assert_null(theirs);
    assert_true(ca_certificate_read(der, len, &c));
    assert_null(c.pkey);
    assert_string_equal(c.key, "unknown");
    free(der);
}

int ca_test_certificate(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_read_like_openssl),
        cmocka_unit_test(cut_or_padded_is_not_a_certificate),
        cmocka_unit_test(point_off_the_curve_has_no_key),
    };
    return cmocka_run_group_tests_name("certificate", tests, NULL, NULL);
}
