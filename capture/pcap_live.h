/* pcap_live.h - capturing from an interface through libpcap, and writing
 * what was captured to a pcap file (`callaudit live -w`).
 *
 * The interface is opened promiscuous, in immediate mode (packets are handed
 * over as they arrive, not when a kernel block fills) and with a buffer sized
 * for bursts of video; the caller waits on it with a timeout so that time
 * goes on (flows expire, signals are seen) when no packet arrives.
 */
#ifndef CA_PCAP_LIVE_H
#define CA_PCAP_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap_source.h"

typedef struct ca_live ca_live_t;

typedef struct {
    const char *iface;
    const char *filter;     /* BPF (tcpdump syntax) or NULL */
    int buffer_kib;         /* kernel buffer; 0: the default (32 MiB) */
    uint32_t snaplen;       /* 0: 262144, the whole packet */
    const char *write_path; /* -w: write captured packets here, or NULL */
} ca_live_opts_t;

/* Open and activate; NULL with a one-line reason in ERR (no such interface,
 * no permission, bad filter, unsupported link type, unwritable -w file). */
ca_live_t *ca_live_open(const ca_live_opts_t *o, char *err, size_t err_size);
void ca_live_close(ca_live_t *l);

/* The link type (DLT_ value). */
int ca_live_dlt(const ca_live_t *l);

/* The link type's name, e.g. "EN10MB". */
const char *ca_live_link_name(const ca_live_t *l);

/* Wait up to TIMEOUT_MS for packets and hand each to FN, numbered from
 * *NEXT_FRAME on. Returns how many were handed over (0 on timeout or when a
 * signal interrupted the wait), or -1 with a reason in ERR. */
int ca_live_poll(ca_live_t *l, int timeout_ms, uint64_t *next_frame, ca_frame_fn fn, void *user,
                 char *err, size_t err_size);

/* Write the packet being handed to FN to the -w file (call it from FN). */
void ca_live_write_current(ca_live_t *l);

/* The kernel's counters (pcap_stats): packets received by the filter,
 * dropped for lack of buffer space, dropped by the interface. */
typedef struct {
    uint64_t received, dropped, if_dropped;
} ca_live_stats_t;
int ca_live_stats(ca_live_t *l, ca_live_stats_t *out);

/* Flush the -w file; returns -1 on a write error (disk full). */
int ca_live_flush(ca_live_t *l);

#endif
