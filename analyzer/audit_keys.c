/* audit_keys.c - the index of calls by what rules across calls compare, and
 * the window of keys of the calls let go of; see audit_keys.h. Used by the
 * auditor (audit_calls.c); the rules themselves are in audit_cross.c.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_keys.h"

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static size_t first_slot(const ca_key_index_t *ix, uint64_t tag)
{
    return (size_t)(mix(tag) & (ix->cap - 1));
}

void ca_key_index_free(ca_key_index_t *ix)
{
    free(ix->slots);
    memset(ix, 0, sizeof *ix);
}

static bool grow(ca_key_index_t *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 256;
    ca_key_slot_t *grown = calloc(cap, sizeof *grown);
    if (!grown)
        return false;
    for (size_t i = 0; i < ix->cap; i++) {
        if (!ix->slots[i].tag)
            continue;
        size_t j = (size_t)(mix(ix->slots[i].tag) & (cap - 1));
        while (grown[j].tag)
            j = (j + 1) & (cap - 1);
        grown[j] = ix->slots[i];
    }
    free(ix->slots);
    ix->slots = grown;
    ix->cap = cap;
    return true;
}

/* KEYS: what the entries stand for (see ca_key_index_add); NULL: an ICE
 * session, which keeps its first few entries: a session's ufrags are its
 * own, and a capture repeating one pair thousands of times (crafted, or a
 * replay) must not make this quadratic. */
static bool put(ca_key_index_t *ix, uint64_t tag, uint32_t idx, const ca_call_key_t *keys)
{
    size_t same_tag = 0;
    for (size_t j = ix->cap ? first_slot(ix, tag) : 0; ix->cap && ix->slots[j].tag;
         j = (j + 1) & (ix->cap - 1)) {
        if (ix->slots[j].tag != tag)
            continue;
        if (keys ? ca_call_key_same_pair(&keys[ix->slots[j].idx], &keys[idx]) : ++same_tag >= 8)
            return true;
    }
    if ((ix->n + 1) * 2 > ix->cap && !grow(ix))
        return false;
    size_t j = first_slot(ix, tag);
    while (ix->slots[j].tag)
        j = (j + 1) & (ix->cap - 1);
    ix->slots[j].tag = tag;
    ix->slots[j].idx = idx;
    ix->n++;
    return true;
}

static uint64_t ssrc_tag(uint32_t ssrc, bool rtcp)
{
    return 1ull << 63 | (uint64_t)rtcp << 32 | ssrc;
}

static uint64_t cert_tag(const uint8_t *thumbprint)
{
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | thumbprint[i];
    return (t & ~(1ull << 63)) | 1; /* never 0, never an SSRC tag */
}

/* The tag of an ICE session: its two ufrags, in either order. */
static uint64_t session_tag(const char *a, const char *b)
{
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *a; a++)
        h = (h ^ (uint8_t)*a) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
    for (; *b; b++)
        h = (h ^ (uint8_t)*b) * 0x100000001b3ull;
    return h | 1;
}

bool ca_key_index_add(ca_key_index_t *ix, const ca_call_key_t *keys, uint32_t idx)
{
    const ca_call_key_t *k = &keys[idx];
    bool ok = true;
    for (size_t i = 0; i < k->n_ssrcs; i++)
        ok &= put(ix, ssrc_tag(k->ssrc[i], k->rtcp[i]), idx, keys);
    for (int d = 0; d < 2; d++)
        if (k->parsed[d])
            ok &= put(ix, cert_tag(k->thumbprint[d]), idx, keys);
    return ok;
}

bool ca_key_index_add_session(ca_key_index_t *ix, const char *a, const char *b, uint32_t idx)
{
    return put(ix, session_tag(a, b), idx, NULL);
}

static void each_under(const ca_key_index_t *ix, uint64_t tag, void (*fn)(void *, uint32_t),
                       void *user)
{
    for (size_t j = ix->cap ? first_slot(ix, tag) : 0; ix->cap && ix->slots[j].tag;
         j = (j + 1) & (ix->cap - 1))
        if (ix->slots[j].tag == tag)
            fn(user, ix->slots[j].idx);
}

