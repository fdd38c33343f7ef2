/* leg.c - ICE with libnice and RFC 7983 demultiplexing of what arrives on the
 * selected pair; DTLS and SRTP keying live in leg_dtls.c. */
#include "leg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

void cs_leg_fail(cs_leg_t *leg, const char *fmt, ...)
{
    char why[320];
    va_list ap;
    if (leg->failed)
        return; /* the first reason is the one that matters */
    leg->failed = true;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (leg->events.failed)
        leg->events.failed(leg, why, leg->user);
}

int cs_leg_send_datagram(cs_leg_t *leg, const uint8_t *buf, size_t len)
{
    if (len > G_MAXUINT ||
        nice_agent_send(leg->agent, leg->stream_id, 1, (guint)len, (const gchar *)buf) < 0) {
        leg->stats.send_failures++;
        return -1;
    }
    return 0;
}

static void on_gathering_done(NiceAgent *agent, guint stream_id, gpointer data)
{
    cs_leg_t *leg = data;
    (void)agent;
    (void)stream_id;
    leg->gathered = true;
}

/* Test only: what a stack that starts its media before keying does. */
static void send_early_media(cs_leg_t *leg)
{
    uint8_t pkt[12 + 160];
    for (uint16_t i = 0; i < 10; i++) {
        memset(pkt, 0xff, sizeof pkt); /* PCMU silence */
        pkt[0] = 0x80;
        pkt[1] = 0;
        pkt[2] = (uint8_t)(i >> 8);
        pkt[3] = (uint8_t)i;
        memset(pkt + 4, 0, 4);
        pkt[8] = 0x0e, pkt[9] = 0xa7, pkt[10] = 0x1e, pkt[11] = 0xd1; /* SSRC 0x0ea71ed1 */
        (void)cs_leg_send_datagram(leg, pkt, sizeof pkt);
    }
}

static void on_component_state(NiceAgent *agent, guint stream_id, guint component, guint state,
                               gpointer data)
{
    cs_leg_t *leg = data;
    (void)agent;
    (void)stream_id;
    (void)component;
    if (state == NICE_COMPONENT_STATE_READY && !leg->ice_ready) {
        leg->ice_ready = true;
        if (leg->cfg.fault == CS_FAULT_EARLY_MEDIA)
            send_early_media(leg);
        if (leg->cfg.sdes_key)
            cs_leg_sdes_start(leg);
        else
            cs_leg_dtls_start(leg);
    } else if (state == NICE_COMPONENT_STATE_FAILED && !leg->handshake_done) {
        /* libnice declares failure when its check list runs out, but checks
         * triggered by the peer can still succeed on a lossy path: the
         * owner's setup bound decides, and names this as the cause. */
        leg->ice_failed = true;
    } else if (state == NICE_COMPONENT_STATE_READY || state == NICE_COMPONENT_STATE_CONNECTED) {
        leg->ice_failed = false;
    }
}

/* RFC 5761 4: RTCP packet types 192-223 share the port with RTP. */
static bool is_rtcp(const uint8_t *buf, size_t len)
{
    return len >= 2 && buf[1] >= 192 && buf[1] <= 223;
}

static void receive_media(cs_leg_t *leg, const uint8_t *buf, size_t len)
{
    uint8_t pkt[2048];
    bool rtcp = is_rtcp(buf, len);
    if (!leg->srtp_in) {
        leg->stats.media_before_keys++;
        return;
    }
    if (len > sizeof pkt) {
        leg->stats.unknown_datagrams++;
        return;
    }
    memcpy(pkt, buf, len);
    int n = (int)len;
    if (leg->cfg.fault == CS_FAULT_NO_ENCRYPT) {
        leg->stats.plain_received++;
        if (rtcp && leg->events.rtcp)
            leg->events.rtcp(leg, pkt, len, leg->user);
        else if (!rtcp && leg->events.rtp)
            leg->events.rtp(leg, pkt, len, leg->user);
        return;
    }
    if (rtcp) {
        leg->stats.rtcp_received++;
        if (srtp_unprotect_rtcp(leg->srtp_in, pkt, &n) != srtp_err_status_ok) {
            leg->stats.rtcp_rejected++;
            return;
        }
        leg->stats.rtcp_authenticated++;
        if (leg->events.rtcp)
            leg->events.rtcp(leg, pkt, (size_t)n, leg->user);
        return;
    }
    leg->stats.rtp_received++;
    srtp_err_status_t st = srtp_unprotect(leg->srtp_in, pkt, &n);
    if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old) {
        leg->stats.rtp_replayed++; /* a duplicate on the path, not a forgery */
        return;
    }
    if (st != srtp_err_status_ok) {
        leg->stats.rtp_rejected++;
        return;
    }
    leg->stats.rtp_authenticated++;
    if (leg->events.rtp)
        leg->events.rtp(leg, pkt, (size_t)n, leg->user);
}

