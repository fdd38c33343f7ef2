/* rtp.h - RTP (RFC 3550 5.1) and RTCP (RFC 3550 6) headers, as far as they
 * travel in clear under SRTP/SRTCP (RFC 3711): SRTP leaves the RTP header
 * readable, SRTCP the first RTCP header and the sender's SSRC. */
#ifndef CA_RTP_H
#define CA_RTP_H

#include <stdbool.h>

#include "cursor.h"

typedef struct {
    bool padding, extension, marker;
    uint8_t csrc_count;
    uint8_t payload_type;
    uint16_t seq;
    uint32_t timestamp;
    uint32_t ssrc;
    uint16_t ext_profile; /* 0xBEDE one-byte, 0x100x two-byte (RFC 8285) */
    ca_cursor_t ext;      /* header extension data, borrowed */
    ca_cursor_t payload;  /* payload (and, for SRTP, the trailer), borrowed */
} ca_rtp_t;

typedef struct {
    uint8_t packet_type; /* of the first packet of the compound */
    uint8_t count;       /* RC/SC field */
    uint16_t length_words;
    uint32_t ssrc; /* sender SSRC of the first packet */
} ca_rtcp_t;

/* RFC 5761 4: with RTP and RTCP multiplexed, second-byte values 192-223 are RTCP. */
bool ca_rtp_is_rtcp(const ca_cursor_t *c);

CA_MUST_CHECK ca_err_t ca_rtp_decode(ca_cursor_t *c, ca_rtp_t *rtp);
CA_MUST_CHECK ca_err_t ca_rtcp_decode(ca_cursor_t *c, ca_rtcp_t *rtcp);

/* Whether the datagram is a plain (unencrypted) compound RTCP packet holding a
 * BYE (RFC 3550 6.6): every packet's header readable and their lengths adding
 * up to the datagram exactly. Under SRTCP all but the first header are
 * ciphertext and the trailer breaks the sum, so an encrypted BYE is never
 * taken for one. */
bool ca_rtcp_plain_bye(ca_cursor_t c);

/* How a datagram whose second byte says RTCP is laid out: CA_RTCP_EXACT, a
 * compound of readable packets (the first SR, RR or, RFC 5506, feedback)
 * whose lengths add up to the datagram; CA_RTCP_SHAPED, a first packet of
 * those types that fits, followed by at least an SRTCP index and a short
 * tag (RFC 3711 3.4: the rest is ciphertext); CA_RTCP_UNSHAPED otherwise. */
typedef enum { CA_RTCP_UNSHAPED = 0, CA_RTCP_SHAPED, CA_RTCP_EXACT } ca_rtcp_shape_t;
ca_rtcp_shape_t ca_rtcp_shape(ca_cursor_t c);

#endif
