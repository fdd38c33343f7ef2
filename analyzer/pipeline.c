/* pipeline.c - frame decoding and demultiplexing into flows (TCP streams in
 * pipeline_tcp.c); see pipeline.h. */
#include "pipeline_priv.h"

#include <stdlib.h>
#include <string.h>

#include "dtls_keys.h"
#include "ip.h"
#include "link.h"
#include "srtp_check.h"
#include "rtp.h"
#include "stun.h"

/* TURN unwrapping may nest only this deep (TURN over TURN is legal but rare). */
#define MAX_TURN_DEPTH 2

/* A flow first seen this soon after the capture lost packets may have lost
 * its beginning (the handshake comes within a second of the first check). */
#define DROP_SHADOW_US 5000000

void ca_pipeline_set_flow_end(ca_pipeline_t *p, int64_t idle_us, void (*fn)(void *, ca_flow_t *),
                              void *user)
{
    p->idle_us = idle_us;
    p->flow_end = fn;
    p->flow_end_user = user;
}

void ca_pipeline_set_handshake_fn(ca_pipeline_t *p, ca_handshake_fn fn, void *user)
{
    p->on_handshake = fn;
    p->handshake_user = user;
}

/* Once a second of capture time, end the flows that went idle, and the
 * closed ones that have been quiet for a while (a late retransmission of
 * the goodbye still lands in its flow). */
static void expire_flows(ca_pipeline_t *p, int64_t now_us)
{
    size_t live = ca_flow_count(p->flows);
    if (live > p->stats.flows_peak)
        p->stats.flows_peak = live;
    if (p->idle_us <= 0 || now_us - p->last_expiry_us < 1000000)
        return;
    p->last_expiry_us = now_us;
    int64_t quiet =
        p->idle_us < CA_PIPELINE_CLOSED_QUIET_US ? p->idle_us : CA_PIPELINE_CLOSED_QUIET_US;
    p->stats.flows_expired += ca_flow_expire(p->flows, now_us - p->idle_us, now_us - quiet,
                                             p->flow_end, p->flow_end_user);
}

void ca_pipeline_tick(ca_pipeline_t *p, int64_t now_us)
{
    if (p->stats.first_us == 0)
        p->last_expiry_us = now_us;
    expire_flows(p, now_us);
}

static void add_drops(void *user, ca_flow_t *f)
{
    f->capture_drops += *(const uint64_t *)user;
}

void ca_pipeline_capture_drops(ca_pipeline_t *p, uint64_t n)
{
    p->stats.capture_drops += n;
    p->last_drop_us = p->stats.last_us ? p->stats.last_us : 1;
    p->last_drop_count = n;
    ca_flow_each(p->flows, add_drops, &n);
}

void ca_pipeline_set_ladder(ca_pipeline_t *p, bool on)
{
    p->keep_ladder = on;
}

void ca_pipeline_set_keylog(ca_pipeline_t *p, const ca_keylog_t *kl)
{
    p->keylog = kl;
}

void ca_pipeline_set_decrypted_fn(ca_pipeline_t *p, ca_decrypted_fn fn, void *user)
{
    p->on_decrypted = fn;
    p->decrypted_user = user;
}

bool ca_pipeline_frame_relevant(const ca_pipeline_t *p)
{
    return p->frame_relevant;
}

ca_pipeline_t *ca_pipeline_new(void)
{
    ca_pipeline_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->flows = ca_flow_table_new();
    p->frags = ca_ipfrag_new();
    if (!p->flows || !p->frags) {
        ca_pipeline_free(p);
        return NULL;
    }
    return p;
}

void ca_pipeline_free(ca_pipeline_t *p)
{
    if (!p)
        return;
    ca_flow_table_free(p->flows);
    ca_ipfrag_free(p->frags);
    for (size_t i = 0; i < p->n_sdps; i++)
        free(p->sdps[i]);
    free(p);
}

const ca_pipeline_stats_t *ca_pipeline_stats(const ca_pipeline_t *p)
{
    return &p->stats;
}

ca_flow_table_t *ca_pipeline_flows(ca_pipeline_t *p)
{
    return p->flows;
}

const ca_ipfrag_stats_t *ca_pipeline_frag_stats(const ca_pipeline_t *p)
{
    return ca_ipfrag_stats(p->frags);
}

