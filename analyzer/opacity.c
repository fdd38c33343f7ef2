/* opacity.c - ciphertext evidence per stream; see opacity.h. */
#include "opacity.h"

#include <math.h>
#include <string.h>

/* p below this: the payloads are structured, i.e. readable media */
#define READABLE_P 1e-6
/* p above this: consistent with ciphertext */
#define OPAQUE_P 1e-3

static uint32_t fnv1a(ca_cursor_t c)
{
    uint32_t h = 2166136261u;
    const uint8_t *p;
    size_t n = ca_cursor_left(&c);
    if (ca_cursor_bytes(&c, n, &p) != CA_OK)
        return h;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

void ca_opacity_rtp(ca_opacity_t *o, uint16_t seq, ca_cursor_t payload, uint64_t frame)
{
    /* Sequence bookkeeping (RFC 3550 A.1 in spirit): forward jumps are gaps,
     * a step back within 3000 is reordering, a wrap is a rollover. */
    if (o->have_seq) {
        uint16_t delta = (uint16_t)(seq - o->last_seq);
        if (delta == 0) {
            o->duplicates++;
        } else if (delta < 0x8000) {
            if (seq < o->last_seq)
                o->rollovers++;
            o->gaps += (uint64_t)(delta - 1);
            o->last_seq = seq;
        } else {
            o->reordered++;
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
    if (o->samples < CA_OPACITY_MAX_SAMPLES && ca_cursor_peek_u8(&payload, &first) == CA_OK) {
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
 * authentication tag (HMAC profiles) or at the very end (AEAD). */
static int e_flag(ca_cursor_t c, size_t tag)
{
    size_t len = ca_cursor_left(&c);
    uint8_t b;
    if (len < 8 + 4 + tag)
        return -1;
    if (ca_cursor_skip(&c, len - tag - 4) != CA_OK || ca_cursor_u8(&c, &b) != CA_OK)
        return -1;
    return b >> 7;
}

void ca_opacity_rtcp(ca_opacity_t *o, ca_cursor_t pkt, uint16_t srtp_profile, uint64_t frame)
{
    if (parses_as_plain_rtcp(pkt)) {
        if (o->rtcp_plain++ == 0)
            o->rtcp_plain_frame = frame;
        return;
    }
    size_t tag = tag_length(srtp_profile);
    if (tag != SIZE_MAX) {
        int e = e_flag(pkt, tag);
        if (e == 1)
            o->rtcp_encrypted++;
        else if (e == 0 && o->rtcp_e_clear++ == 0)
            o->rtcp_plain_frame = frame;
        else if (e < 0)
            o->rtcp_unknown++;
        return;
    }
    /* Profile unknown (DTLS 1.3 without keys): E set at one of the layouts. */
    if (e_flag(pkt, 0) == 1 || e_flag(pkt, 10) == 1 || e_flag(pkt, 4) == 1)
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
