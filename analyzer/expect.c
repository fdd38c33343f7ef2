/* expect.c - stored expectations; see expect.h. Built and compared with jansson. */
#include "expect.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_VERSION 1

static json_t *sorted_unique_ids(const ca_finding_t *f, size_t n)
{
    json_t *a = json_array();
    const char *ids[CA_CALL_MAX_FINDINGS + CA_RUN_MAX_FINDINGS];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof ids / sizeof ids[0]; i++) {
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen |= strcmp(ids[j], f[i].id) == 0;
        if (!seen)
            ids[k++] = f[i].id;
    }
    /* insertion sort: a handful of ids */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    for (size_t i = 0; i < k; i++)
        json_array_append_new(a, json_string(ids[i]));
    return a;
}

static json_t *call_facts(const ca_call_t *c)
{
    json_t *o = json_pack("{s:s}", "verdict", ca_verdict_name(c->verdict));
    json_object_set_new(o, "findings", sorted_unique_ids(c->findings, c->n_findings));
    const ca_dtls_session_t *s = c->dtls;
    if (s) {
        /* the goodbye alerts after completion are left out: which end hangs
         * up first is not the handshake's business, and varies */
        json_t *steps = json_array();
        for (size_t i = 0; i < s->n_steps; i++) {
            if (s->steps[i].kind == CA_STEP_ALERT && s->complete &&
                s->steps[i].frame > s->complete_frame)
                continue;
            char step[64];
            snprintf(step, sizeof step, "%s:%s", s->steps[i].dir == CA_C2S ? "c2s" : "s2c",
                     ca_dtls_step_name(&s->steps[i]));
            json_array_append_new(steps, json_string(step));
        }
        json_object_set_new(o, "handshake", steps);
        json_object_set_new(o, "dtls_version",
                            s->version ? json_string(ca_dtls_version_name(s->version))
                                       : json_null());
        for (int d = 0; d < 2; d++) {
            char hex[CA_THUMBPRINT_TEXT_LEN];
            const ca_dtls_cert_t *cert = &s->cert[d];
            ca_hex_colon(cert->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
            json_object_set_new(o, d == CA_C2S ? "client_sha256" : "server_sha256",
                                cert->parsed ? json_string(hex) : json_null());
        }
    } else {
        json_object_set_new(o, "handshake", json_null());
    }
    json_object_set_new(o, "security_code", c->have_code ? json_string(c->code) : json_null());
    /* directions and kinds, sorted: packet counts vary between runs of a call */
    json_t *streams = json_array();
    char kinds[CA_CALL_MAX_STREAMS][16];
    size_t n = 0;
    for (size_t i = 0; i < c->n_streams && n < CA_CALL_MAX_STREAMS; i++)
        snprintf(kinds[n++], sizeof kinds[0], "%s:%s", ca_call_stream_dir(c, i),
                 ca_call_stream_kind(c, i));
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(kinds[j - 1], kinds[j]) > 0; j--) {
            char t[16];
            memcpy(t, kinds[j], sizeof t);
            memcpy(kinds[j], kinds[j - 1], sizeof t);
            memcpy(kinds[j - 1], t, sizeof t);
        }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(streams, json_string(kinds[i]));
    json_object_set_new(o, "streams", streams);
    return o;
}

struct ca_expect_facts {
    json_t *calls;
};

ca_expect_facts_t *ca_expect_facts_new(void)
{
    ca_expect_facts_t *f = malloc(sizeof *f);
    if (f && !(f->calls = json_array())) {
        free(f);
        return NULL;
    }
    return f;
}

void ca_expect_facts_add(ca_expect_facts_t *f, const ca_call_t *call)
{
    json_array_append_new(f->calls, call_facts(call));
}

void ca_expect_facts_free(ca_expect_facts_t *f)
{
    if (!f)
        return;
    json_decref(f->calls);
    free(f);
}

static json_t *facts(const ca_expect_facts_t *earlier, const ca_report_input_t *in, int exit_status)
{
    const ca_audit_t *a = in->audit;
    json_t *calls = earlier ? json_deep_copy(earlier->calls) : json_array();
    for (size_t i = 0; i < a->n_calls; i++)
        json_array_append_new(calls, call_facts(&a->calls[i]));
    return json_pack("{s:i,s:i,s:{s:I,s:I,s:I,s:I},s:o,s:o}", "callaudit_expect", FORMAT_VERSION,
                     "exit_status", exit_status, "summary", "calls", (json_int_t)a->calls_total,
                     "pass", (json_int_t)a->pass, "fail", (json_int_t)a->fail, "inconclusive",
                     (json_int_t)a->inconclusive, "findings",
                     sorted_unique_ids(a->findings, a->n_findings), "calls", calls);
}

int ca_expect_write(const char *path, const ca_expect_facts_t *earlier, const ca_report_input_t *in,
                    int exit_status, char *err, size_t err_size)
{
    json_t *f = facts(earlier, in, exit_status);
    int rc = f ? json_dump_file(f, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(f);
    if (rc != 0)
        snprintf(err, err_size, "cannot write %s", path);
    return rc == 0 ? 0 : -1;
}

__attribute__((format(printf, 2, 3))) static void differ(ca_expect_diff_t *d, const char *fmt, ...)
{
    if (d->n == CA_EXPECT_MAX_DIFFS) {
        d->more++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->what[d->n++], sizeof d->what[0], fmt, ap);
    va_end(ap);
}

static void compact(const json_t *v, char *out, size_t size)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    snprintf(out, size, "%s", s ? s : "(absent)");
    free(s);
}

/* Every field of WANT must hold in GOT: objects by key (extra keys in GOT
 * are fine), arrays element by element and of the same length, the rest
 * by value. PATH names the place for the difference. */
static void compare(const json_t *want, const json_t *got, const char *path, ca_expect_diff_t *d)
{
    if (json_is_object(want) && json_is_object(got)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)(uintptr_t)want, key, v)
        {
            char sub[200];
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
            compare(v, json_object_get(got, key), sub, d);
        }
        return;
    }
    if (json_is_array(want) && json_is_array(got) &&
        json_array_size(want) == json_array_size(got) && json_array_size(want) > 0 &&
        json_is_object(json_array_get(want, 0))) {
        for (size_t i = 0; i < json_array_size(want); i++) {
            char sub[200];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i + 1);
            compare(json_array_get(want, i), json_array_get(got, i), sub, d);
        }
        return;
    }
    d->checked++;
    if (got && json_equal(want, got))
        return;
    char w[120], g[120];
    compact(want, w, sizeof w);
    compact(got, g, sizeof g);
    differ(d, "%s: expected %s, got %s", path, w, g);
}

int ca_expect_check(const char *path, const ca_expect_facts_t *earlier, const ca_report_input_t *in,
                    int exit_status, ca_expect_diff_t *diff, char *err, size_t err_size)
{
    json_error_t jerr;
    memset(diff, 0, sizeof *diff);
    json_t *want = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!want) {
        snprintf(err, err_size, "%s: not readable JSON: line %d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    if (!json_is_object(want) ||
        json_integer_value(json_object_get(want, "callaudit_expect")) != FORMAT_VERSION) {
        snprintf(err, err_size, "%s: not a callaudit expectation (\"callaudit_expect\": %d)", path,
                 FORMAT_VERSION);
        json_decref(want);
        return -1;
    }
    json_t *got = facts(earlier, in, exit_status);
    compare(want, got, "", diff);
    json_decref(want);
    json_decref(got);
    return diff->n || diff->more ? 1 : 0;
}
