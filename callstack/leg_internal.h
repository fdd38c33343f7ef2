/* leg_internal.h - the leg's state, shared by its ICE part (leg.c) and its
 * DTLS/SRTP part (leg_dtls.c); nothing outside the leg includes this. */
#ifndef CS_LEG_INTERNAL_H
#define CS_LEG_INTERNAL_H

#include <agent.h>
#include <openssl/ssl.h>
#include <srtp2/srtp.h>

#include "leg.h"

struct cs_leg {
    cs_leg_config_t cfg;
    cs_leg_events_t events;
    void *user;
    char name[32];

    NiceAgent *agent; /* owned */
    guint stream_id;
    bool gathered;
    bool ice_ready;
    bool ice_failed; /* libnice reported FAILED (and has not recovered) */
    bool failed;

    bool dtls_client;
    uint8_t expected_thumbprint[CA_SHA256_LEN]; /* from the peer's a=fingerprint */
    bool have_expected;
    SSL_CTX *ssl_ctx;        /* owned */
    SSL *ssl;                /* owned; owns the BIO */
    const uint8_t *rx_dgram; /* borrowed: the datagram the BIO hands to OpenSSL next */
    size_t rx_len;
    guint dtls_timer;
    bool handshake_done;
    uint8_t sdes_remote[30]; /* SDES mode: the peer's key and salt */
    bool closed;
    uint8_t remote_thumbprint[CA_SHA256_LEN];
    char cipher_suite[64];
    char srtp_profile[32];

    srtp_t srtp_out; /* owned */
    srtp_t srtp_in;  /* owned */
    cs_leg_stats_t stats;
};

void cs_leg_fail(cs_leg_t *leg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cs_leg_send_datagram(cs_leg_t *leg, const uint8_t *buf, size_t len);

/* leg_dtls.c */
int cs_leg_dtls_init(cs_leg_t *leg, char *err, size_t err_size);
void cs_leg_dtls_start(cs_leg_t *leg);
void cs_leg_sdes_start(cs_leg_t *leg);
void cs_leg_dtls_receive(cs_leg_t *leg, const uint8_t *buf, size_t len);
void cs_leg_dtls_free(cs_leg_t *leg);

#endif
