/* dtls_session13.c - the DTLS 1.3 part of the handshake tracker, once a key
 * log opens the records: decrypted records fed to the same reassembly and
 * message processing as plaintext ones, the TLS 1.3 forms of Certificate
 * and the transcript, EncryptedExtensions' use_srtp, the 1.3 flight order.
 * The cryptography is in dtls13_keys.c.
 */
#include <stdlib.h>
#include <string.h>

#include "dtls13_keys.h"
#include "dtls_session_priv.h"

/* RFC 8446 4.4.2: a request context, then entries of a certificate and its
 * extensions. */
void ca_dtls13_take_certificate(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg)
{
    ca_dtls_cert_t *c = &s->cert[dir];
    ca_cursor_t body = msg->body, ctx, list, der, ext;
    uint8_t ctx_len;
    uint32_t list_len, len;
    uint16_t ext_len;
    if (c->present)
        return;
    c->present = true;
    c->frame = msg->frame;
    if (ca_cursor_u8(&body, &ctx_len) != CA_OK || ca_cursor_sub(&body, ctx_len, &ctx) != CA_OK ||
        ca_cursor_u24(&body, &list_len) != CA_OK ||
        ca_cursor_sub(&body, list_len, &list) != CA_OK) {
        s->malformed_messages++;
        ca_dtls_add_violation(s, msg->frame, "malformed certificate from the %s",
                              dir == CA_C2S ? "client" : "server");
        return;
    }
    while (ca_cursor_left(&list) > 0) {
        if (ca_cursor_u24(&list, &len) != CA_OK || ca_cursor_sub(&list, len, &der) != CA_OK ||
            ca_cursor_u16(&list, &ext_len) != CA_OK ||
            ca_cursor_sub(&list, ext_len, &ext) != CA_OK) {
            s->malformed_messages++;
            c->malformed = true;
            break;
        }
        if (c->chain_len++ == 0)
            ca_dtls_store_leaf(c, der);
    }
}

/* RFC 6347 4.2.6: messages enter the handshake hash as TLS would see them,
 * with the DTLS header of the whole message (fragment_offset 0,
 * fragment_length = length); the first ClientHello and the
 * HelloVerifyRequest are left out (4.2.1). */
/* RFC 9147 5.2: DTLS 1.3 hashes messages as TLS 1.3 does, with the 4-byte
 * header only. Kept when a key log may open the session. */
void ca_dtls13_transcript_add(ca_dtls_session_t *s, const ca_dtls_message_t *msg)
{
    ca_dtls13_keys_t *k = &s->k13;
    size_t len = ca_cursor_left(&msg->body), need = k->transcript_len + 4 + len;
    if (!s->keylog || need > TRANSCRIPT_MAX)
        return;
    if (need > k->transcript_cap) {
        size_t cap = need * 2 < TRANSCRIPT_MAX ? need * 2 : TRANSCRIPT_MAX;
        uint8_t *grown = realloc(k->transcript, cap);
        if (!grown)
            return;
        k->transcript = grown;
        k->transcript_cap = cap;
    }
    uint8_t *w = k->transcript + k->transcript_len;
    w[0] = msg->msg_type;
    w[1] = (uint8_t)(len >> 16);
    w[2] = (uint8_t)(len >> 8);
    w[3] = (uint8_t)len;
    if (len)
        memcpy(w + 4, msg->body.p, len);
    k->transcript_len = need;
}

/* RFC 8446 4 (and RFC 9147 5): after the ServerHello, the server sends
 * EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify,
 * Finished; then the client Certificate, CertificateVerify, Finished. */
