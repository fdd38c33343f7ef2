/* opacity.c - ciphertext evidence per stream; see opacity.h. */
#include "opacity.h"

#include <math.h>
#include <string.h>

#define READABLE_P CA_OPACITY_READABLE_P
#define OPAQUE_P   CA_OPACITY_OPAQUE_P

/* A fingerprint of a payload: its length and first 32 bytes. Two different
 * ciphertexts under one keystream differ almost everywhere, so the head is
 * enough; hashing all of every packet was the largest cost per packet. */
/* A fingerprint of a payload: its length and first 32 bytes, a 64-bit word
 * at a time (every RTP packet goes through it). */
static uint32_t fnv1a(ca_cursor_t c)
{
    uint64_t h = 0xcbf29ce484222325ull ^ ca_cursor_left(&c);
    const uint8_t *p;
    size_t n = ca_cursor_left(&c) < 32 ? ca_cursor_left(&c) : 32;
    if (ca_cursor_bytes(&c, n, &p) != CA_OK)
        return (uint32_t)h;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return (uint32_t)(h ^ (h >> 32));
}

static size_t tag_length(uint16_t profile);

/* RFC 8285 4.2/4.3: the ids of one-byte (0xBEDE) and two-byte (0x100x) elements. */
static void note_extension_ids(ca_opacity_t *o, uint16_t profile, ca_cursor_t ext)
{
    bool one_byte = profile == 0xBEDE;
    if (!one_byte && (profile & 0xfff0) != 0x1000)
        return;
    while (ca_cursor_left(&ext) > 0) {
        uint8_t b, len;
        if (ca_cursor_u8(&ext, &b) != CA_OK)
            return;
        if (b == 0)
            continue; /* padding */
        uint8_t id = one_byte ? (uint8_t)(b >> 4) : b;
        if (one_byte && id == 15)
            return; /* reserved: stop (RFC 8285 4.2) */
        len = (uint8_t)(one_byte ? (b & 0x0f) + 1 : 0);
        if (!one_byte && ca_cursor_u8(&ext, &len) != CA_OK)
            return;
        if (id < 32)
            o->ext_ids |= 1u << id;
        if (ca_cursor_skip(&ext, len) != CA_OK)
            return;
    }
}

static void note_length(ca_opacity_t *o, uint32_t len, uint32_t timestamp)
{
    if (o->len_n == 0 || len < o->len_min)
        o->len_min = len;
    if (len > o->len_max)
        o->len_max = len;
    uint32_t step = timestamp - o->last_timestamp;
    if (o->len_n > 0 && step == 0)
        o->same_timestamp++;
    else if (o->len_n > 0 && step < 0x10000) {
        o->ts_step_sum += step;
        o->ts_steps++;
    }
    o->last_timestamp = timestamp;
    o->len_n++;
    o->len_sum += len;
    o->len_sumsq += (double)len * len;
}

bool ca_opacity_length_leak(const ca_opacity_t *o, double *cv)
{
    *cv = 0;
    if (o->len_n < 50 || o->same_timestamp * 10 > o->len_n)
        return false;
    /* Audio advances its clock by at most a few thousand ticks per packet
     * (20 ms: 160 at 8 kHz, 960 at 48 kHz); video at 90 kHz by 1500-3600 per
     * frame, one packet each for small frames. */
    if (o->ts_steps > 0 && o->ts_step_sum / (double)o->ts_steps > 2000)
        return false;
    double mean = o->len_sum / (double)o->len_n;
    double var = o->len_sumsq / (double)o->len_n - mean * mean;
    *cv = mean > 0 && var > 0 ? sqrt(var) / mean : 0;
    /* a few bytes of jitter (padding, CSRC) is not speech */
    return o->len_max - o->len_min >= 8 && *cv >= 0.05;
}