const char *ca_skip_name(ca_skip_t reason)
{
    static const char *const names[CA_SKIP_COUNT] = {
        [CA_SKIP_NOT_IP] = "not_ip",
        [CA_SKIP_LINK] = "link_malformed",
        [CA_SKIP_IP_MALFORMED] = "ip_malformed",
        [CA_SKIP_IP_TRUNCATED] = "ip_truncated",
        [CA_SKIP_FRAGMENT_BAD] = "ip_fragment_invalid",
        [CA_SKIP_NOT_UDP] = "not_udp_or_tcp",
        [CA_SKIP_TCP_MALFORMED] = "tcp_malformed",
        [CA_SKIP_TCP_OTHER] = "tcp_other",
        [CA_SKIP_TCP_GAP] = "tcp_gap",
        [CA_SKIP_UDP_MALFORMED] = "udp_malformed",
        [CA_SKIP_UNKNOWN_PAYLOAD] = "unknown_payload",
        [CA_SKIP_STUN_MALFORMED] = "stun_malformed",
        [CA_SKIP_STUN_USERNAME_LONG] = "stun_username_too_long",
        [CA_SKIP_RTP_MALFORMED] = "rtp_malformed",
        [CA_SKIP_DTLS_MALFORMED] = "dtls_malformed",
        [CA_SKIP_PAYLOAD_CUT] = "payload_cut",
        [CA_SKIP_TABLE_FULL] = "out_of_memory",
    };
    return reason < CA_SKIP_COUNT && names[reason] ? names[reason] : "unknown";
}

void ca_pipeline_skip(ca_pipeline_t *p, ca_skip_t reason)
{
    /* What fails to parse in a datagram the snaplen cut is the cut's doing. */
    if (p->payload_cut && (reason == CA_SKIP_STUN_MALFORMED || reason == CA_SKIP_RTP_MALFORMED ||
                           reason == CA_SKIP_DTLS_MALFORMED || reason == CA_SKIP_UNKNOWN_PAYLOAD))
        reason = CA_SKIP_PAYLOAD_CUT;
    p->stats.skipped[reason]++;
}

static void flow_touch(ca_flow_t *f, uint64_t frame, int64_t ts_us)
{
    if (f->first_frame == 0) {
        f->first_frame = frame;
        f->first_us = ts_us;
    }
    f->last_frame = frame;
    f->last_us = ts_us;
    f->packets++;
}

static ca_dtls_session_t *current_session(const ca_flow_t *f)
{
    return f->n_sessions ? f->sessions[f->n_sessions - 1] : NULL;
}

void ca_pipeline_on_dtls(ca_pipeline_t *p, ca_flow_t *f, const ca_endpoint_t *src,
                         const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us, ca_cursor_t c)
{
    ca_dtls_session_t *s = current_session(f);
    f->dtls++;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!s) {
            if (f->n_sessions > 0 && p->flow_end) {
                /* A new handshake on the same 5-tuple: the call before it is
                 * over; hand it, with its streams, to the auditor and go on,
                 * so the new call's media (even with the same SSRCs) is its own. */
                p->flow_end(p->flow_end_user, f);
                f->n_streams = 0;
                ca_srtp_check_free(f->srtp); /* the old call's keys */
                f->srtp = NULL;
                f->srtp_keyed = NULL;
            }
            if (f->n_sessions == CA_FLOW_MAX_SESSIONS) {
                f->sessions_dropped++;
                p->stats.sessions_dropped++;
                return;
            }
            s = ca_dtls_session_new();
            if (!s) {
                ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
                return;
            }
            f->sessions[f->n_sessions++] = s;
            s->keep_transcript = p->keylog != NULL;
            s->keep_ladder = p->keep_ladder;
            s->keylog = p->keylog;
        }
        uint64_t malformed = s->malformed_records;
        bool was_complete = s->complete;
        if (ca_dtls_session_feed(s, src, dst, frame, ts_us, c) == CA_DTLS_FED) {
            if (s->malformed_records != malformed)
                ca_pipeline_skip(p, CA_SKIP_DTLS_MALFORMED);
            if (p->keylog) {
                ca_dtls_keys_derive(s, p->keylog);
                if (s->complete)
                    ca_dtls_keys_check_finished(s);
            }
            if (s->complete && !was_complete && p->on_handshake)
                p->on_handshake(p->handshake_user, f, s, ts_us);
            /* A close_notify (the other end's reply may be lost) or a fatal
             * alert: the call is over once the flow falls quiet. So is it
             * after an encrypted alert whose handshake the capture did not
             * see complete (packets dropped): it is a goodbye or fatal. */
            if (s->alert_after_complete[0] || s->alert_after_complete[1] || s->fatal_alert ||
                s->encrypted_alert_before_complete)
                f->closed = true;
            return;
        }
        s = NULL; /* a new handshake on the same 5-tuple */
    }
}

