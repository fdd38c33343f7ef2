/* sdp.c - SDP (RFC 8866) parsing for E2EE call audits; see sdp.h.
 *
 *   v=0
 *   o=<username> <sess-id> <sess-version> IN IP4 <addr>
 *   s=-
 *   t=0 0
 *   a=<session attributes>
 *   m=<media> <port> <proto> <fmt> ...
 *   a=<media attributes>
 */
#include "sdp.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"

/* The value of a session-level attribute, kept until the media sections are
 * known so that sections without their own copy inherit it (RFC 8839 5.4,
 * RFC 8122 5). */
typedef struct {
    char ice_ufrag[CA_SDP_ICE_CRED_LEN + 1];
    char ice_pwd[CA_SDP_ICE_CRED_LEN + 1];
    bool has_fingerprint;
    ca_sdp_fingerprint_t fingerprint;
    ca_sdp_setup_t setup;
} sdp_session_attrs_t;

#define SDP_FAIL(sdp, lineno, why)                                                                 \
    do {                                                                                           \
        (sdp)->error_line = (lineno);                                                              \
        (sdp)->error = (why);                                                                      \
        return CA_ERR_MALFORMED;                                                                   \
    } while (0)

static bool cursor_equals(const ca_cursor_t *c, const char *s)
{
    size_t n = strlen(s);
    return ca_cursor_left(c) == n && memcmp(c->p, s, n) == 0;
}

/* Next space-separated token; fails when none is left. */
CA_MUST_CHECK static ca_err_t sdp_token(ca_cursor_t *c, ca_cursor_t *tok)
{
    while (ca_cursor_left(c) > 0 && c->p[0] == ' ')
        CA_GUARD(ca_cursor_skip(c, 1));
    size_t n = 0;
    while (n < ca_cursor_left(c) && c->p[n] != ' ')
        n++;
    CA_ENSURE(n > 0, CA_ERR_MALFORMED);
    return ca_cursor_sub(c, n, tok);
}

/* Split at the first DELIM: HEAD before it, C after it. No DELIM: HEAD is all. */
CA_MUST_CHECK static ca_err_t sdp_split(ca_cursor_t *c, char delim, ca_cursor_t *head)
{
    size_t n = 0;
    while (n < ca_cursor_left(c) && c->p[n] != delim)
        n++;
    CA_GUARD(ca_cursor_sub(c, n, head));
    if (ca_cursor_left(c) > 0)
        CA_GUARD(ca_cursor_skip(c, 1));
    return CA_OK;
}

/* Copy a token into a fixed field, failing rather than truncating: with
 * CA_ERR_LIMIT when it is too long (the caller leaves it out and counts it,
 * or refuses it where the RFC bounds it), CA_ERR_MALFORMED for control
 * characters and NULs, refused so copied strings are safe to print. */
CA_MUST_CHECK static ca_err_t sdp_copy(const ca_cursor_t *tok, char *dst, size_t dst_size)
{
    size_t n = ca_cursor_left(tok);
    for (size_t i = 0; i < n; i++)
        CA_ENSURE(tok->p[i] >= 0x20 && tok->p[i] != 0x7f, CA_ERR_MALFORMED);
    CA_ENSURE(n < dst_size, CA_ERR_LIMIT);
    memcpy(dst, tok->p, n);
    dst[n] = '\0';
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t sdp_uint(const ca_cursor_t *tok, uint64_t max, uint64_t *out)
{
    size_t n = ca_cursor_left(tok);
    CA_ENSURE(n > 0 && n <= 20, CA_ERR_MALFORMED);
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t d = tok->p[i];
        CA_ENSURE(d >= '0' && d <= '9', CA_ERR_MALFORMED);
        CA_ENSURE(v <= (max - (uint64_t)(d - '0')) / 10, CA_ERR_MALFORMED);
        v = v * 10 + (uint64_t)(d - '0');
    }
    *out = v;
    return CA_OK;
}

