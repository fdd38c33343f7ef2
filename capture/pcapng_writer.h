/* pcapng_writer.h - writing pcapng (draft-ietf-opsawg-pcapng) with comments:
 * a section comment and a comment on every packet, which Wireshark shows
 * (frame.comment). libpcap only writes classic pcap, which cannot carry
 * them. Used by --decrypt-out, whose packets must never be mistaken for what
 * was on the wire, and by --annotate, which puts the findings on the frames.
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

/* Another interface (a capture of another link type); returns its index, or -1. */
int ca_pcapng_add_interface(ca_pcapng_writer_t *w, uint16_t linktype, const char *if_name);

/* One Enhanced Packet Block on interface IFACE: CAPLEN bytes of a packet of
 * LEN on the wire, with N_COMMENTS comments (each an opt_comment). */
int ca_pcapng_write_packet(ca_pcapng_writer_t *w, uint32_t iface, int64_t ts_us,
                           const uint8_t *data, size_t caplen, size_t len,
                           const char *const *comments, size_t n_comments);

/* Flush and close; returns -1 if any write failed. */
int ca_pcapng_close(ca_pcapng_writer_t *w);

#endif
