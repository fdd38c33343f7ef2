/* rtp.c - RTP and RTCP headers; see rtp.h.
 *
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  |                           timestamp                           |
 *  |           synchronization source (SSRC) identifier            |
 *  |            contributing source (CSRC) identifiers  (CC x 32)  |
 *  [ profile (16) | length in words (16) | extension ]   if X
 */
#include "rtp.h"

#include <string.h>

bool ca_rtp_is_rtcp(const ca_cursor_t *c)
{
    return ca_cursor_left(c) >= 2 && c->p[1] >= 192 && c->p[1] <= 223;
}

ca_err_t ca_rtp_decode(ca_cursor_t *c, ca_rtp_t *rtp)
{
    uint8_t b0, b1;
    memset(rtp, 0, sizeof *rtp);
    CA_GUARD(ca_cursor_u8(c, &b0));
    CA_ENSURE((b0 >> 6) == 2, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u8(c, &b1));
    rtp->padding = (b0 & 0x20) != 0;
    rtp->extension = (b0 & 0x10) != 0;
    rtp->csrc_count = b0 & 0x0f;
    rtp->marker = (b1 & 0x80) != 0;
    rtp->payload_type = b1 & 0x7f;
    CA_GUARD(ca_cursor_u16(c, &rtp->seq));
    CA_GUARD(ca_cursor_u32(c, &rtp->timestamp));
    CA_GUARD(ca_cursor_u32(c, &rtp->ssrc));
    CA_GUARD(ca_cursor_skip(c, 4u * rtp->csrc_count));
    if (rtp->extension) {
        uint16_t words;
        CA_GUARD(ca_cursor_u16(c, &rtp->ext_profile));
        CA_GUARD(ca_cursor_u16(c, &words));
        CA_GUARD(ca_cursor_sub(c, 4u * words, &rtp->ext));
    }
    rtp->payload = *c;
    CA_GUARD(ca_cursor_skip(c, ca_cursor_left(c)));
    return CA_OK;
}

/* One readable packet of a compound (version 2, an RTCP type, a length
 * that fits): its type in *TYPE, the cursor past it. */
static bool next_rtcp_packet(ca_cursor_t *c, uint8_t *type)
{
    uint8_t b0;
    uint16_t words;
    return ca_cursor_u8(c, &b0) == CA_OK && (b0 >> 6) == 2 && ca_cursor_u8(c, type) == CA_OK &&
           *type >= 192 && *type <= 223 && ca_cursor_u16(c, &words) == CA_OK &&
           ca_cursor_skip(c, 4u * words) == CA_OK;
}

bool ca_rtcp_plain_bye(ca_cursor_t c)
{
    bool bye = false;
    uint8_t type;
    while (ca_cursor_left(&c) > 0) {
        if (!next_rtcp_packet(&c, &type))
            return false;
        bye |= type == 203;
    }
    return bye;
}

static bool compound_head(uint8_t type)
{
    return type == 200 || type == 201 || type == 205 || type == 206;
}

ca_rtcp_shape_t ca_rtcp_shape(ca_cursor_t c)
{
    uint8_t type;
    if (!next_rtcp_packet(&c, &type) || !compound_head(type))
        return CA_RTCP_UNSHAPED;
    /* SRTCP: E flag and 31-bit index, then a tag of 4 bytes or more */
    bool trailer = ca_cursor_left(&c) >= 8;
    while (ca_cursor_left(&c) > 0)
        if (!next_rtcp_packet(&c, &type))
            return trailer ? CA_RTCP_SHAPED : CA_RTCP_UNSHAPED;
    return CA_RTCP_EXACT;
}

ca_err_t ca_rtcp_decode(ca_cursor_t *c, ca_rtcp_t *rtcp)
{
    uint8_t b0;
    memset(rtcp, 0, sizeof *rtcp);
    CA_GUARD(ca_cursor_u8(c, &b0));
    CA_ENSURE((b0 >> 6) == 2, CA_ERR_MALFORMED);
    rtcp->count = b0 & 0x1f;
    CA_GUARD(ca_cursor_u8(c, &rtcp->packet_type));
    CA_ENSURE(rtcp->packet_type >= 192 && rtcp->packet_type <= 223, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(c, &rtcp->length_words));
    CA_GUARD(ca_cursor_u32(c, &rtcp->ssrc));
    /* The first packet must fit: under SRTCP its body is ciphertext, but its
     * length still counts the plaintext words (RFC 3711 3.4). */
    CA_ENSURE(ca_cursor_left(c) + 4 >= 4u * rtcp->length_words, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_skip(c, ca_cursor_left(c)));
    return CA_OK;
}