static int hex_value(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

ca_err_t ca_sdp_parse_fingerprint_hex(const char *hex, size_t hex_len, ca_sdp_fingerprint_t *out)
{
    ca_cursor_t c = ca_cursor_make((const uint8_t *)hex, hex_len);
    out->len = 0;
    while (ca_cursor_left(&c) > 0) {
        uint8_t hi, lo;
        if (out->len > 0) {
            uint8_t colon;
            CA_GUARD(ca_cursor_u8(&c, &colon));
            CA_ENSURE(colon == ':', CA_ERR_MALFORMED);
        }
        CA_ENSURE(out->len < CA_SDP_MAX_FINGERPRINT, CA_ERR_MALFORMED);
        CA_GUARD(ca_cursor_u8(&c, &hi));
        CA_GUARD(ca_cursor_u8(&c, &lo));
        int h = hex_value(hi), l = hex_value(lo);
        CA_ENSURE(h >= 0 && l >= 0, CA_ERR_MALFORMED);
        out->bytes[out->len++] = (uint8_t)(h << 4 | l);
    }
    CA_ENSURE(out->len > 0, CA_ERR_MALFORMED);
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t parse_fingerprint(ca_cursor_t *v, ca_sdp_fingerprint_t *fp)
{
    ca_cursor_t hash, hex;
    CA_GUARD(sdp_token(v, &hash));
    CA_GUARD(sdp_token(v, &hex));
    CA_GUARD(sdp_copy(&hash, fp->hash, sizeof fp->hash));
    for (char *s = fp->hash; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
    CA_GUARD(ca_sdp_parse_fingerprint_hex((const char *)hex.p, ca_cursor_left(&hex), fp));
    /* The hash name fixes the length (RFC 8122 5). */
    size_t want = strcmp(fp->hash, "sha-1") == 0     ? 20
                  : strcmp(fp->hash, "sha-224") == 0 ? 28
                  : strcmp(fp->hash, "sha-256") == 0 ? 32
                  : strcmp(fp->hash, "sha-384") == 0 ? 48
                  : strcmp(fp->hash, "sha-512") == 0 ? 64
                                                     : 0;
    CA_ENSURE(want == 0 || want == fp->len, CA_ERR_MALFORMED);
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t parse_setup(const ca_cursor_t *v, ca_sdp_setup_t *setup)
{
    if (cursor_equals(v, "actpass"))
        *setup = CA_SDP_SETUP_ACTPASS;
    else if (cursor_equals(v, "active"))
        *setup = CA_SDP_SETUP_ACTIVE;
    else if (cursor_equals(v, "passive"))
        *setup = CA_SDP_SETUP_PASSIVE;
    else if (cursor_equals(v, "holdconn"))
        *setup = CA_SDP_SETUP_HOLDCONN;
    else
        return CA_ERR_MALFORMED;
    return CA_OK;
}

/* candidate:<foundation> <component> <transport> <priority> <addr> <port> typ <type>
 *           [raddr <addr>] [rport <port>] *(<extension name> <extension value>) */
CA_MUST_CHECK static ca_err_t parse_candidate(ca_cursor_t *v, ca_sdp_candidate_t *cand)
{
    ca_cursor_t tok;
    uint64_t n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, cand->foundation, sizeof cand->foundation));
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_uint(&tok, 256, &n));
    CA_ENSURE(n >= 1, CA_ERR_MALFORMED);
    cand->component = (unsigned)n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, cand->transport, sizeof cand->transport));
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_uint(&tok, UINT32_MAX, &n));
    cand->priority = (uint32_t)n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, cand->addr, sizeof cand->addr));
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_uint(&tok, 65535, &n));
    cand->port = (uint16_t)n;
    CA_GUARD(sdp_token(v, &tok));
    CA_ENSURE(cursor_equals(&tok, "typ"), CA_ERR_MALFORMED);
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, cand->type, sizeof cand->type));
    /* Chrome adds generation, ufrag, network-id, network-cost; RFC 6544 tcptype */
    while (sdp_token(v, &tok) == CA_OK) {
        ca_cursor_t value;
        if (sdp_token(v, &value) != CA_OK)
            break;
        if (cursor_equals(&tok, "tcptype"))
            CA_GUARD(sdp_copy(&value, cand->tcptype, sizeof cand->tcptype));
    }
    return CA_OK;
}

/* rtpmap:<pt> <encoding>/<clock rate>[/<channels>] */
CA_MUST_CHECK static ca_err_t parse_rtpmap(ca_cursor_t *v, ca_sdp_rtpmap_t *map)
{
    ca_cursor_t tok, enc, rate;
    uint64_t n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_uint(&tok, 127, &n));
    map->payload_type = (uint8_t)n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_split(&tok, '/', &enc));
    CA_GUARD(sdp_copy(&enc, map->encoding, sizeof map->encoding));
    CA_GUARD(sdp_split(&tok, '/', &rate));
    CA_GUARD(sdp_uint(&rate, UINT32_MAX, &n));
    map->clock_rate = (uint32_t)n;
    return CA_OK;
}

/* extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285 5) */
CA_MUST_CHECK static ca_err_t parse_extmap(ca_cursor_t *v, ca_sdp_extmap_t *map)
{
    ca_cursor_t tok, id;
    uint64_t n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_split(&tok, '/', &id));
    CA_GUARD(sdp_uint(&id, 4351, &n));
    CA_ENSURE(n >= 1 && (n <= 255 || n >= 4096), CA_ERR_MALFORMED);
    CA_GUARD(sdp_token(v, &tok));
    map->id = 0; /* 4096-4351: an offer's "answerer, choose" id (RFC 8285 5), never on the wire */
    if (n <= 255)
        map->id = (uint8_t)n;
    return sdp_copy(&tok, map->uri, sizeof map->uri);
}

/* ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 4.1) */
CA_MUST_CHECK static ca_err_t parse_ssrc(ca_cursor_t *v, uint32_t *ssrc)
{
    ca_cursor_t tok;
    uint64_t n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_uint(&tok, UINT32_MAX, &n));
    *ssrc = (uint32_t)n;
    return CA_OK;
}

/* The parse of one description: where it is, and what it has left out. */
typedef struct {
    ca_sdp_t *sdp;
    sdp_session_attrs_t session;
    ca_sdp_media_t *m; /* the media section being read; NULL: session level */
    bool skipping;     /* in a media section beyond CA_SDP_MAX_MEDIA */
    unsigned lineno;
} sdp_parser_t;

/* Count one thing left out in *COUNT, and where the first one was. */
static void left_out(sdp_parser_t *ps, size_t *count)
{
    (*count)++;
    if (ps->sdp->left_out.first_line == 0)
        ps->sdp->left_out.first_line = ps->lineno;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
CA_MUST_CHECK static ca_err_t parse_media_line(sdp_parser_t *ps, ca_cursor_t *v)
{
    ca_sdp_media_t *m = ps->m;
    ca_cursor_t tok, port;
    uint64_t n;
    size_t seen = 0;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, m->media, sizeof m->media));
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_split(&tok, '/', &port));
    CA_GUARD(sdp_uint(&port, 65535, &n));
    m->port = (uint16_t)n;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, m->proto, sizeof m->proto));
    while (sdp_token(v, &tok) == CA_OK) { /* none left, or trailing spaces */
        seen++;
        ca_err_t rc = CA_ERR_LIMIT;
        if (m->n_formats < CA_SDP_MAX_FORMATS)
            rc = sdp_copy(&tok, m->formats[m->n_formats], sizeof m->formats[0]);
        if (rc == CA_OK)
            m->n_formats++;
        else if (rc == CA_ERR_LIMIT)
            left_out(ps, &ps->sdp->left_out.formats);
        else
            return rc;
    }
    CA_ENSURE(seen > 0, CA_ERR_MALFORMED);
    return CA_OK;
}

/* Parse one element of a list attribute into SLOT (NULL: the list is full)
 * with PARSE; an element too long for its fields is left out and counted in
 * *COUNT, as is one beyond the list's bound. */
#define SDP_LIST_ADD(ps, list, n, cap, count, parse, value)                                        \
    do {                                                                                           \
        ca_err_t rc_ = CA_ERR_LIMIT;                                                               \
        if ((n) < (cap)) {                                                                         \
            memset(&(list)[n], 0, sizeof(list)[n]);                                                \
            rc_ = parse((value), &(list)[n]);                                                      \
        }                                                                                          \
        if (rc_ == CA_OK)                                                                          \
            (n)++;                                                                                 \
        else if (rc_ == CA_ERR_LIMIT)                                                              \
            left_out((ps), (count));                                                               \
        else                                                                                       \
            return rc_;                                                                            \
    } while (0)

static ca_err_t add_ssrc(sdp_parser_t *ps, ca_cursor_t *value)
{
    ca_sdp_media_t *m = ps->m;
    uint32_t ssrc;
    CA_GUARD(parse_ssrc(value, &ssrc));
    if (ca_sdp_media_has_ssrc(m, ssrc))
        return CA_OK; /* a=ssrc repeats the id once per attribute (cname, msid, ...) */
    if (m->n_ssrcs == CA_SDP_MAX_SSRCS) {
        left_out(ps, &ps->sdp->left_out.ssrcs);
        return CA_OK;
    }
    m->ssrcs[m->n_ssrcs++] = ssrc;
    return CA_OK;
}