/* RFC 5764 4.1 / RFC 6347 4.2.4: a DTLS-SRTP endpoint has its SRTP keys once
 * it has verified its peer's Finished: the server after the client's (its
 * own Finished goes out at that moment, and may be lost on the way), the
 * client after the server's. Media from SENDER before that was not keyed by
 * this handshake. */
static bool sender_has_keys(const ca_dtls_session_t *d, const ca_endpoint_t *sender)
{
    if (!d || !d->roles_known)
        return false;
    ca_dir_t dir = ca_dtls_session_dir(d, sender);
    return d->finished[dir == CA_C2S ? CA_S2C : CA_C2S];
}

/* The SRTP profile the flow's DTLS session negotiated; 0 when unknown. */
static uint16_t flow_srtp_profile(const ca_flow_t *f)
{
    const ca_dtls_session_t *d = current_session(f);
    return d && d->srtp_chosen ? d->srtp_profile : 0;
}

static ca_stream_t *media_stream(ca_flow_t *f, uint32_t ssrc, uint8_t from, bool rtcp, uint8_t type,
                                 uint64_t frame, int64_t ts_us, size_t len)
{
    ca_stream_t *s = ca_flow_stream(f, ssrc, from, rtcp);
    if (!s) {
        f->streams_dropped++;
        return NULL;
    }
    if (s->packets == 0) {
        s->first_frame = frame;
        s->first_us = ts_us;
        s->payload_type = type;
    }
    s->packets++;
    s->bytes += len;
    ca_timeline_add(&s->timeline, ts_us, (uint32_t)len, rtcp ? NULL : &s->opacity);
    s->last_frame = frame;
    s->last_us = ts_us;
    if (!sender_has_keys(current_session(f), from == 0 ? &f->a : &f->b)) {
        if (s->before_handshake++ == 0)
            s->first_before_frame = frame;
    }
    return s;
}

/* With a key log: authenticate the packet under the keys of the flow's
 * current handshake (libsrtp2), and hand on what decrypts. */
static void authenticate(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, ca_stream_t *st,
                         uint64_t frame, int64_t ts_us, ca_cursor_t pkt)
{
    const ca_dtls_session_t *d = current_session(f);
    if (d && d != f->srtp_keyed && d->keys.state == CA_KEYS_DERIVED && d->srtp_chosen &&
        d->keys.srtp_key_len) {
        ca_srtp_check_free(f->srtp);
        f->srtp = ca_srtp_check_new(d->srtp_profile, d->keys.srtp_key, d->keys.srtp_salt,
                                    d->keys.srtp_key_len, d->keys.srtp_salt_len);
        f->srtp_keyed = d;
    }
    size_t len = ca_cursor_left(&pkt);
    /* a packet the snaplen cut lost its tag: neither authentic nor forged */
    if (!f->srtp || f->srtp_keyed != d || len > sizeof p->scratch || p->payload_cut) {
        st->auth_unchecked++;
        return;
    }
    const ca_endpoint_t *src = from == 0 ? &f->a : &f->b, *dst = from == 0 ? &f->b : &f->a;
    memcpy(p->scratch, pkt.p, len);
    switch (ca_srtp_check_packet(f->srtp, ca_endpoint_equal(src, &d->client), st->rtcp, p->scratch,
                                 &len)) {
    case CA_SRTP_AUTHENTIC:
        st->auth_ok++;
        if (p->on_decrypted)
            p->on_decrypted(p->decrypted_user, src, dst, frame, ts_us, p->scratch, len);
        break;
    case CA_SRTP_AUTH_FAILED:
        if (st->auth_failed++ == 0)
            st->auth_fail_frame = frame;
        break;
    case CA_SRTP_REPLAYED:
        st->auth_replayed++;
        break;
    case CA_SRTP_UNREADABLE:
        if (st->auth_failed++ == 0)
            st->auth_fail_frame = frame;
        break;
    }
}

