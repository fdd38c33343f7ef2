/* dtls_session_priv.h - what dtls_session.c and dtls_session13.c share
 * inside the handshake tracker; not for other modules. */
#ifndef CA_DTLS_SESSION_PRIV_H
#define CA_DTLS_SESSION_PRIV_H

#include "dtls_session.h"

#define TRANSCRIPT_MAX (256 * 1024)

__attribute__((format(printf, 3, 4))) void
ca_dtls_add_violation(ca_dtls_session_t *s, uint64_t frame, const char *fmt, ...);
ca_dtls_step_t *ca_dtls_add_step(ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir,
                                 ca_step_kind_t kind, uint8_t hs_type);
/* Keep a copy of a leaf certificate, its thumbprint and what OpenSSL reads in it. */
void ca_dtls_store_leaf(ca_dtls_cert_t *c, ca_cursor_t der);
/* An alert from DIR: a step in the ladder, a fatal one remembered, a goodbye noted. */
void ca_dtls_note_alert(ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir,
                        const ca_dtls_alert_t *alert);
/* DIR's messages now in order, each to ca_dtls_process_message. */
void ca_dtls_release_messages(ca_dtls_session_t *s, ca_dir_t dir);
/* One whole handshake message of sender DIR, in order. */
void ca_dtls_process_message(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg);

/* The ladder (dtls_ladder.c): what kind of record it is for the log (0: not
 * part of the handshake), the copies seen so far, and one datagram's entry. */
uint8_t ca_dtls_record_kind(const ca_dtls_record_t *rec);
uint64_t ca_dtls_copies_seen(const ca_dtls_session_t *s);
void ca_dtls_log_datagram(ca_dtls_session_t *s, const ca_endpoint_t *src, uint64_t frame,
                          int64_t ts_us, size_t len, uint8_t kinds, bool resent);

/* DTLS 1.3 (dtls_session13.c) */
void ca_dtls13_take_certificate(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg);
void ca_dtls13_transcript_add(ca_dtls_session_t *s, const ca_dtls_message_t *msg);
void ca_dtls13_check_order(ca_dtls_session_t *s, const ca_dtls_step_t *st);
void ca_dtls13_take_encrypted_extensions(ca_dtls_session_t *s, ca_cursor_t body);
void ca_dtls13_finished(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg);
bool ca_dtls13_open_record(ca_dtls_session_t *s, const ca_endpoint_t *src, uint64_t frame,
                           const uint8_t *hdr, size_t hdr_len, const ca_dtls_record_t *rec);

#endif
