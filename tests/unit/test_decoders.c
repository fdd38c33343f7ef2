/* test_decoders.c - link, IP, UDP, fragment reassembly, STUN/TURN and RTP/RTCP
 * decoders on hand-built packets, valid and broken, and every valid packet
 * cut at every length. */
#include <stdlib.h>

#include <pcap/dlt.h>

#include "builder.h"
#include "ip.h"
#include "ipfrag.h"
#include "link.h"
#include "rtp.h"
#include "stun.h"
#include "tcp.h"
#include "unit.h"

/* Ethernet, two VLAN tags (QinQ), IPv4 192.0.2.1 -> 198.51.100.1, UDP 1234 -> 5678. */
static size_t build_udp_frame(tb_t *b, const uint8_t *payload, size_t n, int tags)
{
    b->len = 0;
    tb_fill(b, 0x02, 12);
    for (int i = 0; i < tags; i++) {
        tb_u16(b, i == 0 ? 0x88a8 : 0x8100);
        tb_u16(b, 100 + (uint32_t)i);
    }
    tb_u16(b, 0x0800);
    tb_u8(b, 0x45);
    tb_u8(b, 0);
    tb_u16(b, (uint32_t)(20 + 8 + n));
    tb_u32(b, 0x00004000);
    tb_u8(b, 64);
    tb_u8(b, 17);
    tb_u16(b, 0);
    tb_u32(b, 0xc0000201);
    tb_u32(b, 0xc6336401);
    tb_u16(b, 1234);
    tb_u16(b, 5678);
    tb_u16(b, (uint32_t)(8 + n));
    tb_u16(b, 0);
    tb_bytes(b, payload, n);
    return b->len;
}

static void ethernet_qinq_ipv4_udp(void **state)
{
    (void)state;
    tb_t b;
    static const uint8_t payload[] = {1, 2, 3};
    build_udp_frame(&b, payload, sizeof payload, 2);
    tb_fill(&b, 0, 10); /* Ethernet padding must not become payload */
    ca_cursor_t c = ca_cursor_make(b.data, b.len);
    ca_net_t net;
    ca_ip_t ip;
    ca_udp_t udp;
    assert_int_equal(ca_link_decode(DLT_EN10MB, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV4);
    assert_int_equal(ca_ip_decode(net, &c, false, &ip), CA_OK);
    assert_int_equal(ip.proto, 17);
    assert_false(ip.fragment);
    assert_int_equal(ip.src.bytes[0], 192);
    assert_int_equal(ca_udp_decode(&ip.payload, false, &udp), CA_OK);
    assert_int_equal(udp.sport, 1234);
    assert_int_equal(udp.dport, 5678);
    assert_int_equal(ca_cursor_left(&udp.payload), 3);
}

/* Every prefix of a valid frame decodes to an error, never past its end. */
static void frame_prefixes_fail_cleanly(void **state)
{
    (void)state;
    tb_t b;
    static const uint8_t payload[] = {0x80, 0, 0, 1, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef};
    size_t full = build_udp_frame(&b, payload, sizeof payload, 1);
    for (size_t len = 0; len < full; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, b.data, len);
        ca_cursor_t c = ca_cursor_make(copy, len);
        ca_net_t net;
        ca_ip_t ip;
        ca_udp_t udp;
        ca_err_t rc = ca_link_decode(DLT_EN10MB, &c, &net);
        if (rc == CA_OK)
            rc = ca_ip_decode(net, &c, false, &ip);
        if (rc == CA_OK)
            rc = ca_udp_decode(&ip.payload, false, &udp);
        assert_int_not_equal(rc, CA_OK);
        free(copy);
    }
}

