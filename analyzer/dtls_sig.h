/* dtls_sig.h - checking the two signatures of a DTLS 1.2 handshake that need
 * no keys: ServerKeyExchange (RFC 8422 5.4: over client_random,
 * server_random and the ECDHE parameters) under the server certificate, and
 * CertificateVerify (RFC 5246 7.4.8, RFC 6347 4.2.6: over the handshake
 * transcript) under the client certificate. Both valid proves that each
 * endpoint holds the private key of the certificate whose thumbprint went
 * into the security code. OpenSSL does the cryptography.
 */
#ifndef CA_DTLS_SIG_H
#define CA_DTLS_SIG_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include <openssl/types.h>

#include "cursor.h"

typedef enum {
    CA_SIG_NOT_SEEN = 0, /* the message is not in the capture */
    CA_SIG_VALID,
    CA_SIG_INVALID,
    CA_SIG_UNCHECKED, /* present, but could not be checked (see the reason) */
} ca_sig_status_t;

typedef struct {
    ca_sig_status_t status;
    uint16_t scheme; /* TLS SignatureScheme */
    uint64_t frame;
    char why[96]; /* for INVALID and UNCHECKED */
} ca_sig_result_t;

/* KEY: the public key of the signer's leaf certificate (parsed once, when
 * the certificate arrived; NULL: none, HAVE_CERT says whether a certificate
 * was seen at all). DATA: what was signed. SIG: the DigitallySigned
 * structure (scheme, length-prefixed signature). */
void ca_sig_verify(EVP_PKEY *key, bool have_cert, const uint8_t *data, size_t data_len,
                   ca_cursor_t sig, ca_sig_result_t *out);

const char *ca_sig_status_name(ca_sig_status_t s);

#endif
