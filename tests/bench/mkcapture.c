/* mkcapture.c - builds a large benchmark capture from a real one: the
 * template call (a pcap of Ethernet/IPv4/UDP frames, e.g. pcaps/call-plain.pcap)
 * is replayed as calls with their own addresses (10.A.B.1 and 10.A.B.2),
 * CONCURRENT of them at a time, interleaved packet by packet, until the file
 * reaches its size. Time advances so that each call lasts as long as the
 * template did: flows end and expire during the capture as they would. Real handshakes,
 * real SRTP: only addresses, ports, IP/UDP checksums and times change.
 *
 * usage: mkcapture TEMPLATE.pcap OUT.pcap MEGABYTES CONCURRENT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

typedef struct {
    struct pcap_pkthdr hdr;
    uint8_t *data;
} frame_t;

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Give template frame F the addresses of call ID: the template's two
 * endpoints (told apart by port: on loopback they share the address) map to
 * 10.A.B.C and 11.A.B.C, A.B.C from ID (16 million calls). */
static void rewrite(uint8_t *f, uint32_t len, uint32_t id, uint32_t first_sport)
{
    if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00)
        return;
    uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ip[9] != 17 || len < 14 + ihl + 8)
        return;
    const uint8_t *udp = ip + ihl;
    uint32_t sport = (uint32_t)(udp[0] << 8 | udp[1]);
    uint8_t side = sport == first_sport ? 1 : 2;
    uint8_t a = (uint8_t)(id >> 16), b = (uint8_t)(id >> 8), lo = (uint8_t)id;
    uint8_t s4[4] = {(uint8_t)(9 + side), a, b, lo}, d4[4] = {(uint8_t)(12 - side), a, b, lo};
    memcpy(ip + 12, s4, 4);
    memcpy(ip + 16, d4, 4);
    ip[10] = ip[11] = 0;
    uint16_t c = csum(ip, ihl);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    ip[ihl + 6] = ip[ihl + 7] = 0; /* IPv4 UDP checksum: optional */
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mkcapture TEMPLATE.pcap OUT.pcap MEGABYTES CONCURRENT\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(argv[1], err);
    if (!in) {
        fprintf(stderr, "mkcapture: %s\n", err);
        return 2;
    }
    frame_t *t = NULL;
    size_t n = 0, cap = 0;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(in, &h, &d) == 1) {
        /* the call's UDP only: signaling over TCP would repeat one TCP stream */
        if (h->caplen < 14 + 20 + 8 || d[12] != 0x08 || d[13] != 0x00 || d[14 + 9] != 17)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            t = realloc(t, cap * sizeof *t);
        }
        t[n].hdr = *h;
        t[n].data = malloc(h->caplen);
        memcpy(t[n].data, d, h->caplen);
        n++;
    }
    if (n == 0 || t[0].hdr.caplen < 34) {
        fprintf(stderr, "mkcapture: empty template\n");
        return 2;
    }
    const uint8_t *ip0 = t[0].data + 14, *udp0 = ip0 + (size_t)(ip0[0] & 0x0f) * 4;
    uint32_t first_sport = (uint32_t)(udp0[0] << 8 | udp0[1]);
    pcap_t *dead = pcap_open_dead(pcap_datalink(in), 262144);
    pcap_dumper_t *out = pcap_dump_open(dead, argv[2]);
    if (!out) {
        fprintf(stderr, "mkcapture: %s\n", pcap_geterr(dead));
        return 2;
    }
    uint64_t limit = strtoull(argv[3], NULL, 10) << 20, written = 0, frames = 0;
    uint32_t conc = (uint32_t)strtoul(argv[4], NULL, 10), next_call = 0, calls = 0;
    uint32_t *slot_call = calloc(conc, sizeof *slot_call);
    size_t *slot_pos = calloc(conc, sizeof *slot_pos);
    uint8_t buf[65536];
    for (uint32_t s = 0; s < conc; s++)
        slot_call[s] = next_call++;
    int64_t now_us = (int64_t)1700000000 * 1000000;
    int64_t span_us = (int64_t)(t[n - 1].hdr.ts.tv_sec - t[0].hdr.ts.tv_sec) * 1000000 +
                      (t[n - 1].hdr.ts.tv_usec - t[0].hdr.ts.tv_usec);
    int64_t step_us = span_us / (int64_t)n / (int64_t)(conc ? conc : 1);
    if (step_us < 1)
        step_us = 1;
    while (written < limit) {
        for (uint32_t s = 0; s < conc && written < limit; s++) {
            frame_t *f = &t[slot_pos[s]];
            struct pcap_pkthdr hd = f->hdr;
            now_us += step_us;
            hd.ts.tv_sec = (time_t)(now_us / 1000000);
            hd.ts.tv_usec = (suseconds_t)(now_us % 1000000);
            memcpy(buf, f->data, hd.caplen);
            rewrite(buf, hd.caplen, slot_call[s] & 0xffffff, first_sport);
            pcap_dump((u_char *)out, &hd, buf);
            written += hd.caplen + 16;
            frames++;
            if (++slot_pos[s] == n) { /* this call is over: a new one takes the slot */
                slot_pos[s] = 0;
                slot_call[s] = next_call++;
                calls++;
            }
        }
    }
    pcap_dump_close(out);
    printf("%s: %" PRIu64 " frames, %" PRIu64 " bytes, %u calls started (%u complete), %u at "
           "a time, from %zu template frames\n",
           argv[2], frames, written + 24, next_call, calls, conc, n);
    return 0;
}
