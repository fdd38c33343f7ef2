/* sdp.h - SDP (RFC 8866) parsing for the attributes an E2EE call audit needs.
 *
 * Parses an offer or answer into owned, fixed-size fields: per media section
 * the media line, ICE credentials and candidates (RFC 8839), the certificate
 * fingerprint (RFC 8122), the DTLS setup role (RFC 4145/8842), rtcp-mux,
 * rtpmap, SDES a=crypto (RFC 4568, whose presence means keys travel through
 * signaling) and header-extension maps (RFC 8285). Session-level ICE and
 * fingerprint attributes are inherited by media sections that lack them.
 * The parser reads through the bounded cursor and never trusts a length.
 */
#ifndef CA_SDP_H
#define CA_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ca_error.h"

#define CA_SDP_MAX_MEDIA       4
#define CA_SDP_MAX_CANDIDATES  16
#define CA_SDP_MAX_FORMATS     16
#define CA_SDP_MAX_RTPMAP      16
#define CA_SDP_MAX_EXTMAP      16
#define CA_SDP_MAX_LINE        1024
#define CA_SDP_MAX_FINGERPRINT 64  /* sha-512 */
#define CA_SDP_ICE_CRED_LEN    256 /* RFC 8839: ufrag <= 32 and pwd <= 256 chars */

typedef enum {
    CA_SDP_SETUP_NONE = 0, /* no a=setup attribute */
    CA_SDP_SETUP_ACTPASS,
    CA_SDP_SETUP_ACTIVE,
    CA_SDP_SETUP_PASSIVE,
    CA_SDP_SETUP_HOLDCONN,
} ca_sdp_setup_t;

typedef struct {
    char hash[16]; /* "sha-256", lower case */
    uint8_t bytes[CA_SDP_MAX_FINGERPRINT];
    size_t len;
} ca_sdp_fingerprint_t;

typedef struct {
    char value[256]; /* the attribute value after "candidate:", for ICE stacks */
    char foundation[33];
    unsigned component;
    char transport[8]; /* "UDP" or "TCP" as written */
    uint32_t priority;
    char addr[64];
    uint16_t port;
    char type[8]; /* host, srflx, prflx, relay */
} ca_sdp_candidate_t;

typedef struct {
    uint8_t payload_type;
    char encoding[32];
    uint32_t clock_rate;
} ca_sdp_rtpmap_t;

typedef struct {
    uint8_t id;
    char uri[128];
} ca_sdp_extmap_t;

typedef struct {
    char media[16]; /* audio, video, application */
    uint16_t port;
    char proto[32]; /* UDP/TLS/RTP/SAVPF, RTP/AVP, ... */
    char formats[CA_SDP_MAX_FORMATS][8];
    size_t n_formats;
    char mid[33];
    char ice_ufrag[CA_SDP_ICE_CRED_LEN + 1];
    char ice_pwd[CA_SDP_ICE_CRED_LEN + 1];
    bool has_fingerprint;
    ca_sdp_fingerprint_t fingerprint;
    ca_sdp_setup_t setup;
    bool rtcp_mux;
    bool has_crypto;  /* SDES a=crypto: SRTP keys in the signaling */
    char crypto[160]; /* the first a=crypto value (RFC 4568 9.1), empty if too long */
    bool cryptex;     /* RFC 9335 a=cryptex */
    ca_sdp_candidate_t candidates[CA_SDP_MAX_CANDIDATES];
    size_t n_candidates;
    size_t candidates_dropped; /* beyond CA_SDP_MAX_CANDIDATES: counted, not silently lost */
    ca_sdp_rtpmap_t rtpmap[CA_SDP_MAX_RTPMAP];
    size_t n_rtpmap;
    ca_sdp_extmap_t extmap[CA_SDP_MAX_EXTMAP];
    size_t n_extmap;
} ca_sdp_media_t;

typedef struct {
    char origin_user[64];
    char session_id[32];
    ca_sdp_media_t media[CA_SDP_MAX_MEDIA];
    size_t n_media;
    unsigned error_line; /* on failure: 1-based line number of the offending line */
    const char *error;   /* on failure: static text saying what was wrong */
} ca_sdp_t;

/* Parse TEXT (not necessarily NUL-terminated) into *OUT, which is zeroed first. */
CA_MUST_CHECK ca_err_t ca_sdp_parse(const uint8_t *text, size_t len, ca_sdp_t *out);

const char *ca_sdp_setup_name(ca_sdp_setup_t setup);

/* Parse "AA:BB:..." into bytes (at most CA_SDP_MAX_FINGERPRINT). */
CA_MUST_CHECK ca_err_t ca_sdp_parse_fingerprint_hex(const char *hex, size_t hex_len,
                                                    ca_sdp_fingerprint_t *out);

#endif
