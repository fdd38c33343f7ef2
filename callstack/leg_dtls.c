/* leg_dtls.c - DTLS 1.2 (RFC 6347) with use_srtp (RFC 5764) on a leg, and the
 * SRTP sessions keyed from it.
 *
 * OpenSSL talks to the ICE pair through a small datagram BIO: each BIO write
 * is one datagram sent on the selected pair (so records never straddle
 * datagrams and the MTU is ours to set), each BIO read hands over the one
 * datagram libnice just delivered. Retransmission timers are OpenSSL's,
 * scheduled on the GLib context.
 */
#include "leg_internal.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

/* UDP over IPv4; the DTLS record layer budgets for it (RFC 6347 4.1.1). */
#define LEG_UDP_OVERHEAD         28
#define CS_SRTP_PROFILES_DEFAULT "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

static int leg_ssl_index = -1;
static BIO_METHOD *leg_bio_method;

static int bio_write(BIO *bio, const char *data, int len)
{
    cs_leg_t *leg = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    /* A lost datagram is DTLS's business (retransmission), not an error. */
    (void)cs_leg_send_datagram(leg, (const uint8_t *)data, (size_t)len);
    return len;
}

static int bio_read(BIO *bio, char *out, int size)
{
    cs_leg_t *leg = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (!leg->rx_dgram) {
        BIO_set_retry_read(bio);
        return -1;
    }
    size_t n = leg->rx_len < (size_t)size ? leg->rx_len : (size_t)size;
    memcpy(out, leg->rx_dgram, n);
    leg->rx_dgram = NULL;
    leg->rx_len = 0;
    return (int)n;
}

static long bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    cs_leg_t *leg = BIO_get_data(bio);
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
        return (long)leg->cfg.mtu - LEG_UDP_OVERHEAD;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return LEG_UDP_OVERHEAD;
    case BIO_CTRL_PENDING:
        return leg->rx_dgram ? (long)leg->rx_len : 0;
    default:
        return 0;
    }
}

static int bio_create(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

static int leg_dtls_global_init(void)
{
    if (leg_bio_method)
        return 0;
    if (srtp_init() != srtp_err_status_ok)
        return -1;
    leg_ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    leg_bio_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "callstack-ice");
    if (leg_ssl_index < 0 || !leg_bio_method)
        return -1;
    BIO_meth_set_write(leg_bio_method, bio_write);
    BIO_meth_set_read(leg_bio_method, bio_read);
    BIO_meth_set_ctrl(leg_bio_method, bio_ctrl);
    BIO_meth_set_create(leg_bio_method, bio_create);
    return 0;
}

static void keylog_line(const SSL *ssl, const char *line)
{
    cs_leg_t *leg = SSL_get_ex_data(ssl, leg_ssl_index);
    if (!leg || !leg->cfg.keylog_path)
        return;
    FILE *f = fopen(leg->cfg.keylog_path, "a");
    if (!f) {
        fprintf(stderr, "callstack: %s: cannot write key log %s\n", leg->name,
                leg->cfg.keylog_path);
        return;
    }
    fprintf(f, "%s\n", line);
    fclose(f);
}

/* RFC 8122 5 / RFC 5763 5: the certificate is self-signed, so no chain is
 * checked; what authenticates it is that its hash equals the a=fingerprint
 * the peer signalled. A mismatch fails the handshake with a fatal alert. */
static int verify_peer(int preverify_ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    cs_leg_t *leg = ssl ? SSL_get_ex_data(ssl, leg_ssl_index) : NULL;
    (void)preverify_ok;
    if (!leg || X509_STORE_CTX_get_error_depth(store) != 0)
        return leg != NULL;
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    unsigned len = 0;
    if (!cert || X509_digest(cert, EVP_sha256(), leg->remote_thumbprint, &len) != 1 ||
        len != CA_SHA256_LEN)
        return 0;
    if (!leg->have_expected ||
        memcmp(leg->remote_thumbprint, leg->expected_thumbprint, CA_SHA256_LEN) != 0) {
        char got[CA_THUMBPRINT_TEXT_LEN], want[CA_THUMBPRINT_TEXT_LEN];
        ca_hex_colon(leg->remote_thumbprint, CA_SHA256_LEN, got, sizeof got);
        ca_hex_colon(leg->expected_thumbprint, CA_SHA256_LEN, want, sizeof want);
        cs_leg_fail(leg,
                    "%s: fingerprint mismatch: peer certificate is sha-256 %s, "
                    "its SDP said %s",
                    leg->name, got, want);
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    }
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
}

