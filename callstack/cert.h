/* cert.h - per-call certificates for callstack endpoints.
 *
 * By default every call gets a fresh self-signed ECDSA P-256 certificate, as
 * WebRTC and Teams endpoints do (RFC 8827 6.5: a fresh identity per call is
 * what makes the security code meaningful); --cert/--key pin one instead.
 */
#ifndef CS_CERT_H
#define CS_CERT_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "seccode.h"

typedef struct {
    X509 *x509;     /* owned */
    EVP_PKEY *pkey; /* owned */
    uint8_t thumbprint[CA_SHA256_LEN];
} cs_cert_t;

/* Generate a fresh self-signed ECDSA P-256 certificate. 0 on success. */
int cs_cert_generate(cs_cert_t *cert, char *err, size_t err_size);

/* Load a PEM certificate and its PEM private key. 0 on success. */
int cs_cert_load(cs_cert_t *cert, const char *cert_path, const char *key_path, char *err,
                 size_t err_size);

/* Write the certificate as PEM. 0 on success. */
int cs_cert_write_pem(const cs_cert_t *cert, const char *path);

void cs_cert_free(cs_cert_t *cert);

#endif
