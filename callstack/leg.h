/* leg.h - one secure media transport: ICE (libnice) + DTLS 1.2 (OpenSSL) + SRTP (libsrtp2).
 *
 * A leg is what an endpoint has toward its peer, and what the man-in-the-
 * middle relay has twice. ICE picks the candidate pair; DTLS runs on it with
 * mutual certificates, the peer's certificate checked against the SDP
 * a=fingerprint (RFC 8122) and use_srtp negotiated (RFC 5764); the SRTP keys
 * come from the DTLS exporter; STUN, DTLS and SRTP/SRTCP share the one port
 * (RFC 7983 demultiplexing, rtcp-mux per RFC 5761). Everything runs on one
 * GLib main context, driven by libnice's receive callback and timers.
 */
#ifndef CS_LEG_H
#define CS_LEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "cert.h"
#include "sdp.h"

typedef struct cs_leg cs_leg_t;

/* Events a leg reports to its owner. Packet buffers are decrypted in place
 * and valid only during the call. */
typedef struct {
    void (*ready)(cs_leg_t *leg, void *user); /* handshake done, SRTP keyed */
    void (*rtp)(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user);
    void (*rtcp)(cs_leg_t *leg, uint8_t *pkt, size_t len, void *user);
    void (*failed)(cs_leg_t *leg, const char *why, void *user);
    void (*closed)(cs_leg_t *leg, void *user); /* the peer sent close_notify */
} cs_leg_events_t;

typedef enum {
    CS_FAULT_NONE = 0,
    CS_FAULT_WRONG_FINGERPRINT, /* test-only: advertise a fingerprint that is not ours */
    CS_FAULT_SILENT_DTLS,       /* test-only: never answer DTLS (handshake timeout) */
    CS_FAULT_NO_ENCRYPT,        /* test-only: after DTLS, send and accept plain RTP/RTCP */
    CS_FAULT_NULL_CIPHER,       /* test-only: SRTP with the NULL cipher (authenticated, clear) */
    CS_FAULT_EARLY_MEDIA,       /* test-only: plain RTP as soon as ICE is up, before DTLS */
} cs_fault_t;

typedef struct {
    const char *name;          /* for messages: "caller", "leg A", ... */
    GMainContext *ctx;         /* borrowed */
    bool controlling;          /* ICE role: the offerer controls (RFC 8445 6.1.1) */
    const cs_cert_t *cert;     /* borrowed */
    const char *bind_addr;     /* the local address to gather a host candidate on */
    unsigned mtu;              /* path MTU for DTLS records; 0: 1200 */
    const char *keylog_path;   /* NULL: none */
    const char *srtp_profiles; /* OpenSSL use_srtp list; NULL: AEAD-GCM then AES-CM-SHA1-80 */
    const char *cipher_list;   /* OpenSSL cipher list; NULL: ECDHE with AEAD (leg_dtls.c) */
    bool no_ems;               /* test only: refuse extended master secret (RFC 7627) */
    bool no_etm;               /* test only: refuse encrypt-then-MAC (RFC 7366) for CBC suites */
    bool ice_tcp;              /* ICE over TCP only (RFC 6544, RFC 4571 framing) */
    bool long_ice;             /* test only: ufrag and password of 256 characters (RFC 8839 max) */
    const char *turn;          /* "USER:PASS@ADDR:PORT": relay all media through TURN; NULL: none */
    const uint8_t *sdes_key;   /* 30 bytes: SRTP keyed by SDES (RFC 4568), no DTLS; NULL: DTLS */
    cs_fault_t fault;
} cs_leg_config_t;

typedef struct {
    uint64_t rtp_sent, rtp_received, rtp_authenticated, rtp_rejected, rtp_replayed;
    uint64_t rtcp_sent, rtcp_received, rtcp_authenticated, rtcp_rejected;
    uint64_t media_before_keys; /* SRTP that arrived before the keys: dropped, counted */
    uint64_t plain_received;    /* --fault no-encrypt: plain RTP/RTCP accepted */
    uint64_t send_failures, unknown_datagrams;
} cs_leg_stats_t;

cs_leg_t *cs_leg_new(const cs_leg_config_t *cfg, const cs_leg_events_t *events, void *user,
                     char *err, size_t err_size);
void cs_leg_free(cs_leg_t *leg);

/* Gather host candidates and wait (iterating the context) until done. */
int cs_leg_gather(cs_leg_t *leg, unsigned timeout_ms, char *err, size_t err_size);

/* Append the ICE, fingerprint and candidate attributes of this leg to SDP. */
void cs_leg_append_sdp_attrs(cs_leg_t *leg, GString *sdp);
/* The port and address of the first local candidate, for the m= and c= lines. */
void cs_leg_default_candidate(cs_leg_t *leg, char *addr, size_t addr_size, unsigned *port);

/* Take the peer's media section: ICE credentials and candidates (checks start),
 * the fingerprint to pin, and our DTLS role (client = a=setup:active). */
int cs_leg_set_remote(cs_leg_t *leg, const ca_sdp_media_t *remote, bool dtls_client, char *err,
                      size_t err_size);

/* SDES mode: the peer's 30-byte master key and salt from its a=crypto. */
void cs_leg_set_sdes_remote(cs_leg_t *leg, const uint8_t key[30]);

/* Protect and send one RTP or RTCP packet. BUF must have room for the SRTP
 * trailer (CS_SRTP_TRAILER bytes past LEN). */
#define CS_SRTP_TRAILER 148
int cs_leg_send_rtp(cs_leg_t *leg, uint8_t *buf, size_t len);
int cs_leg_send_rtcp(cs_leg_t *leg, uint8_t *buf, size_t len);

/* Send close_notify. */
void cs_leg_close(cs_leg_t *leg);

bool cs_leg_is_ready(const cs_leg_t *leg);
bool cs_leg_ice_ready(const cs_leg_t *leg);
bool cs_leg_ice_failed(const cs_leg_t *leg);
const cs_leg_stats_t *cs_leg_stats(const cs_leg_t *leg);
bool cs_leg_dtls_client(const cs_leg_t *leg);
const uint8_t *cs_leg_remote_thumbprint(const cs_leg_t *leg); /* NULL before the handshake */
const char *cs_leg_cipher_suite(const cs_leg_t *leg);
const char *cs_leg_srtp_profile(const cs_leg_t *leg);
const char *cs_leg_name(const cs_leg_t *leg);

#endif
