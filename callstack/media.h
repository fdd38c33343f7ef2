/* media.h - the audio a callstack endpoint sends and checks: a sine tone as
 * G.711 mu-law (PCMU, payload type 0, 8 kHz, 20 ms frames, RFC 3551), RTP
 * packets (RFC 3550 5.1), RTCP sender reports with SDES CNAME, and BYE. */
#ifndef CS_MEDIA_H
#define CS_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CS_MEDIA_PT_PCMU       0
#define CS_MEDIA_CLOCK         8000
#define CS_MEDIA_FRAME_MS      20
#define CS_MEDIA_FRAME_SAMPLES (CS_MEDIA_CLOCK * CS_MEDIA_FRAME_MS / 1000)

typedef struct {
    uint32_t ssrc;
    uint16_t seq;
    uint32_t timestamp;
    uint32_t packets;
    uint32_t octets; /* payload octets, for the sender report */
    double tone_hz;
    uint64_t sample_index;
    char cname[32];
    bool audio_level; /* add the RFC 6464 header extension (id 1, one-byte form) */
} cs_media_tx_t;

typedef struct {
    double tone_hz;
    uint64_t packets;
    uint64_t tone_frames; /* frames in which the expected tone dominates */
    uint64_t malformed;
    uint64_t rtcp_packets;
    bool bye;
} cs_media_rx_t;

void cs_media_tx_init(cs_media_tx_t *tx, double tone_hz);
/* Build the next RTP packet (header + one frame) into BUF; returns its length or 0. */
size_t cs_media_next_rtp(cs_media_tx_t *tx, uint8_t *buf, size_t cap);
/* Build a compound RTCP packet: SR + SDES CNAME (+ BYE). Returns its length or 0. */
size_t cs_media_rtcp(const cs_media_tx_t *tx, bool bye, uint8_t *buf, size_t cap);

void cs_media_rx_init(cs_media_rx_t *rx, double tone_hz);
void cs_media_rx_rtp(cs_media_rx_t *rx, const uint8_t *pkt, size_t len);
void cs_media_rx_rtcp(cs_media_rx_t *rx, const uint8_t *pkt, size_t len);

/* G.711 mu-law, exposed for tests. */
uint8_t cs_ulaw_encode(int16_t sample);
int16_t cs_ulaw_decode(uint8_t code);
/* Share of a frame's energy at HZ (1.0: a pure tone), by the Goertzel algorithm. */
double cs_tone_share(const int16_t *samples, size_t n, double hz, double rate);

#endif
