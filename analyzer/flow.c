/* flow.c - the session table; see flow.h. */
#include "flow.h"

#include "srtp_check.h"

#include <stdlib.h>
#include <string.h>

#define FLOW_INITIAL_CAPACITY 1024

typedef struct {
    ca_endpoint_t lo, hi;
    uint8_t transport;
    uint16_t channel;
} flow_key_t;

/* A slot keeps its flow's hash: probing compares hashes and touches a flow
 * only on a match, and growth and deletion never touch flows at all, which
 * matters once 100,000 flows no longer fit in the caches. */
typedef struct {
    uint64_t hash;
    ca_flow_t *flow; /* NULL: empty */
} slot_t;

struct ca_flow_table {
    slot_t *slots;
    size_t capacity; /* a power of two */
    size_t count;
};

ca_flow_table_t *ca_flow_table_new(void)
{
    ca_flow_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->capacity = FLOW_INITIAL_CAPACITY;
    t->slots = calloc(t->capacity, sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    return t;
}

static void flow_free(ca_flow_t *f)
{
    for (size_t i = 0; i < f->n_sessions; i++)
        ca_dtls_session_free(f->sessions[i]);
    free(f->tcp[0]);
    free(f->tcp[1]);
    ca_srtp_check_free(f->srtp);
    free(f->streams);
    free(f);
}

void ca_flow_table_free(ca_flow_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->capacity; i++)
        if (t->slots[i].flow)
            flow_free(t->slots[i].flow);
    free(t->slots);
    free(t);
}

static void make_key(const ca_endpoint_t *x, const ca_endpoint_t *y, uint8_t transport,
                     uint16_t channel, flow_key_t *k)
{
    memset(k, 0, sizeof *k);
    bool swap = ca_endpoint_compare(x, y) > 0;
    k->lo = swap ? *y : *x;
    k->hi = swap ? *x : *y;
    k->transport = transport;
    k->channel = channel;
}

/* One multiply-xorshift round per 64-bit word of the key's fields (not its
 * padding): a lookup per packet, so words, not bytes. */
