/* fuzz_certificate.c - differential libFuzzer target for the certificate
 * reader (analyzer/certificate.c): on every input it must agree with
 * OpenSSL's d2i_X509 on whether the bytes are one certificate of exactly
 * their length, and, when they are, on the subject and the public key
 * (both unreadable, or EVP_PKEY_eq). It reads the same structure faster;
 * any difference aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "certificate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void subject_of(X509 *x, char *out, size_t size)
{
    BIO *b = BIO_new(BIO_s_mem());
    out[0] = '\0';
    if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(b, out, (int)size - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    bool theirs = x && p == data + size;
    ca_certificate_t mine;
    bool ours = ca_certificate_read(data, size, &mine);
    if (theirs != ours)
        abort();
    if (ours) {
        char subject[sizeof mine.subject];
        subject_of(x, subject, sizeof subject);
        if (strcmp(subject, mine.subject) != 0)
            abort();
        EVP_PKEY *key = X509_get0_pubkey(x);
        if ((key == NULL) != (mine.pkey == NULL))
            abort();
        if (key && EVP_PKEY_eq(key, mine.pkey) != 1)
            abort();
        EVP_PKEY_free(mine.pkey);
    }
    X509_free(x);
    ERR_clear_error();
    return 0;
}
