/* keylog.h - NSS key log files (SSLKEYLOGFILE), as browsers, OpenSSL and
 * callstack write them: one secret a line, "LABEL CLIENT_RANDOM SECRET" in
 * hex, '#' comments. Entries are found by the ClientHello's random, so one
 * file can hold the secrets of many calls. The text is untrusted: every
 * line is read through the bounded cursor; lines that are not a known label
 * with the right lengths are counted, never trusted.
 */
#ifndef CA_KEYLOG_H
#define CA_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ca_error.h"

typedef enum {
    CA_KL_CLIENT_RANDOM,     /* TLS 1.2: the 48-byte master secret */
    CA_KL_CLIENT_HS_TRAFFIC, /* TLS 1.3: client_handshake_traffic_secret */
    CA_KL_SERVER_HS_TRAFFIC, /* TLS 1.3: server_handshake_traffic_secret */
    CA_KL_CLIENT_TRAFFIC_0,  /* TLS 1.3: client_application_traffic_secret_0 */
    CA_KL_SERVER_TRAFFIC_0,  /* TLS 1.3: server_application_traffic_secret_0 */
    CA_KL_EXPORTER,          /* TLS 1.3: exporter_master_secret */
    CA_KL_COUNT
} ca_kl_label_t;

#define CA_KL_SECRET_MAX 48

typedef struct {
    uint8_t client_random[32];
    uint8_t secret[CA_KL_COUNT][CA_KL_SECRET_MAX];
    uint8_t secret_len[CA_KL_COUNT]; /* 0: no such line */
} ca_keylog_entry_t;

typedef struct {
    size_t lines, entries;    /* client randoms with at least one secret */
    size_t secrets;           /* lines used */
    size_t unknown_labels;    /* other labels (e.g. early traffic): skipped */
    size_t known_label_lines; /* lines opening with a label of the table above */
    size_t malformed;         /* not LABEL HEX HEX with sane lengths (e.g. cut short) */
    size_t first_malformed_line;
} ca_keylog_stats_t;

typedef struct ca_keylog ca_keylog_t;

/* Parse a key log. Fails (NULL, a reason in ERR) only when no line looks like
 * one; a log with lines cut short is kept, and calls whose secrets are
 * missing are inconclusive, naming what is missing. */
ca_keylog_t *ca_keylog_parse(const uint8_t *text, size_t len, char *err, size_t err_size);
void ca_keylog_free(ca_keylog_t *kl);
const ca_keylog_stats_t *ca_keylog_stats(const ca_keylog_t *kl);

/* The secrets logged for the session whose ClientHello carried RANDOM, or NULL. */
const ca_keylog_entry_t *ca_keylog_find(const ca_keylog_t *kl, const uint8_t random[32]);

/* The label as the file spells it. */
const char *ca_kl_label_name(ca_kl_label_t label);

#endif
