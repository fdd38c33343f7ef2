/* expect.h - regression against stored expectations (`--expect`,
 * `--write-expect`): the facts of an audit that must not change for a
 * stored capture (per call: verdict, finding ids, handshake sequence,
 * thumbprints, code, stream directions and kinds; the capture's own
 * findings and totals) as JSON, and a comparison in which every field the
 * expectation gives must hold. Fields it leaves out are not checked, so a
 * user can pin just a verdict.
 */
#ifndef CA_EXPECT_H
#define CA_EXPECT_H

#include <stdio.h>

#include "report.h"

#define CA_EXPECT_MAX_DIFFS 64

typedef struct ca_expect_diff {
    char what[CA_EXPECT_MAX_DIFFS][256];
    size_t n, more; /* differences kept, and those past the cap */
    size_t checked; /* fields compared */
} ca_expect_diff_t;

/* The calls' facts as they are written out (a long capture lets them go):
 * a list to append to, freed with ca_expect_facts_free. */
typedef struct ca_expect_facts ca_expect_facts_t;
ca_expect_facts_t *ca_expect_facts_new(void);
void ca_expect_facts_add(ca_expect_facts_t *f, const ca_call_t *call);
void ca_expect_facts_free(ca_expect_facts_t *f);

/* Write the expectation of IN (the calls in EARLIER, may be NULL, then
 * those of IN's audit) to PATH (pretty JSON). 0, or -1 with a reason in ERR. */
int ca_expect_write(const char *path, const ca_expect_facts_t *earlier, const ca_report_input_t *in,
                    int exit_status, char *err, size_t err_size);

/* Compare IN with the expectation in PATH. Returns 0 (it holds), 1 (DIFF
 * says where not), or -1 with a reason in ERR (unreadable, not JSON, not an
 * expectation). */
int ca_expect_check(const char *path, const ca_expect_facts_t *earlier, const ca_report_input_t *in,
                    int exit_status, ca_expect_diff_t *diff, char *err, size_t err_size);

#endif
