/* flow.c - the session table; see flow.h. */
#include "flow.h"

#include "srtp_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_INITIAL_CAPACITY 1024

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

bool ca_flow_set_ice_username(ca_flow_t *f, uint8_t from, const char *user)
{
    if (!f->ice_username[from]) {
        f->ice_username[from] = malloc(CA_STUN_USERNAME_MAX + 1);
        if (!f->ice_username[from])
            return false;
    }
    snprintf(f->ice_username[from], CA_STUN_USERNAME_MAX + 1, "%s", user);
    return true;
}

static void flow_free(ca_flow_t *f)
{
    for (size_t i = 0; i < f->n_sessions; i++)
        ca_dtls_session_free(f->sessions[i]);
    free(f->tcp[0]);
    free(f->tcp[1]);
    free(f->ice_username[0]);
    free(f->ice_username[1]);
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

/* One multiply-xorshift round per 64-bit word (a lookup per packet, so
 * words, not bytes). */
static uint64_t mix_word(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

static uint64_t endpoint_hash(const ca_endpoint_t *e)
{
    uint64_t w[2];
    memcpy(w, e->addr.bytes, sizeof w);
    uint64_t h = mix_word(0x243f6a8885a308d3ull, w[0]);
    h = mix_word(h, w[1]);
    return mix_word(h, (uint64_t)e->port | (uint64_t)e->addr.family << 16);
}

/* Both directions of a flow hash alike: the endpoints' hashes are summed
 * (no ordering of the endpoints per packet), then mixed with the rest. */
static uint64_t flow_hash(const ca_endpoint_t *x, const ca_endpoint_t *y, uint8_t transport,
                          uint16_t channel)
{
    uint64_t h = mix_word(endpoint_hash(x) + endpoint_hash(y),
                          (uint64_t)channel | (uint64_t)transport << 16);
    return h ^ (h >> 29);
}

/* F is the flow of X and Y (either way round); *FROM: 0 if X is its a. */
static bool flow_is(const ca_flow_t *f, const ca_endpoint_t *x, const ca_endpoint_t *y,
                    uint8_t transport, uint16_t channel, uint8_t *from)
{
    if (f->transport != transport || f->channel != channel)
        return false;
    if (ca_endpoint_equal(x, &f->a) && ca_endpoint_equal(y, &f->b)) {
        *from = 0;
        return true;
    }
    if (ca_endpoint_equal(x, &f->b) && ca_endpoint_equal(y, &f->a)) {
        *from = 1;
        return true;
    }
    return false;
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
    uint64_t hash = flow_hash(src, dst, transport, channel);
    size_t i = (size_t)hash & (t->capacity - 1);
    for (; t->slots[i].flow; i = (i + 1) & (t->capacity - 1))
        if (t->slots[i].hash == hash &&
            flow_is(t->slots[i].flow, src, dst, transport, channel, from))
            return t->slots[i].flow;
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

bool ca_stream_is_media(const ca_stream_t *s)
{
    if (s->rtcp)
        return s->rtcp_exact > 0 || s->rtcp_shaped >= 2;
    return s->in_order >= CA_MEDIA_MIN_RUN;
}
