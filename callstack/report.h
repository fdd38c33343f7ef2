/* report.h - what a callstack endpoint prints about its call (text or JSON). */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cert.h"
#include "leg.h"
#include "media.h"

typedef struct {
    const char *role; /* "caller", "callee", "relay leg A", ... */
    cs_leg_t *leg;    /* NULL if the call failed before ICE */
    const cs_cert_t *cert;
    const cs_media_tx_t *tx; /* NULL for the relay */
    const cs_media_rx_t *rx; /* NULL for the relay */
    const char *error;       /* NULL or empty: the call succeeded */
} cs_report_t;

/* The JSON object of one leg's report; the caller owns the reference. */
json_t *cs_report_json(const cs_report_t *r);
void cs_report_text(FILE *out, const cs_report_t *r);
/* Print R as text or as a single JSON document. */
void cs_report_print(FILE *out, const cs_report_t *r, bool json);

#endif