static void other_link_types(void **state)
{
    (void)state;
    ca_net_t net;
    /* SLL2: protocol first */
    uint8_t sll2[20 + 1] = {0x86, 0xdd};
    ca_cursor_t c = ca_cursor_make(sll2, sizeof sll2);
    assert_int_equal(ca_link_decode(DLT_LINUX_SLL2, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV6);
    assert_int_equal(ca_cursor_left(&c), 1);
    /* SLL: protocol last */
    uint8_t sll[16] = {0};
    sll[14] = 0x08;
    c = ca_cursor_make(sll, sizeof sll);
    assert_int_equal(ca_link_decode(DLT_LINUX_SLL, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV4);
    /* BSD NULL in either byte order, LOOP big-endian */
    uint8_t null_le[4] = {2, 0, 0, 0}, null_be[4] = {0, 0, 0, 30};
    c = ca_cursor_make(null_le, 4);
    assert_int_equal(ca_link_decode(DLT_NULL, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV4);
    c = ca_cursor_make(null_be, 4);
    assert_int_equal(ca_link_decode(DLT_NULL, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV6);
    c = ca_cursor_make(null_be, 4);
    assert_int_equal(ca_link_decode(DLT_LOOP, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV6);
    /* raw */
    uint8_t raw[1] = {0x45};
    c = ca_cursor_make(raw, 1);
    assert_int_equal(ca_link_decode(DLT_RAW, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_IPV4);
    /* ARP is not IP, unknown link types are unsupported */
    uint8_t arp[14] = {0};
    arp[12] = 0x08;
    arp[13] = 0x06;
    c = ca_cursor_make(arp, sizeof arp);
    assert_int_equal(ca_link_decode(DLT_EN10MB, &c, &net), CA_OK);
    assert_int_equal(net, CA_NET_OTHER);
    c = ca_cursor_make(arp, sizeof arp);
    assert_int_equal(ca_link_decode(220, &c, &net), CA_ERR_UNSUPPORTED);
    assert_false(ca_link_supported(220));
    /* five VLAN tags is more than anyone stacks */
    tb_t b = {.len = 0};
    tb_fill(&b, 0, 12);
    for (int i = 0; i < 5; i++) {
        tb_u16(&b, 0x8100);
        tb_u16(&b, 1);
    }
    tb_u16(&b, 0x0800);
    c = ca_cursor_make(b.data, b.len);
    assert_int_equal(ca_link_decode(DLT_EN10MB, &c, &net), CA_ERR_MALFORMED);
}

static void ipv6_extension_headers(void **state)
{
    (void)state;
    tb_t b = {.len = 0};
    tb_u32(&b, 0x60000000);
    tb_u16(&b, 0); /* payload length, set below */
    tb_u8(&b, 0);  /* hop-by-hop */
    tb_u8(&b, 64);
    tb_fill(&b, 0x20, 16);
    tb_fill(&b, 0x21, 16);
    tb_u8(&b, 60); /* -> destination options */
    tb_u8(&b, 0);
    tb_fill(&b, 1, 6);
    tb_u8(&b, 17); /* -> UDP */
    tb_u8(&b, 1);  /* 16 bytes */
    tb_fill(&b, 1, 14);
    tb_u16(&b, 1);
    tb_u16(&b, 2);
    tb_u16(&b, 9);
    tb_u16(&b, 0);
    tb_u8(&b, 0xaa);
    b.data[4] = (uint8_t)((b.len - 40) >> 8); /* payload length: all after the fixed header */
    b.data[5] = (uint8_t)(b.len - 40);
    ca_cursor_t c = ca_cursor_make(b.data, b.len);
    ca_ip_t ip;
    ca_udp_t udp;
    assert_int_equal(ca_ip_decode(CA_NET_IPV6, &c, false, &ip), CA_OK);
    assert_int_equal(ip.proto, 17);
    assert_int_equal(ip.src.family, 6);
    assert_int_equal(ip.dst.bytes[15], 0x21);
    assert_int_equal(ca_udp_decode(&ip.payload, false, &udp), CA_OK);
    assert_int_equal(ca_cursor_left(&udp.payload), 1);
    /* an extension header whose length runs past the packet */
    b.data[40 + 8 + 1] = 200;
    c = ca_cursor_make(b.data, b.len);
    assert_int_equal(ca_ip_decode(CA_NET_IPV6, &c, false, &ip), CA_ERR_TRUNCATED);
}

static void ipv4_bad_headers(void **state)
{
    (void)state;
    uint8_t h[20] = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17};
    ca_cursor_t c = ca_cursor_make(h, sizeof h);
    ca_ip_t ip;
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, false, &ip), CA_OK);
    h[0] = 0x44; /* IHL 16 bytes */
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, false, &ip), CA_ERR_MALFORMED);
    h[0] = 0x45;
    h[3] = 10; /* total length below the header */
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, false, &ip), CA_ERR_MALFORMED);
    h[3] = 60; /* total length past the capture */
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, false, &ip), CA_ERR_TRUNCATED);
    uint8_t udp[8] = {0, 1, 0, 2, 0, 4, 0, 0}; /* UDP length below 8 */
    c = ca_cursor_make(udp, sizeof udp);
    ca_udp_t u;
    assert_int_equal(ca_udp_decode(&c, false, &u), CA_ERR_MALFORMED);
    c = ca_cursor_make(udp, sizeof udp);
    assert_int_equal(ca_udp_decode(&c, true, &u), CA_ERR_MALFORMED); /* a cut never excuses that */
}

