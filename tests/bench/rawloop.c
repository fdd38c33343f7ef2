/* rawloop.c - the raw read limit for the benchmark: a bare libpcap loop
 * that touches every byte of every packet (a sum, so nothing is optimised
 * away) and does nothing else. */
#include <inttypes.h>
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = argc == 2 ? pcap_open_offline(argv[1], err) : NULL;
    if (!p) {
        fprintf(stderr, "usage: rawloop CAPTURE (%s)\n", argc == 2 ? err : "");
        return 2;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t frames = 0, bytes = 0, sum = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        frames++;
        bytes += h->caplen;
        for (uint32_t i = 0; i < h->caplen; i++)
            sum += d[i];
    }
    printf("%" PRIu64 " frames %" PRIu64 " bytes (sum %" PRIu64 ")\n", frames, bytes, sum);
    pcap_close(p);
    return 0;
}
