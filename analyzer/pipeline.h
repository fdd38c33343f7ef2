/* pipeline.h - from captured frames to flows: link -> IP (with fragment
 * reassembly) -> UDP -> RFC 7983 demultiplexing (STUN/TURN, DTLS, RTP/RTCP;
 * TURN ChannelData and Send/Data indications unwrapped into inner flows) ->
 * the per-flow trackers. Nothing is dropped silently: every frame that
 * cannot be decoded is counted under a reason.
 */
#ifndef CA_PIPELINE_H
#define CA_PIPELINE_H

#include <stdint.h>

#include "flow.h"
#include "ipfrag.h"
#include "keylog.h"
#include "sdp.h"

/* Why a frame, or part of it, could not be decoded. */
typedef enum {
    CA_SKIP_NOT_IP, /* ARP, LLDP, ...: not an error */
    CA_SKIP_LINK,   /* link header cut or malformed */
    CA_SKIP_IP_MALFORMED,
    CA_SKIP_IP_TRUNCATED, /* cut by the snaplen */
    CA_SKIP_FRAGMENT_BAD, /* overlapping, oversized or odd fragments */
    CA_SKIP_NOT_UDP,      /* neither UDP nor TCP: ICMP, ESP, ... */
    CA_SKIP_TCP_MALFORMED,
    CA_SKIP_TCP_OTHER, /* TCP payload that is neither RFC 4571 media nor SDP signaling */
    CA_SKIP_TCP_GAP,   /* TCP bytes missing from the capture: framing lost */
    CA_SKIP_UDP_MALFORMED,
    CA_SKIP_UNKNOWN_PAYLOAD, /* not STUN, TURN, DTLS, RTP or RTCP by RFC 7983 */
    CA_SKIP_STUN_MALFORMED,
    CA_SKIP_STUN_USERNAME_LONG, /* a USERNAME over CA_STUN_USERNAME_MAX bytes: not kept */
    CA_SKIP_RTP_MALFORMED,
    CA_SKIP_DTLS_MALFORMED, /* records that could not be parsed (counted per datagram) */
    CA_SKIP_PAYLOAD_CUT,    /* a STUN, DTLS or RTP message the snaplen cut: its headers read */
    CA_SKIP_TABLE_FULL,     /* out of memory for a new flow or session */
    CA_SKIP_COUNT
} ca_skip_t;

typedef struct {
    uint64_t frames, bytes;
    uint64_t truncated_frames; /* caplen < len */
    uint32_t cut_at;           /* the longest of those frames as captured: the snaplen */
    uint64_t skipped[CA_SKIP_COUNT];
    int64_t first_us, last_us;
    uint64_t flows_expired;
    uint64_t sessions_dropped;       /* DTLS handshakes past a flow's cap (no auditor attached) */
    uint64_t stream_packets_dropped; /* RTP/RTCP of SSRCs past a flow's cap */
    uint64_t flows_peak;             /* most flows alive at once */
    uint64_t capture_drops;          /* packets the capture reported lost (live: pcap_stats) */
} ca_pipeline_stats_t;

typedef struct ca_pipeline ca_pipeline_t;

ca_pipeline_t *ca_pipeline_new(void);
void ca_pipeline_free(ca_pipeline_t *p);

/* One captured frame of link type DLT (libpcap's DLT_ value). */
void ca_pipeline_frame(ca_pipeline_t *p, int dlt, uint64_t frame_no, int64_t ts_us,
                       const uint8_t *data, uint32_t caplen, uint32_t len);

/* Flows idle for IDLE_US (capture time) end: FN gets each before it is freed
 * (the auditor turns it into call records). 0 disables expiry. */
void ca_pipeline_set_flow_end(ca_pipeline_t *p, int64_t idle_us, void (*fn)(void *, ca_flow_t *),
                              void *user);

/* Live capture: time goes on without packets; end the flows idle at NOW_US. */
void ca_pipeline_tick(ca_pipeline_t *p, int64_t now_us);

/* FN is called once per DTLS session, when its handshake completes (both
 * Finished seen): the certificates, hence the security code, are known. */
typedef void (*ca_handshake_fn)(void *user, const ca_flow_t *f, const ca_dtls_session_t *s,
                                int64_t ts_us);
