/* engine_ws.c - runs callaudit-wireshark and turns its lines into pipeline
 * events; see engine_ws.h and engine/wireshark/callaudit-wireshark.c for the
 * line format. The engine's output is read as untrusted input: every number
 * is range-checked, every hex field bounded by its buffer, and a line that
 * does not parse is counted, not trusted. DTLS records are rebuilt in wire
 * form from Wireshark's record fields, with each handshake message that
 * Wireshark reassembled as one unfragmented message; RTP packets from its
 * header fields. No allocation per line beyond getline's reused buffer.
 */
#include "engine_ws.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FIELDS 16
#define DGRAM_MAX  (1u << 18) /* rebuilt DTLS records of one datagram */
#define PACKET_MAX (1u << 17)

typedef struct {
    ca_pipeline_t *p;
    ca_endpoint_t src, dst;
    uint8_t transport;
    bool have_addr;
    uint64_t frame;
    int64_t ts_us;
    /* the DTLS records of the current datagram, rebuilt */
    uint8_t dgram[DGRAM_MAX];
    size_t dgram_len;
    size_t hs_record; /* offset of the open handshake record's header; SIZE_MAX none */
    uint8_t packet[PACKET_MAX];
    uint8_t bytes[PACKET_MAX];
    ca_engine_ws_result_t *res;
} reader_t;

static void reader_init(reader_t *r, ca_pipeline_t *p, ca_engine_ws_result_t *res)
{
    r->p = p;
    r->res = res;
    r->hs_record = SIZE_MAX;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex (or "-": nothing) into OUT of CAP bytes. */
static bool unhex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
    *n = 0;
    if (!s)
        return false;
    if (strcmp(s, "-") == 0)
        return true;
    size_t len = strlen(s);
    if (len % 2 || len / 2 > cap)
        return false;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *n = len / 2;
    return true;
}

