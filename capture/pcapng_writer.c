/* pcapng_writer.c - a minimal pcapng writer; see pcapng_writer.h. Blocks
 * are written in host byte order, as the format allows (the byte-order
 * magic tells readers). */
#include "pcapng_writer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB           0x0A0D0D0Au
#define BT_IDB           0x00000001u
#define BT_EPB           0x00000006u
#define OPT_END          0
#define OPT_COMMENT      1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME      2
#define MAX_PACKET       262144u /* libpcap's largest snaplen */

struct ca_pcapng_writer {
    FILE *f;
    bool failed;
    uint32_t n_interfaces;
    uint8_t block[MAX_PACKET + 1024]; /* one block being built: no allocation per packet */
    size_t used;
};

static void put(ca_pcapng_writer_t *w, const void *p, size_t n)
{
    if (w->used + n > sizeof w->block) {
        w->failed = true;
        return;
    }
    memcpy(w->block + w->used, p, n);
    w->used += n;
}

static void put_u32(ca_pcapng_writer_t *w, uint32_t v)
{
    put(w, &v, 4);
}

static void put_u16(ca_pcapng_writer_t *w, uint16_t v)
{
    put(w, &v, 2);
}

static void pad4(ca_pcapng_writer_t *w)
{
    static const uint8_t zero[4] = {0};
    put(w, zero, (4 - w->used % 4) % 4);
}

static void put_option(ca_pcapng_writer_t *w, uint16_t code, const char *text)
{
    size_t n = strlen(text);
    if (n > 0xffff)
        n = 0xffff;
    put_u16(w, code);
    put_u16(w, (uint16_t)n);
    put(w, text, n);
    pad4(w);
}

static void begin(ca_pcapng_writer_t *w, uint32_t type)
{
    w->used = 0;
    put_u32(w, type);
    put_u32(w, 0); /* total length, set by finish() */
}

static void finish(ca_pcapng_writer_t *w)
{
    uint32_t total = (uint32_t)(w->used + 4);
    put_u32(w, total);
    memcpy(w->block + 4, &total, 4);
    if (!w->failed && fwrite(w->block, 1, w->used, w->f) != w->used)
        w->failed = true;
}

ca_pcapng_writer_t *ca_pcapng_open(const char *path, uint16_t linktype, const char *section_comment,
                                   const char *if_name, char *err, size_t err_size)
{
    ca_pcapng_writer_t *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    w->f = fopen(path, "wb");
    if (!w->f) {
        snprintf(err, err_size, "cannot write %s", path);
        free(w);
        return NULL;
    }
    begin(w, BT_SHB);
    put_u32(w, 0x1A2B3C4Du); /* byte-order magic */
    put_u16(w, 1);           /* version 1.0 */
    put_u16(w, 0);
    put_u32(w, 0xffffffffu); /* section length unknown */
    put_u32(w, 0xffffffffu);
    put_option(w, OPT_COMMENT, section_comment);
    put_option(w, OPT_SHB_USERAPPL, "callaudit");
    put_u16(w, OPT_END);
    put_u16(w, 0);
    finish(w);
    if (ca_pcapng_add_interface(w, linktype, if_name) < 0) {
        snprintf(err, err_size, "cannot write %s", path);
        ca_pcapng_close(w);
        return NULL;
    }
    return w;
}

int ca_pcapng_add_interface(ca_pcapng_writer_t *w, uint16_t linktype, const char *if_name)
{
    begin(w, BT_IDB);
    put_u16(w, linktype);
    put_u16(w, 0);
    put_u32(w, 0); /* no snaplen */
    put_option(w, OPT_IF_NAME, if_name);
    put_u16(w, OPT_END);
    put_u16(w, 0);
    finish(w);
    return w->failed ? -1 : (int)w->n_interfaces++;
}

int ca_pcapng_write_packet(ca_pcapng_writer_t *w, uint32_t iface, int64_t ts_us,
                           const uint8_t *data, size_t caplen, size_t len,
                           const char *const *comments, size_t n_comments)
{
    if (caplen > MAX_PACKET)
        caplen = MAX_PACKET;
    if (len < caplen)
        len = caplen;
    begin(w, BT_EPB);
    put_u32(w, iface); /* microsecond timestamps: the default if_tsresol */
    put_u32(w, (uint32_t)((uint64_t)ts_us >> 32));
    put_u32(w, (uint32_t)ts_us);
    put_u32(w, (uint32_t)caplen);
    put_u32(w, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
    put(w, data, caplen);
    pad4(w);
    for (size_t i = 0; i < n_comments; i++)
        put_option(w, OPT_COMMENT, comments[i]);
    put_u16(w, OPT_END);
    put_u16(w, 0);
    finish(w);
    return w->failed ? -1 : 0;
}

int ca_pcapng_write(ca_pcapng_writer_t *w, int64_t ts_us, const uint8_t *data, size_t len,
                    const char *comment)
{
    return ca_pcapng_write_packet(w, 0, ts_us, data, len, len, comment ? &comment : NULL,
                                  comment ? 1 : 0);
}

int ca_pcapng_close(ca_pcapng_writer_t *w)
{
    if (!w)
        return 0;
    bool failed = w->failed || fflush(w->f) != 0;
    failed |= fclose(w->f) != 0;
    free(w);
    return failed ? -1 : 0;
}
