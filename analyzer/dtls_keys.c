/* dtls_keys.c - DTLS 1.2 sessions opened with a key log; see dtls_keys.h. */
#include "dtls_keys.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

/* The DTLS 1.2 suites DTLS-SRTP endpoints negotiate: AEAD (RFC 5288, 5289,
 * 7905) and, since browsers still offer them for old peers, AES-CBC with
 * HMAC (RFC 5246, 5289), MAC'ed before or after encryption (RFC 7366).
 * PRF: the suite's hash, SHA-256 unless it names SHA-384 (RFC 5246 5).
 * MAC: NULL for AEAD. FIXED_IV: what the key block holds per side (CBC:
 * the block size, unused since TLS 1.1 sends an explicit IV per record). */
typedef struct {
    uint16_t suite;
    const char *cipher, *prf, *mac;
    size_t key_len, fixed_iv_len, explicit_iv_len, mac_len;
} suite_t;

#define GCM(id, bits, prf)                                                                         \
    {                                                                                              \
        id, "AES-" #bits "-GCM", prf, NULL, bits / 8, 4, 8, 0                                      \
    }
#define CHACHA(id)                                                                                 \
    {                                                                                              \
        id, "ChaCha20-Poly1305", "SHA256", NULL, 32, 12, 0, 0                                      \
    }
#define CBC(id, bits, prf, mac, mac_len)                                                           \
    {                                                                                              \
        id, "AES-" #bits "-CBC", prf, mac, bits / 8, 16, 16, mac_len                               \
    }

static const suite_t suites[] = {
    GCM(0xC02B, 128, "SHA256"),               /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    GCM(0xC02F, 128, "SHA256"),               /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    GCM(0x009E, 128, "SHA256"),               /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
    GCM(0x009C, 128, "SHA256"),               /* RSA_WITH_AES_128_GCM_SHA256 */
    GCM(0xC02C, 256, "SHA384"),               /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
    GCM(0xC030, 256, "SHA384"),               /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
    GCM(0x009F, 256, "SHA384"),               /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
    GCM(0x009D, 256, "SHA384"),               /* RSA_WITH_AES_256_GCM_SHA384 */
    CHACHA(0xCCA8),                           /* ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
    CHACHA(0xCCA9),                           /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 */
    CHACHA(0xCCAA),                           /* DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
    CBC(0xC009, 128, "SHA256", "SHA1", 20),   /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
    CBC(0xC00A, 256, "SHA256", "SHA1", 20),   /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA */
    CBC(0xC013, 128, "SHA256", "SHA1", 20),   /* ECDHE_RSA_WITH_AES_128_CBC_SHA */
    CBC(0xC014, 256, "SHA256", "SHA1", 20),   /* ECDHE_RSA_WITH_AES_256_CBC_SHA */
    CBC(0xC023, 128, "SHA256", "SHA256", 32), /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 */
    CBC(0xC024, 256, "SHA384", "SHA384", 48), /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 */
    CBC(0xC027, 128, "SHA256", "SHA256", 32), /* ECDHE_RSA_WITH_AES_128_CBC_SHA256 */
    CBC(0xC028, 256, "SHA384", "SHA384", 48), /* ECDHE_RSA_WITH_AES_256_CBC_SHA384 */
    CBC(0x0033, 128, "SHA256", "SHA1", 20),   /* DHE_RSA_WITH_AES_128_CBC_SHA */
    CBC(0x0039, 256, "SHA256", "SHA1", 20),   /* DHE_RSA_WITH_AES_256_CBC_SHA */
    CBC(0x0067, 128, "SHA256", "SHA256", 32), /* DHE_RSA_WITH_AES_128_CBC_SHA256 */
    CBC(0x006B, 256, "SHA256", "SHA256", 32), /* DHE_RSA_WITH_AES_256_CBC_SHA256 */
    CBC(0x002F, 128, "SHA256", "SHA1", 20),   /* RSA_WITH_AES_128_CBC_SHA */
    CBC(0x0035, 256, "SHA256", "SHA1", 20),   /* RSA_WITH_AES_256_CBC_SHA */
    CBC(0x003C, 128, "SHA256", "SHA256", 32), /* RSA_WITH_AES_128_CBC_SHA256 */
    CBC(0x003D, 256, "SHA256", "SHA256", 32), /* RSA_WITH_AES_256_CBC_SHA256 */
};

