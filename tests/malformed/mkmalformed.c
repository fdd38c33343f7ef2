/* mkmalformed.c - writes the malformed-capture suite: one small pcap per
 * way a capture can lie (tests/integration/malformed.sh audits each). Every
 * frame is Ethernet/IPv4/UDP between 192.0.2.1:5000 and 198.51.100.1:6000
 * unless the case is about those headers.
 *
 * usage: mkmalformed DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t b[70000];
    size_t n;
} buf_t;

static void put(buf_t *f, const void *p, size_t n)
{
    memcpy(f->b + f->n, p, n);
    f->n += n;
}
static void u8(buf_t *f, unsigned v)
{
    f->b[f->n++] = (uint8_t)v;
}
static void u16(buf_t *f, unsigned v)
{
    u8(f, v >> 8);
    u8(f, v);
}
static void u24(buf_t *f, unsigned v)
{
    u8(f, v >> 16);
    u16(f, v & 0xffff);
}
static void u32(buf_t *f, uint32_t v)
{
    u16(f, v >> 16);
    u16(f, v & 0xffff);
}
static void fill(buf_t *f, unsigned v, size_t n)
{
    memset(f->b + f->n, (int)v, n);
    f->n += n;
}

static int reverse; /* frames from the server to the client */

/* A frame around PAYLOAD; IP and UDP lengths as given (0: the true ones). */
static void frame(buf_t *out, const buf_t *payload, unsigned ip_len, unsigned udp_len)
{
    out->n = 0;
    fill(out, 2, 12);
    u16(out, 0x0800);
    u8(out, 0x45);
    u8(out, 0);
    u16(out, ip_len ? ip_len : (unsigned)(28 + payload->n));
    u32(out, 0x00004000);
    u8(out, 64);
    u8(out, 17);
    u16(out, 0);
    u32(out, reverse ? 0xc6336401 : 0xc0000201);
    u32(out, reverse ? 0xc0000201 : 0xc6336401);
    u16(out, reverse ? 6000 : 5000);
    u16(out, reverse ? 5000 : 6000);
    u16(out, udp_len ? udp_len : (unsigned)(8 + payload->n));
    u16(out, 0);
    put(out, payload->b, payload->n);
}

static FILE *open_pcap(const char *dir, const char *name, uint32_t magic, uint32_t dlt)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(2);
    }
    uint32_t hdr[6] = {magic, 0x00040002, 0, 0, 262144, dlt};
    fwrite(hdr, sizeof hdr, 1, f);
    return f;
}

static void record(FILE *f, const buf_t *b, uint32_t caplen, uint32_t len)
{
    static uint32_t t = 1000;
    uint32_t rh[4] = {t++, 0, caplen, len};
    fwrite(rh, sizeof rh, 1, f);
    fwrite(b->b, 1, caplen, f);
}

static void one(const char *dir, const char *name, const buf_t *b)
{
    FILE *f = open_pcap(dir, name, 0xa1b2c3d4, 1);
    record(f, b, (uint32_t)b->n, (uint32_t)b->n);
    fclose(f);
}

