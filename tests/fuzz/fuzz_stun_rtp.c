/* fuzz_stun_rtp.c - libFuzzer target for the STUN/TURN and RTP/RTCP decoders. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtp.h"
#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ca_cursor_t c = ca_cursor_make(data, size);
    ca_stun_t msg;
    if (ca_stun_decode(&c, &msg) == CA_OK) {
        if (strlen(msg.username) >= sizeof msg.username)
            abort();
        if (msg.has_data && (msg.data.p < data || msg.data.end > data + size))
            abort();
    }
    c = ca_cursor_make(data, size);
    uint16_t channel;
    ca_cursor_t inner;
    if (ca_turn_channel_decode(&c, &channel, &inner) == CA_OK &&
        (inner.p < data || inner.end > data + size))
        abort();
    c = ca_cursor_make(data, size);
    ca_rtp_t rtp;
    if (ca_rtp_decode(&c, &rtp) == CA_OK &&
        (rtp.payload.p < data || rtp.payload.end > data + size || rtp.ext.end > data + size))
        abort();
    c = ca_cursor_make(data, size);
    ca_rtcp_t rtcp;
    (void)ca_rtcp_decode(&c, &rtcp);
    return 0;
}