/* A frame the snaplen cut: IP and UDP keep what was captured and say it
 * was cut; a frame that was not cut but is short is still an error. */
static void snaplen_cut_keeps_the_headers(void **state)
{
    (void)state;
    uint8_t h[20 + 8 + 12] = {0x45, 0, 0, 200, 0, 0, 0, 0, 64, 17}; /* 200 bytes on the wire */
    uint8_t *udp = h + 20;
    udp[4] = 0;
    udp[5] = 180; /* UDP length: 172 bytes of payload, 12 captured */
    ca_cursor_t c = ca_cursor_make(h, sizeof h);
    ca_ip_t ip;
    ca_udp_t u;
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, false, &ip), CA_ERR_TRUNCATED);
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, true, &ip), CA_OK);
    assert_true(ip.cut);
    assert_int_equal(ca_cursor_left(&ip.payload), 20);
    assert_int_equal(ca_udp_decode(&ip.payload, false, &u), CA_ERR_TRUNCATED);
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, true, &ip), CA_OK);
    assert_int_equal(ca_udp_decode(&ip.payload, ip.cut, &u), CA_OK);
    assert_true(u.cut);
    assert_int_equal(ca_cursor_left(&u.payload), 12);
    /* a frame cut in its Ethernet trailer only: the IP packet is whole */
    h[3] = 40;
    udp[5] = 20;
    c = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_ip_decode(CA_NET_IPV4, &c, true, &ip), CA_OK);
    assert_false(ip.cut);
    assert_int_equal(ca_udp_decode(&ip.payload, ip.cut, &u), CA_OK);
    assert_false(u.cut);
}

static ca_ip_t frag(uint32_t id, uint32_t offset, bool more, const uint8_t *data, size_t n)
{
    ca_ip_t ip;
    memset(&ip, 0, sizeof ip);
    ip.src.family = ip.dst.family = 4;
    ip.src.bytes[0] = 192;
    ip.proto = 17;
    ip.frag_id = id;
    ip.frag_offset = offset;
    ip.more_fragments = more;
    ip.fragment = true;
    ip.payload = ca_cursor_make(data, n);
    return ip;
}

static void fragments_in_any_order(void **state)
{
    (void)state;
    uint8_t data[24];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    ca_ipfrag_t *f = ca_ipfrag_new();
    assert_non_null(f);
    bool done;
    ca_ip_t last = frag(7, 16, false, data + 16, 8);
    ca_ip_t first = frag(7, 0, true, data, 8);
    ca_ip_t mid = frag(7, 8, true, data + 8, 8);
    assert_int_equal(ca_ipfrag_add(f, 1, &last, &done), CA_OK);
    assert_false(done);
    assert_int_equal(ca_ipfrag_add(f, 2, &first, &done), CA_OK);
    assert_false(done);
    assert_int_equal(ca_ipfrag_add(f, 3, &mid, &done), CA_OK);
    assert_true(done);
    assert_int_equal(ca_cursor_left(&mid.payload), 24);
    assert_memory_equal(mid.payload.p, data, 24);
    assert_int_equal(ca_ipfrag_stats(f)->completed, 1);

    /* Overlap voids the datagram (RFC 5722). */
    ca_ip_t a = frag(8, 0, true, data, 16), b = frag(8, 8, false, data, 16);
    assert_int_equal(ca_ipfrag_add(f, 4, &a, &done), CA_OK);
    assert_int_equal(ca_ipfrag_add(f, 5, &b, &done), CA_ERR_MALFORMED);
    assert_int_equal(ca_ipfrag_stats(f)->overlaps, 1);
    /* An absurd offset is refused, not written. */
    ca_ip_t huge = frag(9, 65528, false, data, 16);
    assert_int_equal(ca_ipfrag_add(f, 6, &huge, &done), CA_ERR_LIMIT);
    /* A non-final fragment must be a multiple of 8 bytes. */
    ca_ip_t odd = frag(10, 0, true, data, 7);
    assert_int_equal(ca_ipfrag_add(f, 7, &odd, &done), CA_ERR_MALFORMED);
    /* Incomplete datagrams time out and are counted. */
    ca_ip_t lone = frag(11, 0, true, data, 8);
    assert_int_equal(ca_ipfrag_add(f, 8, &lone, &done), CA_OK);
    ca_ipfrag_expire(f, 8 + CA_IPFRAG_TIMEOUT_US + 1);
    assert_int_equal(ca_ipfrag_stats(f)->timed_out, 1);
    /* More datagrams than slots: the oldest are evicted, counted. */
    for (uint32_t id = 100; id < 100 + CA_IPFRAG_SLOTS + 3; id++) {
        ca_ip_t x = frag(id, 0, true, data, 8);
        assert_int_equal(ca_ipfrag_add(f, 1000 + id, &x, &done), CA_OK);
    }
    assert_int_equal(ca_ipfrag_stats(f)->evicted, 3);
    ca_ipfrag_free(f);
}