static uint64_t mix_word(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

static uint64_t addr_words(uint64_t h, const ca_addr_t *a)
{
    uint64_t w[2];
    memcpy(w, a->bytes, sizeof w);
    return mix_word(mix_word(h, w[0]), w[1]);
}

static uint64_t key_hash(const flow_key_t *k)
{
    uint64_t h = addr_words(addr_words(0x243f6a8885a308d3ull, &k->lo.addr), &k->hi.addr);
    uint64_t small = (uint64_t)k->lo.port | (uint64_t)k->hi.port << 16 |
                     (uint64_t)k->channel << 32 | (uint64_t)k->transport << 48 |
                     (uint64_t)k->lo.addr.family << 56 | (uint64_t)k->hi.addr.family << 60;
    h = mix_word(h, small);
    return h ^ (h >> 29);
}

static bool key_equal(const flow_key_t *a, const flow_key_t *b)
{
    return a->transport == b->transport && a->channel == b->channel &&
           ca_endpoint_equal(&a->lo, &b->lo) && ca_endpoint_equal(&a->hi, &b->hi);
}

static int grow(ca_flow_table_t *t)
{
    size_t cap = t->capacity * 2;
    slot_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->capacity; i++) {
        if (!t->slots[i].flow)
            continue;
        size_t j = (size_t)t->slots[i].hash & (cap - 1);
        while (slots[j].flow)
            j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->capacity = cap;
    return 0;
}

ca_flow_t *ca_flow_lookup(ca_flow_table_t *t, const ca_endpoint_t *src, const ca_endpoint_t *dst,
                          uint8_t transport, uint16_t channel, uint8_t *from)
{
    flow_key_t k, fk;
    make_key(src, dst, transport, channel, &k);
    uint64_t hash = key_hash(&k);
    size_t i = (size_t)hash & (t->capacity - 1);
    for (; t->slots[i].flow; i = (i + 1) & (t->capacity - 1)) {
        if (t->slots[i].hash != hash)
            continue;
        ca_flow_t *f = t->slots[i].flow;
        make_key(&f->a, &f->b, f->transport, f->channel, &fk);
        if (key_equal(&k, &fk)) {
            *from = ca_endpoint_equal(src, &f->a) ? 0 : 1;
            return f;
        }
    }
    if ((t->count + 1) * 2 > t->capacity) {
        if (grow(t) != 0)
            return NULL;
        return ca_flow_lookup(t, src, dst, transport, channel, from);
    }
    ca_flow_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->a = *src;
    f->b = *dst;
    f->transport = transport;
    f->channel = channel;
    t->slots[i] = (slot_t){hash, f};
    t->count++;
    *from = 0;
    return f;
}

/* Backward-shift deletion (Knuth 6.4, Algorithm R): no tombstones, so probe
 * sequences stay short however many flows come and go. */
static void remove_slot(ca_flow_table_t *t, size_t i)
{
    size_t mask = t->capacity - 1, j = i;
    t->slots[i].flow = NULL;
    for (;;) {
        j = (j + 1) & mask;
        if (!t->slots[j].flow)
            break;
        size_t home = (size_t)t->slots[j].hash & mask;
        /* J's flow may move into the hole at I unless its home lies cyclically in (I, J]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays)
            continue;
        t->slots[i] = t->slots[j];
        t->slots[j].flow = NULL;
        i = j;
    }
    t->count--;
}

size_t ca_flow_expire(ca_flow_table_t *t, int64_t cutoff_us, int64_t closed_cutoff_us,
                      void (*fn)(void *, ca_flow_t *), void *user)
{
    size_t expired = 0;
    for (size_t i = 0; i < t->capacity;) {
        ca_flow_t *f = t->slots[i].flow;
        if (!f || (f->last_us >= cutoff_us && !(f->closed && f->last_us < closed_cutoff_us))) {
            i++;
            continue;
        }
        if (fn)
            fn(user, f);
        remove_slot(t, i); /* slot I may now hold a later entry: look again */
        flow_free(f);
        expired++;
    }
    return expired;
}

void ca_flow_each(ca_flow_table_t *t, void (*fn)(void *, ca_flow_t *), void *user)
{
    for (size_t i = 0; i < t->capacity; i++)
        if (t->slots[i].flow)
            fn(user, t->slots[i].flow);
}

size_t ca_flow_count(const ca_flow_table_t *t)
{
    return t->count;
}

static int by_first_frame(const void *x, const void *y)
{
    const ca_flow_t *a = *(const ca_flow_t *const *)x, *b = *(const ca_flow_t *const *)y;
    return a->first_frame < b->first_frame ? -1 : a->first_frame > b->first_frame;
}

ca_flow_t **ca_flow_sorted(const ca_flow_table_t *t, size_t *n)
{
    ca_flow_t **out = malloc((t->count ? t->count : 1) * sizeof *out);
    *n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < t->capacity; i++)
        if (t->slots[i].flow)
            out[(*n)++] = t->slots[i].flow;
    qsort(out, *n, sizeof *out, by_first_frame);
    return out;
}

ca_stream_t *ca_flow_stream(ca_flow_t *f, uint32_t ssrc, uint8_t from, bool rtcp)
{
    for (size_t i = 0; i < f->n_streams; i++) {
        ca_stream_t *s = &f->streams[i];
        if (s->ssrc == ssrc && s->from == from && s->rtcp == rtcp)
            return s;
    }
    if (f->n_streams == f->streams_cap && f->streams_cap < CA_FLOW_MAX_STREAMS) {
        /* once per stream of a flow, never per packet */
        size_t cap = f->streams_cap ? f->streams_cap * 2 : 2;
        ca_stream_t *grown = realloc(f->streams, cap * sizeof *grown);
        if (grown) {
            f->streams = grown;
            f->streams_cap = cap;
        }
    }
    if (f->n_streams == f->streams_cap)
        return NULL;
    ca_stream_t *s = &f->streams[f->n_streams++];
    memset(s, 0, sizeof *s);
    s->ssrc = ssrc;
    s->from = from;
    s->rtcp = rtcp;
    return s;
}