/* A DTLS 1.2 handshake record holding one fragment. */
static void dtls_fragment(buf_t *p, unsigned type, unsigned msg_len, unsigned off,
                          unsigned frag_len, unsigned fill_byte, unsigned record_len)
{
    p->n = 0;
    u8(p, 22);
    u16(p, 0xfefd);
    u16(p, 0);
    u16(p, 0);
    u32(p, 0);
    u16(p, record_len ? record_len : 12 + frag_len);
    u8(p, type);
    u24(p, msg_len);
    u16(p, 0);
    u24(p, off);
    u24(p, frag_len);
    fill(p, fill_byte, frag_len);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkmalformed DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    static buf_t p, f;
    /* --- files ------------------------------------------------------------------ */
    FILE *x = open_pcap(dir, "bad-magic", 0x12345678, 1);
    fclose(x);
    x = open_pcap(dir, "bad-linktype", 0xa1b2c3d4, 4242);
    fclose(x);
    /* a record that claims more than the file holds */
    p.n = 0;
    u8(&p, 0x80);
    fill(&p, 0x55, 40);
    frame(&f, &p, 0, 0);
    x = open_pcap(dir, "record-past-end", 0xa1b2c3d4, 1);
    record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    uint32_t rh[4] = {2000, 0, 60000, 60000};
    fwrite(rh, sizeof rh, 1, x);
    fwrite(f.b, 1, 20, x);
    fclose(x);
    /* zero-length and maximum-length records */
    x = open_pcap(dir, "zero-and-max-length", 0xa1b2c3d4, 1);
    f.n = 0;
    record(x, &f, 0, 0);
    p.n = 0;
    fill(&p, 0xaa, 65507);
    frame(&f, &p, 65535, 65515);
    record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    fclose(x);
    /* --- headers cut at every layer ------------------------------------------------ */
    p.n = 0;
    u8(&p, 0x80);
    u8(&p, 0);
    fill(&p, 0x11, 30);
    frame(&f, &p, 0, 0);
    x = open_pcap(dir, "cut-every-layer", 0xa1b2c3d4, 1);
    static const uint32_t cuts[] = {6, 13, 14, 20, 33, 34, 38, 41, 42, 45};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        record(x, &f, cuts[i], cuts[i]);
    fclose(x);
    /* snaplen: captured shorter than sent, at every layer */
    x = open_pcap(dir, "snaplen-cut", 0xa1b2c3d4, 1);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        record(x, &f, cuts[i], (uint32_t)f.n);
    fclose(x);
    /* lengths pointing past the end */
    frame(&f, &p, 1500, 0);
    one(dir, "ip-length-past-end", &f);
    /* five RTP packets in sequence (media, to a reader that trusts the
     * UDP length), each claiming more than the datagram holds */
    x = open_pcap(dir, "udp-length-past-end", 0xa1b2c3d4, 1);
    for (unsigned seq = 1; seq <= 5; seq++) {
        p.b[3] = (uint8_t)seq;
        frame(&f, &p, 0, 1400);
        record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    }
    fclose(x);
    /* --- RTP ----------------------------------------------------------------------- */
    p.n = 0;
    u8(&p, 0x8f); /* 15 CSRCs announced, none there */
    u8(&p, 0);
    u16(&p, 1);
    u32(&p, 0);
    u32(&p, 0xdeadbeef);
    u32(&p, 1);
    frame(&f, &p, 0, 0);
    one(dir, "rtp-csrc-past-end", &f);
    p.n = 0;
    u8(&p, 0x90); /* header extension of 1000 words */
    u8(&p, 0);
    u16(&p, 1);
    u32(&p, 0);
    u32(&p, 0xdeadbeef);
    u16(&p, 0xbede);
    u16(&p, 1000);
    fill(&p, 0x22, 8);
    frame(&f, &p, 0, 0);
    one(dir, "rtp-extension-past-end", &f);
    /* --- DTLS ---------------------------------------------------------------------- */
    dtls_fragment(&p, 1, 100, 0, 50, 0x41, 400); /* record length past the datagram */
    frame(&f, &p, 0, 0);
    one(dir, "dtls-record-past-end", &f);
    dtls_fragment(&p, 1, 40, 30, 50, 0x41, 0); /* fragment beyond the message */
    frame(&f, &p, 0, 0);
    one(dir, "dtls-fragment-beyond-message", &f);
    dtls_fragment(&p, 1, 0xffffff, 0, 100, 0x41, 0); /* a 16 MiB ClientHello announced */
    frame(&f, &p, 0, 0);
    one(dir, "dtls-2p24-message", &f);
    /* overlapping fragments of one ClientHello with different bytes */
    x = open_pcap(dir, "dtls-overlap-differs", 0xa1b2c3d4, 1);
    dtls_fragment(&p, 1, 100, 0, 60, 0x41, 0);
    frame(&f, &p, 0, 0);
    record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    dtls_fragment(&p, 1, 100, 40, 60, 0x42, 0);
    frame(&f, &p, 0, 0);
    record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    fclose(x);
    /* after real hellos, a Certificate whose DER is absurd: a length of 2^24-1
     * inside a short message */
    x = open_pcap(dir, "dtls-absurd-certificate", 0xa1b2c3d4, 1);
    {
        buf_t hello = {.n = 0};
        u16(&hello, 0xfefd); /* ClientHello: version, random, session id, cookie, suites */
        fill(&hello, 0xaa, 32);
        u8(&hello, 0);
        u8(&hello, 0);
        u16(&hello, 2);
        u16(&hello, 0xc02b);
        u8(&hello, 1);
        u8(&hello, 0);
        u16(&hello, 9); /* use_srtp (RFC 5764 4.1.1): SRTP_AES128_CM_SHA1_80, no MKI */
        u16(&hello, 0x000e);
        u16(&hello, 5);
        u16(&hello, 2);
        u16(&hello, 0x0001);
        u8(&hello, 0);
        p.n = 0;
        u8(&p, 22);
        u16(&p, 0xfeff);
        u16(&p, 0);
        u16(&p, 0);
        u32(&p, 0);
        u16(&p, (unsigned)(12 + hello.n));
        u8(&p, 1);
        u24(&p, (unsigned)hello.n);
        u16(&p, 0);
        u24(&p, 0);
        u24(&p, (unsigned)hello.n);
        put(&p, hello.b, hello.n);
        frame(&f, &p, 0, 0);
        record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
        hello.n = 0; /* ServerHello */
        u16(&hello, 0xfefd);
        fill(&hello, 0xbb, 32);
        u8(&hello, 0);
        u16(&hello, 0xc02b);
        u8(&hello, 0);
        u16(&hello, 0);
        p.n = 0;
        u8(&p, 22);
        u16(&p, 0xfefd);
        u16(&p, 0);
        u16(&p, 0);
        u32(&p, 0);
        u16(&p, (unsigned)(12 + hello.n));
        u8(&p, 2);
        u24(&p, (unsigned)hello.n);
        u16(&p, 0);
        u24(&p, 0);
        u24(&p, (unsigned)hello.n);
        put(&p, hello.b, hello.n);
        reverse = 1;
        frame(&f, &p, 0, 0);
        record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    }
    p.n = 0;
    {
        buf_t body = {.n = 0};
        u24(&body, 40);       /* certificate_list length */
        u24(&body, 0xffffff); /* one certificate of 16 MiB */
        fill(&body, 0x30, 37);
        u8(&p, 22);
        u16(&p, 0xfefd);
        u16(&p, 0);
        u16(&p, 0);
        u32(&p, 1);
        u16(&p, (unsigned)(12 + body.n));
        u8(&p, 11);
        u24(&p, (unsigned)body.n);
        u16(&p, 1);
        u24(&p, 0);
        u24(&p, (unsigned)body.n);
        put(&p, body.b, body.n);
    }
    frame(&f, &p, 0, 0);
    record(x, &f, (uint32_t)f.n, (uint32_t)f.n);
    fclose(x);
    reverse = 0;
    /* STUN with an attribute longer than the message */
    p.n = 0;
    u16(&p, 0x0001);
    u16(&p, 8);
    u32(&p, 0x2112a442);
    fill(&p, 0x33, 12);
    u16(&p, 0x0006);
    u16(&p, 500);
    fill(&p, 0x61, 4);
    frame(&f, &p, 0, 0);
    one(dir, "stun-attribute-past-end", &f);
    return 0;
}
