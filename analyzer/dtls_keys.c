/* dtls_keys.c - DTLS 1.2 sessions opened with a key log; see dtls_keys.h. */
#include "dtls_keys.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

/* The AEAD suites DTLS-SRTP endpoints negotiate (RFC 5288, 5289, 7905). */
typedef struct {
    uint16_t suite;
    const char *cipher, *digest;
    size_t key_len, fixed_iv_len, explicit_iv_len;
} suite_t;

static const suite_t suites[] = {
    {0xC02B, "AES-128-GCM", "SHA256", 16, 4, 8},        /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    {0xC02F, "AES-128-GCM", "SHA256", 16, 4, 8},        /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    {0x009E, "AES-128-GCM", "SHA256", 16, 4, 8},        /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
    {0xC02C, "AES-256-GCM", "SHA384", 32, 4, 8},        /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
    {0xC030, "AES-256-GCM", "SHA384", 32, 4, 8},        /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
    {0x009F, "AES-256-GCM", "SHA384", 32, 4, 8},        /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
    {0xCCA8, "ChaCha20-Poly1305", "SHA256", 32, 12, 0}, /* ECDHE_RSA_WITH_CHACHA20_POLY1305 */
    {0xCCA9, "ChaCha20-Poly1305", "SHA256", 32, 12, 0}, /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305 */
};

#define AEAD_TAG_LEN 16

static const suite_t *find_suite(uint16_t id)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].suite == id)
            return &suites[i];
    return NULL;
}

bool ca_srtp_profile_lengths(uint16_t profile, size_t *key_len, size_t *salt_len)
{
    switch (profile) {
    case 0x0001: /* SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 4.1.2) */
    case 0x0002: /* SRTP_AES128_CM_HMAC_SHA1_32 */
        *key_len = 16;
        *salt_len = 14;
        return true;
    case 0x0007: /* SRTP_AEAD_AES_128_GCM (RFC 7714 14.2) */
        *key_len = 16;
        *salt_len = 12;
        return true;
    case 0x0008: /* SRTP_AEAD_AES_256_GCM */
        *key_len = 32;
        *salt_len = 12;
        return true;
    default:
        return false;
    }
}