/* RFC 7983 7: the first byte tells STUN (0-3, consumed by libnice before this
 * callback), DTLS (20-63) and RTP/RTCP (128-191) apart. */
static void on_receive(NiceAgent *agent, guint stream_id, guint component, guint len, gchar *buf,
                       gpointer data)
{
    cs_leg_t *leg = data;
    const uint8_t *p = (const uint8_t *)buf;
    (void)agent;
    (void)stream_id;
    (void)component;
    if (len == 0)
        return;
    if (p[0] >= 20 && p[0] <= 63)
        cs_leg_dtls_receive(leg, p, len);
    else if (p[0] >= 128 && p[0] <= 191)
        receive_media(leg, p, len);
    else
        leg->stats.unknown_datagrams++;
}

/* TURN (RFC 8656) for every candidate pair: a relayed candidate from the
 * server, and force-relay so that no host pair is used even on one host.
 * SPEC is USER:PASS@ADDR:PORT, with "/tcp" to reach the server over TCP
 * (RFC 6062's client-to-server leg: STUN and padded ChannelData framed on
 * one connection, what browsers fall back to behind UDP-blocking firewalls). */
static int set_turn(cs_leg_t *leg, const char *spec, char *err, size_t err_size)
{
    char user[64], pass[64], host[64], tail[8] = "";
    unsigned port = 0;
    const char *at = strrchr(spec, '@'), *colon = at ? strchr(spec, ':') : NULL;
    const char *pcolon = at ? strrchr(at, ':') : NULL;
    int fields = pcolon ? sscanf(pcolon + 1, "%u%7s", &port, tail) : 0;
    bool tcp = fields == 2 && strcmp(tail, "/tcp") == 0;
    if (!at || !colon || colon > at || !pcolon || (size_t)(colon - spec) >= sizeof user ||
        (size_t)(at - colon - 1) >= sizeof pass || (size_t)(pcolon - at - 1) >= sizeof host ||
        fields < 1 || (fields == 2 && !tcp) || port == 0 || port > 65535) {
        snprintf(err, err_size, "%s: --turn '%s' is not USER:PASS@ADDR:PORT[/tcp]", leg->name,
                 spec);
        return -1;
    }
    snprintf(user, sizeof user, "%.*s", (int)(colon - spec), spec);
    snprintf(pass, sizeof pass, "%.*s", (int)(at - colon - 1), colon + 1);
    snprintf(host, sizeof host, "%.*s", (int)(pcolon - at - 1), at + 1);
    if (!nice_agent_set_relay_info(leg->agent, leg->stream_id, 1, host, port, user, pass,
                                   tcp ? NICE_RELAY_TYPE_TURN_TCP : NICE_RELAY_TYPE_TURN_UDP)) {
        snprintf(err, err_size, "%s: libnice refuses TURN server %s:%u", leg->name, host, port);
        return -1;
    }
    g_object_set(leg->agent, "force-relay", TRUE, NULL);
    return 0;
}

/* RFC 8839 5.4: ufrag and password of up to 256 ice-chars. libnice makes
 * 4 and 22 (the least); some stacks send far longer, and an auditor that cut
 * them would lose the ICE session that ties a call's candidate pairs. */
static int set_long_credentials(cs_leg_t *leg, char *err, size_t err_size)
{
    static const char ice_chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t rnd[2 * 256];
    char ufrag[257], pwd[257];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        snprintf(err, err_size, "%s: no randomness for ICE credentials", leg->name);
        return -1;
    }
    for (size_t i = 0; i < 256; i++) {
        ufrag[i] = ice_chars[rnd[i] % 64];
        pwd[i] = ice_chars[rnd[256 + i] % 64];
    }
    ufrag[256] = pwd[256] = '\0';
    if (!nice_agent_set_local_credentials(leg->agent, leg->stream_id, ufrag, pwd)) {
        snprintf(err, err_size, "%s: libnice refuses 256-character ICE credentials", leg->name);
        return -1;
    }
    return 0;
}

