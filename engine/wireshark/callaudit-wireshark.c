/* callaudit-wireshark.c - the second engine: Wireshark's dissectors
 * (libwireshark) read a capture and say, frame by frame, what they found,
 * as lines of text on standard output that callaudit (analyzer/engine_ws.c)
 * turns into the events its trackers consume. Wireshark decides the link,
 * IP, UDP, the demultiplexing (its STUN, DTLS, RTP and RTCP dissectors and
 * heuristics), DTLS record framing and handshake reassembly, and the RTP
 * header fields; callaudit's own parsers do none of that for this engine.
 *
 * It is a separate program because libwireshark is GPL-licensed and its API
 * changes between releases: callaudit itself never links it. Licence of this
 * file: GPL-2.0-or-later, as libwireshark.
 *
 * Usage: callaudit-wireshark CAPTURE...   (frames numbered on across files)
 *        callaudit-wireshark --stream -   (live: a pcap stream on standard input,
 *                                          each frame's lines written as it comes)
 * Output, one event per line, integers in decimal, bytes in hex ("-" none):
 *   W version                               once, first: libwireshark's version
 *   F frame ts_us caplen len                every frame
 *   A transport family src sport dst dport  a UDP/TCP datagram (addresses in hex)
 *   D type version epoch seq bytes          a DTLS record and its payload ("-": the
 *                                           handshake messages follow as M lines)
 *   M type message_seq body                 a whole handshake message (reassembled)
 *   P m x cc pt seq ts ssrc csrcs profile ext payload   an RTP packet
 *   C bytes                                 an RTCP (compound) packet
 *   S method class username                 a STUN message
 *   B channel family peer port              a TURN ChannelBind request
 *   I method family peer port bytes         a TURN Send (6) or Data (7) indication and
 *                                           what its DATA attribute carries
 *   T channel bytes                         TURN ChannelData and what it carries
 *   X                                       a datagram none of those dissectors took
 *   E message                               the capture could not be read (then exit 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/disabled_protos.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/timestamp.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>

/* Dissectors ask for the times of earlier frames (deltas): kept per frame. */
struct packet_provider_data {
    GArray *times; /* nstime_t, index: frame number - 1 */
};

static const nstime_t *frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    if (frame_num == 0 || frame_num > prov->times->len)
        return NULL;
    return &g_array_index(prov->times, nstime_t, frame_num - 1);
}

static const char *interface_name(struct packet_provider_data *prov, guint32 id)
{
    (void)prov;
    (void)id;
    return "capture";
}

/* What the walk of one frame's tree knows so far. */
typedef struct {
    int family;
    guint8 src[16], dst[16];
    guint sport, dport, transport;
    bool in_dgram;   /* an A line was written for the current datagram */
    bool dgram_used; /* a dissector above UDP took it */
    tvbuff_t *payload_tvb;
    gint payload_start, payload_len;
    /* the RTP header being read */
    guint32 rtp[8]; /* m x cc pt seq ts ssrc profile */
    bool in_rtp;
    GString *csrcs, *ext;
    tvbuff_t *rtp_tvb;
    gint rtp_start, rtp_end, rtp_payload;
    bool rtcp_done;
    bool done;   /* TURN ChannelData: what it carries was handed on whole */
    bool quoted; /* an ICMP error: the layers after it dissect the datagram it quotes */
} walk_t;

static void hex(const guint8 *p, gint n)
{
    if (n <= 0) {
        fputc('-', stdout);
        return;
    }
    static const char digits[] = "0123456789abcdef";
    for (gint i = 0; i < n; i++) {
        putchar(digits[p[i] >> 4]);
        putchar(digits[p[i] & 15]);
    }
}

static void tvb_hex(tvbuff_t *tvb, gint start, gint len)
{
    gint avail = (gint)tvb_captured_length(tvb) - start;
    if (len > avail)
        len = avail; /* cut by the snaplen: what there is */
    if (len <= 0) {
        fputc('-', stdout);
        return;
    }
    hex(tvb_get_ptr(tvb, start, len), len);
}

static const char *abbrev(const field_info *fi)
{
    return fi && fi->hfinfo ? fi->hfinfo->abbrev : "";
}

static guint32 uint_of(field_info *fi)
{
    switch (fi->hfinfo->type) {
    case FT_BOOLEAN:
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
        return (guint32)fvalue_get_uinteger64(&fi->value);
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
        return fvalue_get_uinteger(&fi->value);
    default:
        return 0;
    }
}