void ca_pipeline_set_handshake_fn(ca_pipeline_t *p, ca_handshake_fn fn, void *user);

/* The capture lost N packets (the kernel's count grew): every live flow may
 * have lost some, which makes its calls inconclusive. */
void ca_pipeline_capture_drops(ca_pipeline_t *p, uint64_t n);

/* With a key log (borrowed; outlives P): handshakes are opened with it and
 * every SRTP/SRTCP packet is authenticated under the keys they exported. */
/* Log every handshake datagram of each session (the HTML report's ladder,
 * --annotate's retransmissions): 1 KB more per session, so only on request. */
void ca_pipeline_set_ladder(ca_pipeline_t *p, bool on);
void ca_pipeline_set_keylog(ca_pipeline_t *p, const ca_keylog_t *kl);

/* FN gets each packet that authenticated, decrypted (RTP or RTCP). */
typedef void (*ca_decrypted_fn)(void *user, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                                uint64_t frame, int64_t ts_us, const uint8_t *plain, size_t len);
void ca_pipeline_set_decrypted_fn(ca_pipeline_t *p, ca_decrypted_fn fn, void *user);

/* Whether the last frame was part of a call: STUN, DTLS, RTP/RTCP, RFC 4571
 * media, SDP signaling, or an IP fragment (whose datagram is not known yet). */
bool ca_pipeline_frame_relevant(const ca_pipeline_t *p);

/* The second engine (engine_ws.c): Wireshark's dissectors decode the frame
 * and these feed what they found into the same flows and trackers. A frame
 * begins with ca_pipeline_event_frame; DTLS arrives as records rebuilt from
 * Wireshark's record framing and reassembled handshake messages, RTP/RTCP
 * as packets rebuilt from its header fields, STUN as its decoded fields.
 * TURN ChannelData is handed on whole (with its 4-byte header) and
 * unwrapped by the native code, like a bound channel's peer. */
void ca_pipeline_event_frame(ca_pipeline_t *p, int64_t ts_us, uint32_t caplen, uint32_t len);
void ca_pipeline_event_dtls(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                            uint8_t transport, uint64_t frame, int64_t ts_us, ca_cursor_t records);
void ca_pipeline_event_media(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                             uint8_t transport, uint64_t frame, int64_t ts_us, bool rtcp,
                             ca_cursor_t pkt);
void ca_pipeline_event_stun(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                            uint8_t transport, uint64_t frame, int64_t ts_us, uint16_t method,
                            uint8_t klass, const char *username);
void ca_pipeline_event_channel_bind(ca_pipeline_t *p, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint8_t transport, uint16_t channel,
                                    const ca_endpoint_t *peer);
void ca_pipeline_event_channel_data(ca_pipeline_t *p, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint8_t transport, uint64_t frame,
                                    int64_t ts_us, ca_cursor_t message);
/* A TURN Send (SEND true) or Data indication on SRC->DST carrying DATA to or
 * from PEER: the relayed flow's datagram, as the native path unwraps it. */
void ca_pipeline_event_indication(ca_pipeline_t *p, const ca_endpoint_t *src,
                                  const ca_endpoint_t *dst, uint8_t transport, uint64_t frame,
                                  int64_t ts_us, bool send, const ca_endpoint_t *peer,
                                  ca_cursor_t data);
void ca_pipeline_event_other(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                             uint8_t transport, uint64_t frame, int64_t ts_us);

/* A closed flow (both ends said goodbye) ends after this much quiet. */
#define CA_PIPELINE_CLOSED_QUIET_US 2000000

const ca_pipeline_stats_t *ca_pipeline_stats(const ca_pipeline_t *p);
ca_flow_table_t *ca_pipeline_flows(ca_pipeline_t *p);
const ca_ipfrag_stats_t *ca_pipeline_frag_stats(const ca_pipeline_t *p);
const char *ca_skip_name(ca_skip_t reason);

#define CA_PIPELINE_MAX_SDP 16
/* SDP bodies seen in clear in signaling streams, with the frame that completed each. */
size_t ca_pipeline_sdps(const ca_pipeline_t *p, const ca_sdp_t *const **sdps,
                        const uint64_t **frames);

#endif