static void stun_binding_and_turn(void **state)
{
    (void)state;
    tb_t b = {.len = 0};
    tb_u16(&b, 0x0001); /* Binding request */
    tb_u16(&b, 0);      /* message length, set below */
    tb_u32(&b, 0x2112A442);
    tb_fill(&b, 0x11, 12);
    tb_u16(&b, 0x0006); /* USERNAME, padded */
    tb_u16(&b, 9);
    tb_bytes(&b, "abcd:wxyz", 9);
    tb_fill(&b, 0, 3);
    tb_u16(&b, 0x8028); /* FINGERPRINT: ignored */
    tb_u16(&b, 4);
    tb_u32(&b, 0);
    b.data[3] = (uint8_t)(b.len - 20); /* message length excludes the 20-byte header */
    ca_cursor_t c = ca_cursor_make(b.data, b.len);
    ca_stun_t m;
    assert_true(ca_stun_looks_like(&c));
    assert_int_equal(ca_stun_decode(&c, &m), CA_OK);
    assert_int_equal(m.method, CA_STUN_METHOD_BINDING);
    assert_int_equal(m.klass, CA_STUN_CLASS_REQUEST);
    assert_true(m.has_username);
    assert_string_equal(m.username, "abcd:wxyz");
    for (size_t n = 0; n < b.len; n++) {
        c = ca_cursor_make(b.data, n);
        assert_int_not_equal(ca_stun_decode(&c, &m), CA_OK);
    }

    /* Data indication: XOR-PEER-ADDRESS 198.51.100.7:40000 and DATA */
    b.len = 0;
    tb_u16(&b, 0x0017);
    tb_u16(&b, 0);
    tb_u32(&b, 0x2112A442);
    tb_fill(&b, 0x22, 12);
    tb_u16(&b, 0x0012);
    tb_u16(&b, 8);
    tb_u8(&b, 0);
    tb_u8(&b, 1);
    tb_u16(&b, 40000 ^ 0x2112);
    tb_u32(&b, 0xc6336407 ^ 0x2112A442);
    tb_u16(&b, 0x0013);
    tb_u16(&b, 3);
    tb_bytes(&b, "\x80\x00\x01", 3);
    tb_u8(&b, 0);
    b.data[3] = (uint8_t)(b.len - 20);
    c = ca_cursor_make(b.data, b.len);
    assert_int_equal(ca_stun_decode(&c, &m), CA_OK);
    assert_int_equal(m.method, CA_STUN_METHOD_DATA);
    assert_int_equal(m.klass, CA_STUN_CLASS_INDICATION);
    assert_true(m.has_peer && m.has_data);
    assert_int_equal(m.peer.port, 40000);
    assert_int_equal(m.peer.addr.bytes[3], 7);
    assert_int_equal(ca_cursor_left(&m.data), 3);

    /* A bad magic cookie or an attribute past the end */
    b.data[4] = 0;
    c = ca_cursor_make(b.data, b.len);
    assert_int_equal(ca_stun_decode(&c, &m), CA_ERR_MALFORMED);
    b.data[4] = 0x21;
    b.data[20 + 3] = 200;
    c = ca_cursor_make(b.data, b.len);
    assert_int_equal(ca_stun_decode(&c, &m), CA_ERR_TRUNCATED);

    /* ChannelData */
    uint8_t cd[] = {0x40, 0x01, 0x00, 0x02, 0xaa, 0xbb, 0, 0};
    c = ca_cursor_make(cd, sizeof cd);
    uint16_t ch;
    ca_cursor_t inner;
    assert_int_equal(ca_turn_channel_decode(&c, &ch, &inner), CA_OK);
    assert_int_equal(ch, 0x4001);
    assert_int_equal(ca_cursor_left(&inner), 2);
    cd[3] = 9;
    c = ca_cursor_make(cd, sizeof cd);
    assert_int_equal(ca_turn_channel_decode(&c, &ch, &inner), CA_ERR_TRUNCATED);
    cd[0] = 0x50;
    c = ca_cursor_make(cd, sizeof cd);
    assert_int_equal(ca_turn_channel_decode(&c, &ch, &inner), CA_ERR_MALFORMED);
}

