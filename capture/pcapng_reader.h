/* pcapng_reader.h - pcapng files that libpcap 1.10 refuses: several
 * interfaces of different link types or snap lengths, as `dumpcap -i a -i b`
 * and `mergecap` write them (tshark reads them). pcap_source.c reads every
 * capture through libpcap and turns to this reader only for those files.
 *
 * It reads the blocks of pcapng (draft-ietf-opsawg-pcapng): section headers
 * in either byte order, interface descriptions with their timestamp
 * resolution and offset, enhanced, simple and obsolete packet blocks; other
 * blocks are skipped. Each block is read whole into one reused buffer and
 * parsed through the bounded cursor; a BPF filter is compiled once per
 * interface, for its link type.
 */
#ifndef CA_PCAPNG_READER_H
#define CA_PCAPNG_READER_H

#include <stdio.h>

#include "pcap_source.h"

/* Whether libpcap's message ERRBUF is its refusal of such a file. */
bool ca_pcapng_is_libpcap_refusal(const char *errbuf);

/* Read the pcapng stream FP (closed in every case) like
 * ca_capture_read_file_progress: frames numbered from *NEXT_FRAME on, handed
 * to FN with their interface's link type; 0, or -1 with a one-line reason
 * in ERR. A file that ends inside a block after some frames is
 * res->truncated, as with libpcap. */
int ca_pcapng_read(FILE *fp, const char *name, const char *filter, uint64_t *next_frame,
                   ca_frame_fn fn, void *user, ca_progress_fn progress, void *progress_user,
                   ca_capture_result_t *res, char *err, size_t err_size);

#endif
