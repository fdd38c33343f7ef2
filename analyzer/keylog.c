/* keylog.c - NSS key log parsing; see keylog.h. */
#include "keylog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

struct ca_keylog {
    ca_keylog_entry_t *entries; /* sorted by client random once parsed */
    size_t n, cap;
    ca_keylog_stats_t stats;
};

static const char *const label_names[CA_KL_COUNT] = {
    [CA_KL_CLIENT_RANDOM] = "CLIENT_RANDOM",
    [CA_KL_CLIENT_HS_TRAFFIC] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    [CA_KL_SERVER_HS_TRAFFIC] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    [CA_KL_CLIENT_TRAFFIC_0] = "CLIENT_TRAFFIC_SECRET_0",
    [CA_KL_SERVER_TRAFFIC_0] = "SERVER_TRAFFIC_SECRET_0",
    [CA_KL_EXPORTER] = "EXPORTER_SECRET",
};

const char *ca_kl_label_name(ca_kl_label_t label)
{
    return label < CA_KL_COUNT ? label_names[label] : "?";
}

/* The next space-separated word of LINE. */
static bool next_word(ca_cursor_t *line, ca_cursor_t *word)
{
    while (ca_cursor_left(line) && (*line->p == ' ' || *line->p == '\t'))
        line->p++;
    word->p = line->p;
    while (ca_cursor_left(line) && *line->p != ' ' && *line->p != '\t')
        line->p++;
    word->end = line->p;
    return ca_cursor_left(word) > 0;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* WORD as hex into OUT (at most MAX bytes); returns the byte count, or 0. */
static size_t hex_bytes(ca_cursor_t word, uint8_t *out, size_t max)
{
    size_t n = ca_cursor_left(&word);
    if (n == 0 || n % 2 || n / 2 > max)
        return 0;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(word.p[2 * i]), lo = hex_digit(word.p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

static bool word_is(ca_cursor_t word, const char *s)
{
    size_t n = strlen(s);
    return ca_cursor_left(&word) == n && memcmp(word.p, s, n) == 0;
}

static ca_keylog_entry_t *entry_for(ca_keylog_t *kl, const uint8_t random[32])
{
    /* Files list a session's lines together: look back a little only (a
     * session split further apart is merged after sorting). */
    for (size_t i = kl->n; i-- > 0 && kl->n - i <= 8;)
        if (memcmp(kl->entries[i].client_random, random, 32) == 0)
            return &kl->entries[i];
    if (kl->n == kl->cap) {
        size_t cap = kl->cap ? kl->cap * 2 : 16;
        ca_keylog_entry_t *grown = realloc(kl->entries, cap * sizeof *grown);
        if (!grown)
            return NULL;
        kl->entries = grown;
        kl->cap = cap;
    }
    ca_keylog_entry_t *e = &kl->entries[kl->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->client_random, random, 32);
    return e;
}

/* One line; false only when out of memory. */
static bool parse_line(ca_keylog_t *kl, ca_cursor_t line)
{
    ca_cursor_t label, random_hex, secret_hex, extra;
    kl->stats.lines++;
    if (!next_word(&line, &label) || label.p[0] == '#')
        return true; /* blank or comment */
    int which = -1;
    for (int i = 0; i < CA_KL_COUNT; i++)
        if (word_is(label, label_names[i]))
            which = i;
    kl->stats.known_label_lines += which >= 0;
    uint8_t random[32], secret[CA_KL_SECRET_MAX];
    size_t secret_len = 0;
    bool ok = next_word(&line, &random_hex) && next_word(&line, &secret_hex) &&
              !next_word(&line, &extra) && hex_bytes(random_hex, random, sizeof random) == 32 &&
              (secret_len = hex_bytes(secret_hex, secret, sizeof secret)) >= 32;
    if (ok && which < 0) {
        kl->stats.unknown_labels++;
        return true;
    }
    /* TLS 1.2 master secrets are 48 bytes; TLS 1.3 secrets a hash long (32 or 48) */
    if (!ok || (which == CA_KL_CLIENT_RANDOM && secret_len != 48)) {
        if (kl->stats.malformed++ == 0)
            kl->stats.first_malformed_line = kl->stats.lines;
        return true;
    }
    ca_keylog_entry_t *e = entry_for(kl, random);
    if (!e)
        return false;
    memcpy(e->secret[which], secret, secret_len);
    e->secret_len[which] = (uint8_t)secret_len;
    kl->stats.secrets++;
    return true;
}

static int by_random(const void *a, const void *b)
{
    return memcmp(((const ca_keylog_entry_t *)a)->client_random,
                  ((const ca_keylog_entry_t *)b)->client_random, 32);
}

ca_keylog_t *ca_keylog_parse(const uint8_t *text, size_t len, char *err, size_t err_size)
{
    ca_keylog_t *kl = calloc(1, sizeof *kl);
    if (!kl) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    ca_cursor_t c = ca_cursor_make(text, len), line;
    while (ca_cursor_line(&c, &line) == CA_OK) {
        if (!parse_line(kl, line)) {
            snprintf(err, err_size, "out of memory");
            ca_keylog_free(kl);
            return NULL;
        }
    }
    if (kl->stats.known_label_lines == 0 && kl->stats.unknown_labels == 0) {
        if (kl->stats.malformed)
            snprintf(err, err_size, "not a key log: line %zu is not 'LABEL CLIENT_RANDOM SECRET'",
                     kl->stats.first_malformed_line);
        else
            snprintf(err, err_size, "no TLS secrets in it (%zu lines)", kl->stats.lines);
        ca_keylog_free(kl);
        return NULL;
    }
    if (kl->n > 1) /* qsort wants a non-NULL base even for none */
        qsort(kl->entries, kl->n, sizeof *kl->entries, by_random);
    size_t kept = 0;
    for (size_t i = 0; i < kl->n; i++) {
        ca_keylog_entry_t *prev = kept ? &kl->entries[kept - 1] : NULL;
        if (prev && memcmp(prev->client_random, kl->entries[i].client_random, 32) == 0) {
            for (int l = 0; l < CA_KL_COUNT; l++)
                if (kl->entries[i].secret_len[l]) {
                    memcpy(prev->secret[l], kl->entries[i].secret[l], CA_KL_SECRET_MAX);
                    prev->secret_len[l] = kl->entries[i].secret_len[l];
                }
            continue;
        }
        kl->entries[kept++] = kl->entries[i];
    }
    kl->n = kept;
    kl->stats.entries = kl->n;
    return kl;
}

void ca_keylog_free(ca_keylog_t *kl)
{
    if (!kl)
        return;
    free(kl->entries);
    free(kl);
}

const ca_keylog_stats_t *ca_keylog_stats(const ca_keylog_t *kl)
{
    return &kl->stats;
}

const ca_keylog_entry_t *ca_keylog_find(const ca_keylog_t *kl, const uint8_t random[32])
{
    ca_keylog_entry_t key;
    memcpy(key.client_random, random, 32);
    return kl->n ? bsearch(&key, kl->entries, kl->n, sizeof *kl->entries, by_random) : NULL;
}
