/* report_html_svg.c - the drawings of the HTML report, as inline SVG: the
 * handshake ladder (a sequence diagram of the datagrams between the two
 * addresses), the media streams as lanes over the call's time, and plots
 * per stream of packets/s, kbit/s and the opacity test's p-value, from the
 * fixed-size time bins each stream keeps (timeline.h). */
#include <math.h>
#include <string.h>

#include "report_html.h"

#define WIDTH      800
#define LADDER_L   240 /* x of the client's lifeline */
#define LADDER_R   740 /* x of the server's */
#define LADDER_ROW 30
#define LABEL_MAX  76  /* characters of an arrow's label on one line */
#define PLOT_X0    170 /* time axis of lanes and plots */
#define PLOT_X1    770
#define PLOT_H     130

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                      "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

static const char *stream_color(size_t i)
{
    return palette[i % (sizeof palette / sizeof palette[0])];
}

/* "+12.3 ms", "+4.021 s" */
static void format_offset(int64_t us, char *buf, size_t size)
{
    if (us < 1000000)
        snprintf(buf, size, "+%.1f ms", (double)us / 1000.0);
    else
        snprintf(buf, size, "+%.3f s", (double)us / 1e6);
}

/* The call's time span: its first and last packet (handshake or media). */
static void call_span(const ca_call_t *call, int64_t *t0, int64_t *t1)
{
    bool any = false;
    *t0 = *t1 = 0;
    const ca_dtls_session_t *s = call->dtls;
    for (size_t i = 0; s && i < s->n_datagrams; i++) {
        int64_t t = s->datagrams[i].ts_us;
        *t0 = any && *t0 < t ? *t0 : t;
        *t1 = any && *t1 > t ? *t1 : t;
        any = true;
    }
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        *t0 = any && *t0 < st->first_us ? *t0 : st->first_us;
        *t1 = any && *t1 > st->last_us ? *t1 : st->last_us;
        any = true;
    }
    if (*t1 <= *t0)
        *t1 = *t0 + 1000000; /* one instant: a second wide */
}

bool ca_html_frame_anchor(const ca_call_t *call, uint64_t frame, char *id, size_t size)
{
    const ca_dtls_session_t *s = call->dtls;
    for (size_t i = 0; s && frame && i < s->n_datagrams; i++) {
        if (s->datagrams[i].frame == frame) {
            snprintf(id, size, "c%u-f%llu", call->id, (unsigned long long)frame);
            return true;
        }
    }
    return false;
}

/* What the arrow of datagram D says: the steps first seen in its frame. */
static void datagram_label(const ca_dtls_session_t *s, const ca_dtls_datagram_t *d, char *buf,
                           size_t size)
{
    if (ca_dtls_frame_steps(s, d->frame, (ca_dir_t)d->dir, buf, size) > 0)
        return;
    snprintf(buf, size, "%s",
             d->resent                    ? "retransmission"
             : d->kinds & CA_DG_ENCRYPTED ? "encrypted records"
             : d->kinds & CA_DG_HANDSHAKE ? "fragment"
             : d->kinds & CA_DG_ALERT     ? "alert"
                                          : "records");
}

/* An arrow's label above it at (X, Y); a long one (a whole flight in one
 * datagram) on two lines, broken after a comma. */
static void label_text(FILE *out, const char *label, int x, int y)
{
    size_t n = strlen(label), cut = n;
    if (n > LABEL_MAX) {
        for (cut = LABEL_MAX; cut > 0 && label[cut] != ','; cut--)
            ;
        cut = cut ? cut + 1 : LABEL_MAX;
    }
    fprintf(out, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", x, cut < n ? y - 11 : y);
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)cut, label);
    ca_html_text(out, first);
    if (cut < n) {
        fprintf(out, "<tspan x=\"%d\" dy=\"11\">", x);
        ca_html_text(out, label + cut + (label[cut] == ' '));
        fputs("</tspan>", out);
    }
    fputs("</text>", out);
}