void ca_pipeline_on_media(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, uint64_t frame,
                          int64_t ts_us, ca_cursor_t c, bool rtcp)
{
    size_t len = ca_cursor_left(&c);
    ca_cursor_t whole = c;
    if (rtcp) {
        ca_rtcp_t h;
        if (ca_rtcp_decode(&c, &h) != CA_OK) {
            ca_pipeline_skip(p, CA_SKIP_RTP_MALFORMED);
            return;
        }
        f->rtcp++;
        if (ca_rtcp_plain_bye(whole)) {
            f->bye[from] = true;
            f->closed |= f->bye[0] && f->bye[1];
        }
        ca_stream_t *s = media_stream(f, h.ssrc, from, true, h.packet_type, frame, ts_us, len);
        if (s) {
            ca_rtcp_shape_t shape = ca_rtcp_shape(whole);
            s->rtcp_shaped += shape != CA_RTCP_UNSHAPED;
            s->rtcp_exact += shape == CA_RTCP_EXACT;
            ca_opacity_rtcp(&s->opacity, whole, flow_srtp_profile(f), frame);
            if (p->keylog)
                authenticate(p, f, from, s, frame, ts_us, whole);
        } else {
            p->stats.stream_packets_dropped++;
        }
        return;
    }
    ca_rtp_t h;
    if (ca_rtp_decode(&c, &h) != CA_OK) {
        ca_pipeline_skip(p, CA_SKIP_RTP_MALFORMED);
        return;
    }
    f->rtp++;
    ca_stream_t *s = media_stream(f, h.ssrc, from, false, h.payload_type, frame, ts_us, len);
    if (!s) {
        p->stats.stream_packets_dropped++;
        return;
    }
    /* RFC 3550 A.1: a sequence number a little ahead (losses), a timestamp
     * not behind (video packets of one frame share theirs) */
    uint16_t step = (uint16_t)(h.seq - s->last_seq);
    if (s->packets > 1 && step >= 1 && step <= 100 && h.timestamp - s->last_timestamp < 0x80000000u)
        s->in_order++;
    s->last_seq = h.seq;
    s->last_timestamp = h.timestamp;
    if (h.extension) {
        s->header_extensions++;
        s->opacity.ext_profile = h.ext_profile;
    }
    ca_opacity_rtp(&s->opacity, h.seq, h.timestamp, h.payload, h.ext_profile, h.ext,
                   flow_srtp_profile(f), p->payload_cut, frame);
    if (p->keylog)
        authenticate(p, f, from, s, frame, ts_us, whole);
}

/* TURN (RFC 8656): media relayed in Send/Data indications or ChannelData is
 * analysed as an inner flow: between the client and the peer for indications,
 * keyed by the channel on the client-server flow for ChannelData. */
static void on_stun(ca_pipeline_t *p, ca_flow_t *f, uint8_t from, const ca_endpoint_t *src,
                    const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us, ca_cursor_t c,
                    int depth)
{
    ca_stun_t msg;
    ca_cursor_t whole = c;
    if (ca_stun_decode(&c, &msg) != CA_OK) {
        /* Without the magic cookie, on a flow that never carried STUN, the
         * bytes only share STUN's first-byte range (a DNS or mDNS id below
         * 0x4000): not STUN at all, rather than STUN gone wrong. */
        ca_pipeline_skip(p, ca_stun_looks_like(&whole) || f->stun ? CA_SKIP_STUN_MALFORMED
                                                                  : CA_SKIP_UNKNOWN_PAYLOAD);
        return;
    }
    f->stun++;
    if (f->packets == 1 && (msg.klass == CA_STUN_CLASS_SUCCESS || msg.klass == CA_STUN_CLASS_ERROR))
        f->opened_with_response = true;
    if (msg.has_username && msg.method == CA_STUN_METHOD_BINDING &&
        msg.klass == CA_STUN_CLASS_REQUEST) {
        /* one cut short would match no SDP and no other check: not kept */
        if (msg.username_truncated)
            ca_pipeline_skip(p, CA_SKIP_STUN_USERNAME_LONG);
        else if (!ca_flow_set_ice_username(f, from, msg.username))
            ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
    }
    /* RFC 8656 12.1: a ChannelBind names the peer its ChannelData reach */
    if (msg.method == CA_STUN_METHOD_CHANNEL_BIND && msg.klass == CA_STUN_CLASS_REQUEST &&
        msg.has_channel && msg.has_peer) {
        bool known = false;
        for (size_t i = 0; i < f->n_turn_channels; i++)
            known |= f->turn_channels[i].number == msg.channel;
        if (!known && f->n_turn_channels < CA_FLOW_MAX_CHANNELS) {
            f->turn_channels[f->n_turn_channels].number = msg.channel;
            f->turn_channels[f->n_turn_channels].client = *src;
            f->turn_channels[f->n_turn_channels++].peer = msg.peer;
        }
    }
    if (msg.klass == CA_STUN_CLASS_INDICATION && msg.has_data && msg.has_peer &&
        (msg.method == CA_STUN_METHOD_SEND || msg.method == CA_STUN_METHOD_DATA) &&
        depth < MAX_TURN_DEPTH) {
        if (msg.method == CA_STUN_METHOD_SEND)
            ca_pipeline_demux(p, src, &msg.peer, CA_IPPROTO_UDP, 0, frame, ts_us, msg.data,
                              depth + 1);
        else
            ca_pipeline_demux(p, &msg.peer, dst, CA_IPPROTO_UDP, 0, frame, ts_us, msg.data,
                              depth + 1);
    }
}

