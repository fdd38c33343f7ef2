/* decrypt_out.h - --decrypt-out: the RTP and RTCP that authenticated under
 * a key log, decrypted, as pcapng of raw IP/UDP packets with the capture's
 * addresses, ports and times, so that Wireshark plays the audio. The file
 * says on its section and on every packet that it is decrypted, not what
 * was on the wire.
 */
#ifndef CA_DECRYPT_OUT_H
#define CA_DECRYPT_OUT_H

#include <stdbool.h>

#include "addr.h"
#include "pcapng_writer.h"

typedef struct {
    ca_pcapng_writer_t *w;
    uint64_t written;
} ca_decrypt_out_t;

/* 0, or -1 with a reason in ERR. */
int ca_decrypt_out_open(ca_decrypt_out_t *d, const char *path, char *err, size_t err_size);
/* A ca_decrypted_fn (pipeline.h): USER is the ca_decrypt_out_t. */
void ca_decrypt_out_packet(void *user, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                           uint64_t frame, int64_t ts_us, const uint8_t *plain, size_t len);
/* 0, or -1 if a write failed. */
int ca_decrypt_out_close(ca_decrypt_out_t *d);

#endif