void ca_html_ladder(FILE *out, const ca_call_t *call)
{
    const ca_dtls_session_t *s = call->dtls;
    if (!s || s->n_datagrams == 0)
        return;
    char client[CA_ENDPOINT_TEXT_LEN], server[CA_ENDPOINT_TEXT_LEN];
    ca_endpoint_format(&call->client, client, sizeof client);
    ca_endpoint_format(&call->server, server, sizeof server);
    int height = 70 + (int)s->n_datagrams * LADDER_ROW;
    fprintf(out,
            "<svg class=\"ladder\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "role=\"img\" aria-label=\"handshake ladder, %zu datagrams\">\n",
            WIDTH, height, WIDTH, height, s->n_datagrams);
    fprintf(out, "<text class=\"who\" x=\"%d\" y=\"16\">client ", LADDER_L);
    ca_html_text(out, client);
    fprintf(out, "</text><text class=\"who end\" x=\"%d\" y=\"16\">server ", WIDTH - 4);
    ca_html_text(out, server);
    fputs("</text>\n", out);
    fprintf(out, "<text class=\"col\" x=\"4\" y=\"40\">frame</text>"
                 "<text class=\"col\" x=\"64\" y=\"40\">time</text>"
                 "<text class=\"col\" x=\"150\" y=\"40\">bytes</text>\n");
    for (int x = LADDER_L; x <= LADDER_R; x += LADDER_R - LADDER_L)
        fprintf(out, "<line class=\"life\" x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\"/>\n", x, x,
                height - 6);
    int64_t t0 = s->datagrams[0].ts_us;
    for (size_t i = 0; i < s->n_datagrams; i++) {
        const ca_dtls_datagram_t *d = &s->datagrams[i];
        int y = 60 + (int)i * LADDER_ROW;
        int from = d->dir == CA_C2S ? LADDER_L : LADDER_R,
            to = d->dir == CA_C2S ? LADDER_R : LADDER_L;
        int head = d->dir == CA_C2S ? -9 : 9;
        char when[32], label[200];
        format_offset(d->ts_us >= t0 ? d->ts_us - t0 : 0, when, sizeof when);
        datagram_label(s, d, label, sizeof label);
        fprintf(out, "<g class=\"msg%s\" id=\"c%u-f%llu\">", d->resent ? " resent" : "", call->id,
                (unsigned long long)d->frame);
        fprintf(out,
                "<text class=\"num\" x=\"4\" y=\"%d\">%llu</text><text class=\"num\" x=\"64\" "
                "y=\"%d\">%s</text><text class=\"num\" x=\"150\" y=\"%d\">%u</text>",
                y + 4, (unsigned long long)d->frame, y + 4, when, y + 4, (unsigned)d->len);
        fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", from, y, to + head, y);
        fprintf(out, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", to, y, to + head, y - 4, to + head,
                y + 4);
        label_text(out, label, (LADDER_L + LADDER_R) / 2, y - 4);
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
    if (s->datagrams_dropped)
        fprintf(out, "<p class=\"note\">and %zu more handshake datagrams, not drawn</p>\n",
                s->datagrams_dropped);
}

/* x of capture time T on the time axis of [T0, T1]. */
static double time_x(int64_t t, int64_t t0, int64_t t1)
{
    double f = (double)(t - t0) / (double)(t1 - t0);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return PLOT_X0 + f * (PLOT_X1 - PLOT_X0);
}

static void time_axis(FILE *out, int y, int64_t t0, int64_t t1)
{
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PLOT_X0, y,
            PLOT_X1, y);
    for (int k = 0; k <= 4; k++) {
        double x = PLOT_X0 + k * (PLOT_X1 - PLOT_X0) / 4.0;
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%.1f s</text>", x,
                y + 14,
                k == 0   ? "start"
                : k == 4 ? "end"
                         : "middle",
                (double)(t1 - t0) / 1e6 * k / 4.0);
    }
    fputc('\n', out);
}

static void stream_name(const ca_call_t *call, size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "0x%08x %s %s", call->streams[i].ssrc, ca_call_stream_dir(call, i),
             ca_call_stream_kind(call, i));
}

/* The capture time at which the handshake completed, if the ladder has it. */
static bool complete_time(const ca_call_t *call, int64_t *t)
{
    const ca_dtls_session_t *s = call->dtls;
    for (size_t i = 0; s && s->complete && i < s->n_datagrams; i++) {
        if (s->datagrams[i].frame == s->complete_frame) {
            *t = s->datagrams[i].ts_us;
            return true;
        }
    }
    return false;
}

static void lanes(FILE *out, const ca_call_t *call, int64_t t0, int64_t t1)
{
    int height = 30 + (int)call->n_streams * 24;
    fprintf(out,
            "<svg class=\"lanes\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"media streams over time\">\n",
            WIDTH, height, WIDTH, height);
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        const ca_timeline_t *tl = &st->timeline;
        int y = 6 + (int)i * 24;
        char name[64];
        stream_name(call, i, name, sizeof name);
        fprintf(out, "<text class=\"lane\" x=\"4\" y=\"%d\">%s</text>", y + 13, name);
        double x0 = time_x(st->first_us, t0, t1), x1 = time_x(st->last_us, t0, t1);
        fprintf(out,
                "<rect class=\"span\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                "fill=\"%s\"/>",
                x0, y, x1 - x0 > 1 ? x1 - x0 : 1, stream_color(i));
        uint32_t most = 1;
        for (size_t b = 0; b < tl->n_bins; b++)
            most = tl->bins[b].packets > most ? tl->bins[b].packets : most;
        for (size_t b = 0; b < tl->n_bins; b++) {
            if (!tl->bins[b].packets)
                continue;
            int64_t bs = tl->start_us + (int64_t)b * tl->bin_us;
            double bx0 = time_x(bs, t0, t1), bx1 = time_x(bs + tl->bin_us, t0, t1);
            fprintf(out,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\" "
                    "fill-opacity=\"%.2f\"/>",
                    bx0, y, bx1 - bx0 > 0.5 ? bx1 - bx0 : 0.5, stream_color(i),
                    0.25 + 0.75 * tl->bins[b].packets / (double)most);
        }
        fputc('\n', out);
    }
    int64_t done;
    if (complete_time(call, &done)) {
        double x = time_x(done, t0, t1);
        fprintf(out,
                "<line class=\"mark\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"/>"
                "<text class=\"tick\" x=\"%.1f\" y=\"%d\">handshake complete</text>\n",
                x, x, height - 24, x + 3, height - 24);
    }
    time_axis(out, height - 16, t0, t1);
    fputs("</svg>\n", out);
}

