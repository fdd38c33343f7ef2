/* audit.h - from flows to calls, findings and verdicts.
 *
 * A call is one DTLS session and the media on its transport, or media with
 * no DTLS at all (NO_DTLS). The rules read the decoded state of each call
 * and emit findings with the stable ids of DESIGN.md; each rule quotes the
 * requirement it enforces next to its code. A call passes only when it has
 * no failing finding and every check could run.
 */
#ifndef CA_AUDIT_H
#define CA_AUDIT_H

#include <stdbool.h>

#include "flow.h"
#include "sdp.h"
#include "seccode.h"

#define CA_CALL_MAX_FINDINGS 32
#define CA_CALL_MAX_STREAMS  16
#define CA_RUN_MAX_FINDINGS  16
#define CA_AUDIT_MAX_SDP     16

typedef enum { CA_SEV_WARN, CA_SEV_INCONCLUSIVE, CA_SEV_FAIL } ca_severity_t;
typedef enum { CA_VERDICT_PASS, CA_VERDICT_INCONCLUSIVE, CA_VERDICT_FAIL } ca_verdict_t;

typedef struct {
    const char *id; /* static: "MEDIA_PLAINTEXT", ... */
    ca_severity_t severity;
    uint64_t frame; /* 0: not tied to one frame */
    char message[320];
} ca_finding_t;

/* What a call keeps of its transport flow once the flow is gone. */
typedef struct {
    ca_endpoint_t a, b;
    uint8_t transport;
    uint16_t channel;
    bool relayed;      /* unwrapped from TURN */
    uint8_t relay_hop; /* relayed: how the client reached the TURN server (UDP, TCP) */
    uint64_t first_frame, last_frame;
    int64_t first_us;
    bool opened_with_response; /* its first packet answered a request not in the capture */
    uint64_t truncated;
    uint64_t capture_drops;                  /* packets the capture lost while the flow was live */
    uint64_t other;                          /* datagrams that were not STUN, DTLS, RTP or RTCP */
    uint64_t sent[2];                        /* packets from a, from b */
    char ice_ufrag[2][CA_ICE_UFRAG_MAX + 1]; /* a's and b's, from their checks' USERNAMEs */
} ca_flow_info_t;

/* A call record: self-contained, so that its flow can expire mid-capture. */
typedef struct {
    unsigned id;
    ca_flow_info_t flow;          /* a copy */
    ca_dtls_session_t *dtls;      /* owned, moved out of the flow; NULL: media without DTLS */
    bool merged;                  /* its streams joined another call of its ICE session */
    ca_endpoint_t client, server; /* DTLS roles; without DTLS: the flow's endpoints */
    bool have_code;
    char code[CA_SECCODE_TEXT_LEN];
    bool code_from_sdp;                 /* DTLS 1.3 without keys: signalled, not verified */
    const char *sdp_names[2];           /* the SDP matched to the client and the server, or NULL */
    const ca_sdp_media_t *sdp_media[2]; /* their media sections (borrowed from the options) */
    ca_stream_t *streams; /* owned copies, as many as needed up to CA_CALL_MAX_STREAMS */
    size_t streams_cap;
    ca_dir_t stream_dirs[CA_CALL_MAX_STREAMS];
    bool stream_paired[CA_CALL_MAX_STREAMS]; /* on another 5-tuple of the same ICE session */
    size_t n_streams, streams_dropped;
    char ice_ufrags[2][CA_ICE_UFRAG_MAX + 1]; /* client's and server's, from STUN USERNAME */
    ca_finding_t *findings; /* owned, grown as needed up to CA_CALL_MAX_FINDINGS */
    size_t findings_cap;
    size_t n_findings, findings_dropped;
    ca_verdict_t verdict;
    unsigned other_leg; /* MITM_SUSPECTED: the other leg of the relayed call, and its code */
    char other_code[CA_SECCODE_TEXT_LEN];
    /* the auditor's bookkeeping */
    int64_t ended_us;   /* capture time of the flow's last packet */
    bool in_progress;   /* a live capture stopped while the call was still running */
    bool keylog;        /* checked with --keylog: report what it proved */
    bool reported;      /* audited and handed to the sink */
    bool dirty;         /* reported, then changed (late media merged): audit again */
    unsigned continues; /* media of the ICE session of this (reported, let go) call */
} ca_call_t;

/* Receives each call once audited; UPDATE: a call already received changed
 * (media of its ICE session ended later, or a later call revealed a relay). */
