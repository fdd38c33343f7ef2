/* endpoint.c - callstack call / answer: one end of a real E2EE call.
 *
 * Signaling (offer/answer over TCP) -> ICE (libnice) -> DTLS 1.2 with the
 * peer's certificate pinned by its a=fingerprint -> SRTP keyed from the DTLS
 * exporter -> a tone both ways for --duration seconds with RTCP sender
 * reports every second -> RTCP BYE -> close_notify -> the report, with the
 * security code computed from both thumbprints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "offer.h"
#include "options.h"
#include "report.h"
#include "signaling.h"

#define RTCP_INTERVAL_MS 1000
#define BYE_GRACE_MS     2000
#define FLUSH_MS         100
#define PEER_WAIT_MS     500

typedef struct {
    const cs_options_t *opt;
    bool caller;
    GMainLoop *loop;
    cs_leg_t *leg;
    cs_media_tx_t tx;
    cs_media_rx_t rx;
    guint media_timer, rtcp_timer, end_timer, setup_timer;
    gint64 media_start_us;
    uint64_t media_frames; /* to send: --duration, more while the peer is still keying */
    bool sent_bye, finishing;
    char error[512];
} endpoint_t;

static void endpoint_fail(endpoint_t *ep, const char *why)
{
    if (!ep->error[0])
        snprintf(ep->error, sizeof ep->error, "%s", why);
    g_main_loop_quit(ep->loop);
}

static void remove_timer(guint *id)
{
    if (*id)
        g_source_remove(*id);
    *id = 0;
}