static void begin_datagram(walk_t *w)
{
    printf("A %u %d ", w->transport, w->family);
    hex(w->src, w->family == 6 ? 16 : 4);
    printf(" %u ", w->sport);
    hex(w->dst, w->family == 6 ? 16 : 4);
    printf(" %u\n", w->dport);
    w->in_dgram = true;
}

static void rtp_end(walk_t *w)
{
    if (!w->in_rtp)
        return;
    w->in_rtp = false;
    printf("P %u %u %u %u %u %u %u ", w->rtp[0], w->rtp[1], w->rtp[2], w->rtp[3], w->rtp[4],
           w->rtp[5], w->rtp[6]);
    fputs(w->csrcs->len ? w->csrcs->str : "-", stdout);
    printf(" %u ", w->rtp[7]);
    fputs(w->ext->len ? w->ext->str : "-", stdout);
    putchar(' ');
    gint start = w->rtp_payload > w->rtp_start ? w->rtp_payload : w->rtp_start;
    tvb_hex(w->rtp_tvb, start, w->rtp_end - start);
    putchar('\n');
}

/* The body of a handshake message: in the record when it came whole,
 * else in the data source Wireshark reassembled it into. */
static tvbuff_t *reassembled_tvb;

static void find_reassembled(proto_node *node, gpointer data)
{
    field_info *fi = PNODE_FINFO(node);
    tvbuff_t *own = data;
    if (!reassembled_tvb && fi && fi->ds_tvb && fi->ds_tvb != own && fi->length > 0)
        reassembled_tvb = fi->ds_tvb;
    if (!reassembled_tvb)
        proto_tree_children_foreach(node, find_reassembled, data);
}

static void handshake_message(proto_node *node)
{
    field_info *hs = PNODE_FINFO(node);
    guint32 type = 0, length = 0, seq = 0, off = 0, flen = 0;
    bool have[5] = {false};
    for (proto_node *c = node->first_child; c; c = c->next) {
        field_info *fi = PNODE_FINFO(c);
        const char *a = abbrev(fi);
        if (!strcmp(a, "dtls.handshake.type"))
            type = uint_of(fi), have[0] = true;
        else if (!strcmp(a, "dtls.handshake.length"))
            length = uint_of(fi), have[1] = true;
        else if (!strcmp(a, "dtls.handshake.message_seq"))
            seq = uint_of(fi), have[2] = true;
        else if (!strcmp(a, "dtls.handshake.fragment_offset"))
            off = uint_of(fi), have[3] = true;
        else if (!strcmp(a, "dtls.handshake.fragment_length"))
            flen = uint_of(fi), have[4] = true;
    }
    if (!have[0] || !have[1] || !have[2] || !have[3] || !have[4])
        return;
    if (off == 0 && flen == length) {
        printf("M %u %u ", type, seq);
        tvb_hex(hs->ds_tvb, hs->start + 12, (gint)length);
        putchar('\n');
        return;
    }
    reassembled_tvb = NULL;
    proto_tree_children_foreach(node, find_reassembled, hs->ds_tvb);
    if (reassembled_tvb && tvb_captured_length(reassembled_tvb) >= length) {
        printf("M %u %u ", type, seq);
        tvb_hex(reassembled_tvb, 0, (gint)length);
        putchar('\n');
    }
}

static void dtls_record(proto_node *node)
{
    field_info *rec = PNODE_FINFO(node);
    guint32 ct = 0, version = 0, epoch = 0, length = 0;
    guint64 seq = 0;
    bool have_ct = false;
    for (proto_node *c = node->first_child; c; c = c->next) {
        field_info *fi = PNODE_FINFO(c);
        const char *a = abbrev(fi);
        if (!strcmp(a, "dtls.record.content_type"))
            ct = uint_of(fi), have_ct = true;
        else if (!strcmp(a, "dtls.record.version"))
            version = uint_of(fi);
        else if (!strcmp(a, "dtls.record.epoch"))
            epoch = uint_of(fi);
        else if (!strcmp(a, "dtls.record.sequence_number"))
            seq = fvalue_get_uinteger64(&fi->value);
        else if (!strcmp(a, "dtls.record.length"))
            length = uint_of(fi);
    }
    if (!have_ct)
        return;
    printf("D %u %u %u %" G_GUINT64_FORMAT " ", ct, version, epoch, seq);
    if (ct == 22 && epoch == 0) {
        fputs("-\n", stdout);
        for (proto_node *c = node->first_child; c; c = c->next)
            if (!strcmp(abbrev(PNODE_FINFO(c)), "dtls.handshake"))
                handshake_message(c);
        return;
    }
    tvb_hex(rec->ds_tvb, rec->start + 13, (gint)length);
    putchar('\n');
}