void ca_dtls13_check_order(ca_dtls_session_t *s, const ca_dtls_step_t *st)
{
    static const uint8_t server[] = {CA_HS_ENCRYPTED_EXTENSIONS, CA_HS_CERTIFICATE_REQUEST,
                                     CA_HS_CERTIFICATE, CA_HS_CERTIFICATE_VERIFY, CA_HS_FINISHED};
    static const uint8_t client[] = {CA_HS_CERTIFICATE, CA_HS_CERTIFICATE_VERIFY, CA_HS_FINISHED};
    const uint8_t *order = st->dir == CA_S2C ? server : client;
    int n = st->dir == CA_S2C ? (int)sizeof server : (int)sizeof client, pos = -1;
    for (int i = 0; i < n; i++)
        if (order[i] == st->hs_type)
            pos = i + 1;
    const char *who = st->dir == CA_C2S ? "client" : "server";
    if (pos < 0)
        ca_dtls_add_violation(s, st->frame, "%s from the %s in a DTLS 1.3 handshake",
                              ca_dtls_step_name(st), who);
    else if (pos <= s->k13.order[st->dir])
        ca_dtls_add_violation(s, st->frame, "%s from the %s out of order", ca_dtls_step_name(st),
                              who);
    else if (st->dir == CA_C2S && !s->finished[CA_S2C])
        ca_dtls_add_violation(s, st->frame, "%s from the client before the server's Finished",
                              ca_dtls_step_name(st));
    else
        s->k13.order[st->dir] = pos;
}

/* RFC 5764 4.1.1 in DTLS 1.3: the server's use_srtp is in EncryptedExtensions. */
void ca_dtls13_take_encrypted_extensions(ca_dtls_session_t *s, ca_cursor_t body)
{
    uint16_t total, type, len, profiles_len, profile;
    ca_cursor_t exts, data;
    if (ca_cursor_u16(&body, &total) != CA_OK || ca_cursor_sub(&body, total, &exts) != CA_OK) {
        s->malformed_messages++;
        return;
    }
    while (ca_cursor_left(&exts) > 0) {
        if (ca_cursor_u16(&exts, &type) != CA_OK || ca_cursor_u16(&exts, &len) != CA_OK ||
            ca_cursor_sub(&exts, len, &data) != CA_OK) {
            s->malformed_messages++;
            return;
        }
        if (type == 14 /* use_srtp */ && ca_cursor_u16(&data, &profiles_len) == CA_OK &&
            profiles_len == 2 && ca_cursor_u16(&data, &profile) == CA_OK) {
            s->srtp_chosen = true;
            s->srtp_profile = profile;
        }
    }
    ca_dtls13_srtp_keys(s);
}

void ca_dtls13_finished(ca_dtls_session_t *s, ca_dir_t dir, const ca_dtls_message_t *msg)
{
    if (s->finished[dir])
        return;
    ca_dtls13_check_finished(s, dir, msg->body);
    s->finished[dir] = true;
    s->finished_frame[dir] = msg->frame;
    if (s->finished[CA_C2S] && s->finished[CA_S2C] && !s->complete) {
        s->complete = true;
        s->complete_frame = msg->frame;
    }
}

/* DTLS 1.3 with a key log: a handshake record (epoch 2) decrypted and fed
 * to the tracker like a plaintext one. False if it could not be opened. */
bool ca_dtls13_open_record(ca_dtls_session_t *s, const ca_endpoint_t *src, uint64_t frame,
                           const uint8_t *hdr, size_t hdr_len, const ca_dtls_record_t *rec)
{
    static uint8_t plain[1 << 16];
    uint8_t type = 0;
    ca_dir_t dir = ca_dtls_session_dir(s, src);
    size_t ct_len = ca_cursor_left(&rec->fragment);
    if (s->version != CA_DTLS_V13 || s->keys.state != CA_KEYS_DERIVED || ct_len > sizeof plain)
        return false;
    int n = ca_dtls13_open(s, dir, hdr, hdr_len, rec->fragment.p, ct_len, plain, &type);
    if (n < 0)
        return false;
    ca_cursor_t c = ca_cursor_make(plain, (size_t)n);
    if (type == CA_DTLS_CT_ALERT) {
        ca_dtls_alert_t alert = {0, 0};
        if (ca_dtls_alert_decode(&c, &alert) == CA_OK)
            ca_dtls_note_alert(s, frame, dir, &alert);
        return true;
    }
    if (type != CA_DTLS_CT_HANDSHAKE)
        return true; /* ACKs (RFC 9147 7) */
    while (ca_cursor_left(&c) > 0) {
        ca_dtls_hs_t hs;
        if (ca_dtls_hs_next(&c, &hs) != CA_OK) {
            s->malformed_records++;
            break;
        }
        if (ca_dtls_reasm_add(&s->reasm[dir], &hs, frame) != CA_OK)
            s->malformed_messages++;
        ca_dtls_release_messages(s, dir);
    }
    return true;
}
