/* annotate.c - see annotate.h. Comments are kept as (frame, order, text) in
 * one growing array, sorted by frame once before the copy, so the second
 * pass only walks it. */
#include "annotate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_source.h"
#include "pcapng_writer.h"
#include "version.h"

#define MAX_COMMENTS_PER_FRAME 16

typedef struct {
    uint64_t frame;
    size_t order; /* insertion order: the comments of a frame keep it */
    char *text;
} note_t;

struct ca_annotations {
    note_t *notes;
    size_t n, cap;
    bool failed; /* out of memory while adding */
};

ca_annotations_t *ca_annotations_new(void)
{
    return calloc(1, sizeof(ca_annotations_t));
}

void ca_annotations_free(ca_annotations_t *an)
{
    if (!an)
        return;
    for (size_t i = 0; i < an->n; i++)
        free(an->notes[i].text);
    free(an->notes);
    free(an);
}

size_t ca_annotations_count(const ca_annotations_t *an)
{
    return an->n;
}

__attribute__((format(printf, 4, 5))) static void note(ca_annotations_t *an, uint64_t frame,
                                                       unsigned call, const char *fmt, ...)
{
    if (frame == 0 || an->failed)
        return;
    char text[512];
    int used = snprintf(text, sizeof text, "callaudit: call %u: ", call);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + used, sizeof text - (size_t)used, fmt, ap);
    va_end(ap);
    if (an->n == an->cap) {
        size_t cap = an->cap ? an->cap * 2 : 64;
        note_t *grown = realloc(an->notes, cap * sizeof *grown);
        if (!grown) {
            an->failed = true;
            return;
        }
        an->notes = grown;
        an->cap = cap;
    }
    char *copy = strdup(text);
    if (!copy) {
        an->failed = true;
        return;
    }
    an->notes[an->n] = (note_t){frame, an->n, copy};
    an->n++;
}

static void note_handshake(ca_annotations_t *an, const ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    /* the messages of one datagram in one comment, as they travelled */
    for (size_t i = 0; i < s->n_steps; i++) {
        const ca_dtls_step_t *st = &s->steps[i];
        if (i > 0 && st->frame == s->steps[i - 1].frame && st->dir == s->steps[i - 1].dir)
            continue; /* written with the first step of its datagram */
        char text[400];
        ca_dtls_frame_steps(s, st->frame, st->dir, text, sizeof text);
        note(an, st->frame, call->id, "%s %s",
             st->dir == CA_C2S ? "client -> server" : "server -> client", text);
    }
    for (size_t i = 0; i < s->n_datagrams; i++)
        if (s->datagrams[i].resent)
            note(an, s->datagrams[i].frame, call->id, "retransmission (%s)",
                 s->datagrams[i].dir == CA_C2S ? "client -> server" : "server -> client");
    for (int d = 0; d < 2; d++) {
        const ca_dtls_cert_t *c = &s->cert[d];
        if (!c->der)
            continue;
        char hex[CA_THUMBPRINT_TEXT_LEN];
        ca_hex_colon(c->thumbprint, CA_SHA256_LEN, hex, sizeof hex);
        note(an, c->frame, call->id, "certificate of %s, SHA-256 %s", ca_side_name(d), hex);
    }
    if (s->complete && call->have_code)
        note(an, s->complete_frame, call->id, "handshake complete, security code %s%s", call->code,
             call->code_from_sdp ? " (from the SDP: not verified)" : "");
}

int ca_annotations_add_call(ca_annotations_t *an, const ca_call_t *call)
{
    note(an, call->flow.first_frame, call->id, "verdict %s (the call's first frame)",
         ca_verdict_name(call->verdict));
    if (call->dtls)
        note_handshake(an, call);
    for (size_t i = 0; i < call->n_streams; i++)
        note(an, call->streams[i].first_frame, call->id, "first packet of %s stream 0x%08x (%s)",
             ca_call_stream_kind(call, i), call->streams[i].ssrc, ca_call_stream_dir(call, i));
    for (size_t i = 0; i < call->n_findings; i++) {
        const ca_finding_t *f = &call->findings[i];
        note(an, f->frame, call->id, "%s %s: %s", ca_severity_name(f->severity), f->id, f->message);
    }
    return an->failed ? -1 : 0;
}

