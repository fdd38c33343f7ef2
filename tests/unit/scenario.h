/* scenario.h - calls built frame by frame for the audit tests: a pipeline
 * fed hand-made Ethernet/IPv4/UDP frames between a client (192.0.2.1:5000)
 * and a server (198.51.100.1:6000), DTLS 1.2 handshakes signed with the
 * spec's vector keys, RTP that looks like ciphertext or like clear Opus.
 * Shared by test_audit.c (rules on one call) and test_audit_capture.c
 * (calls as the capture sees them: settling, gaps, structure, rules across
 * calls, TCP). */
#ifndef CA_TEST_SCENARIO_H
#define CA_TEST_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "builder.h"
#include "pipeline.h"

typedef struct {
    ca_pipeline_t *p;
    uint64_t frame;
    ca_audit_t audit;
    uint16_t turn_channel; /* non-zero: every payload goes in TURN ChannelData */
    tb_t transcript;       /* what CertificateVerify signs (RFC 6347 4.2.6) */
    int64_t t0_us;         /* capture time of frame 0 */
} scenario_t;

typedef struct {
    uint16_t profile; /* 0: no use_srtp */
    uint16_t suite;
    const char *client_cert, *server_cert; /* client_cert NULL: the client sends none */
    bool corrupt_ske;                      /* flip a bit of the ServerKeyExchange signature */
} hs_opts_t;

/* Payloads that look like ciphertext (xorshift), or like readable Opus
 * (every frame opens with the same TOC byte, 0x78). */
typedef enum { PAYLOAD_CIPHER, PAYLOAD_OPUS_CLEAR } payload_t;

/* the call every rule passes: AES-128-GCM SRTP, ECDHE-ECDSA, both certificates */
extern const hs_opts_t good;

void sc_init(scenario_t *sc);
void sc_free(scenario_t *sc);
/* One frame from the client (FROM_CLIENT) or the server, in ChannelData when turn_channel is set.
 */
void sc_send(scenario_t *sc, bool from_client, const tb_t *inner);
void sc_handshake_msg(scenario_t *sc, bool from_client, uint8_t type, uint16_t seq,
                      const tb_t *body);
void sc_ccs_finished(scenario_t *sc, bool from_client);
/* A full DTLS 1.2 handshake as O says, hello to both Finished. */
void sc_handshake(scenario_t *sc, const hs_opts_t *o);
/* A ClientHello, the server's flight and its CCS and Finished: the client's
 * flight missing from the capture. */
void sc_without_client_flight(scenario_t *sc);
void sc_rtp_kind(scenario_t *sc, bool from_client, uint32_t ssrc, int n, payload_t kind);
void sc_rtp(scenario_t *sc, bool from_client, uint32_t ssrc, int n);
/* Audit what the pipeline holds into sc->audit (OPTS NULL: no options). */
void sc_audit(scenario_t *sc, const ca_audit_opts_t *opts);
bool has_finding(const ca_call_t *c, const char *id);

#endif
