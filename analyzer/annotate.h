/* annotate.h - --annotate FILE.pcapng: the capture written back with a
 * packet comment on every frame a finding or a handshake step refers to, so
 * the audit shows in Wireshark's packet list (frame.comment). Comments are
 * collected as calls are reported (a few per handshake message and finding),
 * then the capture files are read a second time and copied frame by frame.
 */
#ifndef CA_ANNOTATE_H
#define CA_ANNOTATE_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"

typedef struct ca_annotations ca_annotations_t;

ca_annotations_t *ca_annotations_new(void);
void ca_annotations_free(ca_annotations_t *an);

/* Note what CALL says about its frames; -1 when out of memory. */
int ca_annotations_add_call(ca_annotations_t *an, const ca_call_t *call);

/* Comments collected so far. */
size_t ca_annotations_count(const ca_annotations_t *an);

/* Copy every frame of FILES (numbered from 1 across them, as the analysis
 * did) to OUT_PATH as pcapng with the comments; 0, or -1 with ERR. */
int ca_annotations_write(ca_annotations_t *an, const char *out_path, char *const *files,
                         int n_files, char *err, size_t err_size);

#endif
