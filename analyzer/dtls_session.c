/* dtls_session.c - the DTLS handshake tracker; see dtls_session.h.
 *
 * Message order (RFC 6347 4.2.4 and RFC 5246 7.3), full handshake:
 *
 *   Client                                        Server
 *   ClientHello            -------->
 *                          <--------   HelloVerifyRequest (optional)
 *   ClientHello            -------->
 *                                      ServerHello, Certificate*,
 *                                      ServerKeyExchange*, CertificateRequest*,
 *                          <--------   ServerHelloDone
 *   Certificate*, ClientKeyExchange,
 *   CertificateVerify*, [ChangeCipherSpec],
 *   Finished               -------->
 *                                      NewSessionTicket*, [ChangeCipherSpec],
 *                          <--------   Finished
 *
 * and abbreviated (resumption): ClientHello; ServerHello, NewSessionTicket*,
 * [ChangeCipherSpec], Finished; [ChangeCipherSpec], Finished. Each message
 * gets a position in that order; one that comes before a message already
 * seen, or from the wrong side, is a HANDSHAKE_ORDER violation.
 */
#include "dtls_session.h"

#include "certificate.h"
#include "dtls13_keys.h"
#include "dtls_session_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

enum {
    POS_NONE = -1,
    POS_CLIENT_HELLO,
    POS_HELLO_VERIFY,
    POS_CLIENT_HELLO_2,
    POS_SERVER_HELLO,
    POS_SERVER_CERT,
    POS_SERVER_KEY_EXCHANGE,
    POS_CERT_REQUEST,
    POS_SERVER_HELLO_DONE,
    POS_CLIENT_CERT,
    POS_CLIENT_KEY_EXCHANGE,
    POS_CERT_VERIFY,
    POS_CLIENT_CCS,
    POS_CLIENT_FINISHED,
    POS_SESSION_TICKET,
    POS_SERVER_CCS,
    POS_SERVER_FINISHED,
    POS_CLIENT_CCS_ABBR, /* resumption: the client finishes last */
    POS_CLIENT_FINISHED_ABBR,
};

ca_dtls_session_t *ca_dtls_session_new(void)
{
    ca_dtls_session_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->order_pos = POS_NONE;
    ca_dtls_reasm_init(&s->reasm[0]);
    ca_dtls_reasm_init(&s->reasm[1]);
    return s;
}

static void free_parked_keys(ca_dtls_session_t *s);

void ca_dtls_session_free(ca_dtls_session_t *s)
{
    if (!s)
        return;
    free_parked_keys(s); /* a worker may still write into it */
    ca_dtls_reasm_free(&s->reasm[0]);
    ca_dtls_reasm_free(&s->reasm[1]);
    free(s->cert[0].der);
    free(s->cert[1].der);
    EVP_PKEY_free(s->cert[0].pkey);
    EVP_PKEY_free(s->cert[1].pkey);
    free(s->transcript);
    free(s->k13.transcript);
    free(s->finrec);
    free(s->violations);
    free(s->datagrams);
    free(s);
}

ca_dir_t ca_dtls_session_dir(const ca_dtls_session_t *s, const ca_endpoint_t *src)
{
    return s->roles_known && ca_endpoint_equal(src, &s->server) ? CA_S2C : CA_C2S;
}

void ca_dtls_add_violation(ca_dtls_session_t *s, uint64_t frame, const char *fmt, ...)
{
    va_list ap;
    if (!s->violations)
        s->violations = calloc(CA_DTLS_MAX_VIOLATIONS, sizeof *s->violations);
    if (!s->violations || s->n_violations == CA_DTLS_MAX_VIOLATIONS) {
        s->violations_dropped++;
        return;
    }
    ca_dtls_violation_t *v = &s->violations[s->n_violations++];
    v->frame = frame;
    va_start(ap, fmt);
    vsnprintf(v->what, sizeof v->what, fmt, ap);
    va_end(ap);
}

ca_dtls_step_t *ca_dtls_add_step(ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir,
                                 ca_step_kind_t kind, uint8_t hs_type)
{
    if (s->n_steps == CA_DTLS_MAX_STEPS) {
        s->steps_dropped++;
        return NULL;
    }
    ca_dtls_step_t *st = &s->steps[s->n_steps++];
    memset(st, 0, sizeof *st);
    s->last_step_us = s->last_us;
    st->frame = frame;
    st->dir = dir;
    st->kind = kind;
    st->hs_type = hs_type;
    return st;
}

