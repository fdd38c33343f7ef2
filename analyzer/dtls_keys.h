/* dtls_keys.h - what a key log proves about a DTLS 1.2 session: the key
 * block from the master secret (RFC 5246 6.3), both Finished decrypted and
 * their verify_data recomputed (RFC 5246 7.4.9, over the DTLS handshake
 * hash of RFC 6347 4.2.6), and the SRTP master keys the endpoints exported
 * (RFC 5764 4.2, label EXTRACTOR-dtls_srtp). The PRF and ciphers are
 * OpenSSL's; this file only says which bytes go where.
 */
#ifndef CA_DTLS_KEYS_H
#define CA_DTLS_KEYS_H

#include <openssl/core.h>

#include "dtls_session.h"
#include "keylog.h"

/* Look the session up in KL once both hellos are known: state becomes
 * DERIVED (SRTP keys ready), MISSING or UNSUPPORTED, with the reason. */
void ca_dtls_keys_derive(ca_dtls_session_t *s, const ca_keylog_t *kl);

/* Decrypt and verify both Finished (once both were seen, or at the end with
 * what was seen). Needs DERIVED. */
void ca_dtls_keys_check_finished(ca_dtls_session_t *s);

/* The TLS 1.2 PRF (RFC 5246 5) with DIGEST ("SHA256", "SHA384"): LABEL and
 * SEED (SEED2 appended, may be empty) into OUT. */
CA_MUST_CHECK ca_err_t ca_tls12_prf(const char *digest, const uint8_t *secret, size_t secret_len,
                                    const char *label, const uint8_t *seed, size_t seed_len,
                                    const uint8_t *seed2, size_t seed2_len, uint8_t *out,
                                    size_t out_len);

/* OpenSSL's KDF KDF_NAME ("TLS1-PRF", "HKDF") with PARAMS into OUT. */
CA_MUST_CHECK ca_err_t ca_kdf_derive(const char *kdf_name, const OSSL_PARAM *params, uint8_t *out,
                                     size_t out_len);

/* DIGEST ("SHA256", ...) of A then B (either may be empty) into OUT. */
bool ca_digest2(const char *digest, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                uint8_t *out, unsigned *out_len);

/* SRTP master key and salt lengths of a use_srtp profile; false if unknown. */
bool ca_srtp_profile_lengths(uint16_t profile, size_t *key_len, size_t *salt_len);

#endif