ca_err_t ca_kdf_derive(const char *kdf_name, const OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, kdf_name, NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    int ok = ctx && EVP_KDF_derive(ctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok ? CA_OK : CA_ERR_INTERNAL;
}

bool ca_digest2(const char *digest, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                uint8_t *out, unsigned *out_len)
{
    EVP_MD *md = EVP_MD_fetch(NULL, digest, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = md && ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
              (a_len == 0 || EVP_DigestUpdate(ctx, a, a_len) == 1) &&
              (b_len == 0 || EVP_DigestUpdate(ctx, b, b_len) == 1) &&
              EVP_DigestFinal_ex(ctx, out, out_len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return ok;
}

ca_err_t ca_tls12_prf(const char *digest, const uint8_t *secret, size_t secret_len,
                      const char *label, const uint8_t *seed, size_t seed_len, const uint8_t *seed2,
                      size_t seed2_len, uint8_t *out, size_t out_len)
{
    uint8_t key[64], full_seed[256];
    char md[16];
    size_t label_len = strlen(label);
    CA_ENSURE(secret_len <= sizeof key && label_len + seed_len + seed2_len <= sizeof full_seed &&
                  strlen(digest) < sizeof md,
              CA_ERR_LIMIT);
    /* OSSL_PARAM wants writable buffers */
    memcpy(key, secret, secret_len);
    memcpy(full_seed, label, label_len);
    if (seed_len)
        memcpy(full_seed + label_len, seed, seed_len);
    if (seed2_len)
        memcpy(full_seed + label_len + seed_len, seed2, seed2_len);
    snprintf(md, sizeof md, "%s", digest);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, key, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full_seed,
                                          label_len + seed_len + seed2_len),
        OSSL_PARAM_construct_end(),
    };
    ca_err_t rc = ca_kdf_derive("TLS1-PRF", params, out, out_len);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

void ca_dtls_keys_derive(ca_dtls_session_t *s, const ca_keylog_t *kl)
{
    ca_dtls_keys_t *k = &s->keys;
    if (k->state != CA_KEYS_NONE || !kl || !s->have_client_hello || !s->have_server_hello)
        return;
    if (s->version == CA_DTLS_V13)
        return; /* opened as it streams by (dtls13_keys.c) */
    const ca_keylog_entry_t *e = ca_keylog_find(kl, s->client_hello.random);
    if (s->version != CA_DTLS_V12) {
        k->state = CA_KEYS_UNSUPPORTED;
        snprintf(k->why, sizeof k->why, "DTLS %s sessions are not opened with key logs yet",
                 ca_dtls_version_name(s->version));
        return;
    }
    char random_hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(random_hex + 2 * i, 3, "%02x", s->client_hello.random[i]);
    if (!e || !e->secret_len[CA_KL_CLIENT_RANDOM]) {
        k->state = CA_KEYS_MISSING;
        snprintf(k->why, sizeof k->why,
                 "the key log has no CLIENT_RANDOM line for client random %s", random_hex);
        return;
    }
    memcpy(k->master, e->secret[CA_KL_CLIENT_RANDOM], 48);
    if (!s->srtp_chosen) {
        k->state = CA_KEYS_DERIVED; /* the Finished can still be checked */
        return;
    }
    if (!ca_srtp_profile_lengths(s->srtp_profile, &k->srtp_key_len, &k->srtp_salt_len) ||
        !find_suite(s->cipher_suite)) {
        k->state = CA_KEYS_UNSUPPORTED;
        snprintf(k->why, sizeof k->why, "%s with %s cannot be keyed by this build",
                 ca_dtls_cipher_suite_name(s->cipher_suite),
                 ca_dtls_srtp_profile_name(s->srtp_profile));
        return;
    }
    /* RFC 5764 4.2: client key, server key, client salt, server salt */
    uint8_t block[2 * (32 + 14)];
    size_t kl_len = k->srtp_key_len, sl = k->srtp_salt_len;
    if (ca_tls12_prf(find_suite(s->cipher_suite)->digest, k->master, 48, "EXTRACTOR-dtls_srtp",
                     s->client_hello.random, 32, s->server_hello.random, 32, block,
                     2 * (kl_len + sl)) != CA_OK) {
        k->state = CA_KEYS_UNSUPPORTED;
        snprintf(k->why, sizeof k->why, "the TLS 1.2 PRF failed (OpenSSL)");
        return;
    }
    memcpy(k->srtp_key[CA_C2S], block, kl_len);
    memcpy(k->srtp_key[CA_S2C], block + kl_len, kl_len);
    memcpy(k->srtp_salt[CA_C2S], block + 2 * kl_len, sl);
    memcpy(k->srtp_salt[CA_S2C], block + 2 * kl_len + sl, sl);
    OPENSSL_cleanse(block, sizeof block);
    k->state = CA_KEYS_DERIVED;
}

/* RFC 5246 6.2.3.3 / RFC 7905 2: open one AEAD record into OUT (at least
 * the fragment's length); returns the plaintext length, or -1. */
static int open_record(const suite_t *su, const uint8_t *key, const uint8_t *iv,
                       const ca_dtls_finrec_t *r, uint8_t content_type, uint8_t *out)
{
    if (r->len < su->explicit_iv_len + AEAD_TAG_LEN)
        return -1;
    size_t plain_len = r->len - su->explicit_iv_len - AEAD_TAG_LEN;
    uint8_t nonce[12], aad[13];
    uint64_t seq64 = (uint64_t)r->epoch << 48 | (r->seq & 0xffffffffffffull);
    if (su->explicit_iv_len) { /* GCM: fixed 4 bytes + the record's explicit 8 */
        memcpy(nonce, iv, 4);
        memcpy(nonce + 4, r->bytes, 8);
    } else { /* ChaCha20-Poly1305: the IV XOR the 64-bit sequence number */
        memcpy(nonce, iv, 12);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] ^= (uint8_t)(seq64 >> (56 - 8 * i));
    }
    for (int i = 0; i < 8; i++)
        aad[i] = (uint8_t)(seq64 >> (56 - 8 * i));
    aad[8] = content_type;
    aad[9] = (uint8_t)(r->version >> 8);
    aad[10] = (uint8_t)r->version;
    aad[11] = (uint8_t)(plain_len >> 8);
    aad[12] = (uint8_t)plain_len;
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, su->cipher, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t tag[AEAD_TAG_LEN];
    memcpy(tag, r->bytes + su->explicit_iv_len + plain_len, AEAD_TAG_LEN);
    int n = 0, fin = 0,
        ok = cipher && ctx && EVP_DecryptInit_ex2(ctx, cipher, NULL, NULL, NULL) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1 &&
             EVP_DecryptInit_ex2(ctx, NULL, key, nonce, NULL) == 1 &&
             EVP_DecryptUpdate(ctx, NULL, &n, aad, sizeof aad) == 1 &&
             EVP_DecryptUpdate(ctx, out, &n, r->bytes + su->explicit_iv_len, (int)plain_len) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG_LEN, tag) == 1 &&
             EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return ok ? (int)plain_len : -1;
}