static int position(const ca_dtls_session_t *s, ca_dir_t dir, ca_step_kind_t kind, uint8_t type)
{
    if (kind == CA_STEP_CCS)
        return dir == CA_S2C ? POS_SERVER_CCS : s->resumed ? POS_CLIENT_CCS_ABBR : POS_CLIENT_CCS;
    if (kind == CA_STEP_HELLO_RETRY)
        return dir == CA_S2C ? POS_HELLO_VERIFY : POS_NONE; /* the same place in the order */
    if (kind == CA_STEP_FINISHED)
        return dir == CA_S2C ? POS_SERVER_FINISHED
               : s->resumed  ? POS_CLIENT_FINISHED_ABBR
                             : POS_CLIENT_FINISHED;
    if (dir == CA_C2S) {
        switch (type) {
        case CA_HS_CLIENT_HELLO:
            return s->hello_verify || s->hello_retry ? POS_CLIENT_HELLO_2 : POS_CLIENT_HELLO;
        case CA_HS_CERTIFICATE:
            return POS_CLIENT_CERT;
        case CA_HS_CLIENT_KEY_EXCHANGE:
            return POS_CLIENT_KEY_EXCHANGE;
        case CA_HS_CERTIFICATE_VERIFY:
            return POS_CERT_VERIFY;
        default:
            return POS_NONE;
        }
    }
    switch (type) {
    case CA_HS_HELLO_VERIFY:
        return POS_HELLO_VERIFY;
    case CA_HS_SERVER_HELLO:
        return POS_SERVER_HELLO;
    case CA_HS_CERTIFICATE:
        return POS_SERVER_CERT;
    case CA_HS_SERVER_KEY_EXCHANGE:
        return POS_SERVER_KEY_EXCHANGE;
    case CA_HS_CERTIFICATE_REQUEST:
        return POS_CERT_REQUEST;
    case CA_HS_SERVER_HELLO_DONE:
        return POS_SERVER_HELLO_DONE;
    case CA_HS_NEW_SESSION_TICKET:
        return POS_SESSION_TICKET;
    default:
        return POS_NONE;
    }
}

/* RFC 6347 4.2.4: a message must not come before one that follows it. */
static void check_order(ca_dtls_session_t *s, const ca_dtls_step_t *st)
{
    int pos = position(s, st->dir, st->kind, st->hs_type);
    const char *name = ca_dtls_step_name(st);
    if (pos == POS_NONE) {
        ca_dtls_add_violation(s, st->frame, "%s from the %s", name,
                              st->dir == CA_C2S ? "client" : "server");
        return;
    }
    if (pos <= s->order_pos) {
        /* the step whose position we are at, for the message */
        const char *after = "a later message";
        for (size_t i = 0; i + 1 < s->n_steps; i++)
            if (position(s, s->steps[i].dir, s->steps[i].kind, s->steps[i].hs_type) == s->order_pos)
                after = ca_dtls_step_name(&s->steps[i]);
        ca_dtls_add_violation(s, st->frame, "%s after %s", name, after);
        return;
    }
    s->order_pos = pos;
}

static bool has_step(const ca_dtls_session_t *s, ca_dir_t dir, uint8_t type)
{
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].kind == CA_STEP_HANDSHAKE && s->steps[i].dir == dir &&
            s->steps[i].hs_type == type)
            return true;
    return false;
}

