/* stun.h - STUN (RFC 8489) and TURN (RFC 8656) messages, and TURN ChannelData.
 *
 * Only what call auditing needs: the message class and method, USERNAME
 * (the ICE ufrag pair "remote:local", RFC 8445 7.2.2), and for TURN the
 * XOR-PEER-ADDRESS, CHANNEL-NUMBER and DATA attributes that let media relayed
 * through a TURN server be unwrapped and analysed as the inner flow.
 */
#ifndef CA_STUN_H
#define CA_STUN_H

#include <stdbool.h>

#include "addr.h"
#include "cursor.h"

/* RFC 5389 15.3 puts USERNAME under 513 bytes, but an ICE check's is
 * "RFRAG:LFRAG" of two ufrags of up to 256 characters (RFC 8839 5.4): 513. */
#define CA_STUN_USERNAME_MAX 513
#define CA_ICE_UFRAG_MAX     256

#define CA_STUN_METHOD_BINDING      0x001
#define CA_STUN_METHOD_SEND         0x006
#define CA_STUN_METHOD_DATA         0x007
#define CA_STUN_METHOD_CHANNEL_BIND 0x009

#define CA_STUN_CLASS_REQUEST    0
#define CA_STUN_CLASS_INDICATION 1
#define CA_STUN_CLASS_SUCCESS    2
#define CA_STUN_CLASS_ERROR      3

typedef struct {
    uint16_t method;
    uint8_t klass;
    uint8_t transaction_id[12];
    bool has_username;
    char username[CA_STUN_USERNAME_MAX + 1]; /* printable ASCII, others as '?' */
    bool username_truncated;
    bool has_peer;
    ca_endpoint_t peer; /* XOR-PEER-ADDRESS, decoded */
    bool has_channel;
    uint16_t channel;
    bool has_data;
    ca_cursor_t data; /* DATA: borrowed from the packet */
} ca_stun_t;

/* Whether the bytes look like a STUN message (first two bits zero, magic cookie). */
bool ca_stun_looks_like(const ca_cursor_t *c);

CA_MUST_CHECK ca_err_t ca_stun_decode(ca_cursor_t *c, ca_stun_t *msg);

/* TURN ChannelData (RFC 8656 12.4): channel number 0x4000-0x4FFF, length, data. */
CA_MUST_CHECK ca_err_t ca_turn_channel_decode(ca_cursor_t *c, uint16_t *channel, ca_cursor_t *data);

#endif
