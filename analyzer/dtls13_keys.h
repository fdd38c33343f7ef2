/* dtls13_keys.h - opening a DTLS 1.3 handshake (RFC 9147) with the TLS 1.3
 * secrets of a key log: the handshake traffic keys (RFC 8446 7.3, labels
 * with the "dtls13" prefix of RFC 9147 5.9), removing the record number
 * encryption (RFC 9147 4.2.3), decrypting the records, checking
 * CertificateVerify and Finished over the transcript (RFC 8446 4.4), and the
 * SRTP keys from the exporter (RFC 8446 7.5, RFC 5764 4.2). The session
 * tracker calls these as records stream by; OpenSSL does the cryptography.
 */
#ifndef CA_DTLS13_KEYS_H
#define CA_DTLS13_KEYS_H

#include "dtls_session.h"
#include "keylog.h"

/* After a DTLS 1.3 ServerHello: derive both sides' handshake keys, or say
 * which secret the key log lacks (keys.state MISSING / UNSUPPORTED). */
void ca_dtls13_start(ca_dtls_session_t *s);

/* Open one unified-header record of sender DIR: HDR/HDR_LEN the header as
 * on the wire, CT/CT_LEN the ciphertext. Writes the plaintext (without the
 * inner content type and padding) to OUT (at least CT_LEN bytes); returns
 * its length and the content type in *TYPE, or -1 (not this epoch's keys,
 * or it does not authenticate). */
int ca_dtls13_open(ca_dtls_session_t *s, ca_dir_t dir, const uint8_t *hdr, size_t hdr_len,
                   const uint8_t *ct, size_t ct_len, uint8_t *out, uint8_t *type);

/* RFC 9147 4.2.3: the sequence number of a unified-header record (HDR: 2
 * to 5 bytes, with 8 or 16 bits of the number, masked) from the first 16
 * bytes of its ciphertext and DIR's sn_key. Writes the header with the
 * number in clear to CLEAR_HDR. Returns 0, or -1. */
int ca_dtls13_record_number(const ca_dtls13_keys_t *k, ca_dir_t dir, const uint8_t *hdr,
                            size_t hdr_len, const uint8_t *sample, uint8_t *clear_hdr,
                            uint64_t *seq);

/* RFC 8446 4.4.3: DIR's CertificateVerify BODY against its certificate,
 * over the transcript so far. */
void ca_dtls13_check_cv(ca_dtls_session_t *s, ca_dir_t dir, uint64_t frame, ca_cursor_t body);

/* RFC 8446 4.4.4: DIR's Finished BODY (verify_data) over the transcript so far. */
void ca_dtls13_check_finished(ca_dtls_session_t *s, ca_dir_t dir, ca_cursor_t body);

/* Once the SRTP profile is known (EncryptedExtensions): the SRTP master
 * keys from EXPORTER_SECRET. */
void ca_dtls13_srtp_keys(ca_dtls_session_t *s);

/* RFC 8446 7.1 HKDF-Expand-Label with PREFIX ("tls13 " or "dtls13"). */
CA_MUST_CHECK ca_err_t ca_hkdf_expand_label(const char *digest, const uint8_t *secret,
                                            size_t secret_len, const char *prefix,
                                            const char *label, const uint8_t *context,
                                            size_t context_len, uint8_t *out, size_t out_len);

#endif