int cs_leg_dtls_init(cs_leg_t *leg, char *err, size_t err_size)
{
    if (leg_dtls_global_init() != 0) {
        snprintf(err, err_size, "cannot initialise OpenSSL/libsrtp2");
        return -1;
    }
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    leg->ssl_ctx = ctx;
    /* ECDHE only (forward secrecy), AEAD first; SRTP profiles in the order of
     * preference of WebRTC stacks: AES-GCM, then AES-CM with HMAC-SHA1-80.
     * --cipher narrows or widens the suites (the key-log tests make a call
     * with each suite stacks use, CBC ones included). */
    const char *ciphers = leg->cfg.cipher_list
                              ? leg->cfg.cipher_list
                              : "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, ciphers) != 1 ||
        SSL_CTX_set_tlsext_use_srtp(ctx, leg->cfg.srtp_profiles ? leg->cfg.srtp_profiles
                                                                : CS_SRTP_PROFILES_DEFAULT) != 0 ||
        SSL_CTX_use_certificate(ctx, leg->cfg.cert->x509) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, leg->cfg.cert->pkey) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, err_size, "%s: cannot set up DTLS: %s", leg->name,
                 ERR_reason_error_string(ERR_get_error()));
        return -1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);
    SSL_CTX_set_keylog_callback(ctx, keylog_line);
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    if (leg->cfg.no_ems)
        SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    if (leg->cfg.no_etm)
        SSL_CTX_set_options(ctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
    return 0;
}

static void schedule_retransmit(cs_leg_t *leg);

static gboolean on_retransmit(gpointer data)
{
    cs_leg_t *leg = data;
    leg->dtls_timer = 0;
    if (leg->handshake_done || leg->failed || !leg->ssl)
        return G_SOURCE_REMOVE;
    if (DTLSv1_handle_timeout(leg->ssl) < 0) {
        cs_leg_fail(leg, "%s: DTLS handshake timed out (too many retransmissions)", leg->name);
        return G_SOURCE_REMOVE;
    }
    schedule_retransmit(leg);
    return G_SOURCE_REMOVE;
}

static void schedule_retransmit(cs_leg_t *leg)
{
    struct timeval tv;
    if (leg->dtls_timer) {
        g_source_remove(leg->dtls_timer);
        leg->dtls_timer = 0;
    }
    if (leg->handshake_done || leg->failed || DTLSv1_get_timeout(leg->ssl, &tv) != 1)
        return;
    guint ms = (guint)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    GSource *src = g_timeout_source_new(ms ? ms : 1);
    g_source_set_callback(src, on_retransmit, leg, NULL);
    leg->dtls_timer = g_source_attach(src, leg->cfg.ctx);
    g_source_unref(src);
}

