/* fuzz_frame.c - libFuzzer target for frame decoding: link layer, IP (with
 * fragment reassembly), UDP, RFC 7983 demultiplexing, STUN/TURN, RTP/RTCP and
 * DTLS, through the pipeline. The first byte picks the link type; inputs
 * share one pipeline, so state (flows, fragments, handshakes) builds up
 * across frames as in a real capture. */
#include <stddef.h>
#include <stdint.h>

#include <pcap/dlt.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int dlts[] = {
        DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL, DLT_LOOP, 228, 229};
    static ca_pipeline_t *p;
    static uint64_t frame;
    if (size < 1)
        return 0;
    /* A fresh table now and then keeps memory bounded over long runs. */
    if (!p || frame % 4096 == 0) {
        ca_pipeline_free(p);
        p = ca_pipeline_new();
        if (!p)
            return 0;
    }
    frame++;
    int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
    /* The second byte, if any, cuts the capture short (snaplen). */
    uint32_t len = (uint32_t)(size - 1);
    ca_pipeline_frame(p, dlt, frame, (int64_t)frame * 1000, data + 1, len, len + (data[0] >> 7));
    return 0;
}
