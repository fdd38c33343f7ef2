/* flow.h - the session table: one entry per transport flow (a 5-tuple, both
 * directions; TURN-relayed media gets an inner flow of its own), holding the
 * DTLS sessions, RTP/RTCP streams and ICE usernames seen on it.
 *
 * Open addressing with linear probing and backward-shift deletion; the table
 * doubles when half full, so lookups stay O(1) with 100,000 live flows.
 * Memory grows with live flows only: a flow is allocated once when first
 * seen, never per packet.
 */
#ifndef CA_FLOW_H
#define CA_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "dtls_session.h"
#include "opacity.h"
#include "stun.h"
#include "timeline.h"
#include "tcp.h"

#define CA_FLOW_MAX_SESSIONS 4
#define CA_FLOW_MAX_STREAMS  8
#define CA_FLOW_MAX_CHANNELS 4

typedef struct {
    uint32_t ssrc;
    uint8_t from; /* 0: sent by flow endpoint a, 1: by b */
    bool rtcp;
    uint8_t payload_type; /* RTP: of the first packet; RTCP: packet type */
    uint64_t packets, bytes;
    uint64_t first_frame, last_frame;
    int64_t first_us, last_us;
    uint64_t before_handshake; /* packets before the sender had verified its peer's Finished */
    uint64_t first_before_frame;
    uint64_t header_extensions; /* packets with the X bit */
    ca_opacity_t opacity;
    ca_timeline_t timeline; /* packets, bytes and opacity over time (HTML report) */
    /* with a key log: libsrtp2's judgement of each packet */
    uint64_t auth_ok, auth_failed, auth_replayed, auth_unchecked;
    uint64_t auth_fail_frame;
    /* Evidence that this is media at all, not another protocol whose first
     * byte falls in RTP's range (DNS, NBNS, LLMNR): RTP packets whose
     * sequence number follows the previous one's by a little and whose
     * timestamp does not go back; RTCP packets laid out as RTCP is. */
    uint16_t last_seq;
    uint32_t last_timestamp;
    uint32_t in_order;
    uint32_t rtcp_shaped, rtcp_exact;
} ca_stream_t;

typedef struct {
    ca_endpoint_t a, b; /* a: the sender of the first packet seen */
    uint8_t transport;  /* CA_IPPROTO_UDP or CA_IPPROTO_TCP */
    uint16_t channel;   /* TURN channel or 0; relayed flows are keyed by it too */
    bool relayed;       /* an inner flow unwrapped from TURN */
    uint8_t relay_hop;  /* relayed: the client-to-server hop's transport (UDP, TCP) */
    /* TURN only: channels bound on this client-server flow (RFC 8656 12) */
    struct {
        uint16_t number;
        ca_endpoint_t client, peer;
    } turn_channels[CA_FLOW_MAX_CHANNELS];
    uint8_t n_turn_channels;
    uint64_t first_frame, last_frame;
    int64_t first_us, last_us;
    uint64_t packets;
    uint64_t sent[2]; /* packets from endpoint a, from b */
    uint64_t stun, dtls, rtp, rtcp, other;
    ca_dtls_session_t *sessions[CA_FLOW_MAX_SESSIONS]; /* owned */
    size_t n_sessions, sessions_dropped;
    ca_stream_t *streams; /* owned, grown up to CA_FLOW_MAX_STREAMS (most flows have none) */
    size_t n_streams, streams_cap;
    uint64_t streams_dropped; /* packets of SSRCs beyond CA_FLOW_MAX_STREAMS */
    char *ice_username[2];  /* last STUN USERNAME per sender, owned; NULL until one (most flows) */
    uint64_t truncated;     /* packets cut by the snaplen */
    bool closed;            /* a goodbye (DTLS alert, RTCP BYE both ways): end when quiet */
    bool bye[2];            /* a clear RTCP BYE from each sender */
    uint64_t capture_drops; /* packets the kernel dropped while this flow was live */
    /* its first packet was a STUN response (consent, keepalive) to a request
     * the capture never saw: the session was under way before, or the other
     * direction goes unseen */
    bool opened_with_response;
    struct ca_srtp_check *srtp;          /* owned: the current session's keys, with a key log */
    const ca_dtls_session_t *srtp_keyed; /* the session SRTP was keyed from */
    /* TCP only: per sender, the reassembled stream and how it is read */
    ca_tcp_stream_t *tcp[2];  /* owned; NULL until a stream worth reading appears */
    uint8_t tcp_mode[2];      /* ca_tcp_mode_t */
    uint64_t tcp_frames_lost; /* RFC 4571 frames lost to gaps in the capture */
} ca_flow_t;

typedef enum {
    CA_TCP_MODE_UNKNOWN = 0,
    CA_TCP_MODE_RFC4571,     /* 16-bit length-prefixed STUN/DTLS/RTP (RFC 4571, RFC 6544) */
    CA_TCP_MODE_TEXT,        /* a text protocol carrying SDP bodies (Content-Length framed) */
    CA_TCP_MODE_TURN,        /* TURN over TCP: STUN messages and padded ChannelData (RFC 8656) */
    CA_TCP_MODE_OTHER,       /* anything else: counted, not buffered */
    CA_TCP_MODE_LOST,        /* a gap broke the framing */
    CA_TCP_MODE_TURN_RESYNC, /* TURN after a gap: waiting for a segment of whole messages */
} ca_tcp_mode_t;

typedef struct ca_flow_table ca_flow_table_t;

ca_flow_table_t *ca_flow_table_new(void);
void ca_flow_table_free(ca_flow_table_t *t);

/* Find or create the flow of SRC<->DST; *FROM says which of its endpoints sent. */
ca_flow_t *ca_flow_lookup(ca_flow_table_t *t, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                          uint8_t transport, uint16_t channel, uint8_t *from);

size_t ca_flow_count(const ca_flow_table_t *t);
/* All flows, ordered by their first frame (for deterministic reports). The
 * array is malloc'ed; the flows stay owned by the table. */
ca_flow_t **ca_flow_sorted(const ca_flow_table_t *t, size_t *n);

/* Remove every flow whose last packet is older than CUTOFF_US (capture time),
 * or, for a closed flow, older than CLOSED_CUTOFF_US, calling FN on each
 * first; FN may take what it wants (sessions) from it. Returns how many
 * expired. */
size_t ca_flow_expire(ca_flow_table_t *t, int64_t cutoff_us, int64_t closed_cutoff_us,
                      void (*fn)(void *, ca_flow_t *), void *user);

/* Call FN on every live flow. */
void ca_flow_each(ca_flow_table_t *t, void (*fn)(void *, ca_flow_t *), void *user);

/* Successive in-order RTP packets of one SSRC that make a stream media. */
#define CA_MEDIA_MIN_RUN 3

/* Whether the stream's packets have the structure of RTP or RTCP (not
 * merely a first byte in their range, RFC 7983). */
bool ca_stream_is_media(const ca_stream_t *s);

/* The stream of SSRC sent by FROM, created on first sight; NULL past the cap. */
/* Keep USER (at most CA_STUN_USERNAME_MAX bytes) as the last STUN USERNAME
 * sent from side FROM; false when out of memory. */
bool ca_flow_set_ice_username(ca_flow_t *f, uint8_t from, const char *user);
ca_stream_t *ca_flow_stream(ca_flow_t *f, uint32_t ssrc, uint8_t from, bool rtcp);

#endif