/* At completion: a full handshake must have had the messages DTLS-SRTP needs. */
static void check_mandatory(ca_dtls_session_t *s)
{
    if (ca_dtls_session_gap(s))
        return; /* what is absent may just not be in the capture */
    static const struct {
        ca_dir_t dir;
        uint8_t type;
    } full[] = {
        {CA_C2S, CA_HS_CLIENT_HELLO},
        {CA_S2C, CA_HS_SERVER_HELLO},
        {CA_S2C, CA_HS_SERVER_HELLO_DONE},
        {CA_C2S, CA_HS_CLIENT_KEY_EXCHANGE},
    };
    for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
        if (s->resumed && full[i].type != CA_HS_CLIENT_HELLO && full[i].type != CA_HS_SERVER_HELLO)
            continue;
        if (!has_step(s, full[i].dir, full[i].type))
            ca_dtls_add_violation(s, s->complete_frame, "handshake completed without %s",
                                  ca_dtls_hs_name(full[i].type));
    }
    /* RFC 5246 7.4.8: a client that sent a certificate proves it holds the key. */
    if (s->cert[CA_C2S].chain_len > 0 && !has_step(s, CA_C2S, CA_HS_CERTIFICATE_VERIFY))
        ca_dtls_add_violation(s, s->complete_frame,
                              "client certificate without certificate_verify");
}

/* Certificate (RFC 5246 7.4.2): keep the leaf; it must parse to exactly its length. */
/* Keep a copy of the leaf certificate, its thumbprint and what OpenSSL reads in it. */
void ca_dtls_store_leaf(ca_dtls_cert_t *c, ca_cursor_t der)
{
    const uint8_t *bytes;
    size_t len = ca_cursor_left(&der);
    if (ca_cursor_bytes(&der, len, &bytes) != CA_OK || !(c->der = malloc(len)))
        return;
    memcpy(c->der, bytes, len);
    c->der_len = len;
    if (ca_thumbprint_der(c->der, len, c->thumbprint) != CA_OK)
        return;
    ca_certificate_t cert;
    if (ca_certificate_read(c->der, len, &cert)) {
        c->parsed = true;
        c->pkey = cert.pkey;
        memcpy(c->subject, cert.subject, sizeof c->subject);
        memcpy(c->key, cert.key, sizeof c->key);
    }
}

static void take_certificate(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg)
{
    ca_dtls_cert_t *c = &s->cert[dir];
    ca_cursor_t body = msg->body, list, der;
    if (c->present)
        return; /* a second Certificate is an order violation, reported as such */
    c->present = true;
    c->frame = msg->frame;
    if (ca_dtls_certificate_list(&body, &list) != CA_OK) {
        s->malformed_messages++;
        ca_dtls_add_violation(s, msg->frame, "malformed certificate from the %s",
                              dir == CA_C2S ? "client" : "server");
        return;
    }
    while (ca_cursor_left(&list) > 0) {
        if (ca_dtls_certificate_next(&list, &der) != CA_OK) {
            s->malformed_messages++;
            c->malformed = true;
            break;
        }
        if (c->chain_len++ == 0)
            ca_dtls_store_leaf(c, der);
    }
}

static void take_server_hello(ca_dtls_session_t *s, const ca_dtls_message_t *msg)
{
    ca_dtls_hello_t h;
    ca_cursor_t body = msg->body;
    if (ca_dtls_server_hello_decode(&body, &h) != CA_OK) {
        s->malformed_messages++;
        ca_dtls_add_violation(s, msg->frame, "malformed server_hello");
        return;
    }
    if (h.hello_retry_request) {
        s->hello_retry = true;
        return;
    }
    s->server_hello = h;
    s->have_server_hello = true;
    s->version = ca_dtls_hello_version(&h);
    s->cipher_suite = h.cipher_suites[0];
    s->srtp_chosen = h.has_use_srtp;
    s->srtp_profile = h.n_srtp_profiles > 0 ? h.srtp_profiles[0] : 0;
    const ca_dtls_hello_t *ch = &s->client_hello;
    s->resumed = s->have_client_hello && h.session_id_len > 0 &&
                 h.session_id_len == ch->session_id_len &&
                 memcmp(h.session_id, ch->session_id, h.session_id_len) == 0;
    /* RFC 5764 4.1.1: the server picks one profile the client offered. */
    if (s->srtp_chosen && s->have_client_hello) {
        bool offered = false;
        for (size_t i = 0; i < ch->n_srtp_profiles; i++)
            offered |= ch->srtp_profiles[i] == s->srtp_profile;
        if (h.n_srtp_profiles != 1 || !offered)
            ca_dtls_add_violation(
                s, msg->frame, "server_hello use_srtp chose %s, not one profile the client offered",
                ca_dtls_srtp_profile_name(s->srtp_profile));
    }
}

