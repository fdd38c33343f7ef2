/* pcap_live.c - live capture and pcap writing through libpcap; see pcap_live.h. */
#include "pcap_live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "link.h"

#define DEFAULT_BUFFER_KIB (32 * 1024)
#define DEFAULT_SNAPLEN    262144

struct ca_live {
    pcap_t *pc;
    pcap_dumper_t *dumper;
    int dlt;
    int fd; /* selectable descriptor */
    /* the packet being delivered, for ca_live_write_current */
    const struct pcap_pkthdr *cur_hdr;
    const u_char *cur_data;
    /* ca_live_poll's arguments, for the libpcap callback */
    uint64_t *next_frame;
    ca_frame_fn fn;
    void *user;
};

/* libpcap's activation warnings and errors, as one line a user can act on. */
static void activation_error(pcap_t *pc, int rc, const char *iface, char *err, size_t err_size)
{
    const char *why = pcap_geterr(pc);
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        snprintf(err, err_size, "no such interface '%s'%s%s", iface, why[0] ? ": " : "", why);
        break;
    case PCAP_ERROR_PERM_DENIED:
        snprintf(
            err, err_size,
            "no permission to capture on '%s' (needs root or CAP_NET_RAW and CAP_NET_ADMIN)%s%s",
            iface, why[0] ? ": " : "", why);
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        snprintf(err, err_size, "interface '%s' is down", iface);
        break;
    default:
        snprintf(err, err_size, "cannot capture on '%s': %s", iface,
                 why[0] ? why : pcap_statustostr(rc));
    }
}

ca_live_t *ca_live_open(const ca_live_opts_t *o, char *err, size_t err_size)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    ca_live_t *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    l->pc = pcap_create(o->iface, errbuf);
    if (!l->pc) {
        snprintf(err, err_size, "cannot capture on '%s': %s", o->iface, errbuf);
        goto fail;
    }
    int buffer_kib = o->buffer_kib > 0 ? o->buffer_kib : DEFAULT_BUFFER_KIB;
    if (pcap_set_snaplen(l->pc, o->snaplen ? (int)o->snaplen : DEFAULT_SNAPLEN) != 0 ||
        pcap_set_promisc(l->pc, 1) != 0 || pcap_set_immediate_mode(l->pc, 1) != 0 ||
        pcap_set_buffer_size(l->pc, buffer_kib * 1024) != 0 ||
        pcap_set_tstamp_precision(l->pc, PCAP_TSTAMP_PRECISION_MICRO) != 0) {
        snprintf(err, err_size, "cannot set up the capture on '%s'", o->iface);
        goto fail;
    }
    int rc = pcap_activate(l->pc);
    if (rc < 0) {
        activation_error(l->pc, rc, o->iface, err, err_size);
        goto fail;
    }
    /* rc > 0 is a warning (e.g. promiscuous mode not supported): go on */
    l->dlt = pcap_datalink(l->pc);
    if (!ca_link_supported(l->dlt)) {
        const char *name = pcap_datalink_val_to_name(l->dlt);
        snprintf(err, err_size, "'%s': unsupported link type %s (%d)", o->iface, name ? name : "?",
                 l->dlt);
        goto fail;
    }
    if (o->filter) {
        struct bpf_program prog;
        if (pcap_compile(l->pc, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(err, err_size, "bad filter '%s': %s", o->filter, pcap_geterr(l->pc));
            goto fail;
        }
        int set = pcap_setfilter(l->pc, &prog);
        pcap_freecode(&prog);
        if (set != 0) {
            snprintf(err, err_size, "cannot apply the filter: %s", pcap_geterr(l->pc));
            goto fail;
        }
    }
    if (pcap_setnonblock(l->pc, 1, errbuf) != 0) {
        snprintf(err, err_size, "cannot capture on '%s': %s", o->iface, errbuf);
        goto fail;
    }
    l->fd = pcap_get_selectable_fd(l->pc);
    if (l->fd < 0) {
        snprintf(err, err_size, "'%s' cannot be waited on", o->iface);
        goto fail;
    }
    if (o->write_path) {
        l->dumper = pcap_dump_open(l->pc, o->write_path);
        if (!l->dumper) {
            snprintf(err, err_size, "cannot write %s: %s", o->write_path, pcap_geterr(l->pc));
            goto fail;
        }
    }
    return l;
fail:
    ca_live_close(l);
    return NULL;
}

int ca_live_dlt(const ca_live_t *l)
{
    return l->dlt;
}

const char *ca_live_link_name(const ca_live_t *l)
{
    const char *name = pcap_datalink_val_to_name(l->dlt);
    return name ? name : "?";
}

void ca_live_close(ca_live_t *l)
{
    if (!l)
        return;
    if (l->dumper)
        pcap_dump_close(l->dumper);
    if (l->pc)
        pcap_close(l->pc);
    free(l);
}

static void deliver(u_char *user, const struct pcap_pkthdr *hdr, const u_char *data)
{
    ca_live_t *l = (ca_live_t *)user;
    l->cur_hdr = hdr;
    l->cur_data = data;
    int64_t ts_us = ca_capture_time_us(hdr->ts.tv_sec, hdr->ts.tv_usec);
    l->fn(l->user, l->dlt, (*l->next_frame)++, ts_us, data, hdr->caplen, hdr->len);
    l->cur_hdr = NULL;
    l->cur_data = NULL;
}

int ca_live_poll(ca_live_t *l, int timeout_ms, uint64_t *next_frame, ca_frame_fn fn, void *user,
                 char *err, size_t err_size)
{
    struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
    int ready = poll(&pfd, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) {
        snprintf(err, err_size, "waiting for packets: %s", strerror(errno));
        return -1;
    }
    if (ready <= 0)
        return 0;
    l->next_frame = next_frame;
    l->fn = fn;
    l->user = user;
    int n = pcap_dispatch(l->pc, -1, deliver, (u_char *)l);
    if (n == PCAP_ERROR) {
        snprintf(err, err_size, "capture failed: %s", pcap_geterr(l->pc));
        return -1;
    }
    return n < 0 ? 0 : n;
}

void ca_live_write_current(ca_live_t *l)
{
    if (l->dumper && l->cur_hdr)
        pcap_dump((u_char *)l->dumper, l->cur_hdr, l->cur_data);
}

int ca_live_stats(ca_live_t *l, ca_live_stats_t *out)
{
    struct pcap_stat st;
    memset(out, 0, sizeof *out);
    if (pcap_stats(l->pc, &st) != 0)
        return -1;
    out->received = st.ps_recv;
    out->dropped = st.ps_drop;
    out->if_dropped = st.ps_ifdrop;
    return 0;
}

int ca_live_flush(ca_live_t *l)
{
    return l->dumper ? pcap_dump_flush(l->dumper) : 0;
}
