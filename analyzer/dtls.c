/* dtls.c - DTLS record, handshake and hello decoding; see dtls.h.
 *
 * DTLSPlaintext (RFC 6347 4.1):
 *   type(1) | version(2) | epoch(2) | sequence_number(6) | length(2) | fragment
 * DTLS 1.3 unified header (RFC 9147 4):  |0|0|1|C|S|L|E E| [CID] seq(1|2) [length(2)]
 * Handshake (RFC 6347 4.2.2):
 *   msg_type(1) | length(3) | message_seq(2) | fragment_offset(3) | fragment_length(3)
 */
#include "dtls.h"

#include <string.h>

#define EXT_SUPPORTED_GROUPS   10
#define EXT_SIG_ALGS           13
#define EXT_USE_SRTP           14
#define EXT_ETM                22
#define EXT_EMS                23
#define EXT_SESSION_TICKET     35
#define EXT_SUPPORTED_VERSIONS 43
#define EXT_KEY_SHARE          51
/* RFC 6347 4.1: no record may exceed 2^14 plus the expansion of the cipher. */
#define DTLS_MAX_RECORD     (16384 + 2048)
#define DTLS_MAX_EXTENSIONS 64

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

bool ca_dtls_first_byte(uint8_t b)
{
    return b >= 20 && b <= 63;
}

ca_err_t ca_dtls_record_next(ca_cursor_t *dgram, ca_dtls_record_t *rec)
{
    uint8_t first;
    uint16_t len;
    memset(rec, 0, sizeof *rec);
    CA_GUARD(ca_cursor_u8(dgram, &first));
    if ((first & 0xe0) == 0x20) {
        rec->unified = true;
        rec->epoch = first & 0x03;
        /* The connection ID's length is negotiated: without it nothing after
         * can be found. */
        CA_ENSURE((first & 0x10) == 0, CA_ERR_UNSUPPORTED);
        if (first & 0x08) {
            uint16_t seq16;
            CA_GUARD(ca_cursor_u16(dgram, &seq16));
            rec->seq = seq16;
        } else {
            uint8_t seq8;
            CA_GUARD(ca_cursor_u8(dgram, &seq8));
            rec->seq = seq8;
        }
        if (first & 0x04) {
            CA_GUARD(ca_cursor_u16(dgram, &len));
            CA_ENSURE(len <= DTLS_MAX_RECORD, CA_ERR_MALFORMED);
            return ca_cursor_sub(dgram, len, &rec->fragment);
        }
        return ca_cursor_sub(dgram, ca_cursor_left(dgram), &rec->fragment);
    }
    CA_ENSURE(first >= CA_DTLS_CT_CCS && first <= CA_DTLS_CT_ACK, CA_ERR_MALFORMED);
    rec->content_type = first;
    CA_GUARD(ca_cursor_u16(dgram, &rec->version));
    CA_ENSURE((rec->version >> 8) == 0xfe || rec->version == CA_DTLS_BAD_VER, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u16(dgram, &rec->epoch));
    CA_GUARD(ca_cursor_u48(dgram, &rec->seq));
    CA_GUARD(ca_cursor_u16(dgram, &len));
    CA_ENSURE(len <= DTLS_MAX_RECORD, CA_ERR_MALFORMED);
    return ca_cursor_sub(dgram, len, &rec->fragment);
}

ca_err_t ca_dtls_hs_next(ca_cursor_t *c, ca_dtls_hs_t *hs)
{
    memset(hs, 0, sizeof *hs);
    CA_GUARD(ca_cursor_u8(c, &hs->msg_type));
    CA_GUARD(ca_cursor_u24(c, &hs->length));
    CA_GUARD(ca_cursor_u16(c, &hs->message_seq));
    CA_GUARD(ca_cursor_u24(c, &hs->fragment_offset));
    CA_GUARD(ca_cursor_u24(c, &hs->fragment_length));
    CA_ENSURE((uint64_t)hs->fragment_offset + hs->fragment_length <= hs->length, CA_ERR_MALFORMED);
    return ca_cursor_sub(c, hs->fragment_length, &hs->body);
}

/* Read a list of 16-bit values prefixed by a length of PREFIX bytes, keeping
 * the first MAX; the total count goes to *TOTAL if given. */
CA_MUST_CHECK static ca_err_t read_u16_list(ca_cursor_t *c, size_t prefix, uint16_t *out,
                                            size_t max, size_t *n, size_t *total)
{
    uint64_t len;
    ca_cursor_t list;
    CA_GUARD(ca_cursor_uint(c, prefix, &len));
    CA_ENSURE(len % 2 == 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_sub(c, (size_t)len, &list));
    *n = 0;
    while (ca_cursor_left(&list) > 0) {
        uint16_t v;
        CA_GUARD(ca_cursor_u16(&list, &v));
        if (*n < max)
            out[(*n)++] = v;
    }
    if (total)
        *total = (size_t)len / 2;
    return CA_OK;
}