/* RFC 8446 4.1.3: a ServerHello whose random is SHA-256("HelloRetryRequest");
 * only the random is read here, take_server_hello decodes the rest. */
static bool is_hello_retry(const ca_dtls_message_t *msg)
{
    ca_cursor_t c = msg->body;
    const uint8_t *random;
    return msg->msg_type == CA_HS_SERVER_HELLO && ca_cursor_skip(&c, 2) == CA_OK &&
           ca_cursor_bytes(&c, 32, &random) == CA_OK && ca_dtls_is_hello_retry_random(random);
}

static void transcript_add(ca_dtls_session_t *s, const ca_dtls_message_t *msg)
{
    ca_dtls13_transcript_add(s, msg);
    if (s->transcript_lost)
        return;
    if (msg->msg_type == CA_HS_HELLO_VERIFY) {
        s->transcript_len = 0;
        return;
    }
    size_t len = ca_cursor_left(&msg->body), need = s->transcript_len + 12 + len;
    if (need > TRANSCRIPT_MAX) {
        s->transcript_lost = true;
        return;
    }
    if (need > s->transcript_cap) {
        size_t cap = need * 2 < TRANSCRIPT_MAX ? need * 2 : TRANSCRIPT_MAX;
        uint8_t *grown = realloc(s->transcript, cap);
        if (!grown) {
            s->transcript_lost = true;
            return;
        }
        s->transcript = grown;
        s->transcript_cap = cap;
    }
    uint8_t *w = s->transcript + s->transcript_len;
    uint32_t l = (uint32_t)len;
    const uint8_t hdr[12] = {msg->msg_type,
                             (uint8_t)(l >> 16),
                             (uint8_t)(l >> 8),
                             (uint8_t)l,
                             (uint8_t)(msg->message_seq >> 8),
                             (uint8_t)msg->message_seq,
                             0,
                             0,
                             0,
                             (uint8_t)(l >> 16),
                             (uint8_t)(l >> 8),
                             (uint8_t)l};
    memcpy(w, hdr, sizeof hdr);
    ca_cursor_t body = msg->body;
    const uint8_t *bytes;
    if (len && ca_cursor_bytes(&body, len, &bytes) == CA_OK)
        memcpy(w + 12, bytes, len);
    s->transcript_len = need;
}

/* ServerKeyExchange (RFC 8422 5.4, RFC 5246 7.4.3): the signed parameters,
 * then the DigitallySigned structure over client_random + server_random + params. */
static void check_ske(ca_dtls_session_t *s, const ca_dtls_message_t *msg)
{
    ca_sig_result_t *r = &s->ske_signature;
    ca_cursor_t c = msg->body, sig;
    uint8_t curve_type, point_len;
    ca_sig_start(&s->sig_pending, r, msg->frame);
    if (!s->have_client_hello || !s->have_server_hello) {
        r->status = CA_SIG_UNCHECKED;
        snprintf(r->why, sizeof r->why, "a hello is missing: the signed randoms are unknown");
        return;
    }
    /* Reading a PSK or EC-JPAKE exchange as signed ECDHE would take its
     * bytes for a signature and call it forged. */
    ca_dtls_kx_t kx = ca_dtls_suite_key_exchange(s->cipher_suite);
    if (kx != CA_KX_SIGNED) {
        r->status = kx == CA_KX_UNKNOWN ? CA_SIG_UNCHECKED : CA_SIG_UNSIGNED;
        snprintf(r->why, sizeof r->why, "%s%s",
                 kx == CA_KX_UNKNOWN ? "the key exchange of an unknown suite cannot be read"
                                     : "the key exchange of this suite is not signed: ",
                 kx == CA_KX_UNKNOWN ? "" : ca_dtls_cipher_suite_name(s->cipher_suite));
        return;
    }
    if (ca_cursor_u8(&c, &curve_type) != CA_OK || curve_type != 3 ||
        ca_cursor_skip(&c, 2) != CA_OK || ca_cursor_u8(&c, &point_len) != CA_OK ||
        ca_cursor_skip(&c, point_len) != CA_OK) {
        r->status = CA_SIG_UNCHECKED;
        snprintf(r->why, sizeof r->why, "not named-curve ECDHE parameters");
        return;
    }
    size_t params_len = 4u + point_len;
    uint8_t data[64 + 4 + 255];
    const uint8_t *params;
    ca_cursor_t p = msg->body;
    if (ca_cursor_bytes(&p, params_len, &params) != CA_OK)
        return;
    memcpy(data, s->client_hello.random, 32);
    memcpy(data + 32, s->server_hello.random, 32);
    memcpy(data + 64, params, params_len);
    sig = c;
    ca_sig_verify_async(&s->sig_pending, s->cert[CA_S2C].pkey, s->cert[CA_S2C].der != NULL, data,
                        64 + params_len, sig, r);
}