static bool parse_addr(const char *fam, const char *hexaddr, const char *port, ca_endpoint_t *ep)
{
    uint64_t family, p;
    size_t n;
    memset(ep, 0, sizeof *ep);
    if (!parse_u64(fam, 6, &family) || (family != 4 && family != 6) ||
        !unhex(hexaddr, ep->addr.bytes, sizeof ep->addr.bytes, &n) || n != (family == 4 ? 4 : 16) ||
        !parse_u64(port, 65535, &p))
        return false;
    ep->addr.family = (uint8_t)family;
    ep->port = (uint16_t)p;
    return true;
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void flush_dtls(reader_t *r)
{
    if (r->dgram_len && r->have_addr)
        ca_pipeline_event_dtls(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us,
                               ca_cursor_make(r->dgram, r->dgram_len));
    r->dgram_len = 0;
    r->hs_record = SIZE_MAX;
}

/* D type version epoch seq bytes */
static bool on_record(reader_t *r, char **f, int n)
{
    uint64_t type, version, epoch, seq;
    size_t len;
    if (n != 6 || !parse_u64(f[1], 255, &type) || !parse_u64(f[2], 65535, &version) ||
        !parse_u64(f[3], 65535, &epoch) || !parse_u64(f[4], 0xffffffffffffull, &seq))
        return false;
    if (r->dgram_len + 13 > DGRAM_MAX)
        return false;
    uint8_t *h = r->dgram + r->dgram_len;
    h[0] = (uint8_t)type;
    put_be(h + 1, version, 2);
    put_be(h + 3, epoch, 2);
    put_be(h + 5, seq, 6);
    put_be(h + 11, 0, 2);
    if (!unhex(f[5], h + 13, DGRAM_MAX - r->dgram_len - 13, &len) || len > 0xffff)
        return false;
    put_be(h + 11, len, 2);
    r->hs_record = strcmp(f[5], "-") == 0 ? r->dgram_len : SIZE_MAX;
    r->dgram_len += 13 + len;
    return true;
}

/* M type message_seq body: appended to the open handshake record whole. */
static bool on_message(reader_t *r, char **f, int n)
{
    uint64_t type, seq;
    size_t len;
    if (n != 4 || r->hs_record == SIZE_MAX || !parse_u64(f[1], 255, &type) ||
        !parse_u64(f[2], 65535, &seq) || r->dgram_len + 12 > DGRAM_MAX)
        return false;
    uint8_t *m = r->dgram + r->dgram_len;
    if (!unhex(f[3], m + 12, DGRAM_MAX - r->dgram_len - 12, &len) || len > 0xffffff)
        return false;
    m[0] = (uint8_t)type;
    put_be(m + 1, len, 3);
    put_be(m + 4, seq, 2);
    put_be(m + 6, 0, 3);
    put_be(m + 9, len, 3);
    uint8_t *rec = r->dgram + r->hs_record;
    size_t rec_len = (size_t)(rec[11] << 8 | rec[12]) + 12 + len;
    if (rec_len > 0xffff)
        return false; /* a message too large for one rebuilt record: not expected */
    put_be(rec + 11, rec_len, 2);
    r->dgram_len += 12 + len;
    return true;
}

/* P m x cc pt seq ts ssrc csrcs profile ext payload */
static bool on_rtp(reader_t *r, char **f, int n)
{
    uint64_t m, x, cc, pt, seq, ts, ssrc, profile;
    size_t ncsrc, next, npay;
    if (n != 12 || !parse_u64(f[1], 1, &m) || !parse_u64(f[2], 1, &x) ||
        !parse_u64(f[3], 15, &cc) || !parse_u64(f[4], 127, &pt) || !parse_u64(f[5], 65535, &seq) ||
        !parse_u64(f[6], 0xffffffffu, &ts) || !parse_u64(f[7], 0xffffffffu, &ssrc) ||
        !parse_u64(f[9], 65535, &profile))
        return false;
    uint8_t *pk = r->packet;
    pk[0] = (uint8_t)(0x80 | x << 4 | cc);
    pk[1] = (uint8_t)(m << 7 | pt);
    put_be(pk + 2, seq, 2);
    put_be(pk + 4, ts, 4);
    put_be(pk + 8, ssrc, 4);
    size_t at = 12;
    if (!unhex(f[8], pk + at, 60, &ncsrc) || ncsrc != cc * 4)
        return false;
    at += ncsrc;
    if (x) {
        if (!unhex(f[10], pk + at + 4, PACKET_MAX - at - 4, &next) || next % 4)
            return false;
        put_be(pk + at, profile, 2);
        put_be(pk + at + 2, next / 4, 2);
        at += 4 + next;
    }
    if (!unhex(f[11], pk + at, PACKET_MAX - at, &npay))
        return false;
    at += npay;
    ca_pipeline_event_media(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us, false,
                            ca_cursor_make(pk, at));
    return true;
}

static bool on_line(reader_t *r, char *line)
{
    r->res->lines++;
    char *f[MAX_FIELDS], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, " \n", &save); t && n < MAX_FIELDS;
         t = strtok_r(NULL, " \n", &save))
        f[n++] = t;
    if (n == 0)
        return false;
    char kind = f[0][1] ? '?' : f[0][0];
    if (kind != 'D' && kind != 'M')
        flush_dtls(r);
    uint64_t a, b, c;
    size_t len;
    switch (kind) {
    case 'W':
        snprintf(r->res->version, sizeof r->res->version, "%s", n > 1 ? f[1] : "?");
        return n == 2;
    case 'F': {
        uint64_t frame, caplen, wirelen;
        if (n != 5 || !parse_u64(f[1], UINT32_MAX, &frame) ||
            !parse_u64(f[3], UINT32_MAX, &caplen) || !parse_u64(f[4], UINT32_MAX, &wirelen))
            return false;
        char *end;
        long long ts = strtoll(f[2], &end, 10);
        if (*end)
            return false;
        r->frame = frame;
        r->ts_us = ts;
        r->have_addr = false;
        ca_pipeline_event_frame(r->p, r->ts_us, (uint32_t)caplen, (uint32_t)wirelen);
        return true;
    }
    case 'A':
        if (n != 7 || !parse_u64(f[1], 255, &a) || (a != 6 && a != 17) ||
            !parse_addr(f[2], f[3], f[4], &r->src) || !parse_addr(f[2], f[5], f[6], &r->dst))
            return false;
        r->transport = (uint8_t)a;
        r->have_addr = true;
        return true;
    case 'D':
        return r->have_addr && on_record(r, f, n);
    case 'M':
        return r->have_addr && on_message(r, f, n);
    case 'P':
        return r->have_addr && on_rtp(r, f, n);
    case 'C':
        if (n != 2 || !r->have_addr || !unhex(f[1], r->bytes, sizeof r->bytes, &len))
            return false;
        ca_pipeline_event_media(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us, true,
                                ca_cursor_make(r->bytes, len));
        return true;
    case 'S':
        if (n != 4 || !r->have_addr || !parse_u64(f[1], 0xfff, &a) || !parse_u64(f[2], 3, &b))
            return false;
        ca_pipeline_event_stun(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us,
                               (uint16_t)a, (uint8_t)b, strcmp(f[3], "-") ? f[3] : NULL);
        return true;
    case 'B': {
        ca_endpoint_t peer;
        if (n != 5 || !r->have_addr || !parse_u64(f[1], 0x7fff, &c) ||
            !parse_addr(f[2], f[3], f[4], &peer))
            return false;
        ca_pipeline_event_channel_bind(r->p, &r->src, &r->dst, r->transport, (uint16_t)c, &peer);
        return true;
    }
    case 'I': {
        ca_endpoint_t peer;
        if (n != 6 || !r->have_addr || !parse_u64(f[1], 7, &a) || (a != 6 && a != 7) ||
            !parse_addr(f[2], f[3], f[4], &peer) || !unhex(f[5], r->bytes, sizeof r->bytes, &len))
            return false;
        ca_pipeline_event_indication(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us,
                                     a == 6, &peer, ca_cursor_make(r->bytes, len));
        return true;
    }
    case 'T':
        if (n != 3 || !r->have_addr || !parse_u64(f[1], 0xffff, &c) ||
            !unhex(f[2], r->bytes + 4, sizeof r->bytes - 4, &len) || len > 0xffff)
            return false;
        put_be(r->bytes, c, 2);
        put_be(r->bytes + 2, len, 2);
        ca_pipeline_event_channel_data(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us,
                                       ca_cursor_make(r->bytes, len + 4));
        return true;
    case 'X':
        if (r->have_addr)
            ca_pipeline_event_other(r->p, &r->src, &r->dst, r->transport, r->frame, r->ts_us);
        return r->have_addr;
    case 'E': {
        size_t used =
            (size_t)snprintf(r->res->truncated_why, sizeof r->res->truncated_why, "Wireshark:");
        for (int i = 1; i < n && used < sizeof r->res->truncated_why; i++)
            used += (size_t)snprintf(r->res->truncated_why + used,
                                     sizeof r->res->truncated_why - used, " %s", f[i]);
        r->res->truncated = true;
        return true;
    }
    default:
        return false;
    }
}