/* The flow of a packet from SRC to DST, touched; NULL (counted) when the
 * table cannot grow. */
ca_flow_t *ca_pipeline_flow_for(ca_pipeline_t *p, const ca_endpoint_t *src,
                                const ca_endpoint_t *dst, uint8_t transport, uint16_t channel,
                                uint64_t frame, int64_t ts_us, int depth, uint8_t *from)
{
    ca_flow_t *f = ca_flow_lookup(p->flows, src, dst, transport, channel, from);
    if (!f) {
        ca_pipeline_skip(p, CA_SKIP_TABLE_FULL);
        return NULL;
    }
    if (f->packets == 0 && p->last_drop_us && ts_us - p->last_drop_us < DROP_SHADOW_US)
        f->capture_drops += p->last_drop_count;
    flow_touch(f, frame, ts_us);
    f->sent[*from]++;
    f->relayed |= depth > 0;
    if (depth > 0)
        f->relay_hop = p->hop_transport;
    f->truncated += p->frame_truncated;
    return f;
}

/* RFC 7983 7: the first byte of a datagram tells what it carries. */
void ca_pipeline_demux(ca_pipeline_t *p, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                       uint8_t transport, uint16_t channel, uint64_t frame, int64_t ts_us,
                       ca_cursor_t c, int depth)
{
    uint8_t first;
    if (ca_cursor_peek_u8(&c, &first) != CA_OK) {
        ca_pipeline_skip(p, CA_SKIP_UNKNOWN_PAYLOAD);
        return;
    }
    if (depth == 0)
        p->hop_transport = transport;
    if (first >= 64 && first <= 79 && depth < MAX_TURN_DEPTH) {
        uint16_t ch;
        ca_cursor_t inner;
        if (ca_turn_channel_decode(&c, &ch, &inner) != CA_OK) {
            /* ChannelData comes on a flow that has spoken TURN; elsewhere a
             * first byte of 64-79 is just text ('M-SEARCH', SSDP) */
            uint8_t side;
            const ca_flow_t *outer = ca_flow_lookup(p->flows, src, dst, transport, 0, &side);
            ca_pipeline_skip(p, outer && outer->stun ? CA_SKIP_STUN_MALFORMED
                                                     : CA_SKIP_UNKNOWN_PAYLOAD);
            return;
        }
        /* Bound to a peer: the same inner flow as Send/Data indications to
         * it (a session often starts with those and moves to the channel). */
        uint8_t side;
        ca_flow_t *outer = ca_flow_lookup(p->flows, src, dst, transport, 0, &side);
        for (size_t i = 0; outer && i < outer->n_turn_channels; i++) {
            if (outer->turn_channels[i].number != ch)
                continue;
            const ca_endpoint_t *client = &outer->turn_channels[i].client;
            const ca_endpoint_t *peer = &outer->turn_channels[i].peer;
            /* the relay reaches the peer over UDP, whatever the client's transport */
            if (ca_endpoint_equal(src, client))
                ca_pipeline_demux(p, src, peer, CA_IPPROTO_UDP, 0, frame, ts_us, inner, depth + 1);
            else
                ca_pipeline_demux(p, peer, dst, CA_IPPROTO_UDP, 0, frame, ts_us, inner, depth + 1);
            return;
        }
        ca_pipeline_demux(p, src, dst, transport, ch, frame, ts_us, inner, depth + 1);
        return;
    }
    uint8_t from;
    ca_flow_t *f =
        ca_pipeline_flow_for(p, src, dst, transport, channel, frame, ts_us, depth, &from);
    if (!f)
        return;
    p->frame_relevant = first <= 3 || ca_dtls_first_byte(first) || (first >= 128 && first <= 191);
    if (first <= 3)
        on_stun(p, f, from, src, dst, frame, ts_us, c, depth);
    else if (ca_dtls_first_byte(first))
        ca_pipeline_on_dtls(p, f, src, dst, frame, ts_us, c);
    else if (first >= 128 && first <= 191)
        ca_pipeline_on_media(p, f, from, frame, ts_us, c, ca_rtp_is_rtcp(&c));
    else {
        f->other++;
        ca_pipeline_skip(p, CA_SKIP_UNKNOWN_PAYLOAD);
    }
}

