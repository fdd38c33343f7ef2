/* report.h - the audit as text (people), JSON (DESIGN.md's stable keys),
 * JUnit XML (CI systems) and one self-contained HTML page (reviewers). Output is deterministic,
 * with no run timestamps: calls in order of their first frame, except in a long capture, whose
 * calls are written in batches as they end (so memory does not grow with it). */
#ifndef CA_REPORT_H
#define CA_REPORT_H

#include <stdio.h>

#include "audit.h"
#include "ipfrag.h"
#include "pipeline.h"

typedef struct {
    const ca_audit_t *audit;
    const ca_pipeline_stats_t *stats;
    const ca_ipfrag_stats_t *frags;
    uint64_t filtered_out;           /* frames the BPF filter skipped */
    size_t sdp_in_capture;           /* SDP bodies found in clear in the capture */
    const ca_not_calls_t *not_calls; /* flows that were not calls, by reason; may be NULL */
    bool live;                       /* the kernel's counters below are meaningful */
    const char *expect_path;         /* --expect: the expectation compared, and its differences */
    const struct ca_expect_diff *expect_diff;
    uint64_t received, dropped, if_dropped; /* pcap_stats */
} ca_report_input_t;

void ca_report_text(FILE *out, const ca_report_input_t *in);
/* Colours in the text report (the verdicts, the code): for a terminal only. */
void ca_report_text_set_color(bool on);
/* Returns 0, or -1 if the JSON library failed. */
int ca_report_json(FILE *out, const ca_report_input_t *in);
void ca_report_junit(FILE *out, const ca_report_input_t *in);
/* S as markup text: & < > " as entities; HTML: also ', and anything but
 * printable ASCII as U+FFFD; XML: control characters but newline and tab
 * dropped, other bytes (UTF-8) kept. */
void ca_markup_text(FILE *out, bool html, const char *s);
/* HTML (report_html.c): the page head naming FILES, one section per call,
 * the summary and the end of the page. */
void ca_report_html_begin(FILE *out, const char *const *files, size_t n_files);
void ca_report_html_call(FILE *out, const ca_call_t *call);
void ca_report_html_end(FILE *out, const ca_report_input_t *in);

/* The same in pieces, for calls reported as they are settled (a long
 * capture): JSON begin / one call / end, JUnit one test case into a
 * scratch file / the suite around them. The input's audit then holds the
 * calls not yet written and the totals. */
void ca_report_json_begin(FILE *out);
int ca_report_json_call(FILE *out, const ca_call_t *call, bool first);
int ca_report_json_end(FILE *out, const ca_report_input_t *in, bool any_call);
void ca_report_junit_call(FILE *out, const ca_call_t *call);
void ca_report_junit_wrap(FILE *out, const ca_report_input_t *in, FILE *cases);
/* --expect with --format junit: one test case, the expectation, failed with
 * the differences (a stored attack still detected is a success). */
void ca_report_junit_expect(FILE *out, const ca_report_input_t *in);

/* Live output, as each call completes: one block of text, or one JSON object
 * per line (JSON Lines) with "event": "handshake" | "call" | "summary".
 * UPDATE: the call was reported before and has changed. */
void ca_report_text_call(FILE *out, const ca_call_t *call, bool update);
void ca_report_text_summary(FILE *out, const ca_report_input_t *in);
void ca_report_text_handshake(FILE *out, const ca_dtls_session_t *s);
int ca_report_json_call_line(FILE *out, const ca_call_t *call, bool update);
int ca_report_json_summary_line(FILE *out, const ca_report_input_t *in);
int ca_report_json_handshake_line(FILE *out, const ca_dtls_session_t *s, int64_t ts_us);

#endif