#define AEAD_TAG_LEN  16
#define CBC_BLOCK_LEN 16
#define MAX_KEY_BLOCK (2 * (48 + 32 + 16)) /* MAC keys, keys, IVs of both sides */

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
    if (ca_tls12_prf(find_suite(s->cipher_suite)->prf, k->master, 48, "EXTRACTOR-dtls_srtp",
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

/* The 8-byte DTLS sequence number of R: epoch and sequence (RFC 6347 4.1). */
static void record_seq(const ca_dtls_finrec_t *r, uint8_t out[8])
{
    uint64_t seq64 = (uint64_t)r->epoch << 48 | (r->seq & 0xffffffffffffull);
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(seq64 >> (56 - 8 * i));
}

/* seq_num + type + version + length (RFC 5246 6.2.3.1, 6.2.3.3): the MAC's
 * and the AEAD's additional data. */
static void record_header(const ca_dtls_finrec_t *r, uint8_t content_type, size_t len,
                          uint8_t out[13])
{
    record_seq(r, out);
    out[8] = content_type;
    out[9] = (uint8_t)(r->version >> 8);
    out[10] = (uint8_t)r->version;
    out[11] = (uint8_t)(len >> 8);
    out[12] = (uint8_t)len;
}

/* RFC 5246 6.2.3.3 / RFC 7905 2: open one AEAD record into OUT (at least
 * the fragment's length); returns the plaintext length, or -1. */
static int open_aead(const suite_t *su, const uint8_t *key, const uint8_t *iv,
                     const ca_dtls_finrec_t *r, uint8_t content_type, uint8_t *out)
{
    if (r->len < su->explicit_iv_len + AEAD_TAG_LEN)
        return -1;
    size_t plain_len = r->len - su->explicit_iv_len - AEAD_TAG_LEN;
    uint8_t nonce[12], aad[13], seq[8];
    record_seq(r, seq);
    if (su->explicit_iv_len) { /* GCM: fixed 4 bytes + the record's explicit 8 */
        memcpy(nonce, iv, 4);
        memcpy(nonce + 4, r->bytes, 8);
    } else { /* ChaCha20-Poly1305: the IV XOR the 64-bit sequence number */
        memcpy(nonce, iv, 12);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] ^= seq[i];
    }
    record_header(r, content_type, plain_len, aad);
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

/* Whether HMAC(KEY, header of LEN || DATA) equals MAC (MAC_LEN bytes). */
static bool cbc_mac_ok(const suite_t *su, const uint8_t *key, const ca_dtls_finrec_t *r,
                       uint8_t content_type, const uint8_t *data, size_t len, const uint8_t *mac)
{
    uint8_t input[13 + CA_DTLS_FINREC_MAX], out[EVP_MAX_MD_SIZE];
    size_t out_len = 0;
    if (len > CA_DTLS_FINREC_MAX)
        return false;
    record_header(r, content_type, len, input);
    memcpy(input + 13, data, len);
    return EVP_Q_mac(NULL, "HMAC", NULL, su->mac, NULL, key, su->mac_len, input, 13 + len, out,
                     sizeof out, &out_len) != NULL &&
           out_len == su->mac_len && CRYPTO_memcmp(out, mac, su->mac_len) == 0;
}

/* AES-CBC without OpenSSL's padding check: the padding is TLS's own. */
static bool cbc_decrypt(const suite_t *su, const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                        size_t len, uint8_t *out)
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, su->cipher, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    bool ok = cipher && ctx && EVP_DecryptInit_ex2(ctx, cipher, key, iv, NULL) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_DecryptUpdate(ctx, out, &n, in, (int)len) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1 && (size_t)(n + fin) == len;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return ok;
}

/* The length of PLAIN (LEN bytes) without its TLS padding (RFC 5246
 * 6.2.3.2: padding_length + 1 bytes, each of the value padding_length), or
 * -1 when the padding is not TLS's. */
static int cbc_unpad(const uint8_t *plain, size_t len)
{
    if (len == 0)
        return -1;
    size_t pad = plain[len - 1];
    if (pad + 1 > len)
        return -1;
    for (size_t i = len - pad - 1; i < len; i++)
        if (plain[i] != pad)
            return -1;
    return (int)(len - pad - 1);
}

/* RFC 5246 6.2.3.2 (MAC, then encrypt) or RFC 7366 (encrypt, then MAC):
 * open one CBC record into OUT; returns the plaintext length, or -1. */
static int open_cbc(const suite_t *su, const uint8_t *mac_key, const uint8_t *key, bool etm,
                    const ca_dtls_finrec_t *r, uint8_t content_type, uint8_t *out)
{
    size_t body = r->len - (etm ? su->mac_len : 0); /* IV and ciphertext */
    if (r->len < (etm ? su->mac_len : 0) + 2 * CBC_BLOCK_LEN || body % CBC_BLOCK_LEN != 0)
        return -1;
    if (etm && !cbc_mac_ok(su, mac_key, r, content_type, r->bytes, body, r->bytes + body))
        return -1;
    size_t ct_len = body - CBC_BLOCK_LEN;
    if (!cbc_decrypt(su, key, r->bytes, r->bytes + CBC_BLOCK_LEN, ct_len, out))
        return -1;
    int n = cbc_unpad(out, ct_len);
    if (n < 0 || etm)
        return n;
    if ((size_t)n < su->mac_len)
        return -1;
    size_t plain_len = (size_t)n - su->mac_len;
    return cbc_mac_ok(su, mac_key, r, content_type, out, plain_len, out + plain_len)
               ? (int)plain_len
               : -1;
}

/* Decrypt DIR's Finished and compare its verify_data with the PRF over the
 * handshake hash; PRIOR is the other side's Finished message when it came
 * first (it is part of the hash). Returns the plaintext length, or -1. */
static int check_one(ca_dtls_session_t *s, const suite_t *su, const uint8_t *key_block,
                     ca_dir_t dir, const uint8_t *prior, size_t prior_len, uint8_t *plain)
{
    ca_dtls_keys_t *k = &s->keys;
    const ca_dtls_finrec_t *r = &s->finrec[dir];
    size_t ml = su->mac_len, kl = su->key_len, il = su->fixed_iv_len;
    /* key block (RFC 5246 6.3): client and server MAC keys (none for AEAD),
     * client and server keys, client and server IVs */
    const uint8_t *mac_key = key_block + (dir == CA_C2S ? 0 : ml);
    const uint8_t *key = key_block + 2 * ml + (dir == CA_C2S ? 0 : kl);
    const uint8_t *iv = key_block + 2 * ml + 2 * kl + (dir == CA_C2S ? 0 : il);
    int n = su->mac ? open_cbc(su, mac_key, key, s->server_hello.encrypt_then_mac, r,
                               CA_DTLS_CT_HANDSHAKE, plain)
                    : open_aead(su, key, iv, r, CA_DTLS_CT_HANDSHAKE, plain);
    if (n < 0) {
        k->finished[dir] = CA_FIN_INVALID;
        snprintf(k->finished_why[dir], sizeof k->finished_why[dir],
                 "the record does not %s under the logged master secret",
                 su->mac ? "authenticate and decrypt" : "decrypt");
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
    if (!ca_digest2(su->prf, s->transcript, s->transcript_len, prior, prior_len, hash, &hash_len) ||
        ca_tls12_prf(su->prf, k->master, 48, dir == CA_C2S ? "client finished" : "server finished",
                     hash, hash_len, NULL, 0, expect, sizeof expect) != CA_OK) {
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
    if (k->state != CA_KEYS_DERIVED || k->finished_checked || s->version != CA_DTLS_V12)
        return;
    if (!su) { /* the SRTP keys may still be derived: only the records stay shut */
        for (int d = 0; d < 2; d++)
            snprintf(k->finished_why[d], sizeof k->finished_why[d],
                     "records of %s cannot be opened by this build",
                     ca_dtls_cipher_suite_name(s->cipher_suite));
        return;
    }
    if (!s->finrec || !s->finrec[CA_C2S].present || !s->finrec[CA_S2C].present ||
        s->transcript_lost || !s->transcript || ca_dtls_session_gap(s)) {
        for (int d = 0; d < 2; d++)
            snprintf(k->finished_why[d], sizeof k->finished_why[d],
                     "the capture lacks part of the handshake");
        return;
    }
    k->finished_checked = true;
    /* one plaintext buffer per side: a record opens to up to its own length */
    uint8_t block[MAX_KEY_BLOCK], plain[2][CA_DTLS_FINREC_MAX];
    size_t block_len = 2 * (su->mac_len + su->key_len + su->fixed_iv_len);
    if (ca_tls12_prf(su->prf, k->master, 48, "key expansion", s->server_hello.random, 32,
                     s->client_hello.random, 32, block, block_len) != CA_OK)
        return;
    /* The side that sent its Finished first (the client in a full handshake,
     * the server when resuming) hashes the messages before it; the other side
     * hashes that Finished too. */
    ca_dir_t first = s->finished_frame[CA_C2S] <= s->finished_frame[CA_S2C] ? CA_C2S : CA_S2C;
    if (s->resumed)
        first = CA_S2C;
    int n = check_one(s, su, block, first, NULL, 0, plain[0]);
    if (n > 0)
        (void)check_one(s, su, block, first == CA_C2S ? CA_S2C : CA_C2S, plain[0], (size_t)n,
                        plain[1]);
    else
        snprintf(k->finished_why[first ^ 1], sizeof k->finished_why[0],
                 "not checkable: the other Finished is part of its hash");
    OPENSSL_cleanse(block, sizeof block);
}