/* The engine: $CALLAUDIT_WIRESHARK, else callaudit-wireshark next to us. */
static void engine_path(char *path, size_t size)
{
    const char *env = getenv("CALLAUDIT_WIRESHARK");
    if (env && *env) {
        snprintf(path, size, "%s", env);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(path, size, "callaudit-wireshark");
        return;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, size, "%s/callaudit-wireshark", slash ? self : ".");
}

/* The engine's path in PATH, or false with the reason in ERR. */
static bool find_engine(char *path, size_t size, char *err, size_t err_size)
{
    engine_path(path, size);
    if (access(path, X_OK) == 0)
        return true;
    snprintf(err, err_size,
             "--engine wireshark needs %s (built when libwireshark-dev 4.0 or later is "
             "installed): not found",
             path);
    return false;
}

int ca_engine_ws_run(ca_pipeline_t *p, char *const *files, int n_files, ca_engine_ws_frame_fn fn,
                     void *user, ca_engine_ws_result_t *res, char *err, size_t err_size)
{
    char path[PATH_MAX + 32];
    memset(res, 0, sizeof *res);
    if (!find_engine(path, sizeof path, err, err_size))
        return -1;
    int fds[2];
    /* argv before the fork: the child of a threaded process (the signature
     * workers) only calls what is async-signal-safe before execv */
    char **argv = calloc((size_t)n_files + 2, sizeof *argv);
    if (!argv || pipe(fds) != 0) {
        snprintf(err, err_size, "cannot start %s: %s", path, argv ? strerror(errno) : "no memory");
        free(argv);
        return -1;
    }
    argv[0] = path;
    for (int i = 0; i < n_files; i++)
        argv[i + 1] = files[i];
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        free(argv);
        snprintf(err, err_size, "cannot start %s: %s", path, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(fds[1], STDOUT_FILENO) < 0 ||
            (!getenv("CALLAUDIT_WIRESHARK_STDERR") && dup2(null, STDERR_FILENO) < 0))
            _exit(127);
        close(fds[0]);
        execv(path, argv);
        _exit(127);
    }
    free(argv);
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    reader_t *r = calloc(1, sizeof *r);
    int rc = 0;
    if (!in || !r) {
        snprintf(err, err_size, "out of memory");
        rc = -1;
    }
    char *line = NULL;
    size_t cap = 0;
    uint64_t last_frame = 0;
    if (rc == 0) {
        reader_init(r, p, res);
        while (getline(&line, &cap, in) > 0) {
            if (strlen(line) == 0)
                continue; /* a NUL first: not a line of the engine */
            if (line[0] == 'F' && last_frame && fn) {
                flush_dtls(r);
                fn(user, last_frame);
            }
            if (!on_line(r, line))
                res->lines_malformed++;
            if (line[0] == 'F')
                last_frame = r->frame;
        }
        flush_dtls(r);
        if (last_frame && fn)
            fn(user, last_frame);
    }
    free(line);
    free(r);
    if (in)
        fclose(in);
    else
        close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc == 0 && WIFSIGNALED(status)) {
        snprintf(err, err_size, "%s died of signal %d", path, WTERMSIG(status));
        rc = -1;
    } else if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        if (res->truncated) /* it said why */
            snprintf(err, err_size, "%s", res->truncated_why);
        else
            snprintf(err, err_size, "%s failed (exit %d)%s", path, WEXITSTATUS(status),
                     WEXITSTATUS(status) == 127 ? ": cannot run it" : "");
        rc = -1;
    } else if (rc == 0 && !res->version[0]) {
        snprintf(err, err_size, "%s: no output", path);
        rc = -1;
    }
    return rc;
}

