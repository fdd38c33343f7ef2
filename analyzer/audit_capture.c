/* audit_capture.c - the per-call rules about the capture rather than the
 * call: packets the kernel dropped, a call the capture joined after it
 * began, a live capture stopped mid-call, packets cut by the snaplen. Run
 * after the other rules of audit.c, since they temper what those found: a
 * finding that rests on something not being seen is no failure when the
 * capture may have missed it.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"

/* Findings that say something was NOT seen become inconclusive, with WHY:
 * an auditor must not accuse on a gap of its own. */
static void excuse_absences(ca_call_t *call, const char *why)
{
    static const char *const absence[] = {"NO_DTLS", "HANDSHAKE_INCOMPLETE",
                                          "MEDIA_BEFORE_HANDSHAKE", "CERT_MISSING",
                                          "HANDSHAKE_ORDER"};
    for (size_t i = 0; i < call->n_findings; i++) {
        ca_finding_t *f = &call->findings[i];
        for (size_t k = 0; k < sizeof absence / sizeof absence[0]; k++) {
            if (f->severity != CA_SEV_FAIL || strcmp(f->id, absence[k]) != 0)
                continue;
            f->severity = CA_SEV_INCONCLUSIVE;
            size_t used = strlen(f->message);
            snprintf(f->message + used, sizeof f->message - used, " (not a failure: %s)", why);
        }
    }
}

/* A call in progress shows itself within seconds: RTP every few tens of ms,
 * RTCP at least every 7.5 s (RFC 3550 6.2: 5 s, randomized up to 1.5x),
 * ICE consent checks every 5 s or so (RFC 7675). A flow whose first packet is
 * media within this long of the capture's start may be a call the capture
 * joined: its ICE checks and handshake would have come before. */
#define CA_JOINED_CALL_WINDOW_US (10 * 1000000LL)

/* Whether the call's transport opened mid-session: its first packet began
 * one of the call's own streams (no ICE check, no handshake before it), or
 * answered a STUN request (a consent check, RFC 7675) the capture never
 * saw. AT_US: when. */
static bool opened_with_media(const ca_call_t *call, int64_t *at_us)
{
    if (call->flow.opened_with_response) {
        *at_us = call->flow.first_us;
        return true;
    }
    for (size_t i = 0; i < call->n_streams; i++)
        if (!call->stream_paired[i] && call->streams[i].first_frame == call->flow.first_frame) {
            *at_us = call->streams[i].first_us;
            return true;
        }
    return false;
}

/* What the capture itself could not show: packets the kernel dropped while
 * the call ran, the start of a call it joined, or the part of the call after
 * a live capture stopped. */
static void rule_capture(ca_call_t *call, const ca_audit_opts_t *opts)
{
    if (call->flow.capture_drops) {
        excuse_absences(call, "the capture dropped packets, this may be what it lost");
        ca_call_find(
            call, "PACKETS_DROPPED", CA_SEV_INCONCLUSIVE, 0,
            "the capture lost %llu packets (pcap_stats) while this call was running: some of its "
            "packets may be missing",
            (unsigned long long)call->flow.capture_drops);
    }
    int64_t opened_us;
    if (opts->capture_start_us && opened_with_media(call, &opened_us) &&
        opened_us - opts->capture_start_us < CA_JOINED_CALL_WINDOW_US) {
        char why[160];
        snprintf(why, sizeof why,
                 "the flow's first packet is %s, %.1f s into the capture: the call may have "
                 "begun before it",
                 call->flow.opened_with_response ? "a STUN response to a request not captured"
                                                 : "media",
                 (double)(opened_us - opts->capture_start_us) / 1e6);
        excuse_absences(call, why);
    }
    /* A capture point on one leg of asymmetric routing, or a filter on one
     * address, sees one direction: the peer's answer, its Finished, went
     * another way, and the handshake is not seen to complete. (Without any
     * DTLS the seen side would still have shown its own flight: NO_DTLS
     * stands.) */
    if (call->dtls && (call->flow.sent[0] == 0 || call->flow.sent[1] == 0)) {
        const ca_endpoint_t *sender = call->flow.sent[0] ? &call->flow.a : &call->flow.b;
        char addr[64];
        ca_endpoint_format(sender, addr, sizeof addr);
        excuse_absences(call, "the capture saw one direction of this transport only");
        ca_call_find(call, "ONE_DIRECTION", CA_SEV_INCONCLUSIVE, 0,
                     "every packet of this transport came from %s: the other direction was not "
                     "captured, so the peer's side of the handshake and media is unseen",
                     addr);
    }
    if (call->in_progress)
        ca_call_find(
            call, "CALL_IN_PROGRESS", CA_SEV_INCONCLUSIVE, 0,
            "the capture stopped while the call was still running: the rest of it was not seen");
}

static void rule_truncation(ca_call_t *call, const ca_audit_opts_t *opts)
{
    if (call->flow.truncated && opts->cut_at)
        ca_call_find(call, "CAPTURE_TRUNCATED", CA_SEV_WARN, 0,
                     "%llu packets cut by the capture's snaplen of %u bytes: what they held past "
                     "it was not seen",
                     (unsigned long long)call->flow.truncated, opts->cut_at);
    else if (call->flow.truncated)
        ca_call_find(call, "CAPTURE_TRUNCATED", CA_SEV_WARN, 0, "%llu packets cut by the snaplen",
                     (unsigned long long)call->flow.truncated);
    if (opts->capture_truncated)
        ca_call_find(call, "CAPTURE_TRUNCATED", CA_SEV_WARN, 0, "the capture file is cut: %s",
                     opts->capture_truncated_why ? opts->capture_truncated_why : "truncated");
}

void ca_audit_capture_rules(ca_call_t *call, const ca_audit_opts_t *opts)
{
    rule_truncation(call, opts);
    rule_capture(call, opts);
}