static void check_cv(ca_dtls_session_t *s, const ca_dtls_message_t *msg)
{
    ca_sig_result_t *r = &s->cv_signature;
    ca_sig_start(&s->sig_pending, r, msg->frame);
    if (s->transcript_lost || ca_dtls_session_gap(s)) {
        r->status = CA_SIG_UNCHECKED;
        snprintf(r->why, sizeof r->why, "the handshake transcript is not complete in the capture");
    } else {
        ca_sig_verify_async(&s->sig_pending, s->cert[CA_C2S].pkey, s->cert[CA_C2S].der != NULL,
                            s->transcript, s->transcript_len, msg->body, r);
    }
    if (s->keep_transcript)
        return; /* the Finished need it, with this message */
    free(s->transcript);
    s->transcript = NULL;
    s->transcript_len = s->transcript_cap = 0;
    s->transcript_lost = true;
}

void ca_dtls_process_message(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg)
{
    /* CertificateVerify and Finished sign the transcript before them */
    if (msg->msg_type != CA_HS_CERTIFICATE_VERIFY && msg->msg_type != CA_HS_FINISHED)
        transcript_add(s, msg);
    ca_cursor_t body = msg->body;
    ca_step_kind_t kind = is_hello_retry(msg) ? CA_STEP_HELLO_RETRY : CA_STEP_HANDSHAKE;
    ca_dtls_step_t *st = ca_dtls_add_step(s, msg->frame, dir, kind, msg->msg_type);
    bool v13 = s->version == CA_DTLS_V13 && msg->msg_type != CA_HS_CLIENT_HELLO &&
               msg->msg_type != CA_HS_SERVER_HELLO;
    /* A message of the flight before this sender's ChangeCipherSpec or
     * Finished that comes after it: its first datagram was lost (seen under
     * loss) and this is the copy from the retransmitted flight, or a message
     * held behind it. As with a late CCS, stacks refuse a real misordering
     * themselves (the Finished hash would not match); the tracker does not
     * blame it on the order. */
    bool late = st && !v13 && kind == CA_STEP_HANDSHAKE && (s->finished[dir] || s->ccs[dir]) &&
                position(s, dir, kind, msg->msg_type) != POS_NONE &&
                position(s, dir, kind, msg->msg_type) < position(s, dir, CA_STEP_FINISHED, 0);
    if (st && v13)
        ca_dtls13_check_order(s, st);
    else if (st && !late)
        check_order(s, st);
    switch (msg->msg_type) {
    case CA_HS_CLIENT_HELLO:
        if (ca_dtls_client_hello_decode(&body, &s->client_hello) != CA_OK) {
            s->malformed_messages++;
            ca_dtls_add_violation(s, msg->frame, "malformed client_hello");
            break;
        }
        s->have_client_hello = true;
        s->srtp_offered = s->client_hello.has_use_srtp;
        break;
    case CA_HS_HELLO_VERIFY:
        s->hello_verify = true;
        break;
    case CA_HS_SERVER_HELLO:
        if (dir == CA_S2C)
            take_server_hello(s, msg);
        if (s->version == CA_DTLS_V13)
            ca_dtls13_start(s);
        break;
    case CA_HS_ENCRYPTED_EXTENSIONS:
        if (v13 && dir == CA_S2C)
            ca_dtls13_take_encrypted_extensions(s, body);
        break;
    case CA_HS_CERTIFICATE:
        if (v13)
            ca_dtls13_take_certificate(s, dir, msg);
        else
            take_certificate(s, dir, msg);
        break;
    case CA_HS_SERVER_KEY_EXCHANGE:
        if (ca_dtls_ske_group(&body, &s->ske_group) != CA_OK)
            s->ske_group = 0;
        if (dir == CA_S2C)
            check_ske(s, msg);
        break;
    case CA_HS_CERTIFICATE_VERIFY:
        if (v13)
            ca_dtls13_check_cv(s, dir, msg->frame, body);
        else if (dir == CA_C2S)
            check_cv(s, msg);
        transcript_add(s, msg); /* for the Finished (a no-op once dropped) */
        break;
    case CA_HS_FINISHED:
        if (v13)
            ca_dtls13_finished(s, dir, msg);
        transcript_add(s, msg);
        break;
    default:
        break;
    }
}