ca_engine_ws_reader_t *ca_engine_ws_reader_new(ca_pipeline_t *p, ca_engine_ws_result_t *res)
{
    reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    memset(res, 0, sizeof *res);
    reader_init(r, p, res);
    return (ca_engine_ws_reader_t *)r;
}

bool ca_engine_ws_reader_line(ca_engine_ws_reader_t *reader, char *line)
{
    reader_t *r = (reader_t *)reader;
    bool ok = on_line(r, line);
    if (!ok)
        r->res->lines_malformed++;
    return ok;
}

void ca_engine_ws_reader_free(ca_engine_ws_reader_t *reader)
{
    reader_t *r = (reader_t *)reader;
    if (r)
        flush_dtls(r);
    free(r);
}

/* --- live: a pcap stream to the engine, its lines back, neither blocking */

#define QUEUE_MAX      (64u << 20)
#define LINE_MAX_BYTES (1u << 20)

struct ca_engine_ws_stream {
    reader_t *r;
    pid_t pid;
    int to, from; /* the engine's stdin, stdout; -1 closed */
    uint8_t *queue;
    size_t queued, sent, cap;
    char *line;
    size_t line_len, line_cap;
    uint64_t frames_lost;
    bool eof;
};

static bool queue_put(ca_engine_ws_stream_t *s, const void *p, size_t n)
{
    if (s->sent && s->sent == s->queued)
        s->sent = s->queued = 0;
    if (s->queued + n > s->cap) {
        if (s->sent) { /* move what is left to the front */
            memmove(s->queue, s->queue + s->sent, s->queued - s->sent);
            s->queued -= s->sent;
            s->sent = 0;
        }
        if (s->queued + n > QUEUE_MAX)
            return false;
        if (s->queued + n > s->cap) {
            size_t cap = s->cap ? s->cap : 1u << 16;
            while (cap < s->queued + n)
                cap *= 2;
            uint8_t *grown = realloc(s->queue, cap);
            if (!grown)
                return false;
            s->queue = grown;
            s->cap = cap;
        }
    }
    memcpy(s->queue + s->queued, p, n);
    s->queued += n;
    return true;
}

static void put_le32(uint8_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        b[i] = (uint8_t)v;
}

