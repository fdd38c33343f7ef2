/* dtls13_keys.c - DTLS 1.3 opened with a key log; see dtls13_keys.h. */
#include "dtls13_keys.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "dtls_keys.h"
#include "dtls_sig.h"

#define PREFIX  "dtls13" /* RFC 9147 5.9 */
#define TAG_LEN 16

ca_err_t ca_hkdf_expand_label(const char *digest, const uint8_t *secret, size_t secret_len,
                              const char *prefix, const char *label, const uint8_t *context,
                              size_t context_len, uint8_t *out, size_t out_len)
{
    /* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel */
    uint8_t info[2 + 1 + 255 + 1 + 255], key[64];
    char md[16];
    size_t pl = strlen(prefix), ll = strlen(label), n = 0;
    CA_ENSURE(pl + ll <= 255 && context_len <= 255 && secret_len <= sizeof key &&
                  out_len <= 0xffff && strlen(digest) < sizeof md,
              CA_ERR_LIMIT);
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(pl + ll);
    memcpy(info + n, prefix, pl);
    memcpy(info + n + pl, label, ll);
    n += pl + ll;
    info[n++] = (uint8_t)context_len;
    if (context_len)
        memcpy(info + n, context, context_len);
    n += context_len;
    memcpy(key, secret, secret_len);
    snprintf(md, sizeof md, "%s", digest);
    char mode[] = "EXPAND_ONLY";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, mode, 0),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
        OSSL_PARAM_construct_end(),
    };
    ca_err_t rc = ca_kdf_derive("HKDF", params, out, out_len);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

static bool hash(const char *digest, const uint8_t *data, size_t len, uint8_t *out)
{
    unsigned n = 0;
    return ca_digest2(digest, data, len, NULL, 0, out, &n);
}

void ca_dtls13_start(ca_dtls_session_t *s)
{
    ca_dtls13_keys_t *k = &s->k13;
    ca_dtls_keys_t *ks = &s->keys;
    if (!s->keylog || ks->state != CA_KEYS_NONE || !s->have_client_hello)
        return;
    switch (s->cipher_suite) {
    case 0x1301:
        k->cipher = "AES-128-GCM", k->sn_cipher = "AES-128-ECB", k->digest = "SHA256";
        k->key_len = 16, k->hash_len = 32;
        break;
    case 0x1302:
        k->cipher = "AES-256-GCM", k->sn_cipher = "AES-256-ECB", k->digest = "SHA384";
        k->key_len = 32, k->hash_len = 48;
        break;
    case 0x1303:
        k->cipher = "ChaCha20-Poly1305", k->sn_cipher = "ChaCha20", k->digest = "SHA256";
        k->key_len = 32, k->hash_len = 32;
        break;
    default:
        ks->state = CA_KEYS_UNSUPPORTED;
        snprintf(ks->why, sizeof ks->why, "DTLS 1.3 suite %s cannot be opened by this build",
                 ca_dtls_cipher_suite_name(s->cipher_suite));
        return;
    }
    if (s->hello_retry) {
        ks->state = CA_KEYS_UNSUPPORTED;
        snprintf(ks->why, sizeof ks->why,
                 "a HelloRetryRequest transcript is not reconstructed by this build");
        return;
    }
    const ca_keylog_entry_t *e = ca_keylog_find(s->keylog, s->client_hello.random);
    static const ca_kl_label_t need[2] = {CA_KL_CLIENT_HS_TRAFFIC, CA_KL_SERVER_HS_TRAFFIC};
    for (int d = 0; d < 2; d++) {
        if (!e || e->secret_len[need[d]] != k->hash_len) {
            char hex[65];
            for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", s->client_hello.random[i]);
            ks->state = CA_KEYS_MISSING;
            snprintf(ks->why, sizeof ks->why, "the key log has no %s line for client random %s",
                     ca_kl_label_name(need[d]), hex);
            return;
        }
        memcpy(k->secret[d], e->secret[need[d]], k->hash_len);
        if (ca_hkdf_expand_label(k->digest, k->secret[d], k->hash_len, PREFIX, "key", NULL, 0,
                                 k->key[d], k->key_len) != CA_OK ||
            ca_hkdf_expand_label(k->digest, k->secret[d], k->hash_len, PREFIX, "iv", NULL, 0,
                                 k->iv[d], 12) != CA_OK ||
            ca_hkdf_expand_label(k->digest, k->secret[d], k->hash_len, PREFIX, "sn", NULL, 0,
                                 k->sn[d], k->key_len) != CA_OK) {
            ks->state = CA_KEYS_UNSUPPORTED;
            snprintf(ks->why, sizeof ks->why, "HKDF failed (OpenSSL)");
            return;
        }
        k->ready[d] = true;
    }
    if (!e->secret_len[CA_KL_EXPORTER])
        snprintf(k->exporter_missing, sizeof k->exporter_missing,
                 "the key log has no EXPORTER_SECRET line for this session: the SRTP keys are "
                 "unknown");
    ks->state = CA_KEYS_DERIVED;
}

