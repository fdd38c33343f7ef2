/* builder.h - building packets by hand for decoder tests: a growable byte
 * buffer with big-endian writers and back-patched length fields. */
#ifndef CA_TEST_BUILDER_H
#define CA_TEST_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint8_t data[4096];
    size_t len;
} tb_t;

static inline void tb_u8(tb_t *b, uint32_t v)
{
    b->data[b->len++] = (uint8_t)v;
}

static inline void tb_u16(tb_t *b, uint32_t v)
{
    tb_u8(b, v >> 8);
    tb_u8(b, v);
}

static inline void tb_u24(tb_t *b, uint32_t v)
{
    tb_u8(b, v >> 16);
    tb_u16(b, v);
}

static inline void tb_u32(tb_t *b, uint32_t v)
{
    tb_u16(b, v >> 16);
    tb_u16(b, v);
}

static inline void tb_bytes(tb_t *b, const void *p, size_t n)
{
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void tb_fill(tb_t *b, uint8_t v, size_t n)
{
    memset(b->data + b->len, v, n);
    b->len += n;
}

/* Open a length field of WIDTH bytes; close it with tb_close. */
static inline size_t tb_open(tb_t *b, size_t width)
{
    size_t at = b->len;
    tb_fill(b, 0, width);
    return at | (width << 24);
}

static inline void tb_close(tb_t *b, size_t mark)
{
    size_t at = mark & 0xffffff, width = mark >> 24;
    size_t n = b->len - at - width;
    for (size_t i = 0; i < width; i++)
        b->data[at + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

#endif
