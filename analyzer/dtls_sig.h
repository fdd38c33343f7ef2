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
    CA_SIG_UNSIGNED,  /* the suite signs no key exchange (PSK, EC-JPAKE): nothing to check */
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

/* Begin R, the result of a message of FRAME whose owner counts its checks
 * in flight in *PENDING: waits for them first, since a check in flight
 * writes its result when done. Every writer of a result starts with it, so
 * one check of an owner is in flight at a time and results land in the
 * order they would inline. */
void ca_sig_start(unsigned *pending, ca_sig_result_t *r, uint64_t frame);
/* ca_sig_verify off the packet path, for a result begun with ca_sig_start:
 * the verification (two per DTLS 1.2 call, each longer than the work on all
 * of a short call's packets) runs on a worker thread while packets go on
 * being read. DATA and SIG are copied and KEY is referenced, so the caller
 * may let go of them at once; *OUT is written when the check is done, and
 * *PENDING goes back down. Read *OUT only after ca_sig_wait(PENDING); free
 * its owner only after it too. With one CPU, or when the queue is full, the
 * check runs inline. */
void ca_sig_verify_async(unsigned *pending, EVP_PKEY *key, bool have_cert, const uint8_t *data,
                         size_t data_len, ca_cursor_t sig, ca_sig_result_t *out);
void ca_sig_wait(const unsigned *pending);
/* Whether none of the owner's checks is in flight (no wait). */
bool ca_sig_idle(const unsigned *pending);
/* Worker threads for ca_sig_verify_async: call before the first check to
 * choose (0: every check inline); otherwise one less than the online CPUs,
 * at most 3, is chosen at the first check. Returns the number in use. */
unsigned ca_sig_workers(int want);

const char *ca_sig_status_name(ca_sig_status_t s);

#endif
