/* pipeline_priv.h - what pipeline.c (the native demultiplexer), its TCP
 * streams (pipeline_tcp.c) and pipeline_events.c (the Wireshark engine's
 * entry points) share: the pipeline's state and the steps they feed; not
 * for other modules. */
#ifndef CA_PIPELINE_PRIV_H
#define CA_PIPELINE_PRIV_H

#include "pipeline.h"

struct ca_pipeline {
    bool frame_truncated; /* the frame being decoded was cut by the snaplen */
    bool payload_cut;     /* ...and the cut took part of its UDP payload */
    ca_flow_table_t *flows;
    ca_ipfrag_t *frags;
    ca_pipeline_stats_t stats;
    ca_sdp_t *sdps[CA_PIPELINE_MAX_SDP]; /* owned */
    uint64_t sdp_frames[CA_PIPELINE_MAX_SDP];
    size_t n_sdps;
    uint64_t sdps_dropped;
    int64_t idle_us; /* 0: flows live until the end */
    int64_t last_expiry_us;
    void (*flow_end)(void *, ca_flow_t *);
    void *flow_end_user;
    ca_handshake_fn on_handshake;
    void *handshake_user;
    bool frame_relevant;
    uint8_t hop_transport; /* the transport of the frame's outermost flow (TURN's hop) */
    int64_t last_drop_us;  /* when the capture last reported lost packets */
    uint64_t last_drop_count;
    const ca_keylog_t *keylog;
    bool keep_ladder; /* sessions log every handshake datagram (HTML, --annotate) */
    ca_decrypted_fn on_decrypted;
    void *decrypted_user;
    uint8_t scratch[65536]; /* a packet being decrypted: no allocation per packet */
};

void ca_pipeline_skip(ca_pipeline_t *p, ca_skip_t reason);
/* The flow of a packet from SRC to DST, touched; NULL (counted) when the
 * table cannot grow. */
ca_flow_t *ca_pipeline_flow_for(ca_pipeline_t *p, const ca_endpoint_t *src,
                                const ca_endpoint_t *dst, uint8_t transport, uint16_t channel,
                                uint64_t frame, int64_t ts_us, int depth, uint8_t *from);
void ca_pipeline_on_dtls(ca_pipeline_t *p, ca_flow_t *f, const ca_endpoint_t *src,
                         const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us, ca_cursor_t c);
void ca_pipeline_on_media(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, uint64_t frame,
                          int64_t ts_us, ca_cursor_t c, bool rtcp);
/* RFC 7983 demultiplexing of one datagram (TURN unwrapped up to a depth). */
void ca_pipeline_demux(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                       uint8_t transport, uint16_t channel, uint64_t frame, int64_t ts_us,
                       ca_cursor_t c, int depth);
/* A TCP segment (pipeline_tcp.c): reassembled per direction and read by
 * the framing its stream shows. */
void ca_pipeline_on_tcp(ca_pipeline_t *p, const ca_ip_t *ip, ca_cursor_t c, uint64_t frame,
                        int64_t ts_us);

#endif
