/* test_main.c - runs every unit-test group; the exit status is the failure count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "unit.h"

uint8_t *ca_test_read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("CALLAUDIT_FIXTURES");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + used, 1, cap - used, f);
        if (n == 0)
            break;
        used += n;
    }
    fclose(f);
    *len = used;
    return buf;
}

uint8_t *ca_test_cert_der(const char *name, size_t *len)
{
    size_t pem_len = 0;
    uint8_t *pem = ca_test_read_fixture(name, &pem_len);
    assert_non_null(pem);
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    assert_non_null(x);
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    uint8_t *copy = malloc((size_t)n);
    assert_non_null(copy);
    memcpy(copy, der, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(bio);
    free(pem);
    return copy;
}

int main(void)
{
    int failed = 0;
    failed += ca_test_cursor();
    failed += ca_test_seccode();
    failed += ca_test_sdp();
    failed += ca_test_media();
    failed += ca_test_decoders();
    failed += ca_test_dtls();
    failed += ca_test_audit();
    failed += ca_test_audit_capture();
    failed += ca_test_keys();
    failed += ca_test_timeline();
    failed += ca_test_report();
    failed += ca_test_flow();
    failed += ca_test_certificate();
    failed += ca_test_sig();
    return failed == 0 ? 0 : 1;
}