void ca_key_index_each(const ca_key_index_t *ix, const ca_call_key_t *k,
                       void (*fn)(void *, uint32_t), void *user)
{
    for (size_t i = 0; i < k->n_ssrcs; i++)
        each_under(ix, ssrc_tag(k->ssrc[i], k->rtcp[i]), fn, user);
    for (int d = 0; d < 2; d++)
        if (k->parsed[d])
            each_under(ix, cert_tag(k->thumbprint[d]), fn, user);
}

void ca_key_index_each_session(const ca_key_index_t *ix, const char *a, const char *b,
                               void (*fn)(void *, uint32_t), void *user)
{
    each_under(ix, session_tag(a, b), fn, user);
}

void ca_gone_keys_init(ca_gone_keys_t *g, size_t window)
{
    memset(g, 0, sizeof *g);
    g->window = window ? window : CA_CROSS_WINDOW;
}

static void generation_clear(ca_key_generation_t *gen)
{
    free(gen->keys);
    ca_key_index_free(&gen->by_tag);
    ca_key_index_free(&gen->by_session);
    memset(gen, 0, sizeof *gen);
}

void ca_gone_keys_free(ca_gone_keys_t *g)
{
    generation_clear(&g->gen[0]);
    generation_clear(&g->gen[1]);
}

ca_err_t ca_gone_keys_add(ca_gone_keys_t *g, const ca_call_t *c)
{
    ca_key_generation_t *gen = &g->gen[g->cur];
    if (gen->n == g->window) {
        /* The older generation goes; the full one becomes the older. Its
         * arrays are reused: a long capture allocates nothing more. */
        ca_key_generation_t *old = &g->gen[!g->cur];
        g->forgotten += old->n;
        old->n = 0;
        old->by_tag.n = old->by_session.n = 0;
        if (old->by_tag.slots)
            memset(old->by_tag.slots, 0, old->by_tag.cap * sizeof *old->by_tag.slots);
        if (old->by_session.slots)
            memset(old->by_session.slots, 0, old->by_session.cap * sizeof *old->by_session.slots);
        g->cur = !g->cur;
        gen = old;
    }
    if (!gen->keys) {
        gen->keys = malloc(g->window * sizeof *gen->keys);
        CA_ENSURE(gen->keys != NULL, CA_ERR_NOMEM);
    }
    uint32_t idx = (uint32_t)gen->n;
    ca_call_key_t *k = &gen->keys[idx];
    ca_call_key_of(c, k);
    CA_ENSURE(ca_key_index_add(&gen->by_tag, gen->keys, idx), CA_ERR_NOMEM);
    if (k->dtls && k->ice_ufrags[0][0] && k->ice_ufrags[1][0])
        CA_ENSURE(
            ca_key_index_add_session(&gen->by_session, k->ice_ufrags[0], k->ice_ufrags[1], idx),
            CA_ERR_NOMEM);
    gen->n++;
    g->total++;
    return CA_OK;
}

typedef struct {
    const ca_key_generation_t *gen;
    void (*fn)(void *, const ca_call_key_t *);
    void *user;
} key_visit_t;

static void visit(void *user, uint32_t idx)
{
    key_visit_t *v = user;
    v->fn(v->user, &v->gen->keys[idx]);
}

void ca_gone_keys_each(const ca_gone_keys_t *g, const ca_call_key_t *k,
                       void (*fn)(void *, const ca_call_key_t *), void *user)
{
    for (int i = 0; i < 2; i++) {
        key_visit_t v = {&g->gen[i == 0 ? !g->cur : g->cur], fn, user};
        ca_key_index_each(&v.gen->by_tag, k, visit, &v);
    }
}

void ca_gone_keys_each_session(const ca_gone_keys_t *g, const char *a, const char *b,
                               void (*fn)(void *, const ca_call_key_t *), void *user)
{
    for (int i = 0; i < 2; i++) {
        key_visit_t v = {&g->gen[i == 0 ? !g->cur : g->cur], fn, user};
        ca_key_index_each_session(&v.gen->by_session, a, b, visit, &v);
    }
}