typedef void (*ca_call_sink_fn)(void *user, const ca_call_t *call, bool update);

typedef struct {
    const char *expect_code; /* canonical form, or NULL */
    const ca_sdp_t *sdps[CA_AUDIT_MAX_SDP];
    const char *sdp_names[CA_AUDIT_MAX_SDP];
    size_t n_sdps;
    size_t n_sdps_given; /* the first ones: asked for with --sdp (the rest seen in the capture) */
    bool capture_truncated; /* a file ended mid-packet */
    const char *capture_truncated_why;
    uint64_t truncated_frames; /* caplen < len */
    uint32_t cut_at;           /* the snaplen those frames were cut at (the longest); 0: unknown */
    bool keylog;               /* --keylog: every session must be opened with it */
    int64_t capture_now_us;    /* the time the capture has reached (its last frame); 0: unknown */
    int64_t capture_start_us;  /* the time of its first frame; 0: unknown */
    size_t keylog_malformed, keylog_first_malformed; /* lines of it that could not be read */
} ca_audit_opts_t;

typedef struct {
    ca_call_t *calls; /* owned */
    size_t n_calls;
    ca_finding_t findings[CA_RUN_MAX_FINDINGS]; /* about the capture, not one call */
    size_t n_findings;
    size_t pass, fail, inconclusive;
    size_t calls_total; /* with those reported to a sink and let go of */
    /* Rules across calls compared each call with at least the last
     * CROSS_WINDOW calls let go of; CROSS_FORGOTTEN older ones were dropped. */
    size_t cross_window;
    uint64_t cross_forgotten;
} ca_audit_t;

/* The auditor collects calls as flows end (idle in a long capture, or at its
 * end) so that flows can be freed during a capture; the rules run at the end,
 * when every call and every SDP is known. */
typedef struct ca_auditor ca_auditor_t;

ca_auditor_t *ca_auditor_new(void);
void ca_auditor_free(ca_auditor_t *au);
/* Turn F into call records, moving its DTLS sessions out; F can then be freed. */
CA_MUST_CHECK ca_err_t ca_auditor_take_flow(ca_auditor_t *au, ca_flow_t *f);
/* Live: take every flow still in FLOWS as calls cut short by the end of the capture. */
CA_MUST_CHECK ca_err_t ca_auditor_take_in_progress(ca_auditor_t *au, ca_flow_table_t *flows);
/* Live: audit the calls whose flows ended before ENDED_BEFORE_US (capture
 * time), together with the calls audited before them (rules across calls),
 * and hand each to SINK (may be NULL), in the order of their first frame. */
CA_MUST_CHECK ca_err_t ca_auditor_settle(ca_auditor_t *au, const ca_audit_opts_t *opts,
                                         int64_t ended_before_us, ca_call_sink_fn sink, void *user);
/* Take the flows still in FLOWS (may be NULL), audit what is left and fill
 * OUT with every call, in the order they were audited (for a capture read in
 * one go: of their first frame); OUT then owns the calls. The auditor is
 * spent afterwards: free it. */
CA_MUST_CHECK ca_err_t ca_auditor_finish(ca_auditor_t *au, ca_flow_table_t *flows,
                                         const ca_audit_opts_t *opts, ca_call_sink_fn sink,
                                         void *user, ca_audit_t *out);
/* Calls taken and not yet let go of (see ca_auditor_set_retire). */
size_t ca_auditor_pending(const ca_auditor_t *au);
/* A long capture: once reported to the sink, a call is let go of, and only
 * its key (for rules across calls) is kept, within a window of calls
 * (audit_keys.h), so memory follows the live calls, not the capture. Calls
 * reported are then not updated; the counts of verdicts are kept by the
 * auditor. */
void ca_auditor_set_retire(ca_auditor_t *au, bool retire);
/* How many calls let go of the rules across calls still see, at least
 * (0: CA_CROSS_WINDOW of audit_keys.h). Set before the first call. */
void ca_auditor_set_cross_window(ca_auditor_t *au, size_t window);

/* Flows that did not become calls, by reason; the summary says each. */
typedef struct {
    /* DTLS records but no handshake message and no media (a goodbye
     * retransmitted after its call ended, or another protocol whose first
     * byte falls in DTLS's range: NTP's 0x23 reads as a DTLS 1.3 header) */
    uint64_t stray_dtls;
    /* packets whose first byte is RTP's or RTCP's, on flows where no stream
     * ever showed RTP's structure (DNS, NBNS, LLMNR, ...), and those flows */
    uint64_t not_media_flows, not_media_packets;
    /* a DTLS handshake that offered no use_srtp, with no media: DTLS for
     * something else (a VPN, CoAP, a test server), not a call */
    uint64_t dtls_without_srtp;
} ca_not_calls_t;
const ca_not_calls_t *ca_auditor_not_calls(const ca_auditor_t *au);