static int by_frame(const void *a, const void *b)
{
    const note_t *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct {
    ca_annotations_t *an;
    ca_pcapng_writer_t *w;
    const char *out_path, *file;
    char section[512];
    size_t next; /* the next note to place */
    int dlt;     /* of the current interface; -1 none */
    uint32_t iface;
    uint64_t frames, commented;
    char *err;
    size_t err_size;
    bool failed;
} copy_t;

static void copy_frame(void *user, int dlt, uint64_t frame, int64_t ts_us, const uint8_t *data,
                       uint32_t caplen, uint32_t len)
{
    copy_t *c = user;
    if (c->failed)
        return;
    if (!c->w) {
        c->w = ca_pcapng_open(c->out_path, (uint16_t)dlt, c->section, c->file, c->err, c->err_size);
        if (!c->w) {
            c->failed = true;
            return;
        }
        c->dlt = dlt;
    } else if (dlt != c->dlt) { /* a file of another link type */
        int i = ca_pcapng_add_interface(c->w, (uint16_t)dlt, c->file);
        if (i < 0) {
            snprintf(c->err, c->err_size, "cannot write %s", c->out_path);
            c->failed = true;
            return;
        }
        c->iface = (uint32_t)i;
        c->dlt = dlt;
    }
    const char *comments[MAX_COMMENTS_PER_FRAME];
    size_t n = 0;
    ca_annotations_t *an = c->an;
    while (c->next < an->n && an->notes[c->next].frame < frame)
        c->next++; /* cannot happen: frames are numbered as in the analysis */
    for (; c->next < an->n && an->notes[c->next].frame == frame; c->next++)
        if (n < MAX_COMMENTS_PER_FRAME)
            comments[n++] = an->notes[c->next].text;
    c->commented += n > 0;
    c->frames++;
    if (ca_pcapng_write_packet(c->w, c->iface, ts_us, data, caplen, len, comments, n) != 0) {
        snprintf(c->err, c->err_size, "cannot write %s", c->out_path);
        c->failed = true;
    }
}

int ca_annotations_write(ca_annotations_t *an, const char *out_path, char *const *files,
                         int n_files, char *err, size_t err_size)
{
    if (an->failed) {
        snprintf(err, err_size, "out of memory collecting annotations");
        return -1;
    }
    if (an->n > 1) /* qsort's base must not be NULL, even for no elements */
        qsort(an->notes, an->n, sizeof *an->notes, by_frame);
    copy_t c = {.an = an, .out_path = out_path, .dlt = -1, .err = err, .err_size = err_size};
    snprintf(c.section, sizeof c.section,
             "callaudit %s: every frame of the capture, with a comment on each frame a "
             "handshake step or a finding refers to (frame.comment)",
             CA_VERSION);
    uint64_t next_frame = 1;
    for (int i = 0; i < n_files && !c.failed; i++) {
        ca_capture_result_t res;
        c.file = files[i];
        if (ca_capture_read_file(files[i], NULL, &next_frame, copy_frame, &c, &res, err,
                                 err_size) != 0)
            c.failed = true;
    }
    if (!c.w && !c.failed) { /* captures without a frame: an empty section */
        c.w = ca_pcapng_open(out_path, 1, c.section, "none", err, err_size);
        c.failed = c.w == NULL;
    }
    if (ca_pcapng_close(c.w) != 0 && !c.failed) {
        snprintf(err, err_size, "cannot write %s", out_path);
        c.failed = true;
    }
    if (!c.failed)
        fprintf(stderr, "callaudit: %s: %llu frames, %llu with comments\n", out_path,
                (unsigned long long)c.frames, (unsigned long long)c.commented);
    return c.failed ? -1 : 0;
}
