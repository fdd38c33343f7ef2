/* options.h - callstack's command-line options, shared by its roles. */
#ifndef CS_OPTIONS_H
#define CS_OPTIONS_H

#include <stdbool.h>

#include "leg.h"
#include "sdp.h"

typedef struct {
    const char *listen;  /* answer, relay */
    const char *connect; /* call, relay */
    const char *bind;    /* local ICE address; default: the signaling socket's */
    double duration;     /* seconds of media */
    unsigned timeout_s;  /* bound on each setup step (connect, SDP, ICE, DTLS) */
    unsigned wait_s;     /* answer/relay: how long to wait for a call */
    const char *cert_path;
    const char *key_path;
    const char *keylog_path;
    const char *sdp_out;
    const char *cert_out; /* write the certificate used, PEM */
    bool json;
    bool mitm;
    bool ice_tcp;     /* ICE-TCP only */
    bool sdes;        /* attack demonstration: SRTP keyed by SDES, no DTLS */
    bool audio_level; /* test only: RFC 6464 header extension on every RTP packet */
    bool long_ice;    /* test only: 256-character ICE ufrag and password */
    const char *turn; /* USER:PASS@ADDR:PORT: media relayed by a TURN server */
    unsigned mtu;
    const char *srtp_profile; /* offer only this SRTP profile */
    const char *cipher_list;  /* OpenSSL cipher list for DTLS; NULL: the default */
    bool no_ems, no_etm;      /* test only: refuse extended master secret, encrypt-then-MAC */
    double tone_hz;
    ca_sdp_setup_t setup; /* answer: active (default) or passive */
    cs_fault_t fault;     /* test-only faults */
} cs_options_t;

/* callstack call / answer: 0 on a successful call, 1 on failure. */
int cs_endpoint_run(const cs_options_t *opt, bool caller);
/* callstack relay [--mitm]: 0 when the call went through, 1 otherwise. */
int cs_relay_run(const cs_options_t *opt);

#endif
