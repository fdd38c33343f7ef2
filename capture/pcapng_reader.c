/* pcapng_reader.c - pcapng with interfaces libpcap 1.10 refuses; see pcapng_reader.h.
 *
 *   block:  type (4) | total length (4) | body | total length (4), 4-aligned
 *   SHB     0x0A0D0D0A | byte-order magic 0x1A2B3C4D | version | section length | options
 *   IDB     1: link type (2) | reserved (2) | snap length (4) | options
 *   EPB     6: interface (4) | time high (4) | time low (4) | captured (4) | length (4) | data
 *   SPB     3: length (4) | data (interface 0, captured: what the block holds)
 *   OPB     2: interface (2) | drops (2) | time high, low | captured | length | data
 */
#include "pcapng_reader.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "cursor.h"

#define BT_SHB          0x0A0D0D0Au
#define BT_IDB          1u
#define BT_OPB          2u
#define BT_SPB          3u
#define BT_EPB          6u
#define BYTE_ORDER_LE   0x1A2B3C4Du /* the magic read little-endian */
#define BYTE_ORDER_BE   0x4D3C2B1Au
#define MAX_BLOCK       (16u << 20) /* libpcap's own bound on a block */
#define MAX_INTERFACES  1024
#define LINKTYPE_RAW_IP 101 /* DLT_RAW, whose value differs between systems */
#define OPT_END         0
#define OPT_TSRESOL     9
#define OPT_TSOFFSET    14

typedef struct {
    int dlt;
    uint32_t snaplen;
    uint8_t tsresol; /* if_tsresol: 10^-n, or 2^-n with the top bit set */
    int64_t tsoffset;
    bool have_prog;
    struct bpf_program prog;
} iface_t;

typedef struct {
    FILE *fp;
    const char *name, *filter;
    bool le; /* the section's byte order */
    uint8_t *buf;
    size_t buf_cap;
    iface_t *ifs;
    size_t n_ifs, ifs_cap;
    char *err;
    size_t err_size;
} reader_t;

bool ca_pcapng_is_libpcap_refusal(const char *errbuf)
{
    /* libpcap 1.10 sf-pcapng.c: "an interface has a type %u different from
     * the type of the first interface", "... a snapshot length ..." */
    return strstr(errbuf, "different from the type of the first interface") != NULL ||
           strstr(errbuf, "different from the snapshot length of the first interface") != NULL;
}