/* The attributes only a media section has. */
CA_MUST_CHECK static ca_err_t parse_media_attribute(sdp_parser_t *ps, const ca_cursor_t *name,
                                                    ca_cursor_t *value)
{
    ca_sdp_media_t *m = ps->m;
    ca_sdp_left_out_t *lost = &ps->sdp->left_out;
    if (cursor_equals(name, "candidate")) {
        SDP_LIST_ADD(ps, m->candidates, m->n_candidates, CA_SDP_MAX_CANDIDATES, &lost->candidates,
                     parse_candidate, value);
    } else if (cursor_equals(name, "rtpmap")) {
        SDP_LIST_ADD(ps, m->rtpmap, m->n_rtpmap, CA_SDP_MAX_RTPMAP, &lost->rtpmap, parse_rtpmap,
                     value);
    } else if (cursor_equals(name, "extmap")) {
        SDP_LIST_ADD(ps, m->extmap, m->n_extmap, CA_SDP_MAX_EXTMAP, &lost->extmap, parse_extmap,
                     value);
        if (m->n_extmap > 0 && m->extmap[m->n_extmap - 1].id == 0)
            m->n_extmap--; /* an id for the answerer to choose: nothing on the wire uses it */
    } else if (cursor_equals(name, "ssrc")) {
        return add_ssrc(ps, value);
    } else if (cursor_equals(name, "mid")) {
        ca_err_t rc = sdp_copy(value, m->mid, sizeof m->mid);
        if (rc == CA_ERR_LIMIT)
            left_out(ps, &lost->values);
        else
            return rc;
    } else if (cursor_equals(name, "rtcp-mux")) {
        m->rtcp_mux = true;
    } else if (cursor_equals(name, "crypto")) {
        if (!m->has_crypto && sdp_copy(value, m->crypto, sizeof m->crypto) != CA_OK)
            m->crypto[0] = '\0';
        m->has_crypto = true;
    } else if (cursor_equals(name, "cryptex")) {
        m->cryptex = true;
    }
    return CA_OK;
}

/* An attribute that may stand at session level or in a media section. The
 * RFCs bound ICE credentials (RFC 8839 5.4) and fingerprints: a longer one
 * is refused, not left out, since it is what the audit compares. */
CA_MUST_CHECK static ca_err_t parse_attribute(sdp_parser_t *ps, ca_cursor_t *line)
{
    ca_sdp_media_t *m = ps->m;
    sdp_session_attrs_t *session = &ps->session;
    ca_cursor_t name, value = *line;
    CA_GUARD(sdp_split(&value, ':', &name));
    char *ufrag = m ? m->ice_ufrag : session->ice_ufrag;
    char *pwd = m ? m->ice_pwd : session->ice_pwd;

    if (cursor_equals(&name, "ice-ufrag"))
        return sdp_copy(&value, ufrag, CA_SDP_ICE_CRED_LEN + 1);
    if (cursor_equals(&name, "ice-pwd"))
        return sdp_copy(&value, pwd, CA_SDP_ICE_CRED_LEN + 1);
    if (cursor_equals(&name, "fingerprint")) {
        ca_sdp_fingerprint_t *fp = m ? &m->fingerprint : &session->fingerprint;
        CA_GUARD(parse_fingerprint(&value, fp));
        *(m ? &m->has_fingerprint : &session->has_fingerprint) = true;
        return CA_OK;
    }
    if (cursor_equals(&name, "setup"))
        return parse_setup(&value, m ? &m->setup : &session->setup);
    if (!m)
        return CA_OK; /* other session-level attributes do not matter here */
    return parse_media_attribute(ps, &name, &value);
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
CA_MUST_CHECK static ca_err_t parse_origin(ca_cursor_t *v, ca_sdp_t *sdp)
{
    ca_cursor_t tok;
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, sdp->origin_user, sizeof sdp->origin_user));
    CA_GUARD(sdp_token(v, &tok));
    CA_GUARD(sdp_copy(&tok, sdp->session_id, sizeof sdp->session_id));
    return CA_OK;
}

static void inherit_session_attrs(ca_sdp_t *sdp, const sdp_session_attrs_t *session)
{
    for (size_t i = 0; i < sdp->n_media; i++) {
        ca_sdp_media_t *m = &sdp->media[i];
        if (m->ice_ufrag[0] == '\0')
            memcpy(m->ice_ufrag, session->ice_ufrag, sizeof m->ice_ufrag);
        if (m->ice_pwd[0] == '\0')
            memcpy(m->ice_pwd, session->ice_pwd, sizeof m->ice_pwd);
        if (!m->has_fingerprint && session->has_fingerprint) {
            m->fingerprint = session->fingerprint;
            m->has_fingerprint = true;
        }
        if (m->setup == CA_SDP_SETUP_NONE)
            m->setup = session->setup;
    }
}