typedef enum { PLOT_PACKETS, PLOT_KBITS, PLOT_OPACITY } plot_kind_t;

/* The value of bin B of stream ST for a plot; false: nothing to draw. */
static bool bin_value(const ca_stream_t *st, size_t b, plot_kind_t kind, double *v)
{
    const ca_timeline_t *tl = &st->timeline;
    const ca_timeline_bin_t *bin = &tl->bins[b];
    double seconds = tl->bin_us / 1e6;
    switch (kind) {
    case PLOT_PACKETS:
        *v = bin->packets / seconds;
        return true;
    case PLOT_KBITS:
        *v = bin->bytes * 8.0 / 1000.0 / seconds;
        return true;
    case PLOT_OPACITY: {
        double p = bin->p_value;
        if (b + 1 == tl->n_bins) { /* the last bin: the stream's final state */
            double statistic;
            p = st->opacity.samples >= CA_OPACITY_MIN_SAMPLES
                    ? (ca_opacity_verdict(&st->opacity, &statistic, &p), p)
                    : -1;
        }
        if (p < 0)
            return false;
        *v = p > 1e-12 ? -log10(p) : 12.0;
        return true;
    }
    }
    return false;
}

static void plot(FILE *out, const ca_call_t *call, plot_kind_t kind, int64_t t0, int64_t t1)
{
    static const char *const titles[] = {
        "packets per second", "kbit/s",
        "opacity: -log10 p of the chi-square test (higher: structured, readable)"};
    double top = kind == PLOT_OPACITY ? 12.0 : 0;
    for (size_t i = 0; kind != PLOT_OPACITY && i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        for (size_t b = 0; b < st->timeline.n_bins; b++) {
            double v;
            if (bin_value(st, b, kind, &v) && v > top)
                top = v;
        }
    }
    if (top <= 0)
        top = 1;
    int h = PLOT_H, y0 = 20, y1 = y0 + h;
    fprintf(out,
            "<svg class=\"plot\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"%s\">\n<text class=\"title\" x=\"%d\" y=\"12\">%s</text>",
            WIDTH, y1 + 24, WIDTH, y1 + 24, titles[kind], PLOT_X0, titles[kind]);
    fprintf(out,
            "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%.4g</text>"
            "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
            PLOT_X0, y0, PLOT_X0, y1, PLOT_X0 - 4, y0 + 8, top, PLOT_X0 - 4, y1);
    if (kind == PLOT_OPACITY) {
        double lines[2] = {-log10(CA_OPACITY_OPAQUE_P), -log10(CA_OPACITY_READABLE_P)};
        const char *names[2] = {"below: consistent with ciphertext", "above: readable media"};
        for (int k = 0; k < 2; k++) {
            double y = y1 - lines[k] / top * h;
            fprintf(out,
                    "<line class=\"mark\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PLOT_X0, y, PLOT_X1, y, PLOT_X1, y - 3, names[k]);
        }
    }
    for (size_t i = 0; i < call->n_streams; i++) {
        const ca_stream_t *st = &call->streams[i];
        const ca_timeline_t *tl = &st->timeline;
        if (kind == PLOT_OPACITY && st->rtcp)
            continue;
        fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" points=\"", stream_color(i));
        for (size_t b = 0; b < tl->n_bins; b++) {
            double v;
            if (!bin_value(st, b, kind, &v))
                continue;
            int64_t mid = tl->start_us + (int64_t)b * tl->bin_us + tl->bin_us / 2;
            fprintf(out, "%.1f,%.1f ", time_x(mid, t0, t1), y1 - (v > top ? top : v) / top * h);
        }
        fputs("\"/>\n", out);
    }
    time_axis(out, y1, t0, t1);
    fputs("</svg>\n", out);
}

void ca_html_media(FILE *out, const ca_call_t *call)
{
    if (call->n_streams == 0)
        return;
    int64_t t0, t1;
    call_span(call, &t0, &t1);
    lanes(out, call, t0, t1);
    fputs("<p class=\"legend\">", out);
    for (size_t i = 0; i < call->n_streams; i++) {
        char name[64];
        stream_name(call, i, name, sizeof name);
        fprintf(out, "<span style=\"color:%s\">&#9632;</span> %s &nbsp; ", stream_color(i), name);
    }
    fputs("</p>\n", out);
    plot(out, call, PLOT_PACKETS, t0, t1);
    plot(out, call, PLOT_KBITS, t0, t1);
    plot(out, call, PLOT_OPACITY, t0, t1);
}