static gboolean quit_loop(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

/* The call is over: close DTLS and give close_notify a moment to leave. */
static void endpoint_finish(endpoint_t *ep)
{
    if (ep->finishing)
        return;
    ep->finishing = true;
    remove_timer(&ep->media_timer);
    remove_timer(&ep->rtcp_timer);
    remove_timer(&ep->end_timer);
    cs_leg_close(ep->leg);
    g_timeout_add(FLUSH_MS, quit_loop, ep->loop);
}

static void send_rtcp(endpoint_t *ep, bool bye)
{
    uint8_t buf[256 + CS_SRTP_TRAILER];
    size_t n = cs_media_rtcp(&ep->tx, bye, buf, sizeof buf - CS_SRTP_TRAILER);
    if (n > 0)
        (void)cs_leg_send_rtcp(ep->leg, buf, n);
}

/* Send every frame that is due, so timer jitter does not slow the clock. */
static gboolean on_media_tick(gpointer data)
{
    endpoint_t *ep = data;
    gint64 elapsed_ms = (g_get_monotonic_time() - ep->media_start_us) / 1000;
    uint64_t due = (uint64_t)(elapsed_ms / CS_MEDIA_FRAME_MS) + 1;
    while (ep->tx.packets < due && ep->tx.packets < ep->media_frames) {
        uint8_t buf[512 + CS_SRTP_TRAILER];
        size_t n = cs_media_next_rtp(&ep->tx, buf, sizeof buf - CS_SRTP_TRAILER);
        if (n == 0 || cs_leg_send_rtp(ep->leg, buf, n) != 0)
            break;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_rtcp_tick(gpointer data)
{
    send_rtcp(data, false);
    return G_SOURCE_CONTINUE;
}

static gboolean on_bye_grace(gpointer data)
{
    endpoint_t *ep = data;
    ep->end_timer = 0;
    endpoint_finish(ep);
    return G_SOURCE_REMOVE;
}

/* Nothing at all from the peer yet, within the setup bound after --duration:
 * it may still be keying. A DTLS server cannot tell that the client finished
 * but by its media, and when the server's last flight is lost the client
 * resends its own for seconds (RFC 6347 4.2.4.1: 1 s, 2 s, 4 s): hanging up
 * on it then fails a call the network would have let through. */
static bool peer_still_keying(const endpoint_t *ep)
{
    const cs_leg_stats_t *st = cs_leg_stats(ep->leg);
    gint64 elapsed_ms = (g_get_monotonic_time() - ep->media_start_us) / 1000;
    return st->rtp_received + st->rtcp_received + st->media_before_keys + st->plain_received == 0 &&
           elapsed_ms < (gint64)(ep->opt->duration * 1000.0) + (gint64)ep->opt->timeout_s * 1000;
}

static gboolean on_duration_over(gpointer data)
{
    endpoint_t *ep = data;
    ep->end_timer = 0;
    if (peer_still_keying(ep)) {
        ep->media_frames += PEER_WAIT_MS / CS_MEDIA_FRAME_MS;
        ep->end_timer = g_timeout_add(PEER_WAIT_MS, on_duration_over, ep);
        return G_SOURCE_REMOVE;
    }
    on_media_tick(ep); /* the last frames */
    remove_timer(&ep->media_timer);
    remove_timer(&ep->rtcp_timer);
    send_rtcp(ep, true);
    ep->sent_bye = true;
    if (ep->rx.bye)
        endpoint_finish(ep);
    else
        ep->end_timer = g_timeout_add(BYE_GRACE_MS, on_bye_grace, ep);
    return G_SOURCE_REMOVE;
}

static gboolean on_setup_timeout(gpointer data)
{
    endpoint_t *ep = data;
    char why[160];
    ep->setup_timer = 0;
    if (cs_leg_ice_failed(ep->leg))
        snprintf(why, sizeof why, "ICE connectivity checks failed: no candidate pair works");
    else if (!cs_leg_ice_ready(ep->leg))
        snprintf(why, sizeof why, "ICE found no working candidate pair within %u s",
                 ep->opt->timeout_s);
    else
        snprintf(why, sizeof why, "the DTLS handshake did not complete within %u s",
                 ep->opt->timeout_s);
    endpoint_fail(ep, why);
    return G_SOURCE_REMOVE;
}

static void on_ready(cs_leg_t *leg, void *user)
{
    endpoint_t *ep = user;
    (void)leg;
    remove_timer(&ep->setup_timer);
    fprintf(stderr, "callstack: %s: %s, sending media\n", ep->caller ? "caller" : "callee",
            ep->opt->sdes ? "SDES keys set (no DTLS)" : "DTLS handshake complete");
    ep->media_start_us = g_get_monotonic_time();
    ep->media_frames = (uint64_t)(ep->opt->duration * 1000.0 / CS_MEDIA_FRAME_MS);
    on_media_tick(ep);
    ep->media_timer = g_timeout_add(CS_MEDIA_FRAME_MS / 2, on_media_tick, ep);
    ep->rtcp_timer = g_timeout_add(RTCP_INTERVAL_MS, on_rtcp_tick, ep);
    ep->end_timer = g_timeout_add((guint)(ep->opt->duration * 1000.0), on_duration_over, ep);
}

static void on_rtp(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user)
{
    (void)leg;
    cs_media_rx_rtp(&((endpoint_t *)user)->rx, pkt, len);
}

static void on_rtcp(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user)
{
    endpoint_t *ep = user;
    (void)leg;
    cs_media_rx_rtcp(&ep->rx, pkt, len);
    if (ep->rx.bye && ep->sent_bye)
        endpoint_finish(ep);
}

static void on_failed(cs_leg_t *leg, const char *why, void *user)
{
    (void)leg;
    endpoint_fail(user, why);
}

static void on_closed(cs_leg_t *leg, void *user)
{
    endpoint_t *ep = user;
    (void)leg;
    /* A peer whose handshake ended first also hangs up first: that is the end
     * of the call, not a failure, once media came through. */
    if (!ep->sent_bye && !ep->finishing && cs_leg_stats(ep->leg)->rtp_authenticated == 0)
        endpoint_fail(ep, "the peer closed DTLS before any media arrived");
    else
        endpoint_finish(ep);
}

static int write_sdp_out(const char *path, const char *local, const char *remote)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# local\n%s# remote\n%s", local, remote ? remote : "");
    return fclose(f);
}

/* Offer/answer on FD; on success the leg knows its peer and ICE has started. */
static int negotiate(endpoint_t *ep, int fd, char *err, size_t err_size)
{
    const cs_options_t *opt = ep->opt;
    unsigned timeout_ms = opt->timeout_s * 1000;
    char *local = NULL, *remote = NULL;
    size_t remote_len = 0;
    ca_sdp_t *sdp = g_new0(ca_sdp_t, 1);
    const ca_sdp_media_t *audio = NULL;
    ca_sdp_setup_t mine;
    int rc = -1;

    if (cs_leg_gather(ep->leg, timeout_ms, err, err_size) != 0)
        goto out;
    if (opt->sdes) {
        /* No DTLS: each side sends its key in the SDP; nothing to negotiate. */
        uint8_t peer_key[30];
        mine = CA_SDP_SETUP_NONE;
        if (ep->caller) {
            local = cs_offer_build(ep->leg, mine);
            if (cs_sig_send(fd, local, strlen(local), err, err_size) != 0)
                goto out;
        }
        if (cs_sig_recv(fd, timeout_ms, &remote, &remote_len, err, err_size) != 0 ||
            cs_offer_parse(remote, remote_len, sdp, &audio, err, err_size) != 0 ||
            cs_offer_sdes_key(audio, peer_key, err, err_size) != 0)
            goto out;
        cs_leg_set_sdes_remote(ep->leg, peer_key);
        OPENSSL_cleanse(peer_key, sizeof peer_key);
        if (!ep->caller) {
            local = cs_offer_build(ep->leg, mine);
            if (cs_sig_send(fd, local, strlen(local), err, err_size) != 0)
                goto out;
        }
    } else if (ep->caller) {
        mine = CA_SDP_SETUP_ACTPASS;
        local = cs_offer_build(ep->leg, mine);
        if (cs_sig_send(fd, local, strlen(local), err, err_size) != 0 ||
            cs_sig_recv(fd, timeout_ms, &remote, &remote_len, err, err_size) != 0 ||
            cs_offer_parse(remote, remote_len, sdp, &audio, err, err_size) != 0)
            goto out;
        if (audio->setup != CA_SDP_SETUP_ACTIVE && audio->setup != CA_SDP_SETUP_PASSIVE) {
            snprintf(err, err_size, "the answer's a=setup:%s is not active or passive",
                     ca_sdp_setup_name(audio->setup));
            goto out;
        }
        /* RFC 8842 5.3: an answer of active makes the offerer the DTLS server. */
        mine = audio->setup == CA_SDP_SETUP_ACTIVE ? CA_SDP_SETUP_PASSIVE : CA_SDP_SETUP_ACTIVE;
    } else {
        if (cs_sig_recv(fd, timeout_ms, &remote, &remote_len, err, err_size) != 0 ||
            cs_offer_parse(remote, remote_len, sdp, &audio, err, err_size) != 0)
            goto out;
        mine = cs_offer_answer_setup(audio->setup, opt->setup);
        if (mine == CA_SDP_SETUP_NONE) {
            snprintf(err, err_size, "the offer's a=setup:%s leaves no DTLS role",
                     ca_sdp_setup_name(audio->setup));
            goto out;
        }
        local = cs_offer_build(ep->leg, mine);
        if (cs_sig_send(fd, local, strlen(local), err, err_size) != 0)
            goto out;
    }
    if (opt->sdp_out && write_sdp_out(opt->sdp_out, local, remote) != 0) {
        snprintf(err, err_size, "cannot write %s", opt->sdp_out);
        goto out;
    }
    rc = cs_leg_set_remote(ep->leg, audio, cs_offer_is_dtls_client(mine), err, err_size);
out:
    g_free(local);
    free(remote);
    g_free(sdp);
    return rc;
}

int cs_endpoint_run(const cs_options_t *opt, bool caller)
{
    endpoint_t ep;
    cs_cert_t cert;
    char err[512] = "", bind_addr[64];
    int fd = -1, listen_fd = -1, status = 1;
    const char *role = caller ? "caller" : "callee";
    bool have_cert = false;

    memset(&ep, 0, sizeof ep);
    ep.opt = opt;
    ep.caller = caller;
    ep.loop = g_main_loop_new(NULL, FALSE);
    cs_media_tx_init(&ep.tx, opt->tone_hz);
    ep.tx.audio_level = opt->audio_level;
    cs_media_rx_init(&ep.rx, opt->tone_hz);

    if ((opt->cert_path ? cs_cert_load(&cert, opt->cert_path, opt->key_path, err, sizeof err)
                        : cs_cert_generate(&cert, err, sizeof err)) != 0)
        goto report;
    have_cert = true;
    if (opt->cert_out && cs_cert_write_pem(&cert, opt->cert_out) != 0) {
        snprintf(err, sizeof err, "cannot write %s", opt->cert_out);
        goto report;
    }
    if (caller) {
        fd = cs_sig_connect(opt->connect, opt->timeout_s * 1000, err, sizeof err);
    } else {
        listen_fd = cs_sig_listen(opt->listen, err, sizeof err);
        if (listen_fd >= 0)
            fd = cs_sig_accept(listen_fd, opt->wait_s * 1000, err, sizeof err);
    }
    if (fd < 0)
        goto report;
    if (opt->bind)
        snprintf(bind_addr, sizeof bind_addr, "%s", opt->bind);
    else if (cs_sig_local_addr(fd, bind_addr, sizeof bind_addr) != 0) {
        snprintf(err, sizeof err, "cannot tell the local address of the signaling connection");
        goto report;
    }

    cs_leg_config_t cfg = {.name = role,
                           .ctx = g_main_context_default(),
                           .controlling = caller,
                           .cert = &cert,
                           .bind_addr = bind_addr,
                           .mtu = opt->mtu,
                           .keylog_path = opt->keylog_path,
                           .srtp_profiles = opt->srtp_profile,
                           .cipher_list = opt->cipher_list,
                           .no_ems = opt->no_ems,
                           .no_etm = opt->no_etm,
                           .ice_tcp = opt->ice_tcp,
                           .long_ice = opt->long_ice,
                           .turn = opt->turn,
                           .fault = opt->fault};
    uint8_t sdes_key[30];
    if (opt->sdes) {
        if (RAND_bytes(sdes_key, sizeof sdes_key) != 1) {
            snprintf(err, sizeof err, "no randomness for the SDES key");
            goto report;
        }
        cfg.sdes_key = sdes_key;
    }
    cs_leg_events_t events = {on_ready, on_rtp, on_rtcp, on_failed, on_closed};
    ep.leg = cs_leg_new(&cfg, &events, &ep, err, sizeof err);
    if (!ep.leg || negotiate(&ep, fd, err, sizeof err) != 0)
        goto report;

    ep.setup_timer = g_timeout_add(opt->timeout_s * 1000, on_setup_timeout, &ep);
    g_main_loop_run(ep.loop);
    remove_timer(&ep.setup_timer);
    remove_timer(&ep.media_timer);
    remove_timer(&ep.rtcp_timer);
    remove_timer(&ep.end_timer);

    const cs_leg_stats_t *st = cs_leg_stats(ep.leg);
    if (ep.error[0])
        snprintf(err, sizeof err, "%s", ep.error);
    else if (st->rtp_authenticated == 0 &&
             !(opt->fault == CS_FAULT_NO_ENCRYPT && st->plain_received > 0))
        snprintf(err, sizeof err, "no authenticated media arrived from the peer");
    else if (ep.rx.tone_frames * 10 < ep.rx.packets * 9)
        snprintf(err, sizeof err, "the media did not carry the expected %.0f Hz tone",
                 opt->tone_hz);
    else
        status = 0;

report:
    if (have_cert) {
        cs_report_t r = {role, ep.leg, &cert, &ep.tx, &ep.rx, status == 0 ? NULL : err};
        cs_report_print(stdout, &r, opt->json);
    }
    if (status != 0)
        fprintf(stderr, "callstack %s: %s\n", caller ? "call" : "answer", err);
    cs_leg_free(ep.leg);
    if (have_cert)
        cs_cert_free(&cert);
    if (fd >= 0)
        close(fd);
    if (listen_fd >= 0)
        close(listen_fd);
    g_main_loop_unref(ep.loop);
    return status;
}