size_t ca_pipeline_sdps(const ca_pipeline_t *p, const ca_sdp_t *const **sdps,
                        const uint64_t **frames)
{
    *sdps = (const ca_sdp_t *const *)p->sdps;
    *frames = p->sdp_frames;
    return p->n_sdps;
}

void ca_pipeline_event_frame(ca_pipeline_t *p, int64_t ts_us, uint32_t caplen, uint32_t len)
{
    p->stats.frames++;
    p->stats.bytes += len;
    if (p->stats.first_us == 0) {
        p->stats.first_us = ts_us;
        p->last_expiry_us = ts_us;
    }
    p->stats.last_us = ts_us;
    expire_flows(p, ts_us);
    bool truncated = caplen < len;
    p->stats.truncated_frames += truncated;
    if (truncated && caplen > p->stats.cut_at)
        p->stats.cut_at = caplen;
    p->frame_truncated = truncated;
    p->payload_cut = false;
    p->frame_relevant = false;
}

void ca_pipeline_frame(ca_pipeline_t *p, int dlt, uint64_t frame_no, int64_t ts_us,
                       const uint8_t *data, uint32_t caplen, uint32_t len)
{
    ca_cursor_t c = ca_cursor_make(data, caplen);
    ca_net_t net;
    ca_ip_t ip;
    ca_udp_t udp;
    bool truncated = caplen < len;
    ca_pipeline_event_frame(p, ts_us, caplen, len);

    if (ca_link_decode(dlt, &c, &net) != CA_OK) {
        ca_pipeline_skip(p, CA_SKIP_LINK);
        return;
    }
    if (net == CA_NET_OTHER) {
        ca_pipeline_skip(p, CA_SKIP_NOT_IP);
        return;
    }
    ca_err_t rc = ca_ip_decode(net, &c, truncated, &ip);
    if (rc != CA_OK) {
        ca_pipeline_skip(p, rc == CA_ERR_TRUNCATED && truncated ? CA_SKIP_IP_TRUNCATED
                                                                : CA_SKIP_IP_MALFORMED);
        return;
    }
    /* A cut fragment or TCP segment would leave a hole the reassemblers
     * cannot mark; a cut UDP datagram goes on, its headers readable. */
    if (ip.cut && (ip.fragment || ip.proto != CA_IPPROTO_UDP)) {
        ca_pipeline_skip(p, CA_SKIP_IP_TRUNCATED);
        return;
    }
    if (ip.fragment) {
        bool done = false;
        p->frame_relevant = true;
        ca_ipfrag_expire(p->frags, ts_us);
        if (ca_ipfrag_add(p->frags, ts_us, &ip, &done) != CA_OK) {
            ca_pipeline_skip(p, CA_SKIP_FRAGMENT_BAD);
            return;
        }
        if (!done)
            return; /* held; counted by the reassembler if it never completes */
    }
    if (ip.proto == CA_IPPROTO_TCP) {
        ca_pipeline_on_tcp(p, &ip, ip.payload, frame_no, ts_us);
        return;
    }
    if (ip.proto != CA_IPPROTO_UDP) {
        ca_pipeline_skip(p, CA_SKIP_NOT_UDP);
        return;
    }
    p->payload_cut = ip.cut;
    if (ca_udp_decode(&ip.payload, ip.cut, &udp) != CA_OK) {
        ca_pipeline_skip(p, truncated ? CA_SKIP_IP_TRUNCATED : CA_SKIP_UDP_MALFORMED);
        return;
    }
    p->payload_cut = udp.cut;
    ca_endpoint_t src = {ip.src, udp.sport}, dst = {ip.dst, udp.dport};
    ca_pipeline_demux(p, &src, &dst, CA_IPPROTO_UDP, 0, frame_no, ts_us, udp.payload, 0);
}