static void walk(proto_node *node, gpointer data);

/* The attributes of a STUN message that matter: USERNAME (ICE), the
 * channel and peer of a ChannelBind (RFC 8656 12), the peer and DATA of a
 * Send or Data indication (RFC 8656 11). */
typedef struct {
    const char *user;
    guint32 channel, port, type;
    int family;
    guint8 id[16]; /* the magic cookie and transaction ID: XOR-PEER-ADDRESS's key */
    guint8 peer[16];
    tvbuff_t *data_tvb;
    gint data_start, data_len; /* data_len < 0: no DATA attribute */
} stun_attrs_t;

static void stun_attrs(proto_node *node, gpointer data)
{
    stun_attrs_t *at = data;
    field_info *fi = PNODE_FINFO(node);
    const char *a = abbrev(fi);
    if (!strcmp(a, "stun.att.username")) {
        at->user = fvalue_get_string(&fi->value);
    } else if (!strcmp(a, "stun.id") && fi->length == 12) {
        tvb_memcpy(fi->ds_tvb, at->id + 4, fi->start, 12);
    } else if (!strcmp(a, "stun.att.type")) {
        at->type = uint_of(fi);
    } else if (!strcmp(a, "stun.value") && at->type == 0x0013 && at->data_len < 0) {
        at->data_tvb = fi->ds_tvb;
        at->data_start = fi->start;
        at->data_len = fi->length;
    } else if (!strcmp(a, "stun.att.channelnum")) {
        at->channel = uint_of(fi);
    } else if ((!strcmp(a, "stun.att.ipv4-xord") && fi->length == 4) ||
               (!strcmp(a, "stun.att.ipv6-xord") && fi->length == 16)) {
        guint8 b[16];
        tvb_memcpy(fi->ds_tvb, b, fi->start, (size_t)fi->length);
        for (gint i = 0; i < fi->length; i++)
            at->peer[i] = b[i] ^ at->id[i];
        at->family = fi->length == 4 ? 4 : 6;
    } else if (!strcmp(a, "stun.att.port-xord")) {
        at->port = (tvb_get_ntohs(fi->ds_tvb, fi->start) ^ 0x2112u) & 0xffffu;
    }
    proto_tree_children_foreach(node, stun_attrs, data);
}