/* Messages of DIR still held behind a message_seq the capture has not shown
 * (or shown in part): once the peer answered, it had them all, so the
 * capture will not show them (a sender resends only what went unanswered).
 * Release what is held and count the gap, before each message is read, so
 * that a signature check knows the transcript has a hole. ANSWERED (the
 * peer did answer, not just the capture ended) gives up on incomplete
 * messages after the last complete one too: with no answer their missing
 * pieces may never have been sent. */
static void flush_direction(ca_dtls_session_t *s, ca_dir_t dir, bool answered)
{
    ca_dtls_reasm_t *r = &s->reasm[dir];
    ca_dtls_message_t msg;
    uint64_t before = r->skipped;
    while (ca_dtls_reasm_flush(r, &msg)) {
        s->messages_missed[dir] += r->skipped - before;
        before = r->skipped;
        ca_dtls_process_message(s, dir, &msg);
    }
    if (answered)
        ca_dtls_reasm_abandon(r);
    s->messages_missed[dir] += r->skipped - before;
}

static ca_dir_t peer_of(ca_dir_t dir)
{
    return dir == CA_C2S ? CA_S2C : CA_C2S;
}

/* DIR's messages that are now in order. A new one means its sender had the
 * whole of the peer's flight before it (RFC 6347 4.2.4: flights alternate),
 * so the peer's direction is flushed first: its held messages, sent before,
 * are read before, and the transcript keeps the order both endpoints hashed.
 * DIR's own holes stay open: its retransmitted flight may still fill them. */
void ca_dtls_release_messages(ca_dtls_session_t *s, ca_dir_t dir)
{
    ca_dtls_message_t msg;
    while (ca_dtls_reasm_next(&s->reasm[dir], &msg)) {
        flush_direction(s, peer_of(dir), true);
        ca_dtls_process_message(s, dir, &msg);
    }
}

bool ca_dtls_client_flight_missed(const ca_dtls_session_t *s)
{
    return s->finished[CA_S2C] && !s->finished[CA_C2S] && !s->resumed && !s->ccs[CA_C2S];
}

bool ca_dtls_session_gap(const ca_dtls_session_t *s)
{
    return s->messages_missed[CA_C2S] > 0 || s->messages_missed[CA_S2C] > 0 || !s->roles_known ||
           !s->have_client_hello || ca_dtls_client_flight_missed(s);
}

/* The certificates' public keys (a few KB each in OpenSSL 3), once no
 * signature is left to check under them: no later check sees them. A check
 * still in flight holds references of its own; the last reference is then
 * dropped here only after it is done (parked till then), so that the
 * worker's use of the key is ordered before its release by the pool's lock. */
static void release_public_keys(ca_dtls_session_t *s)
{
    bool idle = ca_sig_idle(&s->sig_pending);
    for (int d = 0; d < 2; d++) {
        if (idle || s->parked_key[d]) {
            EVP_PKEY_free(s->cert[d].pkey);
        } else {
            s->parked_key[d] = s->cert[d].pkey;
        }
        s->cert[d].pkey = NULL;
    }
}

static void free_parked_keys(ca_dtls_session_t *s)
{
    ca_sig_wait(&s->sig_pending);
    for (int d = 0; d < 2; d++) {
        EVP_PKEY_free(s->parked_key[d]);
        s->parked_key[d] = NULL;
    }
}

void ca_dtls_session_finish(ca_dtls_session_t *s)
{
    /* every signature that will be checked has been: the keys can go */
    release_public_keys(s);
    if (s->roles_known) {
        flush_direction(s, CA_C2S, s->complete);
        flush_direction(s, CA_S2C, s->complete);
    }
    free_parked_keys(s); /* after every check: the results are read from here on */
}

