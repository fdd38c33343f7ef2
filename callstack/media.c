/* media.c - PCMU tone frames, RTP/RTCP packets and their checks; see media.h.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 */
#include "media.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "cursor.h"

#define RTP_HEADER_LEN 12
#define RTCP_SR        200
#define RTCP_SDES      202
#define RTCP_BYE       203
/* Seconds from 1900 (NTP) to 1970 (Unix). */
#define NTP_UNIX_OFFSET 2208988800u

/* G.711 mu-law (ITU-T G.711, the classic biased-segment encoder). */
uint8_t cs_ulaw_encode(int16_t sample)
{
    const int bias = 0x84, clip = 32635;
    int s = sample, sign = 0;
    if (s < 0) {
        s = -s;
        sign = 0x80;
    }
    if (s > clip)
        s = clip;
    s += bias;
    int exponent = 7;
    for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1)
        exponent--;
    int mantissa = (s >> (exponent + 3)) & 0x0f;
    return (uint8_t) ~(sign | (exponent << 4) | mantissa);
}

int16_t cs_ulaw_decode(uint8_t code)
{
    int u = (uint8_t)~code;
    int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

double cs_tone_share(const int16_t *samples, size_t n, double hz, double rate)
{
    const double pi = 3.14159265358979323846;
    double coeff = 2.0 * cos(2.0 * pi * hz / rate), s1 = 0, s2 = 0, energy = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = samples[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += (double)samples[i] * samples[i];
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    if (energy <= 0 || n == 0)
        return 0;
    return power / ((double)n / 2.0 * energy);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void cs_media_tx_init(cs_media_tx_t *tx, double tone_hz)
{
    uint8_t r[8];
    memset(tx, 0, sizeof *tx);
    /* RFC 3550 5.1/8.1: random SSRC, sequence number and timestamp. A failed
     * RAND_bytes leaves zeros, which are legal values. */
    if (RAND_bytes(r, sizeof r) != 1)
        memset(r, 0, sizeof r);
    tx->ssrc = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
    tx->seq = (uint16_t)(r[4] << 8 | r[5]);
    tx->timestamp = (uint32_t)r[6] << 8 | r[7];
    tx->tone_hz = tone_hz;
    snprintf(tx->cname, sizeof tx->cname, "callstack-%08x", tx->ssrc);
}

size_t cs_media_next_rtp(cs_media_tx_t *tx, uint8_t *buf, size_t cap)
{
    const double pi = 3.14159265358979323846;
    size_t hdr = RTP_HEADER_LEN + (tx->audio_level ? 8 : 0);
    if (cap < hdr + CS_MEDIA_FRAME_SAMPLES)
        return 0;
    buf[0] = tx->audio_level ? 0x90 : 0x80; /* V=2, no padding, X as chosen, no CSRC */
    buf[1] = (uint8_t)((tx->packets == 0 ? 0x80 : 0) | CS_MEDIA_PT_PCMU);
    put16(buf + 2, tx->seq);
    put32(buf + 4, tx->timestamp);
    put32(buf + 8, tx->ssrc);
    if (tx->audio_level) {
        /* RFC 8285 one-byte header (0xBEDE, one word): id 1, one byte: voice
         * activity and the level in -dBov (RFC 6464 3) */
        put16(buf + 12, 0xBEDE);
        put16(buf + 14, 1);
        buf[16] = 0x10;
        buf[17] = 0x80 | 30;
        buf[18] = buf[19] = 0;
    }
    for (size_t i = 0; i < CS_MEDIA_FRAME_SAMPLES; i++) {
        double t = (double)(tx->sample_index + i) / CS_MEDIA_CLOCK;
        double v = 10000.0 * sin(2.0 * pi * tx->tone_hz * t);
        buf[hdr + i] = cs_ulaw_encode((int16_t)lrint(v));
    }
    tx->sample_index += CS_MEDIA_FRAME_SAMPLES;
    tx->seq++;
    tx->timestamp += CS_MEDIA_FRAME_SAMPLES;
    tx->packets++;
    tx->octets += CS_MEDIA_FRAME_SAMPLES;
    return hdr + CS_MEDIA_FRAME_SAMPLES;
}

size_t cs_media_rtcp(const cs_media_tx_t *tx, bool bye, uint8_t *buf, size_t cap)
{
    size_t cname_len = strlen(tx->cname);
    /* SDES chunk: SSRC, CNAME item (type, length, text), a null item, padded to 32 bits. */
    size_t sdes_len = 4 + 4 + ((4 + 2 + cname_len + 1 + 3) & ~(size_t)3) - 4;
    size_t total = 28 + sdes_len + (bye ? 8 : 0);
    if (cap < total)
        return 0;
    memset(buf, 0, total);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint32_t ntp_sec = (uint32_t)((uint64_t)now.tv_sec + NTP_UNIX_OFFSET);
    uint32_t ntp_frac = (uint32_t)(((uint64_t)now.tv_nsec << 32) / 1000000000u);

    buf[0] = 0x80; /* SR, V=2, no report blocks */
    buf[1] = RTCP_SR;
    put16(buf + 2, 6); /* length in 32-bit words minus one */
    put32(buf + 4, tx->ssrc);
    put32(buf + 8, ntp_sec);
    put32(buf + 12, ntp_frac);
    put32(buf + 16, tx->timestamp);
    put32(buf + 20, tx->packets);
    put32(buf + 24, tx->octets);

    uint8_t *sdes = buf + 28;
    sdes[0] = 0x81; /* one chunk */
    sdes[1] = RTCP_SDES;
    put16(sdes + 2, (uint16_t)(sdes_len / 4 - 1));
    put32(sdes + 4, tx->ssrc);
    sdes[8] = 1; /* CNAME */
    sdes[9] = (uint8_t)cname_len;
    memcpy(sdes + 10, tx->cname, cname_len);

    if (bye) {
        uint8_t *b = sdes + sdes_len;
        b[0] = 0x81;
        b[1] = RTCP_BYE;
        put16(b + 2, 1);
        put32(b + 4, tx->ssrc);
    }
    return total;
}

void cs_media_rx_init(cs_media_rx_t *rx, double tone_hz)
{
    memset(rx, 0, sizeof *rx);
    rx->tone_hz = tone_hz;
}

/* Parse the header, decode the PCMU payload and look for the tone. */
void cs_media_rx_rtp(cs_media_rx_t *rx, const uint8_t *pkt, size_t len)
{
    ca_cursor_t c = ca_cursor_make(pkt, len);
    uint8_t b0, b1;
    const uint8_t *payload;
    int16_t samples[CS_MEDIA_FRAME_SAMPLES * 4];

    rx->packets++;
    if (ca_cursor_u8(&c, &b0) != CA_OK || ca_cursor_u8(&c, &b1) != CA_OK || (b0 >> 6) != 2 ||
        ca_cursor_skip(&c, 10 + 4 * (size_t)(b0 & 0x0f)) != CA_OK) {
        rx->malformed++;
        return;
    }
    if (b0 & 0x10) { /* header extension: profile, length in words */
        uint16_t profile, words;
        if (ca_cursor_u16(&c, &profile) != CA_OK || ca_cursor_u16(&c, &words) != CA_OK ||
            ca_cursor_skip(&c, 4 * (size_t)words) != CA_OK) {
            rx->malformed++;
            return;
        }
    }
    size_t n = ca_cursor_left(&c);
    if ((b1 & 0x7f) != CS_MEDIA_PT_PCMU || n == 0 || n > sizeof samples / sizeof samples[0] ||
        ca_cursor_bytes(&c, n, &payload) != CA_OK) {
        rx->malformed++;
        return;
    }
    for (size_t i = 0; i < n; i++)
        samples[i] = cs_ulaw_decode(payload[i]);
    if (cs_tone_share(samples, n, rx->tone_hz, CS_MEDIA_CLOCK) > 0.5)
        rx->tone_frames++;
}

/* Walk the compound packet (RFC 3550 6.1) and note a BYE. */
void cs_media_rx_rtcp(cs_media_rx_t *rx, const uint8_t *pkt, size_t len)
{
    ca_cursor_t c = ca_cursor_make(pkt, len), body;
    while (ca_cursor_left(&c) > 0) {
        uint8_t b0, pt;
        uint16_t words;
        if (ca_cursor_u8(&c, &b0) != CA_OK || ca_cursor_u8(&c, &pt) != CA_OK ||
            ca_cursor_u16(&c, &words) != CA_OK ||
            ca_cursor_sub(&c, 4 * (size_t)words, &body) != CA_OK || (b0 >> 6) != 2) {
            rx->malformed++;
            return;
        }
        rx->rtcp_packets++;
        if (pt == RTCP_BYE)
            rx->bye = true;
    }
}
