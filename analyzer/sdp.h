/* sdp.h - SDP (RFC 8866) parsing for the attributes an E2EE call audit needs.
 *
 * Parses an offer or answer into owned, fixed-size fields: per media section
 * the media line, ICE credentials and candidates (RFC 8839), the certificate
 * fingerprint (RFC 8122), the DTLS setup role (RFC 4145/8842), rtcp-mux,
 * rtpmap, SDES a=crypto (RFC 4568, whose presence means keys travel through
 * signaling), header-extension maps (RFC 8285) and the SSRCs a=ssrc declares
 * (RFC 5576). Session-level ICE and fingerprint attributes are inherited by
 * media sections that lack them. The parser reads through the bounded cursor
 * and never trusts a length.
 *
 * Real offers are large (a Chrome video section lists 20-30 payload types,
 * each with its rtpmap, and a dozen header extensions), so the limits below
 * are set well above what browsers, GStreamer and SIP phones write. What is
 * still beyond one (or a value too long for its field) is left out and
 * counted in ca_sdp_left_out_t, never cut so that a match breaks, and valid
 * SDP is never refused for it.
 */
#ifndef CA_SDP_H
#define CA_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ca_error.h"

#define CA_SDP_MAX_MEDIA       16
#define CA_SDP_MAX_CANDIDATES  32 /* per media section */
#define CA_SDP_MAX_FORMATS     64
#define CA_SDP_MAX_RTPMAP      64
#define CA_SDP_MAX_EXTMAP      32
#define CA_SDP_MAX_SSRCS       16
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
    char foundation[33];
    unsigned component;
    char transport[8]; /* "UDP" or "TCP" as written */
    uint32_t priority;
    char addr[64]; /* an address or an mDNS name (RFC 8839 5.1); a longer FQDN is left out */
    uint16_t port;
    char type[8];    /* host, srflx, prflx, relay */
    char tcptype[8]; /* active, passive, so (RFC 6544); empty on UDP */
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
    char proto[32];                       /* UDP/TLS/RTP/SAVPF, RTP/AVP, ... */
    char formats[CA_SDP_MAX_FORMATS][32]; /* "111", "webrtc-datachannel", "t38" */
    size_t n_formats;
    char mid[64];
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
    ca_sdp_rtpmap_t rtpmap[CA_SDP_MAX_RTPMAP];
    size_t n_rtpmap;
    ca_sdp_extmap_t extmap[CA_SDP_MAX_EXTMAP];
    size_t n_extmap;
    uint32_t ssrcs[CA_SDP_MAX_SSRCS]; /* distinct, in order of first a=ssrc */
    size_t n_ssrcs;
} ca_sdp_media_t;

/* What a description held that the parse did not keep, by kind. */
typedef struct {
    size_t media;      /* media sections beyond CA_SDP_MAX_MEDIA, with all their attributes */
    size_t candidates; /* beyond CA_SDP_MAX_CANDIDATES in a section, or too long a field */
    size_t formats, rtpmap, extmap, ssrcs; /* formats and attributes beyond a bound or too long */
    size_t values;       /* other attribute values too long for their field (a=mid) */
    unsigned first_line; /* 1-based line of the first thing left out; 0: nothing */
} ca_sdp_left_out_t;

typedef struct {
    char origin_user[64];
    char session_id[32];
    ca_sdp_media_t media[CA_SDP_MAX_MEDIA];
    size_t n_media;
    ca_sdp_left_out_t left_out;
    unsigned error_line; /* on failure: 1-based line number of the offending line */
    const char *error;   /* on failure: static text saying what was wrong */
} ca_sdp_t;

/* Parse TEXT (not necessarily NUL-terminated) into *OUT, which is zeroed first. */
CA_MUST_CHECK ca_err_t ca_sdp_parse(const uint8_t *text, size_t len, ca_sdp_t *out);

const char *ca_sdp_setup_name(ca_sdp_setup_t setup);

/* "3 candidates, 1 media section" (what SDP left out, for a report), or ""
 * when nothing was; always NUL-terminated within SIZE. */
void ca_sdp_left_out_text(const ca_sdp_t *sdp, char *out, size_t size);

/* Whether media section M declares SSRC with a=ssrc. */
bool ca_sdp_media_has_ssrc(const ca_sdp_media_t *m, uint32_t ssrc);

/* Parse "AA:BB:..." into bytes (at most CA_SDP_MAX_FINGERPRINT). */
CA_MUST_CHECK ca_err_t ca_sdp_parse_fingerprint_hex(const char *hex, size_t hex_len,
                                                    ca_sdp_fingerprint_t *out);

#endif