/* Handshake records of epoch 0 carry plaintext fragments; later epochs the
 * encrypted Finished (DTLS 1.2). */
static void handshake_record(ca_dtls_session_t *s, const ca_endpoint_t *src,
                             const ca_endpoint_t *dst, uint64_t frame, const ca_dtls_record_t *rec)
{
    ca_cursor_t c = rec->fragment;
    if (rec->epoch > 0) {
        ca_dir_t dir = ca_dtls_session_dir(s, src);
        if (!s->roles_known || s->finished[dir]) {
            s->resent_records++;
            return; /* a retransmitted Finished, or a renegotiation we cannot read */
        }
        flush_direction(s, peer_of(dir), true);
        s->finished[dir] = true;
        s->finished_frame[dir] = frame;
        if (s->keep_transcript && !s->finrec)
            s->finrec = calloc(2, sizeof *s->finrec);
        ca_dtls_finrec_t *fr = s->finrec ? &s->finrec[dir] : NULL;
        size_t n = ca_cursor_left(&c);
        if (fr && n <= sizeof fr->bytes) {
            fr->present = true;
            fr->frame = frame;
            fr->epoch = rec->epoch;
            fr->version = rec->version;
            fr->seq = rec->seq;
            fr->len = (uint16_t)n;
            memcpy(fr->bytes, c.p, n);
        }
        ca_dtls_step_t *st = ca_dtls_add_step(s, frame, dir, CA_STEP_FINISHED, CA_HS_FINISHED);
        /* A Finished without its ChangeCipherSpec first is what a lost CCS
         * datagram looks like on the wire (seen under loss): the CCS comes again
         * with the retransmitted flight. Stacks refuse a real misordering
         * themselves; the tracker only notes it. */
        if (!s->ccs[dir])
            s->ccs_lost[dir] = true;
        if (st)
            check_order(s, st);
        if (s->finished[CA_C2S] && s->finished[CA_S2C] && !s->complete) {
            s->complete = true;
            s->complete_frame = frame;
            check_mandatory(s);
            if (!ca_dtls_session_gap(s))
                release_public_keys(s); /* both signatures came before the Finished */
        }
        return;
    }
    while (ca_cursor_left(&c) > 0) {
        ca_dtls_hs_t hs;
        if (ca_dtls_hs_next(&c, &hs) != CA_OK) {
            s->malformed_records++;
            return;
        }
        if (!s->roles_known) {
            if (hs.msg_type == CA_HS_CLIENT_HELLO) {
                s->client = *src;
                s->server = *dst;
            } else if (hs.msg_type == CA_HS_SERVER_HELLO || hs.msg_type == CA_HS_HELLO_VERIFY) {
                s->client = *dst;
                s->server = *src;
            } else {
                s->unsupported_records++; /* mid-handshake start: roles unknown */
                continue;
            }
            s->roles_known = true;
        }
        ca_dir_t dir = ca_dtls_session_dir(s, src);
        ca_err_t rc = ca_dtls_reasm_add(&s->reasm[dir], &hs, frame);
        if (rc != CA_OK)
            s->malformed_messages++;
        ca_dtls_release_messages(s, dir);
    }
}

void ca_dtls_note_alert(ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir,
                        const ca_dtls_alert_t *alert)
{
    ca_dtls_step_t *st = ca_dtls_add_step(s, frame, dir, CA_STEP_ALERT, 0);
    if (st) {
        st->alert_level = alert->level; /* 0: encrypted, unreadable without keys */
        st->alert_description = alert->description;
    }
    if (alert->level == 2 && !s->fatal_alert) {
        s->fatal_alert = true;
        s->fatal_alert_frame = frame;
        s->fatal_alert_dir = dir;
        s->fatal_alert_description = alert->description;
    } else if (alert->level == 0 && !s->complete) {
        s->encrypted_alert_before_complete = true;
    }
    if (s->complete)
        s->alert_after_complete[dir] = true;
}