cs_leg_t *cs_leg_new(const cs_leg_config_t *cfg, const cs_leg_events_t *events, void *user,
                     char *err, size_t err_size)
{
    cs_leg_t *leg = g_new0(cs_leg_t, 1);
    NiceAddress addr;
    leg->cfg = *cfg;
    leg->events = *events;
    leg->user = user;
    snprintf(leg->name, sizeof leg->name, "%s", cfg->name);
    if (leg->cfg.mtu == 0)
        leg->cfg.mtu = 1200;

    leg->agent = nice_agent_new(cfg->ctx, NICE_COMPATIBILITY_RFC5245);
    if (!leg->agent) {
        snprintf(err, err_size, "%s: cannot create an ICE agent", cfg->name);
        goto fail;
    }
    g_object_set(leg->agent, "controlling-mode", cfg->controlling, "upnp", FALSE, "ice-tcp",
                 cfg->ice_tcp, "ice-udp", !cfg->ice_tcp, NULL);
    /* libnice skips loopback when it enumerates interfaces; naming the address
     * also keeps the candidate set to the one interface that reaches the peer. */
    nice_address_init(&addr);
    if (!nice_address_set_from_string(&addr, cfg->bind_addr) ||
        !nice_agent_add_local_address(leg->agent, &addr)) {
        snprintf(err, err_size, "%s: cannot use local address %s", cfg->name, cfg->bind_addr);
        goto fail;
    }
    leg->stream_id = nice_agent_add_stream(leg->agent, 1);
    if (leg->stream_id == 0) {
        snprintf(err, err_size, "%s: cannot add an ICE stream", cfg->name);
        goto fail;
    }
    if (cfg->long_ice && set_long_credentials(leg, err, err_size) != 0)
        goto fail;
    if (cfg->turn && set_turn(leg, cfg->turn, err, err_size) != 0)
        goto fail;
    g_signal_connect(leg->agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), leg);
    g_signal_connect(leg->agent, "component-state-changed", G_CALLBACK(on_component_state), leg);
    nice_agent_attach_recv(leg->agent, leg->stream_id, 1, cfg->ctx, on_receive, leg);
    if (cs_leg_dtls_init(leg, err, err_size) != 0)
        goto fail;
    return leg;
fail:
    cs_leg_free(leg);
    return NULL;
}

void cs_leg_free(cs_leg_t *leg)
{
    if (!leg)
        return;
    cs_leg_dtls_free(leg);
    if (leg->agent) {
        if (leg->stream_id)
            nice_agent_attach_recv(leg->agent, leg->stream_id, 1, leg->cfg.ctx, NULL, NULL);
        g_object_unref(leg->agent);
    }
    g_free(leg);
}

int cs_leg_gather(cs_leg_t *leg, unsigned timeout_ms, char *err, size_t err_size)
{
    if (!nice_agent_gather_candidates(leg->agent, leg->stream_id)) {
        snprintf(err, err_size, "%s: candidate gathering failed on %s", leg->name,
                 leg->cfg.bind_addr);
        return -1;
    }
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (!leg->gathered && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(leg->cfg.ctx, FALSE))
            g_usleep(1000);
    }
    if (!leg->gathered) {
        snprintf(err, err_size, "%s: candidate gathering timed out", leg->name);
        return -1;
    }
    return 0;
}