/* RFC 8839: ufrags of up to 256 characters, so an ICE check's USERNAME
 * "RFRAG:LFRAG" reaches 513 bytes: kept whole; one longer is flagged cut. */
static void stun_long_username(void **state)
{
    (void)state;
    for (size_t len = 513; len <= 514; len++) {
        tb_t b = {.len = 0};
        tb_u16(&b, 0x0001);
        tb_u16(&b, 0);
        tb_u32(&b, 0x2112A442);
        tb_fill(&b, 0x11, 12);
        tb_u16(&b, 0x0006);
        tb_u16(&b, (uint32_t)len);
        tb_fill(&b, 'u', 256);
        tb_u8(&b, ':');
        tb_fill(&b, 'l', len - 257);
        tb_fill(&b, 0, (4 - len % 4) % 4);
        b.data[2] = (uint8_t)((b.len - 20) >> 8);
        b.data[3] = (uint8_t)(b.len - 20);
        ca_cursor_t c = ca_cursor_make(b.data, b.len);
        ca_stun_t m;
        assert_int_equal(ca_stun_decode(&c, &m), CA_OK);
        assert_true(m.has_username);
        assert_int_equal(m.username_truncated, len > CA_STUN_USERNAME_MAX);
        assert_int_equal(strlen(m.username), 513);
        assert_int_equal(strlen(strchr(m.username, ':') + 1), 256);
    }
}

