/* fuzz_dtls.c - libFuzzer target for the DTLS tracker: records, handshake
 * reassembly, hellos, certificates, alerts. The input is a series of
 * datagrams, each a 2-byte length whose top bit says the direction. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dtls_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ca_endpoint_t a = {{4, {192, 0, 2, 1}}, 5000};
    static const ca_endpoint_t b = {{4, {198, 51, 100, 1}}, 6000};
    ca_dtls_session_t *s = ca_dtls_session_new();
    ca_cursor_t c = ca_cursor_make(data, size);
    uint64_t frame = 0;
    if (!s)
        return 0;
    while (ca_cursor_left(&c) >= 2) {
        uint16_t hdr;
        ca_cursor_t dgram;
        if (ca_cursor_u16(&c, &hdr) != CA_OK)
            break;
        size_t n = hdr & 0x7fff;
        if (n > ca_cursor_left(&c))
            n = ca_cursor_left(&c);
        if (ca_cursor_sub(&c, n, &dgram) != CA_OK)
            break;
        bool from_a = (hdr & 0x8000) == 0;
        if (ca_dtls_session_feed(s, from_a ? &a : &b, from_a ? &b : &a, ++frame, 0, dgram) ==
            CA_DTLS_NEW_SESSION) {
            ca_dtls_session_free(s);
            s = ca_dtls_session_new();
            if (!s)
                return 0;
        }
    }
    /* What the tracker reports must be self-consistent. */
    if (s->n_steps > CA_DTLS_MAX_STEPS || s->n_violations > CA_DTLS_MAX_VIOLATIONS ||
        (s->complete && !(s->finished[0] && s->finished[1])))
        abort();
    ca_dtls_session_free(s);
    return 0;
}