/* Both in one go, for a capture read to its end. */
CA_MUST_CHECK ca_err_t ca_audit_run(ca_flow_table_t *flows, const ca_audit_opts_t *opts,
                                    ca_audit_t *out);
void ca_audit_free(ca_audit_t *a);

/* Add a finding to CALL, once (the same id and message are not repeated). */
__attribute__((format(printf, 5, 6))) void ca_call_find(ca_call_t *call, const char *id,
                                                        ca_severity_t sev, uint64_t frame,
                                                        const char *fmt, ...);
/* "client" or "server" for a ca_dir_t. */
const char *ca_side_name(int dir);

/* Rules of audit.c, run by ca_auditor_finish. */
void ca_audit_call_rules(ca_call_t *call, const ca_audit_opts_t *opts, bool *sdp_used);
/* Rules of --sdp (audit_sdp.c): SDP_USED[i] is set for each SDP that describes CALL. */
void ca_audit_sdp_rules(ca_call_t *call, const ca_audit_opts_t *opts, bool *sdp_used);
/* Whether stream S is evidence of its sender (audit_cross.c): not SSRC 0, not a few packets. */
bool ca_stream_real_source(const ca_stream_t *s);
/* Rules about the capture (audit_capture.c), the last of them. */
void ca_audit_capture_rules(ca_call_t *call, const ca_audit_opts_t *opts);
/* What rules across calls need of a call, kept when the call itself has
 * been reported and freed (a long capture): under a kilobyte. */
typedef struct {
    unsigned id;
    char ice_ufrags[2][CA_ICE_UFRAG_MAX + 1];
    bool dtls, have_code;
    char code[CA_SECCODE_TEXT_LEN];
    bool parsed[2];
    uint8_t thumbprint[2][CA_SHA256_LEN];
    /* its real sources (ca_call_key_of: no SSRC 0, no stream of a few
     * packets), and when its media ran */
    uint32_t ssrc[CA_CALL_MAX_STREAMS];
    bool rtcp[CA_CALL_MAX_STREAMS];
    uint8_t n_ssrcs;
    int64_t media_first_us, media_last_us;
} ca_call_key_t;

void ca_call_key_of(const ca_call_t *c, ca_call_key_t *k);
/* Free what a call owns (its session, streams, findings). */
void ca_call_release(ca_call_t *c);
/* Whether two calls have the same pair of certificates (in either order). */
bool ca_call_key_same_pair(const ca_call_key_t *a, const ca_call_key_t *b);

/* Rules between two calls (legs of one relayed call, a certificate used
 * twice); findings go to X. */
void ca_audit_cross_call_rules(ca_call_t *x, const ca_call_key_t *y);
void ca_audit_decide(ca_call_t *call);
void ca_audit_run_findings(ca_audit_t *a, const ca_audit_opts_t *opts, const bool *sdp_used);

/* The requirement a finding enforces, with its source (RFC section or
 * DESIGN.md), for reports; a generic line for an unknown id. */
const char *ca_finding_requirement(const char *id);

const char *ca_severity_name(ca_severity_t s);
const char *ca_verdict_name(ca_verdict_t v);
/* "c2s" or "s2c" for the I-th stream of CALL. */
const char *ca_call_stream_dir(const ca_call_t *call, size_t i);
/* The call's transport as people read it: "UDP", "TCP" (relayed over a TURN
 * connection) or "TCP, RFC 4571 framing". */
const char *ca_call_transport_name(const ca_call_t *call);
/* "", ", relayed by TURN" or ", relayed by TURN over TCP": what follows it. */
const char *ca_call_relay_name(const ca_call_t *call);
/* "srtp", "srtcp", "rtp" or "rtcp" for the I-th stream of CALL. */
const char *ca_call_stream_kind(const ca_call_t *call, size_t i);

/* Whether the call's media is keyed as SRTP by its DTLS session: use_srtp
 * negotiated, or (DTLS 1.3, answer encrypted) offered. Decides "srtp" vs "rtp". */
bool ca_call_keys_srtp(const ca_call_t *call);

/* The exit status DESIGN.md gives for this audit: 0, 1 or 3. */
int ca_audit_exit_status(const ca_audit_t *a);

#endif
