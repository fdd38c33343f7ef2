/* seccode.h - the call security code, version 1 (shared/spec/security-code.md).
 *
 * Both callstack endpoints and the analyzer compute the code here, from the
 * SHA-256 thumbprints of the two leaf certificates of one DTLS session (the
 * same bytes as SDP's a=fingerprint:sha-256), so they print the same digits.
 */
#ifndef CA_SECCODE_H
#define CA_SECCODE_H

#include <stddef.h>
#include <stdint.h>

#include "ca_error.h"

#define CA_SHA256_LEN     32
#define CA_SECCODE_DIGITS 20
/* "NNNNN NNNNN NNNNN NNNNN" plus the terminator */
#define CA_SECCODE_TEXT_LEN 24
/* "AA:BB:...": 32 pairs, 31 colons, terminator */
#define CA_THUMBPRINT_TEXT_LEN (CA_SHA256_LEN * 3)

/* The code of two thumbprints; order of A and B does not matter. */
void ca_seccode_from_thumbprints(const uint8_t a[CA_SHA256_LEN], const uint8_t b[CA_SHA256_LEN],
                                 char out[CA_SECCODE_TEXT_LEN]);

/* SHA-256 of a DER certificate. */
CA_MUST_CHECK ca_err_t ca_thumbprint_der(const uint8_t *der, size_t der_len,
                                         uint8_t out[CA_SHA256_LEN]);

/* The code of two DER leaf certificates. */
CA_MUST_CHECK ca_err_t ca_seccode_from_der(const uint8_t *a, size_t a_len, const uint8_t *b,
                                           size_t b_len, char out[CA_SECCODE_TEXT_LEN]);

/* Upper-case hex with colons, as in SDP (RFC 8122). LEN <= 64. */
void ca_hex_colon(const uint8_t *bytes, size_t len, char *out, size_t out_size);

/* Normalise a code a person typed: 20 digits, any whitespace or none between
 * groups. Writes the canonical display form. CA_ERR_MALFORMED otherwise. */
CA_MUST_CHECK ca_err_t ca_seccode_parse(const char *typed, char out[CA_SECCODE_TEXT_LEN]);

#endif