static void rtp_and_rtcp_headers(void **state)
{
    (void)state;
    tb_t b = {.len = 0};
    tb_u8(&b, 0x91); /* V=2, X, CC=1 */
    tb_u8(&b, 0xe0); /* M, PT 96 */
    tb_u16(&b, 513);
    tb_u32(&b, 1000);
    tb_u32(&b, 0x11223344);
    tb_u32(&b, 0x55667788); /* CSRC */
    tb_u16(&b, 0xBEDE);
    tb_u16(&b, 1);
    tb_u32(&b, 0x10ff0000); /* one-byte extension: id 1, audio level */
    tb_fill(&b, 0x42, 5);
    ca_cursor_t c = ca_cursor_make(b.data, b.len);
    ca_rtp_t r;
    assert_false(ca_rtp_is_rtcp(&c));
    assert_int_equal(ca_rtp_decode(&c, &r), CA_OK);
    assert_true(r.marker && r.extension);
    assert_int_equal(r.payload_type, 96);
    assert_int_equal(r.seq, 513);
    assert_int_equal(r.ssrc, 0x11223344);
    assert_int_equal(r.csrc_count, 1);
    assert_int_equal(r.ext_profile, 0xBEDE);
    assert_int_equal(ca_cursor_left(&r.ext), 4);
    assert_int_equal(ca_cursor_left(&r.payload), 5);
    for (size_t n = 0; n < b.len - 5; n++) {
        c = ca_cursor_make(b.data, n);
        assert_int_not_equal(ca_rtp_decode(&c, &r), CA_OK);
    }
    uint8_t rtcp[] = {0x80, 200, 0, 6, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0,
                      0,    0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    c = ca_cursor_make(rtcp, sizeof rtcp);
    ca_rtcp_t h;
    assert_true(ca_rtp_is_rtcp(&c));
    assert_int_equal(ca_rtcp_decode(&c, &h), CA_OK);
    assert_int_equal(h.packet_type, 200);
    assert_int_equal(h.ssrc, 0x01020304);
    rtcp[3] = 60; /* longer than the packet */
    c = ca_cursor_make(rtcp, sizeof rtcp);
    assert_int_equal(ca_rtcp_decode(&c, &h), CA_ERR_MALFORMED);
    uint8_t v1[12] = {0x40};
    c = ca_cursor_make(v1, sizeof v1);
    assert_int_equal(ca_rtp_decode(&c, &r), CA_ERR_MALFORMED);
}

static ca_tcp_t segment(uint32_t seq, const char *data)
{
    ca_tcp_t t;
    memset(&t, 0, sizeof t);
    t.seq = seq;
    t.payload = ca_cursor_make((const uint8_t *)data, strlen(data));
    return t;
}

/* In order, retransmitted with overlap, out of order, and past a gap. */
/* A clear BYE ends a call; an SRTCP packet (E||index and tag after the
 * compound) never reads as one. */
static void rtcp_plain_bye(void **state)
{
    (void)state;
    tb_t b = {.len = 0};
    tb_u8(&b, 0x80); /* RR, no blocks */
    tb_u8(&b, 201);
    tb_u16(&b, 1);
    tb_u32(&b, 0x11111111);
    assert_false(ca_rtcp_plain_bye(ca_cursor_make(b.data, b.len)));
    tb_u8(&b, 0x81); /* BYE of one source */
    tb_u8(&b, 203);
    tb_u16(&b, 1);
    tb_u32(&b, 0x11111111);
    assert_true(ca_rtcp_plain_bye(ca_cursor_make(b.data, b.len)));
    for (size_t cut = 0; cut < b.len; cut++)
        assert_false(ca_rtcp_plain_bye(ca_cursor_make(b.data, cut)));
    tb_u32(&b, 0x80000001); /* E||index: the lengths no longer add up */
    tb_fill(&b, 0x5a, 10);
    assert_false(ca_rtcp_plain_bye(ca_cursor_make(b.data, b.len)));
}

static void tcp_stream_reassembly(void **state)
{
    (void)state;
    ca_tcp_stream_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ca_tcp_t syn = segment(999, "");
    syn.flags = CA_TCP_SYN;
    assert_false(ca_tcp_stream_add(s, &syn));
    ca_tcp_t a = segment(1000, "hello "), b = segment(1006, "world"), c = segment(1011, "!!");
    assert_true(ca_tcp_stream_add(s, &a));
    assert_false(ca_tcp_stream_add(s, &c));       /* ahead: held */
    ca_tcp_t overlap = segment(1003, "lo world"); /* 3 old bytes, then new ones */
    assert_true(ca_tcp_stream_add(s, &overlap));
    assert_int_equal(s->len, 13);
    assert_memory_equal(s->buf, "hello world!!", 13); /* the held "!!" followed */
    assert_int_equal(s->retransmitted_bytes, 3);
    assert_false(ca_tcp_stream_add(s, &b)); /* all old */
    ca_tcp_stream_consume(s, 6);
    assert_memory_equal(s->buf, "world!!", 7);
    assert_false(s->gap);
    /* more out-of-order segments than can be held: a gap, counted */
    for (uint32_t i = 0; i < CA_TCP_HELD + 1; i++) {
        ca_tcp_t far = segment(5000 + 100 * i, "x");
        (void)ca_tcp_stream_add(s, &far);
    }
    assert_true(s->gap);
    assert_int_equal(s->lost_segments, 1);
    free(s);

    /* header decoding: data offset below 5 words, options past the end */
    uint8_t h[20] = {0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x40, 0x18};
    ca_cursor_t cur = ca_cursor_make(h, sizeof h);
    ca_tcp_t t;
    assert_int_equal(ca_tcp_decode(&cur, &t), CA_ERR_MALFORMED);
    h[12] = 0x60;
    cur = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_tcp_decode(&cur, &t), CA_ERR_TRUNCATED);
    h[12] = 0x50;
    cur = ca_cursor_make(h, sizeof h);
    assert_int_equal(ca_tcp_decode(&cur, &t), CA_OK);
    assert_int_equal(t.dport, 2);
    assert_int_equal(t.seq, 1);
}

int ca_test_decoders(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ethernet_qinq_ipv4_udp), cmocka_unit_test(frame_prefixes_fail_cleanly),
        cmocka_unit_test(other_link_types),       cmocka_unit_test(ipv6_extension_headers),
        cmocka_unit_test(ipv4_bad_headers),       cmocka_unit_test(snaplen_cut_keeps_the_headers),
        cmocka_unit_test(fragments_in_any_order), cmocka_unit_test(stun_binding_and_turn),
        cmocka_unit_test(stun_long_username),     cmocka_unit_test(rtp_and_rtcp_headers),
        cmocka_unit_test(tcp_stream_reassembly),  cmocka_unit_test(rtcp_plain_bye),
    };
    return cmocka_run_group_tests_name("decoders", tests, NULL, NULL);
}
