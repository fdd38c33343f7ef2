/* report_html.h - what the two halves of the HTML report share: the page and
 * its per-call blocks (report_html.c), the SVG drawings of a call: handshake
 * ladder, media lanes and plots (report_html_svg.c). Everything written is
 * escaped: certificate subjects and addresses come from the capture. */
#ifndef CA_REPORT_HTML_H
#define CA_REPORT_HTML_H

#include <stdio.h>

#include "audit.h"

/* Write S as HTML text: markup characters as entities, anything but
 * printable ASCII as U+FFFD (capture bytes are not trusted to be UTF-8). */
void ca_html_text(FILE *out, const char *s);

/* The anchor id of frame FRAME of call CALL ("c3-f17") when the ladder
 * draws it; false if it does not. */
bool ca_html_frame_anchor(const ca_call_t *call, uint64_t frame, char *id, size_t size);

/* The handshake ladder: one arrow per datagram, each with its frame, time and
 * the messages first seen in it; copies drawn dashed as retransmissions. */
void ca_html_ladder(FILE *out, const ca_call_t *call);

/* Media streams as lanes over time, then packets/s, kbit/s and the opacity
 * test's p-value per stream over time. */
void ca_html_media(FILE *out, const ca_call_t *call);

#endif