static uint32_t get32(const uint8_t *p, bool le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

CA_MUST_CHECK static ca_err_t rd32(ca_cursor_t *c, bool le, uint32_t *v)
{
    const uint8_t *p;
    CA_GUARD(ca_cursor_bytes(c, 4, &p));
    *v = get32(p, le);
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t rd16(ca_cursor_t *c, bool le, uint16_t *v)
{
    const uint8_t *p;
    CA_GUARD(ca_cursor_bytes(c, 2, &p));
    *v = (uint16_t)(le ? p[0] | p[1] << 8 : p[1] | p[0] << 8);
    return CA_OK;
}

static int fail(reader_t *r, const char *why)
{
    snprintf(r->err, r->err_size, "%s: %s", r->name, why);
    return -1;
}

static void drop_interfaces(reader_t *r)
{
    for (size_t i = 0; i < r->n_ifs; i++)
        if (r->ifs[i].have_prog)
            pcap_freecode(&r->ifs[i].prog);
    r->n_ifs = 0;
}

/* IDB: the interface's link type, snap length and timestamp options; the
 * filter compiled for its link type. */
static int add_interface(reader_t *r, ca_cursor_t body)
{
    uint16_t linktype, reserved;
    uint32_t snaplen;
    if (rd16(&body, r->le, &linktype) != CA_OK || rd16(&body, r->le, &reserved) != CA_OK ||
        rd32(&body, r->le, &snaplen) != CA_OK)
        return fail(r, "an interface description block is too short");
    if (r->n_ifs == MAX_INTERFACES)
        return fail(r, "more than 1024 interfaces in one section");
    if (r->n_ifs == r->ifs_cap) {
        size_t cap = r->ifs_cap ? 2 * r->ifs_cap : 8;
        iface_t *grown = realloc(r->ifs, cap * sizeof *grown);
        if (!grown)
            return fail(r, "out of memory");
        r->ifs = grown;
        r->ifs_cap = cap;
    }
    iface_t *ifc = &r->ifs[r->n_ifs];
    memset(ifc, 0, sizeof *ifc);
    ifc->dlt = linktype; /* a LINKTYPE_ value: link.c reads those, libpcap's DLT_ below */
    ifc->snaplen = snaplen;
    ifc->tsresol = 6;
    while (ca_cursor_left(&body) >= 4) {
        uint16_t code, len;
        ca_cursor_t value;
        if (rd16(&body, r->le, &code) != CA_OK || rd16(&body, r->le, &len) != CA_OK ||
            ca_cursor_sub(&body, len, &value) != CA_OK ||
            ca_cursor_skip(&body, (4u - len % 4u) % 4u) != CA_OK)
            return fail(r, "an interface option runs past its block");
        if (code == OPT_END)
            break;
        uint8_t resol;
        uint32_t hi, lo;
        if (code == OPT_TSRESOL && len == 1 && ca_cursor_u8(&value, &resol) == CA_OK) {
            if ((resol & 0x80) ? (resol & 0x7f) > 63 : resol > 19)
                return fail(r, "an interface's timestamp resolution is out of range");
            ifc->tsresol = resol;
        } else if (code == OPT_TSOFFSET && len == 8) {
            /* the high word comes first in either byte order, as a 64-bit integer */
            if (r->le ? rd32(&value, true, &lo) != CA_OK || rd32(&value, true, &hi) != CA_OK
                      : rd32(&value, false, &hi) != CA_OK || rd32(&value, false, &lo) != CA_OK)
                return fail(r, "an interface's timestamp offset is cut");
            uint64_t off = (uint64_t)hi << 32 | lo;
            ifc->tsoffset = off > INT64_MAX ? 0 : (int64_t)off; /* negative: none */
        }
    }
    if (r->filter) {
        int dlt = linktype == LINKTYPE_RAW_IP ? DLT_RAW : ifc->dlt;
        pcap_t *dead = pcap_open_dead(dlt, snaplen ? (int)(snaplen & 0x7fffffff) : 262144);
        if (!dead)
            return fail(r, "cannot compile the filter (libpcap)");
        if (pcap_compile(dead, &ifc->prog, r->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(r->err, r->err_size, "bad filter '%s' for link type %d: %s", r->filter,
                     ifc->dlt, pcap_geterr(dead));
            pcap_close(dead);
            return -1;
        }
        pcap_close(dead);
        ifc->have_prog = true;
    }
    r->n_ifs++;
    return 0;
}

/* TS in the interface's units, as microseconds since the epoch. */
static int64_t time_us(const iface_t *ifc, uint64_t ts)
{
    unsigned exp = ifc->tsresol & 0x7f;
    bool base2 = (ifc->tsresol & 0x80) != 0;
    uint64_t units = 1;
    for (unsigned i = 0; i < exp; i++)
        units *= base2 ? 2 : 10;
    uint64_t sec = ts / units, frac = ts % units;
    long usec = (long)((double)frac * 1e6 / (double)units);
    int64_t s = sec > (uint64_t)INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)sec;
    s += ifc->tsoffset > INT64_MAX / 2 ? 0 : ifc->tsoffset;
    return ca_capture_time_us(s > 1000000000000LL ? 1000000000000L : (long)s, usec);
}

typedef struct {
    uint32_t iface, caplen, len;
    uint64_t ts;
    const uint8_t *data;
} packet_t;

/* EPB, SPB, OPB into *PKT; -1 (with ERR) when the block lies. */
static int decode_packet(reader_t *r, uint32_t type, ca_cursor_t body, packet_t *pkt)
{
    uint32_t hi = 0, lo = 0;
    memset(pkt, 0, sizeof *pkt);
    if (type == BT_SPB) {
        if (rd32(&body, r->le, &pkt->len) != CA_OK)
            return fail(r, "a simple packet block is too short");
        size_t have = ca_cursor_left(&body);
        pkt->caplen = pkt->len < have ? pkt->len : (uint32_t)have;
        if (r->n_ifs > 0 && r->ifs[0].snaplen && pkt->caplen > r->ifs[0].snaplen)
            pkt->caplen = r->ifs[0].snaplen;
    } else {
        uint16_t if16 = 0, drops;
        ca_err_t rc = type == BT_EPB
                          ? rd32(&body, r->le, &pkt->iface)
                          : (rd16(&body, r->le, &if16) == CA_OK ? rd16(&body, r->le, &drops)
                                                                : CA_ERR_TRUNCATED);
        if (type == BT_OPB)
            pkt->iface = if16;
        if (rc != CA_OK || rd32(&body, r->le, &hi) != CA_OK || rd32(&body, r->le, &lo) != CA_OK ||
            rd32(&body, r->le, &pkt->caplen) != CA_OK || rd32(&body, r->le, &pkt->len) != CA_OK)
            return fail(r, "a packet block is too short");
    }
    if (pkt->iface >= r->n_ifs)
        return fail(r, "a packet names an interface no block described");
    if (ca_cursor_bytes(&body, pkt->caplen, &pkt->data) != CA_OK)
        return fail(r, "a packet's captured length runs past its block");
    if (pkt->len < pkt->caplen)
        pkt->len = pkt->caplen; /* a writer's slip: never less than what is there */
    pkt->ts = (uint64_t)hi << 32 | lo;
    return 0;
}

/* Read the next block into r->buf: 1 with *TYPE and *BODY, 0 at the end of
 * the file, -1 on error, -2 when the file ends inside the block. */
static int next_block(reader_t *r, bool first, uint32_t *type, ca_cursor_t *body)
{
    uint8_t head[12];
    size_t n = fread(head, 1, 8, r->fp);
    if (n == 0 && feof(r->fp))
        return 0;
    if (n < 8)
        return -2;
    *type = get32(head, true); /* the SHB's type reads the same both ways */
    size_t have = 8;
    if (*type == BT_SHB) {
        if (fread(head + 8, 1, 4, r->fp) != 4)
            return -2;
        uint32_t bom = get32(head + 8, true);
        if (bom != BYTE_ORDER_LE && bom != BYTE_ORDER_BE)
            return fail(r, "a section header with an unknown byte-order magic");
        r->le = bom == BYTE_ORDER_LE;
        have = 12;
    } else if (first) {
        return fail(r, "not a pcapng file (no section header first)");
    } else {
        *type = get32(head, r->le);
    }
    uint32_t total = get32(head + 4, r->le);
    if (total < have + 4 || total % 4 != 0 || total > MAX_BLOCK)
        return fail(r, "a block with an impossible length");
    if (r->buf_cap < total) {
        uint8_t *grown = realloc(r->buf, total);
        if (!grown)
            return fail(r, "out of memory");
        r->buf = grown;
        r->buf_cap = total;
    }
    size_t rest = total - have;
    if (fread(r->buf, 1, rest, r->fp) != rest)
        return -2;
    if (get32(r->buf + rest - 4, r->le) != total)
        return fail(r, "a block whose trailing length differs from its leading one");
    *body = ca_cursor_make(r->buf, rest - 4);
    return 1;
}

int ca_pcapng_read(FILE *fp, const char *name, const char *filter, uint64_t *next_frame,
                   ca_frame_fn fn, void *user, ca_progress_fn progress, void *progress_user,
                   ca_capture_result_t *res, char *err, size_t err_size)
{
    reader_t r = {.fp = fp, .name = name, .filter = filter, .err = err, .err_size = err_size};
    memset(res, 0, sizeof *res);
    struct stat st;
    uint64_t size = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    int rc = 0;
    for (bool first = true;; first = false) {
        uint32_t type = 0;
        ca_cursor_t body;
        int got = next_block(&r, first, &type, &body);
        if (got == 0)
            break;
        if (got == -2 && res->frames > 0) {
            res->truncated = true;
            snprintf(res->truncated_why, sizeof res->truncated_why,
                     "the file ends inside a block after %llu frames",
                     (unsigned long long)res->frames);
            break;
        }
        if (got < 0) {
            rc = got == -2 ? fail(&r, "the file ends inside its first blocks") : -1;
            break;
        }
        if (type == BT_SHB) {
            drop_interfaces(&r); /* a new section describes its interfaces anew */
            continue;
        }
        if (type == BT_IDB) {
            if ((rc = add_interface(&r, body)) != 0)
                break;
            continue;
        }
        if (type != BT_EPB && type != BT_SPB && type != BT_OPB)
            continue; /* name resolution, statistics, secrets, custom: not frames */
        packet_t pkt;
        if ((rc = decode_packet(&r, type, body, &pkt)) != 0)
            break;
        const iface_t *ifc = &r.ifs[pkt.iface];
        uint64_t frame = (*next_frame)++;
        res->frames++;
        int64_t ts_us = time_us(ifc, pkt.ts);
        struct pcap_pkthdr hdr = {.caplen = pkt.caplen, .len = pkt.len};
        hdr.ts.tv_sec = (time_t)(ts_us / 1000000);
        hdr.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
        if (ifc->have_prog && pcap_offline_filter(&ifc->prog, &hdr, pkt.data) == 0) {
            res->filtered_out++;
            continue;
        }
        fn(user, ifc->dlt, frame, ts_us, pkt.data, pkt.caplen, pkt.len);
        if (progress && (res->frames & 0xffff) == 0) {
            long pos = ftell(fp);
            progress(progress_user, pos > 0 ? (uint64_t)pos : 0, size, res->frames);
        }
    }
    drop_interfaces(&r);
    free(r.ifs);
    free(r.buf);
    fclose(fp);
    return rc;
}