ca_engine_ws_stream_t *ca_engine_ws_stream_start(ca_pipeline_t *p, int dlt,
                                                 ca_engine_ws_result_t *res, char *err,
                                                 size_t err_size)
{
    char path[PATH_MAX + 32];
    memset(res, 0, sizeof *res);
    if (!find_engine(path, sizeof path, err, err_size))
        return NULL;
    ca_engine_ws_stream_t *s = calloc(1, sizeof *s);
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    if (!s || !(s->r = calloc(1, sizeof *s->r)) || pipe(in) != 0 || pipe(out) != 0) {
        snprintf(err, err_size, "cannot start %s", path);
        goto fail;
    }
    s->pid = fork();
    if (s->pid < 0) {
        snprintf(err, err_size, "cannot start %s: %s", path, strerror(errno));
        goto fail;
    }
    if (s->pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
            (!getenv("CALLAUDIT_WIRESHARK_STDERR") && dup2(null, STDERR_FILENO) < 0))
            _exit(127);
        close(in[1]);
        close(out[0]);
        char stream[] = "--stream", dash[] = "-";
        char *argv[] = {path, stream, dash, NULL};
        execv(path, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    s->to = in[1];
    s->from = out[0];
    fcntl(s->to, F_SETFL, fcntl(s->to, F_GETFL) | O_NONBLOCK);
    fcntl(s->from, F_SETFL, fcntl(s->from, F_GETFL) | O_NONBLOCK);
    signal(SIGPIPE, SIG_IGN); /* an engine that died is seen by waitpid, not a signal */
    reader_init(s->r, p, res);
    uint8_t hdr[24];
    put_le32(hdr, 0xa1b2c3d4u);
    hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0; /* version 2.4 */
    put_le32(hdr + 8, 0);
    put_le32(hdr + 12, 0);
    put_le32(hdr + 16, 262144);
    put_le32(hdr + 20, (uint32_t)dlt);
    if (!queue_put(s, hdr, sizeof hdr)) {
        snprintf(err, err_size, "out of memory");
        ca_engine_ws_stream_finish(s, NULL, 0);
        return NULL;
    }
    return s;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    if (s)
        free(s->r);
    free(s);
    return NULL;
}

void ca_engine_ws_stream_frame(ca_engine_ws_stream_t *s, int64_t ts_us, const uint8_t *data,
                               uint32_t caplen, uint32_t len)
{
    uint8_t rec[16];
    put_le32(rec, (uint32_t)(ts_us / 1000000));
    put_le32(rec + 4, (uint32_t)(ts_us % 1000000));
    put_le32(rec + 8, caplen);
    put_le32(rec + 12, len);
    if (s->queued - s->sent + sizeof rec + caplen > QUEUE_MAX || !queue_put(s, rec, sizeof rec) ||
        !queue_put(s, data, caplen)) {
        s->frames_lost++; /* Wireshark is behind: this frame never reaches it */
        ca_pipeline_capture_drops(s->r->p, 1);
    }
}

/* Feed the complete lines read so far. */
static void take_lines(ca_engine_ws_stream_t *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (s->line_len + 2 > s->line_cap) {
                size_t cap = s->line_cap ? s->line_cap * 2 : 4096;
                char *grown = cap <= LINE_MAX_BYTES ? realloc(s->line, cap) : NULL;
                if (!grown) { /* a line longer than any the engine writes */
                    s->r->res->lines_malformed++;
                    s->line_len = 0;
                    continue;
                }
                s->line = grown;
                s->line_cap = cap;
            }
            s->line[s->line_len++] = buf[i];
            continue;
        }
        if (!s->line)
            continue;
        s->line[s->line_len] = '\0';
        if (strlen(s->line) == s->line_len && !on_line(s->r, s->line))
            s->r->res->lines_malformed++;
        s->line_len = 0;
    }
}

int ca_engine_ws_stream_pump(ca_engine_ws_stream_t *s, int timeout_ms, char *err, size_t err_size)
{
    for (;;) {
        struct pollfd fds[2] = {{.fd = s->from, .events = POLLIN},
                                {.fd = s->sent < s->queued ? s->to : -1, .events = POLLOUT}};
        int n = poll(fds, 2, timeout_ms);
        if (n < 0 && errno == EINTR)
            return 0;
        if (n <= 0)
            return 0;
        if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
            ssize_t w = write(s->to, s->queue + s->sent, s->queued - s->sent);
            if (w > 0)
                s->sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                snprintf(err, err_size, "the Wireshark engine stopped reading: %s",
                         strerror(errno));
                return -1;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[65536];
            ssize_t r = read(s->from, buf, sizeof buf);
            if (r > 0) {
                take_lines(s, buf, (size_t)r);
            } else if (r == 0) {
                s->eof = true;
                flush_dtls(s->r);
                return 0;
            }
        }
        if (timeout_ms == 0 && !(fds[0].revents & POLLIN) && !(fds[1].revents & POLLOUT))
            return 0;
    }
}

int ca_engine_ws_stream_finish(ca_engine_ws_stream_t *s, char *err, size_t err_size)
{
    char scratch[256];
    if (!err) {
        err = scratch;
        err_size = sizeof scratch;
    }
    int rc = 0;
    /* what is queued still goes, then the end of the stream */
    while (rc == 0 && s->sent < s->queued && !s->eof)
        rc = ca_engine_ws_stream_pump(s, 1000, err, err_size);
    close(s->to);
    s->to = -1;
    while (rc == 0 && !s->eof)
        rc = ca_engine_ws_stream_pump(s, 1000, err, err_size);
    flush_dtls(s->r);
    close(s->from);
    int status = 0;
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        snprintf(err, err_size, "the Wireshark engine failed (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        rc = -1;
    }
    free(s->queue);
    free(s->line);
    free(s->r);
    free(s);
    return rc;
}