/* One line of the description. */
CA_MUST_CHECK static ca_err_t parse_line(sdp_parser_t *ps, uint8_t type, ca_cursor_t *line)
{
    ca_sdp_t *sdp = ps->sdp;
    switch (type) {
    case 'o':
        return ps->m || ps->skipping ? CA_OK : parse_origin(line, sdp);
    case 'm':
        ps->skipping = sdp->n_media == CA_SDP_MAX_MEDIA;
        if (ps->skipping) {
            left_out(ps, &sdp->left_out.media);
            return CA_OK;
        }
        ps->m = &sdp->media[sdp->n_media++];
        return parse_media_line(ps, line);
    case 'a':
        return ps->skipping ? CA_OK : parse_attribute(ps, line);
    default:
        return CA_OK; /* s=, t=, c=, b=, ... carry nothing this audit needs */
    }
}

ca_err_t ca_sdp_parse(const uint8_t *text, size_t len, ca_sdp_t *sdp)
{
    sdp_parser_t ps;
    memset(sdp, 0, sizeof *sdp);
    memset(&ps, 0, sizeof ps);
    ps.sdp = sdp;
    ca_cursor_t c = ca_cursor_make(text, len), line;

    /* No bound on a line's length: every field copied is bounded, and long
     * lines are valid (an H.264 a=fmtp with its parameter sets). */
    while (ca_cursor_left(&c) > 0) {
        CA_GUARD(ca_cursor_line(&c, &line));
        ps.lineno++;
        if (ca_cursor_left(&line) == 0)
            continue; /* tolerate blank lines, as most stacks do */
        uint8_t type, eq;
        CA_GUARD(ca_cursor_u8(&line, &type));
        if (ca_cursor_u8(&line, &eq) != CA_OK || eq != '=' || type < 'a' || type > 'z')
            SDP_FAIL(sdp, ps.lineno, "not a <type>=<value> line");
        if (ps.lineno == 1 && (type != 'v' || !cursor_equals(&line, "0")))
            SDP_FAIL(sdp, ps.lineno, "an SDP description starts with v=0");
        if (parse_line(&ps, type, &line) != CA_OK)
            SDP_FAIL(sdp, ps.lineno, type == 'm' ? "bad media line" : "bad attribute");
    }
    if (ps.lineno == 0)
        SDP_FAIL(sdp, 1, "empty description");
    if (sdp->n_media == 0)
        SDP_FAIL(sdp, ps.lineno, "no media section");
    inherit_session_attrs(sdp, &ps.session);
    return CA_OK;
}

bool ca_sdp_media_has_ssrc(const ca_sdp_media_t *m, uint32_t ssrc)
{
    for (size_t i = 0; i < m->n_ssrcs; i++)
        if (m->ssrcs[i] == ssrc)
            return true;
    return false;
}

void ca_sdp_left_out_text(const ca_sdp_t *sdp, char *out, size_t size)
{
    const ca_sdp_left_out_t *l = &sdp->left_out;
    const struct {
        size_t n;
        const char *one, *many;
    } kinds[] = {
        {l->media, "media section", "media sections"},
        {l->candidates, "candidate", "candidates"},
        {l->formats, "format", "formats"},
        {l->rtpmap, "a=rtpmap", "a=rtpmap"},
        {l->extmap, "a=extmap", "a=extmap"},
        {l->ssrcs, "a=ssrc", "a=ssrc"},
        {l->values, "value too long", "values too long"},
    };
    size_t used = 0;
    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (kinds[i].n == 0 || used >= size)
            continue;
        int w = snprintf(out + used, size - used, "%s%zu %s", used ? ", " : "", kinds[i].n,
                         kinds[i].n == 1 ? kinds[i].one : kinds[i].many);
        used += w > 0 ? (size_t)w : 0;
    }
}

const char *ca_sdp_setup_name(ca_sdp_setup_t setup)
{
    switch (setup) {
    case CA_SDP_SETUP_NONE:
        return "none";
    case CA_SDP_SETUP_ACTPASS:
        return "actpass";
    case CA_SDP_SETUP_ACTIVE:
        return "active";
    case CA_SDP_SETUP_PASSIVE:
        return "passive";
    case CA_SDP_SETUP_HOLDCONN:
        return "holdconn";
    }
    return "?";
}