static void other_record(ca_dtls_session_t *s, const ca_endpoint_t *src, uint64_t frame,
                         const ca_dtls_record_t *rec)
{
    ca_dir_t dir = ca_dtls_session_dir(s, src);
    ca_cursor_t c = rec->fragment;
    switch (rec->content_type) {
    case CA_DTLS_CT_CCS: {
        uint8_t one;
        if (ca_cursor_u8(&c, &one) != CA_OK || one != 1 || ca_cursor_left(&c) != 0) {
            s->malformed_records++;
            return;
        }
        if (s->ccs[dir]) {
            s->resent_records++;
            return; /* retransmitted with its flight */
        }
        flush_direction(s, peer_of(dir), true);
        s->ccs[dir] = true;
        ca_dtls_step_t *st = ca_dtls_add_step(s, frame, dir, CA_STEP_CCS, 0);
        if (st &&
            !s->ccs_lost[dir]) /* a CCS resent after its lost copy is late, not out of order */
            check_order(s, st);
        return;
    }
    case CA_DTLS_CT_ALERT: {
        ca_dtls_alert_t alert = {0, 0};
        if (rec->epoch == 0 && ca_dtls_alert_decode(&c, &alert) != CA_OK) {
            s->malformed_records++;
            return;
        }
        ca_dtls_note_alert(s, frame, dir, &alert);
        return;
    }
    case CA_DTLS_CT_APP_DATA:
        s->app_data_records++;
        return;
    default: /* ACK (DTLS 1.3) and others */
        return;
    }
}

/* Whether DGRAM opens a new handshake: a plaintext ClientHello with
 * message_seq 0 after this session completed or failed. */
static bool starts_new_session(const ca_dtls_session_t *s, ca_cursor_t dgram)
{
    ca_dtls_record_t rec;
    ca_dtls_hs_t hs;
    if (!(s->complete || s->fatal_alert) || ca_dtls_record_next(&dgram, &rec) != CA_OK ||
        rec.unified || rec.content_type != CA_DTLS_CT_HANDSHAKE || rec.epoch != 0)
        return false;
    return ca_dtls_hs_next(&rec.fragment, &hs) == CA_OK && hs.msg_type == CA_HS_CLIENT_HELLO &&
           hs.message_seq == 0;
}

ca_dtls_feed_t ca_dtls_session_feed(ca_dtls_session_t *s, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us,
                                    ca_cursor_t dgram)
{
    if (starts_new_session(s, dgram))
        return CA_DTLS_NEW_SESSION;
    if (s->first_frame == 0) {
        s->first_frame = frame;
        s->first_us = ts_us;
    }
    s->last_frame = frame;
    s->last_us = ts_us;
    size_t len = ca_cursor_left(&dgram), steps = s->n_steps;
    uint64_t copies = ca_dtls_copies_seen(s);
    uint8_t kinds = 0;
    while (ca_cursor_left(&dgram) > 0) {
        ca_dtls_record_t rec;
        const uint8_t *start = dgram.p;
        ca_err_t rc = ca_dtls_record_next(&dgram, &rec);
        if (rc == CA_ERR_UNSUPPORTED) {
            s->unsupported_records++;
            break;
        }
        if (rc != CA_OK) {
            s->malformed_records++;
            break; /* the next record cannot be found */
        }
        s->records++;
        kinds |= ca_dtls_record_kind(&rec);
        if (rec.unified && s->roles_known &&
            ca_dtls13_open_record(s, src, frame, start, (size_t)(rec.fragment.p - start), &rec))
            continue;
        if (rec.unified) {
            ca_dir_t dir = ca_dtls_session_dir(s, src);
            s->encrypted_records++;
            bool seen = false;
            for (size_t i = 0; i < s->n_steps; i++)
                seen |= s->steps[i].kind == CA_STEP_ENCRYPTED && s->steps[i].dir == dir;
            if (!seen)
                (void)ca_dtls_add_step(s, frame, dir, CA_STEP_ENCRYPTED, 0);
            continue;
        }
        if (rec.content_type == CA_DTLS_CT_HANDSHAKE)
            handshake_record(s, src, dst, frame, &rec);
        else if (s->roles_known)
            other_record(s, src, frame, &rec);
        else
            s->unsupported_records++;
    }
    ca_dtls_log_datagram(s, src, frame, ts_us, len, kinds,
                         s->n_steps == steps && ca_dtls_copies_seen(s) != copies);
    return CA_DTLS_FED;
}