void ca_opacity_rtp(ca_opacity_t *o, uint16_t seq, uint32_t timestamp, ca_cursor_t payload,
                    uint16_t ext_profile, ca_cursor_t ext, uint16_t srtp_profile, bool cut,
                    uint64_t frame)
{
    size_t tag = srtp_profile ? tag_length(srtp_profile) : 0;
    if (srtp_profile && tag == 0)
        tag = 16; /* AEAD: the tag ends the payload */
    if (srtp_profile && tag != SIZE_MAX && ca_cursor_left(&payload) < tag + 1 && !cut)
        o->too_short++;
    if (ca_cursor_left(&ext) > 0)
        note_extension_ids(o, ext_profile, ext);
    if (!cut)
        note_length(o, (uint32_t)ca_cursor_left(&payload), timestamp);
    /* Sequence bookkeeping (RFC 3550 A.1 in spirit): forward jumps are gaps,
     * a step back within 3000 is reordering, a wrap is a rollover. */
    bool fresh = true; /* a packet not seen before: an independent sample */
    if (o->have_seq) {
        uint16_t delta = (uint16_t)(seq - o->last_seq);
        if (delta == 0) {
            o->duplicates++;
            fresh = false;
        } else if (delta < 0x8000) {
            if (seq < o->last_seq)
                o->rollovers++;
            o->gaps += (uint64_t)(delta - 1);
            o->last_seq = seq;
        } else {
            o->reordered++;
            fresh = false; /* late, or replayed: its bytes may already be counted */
        }
    } else {
        o->have_seq = true;
        o->last_seq = seq;
    }
    /* RFC 3711 9.1 / RFC 7714 8: an SRTP packet index must never carry two
     * different ciphertexts under one key; a resend of the same is harmless. */
    ca_reuse_slot_t *slot = &o->recent[seq % CA_REUSE_SLOTS];
    uint32_t h = fnv1a(payload);
    if (slot->used && slot->seq == seq) {
        if (slot->hash != h && o->keystream_reuse++ == 0)
            o->reuse_frame = frame;
    } else {
        slot->used = true;
        slot->seq = seq;
        slot->hash = h;
    }
    uint8_t first;
    /* Repeated packets are not new evidence: counting a replay four times
     * would make ciphertext look structured. */
    if (fresh && o->samples < CA_OPACITY_MAX_SAMPLES &&
        ca_cursor_peek_u8(&payload, &first) == CA_OK) {
        o->hist_hi[first >> 4]++;
        o->hist_lo[first & 0x0f]++;
        o->samples++;
    }
}

/* Whether PKT parses as plain RTCP: a chain of RTCP headers that ends exactly
 * at the end of the packet (RFC 3550 6.1). Ciphertext does not. */
static bool parses_as_plain_rtcp(ca_cursor_t c)
{
    int n = 0;
    while (ca_cursor_left(&c) > 0) {
        uint8_t b0, pt;
        uint16_t words;
        if (ca_cursor_u8(&c, &b0) != CA_OK || (b0 >> 6) != 2 || ca_cursor_u8(&c, &pt) != CA_OK ||
            pt < 192 || pt > 223 || ca_cursor_u16(&c, &words) != CA_OK ||
            ca_cursor_skip(&c, 4u * words) != CA_OK)
            return false;
        n++;
    }
    return n > 0;
}

static size_t tag_length(uint16_t profile)
{
    /* the HMAC tag's length after the SRTCP index; AEAD keeps its tag inside (0) */
    switch (profile) {
    case 0x0001: /* SRTP_AES128_CM_SHA1_80 */
    case 0x0005: /* SRTP_NULL_SHA1_80 */
        return 10;
    case 0x0002:
    case 0x0006:
        return 4;
    case 0x0007: /* AEAD: the 16-byte tag is inside the ciphertext, before E||index */
    case 0x0008:
        return 0;
    default:
        return SIZE_MAX;
    }
}

