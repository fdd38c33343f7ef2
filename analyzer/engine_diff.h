/* engine_diff.h - --engine both: the calls the native engine found against
 * those the Wireshark engine (engine_ws.c) found in the same capture. Every
 * difference in what a verdict rests on (a handshake message one engine saw
 * and the other did not, certificate bytes, streams and their packet counts,
 * the verdict and findings) is an ENGINE_DISAGREEMENT (fail) on the native
 * call, with the frame where they part. Known blind spots of Wireshark,
 * recognised from what the native engine saw, are ENGINE_LIMITATION (warn)
 * instead, naming the Wireshark version.
 */
#ifndef CA_ENGINE_DIFF_H
#define CA_ENGINE_DIFF_H

#include "audit.h"

/* Add the findings to NATIVE's calls (and run findings for calls only
 * Wireshark found), decide the verdicts again and recount them. Returns the
 * number of disagreements. */
size_t ca_engine_diff(ca_audit_t *native, const ca_audit_t *ws, const char *ws_version);
/* Whether ID is one of the findings the comparison adds. */
bool ca_engine_finding(const char *id);

#endif
