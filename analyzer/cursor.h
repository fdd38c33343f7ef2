/* cursor.h - the one bounded reader through which every parser reads untrusted bytes.
 *
 * A cursor is a borrowed view [p, end). Each read checks the bounds first and
 * either consumes exactly what it returns or fails with CA_ERR_TRUNCATED and
 * leaves the cursor where it was. Nested length-prefixed fields are read by
 * carving a child cursor with ca_cursor_sub (like picotls' decode blocks), and
 * ca_cursor_expect_end requires a block to be used up. Nothing outside this
 * file does pointer arithmetic on packet bytes. Multi-byte integers are
 * network byte order, assembled byte by byte (no casts of bytes to structs).
 */
#ifndef CA_CURSOR_H
#define CA_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "ca_error.h"

typedef struct {
    const uint8_t *p;   /* borrowed: next unread byte */
    const uint8_t *end; /* one past the last readable byte */
} ca_cursor_t;

static inline ca_cursor_t ca_cursor_make(const uint8_t *buf, size_t len)
{
    ca_cursor_t c = {buf, buf ? buf + len : buf};
    return c;
}

static inline size_t ca_cursor_left(const ca_cursor_t *c)
{
    return (size_t)(c->end - c->p);
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_u8(ca_cursor_t *c, uint8_t *out)
{
    CA_ENSURE(ca_cursor_left(c) >= 1, CA_ERR_TRUNCATED);
    *out = c->p[0];
    c->p += 1;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_peek_u8(const ca_cursor_t *c, uint8_t *out)
{
    CA_ENSURE(ca_cursor_left(c) >= 1, CA_ERR_TRUNCATED);
    *out = c->p[0];
    return CA_OK;
}

/* Read an unsigned big-endian integer of NBYTES (1..8) bytes. */
CA_MUST_CHECK static inline ca_err_t ca_cursor_uint(ca_cursor_t *c, size_t nbytes, uint64_t *out)
{
    CA_ENSURE(nbytes >= 1 && nbytes <= 8, CA_ERR_INTERNAL);
    CA_ENSURE(ca_cursor_left(c) >= nbytes, CA_ERR_TRUNCATED);
    uint64_t v = 0;
    for (size_t i = 0; i < nbytes; i++)
        v = (v << 8) | c->p[i];
    c->p += nbytes;
    *out = v;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_u16(ca_cursor_t *c, uint16_t *out)
{
    uint64_t v;
    CA_GUARD(ca_cursor_uint(c, 2, &v));
    *out = (uint16_t)v;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_u24(ca_cursor_t *c, uint32_t *out)
{
    uint64_t v;
    CA_GUARD(ca_cursor_uint(c, 3, &v));
    *out = (uint32_t)v;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_u32(ca_cursor_t *c, uint32_t *out)
{
    uint64_t v;
    CA_GUARD(ca_cursor_uint(c, 4, &v));
    *out = (uint32_t)v;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_u48(ca_cursor_t *c, uint64_t *out)
{
    return ca_cursor_uint(c, 6, out);
}

/* Borrow the next N bytes; *out stays valid as long as the underlying buffer. */
CA_MUST_CHECK static inline ca_err_t ca_cursor_bytes(ca_cursor_t *c, size_t n, const uint8_t **out)
{
    CA_ENSURE(ca_cursor_left(c) >= n, CA_ERR_TRUNCATED);
    *out = c->p;
    c->p += n;
    return CA_OK;
}

CA_MUST_CHECK static inline ca_err_t ca_cursor_skip(ca_cursor_t *c, size_t n)
{
    CA_ENSURE(ca_cursor_left(c) >= n, CA_ERR_TRUNCATED);
    c->p += n;
    return CA_OK;
}

/* Carve the next N bytes off as a child cursor (a length-prefixed block). */
CA_MUST_CHECK static inline ca_err_t ca_cursor_sub(ca_cursor_t *c, size_t n, ca_cursor_t *child)
{
    CA_ENSURE(ca_cursor_left(c) >= n, CA_ERR_TRUNCATED);
    child->p = c->p;
    child->end = c->p + n;
    c->p += n;
    return CA_OK;
}

/* A block must be consumed exactly: trailing bytes inside it are malformed. */
CA_MUST_CHECK static inline ca_err_t ca_cursor_expect_end(const ca_cursor_t *c)
{
    CA_ENSURE(c->p == c->end, CA_ERR_MALFORMED);
    return CA_OK;
}

/* Read one text line (terminated by LF or CRLF, or the end of input) as a
 * child cursor without its terminator. Fails only on an empty cursor. */
CA_MUST_CHECK ca_err_t ca_cursor_line(ca_cursor_t *c, ca_cursor_t *line);

#endif
