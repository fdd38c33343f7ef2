/* pcapng_writer.h - writing pcapng (draft-ietf-opsawg-pcapng) with comments:
 * a section comment and a comment on every packet, which Wireshark shows
 * (frame.comment). libpcap only writes classic pcap, which cannot carry
 * them. Used by --decrypt-out, whose packets must never be mistaken for what
 * was on the wire.
 */
#ifndef CA_PCAPNG_WRITER_H
#define CA_PCAPNG_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ca_pcapng_writer ca_pcapng_writer_t;

/* Create PATH with one section (SECTION_COMMENT) and one interface of
 * LINKTYPE named IF_NAME; NULL with a reason in ERR. */
ca_pcapng_writer_t *ca_pcapng_open(const char *path, uint16_t linktype, const char *section_comment,
                                   const char *if_name, char *err, size_t err_size);

/* One Enhanced Packet Block; COMMENT may be NULL. Returns 0, or -1 once a write failed. */
int ca_pcapng_write(ca_pcapng_writer_t *w, int64_t ts_us, const uint8_t *data, size_t len,
                    const char *comment);

/* Flush and close; returns -1 if any write failed. */
int ca_pcapng_close(ca_pcapng_writer_t *w);

#endif