/* RFC 9147 4.2.3: the mask over the sequence number is the cipher of the
 * first 16 bytes of the ciphertext under sn_key. */
static bool sn_mask(const ca_dtls13_keys_t *k, ca_dir_t dir, const uint8_t *sample, uint8_t *mask)
{
    static const uint8_t zeros[16] = {0};
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, k->sn_cipher, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    bool chacha = strcmp(k->sn_cipher, "ChaCha20") == 0;
    /* AES: ECB of the sample; ChaCha20: its keystream with the sample as counter || nonce */
    bool ok = c && ctx &&
              EVP_EncryptInit_ex2(ctx, c, k->sn[dir], chacha ? sample : NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_EncryptUpdate(ctx, mask, &n, chacha ? zeros : sample, 16) == 1;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return ok && n == 16;
}

static bool aead_open(const ca_dtls13_keys_t *k, ca_dir_t dir, const uint8_t *nonce,
                      const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len,
                      uint8_t *out)
{
    size_t plain_len = ct_len - TAG_LEN;
    uint8_t tag[TAG_LEN];
    memcpy(tag, ct + plain_len, TAG_LEN);
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, k->cipher, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    bool ok = c && ctx && EVP_DecryptInit_ex2(ctx, c, NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1 &&
              EVP_DecryptInit_ex2(ctx, NULL, k->key[dir], nonce, NULL) == 1 &&
              EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
              EVP_DecryptUpdate(ctx, out, &n, ct, (int)plain_len) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, tag) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return ok;
}

int ca_dtls13_record_number(const ca_dtls13_keys_t *k, ca_dir_t dir, const uint8_t *hdr,
                            size_t hdr_len, const uint8_t *sample, uint8_t *clear_hdr,
                            uint64_t *seq)
{
    uint8_t mask[16];
    bool seq16 = (hdr[0] & 0x08) != 0;
    if (hdr_len < (seq16 ? 3u : 2u) || hdr_len > 5 || !sn_mask(k, dir, sample, mask))
        return -1;
    memcpy(clear_hdr, hdr, hdr_len);
    clear_hdr[1] ^= mask[0];
    if (seq16)
        clear_hdr[2] ^= mask[1];
    *seq = seq16 ? (uint64_t)(clear_hdr[1] << 8 | clear_hdr[2]) : clear_hdr[1];
    return 0;
}

int ca_dtls13_open(ca_dtls_session_t *s, ca_dir_t dir, const uint8_t *hdr, size_t hdr_len,
                   const uint8_t *ct, size_t ct_len, uint8_t *out, uint8_t *type)
{
    ca_dtls13_keys_t *k = &s->k13;
    if (!k->ready[dir] || hdr_len < 2 || hdr_len > 5 || ct_len < TAG_LEN + 1 || ct_len < 16 ||
        (hdr[0] & 0x03) != 2 /* epoch 2: handshake keys */ || (hdr[0] & 0x10) /* CID */)
        return -1;
    uint8_t aad[5];
    uint64_t seq;
    if (ca_dtls13_record_number(k, dir, hdr, hdr_len, ct, aad, &seq) != 0)
        return -1;
    /* RFC 8446 5.3 / RFC 9147 4: the IV XOR the record's sequence number
     * within its epoch (the epoch is not part of the nonce: keys change with it) */
    uint64_t number = seq;
    uint8_t nonce[12];
    memcpy(nonce, k->iv[dir], 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(number >> (56 - 8 * i));
    /* the AEAD protects the header with the sequence number in clear: the
     * mask is applied after protection */
    if (!aead_open(k, dir, nonce, aad, hdr_len, ct, ct_len, out)) {
        k->failed++;
        return -1;
    }
    k->opened++;
    /* DTLSInnerPlaintext: content, the real type, zero padding */
    size_t n = ct_len - TAG_LEN;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return -1;
    *type = out[n - 1];
    return (int)(n - 1);
}

static bool transcript_hash(const ca_dtls_session_t *s, uint8_t *out)
{
    const ca_dtls13_keys_t *k = &s->k13;
    return k->transcript && hash(k->digest, k->transcript, k->transcript_len, out);
}

void ca_dtls13_check_cv(ca_dtls_session_t *s, ca_dir_t dir, uint64_t frame, ca_cursor_t body)
{
    ca_sig_result_t *r = dir == CA_S2C ? &s->ske_signature : &s->cv_signature;
    const ca_dtls_cert_t *c = &s->cert[dir];
    static const char *const context[2] = {"TLS 1.3, client CertificateVerify",
                                           "TLS 1.3, server CertificateVerify"};
    uint8_t content[64 + 34 + 1 + 64];
    size_t cl = strlen(context[dir]);
    ca_sig_start(&s->sig_pending, r, frame);
    memset(content, 0x20, 64);
    memcpy(content + 64, context[dir], cl);
    content[64 + cl] = 0;
    if (!c->der || !transcript_hash(s, content + 64 + cl + 1)) {
        r->status = CA_SIG_UNCHECKED;
        snprintf(r->why, sizeof r->why, "no certificate or transcript to check it against");
        return;
    }
    ca_sig_verify(c->pkey, true, content, 64 + cl + 1 + s->k13.hash_len, body, r);
}

void ca_dtls13_check_finished(ca_dtls_session_t *s, ca_dir_t dir, ca_cursor_t body)
{
    ca_dtls13_keys_t *k = &s->k13;
    ca_dtls_keys_t *ks = &s->keys;
    uint8_t th[64], finished_key[64], expect[64];
    unsigned n = 0;
    ks->finished_checked = true;
    if (!transcript_hash(s, th) ||
        ca_hkdf_expand_label(k->digest, k->secret[dir], k->hash_len, PREFIX, "finished", NULL, 0,
                             finished_key, k->hash_len) != CA_OK) {
        snprintf(ks->finished_why[dir], sizeof ks->finished_why[dir], "the transcript is lost");
        return;
    }
    const EVP_MD *md = EVP_get_digestbyname(k->digest);
    bool ok = md && HMAC(md, finished_key, (int)k->hash_len, th, k->hash_len, expect, &n) != NULL;
    const uint8_t *got;
    if (!ok || ca_cursor_left(&body) != k->hash_len ||
        ca_cursor_bytes(&body, k->hash_len, &got) != CA_OK ||
        CRYPTO_memcmp(got, expect, k->hash_len) != 0) {
        ks->finished[dir] = CA_FIN_INVALID;
        snprintf(ks->finished_why[dir], sizeof ks->finished_why[dir],
                 "verify_data differs from the HMAC over the handshake transcript");
        return;
    }
    ks->finished[dir] = CA_FIN_VALID;
}

void ca_dtls13_srtp_keys(ca_dtls_session_t *s)
{
    ca_dtls13_keys_t *k = &s->k13;
    ca_dtls_keys_t *ks = &s->keys;
    if (ks->state != CA_KEYS_DERIVED || !s->srtp_chosen || ks->srtp_key_len ||
        k->exporter_missing[0])
        return;
    const ca_keylog_entry_t *e = ca_keylog_find(s->keylog, s->client_hello.random);
    if (!e || e->secret_len[CA_KL_EXPORTER] != k->hash_len ||
        !ca_srtp_profile_lengths(s->srtp_profile, &ks->srtp_key_len, &ks->srtp_salt_len)) {
        ks->srtp_key_len = 0;
        snprintf(k->exporter_missing, sizeof k->exporter_missing,
                 "no EXPORTER_SECRET of the right length, or SRTP profile %s unknown",
                 ca_dtls_srtp_profile_name(s->srtp_profile));
        return;
    }
    /* RFC 8446 7.5: HKDF-Expand-Label(Derive-Secret(exporter, label, ""), "exporter",
     * Hash(context = ""), length) */
    uint8_t empty_hash[64], derived[64], block[2 * (32 + 14)];
    size_t kl = ks->srtp_key_len, sl = ks->srtp_salt_len;
    if (!hash(k->digest, (const uint8_t *)"", 0, empty_hash) ||
        ca_hkdf_expand_label(k->digest, e->secret[CA_KL_EXPORTER], k->hash_len, PREFIX,
                             "EXTRACTOR-dtls_srtp", empty_hash, k->hash_len, derived,
                             k->hash_len) != CA_OK ||
        ca_hkdf_expand_label(k->digest, derived, k->hash_len, PREFIX, "exporter", empty_hash,
                             k->hash_len, block, 2 * (kl + sl)) != CA_OK) {
        ks->srtp_key_len = 0;
        return;
    }
    memcpy(ks->srtp_key[CA_C2S], block, kl);
    memcpy(ks->srtp_key[CA_S2C], block + kl, kl);
    memcpy(ks->srtp_salt[CA_C2S], block + 2 * kl, sl);
    memcpy(ks->srtp_salt[CA_S2C], block + 2 * kl + sl, sl);
    OPENSSL_cleanse(block, sizeof block);
}
