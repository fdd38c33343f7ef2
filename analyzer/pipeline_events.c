/* pipeline_events.c - the pipeline's entry points for the second engine
 * (engine_ws.c): what Wireshark's dissectors decided, fed to the same flows
 * and trackers as the native demultiplexer in pipeline.c; see pipeline.h. */
#include <string.h>

#include "pipeline_priv.h"
#include "stun.h"

void ca_pipeline_event_dtls(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                            uint8_t transport, uint64_t frame, int64_t ts_us, ca_cursor_t records)
{
    uint8_t from;
    ca_flow_t *f = ca_pipeline_flow_for(p, src, dst, transport, 0, frame, ts_us, 0, &from);
    if (f)
        ca_pipeline_on_dtls(p, f, src, dst, frame, ts_us, records);
}

void ca_pipeline_event_media(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                             uint8_t transport, uint64_t frame, int64_t ts_us, bool rtcp,
                             ca_cursor_t pkt)
{
    uint8_t from;
    ca_flow_t *f = ca_pipeline_flow_for(p, src, dst, transport, 0, frame, ts_us, 0, &from);
    if (f)
        ca_pipeline_on_media(p, f, from, frame, ts_us, pkt, rtcp);
}

void ca_pipeline_event_stun(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                            uint8_t transport, uint64_t frame, int64_t ts_us, uint16_t method,
                            uint8_t klass, const char *username)
{
    uint8_t from;
    ca_flow_t *f = ca_pipeline_flow_for(p, src, dst, transport, 0, frame, ts_us, 0, &from);
    if (!f)
        return;
    f->stun++;
    if (username && method == CA_STUN_METHOD_BINDING && klass == CA_STUN_CLASS_REQUEST) {
        if (strlen(username) > CA_STUN_USERNAME_MAX)
            ca_pipeline_skip(p, CA_SKIP_STUN_USERNAME_LONG);
        else if (!ca_flow_set_ice_username(f, from, username))
            ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
    }
}

void ca_pipeline_event_channel_bind(ca_pipeline_t *p, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint8_t transport, uint16_t channel,
                                    const ca_endpoint_t *peer)
{
    uint8_t from;
    ca_flow_t *f = ca_flow_lookup(p->flows, src, dst, transport, 0, &from);
    if (!f)
        return;
    for (size_t i = 0; i < f->n_turn_channels; i++)
        if (f->turn_channels[i].number == channel)
            return;
    if (f->n_turn_channels < CA_FLOW_MAX_CHANNELS) {
        f->turn_channels[f->n_turn_channels].number = channel;
        f->turn_channels[f->n_turn_channels].client = *src;
        f->turn_channels[f->n_turn_channels++].peer = *peer;
    }
}

void ca_pipeline_event_channel_data(ca_pipeline_t *p, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint8_t transport, uint64_t frame,
                                    int64_t ts_us, ca_cursor_t message)
{
    ca_pipeline_demux(p, src, dst, transport, 0, frame, ts_us, message, 0);
}

void ca_pipeline_event_indication(ca_pipeline_t *p, const ca_endpoint_t *src,
                                  const ca_endpoint_t *dst, uint8_t transport, uint64_t frame,
                                  int64_t ts_us, bool send, const ca_endpoint_t *peer,
                                  ca_cursor_t data)
{
    p->hop_transport = transport;
    if (send)
        ca_pipeline_demux(p, src, peer, CA_IPPROTO_UDP, 0, frame, ts_us, data, 1);
    else
        ca_pipeline_demux(p, peer, dst, CA_IPPROTO_UDP, 0, frame, ts_us, data, 1);
}

void ca_pipeline_event_other(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                             uint8_t transport, uint64_t frame, int64_t ts_us)
{
    uint8_t from;
    ca_flow_t *f = ca_pipeline_flow_for(p, src, dst, transport, 0, frame, ts_us, 0, &from);
    if (f)
        f->other++;
    ca_pipeline_skip(p, CA_SKIP_UNKNOWN_PAYLOAD);
}