/* Decrypt DIR's Finished and compare its verify_data with the PRF over the
 * handshake hash; PRIOR is the other side's Finished message when it came
 * first (it is part of the hash). Returns the plaintext length, or -1. */
static int check_one(ca_dtls_session_t *s, const suite_t *su, const uint8_t *key_block,
                     ca_dir_t dir, const uint8_t *prior, size_t prior_len, uint8_t *plain)
{
    ca_dtls_keys_t *k = &s->keys;
    const ca_dtls_finrec_t *r = &s->finrec[dir];
    size_t kl = su->key_len, il = su->fixed_iv_len;
    /* key block (AEAD: no MAC keys): client key, server key, client IV, server IV */
    const uint8_t *key = key_block + (dir == CA_C2S ? 0 : kl);
    const uint8_t *iv = key_block + 2 * kl + (dir == CA_C2S ? 0 : il);
    int n = open_record(su, key, iv, r, CA_DTLS_CT_HANDSHAKE, plain);
    if (n < 0) {
        k->finished[dir] = CA_FIN_INVALID;
        snprintf(k->finished_why[dir], sizeof k->finished_why[dir],
                 "the record does not decrypt under the logged master secret");
        return -1;
    }
    /* a DTLS Finished: 12-byte handshake header, 12 bytes of verify_data */
    if (n != 24 || plain[0] != CA_HS_FINISHED) {
        k->finished[dir] = CA_FIN_INVALID;
        snprintf(k->finished_why[dir], sizeof k->finished_why[dir],
                 "decrypts to a %d-byte message of type %u, not a Finished", n, plain[0]);
        return -1;
    }
    uint8_t hash[64], expect[12];
    unsigned hash_len = 0;
    if (!ca_digest2(su->digest, s->transcript, s->transcript_len, prior, prior_len, hash,
                    &hash_len) ||
        ca_tls12_prf(su->digest, k->master, 48,
                     dir == CA_C2S ? "client finished" : "server finished", hash, hash_len, NULL, 0,
                     expect, sizeof expect) != CA_OK) {
        snprintf(k->finished_why[dir], sizeof k->finished_why[dir], "OpenSSL failed");
        return -1;
    }
    bool same = CRYPTO_memcmp(expect, plain + 12, 12) == 0;
    k->finished[dir] = same ? CA_FIN_VALID : CA_FIN_INVALID;
    if (!same)
        snprintf(k->finished_why[dir], sizeof k->finished_why[dir],
                 "verify_data differs from the PRF over the handshake messages");
    return n;
}

void ca_dtls_keys_check_finished(ca_dtls_session_t *s)
{
    ca_dtls_keys_t *k = &s->keys;
    const suite_t *su = find_suite(s->cipher_suite);
    if (k->state != CA_KEYS_DERIVED || k->finished_checked || !su || s->version != CA_DTLS_V12)
        return;
    if (!s->finrec || !s->finrec[CA_C2S].present || !s->finrec[CA_S2C].present ||
        s->transcript_lost || !s->transcript || ca_dtls_session_gap(s)) {
        for (int d = 0; d < 2; d++)
            snprintf(k->finished_why[d], sizeof k->finished_why[d],
                     "the capture lacks part of the handshake");
        return;
    }
    k->finished_checked = true;
    uint8_t block[2 * (32 + 12)], plain[CA_DTLS_FINREC_MAX];
    size_t block_len = 2 * (su->key_len + su->fixed_iv_len);
    if (ca_tls12_prf(su->digest, k->master, 48, "key expansion", s->server_hello.random, 32,
                     s->client_hello.random, 32, block, block_len) != CA_OK)
        return;
    /* The side that sent its Finished first (the client in a full handshake,
     * the server when resuming) hashes the messages before it; the other side
     * hashes that Finished too. */
    ca_dir_t first = s->finished_frame[CA_C2S] <= s->finished_frame[CA_S2C] ? CA_C2S : CA_S2C;
    if (s->resumed)
        first = CA_S2C;
    int n = check_one(s, su, block, first, NULL, 0, plain);
    if (n > 0)
        (void)check_one(s, su, block, first == CA_C2S ? CA_S2C : CA_C2S, plain, (size_t)n,
                        plain + 32);
    else
        snprintf(k->finished_why[first ^ 1], sizeof k->finished_why[0],
                 "not checkable: the other Finished is part of its hash");
    OPENSSL_cleanse(block, sizeof block);
}
