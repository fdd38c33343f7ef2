/* offer.h - building and reading the SDP that callstack endpoints exchange.
 *
 * One audio section, PCMU over UDP/TLS/RTP/SAVPF with rtcp-mux, the leg's ICE
 * credentials and candidates, its certificate fingerprint and a=setup. The
 * DTLS roles follow RFC 8842: the offerer says actpass, the answerer picks.
 */
#ifndef CS_OFFER_H
#define CS_OFFER_H

#include <stdbool.h>

#include <glib.h>

#include "leg.h"
#include "sdp.h"

/* The SDP for LEG with the given a=setup; the caller frees it with g_free. */
char *cs_offer_build(cs_leg_t *leg, ca_sdp_setup_t setup);

/* Parse the peer's SDP and find its audio section. 0 on success. */
int cs_offer_parse(const char *text, size_t len, ca_sdp_t *sdp, const ca_sdp_media_t **audio,
                   char *err, size_t err_size);

/* The answerer's a=setup for an offer's, honouring PREFERRED (active or passive)
 * where the offer leaves the choice. Returns CA_SDP_SETUP_NONE if impossible. */
ca_sdp_setup_t cs_offer_answer_setup(ca_sdp_setup_t offered, ca_sdp_setup_t preferred);

/* SDES (RFC 4568 9.1): the 30-byte key and salt of "1 AES_CM_128_HMAC_SHA1_80 inline:B64[|..]". */
int cs_offer_sdes_key(const ca_sdp_media_t *m, uint8_t key[30], char *err, size_t err_size);

/* Whether the side that put MINE in its SDP is the DTLS client. */
bool cs_offer_is_dtls_client(ca_sdp_setup_t mine);

#endif
