/* stun.c - STUN/TURN messages and TURN ChannelData; see stun.h.
 *
 *   0                   1                   2                   3
 *  |0 0|     STUN Message Type     |         Message Length        |
 *  |                         Magic Cookie                          |
 *  |                     Transaction ID (96 bits)                  |
 *  attributes: Type (16) | Length (16) | Value, padded to 4 bytes
 */
#include "stun.h"

#include <string.h>

#define STUN_MAGIC               0x2112A442u
#define STUN_ATTR_USERNAME       0x0006
#define STUN_ATTR_CHANNEL_NUMBER 0x000C
#define STUN_ATTR_XOR_PEER       0x0012
#define STUN_ATTR_DATA           0x0013
#define STUN_MAX_ATTRS           64

bool ca_stun_looks_like(const ca_cursor_t *c)
{
    if (ca_cursor_left(c) < 20 || (c->p[0] & 0xc0) != 0)
        return false;
    uint32_t magic =
        (uint32_t)c->p[4] << 24 | (uint32_t)c->p[5] << 16 | (uint32_t)c->p[6] << 8 | c->p[7];
    return magic == STUN_MAGIC;
}

/* XOR-PEER-ADDRESS (RFC 8489 14.2): family, port ^ cookie>>16, address ^ cookie(|tid). */
CA_MUST_CHECK static ca_err_t decode_xor_address(ca_cursor_t *v, const ca_stun_t *msg,
                                                 ca_endpoint_t *ep)
{
    uint8_t reserved, family;
    uint16_t port;
    const uint8_t *addr;
    static const uint8_t cookie[4] = {0x21, 0x12, 0xA4, 0x42};
    CA_GUARD(ca_cursor_u8(v, &reserved));
    CA_GUARD(ca_cursor_u8(v, &family));
    CA_GUARD(ca_cursor_u16(v, &port));
    memset(ep, 0, sizeof *ep);
    ep->port = (uint16_t)(port ^ (STUN_MAGIC >> 16));
    if (family == 0x01) {
        CA_GUARD(ca_cursor_bytes(v, 4, &addr));
        ep->addr.family = 4;
        for (size_t i = 0; i < 4; i++)
            ep->addr.bytes[i] = addr[i] ^ cookie[i];
    } else if (family == 0x02) {
        CA_GUARD(ca_cursor_bytes(v, 16, &addr));
        ep->addr.family = 6;
        for (size_t i = 0; i < 16; i++)
            ep->addr.bytes[i] = addr[i] ^ (i < 4 ? cookie[i] : msg->transaction_id[i - 4]);
    } else {
        return CA_ERR_MALFORMED;
    }
    return CA_OK;
}

ca_err_t ca_stun_decode(ca_cursor_t *c, ca_stun_t *msg)
{
    uint16_t type, len;
    uint32_t magic;
    const uint8_t *tid;
    ca_cursor_t attrs;
    memset(msg, 0, sizeof *msg);
    CA_GUARD(ca_cursor_u16(c, &type));
    CA_ENSURE((type & 0xc000) == 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(c, &len));
    CA_ENSURE(len % 4 == 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u32(c, &magic));
    CA_ENSURE(magic == STUN_MAGIC, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_bytes(c, 12, &tid));
    memcpy(msg->transaction_id, tid, 12);
    /* M11..M0 interleaved with C1 C0 (RFC 8489 5). */
    msg->method = (uint16_t)((type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2));
    msg->klass = (uint8_t)(((type & 0x0010) >> 4) | ((type & 0x0100) >> 7));
    CA_GUARD(ca_cursor_sub(c, len, &attrs));

    for (int n = 0; ca_cursor_left(&attrs) > 0; n++) {
        uint16_t atype, alen;
        ca_cursor_t value;
        CA_ENSURE(n < STUN_MAX_ATTRS, CA_ERR_LIMIT);
        CA_GUARD(ca_cursor_u16(&attrs, &atype));
        CA_GUARD(ca_cursor_u16(&attrs, &alen));
        CA_GUARD(ca_cursor_sub(&attrs, alen, &value));
        size_t pad = (4u - alen % 4u) % 4u;
        CA_GUARD(
            ca_cursor_skip(&attrs, pad < ca_cursor_left(&attrs) ? pad : ca_cursor_left(&attrs)));
        switch (atype) {
        case STUN_ATTR_USERNAME: {
            size_t keep = alen < sizeof msg->username - 1 ? alen : sizeof msg->username - 1;
            const uint8_t *u;
            CA_GUARD(ca_cursor_bytes(&value, keep, &u));
            for (size_t i = 0; i < keep; i++)
                msg->username[i] = (u[i] >= 0x20 && u[i] < 0x7f) ? (char)u[i] : '?';
            msg->username[keep] = '\0';
            msg->username_truncated = keep < alen;
            msg->has_username = true;
            break;
        }
        case STUN_ATTR_XOR_PEER:
            CA_GUARD(decode_xor_address(&value, msg, &msg->peer));
            msg->has_peer = true;
            break;
        case STUN_ATTR_CHANNEL_NUMBER:
            CA_GUARD(ca_cursor_u16(&value, &msg->channel));
            msg->has_channel = true;
            break;
        case STUN_ATTR_DATA:
            msg->data = value;
            msg->has_data = true;
            break;
        default:
            break;
        }
    }
    return CA_OK;
}

ca_err_t ca_turn_channel_decode(ca_cursor_t *c, uint16_t *channel, ca_cursor_t *data)
{
    uint16_t len;
    CA_GUARD(ca_cursor_u16(c, channel));
    CA_ENSURE(*channel >= 0x4000 && *channel <= 0x4fff, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(c, &len));
    /* Over UDP the rest of the datagram may be padding (RFC 8656 12.5). */
    return ca_cursor_sub(c, len, data);
}