static void field(walk_t *w, proto_node *node, field_info *fi)
{
    const char *a = abbrev(fi);
    if (!strcmp(a, "icmp") || !strcmp(a, "icmpv6")) {
        /* the datagram quoted in an error is not traffic; Wireshark hangs
         * what it carries (STUN, RTP) beside the ICMP layer, not under it */
        w->quoted = true;
        return;
    }
    if (!strcmp(a, "ip.src") || !strcmp(a, "ip.dst")) {
        w->family = 4;
        tvb_memcpy(fi->ds_tvb, !strcmp(a, "ip.src") ? w->src : w->dst, fi->start, 4);
    } else if (!strcmp(a, "ipv6.src") || !strcmp(a, "ipv6.dst")) {
        w->family = 6;
        tvb_memcpy(fi->ds_tvb, !strcmp(a, "ipv6.src") ? w->src : w->dst, fi->start, 16);
    } else if (!strcmp(a, "udp.srcport") || !strcmp(a, "tcp.srcport")) {
        w->sport = uint_of(fi);
    } else if (!strcmp(a, "udp.dstport") || !strcmp(a, "tcp.dstport")) {
        w->dport = uint_of(fi);
    } else if (!strcmp(a, "udp") || !strcmp(a, "tcp")) {
        w->transport = a[0] == 'u' ? 17 : 6;
        w->in_dgram = false;
    } else if (!strcmp(a, "udp.payload")) {
        w->payload_tvb = fi->ds_tvb;
        w->payload_start = fi->start;
        w->payload_len = fi->length;
        begin_datagram(w);
    } else if (!strcmp(a, "dtls.record")) {
        w->dgram_used = true;
        dtls_record(node);
        return;
    } else if (!strcmp(a, "stun") && (w->in_dgram || w->transport == 6)) {
        /* TURN over TCP (RFC 8656 12.5): no udp.payload; each STUN or
         * ChannelData PDU of the segment is a message of the connection */
        if (!w->in_dgram)
            begin_datagram(w);
        w->dgram_used = true;
    } else if (!strcmp(a, "rtp") || !strcmp(a, "srtp")) {
        w->dgram_used = true;
        w->in_rtp = true;
        memset(w->rtp, 0, sizeof w->rtp);
        g_string_truncate(w->csrcs, 0);
        g_string_truncate(w->ext, 0);
        w->rtp_tvb = fi->ds_tvb;
        w->rtp_start = w->rtp_payload = fi->start;
        w->rtp_end = fi->start + fi->length;
        w->rtp_payload = fi->start + 12;
        proto_tree_children_foreach(node, walk, w);
        rtp_end(w);
        return;
    } else if (w->in_rtp) {
        static const char *const names[] = {"rtp.marker", "rtp.ext",        "rtp.cc",
                                            "rtp.p_type", "rtp.seq",        "rtp.timestamp",
                                            "rtp.ssrc",   "rtp.ext.profile"};
        for (int i = 0; i < 8; i++)
            if (!strcmp(a, names[i]))
                w->rtp[i] = uint_of(fi);
        if (!strcmp(a, "rtp.csrc.item")) {
            g_string_append_printf(w->csrcs, "%08x", uint_of(fi));
            w->rtp_payload = fi->start + fi->length;
        } else if (!strcmp(a, "rtp.ext.len")) {
            guint32 words = uint_of(fi);
            gint start = fi->start + fi->length;
            gint n = (gint)(words * 4);
            gint avail = (gint)tvb_captured_length(fi->ds_tvb) - start;
            if (n > avail)
                n = avail;
            for (gint i = 0; i < n; i++)
                g_string_append_printf(w->ext, "%02x", tvb_get_guint8(fi->ds_tvb, start + i));
            w->rtp_payload = start + (gint)(words * 4);
        }
    } else if ((!strcmp(a, "rtcp") || !strcmp(a, "srtcp")) && w->in_dgram) {
        w->dgram_used = true;
        if (!w->rtcp_done) { /* a compound packet is one datagram: once */
            w->rtcp_done = true;
            fputs("C ", stdout);
            tvb_hex(w->payload_tvb, w->payload_start, w->payload_len);
            putchar('\n');
        }
        return;
    } else if (!strcmp(a, "stun.type") && w->in_dgram) {
        guint32 type = uint_of(fi);
        guint32 method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
        guint32 klass = ((type & 0x0010) >> 4) | ((type & 0x0100) >> 7);
        printf("S %u %u ", method, klass);
        stun_attrs_t at = {.id = {0x21, 0x12, 0xa4, 0x42}, .data_len = -1};
        if (node->parent)
            proto_tree_children_foreach(node->parent, stun_attrs, &at);
        const char *user = at.user;
        guint32 channel = at.channel, pport = at.port;
        int pfam = at.family;
        guint8 *peer = at.peer;
        fputs(user && *user && !strchr(user, ' ') ? user : "-", stdout);
        putchar('\n');
        if (method == 0x009 && klass == 0 && channel && pfam) {
            printf("B %u %d ", channel, pfam);
            hex(peer, pfam == 6 ? 16 : 4);
            printf(" %u\n", pport);
        }
        if ((method == 0x006 || method == 0x007) && klass == 1 && pfam && at.data_len >= 0) {
            printf("I %u %d ", method, pfam);
            hex(peer, pfam == 6 ? 16 : 4);
            printf(" %u ", pport);
            tvb_hex(at.data_tvb, at.data_start, at.data_len);
            putchar('\n');
            w->done = true; /* what DATA carries belongs to the relayed flow */
        }
    } else if (!strcmp(a, "stun.channel") && w->in_dgram) {
        guint32 ch = uint_of(fi);
        /* the data, by the message's own length: on TCP the padding and the
         * next messages follow it in the same buffer */
        gint avail = (gint)tvb_captured_length(fi->ds_tvb) - fi->start - 4;
        gint len = avail >= 0 ? (gint)tvb_get_ntohs(fi->ds_tvb, fi->start + 2) : 0;
        printf("T %u ", ch);
        tvb_hex(fi->ds_tvb, fi->start + 4, len < avail ? len : avail);
        putchar('\n');
        w->done = true;
        return;
    }
    proto_tree_children_foreach(node, walk, w);
}

static void walk(proto_node *node, gpointer data)
{
    walk_t *w = data;
    field_info *fi = PNODE_FINFO(node);
    if (w->quoted)
        return;
    if (w->done) {
        /* what a ChannelData carried was handed on whole; the next STUN or
         * ChannelData message of a TCP segment is read again */
        if (!fi || !fi->hfinfo || strcmp(fi->hfinfo->abbrev, "stun") != 0)
            return;
        w->done = false;
    }
    if (!fi) {
        proto_tree_children_foreach(node, walk, w);
        return;
    }
    field(w, node, fi);
}

static bool streaming; /* --stream: a live capture is waiting for each frame */