static int key_srtp(cs_leg_t *leg)
{
    const SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(leg->ssl);
    srtp_policy_t out_policy, in_policy;
    size_t key_len = 16, salt_len;
    memset(&out_policy, 0, sizeof out_policy);

    if (!profile) {
        cs_leg_fail(leg, "%s: the peer did not negotiate use_srtp", leg->name);
        return -1;
    }
    snprintf(leg->srtp_profile, sizeof leg->srtp_profile, "%s", profile->name);
    if (profile->id == SRTP_AEAD_AES_128_GCM) {
        salt_len = 12;
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&out_policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&out_policy.rtcp);
    } else if (profile->id == SRTP_AES128_CM_SHA1_80) {
        salt_len = 14;
        if (leg->cfg.fault == CS_FAULT_NULL_CIPHER) {
            /* test only: authenticated but not encrypted, under the negotiated
             * AES-CM profile's keys: a stack that "does SRTP" in the clear */
            srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&out_policy.rtp);
            srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&out_policy.rtcp);
        } else {
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&out_policy.rtp);
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&out_policy.rtcp);
        }
    } else {
        cs_leg_fail(leg, "%s: unexpected SRTP profile %s", leg->name, profile->name);
        return -1;
    }
    /* RFC 5764 4.2: client_write_key | server_write_key | client_salt | server_salt */
    uint8_t km[2 * (16 + 14)], client[16 + 14], server[16 + 14];
    size_t km_len = 2 * (key_len + salt_len);
    static const char label[] = "EXTRACTOR-dtls_srtp";
    if (SSL_export_keying_material(leg->ssl, km, km_len, label, sizeof label - 1, NULL, 0, 0) !=
        1) {
        cs_leg_fail(leg, "%s: the DTLS exporter failed", leg->name);
        return -1;
    }
    memcpy(client, km, key_len);
    memcpy(server, km + key_len, key_len);
    memcpy(client + key_len, km + 2 * key_len, salt_len);
    memcpy(server + key_len, km + 2 * key_len + salt_len, salt_len);

    in_policy = out_policy;
    out_policy.ssrc.type = ssrc_any_outbound;
    out_policy.key = leg->dtls_client ? client : server;
    in_policy.ssrc.type = ssrc_any_inbound;
    in_policy.key = leg->dtls_client ? server : client;
    out_policy.window_size = in_policy.window_size = 1024;
    int rc = 0;
    if (srtp_create(&leg->srtp_out, &out_policy) != srtp_err_status_ok ||
        srtp_create(&leg->srtp_in, &in_policy) != srtp_err_status_ok) {
        cs_leg_fail(leg, "%s: libsrtp2 refused the DTLS-derived keys", leg->name);
        rc = -1;
    }
    OPENSSL_cleanse(km, sizeof km);
    OPENSSL_cleanse(client, sizeof client);
    OPENSSL_cleanse(server, sizeof server);
    return rc;
}

static void handshake_finished(cs_leg_t *leg)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(leg->ssl);
    const char *std = cipher ? SSL_CIPHER_standard_name(cipher) : NULL;
    snprintf(leg->cipher_suite, sizeof leg->cipher_suite, "%s", std ? std : "?");
    leg->handshake_done = true;
    if (leg->dtls_timer) {
        g_source_remove(leg->dtls_timer);
        leg->dtls_timer = 0;
    }
    if (key_srtp(leg) == 0 && leg->events.ready)
        leg->events.ready(leg, leg->user);
}

static void report_ssl_failure(cs_leg_t *leg, const char *what)
{
    unsigned long e = ERR_get_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    cs_leg_fail(leg, "%s: DTLS %s failed: %s", leg->name, what, reason ? reason : "unknown");
    ERR_clear_error();
}

static void step_handshake(cs_leg_t *leg)
{
    int rc = SSL_do_handshake(leg->ssl);
    if (rc == 1) {
        handshake_finished(leg);
        return;
    }
    int e = SSL_get_error(leg->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        schedule_retransmit(leg);
    else
        report_ssl_failure(leg, "handshake");
}

static int create_ssl(cs_leg_t *leg)
{
    if (leg->ssl)
        return 0;
    BIO *bio = BIO_new(leg_bio_method);
    leg->ssl = SSL_new(leg->ssl_ctx);
    if (!bio || !leg->ssl) {
        BIO_free(bio);
        cs_leg_fail(leg, "%s: cannot create the DTLS session", leg->name);
        return -1;
    }
    BIO_set_data(bio, leg);
    SSL_set_bio(leg->ssl, bio, bio);
    SSL_set_ex_data(leg->ssl, leg_ssl_index, leg);
    DTLS_set_link_mtu(leg->ssl, (long)leg->cfg.mtu);
    if (leg->dtls_client)
        SSL_set_connect_state(leg->ssl);
    else
        SSL_set_accept_state(leg->ssl);
    return 0;
}

void cs_leg_dtls_start(cs_leg_t *leg)
{
    if (leg->cfg.fault == CS_FAULT_SILENT_DTLS || leg->failed || create_ssl(leg) != 0)
        return;
    /* RFC 5763 5: the active side sends the ClientHello once ICE is up. */
    if (leg->dtls_client && !leg->handshake_done)
        step_handshake(leg);
}

/* SDES (RFC 4568): each side protects with its own a=crypto key, so no
 * handshake and no fingerprint: whoever relays the SDP holds the keys. */
void cs_leg_sdes_start(cs_leg_t *leg)
{
    srtp_policy_t out_policy, in_policy;
    uint8_t local[30], remote[30];
    memset(&out_policy, 0, sizeof out_policy);
    memcpy(local, leg->cfg.sdes_key, sizeof local);
    memcpy(remote, leg->sdes_remote, sizeof remote);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&out_policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&out_policy.rtcp);
    in_policy = out_policy;
    out_policy.ssrc.type = ssrc_any_outbound;
    out_policy.key = local;
    in_policy.ssrc.type = ssrc_any_inbound;
    in_policy.key = remote;
    out_policy.window_size = in_policy.window_size = 1024;
    if (srtp_create(&leg->srtp_out, &out_policy) != srtp_err_status_ok ||
        srtp_create(&leg->srtp_in, &in_policy) != srtp_err_status_ok) {
        cs_leg_fail(leg, "%s: libsrtp2 refused the SDES keys", leg->name);
        return;
    }
    snprintf(leg->srtp_profile, sizeof leg->srtp_profile, "AES_CM_128_HMAC_SHA1_80 (SDES)");
    snprintf(leg->cipher_suite, sizeof leg->cipher_suite, "none (no DTLS)");
    OPENSSL_cleanse(local, sizeof local);
    OPENSSL_cleanse(remote, sizeof remote);
    if (leg->events.ready)
        leg->events.ready(leg, leg->user);
}

