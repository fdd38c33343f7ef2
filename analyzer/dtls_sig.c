/* dtls_sig.c - DigitallySigned verification with OpenSSL; see dtls_sig.h.
 *
 *   struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } DigitallySigned;
 */
#include "dtls_sig.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

typedef struct {
    uint16_t scheme;
    const char *digest; /* NULL: the key type signs the message itself (EdDSA) */
    int key_type;       /* EVP_PKEY_EC, EVP_PKEY_RSA, EVP_PKEY_ED25519 */
    int padding;        /* RSA only */
} scheme_t;

static const scheme_t schemes[] = {
    {0x0201, "SHA1", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0203, "SHA1", EVP_PKEY_EC, 0},
    {0x0401, "SHA256", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0403, "SHA256", EVP_PKEY_EC, 0},
    {0x0501, "SHA384", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0503, "SHA384", EVP_PKEY_EC, 0},
    {0x0601, "SHA512", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0603, "SHA512", EVP_PKEY_EC, 0},
    {0x0804, "SHA256", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0805, "SHA384", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0806, "SHA512", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0807, NULL, EVP_PKEY_ED25519, 0},
};

const char *ca_sig_status_name(ca_sig_status_t s)
{
    switch (s) {
    case CA_SIG_NOT_SEEN:
        return "not_seen";
    case CA_SIG_VALID:
        return "valid";
    case CA_SIG_INVALID:
        return "invalid";
    case CA_SIG_UNCHECKED:
        return "unchecked";
    }
    return "?";
}

static void result(ca_sig_result_t *out, ca_sig_status_t status, const char *why)
{
    out->status = status;
    snprintf(out->why, sizeof out->why, "%s", why ? why : "");
}

void ca_sig_verify(EVP_PKEY *key, bool have_cert, const uint8_t *data, size_t data_len,
                   ca_cursor_t sig, ca_sig_result_t *out)
{
    uint16_t scheme, sig_len;
    const uint8_t *sig_bytes;
    if (ca_cursor_u16(&sig, &scheme) != CA_OK || ca_cursor_u16(&sig, &sig_len) != CA_OK ||
        ca_cursor_bytes(&sig, sig_len, &sig_bytes) != CA_OK || ca_cursor_left(&sig) != 0) {
        result(out, CA_SIG_INVALID, "malformed DigitallySigned structure");
        return;
    }
    out->scheme = scheme;
    const scheme_t *sch = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i].scheme == scheme)
            sch = &schemes[i];
    if (!sch) {
        result(out, CA_SIG_UNCHECKED, "signature scheme not supported by the checker");
        return;
    }
    if (!have_cert) {
        result(out, CA_SIG_UNCHECKED, "the signer's certificate is not in the capture");
        return;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (!key || !ctx) {
        result(out, CA_SIG_UNCHECKED, "the certificate's public key cannot be read");
        goto out;
    }
    if (EVP_PKEY_get_base_id(key) != sch->key_type) {
        result(out, CA_SIG_INVALID, "the signature scheme does not fit the certificate's key");
        goto out;
    }
    const EVP_MD *md = sch->digest ? EVP_get_digestbyname(sch->digest) : NULL;
    if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) != 1) {
        result(out, CA_SIG_UNCHECKED, "OpenSSL cannot set up the verification");
        goto out;
    }
    if (sch->key_type == EVP_PKEY_RSA &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, sch->padding) != 1 ||
         (sch->padding == RSA_PKCS1_PSS_PADDING &&
          EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))) {
        result(out, CA_SIG_UNCHECKED, "OpenSSL cannot set the RSA padding");
        goto out;
    }
    if (EVP_DigestVerify(ctx, sig_bytes, sig_len, data, data_len) == 1)
        result(out, CA_SIG_VALID, NULL);
    else
        result(out, CA_SIG_INVALID, "the signature does not verify under the certificate's key");
out:
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a failed check leaves OpenSSL errors queued */
}