static int read_file(epan_t *session, struct packet_provider_data *prov, const char *path,
                     guint32 *framenum)
{
    int err = 0;
    gchar *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    if (!wth) {
        printf("E cannot read %s: %s\n", path, wtap_strerror(err));
        g_free(err_info);
        return -1;
    }
    wtap_rec rec;
    Buffer buf;
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
    epan_dissect_t *edt = epan_dissect_new(session, TRUE, TRUE);
    frame_data prev;
    bool have_prev = false;
    guint32 cum_bytes = 0;
    gint64 offset;
    walk_t w = {.csrcs = g_string_new(NULL), .ext = g_string_new(NULL)};
    int rc = 0;
    while (wtap_read(wth, &rec, &buf, &err, &err_info, &offset)) {
        if (rec.rec_type != REC_TYPE_PACKET)
            continue;
        frame_data fd;
        nstime_t elapsed;
        const frame_data *ref = NULL;
        nstime_set_zero(&elapsed);
        frame_data_init(&fd, ++*framenum, &rec, offset, cum_bytes);
        g_array_append_val(prov->times, rec.ts);
        frame_data_set_before_dissect(&fd, &elapsed, &ref, have_prev ? &prev : NULL);
        gint64 ts_us = (gint64)rec.ts.secs * 1000000 + rec.ts.nsecs / 1000;
        printf("F %u %" G_GINT64_FORMAT " %u %u\n", *framenum, ts_us,
               rec.rec_header.packet_header.caplen, rec.rec_header.packet_header.len);
        tvbuff_t *tvb =
            tvb_new_real_data(ws_buffer_start_ptr(&buf), rec.rec_header.packet_header.caplen,
                              (gint)rec.rec_header.packet_header.len);
        epan_dissect_run(edt, wtap_file_type_subtype(wth), &rec, tvb, &fd, NULL);
        w.family = 0;
        w.in_dgram = w.dgram_used = w.rtcp_done = w.in_rtp = w.done = w.quoted = false;
        w.transport = 0;
        proto_tree_children_foreach(edt->tree, walk, &w);
        if (w.in_dgram && !w.dgram_used)
            fputs("X\n", stdout);
        if (streaming)
            fflush(stdout);
        frame_data_set_after_dissect(&fd, &cum_bytes);
        prev = fd;
        have_prev = true;
        epan_dissect_reset(edt);
        frame_data_destroy(&fd);
        wtap_rec_reset(&rec);
    }
    if (err != 0) { /* a truncated file ends the reading, as for the native engine */
        printf("E %s: %s\n", path, wtap_strerror(err));
        rc = 1;
    }
    g_free(err_info);
    g_string_free(w.csrcs, TRUE);
    g_string_free(w.ext, TRUE);
    epan_dissect_free(edt);
    ws_buffer_free(&buf);
    wtap_rec_cleanup(&rec);
    wtap_close(wth);
    return rc;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--stream") == 0) {
        streaming = true;
        first = 2;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: callaudit-wireshark CAPTURE... | --stream -\n");
        return 2;
    }
    ws_log_init("callaudit-wireshark", NULL);
    init_process_policies();
    relinquish_special_privs_perm();
    wtap_init(FALSE);
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "callaudit-wireshark: libwireshark did not start\n");
        return 2;
    }
    epan_load_settings();
    /* What WebRTC needs: RTP/RTCP on any port, and DTLS and RTP found inside
     * a STUN conversation (ICE checks and media share the 5-tuple). */
    static const char *const heuristics[] = {"rtp_udp",   "rtcp_udp", "rtp_stun", "dtls_stun",
                                             "rtcp_stun", "dtls_udp", "stun_udp"};
    for (size_t i = 0; i < sizeof heuristics / sizeof heuristics[0]; i++)
        proto_enable_heuristic_by_name(heuristics[i], TRUE);
    static const struct packet_provider_funcs funcs = {frame_ts, interface_name, NULL, NULL};
    struct packet_provider_data prov = {g_array_new(FALSE, FALSE, sizeof(nstime_t))};
    epan_t *session = epan_new(&prov, &funcs);
    printf("W %s\n", epan_get_version());
    guint32 framenum = 0;
    int rc = 0;
    if (streaming)
        fflush(stdout);
    for (int i = first; i < argc && rc == 0; i++)
        rc = read_file(session, &prov, argv[i], &framenum);
    epan_free(session);
    g_array_free(prov.times, TRUE);
    epan_cleanup();
    wtap_cleanup();
    return fflush(stdout) != 0 ? 2 : rc < 0 ? 2 : 0;
}
