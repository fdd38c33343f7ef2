/* decrypt_out.c - decrypted media as pcapng; see decrypt_out.h. */
#include "decrypt_out.h"

#include <stdio.h>
#include <string.h>

#define LINKTYPE_RAW 101

int ca_decrypt_out_open(ca_decrypt_out_t *d, const char *path, char *err, size_t err_size)
{
    memset(d, 0, sizeof *d);
    d->w = ca_pcapng_open(path, LINKTYPE_RAW,
                          "callaudit --decrypt-out: RTP/RTCP DECRYPTED from SRTP/SRTCP with keys "
                          "from a key log. Not what was on the wire.",
                          "callaudit-decrypted", err, err_size);
    return d->w ? 0 : -1;
}

/* RFC 1071 ones' complement sum, folded. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n % 2)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void ca_decrypt_out_packet(void *user, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                           uint64_t frame, int64_t ts_us, const uint8_t *plain, size_t len)
{
    ca_decrypt_out_t *d = user;
    static uint8_t pkt[40 + 8 + 65536];
    bool v6 = src->addr.family == 6;
    size_t ip_len = v6 ? 40 : 20, udp_len = 8 + len;
    if (!d->w || udp_len > 0xffff - ip_len)
        return;
    memset(pkt, 0, ip_len + 8);
    uint8_t *udp = pkt + ip_len;
    uint32_t pseudo = 0;
    if (v6) {
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)udp_len);
        pkt[6] = 17;
        pkt[7] = 64;
        memcpy(pkt + 8, src->addr.bytes, 16);
        memcpy(pkt + 24, dst->addr.bytes, 16);
        pseudo = sum16(sum16(0, pkt + 8, 32), (const uint8_t[]){0, 17}, 2) + (uint32_t)udp_len;
    } else {
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)(20 + udp_len));
        pkt[8] = 64;
        pkt[9] = 17;
        memcpy(pkt + 12, src->addr.bytes, 4);
        memcpy(pkt + 16, dst->addr.bytes, 4);
        put16(pkt + 10, fold(sum16(0, pkt, 20)));
        pseudo = sum16(sum16(0, pkt + 12, 8), (const uint8_t[]){0, 17}, 2) + (uint32_t)udp_len;
    }
    put16(udp, src->port);
    put16(udp + 2, dst->port);
    put16(udp + 4, (uint16_t)udp_len);
    memcpy(udp + 8, plain, len);
    uint16_t check = fold(sum16(pseudo, udp, udp_len));
    put16(udp + 6, check ? check : 0xffff);
    char comment[96];
    snprintf(comment, sizeof comment, "callaudit: DECRYPTED from the SRTP in frame %llu",
             (unsigned long long)frame);
    if (ca_pcapng_write(d->w, ts_us, pkt, ip_len + udp_len, comment) == 0)
        d->written++;
}

int ca_decrypt_out_close(ca_decrypt_out_t *d)
{
    int rc = ca_pcapng_close(d->w);
    d->w = NULL;
    return rc;
}