void cs_leg_dtls_receive(cs_leg_t *leg, const uint8_t *buf, size_t len)
{
    if (leg->cfg.fault == CS_FAULT_SILENT_DTLS || leg->failed || leg->closed)
        return;
    /* The passive side may hear the ClientHello before its own ICE state
     * reaches READY: the datagram itself proves the pair works. */
    if (create_ssl(leg) != 0)
        return;
    leg->rx_dgram = buf;
    leg->rx_len = len;
    if (!leg->handshake_done) {
        step_handshake(leg);
    } else {
        /* After the handshake only alerts (and retransmitted Finished) come. */
        uint8_t sink[512];
        int rc = SSL_read(leg->ssl, sink, sizeof sink);
        if (rc <= 0) {
            int e = SSL_get_error(leg->ssl, rc);
            if (e == SSL_ERROR_ZERO_RETURN) {
                leg->closed = true;
                if (leg->events.closed)
                    leg->events.closed(leg, leg->user);
            } else if (e != SSL_ERROR_WANT_READ) {
                report_ssl_failure(leg, "read");
            }
        }
    }
    leg->rx_dgram = NULL;
    leg->rx_len = 0;
}

int cs_leg_send_rtp(cs_leg_t *leg, uint8_t *buf, size_t len)
{
    int n = (int)len;
    if (!cs_leg_is_ready(leg))
        return -1;
    if (leg->cfg.fault != CS_FAULT_NO_ENCRYPT &&
        srtp_protect(leg->srtp_out, buf, &n) != srtp_err_status_ok)
        return -1;
    leg->stats.rtp_sent++;
    return cs_leg_send_datagram(leg, buf, (size_t)n);
}

int cs_leg_send_rtcp(cs_leg_t *leg, uint8_t *buf, size_t len)
{
    int n = (int)len;
    if (!cs_leg_is_ready(leg))
        return -1;
    if (leg->cfg.fault != CS_FAULT_NO_ENCRYPT &&
        srtp_protect_rtcp(leg->srtp_out, buf, &n) != srtp_err_status_ok)
        return -1;
    leg->stats.rtcp_sent++;
    return cs_leg_send_datagram(leg, buf, (size_t)n);
}

void cs_leg_close(cs_leg_t *leg)
{
    if (leg->ssl && leg->handshake_done && !leg->closed) {
        (void)SSL_shutdown(leg->ssl); /* sends close_notify; the reply does not matter */
        leg->closed = true;
    }
}

void cs_leg_dtls_free(cs_leg_t *leg)
{
    if (leg->dtls_timer)
        g_source_remove(leg->dtls_timer);
    leg->dtls_timer = 0;
    if (leg->srtp_out)
        srtp_dealloc(leg->srtp_out);
    if (leg->srtp_in)
        srtp_dealloc(leg->srtp_in);
    leg->srtp_out = leg->srtp_in = NULL;
    SSL_free(leg->ssl);
    SSL_CTX_free(leg->ssl_ctx);
    leg->ssl = NULL;
    leg->ssl_ctx = NULL;
}