/* use_srtp (RFC 5764 4.1.1): SRTPProtectionProfiles<2..2^16-1>, srtp_mki<0..255> */
CA_MUST_CHECK static ca_err_t decode_use_srtp(ca_cursor_t *v, ca_dtls_hello_t *h)
{
    uint8_t mki;
    CA_GUARD(read_u16_list(v, 2, h->srtp_profiles, CA_DTLS_MAX_SRTP_PROFILES, &h->n_srtp_profiles,
                           NULL));
    CA_ENSURE(h->n_srtp_profiles > 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u8(v, &mki));
    CA_GUARD(ca_cursor_skip(v, mki));
    h->srtp_mki_len = mki;
    h->has_use_srtp = true;
    return ca_cursor_expect_end(v);
}

/* key_share (RFC 8446 4.2.8): ClientHello a list of entries; ServerHello one
 * entry; HelloRetryRequest only the group. */
CA_MUST_CHECK static ca_err_t decode_key_share(ca_cursor_t *v, bool client, ca_dtls_hello_t *h)
{
    uint16_t group, klen;
    if (!client) {
        CA_GUARD(ca_cursor_u16(v, &group));
        h->key_share_groups[h->n_key_shares++] = group;
        if (!h->hello_retry_request) {
            CA_GUARD(ca_cursor_u16(v, &klen));
            CA_ENSURE(klen > 0, CA_ERR_MALFORMED);
            CA_GUARD(ca_cursor_skip(v, klen));
        }
        return ca_cursor_expect_end(v);
    }
    ca_cursor_t list;
    CA_GUARD(ca_cursor_u16(v, &klen));
    CA_GUARD(ca_cursor_sub(v, klen, &list));
    CA_GUARD(ca_cursor_expect_end(v));
    while (ca_cursor_left(&list) > 0) {
        CA_GUARD(ca_cursor_u16(&list, &group));
        CA_GUARD(ca_cursor_u16(&list, &klen));
        CA_ENSURE(klen > 0, CA_ERR_MALFORMED);
        CA_GUARD(ca_cursor_skip(&list, klen));
        if (h->n_key_shares < CA_DTLS_MAX_LIST)
            h->key_share_groups[h->n_key_shares++] = group;
    }
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t decode_extensions(ca_cursor_t *c, bool client, ca_dtls_hello_t *h)
{
    uint16_t total;
    ca_cursor_t exts;
    uint16_t seen[DTLS_MAX_EXTENSIONS];
    size_t n_seen = 0;
    if (ca_cursor_left(c) == 0)
        return CA_OK; /* extensions are optional in the hellos */
    CA_GUARD(ca_cursor_u16(c, &total));
    CA_GUARD(ca_cursor_sub(c, total, &exts));
    CA_GUARD(ca_cursor_expect_end(c));
    while (ca_cursor_left(&exts) > 0) {
        uint16_t type, len;
        ca_cursor_t v;
        CA_GUARD(ca_cursor_u16(&exts, &type));
        CA_GUARD(ca_cursor_u16(&exts, &len));
        CA_GUARD(ca_cursor_sub(&exts, len, &v));
        /* RFC 8446 4.2 / RFC 5246 7.4.1.4: at most one extension of a type. */
        for (size_t i = 0; i < n_seen; i++)
            CA_ENSURE(seen[i] != type, CA_ERR_MALFORMED);
        CA_ENSURE(n_seen < DTLS_MAX_EXTENSIONS, CA_ERR_LIMIT);
        seen[n_seen++] = type;
        switch (type) {
        case EXT_USE_SRTP:
            CA_GUARD(decode_use_srtp(&v, h));
            break;
        case EXT_ETM:
            CA_ENSURE(len == 0, CA_ERR_MALFORMED);
            h->encrypt_then_mac = true;
            break;
        case EXT_EMS:
            CA_ENSURE(len == 0, CA_ERR_MALFORMED);
            h->extended_master_secret = true;
            break;
        case EXT_SESSION_TICKET:
            h->has_session_ticket = true;
            break;
        case EXT_SUPPORTED_VERSIONS:
            h->has_supported_versions = true;
            if (client) {
                CA_GUARD(read_u16_list(&v, 1, h->supported_versions, CA_DTLS_MAX_LIST,
                                       &h->n_supported_versions, NULL));
            } else {
                CA_GUARD(ca_cursor_u16(&v, &h->supported_versions[0]));
                h->n_supported_versions = 1;
            }
            CA_GUARD(ca_cursor_expect_end(&v));
            break;
        case EXT_SUPPORTED_GROUPS:
            CA_GUARD(read_u16_list(&v, 2, h->groups, CA_DTLS_MAX_LIST, &h->n_groups, NULL));
            break;
        case EXT_SIG_ALGS:
            CA_GUARD(read_u16_list(&v, 2, h->sig_algs, CA_DTLS_MAX_LIST, &h->n_sig_algs, NULL));
            break;
        case EXT_KEY_SHARE:
            CA_GUARD(decode_key_share(&v, client, h));
            break;
        default:
            break;
        }
    }
    return CA_OK;
}

CA_MUST_CHECK static ca_err_t decode_hello_start(ca_cursor_t *c, ca_dtls_hello_t *h)
{
    const uint8_t *p;
    memset(h, 0, sizeof *h);
    CA_GUARD(ca_cursor_u16(c, &h->version));
    CA_GUARD(ca_cursor_bytes(c, 32, &p));
    memcpy(h->random, p, 32);
    CA_GUARD(ca_cursor_u8(c, &h->session_id_len));
    CA_ENSURE(h->session_id_len <= 32, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_bytes(c, h->session_id_len, &p));
    memcpy(h->session_id, p, h->session_id_len);
    return CA_OK;
}

ca_err_t ca_dtls_client_hello_decode(ca_cursor_t *c, ca_dtls_hello_t *h)
{
    uint8_t ncomp;
    CA_GUARD(decode_hello_start(c, h));
    CA_GUARD(ca_cursor_u8(c, &h->cookie_len));
    CA_GUARD(ca_cursor_skip(c, h->cookie_len));
    CA_GUARD(read_u16_list(c, 2, h->cipher_suites, CA_DTLS_MAX_LIST, &h->n_cipher_suites,
                           &h->cipher_suites_total));
    CA_ENSURE(h->cipher_suites_total > 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_u8(c, &ncomp));
    CA_ENSURE(ncomp > 0, CA_ERR_MALFORMED);
    CA_GUARD(ca_cursor_skip(c, ncomp));
    return decode_extensions(c, true, h);
}

ca_err_t ca_dtls_server_hello_decode(ca_cursor_t *c, ca_dtls_hello_t *h)
{
    uint8_t comp;
    CA_GUARD(decode_hello_start(c, h));
    h->hello_retry_request = ca_dtls_is_hello_retry_random(h->random);
    CA_GUARD(ca_cursor_u16(c, &h->cipher_suites[0]));
    h->n_cipher_suites = h->cipher_suites_total = 1;
    CA_GUARD(ca_cursor_u8(c, &comp));
    CA_ENSURE(comp == 0, CA_ERR_MALFORMED);
    return decode_extensions(c, false, h);
}

bool ca_dtls_is_hello_retry_random(const uint8_t random[32])
{
    return memcmp(random, hrr_random, sizeof hrr_random) == 0;
}

uint16_t ca_dtls_hello_version(const ca_dtls_hello_t *h)
{
    return h->has_supported_versions && h->n_supported_versions == 1 ? h->supported_versions[0]
                                                                     : h->version;
}

ca_err_t ca_dtls_certificate_list(ca_cursor_t *c, ca_cursor_t *list)
{
    uint32_t len;
    CA_GUARD(ca_cursor_u24(c, &len));
    CA_GUARD(ca_cursor_sub(c, len, list));
    return ca_cursor_expect_end(c);
}

ca_err_t ca_dtls_certificate_next(ca_cursor_t *list, ca_cursor_t *der)
{
    uint32_t len;
    CA_GUARD(ca_cursor_u24(list, &len));
    CA_ENSURE(len > 0, CA_ERR_MALFORMED);
    return ca_cursor_sub(list, len, der);
}

/* ServerECDHParams (RFC 8422 5.4): curve_type(1) = named_curve(3), namedcurve(2), ... */
ca_err_t ca_dtls_ske_group(ca_cursor_t *c, uint16_t *group)
{
    uint8_t curve_type;
    CA_GUARD(ca_cursor_u8(c, &curve_type));
    CA_ENSURE(curve_type == 3, CA_ERR_UNSUPPORTED);
    return ca_cursor_u16(c, group);
}

ca_err_t ca_dtls_alert_decode(ca_cursor_t *c, ca_dtls_alert_t *alert)
{
    CA_GUARD(ca_cursor_u8(c, &alert->level));
    CA_GUARD(ca_cursor_u8(c, &alert->description));
    CA_ENSURE(alert->level == 1 || alert->level == 2, CA_ERR_MALFORMED);
    return ca_cursor_expect_end(c);
}
