/* opacity.h - per-stream evidence that RTP/RTCP payloads are ciphertext.
 *
 * Compressed audio is high-entropy even in clear, so byte entropy proves
 * nothing. What differs is structure across packets: the first payload byte
 * of a codec frame (Opus TOC, VP8 payload descriptor, a G.711 sample near
 * the same level) repeats or clusters from packet to packet, while SRTP
 * ciphertext is uniform. Each RTP packet adds its first payload byte to two
 * 16-bin histograms (high and low nibble); a chi-square test against the
 * uniform distribution decides. SRTCP is checked for its E flag (RFC 3711
 * 3.4) at the offset the negotiated profile's tag puts it, plain RTCP by
 * parsing. Repeated sequence numbers with different payloads reveal reused
 * keystream. All of it in fixed memory per stream, no allocation.
 */
#ifndef CA_OPACITY_H
#define CA_OPACITY_H

#include <stdbool.h>
#include <stdint.h>

#include "cursor.h"

#define CA_OPACITY_MIN_SAMPLES 64
#define CA_OPACITY_MAX_SAMPLES 4096 /* enough: more only slows the hot path */
#define CA_REUSE_SLOTS         64
/* p below this: the payloads are structured, i.e. readable media */
#define CA_OPACITY_READABLE_P 1e-6
/* p above this: consistent with ciphertext (a ciphertext stream falls below
 * it by chance with probability 2e-4: undecided, never readable) */
#define CA_OPACITY_OPAQUE_P 1e-4

typedef enum { CA_OPAQUE_UNKNOWN = 0, CA_OPAQUE_YES, CA_OPAQUE_NO } ca_opaque_t;

typedef struct {
    uint16_t seq;
    bool used;
    uint32_t hash;
} ca_reuse_slot_t;

typedef struct {
    /* RTP */
    uint16_t hist_hi[16], hist_lo[16];
    uint32_t samples;
    bool have_seq;
    uint16_t last_seq;
    uint64_t gaps, reordered, duplicates;
    uint64_t keystream_reuse, reuse_frame; /* same seq, different payload */
    uint32_t rollovers;
    uint16_t ext_profile; /* of the last packet with an extension */
    uint32_t ext_ids;     /* bit N: extension element id N seen (RFC 8285), 1-31 */
    uint64_t too_short;   /* SRTP packets too short to hold the profile's tag */
    /* payload sizes, for LENGTH_LEAK (RFC 6562) */
    uint32_t len_min, len_max;
    uint64_t len_n;
    double len_sum, len_sumsq;
    uint32_t last_timestamp;
    uint64_t same_timestamp; /* packets sharing the previous one's timestamp: video frames */
    double ts_step_sum;      /* timestamp advances between packets, to tell 90 kHz video */
    uint64_t ts_steps;
    ca_reuse_slot_t recent[CA_REUSE_SLOTS];
    /* RTCP */
    uint64_t rtcp_plain, rtcp_e_clear, rtcp_encrypted, rtcp_unknown;
    uint64_t rtcp_plain_frame;
    bool have_index;
    uint32_t last_index;        /* highest SRTCP index (RFC 3711 3.4), 31 bits */
    uint64_t index_regressions; /* an index at or below the last one */
    uint64_t index_frame;
} ca_opacity_t;

/* An RTP packet: sequence number, timestamp, payload (after header and
 * extension), the extension block (may be empty) and the SRTP profile (0
 * unknown). CUT: the capture's snaplen cut the packet, so its length and
 * its tail (where the tag is) say nothing. */
void ca_opacity_rtp(ca_opacity_t *o, uint16_t seq, uint32_t timestamp, ca_cursor_t payload,
                    uint16_t ext_profile, ca_cursor_t ext, uint16_t srtp_profile, bool cut,
                    uint64_t frame);

/* RFC 6562: whether an audio stream's packet sizes vary with the signal (VBR).
 * Video (several packets per timestamp) and constant sizes do not count. */
bool ca_opacity_length_leak(const ca_opacity_t *o, double *cv);

/* An RTCP packet (all of it), with the SRTP profile if known (0: unknown). */
void ca_opacity_rtcp(ca_opacity_t *o, ca_cursor_t pkt, uint16_t srtp_profile, uint64_t frame);

/* The verdict on the RTP payloads, with the chi-square statistic (16 bins,
 * the larger of the two nibbles') and its p-value under uniformity. */
ca_opaque_t ca_opacity_verdict(const ca_opacity_t *o, double *statistic, double *p_value);

/* Upper tail of the chi-square distribution (Wilson-Hilferty), exposed for tests. */
double ca_chi2_upper_tail(double x, double df);

#endif