void cs_leg_append_sdp_attrs(cs_leg_t *leg, GString *sdp)
{
    gchar *ufrag = NULL, *pwd = NULL;
    char hex[CA_THUMBPRINT_TEXT_LEN];
    uint8_t advertised[CA_SHA256_LEN];

    if (nice_agent_get_local_credentials(leg->agent, leg->stream_id, &ufrag, &pwd)) {
        g_string_append_printf(sdp, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ufrag, pwd);
        g_free(ufrag);
        g_free(pwd);
    }
    if (leg->cfg.sdes_key) {
        /* RFC 4568 9.1: the master key and salt travel, base64, in the SDP */
        char b64[48];
        EVP_EncodeBlock((unsigned char *)b64, leg->cfg.sdes_key, 30);
        g_string_append_printf(sdp, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n", b64);
    } else {
        memcpy(advertised, leg->cfg.cert->thumbprint, sizeof advertised);
        if (leg->cfg.fault == CS_FAULT_WRONG_FINGERPRINT)
            advertised[0] ^= 0xff;
        ca_hex_colon(advertised, sizeof advertised, hex, sizeof hex);
        g_string_append_printf(sdp, "a=fingerprint:sha-256 %s\r\n", hex);
    }

    GSList *cands = nice_agent_get_local_candidates(leg->agent, leg->stream_id, 1);
    for (GSList *i = cands; i; i = i->next) {
        gchar *line = nice_agent_generate_local_candidate_sdp(leg->agent, i->data);
        if (line) {
            g_string_append_printf(sdp, "%s\r\n", line);
            g_free(line);
        }
    }
    g_slist_free_full(cands, (GDestroyNotify)nice_candidate_free);
    g_string_append(sdp, "a=end-of-candidates\r\n");
}

void cs_leg_default_candidate(cs_leg_t *leg, char *addr, size_t addr_size, unsigned *port)
{
    GSList *cands = nice_agent_get_local_candidates(leg->agent, leg->stream_id, 1);
    snprintf(addr, addr_size, "%s", leg->cfg.bind_addr);
    *port = 9; /* RFC 8839 4.2.1.1's placeholder when no candidate is known */
    if (cands) {
        NiceCandidate *c = cands->data;
        char text[NICE_ADDRESS_STRING_LEN];
        nice_address_to_string(&c->addr, text);
        snprintf(addr, addr_size, "%s", text);
        *port = nice_address_get_port(&c->addr);
    }
    g_slist_free_full(cands, (GDestroyNotify)nice_candidate_free);
}

int cs_leg_set_remote(cs_leg_t *leg, const ca_sdp_media_t *remote, bool dtls_client, char *err,
                      size_t err_size)
{
    if (remote->ice_ufrag[0] == '\0' || remote->ice_pwd[0] == '\0') {
        snprintf(err, err_size, "%s: the peer's SDP has no ICE credentials", leg->name);
        return -1;
    }
    if (!leg->cfg.sdes_key &&
        (!remote->has_fingerprint || strcmp(remote->fingerprint.hash, "sha-256") != 0 ||
         remote->fingerprint.len != CA_SHA256_LEN)) {
        snprintf(err, err_size, "%s: the peer's SDP has no a=fingerprint:sha-256", leg->name);
        return -1;
    }
    if (remote->n_candidates == 0) {
        snprintf(err, err_size, "%s: the peer's SDP has no ICE candidate", leg->name);
        return -1;
    }
    memcpy(leg->expected_thumbprint, remote->fingerprint.bytes, CA_SHA256_LEN);
    leg->have_expected = !leg->cfg.sdes_key;
    leg->dtls_client = dtls_client;

    GSList *list = NULL;
    for (size_t i = 0; i < remote->n_candidates; i++) {
        const ca_sdp_candidate_t *rc = &remote->candidates[i];
        gchar *line =
            g_strdup_printf("a=candidate:%s %u %s %u %s %u typ %s%s%s", rc->foundation,
                            rc->component, rc->transport, rc->priority, rc->addr, rc->port,
                            rc->type, rc->tcptype[0] ? " tcptype " : "", rc->tcptype);
        NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(leg->agent, leg->stream_id, line);
        g_free(line);
        if (c && c->component_id == 1)
            list = g_slist_append(list, c);
        else if (c)
            nice_candidate_free(c);
    }
    if (!list) {
        snprintf(err, err_size, "%s: none of the peer's ICE candidates could be used", leg->name);
        return -1;
    }
    gboolean creds = nice_agent_set_remote_credentials(leg->agent, leg->stream_id,
                                                       remote->ice_ufrag, remote->ice_pwd);
    int added = nice_agent_set_remote_candidates(leg->agent, leg->stream_id, 1, list);
    g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
    if (!creds || added < 0) {
        snprintf(err, err_size, "%s: libnice refused the peer's ICE parameters", leg->name);
        return -1;
    }
    if (added == 0) {
        snprintf(err, err_size,
                 "%s: no candidate of the peer uses a transport this side gathered (%s): "
                 "--ice-tcp on one side only?",
                 leg->name, leg->cfg.ice_tcp ? "TCP" : "UDP");
        return -1;
    }
    return 0;
}

void cs_leg_set_sdes_remote(cs_leg_t *leg, const uint8_t key[30])
{
    memcpy(leg->sdes_remote, key, sizeof leg->sdes_remote);
}

bool cs_leg_is_ready(const cs_leg_t *leg)
{
    return leg->srtp_out != NULL && !leg->closed;
}

bool cs_leg_ice_ready(const cs_leg_t *leg)
{
    return leg->ice_ready;
}

bool cs_leg_ice_failed(const cs_leg_t *leg)
{
    return leg->ice_failed;
}

const cs_leg_stats_t *cs_leg_stats(const cs_leg_t *leg)
{
    return &leg->stats;
}

bool cs_leg_dtls_client(const cs_leg_t *leg)
{
    return leg->dtls_client;
}

const uint8_t *cs_leg_remote_thumbprint(const cs_leg_t *leg)
{
    return leg->handshake_done ? leg->remote_thumbprint : NULL;
}

const char *cs_leg_cipher_suite(const cs_leg_t *leg)
{
    return leg->cipher_suite;
}

const char *cs_leg_srtp_profile(const cs_leg_t *leg)
{
    return leg->srtp_profile;
}

const char *cs_leg_name(const cs_leg_t *leg)
{
    return leg->name;
}
