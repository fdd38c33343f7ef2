/* relay.c - callstack relay: the signaling service between caller and callee.
 *
 * Without --mitm it forwards the offer and the answer untouched, as an honest
 * (but untrusted) signaling server does; media flows directly between the
 * endpoints. With --mitm it is the attack the security code exists to expose:
 * it answers the caller and calls the callee itself, each leg with its own
 * fresh certificate and the SDP fingerprints rewritten to match, terminates
 * DTLS on both legs and re-encrypts the media between them. Both calls work;
 * the caller and the callee then show different security codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offer.h"
#include "options.h"
#include "report.h"
#include "signaling.h"

#define FLUSH_MS 100

typedef struct {
    const cs_options_t *opt;
    GMainLoop *loop;
    cs_leg_t *leg_a;          /* toward the caller: the relay answers */
    cs_leg_t *leg_b;          /* toward the callee: the relay offers */
    cs_media_rx_t rx_a, rx_b; /* what each leg received, to see the BYEs */
    uint64_t forwarded_a_to_b, forwarded_b_to_a, dropped;
    guint setup_timer;
    int ready_legs;
    bool finishing;
    char error[512];
} relay_t;

static gboolean quit_loop(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

static void relay_finish(relay_t *r)
{
    if (r->finishing)
        return;
    r->finishing = true;
    cs_leg_close(r->leg_a);
    cs_leg_close(r->leg_b);
    g_timeout_add(FLUSH_MS, quit_loop, r->loop);
}

static void relay_fail(relay_t *r, const char *why)
{
    if (!r->error[0])
        snprintf(r->error, sizeof r->error, "%s", why);
    g_main_loop_quit(r->loop);
}

static cs_leg_t *other_leg(relay_t *r, cs_leg_t *leg)
{
    return leg == r->leg_a ? r->leg_b : r->leg_a;
}

/* Re-encrypt a packet decrypted on one leg for the other. */
static void forward(relay_t *r, cs_leg_t *from, const uint8_t *pkt, size_t len, bool rtcp)
{
    uint8_t buf[2048 + CS_SRTP_TRAILER];
    cs_leg_t *to = other_leg(r, from);
    if (len > sizeof buf - CS_SRTP_TRAILER || !cs_leg_is_ready(to)) {
        r->dropped++;
        return;
    }
    memcpy(buf, pkt, len);
    int rc = rtcp ? cs_leg_send_rtcp(to, buf, len) : cs_leg_send_rtp(to, buf, len);
    if (rc != 0)
        r->dropped++;
    else if (from == r->leg_a)
        r->forwarded_a_to_b++;
    else
        r->forwarded_b_to_a++;
}

static void on_ready(cs_leg_t *leg, void *user)
{
    relay_t *r = user;
    fprintf(stderr, "callstack relay: %s: DTLS handshake complete\n", cs_leg_name(leg));
    if (++r->ready_legs == 2 && r->setup_timer) {
        g_source_remove(r->setup_timer);
        r->setup_timer = 0;
    }
}

static void on_rtp(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user)
{
    forward(user, leg, pkt, len, false);
}

static void on_rtcp(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user)
{
    relay_t *r = user;
    cs_media_rx_rtcp(leg == r->leg_a ? &r->rx_a : &r->rx_b, pkt, len);
    forward(r, leg, pkt, len, true);
    if (r->rx_a.bye && r->rx_b.bye)
        relay_finish(r);
}

static void on_failed(cs_leg_t *leg, const char *why, void *user)
{
    (void)leg;
    relay_fail(user, why);
}

static void on_closed(cs_leg_t *leg, void *user)
{
    relay_t *r = user;
    (void)leg;
    relay_finish(r);
}

static gboolean on_setup_timeout(gpointer data)
{
    relay_t *r = data;
    char why[128];
    r->setup_timer = 0;
    snprintf(why, sizeof why, "both legs were not up within %u s", r->opt->timeout_s);
    relay_fail(r, why);
    return G_SOURCE_REMOVE;
}

/* The relay answers the caller's offer on leg A and offers to the callee on leg B. */
static int mitm_negotiate(relay_t *r, int fd_a, int fd_b, const ca_sdp_media_t *offer_a, char *err,
                          size_t err_size)
{
    unsigned timeout_ms = r->opt->timeout_s * 1000;
    char *offer_b = NULL, *answer_a = NULL, *answer_b = NULL;
    size_t answer_b_len = 0;
    ca_sdp_t *sdp_b = g_new0(ca_sdp_t, 1);
    const ca_sdp_media_t *audio_b = NULL;
    int rc = -1;

    if (cs_leg_gather(r->leg_a, timeout_ms, err, err_size) != 0 ||
        cs_leg_gather(r->leg_b, timeout_ms, err, err_size) != 0)
        goto out;
    offer_b = cs_offer_build(r->leg_b, CA_SDP_SETUP_ACTPASS);
    if (cs_sig_send(fd_b, offer_b, strlen(offer_b), err, err_size) != 0 ||
        cs_sig_recv(fd_b, timeout_ms, &answer_b, &answer_b_len, err, err_size) != 0 ||
        cs_offer_parse(answer_b, answer_b_len, sdp_b, &audio_b, err, err_size) != 0)
        goto out;
    if (audio_b->setup != CA_SDP_SETUP_ACTIVE && audio_b->setup != CA_SDP_SETUP_PASSIVE) {
        snprintf(err, err_size, "the callee's a=setup is not active or passive");
        goto out;
    }
    ca_sdp_setup_t mine_a = cs_offer_answer_setup(offer_a->setup, CA_SDP_SETUP_ACTIVE);
    if (mine_a == CA_SDP_SETUP_NONE) {
        snprintf(err, err_size, "the caller's a=setup leaves no DTLS role");
        goto out;
    }
    answer_a = cs_offer_build(r->leg_a, mine_a);
    if (cs_sig_send(fd_a, answer_a, strlen(answer_a), err, err_size) != 0 ||
        cs_leg_set_remote(r->leg_a, offer_a, cs_offer_is_dtls_client(mine_a), err, err_size) != 0 ||
        cs_leg_set_remote(r->leg_b, audio_b, audio_b->setup == CA_SDP_SETUP_PASSIVE, err,
                          err_size) != 0)
        goto out;
    rc = 0;
out:
    g_free(offer_b);
    g_free(answer_a);
    free(answer_b);
    g_free(sdp_b);
    return rc;
}

static int run_mitm(const cs_options_t *opt, int fd_a, int fd_b, const ca_sdp_media_t *offer_a,
                    char *err, size_t err_size)
{
    relay_t r;
    cs_cert_t cert_a, cert_b;
    char addr_a[64], addr_b[64];
    int status = 1;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.loop = g_main_loop_new(NULL, FALSE);
    cs_media_rx_init(&r.rx_a, opt->tone_hz);
    cs_media_rx_init(&r.rx_b, opt->tone_hz);

    /* A fresh certificate per leg: the attacker cannot present the endpoints' own. */
    if (cs_cert_generate(&cert_a, err, err_size) != 0) {
        g_main_loop_unref(r.loop);
        return 1;
    }
    if (cs_cert_generate(&cert_b, err, err_size) != 0) {
        cs_cert_free(&cert_a);
        g_main_loop_unref(r.loop);
        return 1;
    }
    if (cs_sig_local_addr(fd_a, addr_a, sizeof addr_a) != 0 ||
        cs_sig_local_addr(fd_b, addr_b, sizeof addr_b) != 0) {
        snprintf(err, err_size, "cannot tell the local addresses of the signaling connections");
        goto out;
    }
    cs_leg_events_t events = {on_ready, on_rtp, on_rtcp, on_failed, on_closed};
    cs_leg_config_t cfg_a = {.name = "relay leg A (caller side)",
                             .ctx = g_main_context_default(),
                             .controlling = false,
                             .cert = &cert_a,
                             .bind_addr = addr_a,
                             .mtu = opt->mtu,
                             .keylog_path = opt->keylog_path,
                             .srtp_profiles = opt->srtp_profile,
                             .cipher_list = opt->cipher_list,
                             .no_ems = opt->no_ems,
                             .no_etm = opt->no_etm,
                             .ice_tcp = opt->ice_tcp};
    cs_leg_config_t cfg_b = cfg_a;
    cfg_b.name = "relay leg B (callee side)";
    cfg_b.controlling = true;
    cfg_b.cert = &cert_b;
    cfg_b.bind_addr = addr_b;
    r.leg_a = cs_leg_new(&cfg_a, &events, &r, err, err_size);
    r.leg_b = r.leg_a ? cs_leg_new(&cfg_b, &events, &r, err, err_size) : NULL;
    if (!r.leg_b || mitm_negotiate(&r, fd_a, fd_b, offer_a, err, err_size) != 0)
        goto out;

    r.setup_timer = g_timeout_add(opt->timeout_s * 1000, on_setup_timeout, &r);
    g_main_loop_run(r.loop);
    if (r.setup_timer)
        g_source_remove(r.setup_timer);
    if (r.error[0])
        snprintf(err, err_size, "%s", r.error);
    else if (r.forwarded_a_to_b == 0 || r.forwarded_b_to_a == 0)
        snprintf(err, err_size, "no media went through both ways");
    else
        status = 0;

out:;
    cs_report_t ra = {"relay leg A (caller side)", r.leg_a, &cert_a, NULL, NULL,
                      status == 0 ? NULL : err};
    cs_report_t rb = {"relay leg B (callee side)", r.leg_b, &cert_b, NULL, NULL,
                      status == 0 ? NULL : err};
    if (opt->json) {
        json_t *o = json_pack(
            "{s:s,s:o,s:o,s:{s:I,s:I,s:I}}", "mode", "mitm", "leg_a", cs_report_json(&ra), "leg_b",
            cs_report_json(&rb), "forwarded", "caller_to_callee", (json_int_t)r.forwarded_a_to_b,
            "callee_to_caller", (json_int_t)r.forwarded_b_to_a, "dropped", (json_int_t)r.dropped);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        printf("relay: man in the middle (attack demonstration)\n");
        cs_report_text(stdout, &ra);
        cs_report_text(stdout, &rb);
        printf("  forwarded:          caller->callee %llu, callee->caller %llu, dropped %llu\n",
               (unsigned long long)r.forwarded_a_to_b, (unsigned long long)r.forwarded_b_to_a,
               (unsigned long long)r.dropped);
    }
    cs_leg_free(r.leg_a);
    cs_leg_free(r.leg_b);
    cs_cert_free(&cert_a);
    cs_cert_free(&cert_b);
    g_main_loop_unref(r.loop);
    return status;
}

/* An honest signaling relay: offer and answer pass through untouched. */
static int run_forward(const cs_options_t *opt, int fd_a, int fd_b, const char *offer,
                       size_t offer_len, char *err, size_t err_size)
{
    char *answer = NULL;
    size_t answer_len = 0;
    int status = 1;
    if (cs_sig_send(fd_b, offer, offer_len, err, err_size) != 0 ||
        cs_sig_recv(fd_b, opt->timeout_s * 1000, &answer, &answer_len, err, err_size) != 0 ||
        cs_sig_send(fd_a, answer, answer_len, err, err_size) != 0)
        goto out;
    /* Stay until the endpoints hang up, but never longer than the call could last. */
    unsigned bound_ms = (unsigned)(opt->duration * 1000.0) + 3 * opt->timeout_s * 1000;
    (void)cs_sig_wait_close(fd_a, bound_ms);
    status = 0;
out:
    if (opt->json)
        printf("{\n  \"mode\": \"forward\",\n  \"ok\": %s,\n  \"offer_bytes\": %zu,\n"
               "  \"answer_bytes\": %zu\n}\n",
               status == 0 ? "true" : "false", offer_len, answer_len);
    else
        printf("relay: forwarded offer (%zu bytes) and answer (%zu bytes) unchanged%s\n", offer_len,
               answer_len, status == 0 ? "" : " -- FAILED");
    free(answer);
    return status;
}

int cs_relay_run(const cs_options_t *opt)
{
    char err[512] = "", *offer = NULL;
    size_t offer_len = 0;
    int listen_fd, fd_a = -1, fd_b = -1, status = 1;
    ca_sdp_t *sdp = g_new0(ca_sdp_t, 1);
    const ca_sdp_media_t *audio = NULL;

    listen_fd = cs_sig_listen(opt->listen, err, sizeof err);
    if (listen_fd < 0)
        goto out;
    fd_a = cs_sig_accept(listen_fd, opt->wait_s * 1000, err, sizeof err);
    if (fd_a < 0 ||
        cs_sig_recv(fd_a, opt->timeout_s * 1000, &offer, &offer_len, err, sizeof err) != 0)
        goto out;
    /* Even the honest relay reads the offer: it refuses to pass on garbage. */
    if (cs_offer_parse(offer, offer_len, sdp, &audio, err, sizeof err) != 0)
        goto out;
    fd_b = cs_sig_connect(opt->connect, opt->timeout_s * 1000, err, sizeof err);
    if (fd_b < 0)
        goto out;
    status = opt->mitm ? run_mitm(opt, fd_a, fd_b, audio, err, sizeof err)
                       : run_forward(opt, fd_a, fd_b, offer, offer_len, err, sizeof err);
out:
    if (status != 0)
        fprintf(stderr, "callstack relay: %s\n", err);
    free(offer);
    g_free(sdp);
    if (fd_a >= 0)
        close(fd_a);
    if (fd_b >= 0)
        close(fd_b);
    if (listen_fd >= 0)
        close(listen_fd);
    return status;
}
