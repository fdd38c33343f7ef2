/* srtp_check.h - authenticating (and decrypting) captured SRTP and SRTCP
 * with the keys a DTLS handshake exported, through libsrtp2: one inbound
 * context per direction of a call. A packet that authenticates was made
 * with this handshake's keys and no others.
 */
#ifndef CA_SRTP_CHECK_H
#define CA_SRTP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ca_srtp_check ca_srtp_check_t;

typedef enum {
    CA_SRTP_AUTHENTIC,   /* authenticated and decrypted in place */
    CA_SRTP_AUTH_FAILED, /* not made with these keys */
    CA_SRTP_REPLAYED,    /* a copy of a packet already seen (the network duplicates) */
    CA_SRTP_UNREADABLE,  /* too short or otherwise refused before authentication */
} ca_srtp_result_t;

/* Contexts for PROFILE with the client's (KEY[0], SALT[0]) and the server's
 * write keys; NULL when the profile is not supported or libsrtp2 fails. */
ca_srtp_check_t *ca_srtp_check_new(uint16_t profile, const uint8_t key[2][32],
                                   const uint8_t salt[2][14], size_t key_len, size_t salt_len);
void ca_srtp_check_free(ca_srtp_check_t *c);

/* Check one packet sent by the client (FROM_CLIENT) or the server. BUF
 * holds *LEN bytes (a copy: it is decrypted in place, *LEN shrinks). */
ca_srtp_result_t ca_srtp_check_packet(ca_srtp_check_t *c, bool from_client, bool rtcp, uint8_t *buf,
                                      size_t *len);

#endif
