/* seccode.c - the call security code, version 1 (shared/spec/security-code.md).
 *
 *   d = SHA-256("callaudit security code v1" || min(fa, fb) || max(fa, fb))
 *   group i (0..3) = big-endian 40-bit d[5i .. 5i+4] mod 100000, 5 digits
 */
#include "seccode.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

static const char seccode_label[] = "callaudit security code v1";

void ca_seccode_from_thumbprints(const uint8_t a[CA_SHA256_LEN], const uint8_t b[CA_SHA256_LEN],
                                 char out[CA_SECCODE_TEXT_LEN])
{
    const uint8_t *lo = memcmp(a, b, CA_SHA256_LEN) <= 0 ? a : b;
    const uint8_t *hi = lo == a ? b : a;
    uint8_t input[sizeof seccode_label - 1 + 2 * CA_SHA256_LEN];
    memcpy(input, seccode_label, sizeof seccode_label - 1);
    memcpy(input + sizeof seccode_label - 1, lo, CA_SHA256_LEN);
    memcpy(input + sizeof seccode_label - 1 + CA_SHA256_LEN, hi, CA_SHA256_LEN);

    uint8_t d[CA_SHA256_LEN];
    unsigned d_len = 0;
    /* EVP_Digest with SHA-256 on a fixed buffer cannot fail short of a broken
     * libcrypto; a zero digest would then still yield a (wrong) code, so
     * treat that as fatal rather than print digits nobody could trust. */
    if (EVP_Digest(input, sizeof input, d, &d_len, EVP_sha256(), NULL) != 1 ||
        d_len != CA_SHA256_LEN) {
        snprintf(out, CA_SECCODE_TEXT_LEN, "%s", "(sha-256 failed)");
        return;
    }
    char *w = out;
    for (size_t g = 0; g < 4; g++) {
        uint64_t n = 0;
        for (size_t i = 0; i < 5; i++)
            n = (n << 8) | d[5 * g + i];
        w += snprintf(w, (size_t)(out + CA_SECCODE_TEXT_LEN - w), g ? " %05u" : "%05u",
                      (unsigned)(n % 100000u));
    }
}

ca_err_t ca_thumbprint_der(const uint8_t *der, size_t der_len, uint8_t out[CA_SHA256_LEN])
{
    unsigned len = 0;
    CA_ENSURE(der != NULL && der_len > 0, CA_ERR_MALFORMED);
    CA_ENSURE(EVP_Digest(der, der_len, out, &len, EVP_sha256(), NULL) == 1, CA_ERR_INTERNAL);
    CA_ENSURE(len == CA_SHA256_LEN, CA_ERR_INTERNAL);
    return CA_OK;
}

ca_err_t ca_seccode_from_der(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                             char out[CA_SECCODE_TEXT_LEN])
{
    uint8_t fa[CA_SHA256_LEN], fb[CA_SHA256_LEN];
    CA_GUARD(ca_thumbprint_der(a, a_len, fa));
    CA_GUARD(ca_thumbprint_der(b, b_len, fb));
    ca_seccode_from_thumbprints(fa, fb, out);
    return CA_OK;
}

void ca_hex_colon(const uint8_t *bytes, size_t len, char *out, size_t out_size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t w = 0;
    if (out_size == 0)
        return;
    for (size_t i = 0; i < len && w + 3 <= out_size; i++) {
        if (i > 0) {
            if (w + 4 > out_size)
                break;
            out[w++] = ':';
        }
        out[w++] = hex[bytes[i] >> 4];
        out[w++] = hex[bytes[i] & 0x0f];
    }
    out[w] = '\0';
}

ca_err_t ca_seccode_parse(const char *typed, char out[CA_SECCODE_TEXT_LEN])
{
    char digits[CA_SECCODE_DIGITS];
    size_t n = 0;
    for (const char *s = typed; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isspace(ch))
            continue;
        CA_ENSURE(isdigit(ch) && n < CA_SECCODE_DIGITS, CA_ERR_MALFORMED);
        digits[n++] = (char)ch;
    }
    CA_ENSURE(n == CA_SECCODE_DIGITS, CA_ERR_MALFORMED);
    /* Whitespace may only separate the four groups, never split one. */
    size_t group_len = 0, groups = 0;
    for (const char *s = typed; *s; s++) {
        if (isspace((unsigned char)*s)) {
            if (group_len % 5 != 0)
                return CA_ERR_MALFORMED;
            continue;
        }
        group_len++;
        if (group_len % 5 == 0)
            groups++;
    }
    CA_ENSURE(groups == 4, CA_ERR_MALFORMED);
    char *w = out;
    for (size_t g = 0; g < 4; g++) {
        if (g)
            *w++ = ' ';
        memcpy(w, digits + 5 * g, 5);
        w += 5;
    }
    *w = '\0';
    return CA_OK;
}
