/* dtls_ladder.c - the handshake as people read it: the names of its steps,
 * the label of the steps one datagram carried, and the log of every
 * handshake datagram (copies included) that the HTML ladder and --annotate
 * draw. Part of the tracker (dtls_session.c feeds the log); kept apart
 * because it serves the reports, not the checks. */
#include <stdio.h>
#include <stdlib.h>

#include "dtls_session_priv.h"

const char *ca_dtls_step_name(const ca_dtls_step_t *step)
{
    switch (step->kind) {
    case CA_STEP_HANDSHAKE:
        return ca_dtls_hs_name(step->hs_type);
    case CA_STEP_CCS:
        return "change_cipher_spec";
    case CA_STEP_FINISHED:
        return "finished";
    case CA_STEP_ALERT:
        return "alert";
    case CA_STEP_ENCRYPTED:
        return "encrypted_handshake";
    case CA_STEP_HELLO_RETRY:
        return "hello_retry_request";
    }
    return "unknown";
}

size_t ca_dtls_frame_steps(const ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir, char *buf,
                           size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_steps && used + 1 < size; i++) {
        const ca_dtls_step_t *st = &s->steps[i];
        if (st->frame != frame || st->dir != dir)
            continue;
        bool alert = st->kind == CA_STEP_ALERT;
        int n = snprintf(buf + used, size - used, "%s%s%s%s", used ? ", " : "",
                         ca_dtls_step_name(st), alert ? " " : "",
                         !alert                 ? ""
                         : st->alert_level == 0 ? "(encrypted)"
                                                : ca_dtls_alert_name(st->alert_description));
        if (n < 0)
            break;
        used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
    return used;
}

/* Handshake and (DTLS 1.3, encrypted) early records, for the ladder:
 * records of other types (application data) are not part of it. */
uint8_t ca_dtls_record_kind(const ca_dtls_record_t *rec)
{
    if (rec->unified)
        return CA_DG_ENCRYPTED;
    switch (rec->content_type) {
    case CA_DTLS_CT_HANDSHAKE:
        return CA_DG_HANDSHAKE;
    case CA_DTLS_CT_CCS:
        return CA_DG_CCS;
    case CA_DTLS_CT_ALERT:
        return CA_DG_ALERT;
    default:
        return 0;
    }
}

uint64_t ca_dtls_copies_seen(const ca_dtls_session_t *s)
{
    return s->reasm[0].retransmitted + s->reasm[1].retransmitted + s->resent_records;
}

/* Log the datagram for the ladder. DTLS 1.3 records after the handshake
 * look the same as its encrypted flights: only the first few are kept. */
void ca_dtls_log_datagram(ca_dtls_session_t *s, const ca_endpoint_t *src, uint64_t frame,
                          int64_t ts_us, size_t len, uint8_t kinds, bool resent)
{
    if (kinds == 0)
        return;
    if (!s->keep_ladder || (kinds == CA_DG_ENCRYPTED && s->complete))
        return;
    if (!s->datagrams)
        s->datagrams = calloc(CA_DTLS_MAX_DATAGRAMS, sizeof *s->datagrams);
    if (!s->datagrams || s->n_datagrams == CA_DTLS_MAX_DATAGRAMS) {
        s->datagrams_dropped++;
        return;
    }
    ca_dtls_datagram_t *d = &s->datagrams[s->n_datagrams++];
    d->frame = frame;
    d->ts_us = ts_us;
    d->len = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
    d->dir = (uint8_t)(s->roles_known ? ca_dtls_session_dir(s, src) : CA_C2S);
    d->kinds = kinds;
    d->resent = resent;
}