/* RFC 3711 3.4 (and RFC 7714 9.3 for AEAD): E||SRTCP index sits before the
 * authentication tag (HMAC profiles) or at the very end (AEAD). Returns the
 * E flag (and the index in *INDEX), or -1 if the packet is too short. */
static int e_flag(ca_cursor_t c, size_t tag, uint32_t *index)
{
    size_t len = ca_cursor_left(&c);
    uint32_t word;
    if (len < 8 + 4 + tag)
        return -1;
    if (ca_cursor_skip(&c, len - tag - 4) != CA_OK || ca_cursor_u32(&c, &word) != CA_OK)
        return -1;
    if (index)
        *index = word & 0x7fffffffu;
    return (int)(word >> 31);
}

#define SRTCP_REPLAY_WINDOW 64

void ca_opacity_rtcp(ca_opacity_t *o, ca_cursor_t pkt, uint16_t srtp_profile, uint64_t frame)
{
    if (parses_as_plain_rtcp(pkt)) {
        if (o->rtcp_plain++ == 0)
            o->rtcp_plain_frame = frame;
        return;
    }
    size_t tag = tag_length(srtp_profile);
    if (tag != SIZE_MAX) {
        uint32_t index = 0;
        int e = e_flag(pkt, tag, &index);
        /* RFC 3711 3.4: the index increases with every SRTCP packet sent. The
         * network duplicates and reorders; RFC 3711 3.3.2's replay window (64)
         * bounds how far back a receiver accepts, so only a step back beyond
         * it says these bytes are no SRTCP index. */
        if (e >= 0) {
            if (o->have_index && (uint64_t)index + SRTCP_REPLAY_WINDOW < o->last_index &&
                o->index_regressions++ == 0)
                o->index_frame = frame;
            if (!o->have_index || index > o->last_index)
                o->last_index = index;
            o->have_index = true;
        }
        if (e == 1)
            o->rtcp_encrypted++;
        else if (e == 0 && o->rtcp_e_clear++ == 0)
            o->rtcp_plain_frame = frame;
        else if (e < 0)
            o->rtcp_unknown++;
        return;
    }
    /* Profile unknown (DTLS 1.3 without keys): E set at one of the layouts. */
    if (e_flag(pkt, 0, NULL) == 1 || e_flag(pkt, 10, NULL) == 1 || e_flag(pkt, 4, NULL) == 1)
        o->rtcp_encrypted++;
    else
        o->rtcp_unknown++;
}

double ca_chi2_upper_tail(double x, double df)
{
    if (x <= 0)
        return 1.0;
    double k = 2.0 / (9.0 * df);
    double z = (cbrt(x / df) - (1.0 - k)) / sqrt(k);
    return 0.5 * erfc(z / sqrt(2.0));
}

static double chi2_uniform(const uint16_t *hist, size_t bins, uint32_t n)
{
    double e = (double)n / (double)bins, x = 0;
    for (size_t i = 0; i < bins; i++)
        x += ((double)hist[i] - e) * ((double)hist[i] - e) / e;
    return x;
}

ca_opaque_t ca_opacity_verdict(const ca_opacity_t *o, double *statistic, double *p_value)
{
    *statistic = 0;
    *p_value = 1;
    if (o->samples < CA_OPACITY_MIN_SAMPLES)
        return CA_OPAQUE_UNKNOWN;
    double hi = chi2_uniform(o->hist_hi, 16, o->samples);
    double lo = chi2_uniform(o->hist_lo, 16, o->samples);
    *statistic = hi > lo ? hi : lo;
    /* two tests: Bonferroni */
    double p = 2.0 * ca_chi2_upper_tail(*statistic, 15);
    *p_value = p > 1 ? 1 : p;
    if (*p_value < READABLE_P)
        return CA_OPAQUE_NO;
    if (*p_value > OPAQUE_P)
        return CA_OPAQUE_YES;
    return CA_OPAQUE_UNKNOWN;
}
