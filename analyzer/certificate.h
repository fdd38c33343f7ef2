/* certificate.h - a leaf certificate from the wire, read with OpenSSL's
 * ASN.1 decoder: whether it is a well-formed X.509 certificate of exactly
 * its length, its subject, its public key (for the handshake signatures)
 * and a short description of that key. Used by the DTLS tracker
 * (dtls_session.c) for each endpoint's certificate.
 */
#ifndef CA_CERTIFICATE_H
#define CA_CERTIFICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

typedef struct {
    EVP_PKEY *pkey; /* owned (EVP_PKEY_free); NULL if the key cannot be read */
    char subject[256];
    char key[32]; /* "EC P-256", "RSA 2048", ..., "unknown" */
} ca_certificate_t;

/* Read DER[LEN]. False if it is not one certificate of exactly LEN bytes
 * (OUT is then empty); true with OUT filled otherwise, even when the key
 * cannot be read. */
bool ca_certificate_read(const uint8_t *der, size_t len, ca_certificate_t *out);

#endif
