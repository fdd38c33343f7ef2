/* dtls.h - DTLS 1.2 (RFC 6347) and DTLS 1.3 (RFC 9147) wire decoding: records,
 * handshake message headers, hellos with the extensions a DTLS-SRTP audit
 * needs, certificates, ServerKeyExchange and alerts. Pure decoders: bytes in,
 * structs out; the handshake tracker (dtls_session.c) gives them meaning.
 */
#ifndef CA_DTLS_H
#define CA_DTLS_H

#include <stdbool.h>

#include "cursor.h"

#define CA_DTLS_CT_CCS       20
#define CA_DTLS_CT_ALERT     21
#define CA_DTLS_CT_HANDSHAKE 22
#define CA_DTLS_CT_APP_DATA  23
#define CA_DTLS_CT_ACK       26 /* RFC 9147 7 */

#define CA_DTLS_V10 0xfeff
#define CA_DTLS_V12 0xfefd
#define CA_DTLS_V13 0xfefc
/* OpenSSL before 0.9.8f (and Cisco's AnyConnect since) numbered DTLS 1.0 so */
#define CA_DTLS_BAD_VER 0x0100

/* Handshake types (IANA TLS HandshakeType) */
#define CA_HS_CLIENT_HELLO         1
#define CA_HS_SERVER_HELLO         2
#define CA_HS_HELLO_VERIFY         3
#define CA_HS_NEW_SESSION_TICKET   4
#define CA_HS_ENCRYPTED_EXTENSIONS 8
#define CA_HS_CERTIFICATE          11
#define CA_HS_SERVER_KEY_EXCHANGE  12
#define CA_HS_CERTIFICATE_REQUEST  13
#define CA_HS_SERVER_HELLO_DONE    14
#define CA_HS_CERTIFICATE_VERIFY   15
#define CA_HS_CLIENT_KEY_EXCHANGE  16
#define CA_HS_FINISHED             20

#define CA_DTLS_HS_HEADER_LEN     12
#define CA_DTLS_MAX_SRTP_PROFILES 16
#define CA_DTLS_MAX_LIST          32

typedef struct {
    bool unified;         /* DTLS 1.3 ciphertext with the unified header */
    uint8_t content_type; /* for unified records: 0 (unknown until decrypted) */
    uint16_t version;
    uint16_t epoch;       /* unified: the low two bits only */
    uint64_t seq;         /* unified: the low 8 or 16 bits, still encrypted (RFC 9147 4.2.3) */
    ca_cursor_t fragment; /* borrowed */
} ca_dtls_record_t;

/* Whether the first byte can start a DTLS record (RFC 7983: 20-63). */
bool ca_dtls_first_byte(uint8_t b);

/* Decode the next record of a datagram, advancing DGRAM past it. */
CA_MUST_CHECK ca_err_t ca_dtls_record_next(ca_cursor_t *dgram, ca_dtls_record_t *rec);

typedef struct {
    uint8_t msg_type;
    uint32_t length; /* of the whole message */
    uint16_t message_seq;
    uint32_t fragment_offset;
    uint32_t fragment_length;
    ca_cursor_t body; /* this fragment's bytes, borrowed */
} ca_dtls_hs_t;

/* Decode a handshake fragment header and its bytes from a record. */
CA_MUST_CHECK ca_err_t ca_dtls_hs_next(ca_cursor_t *c, ca_dtls_hs_t *hs);

typedef struct {
    uint16_t version; /* legacy_version */
    uint8_t random[32];
    uint8_t session_id_len;
    uint8_t session_id[32];
    uint8_t cookie_len;
    uint16_t cipher_suites[CA_DTLS_MAX_LIST]; /* ClientHello: offered (first N); ServerHello: [0] */
    size_t n_cipher_suites;
    size_t cipher_suites_total;
    bool has_use_srtp;
    uint16_t srtp_profiles[CA_DTLS_MAX_SRTP_PROFILES];
    size_t n_srtp_profiles;
    size_t srtp_mki_len;
    bool extended_master_secret;
    bool encrypt_then_mac; /* RFC 7366: in a ServerHello, CBC records are MAC'ed after encryption */
    bool has_supported_versions;
    uint16_t supported_versions[CA_DTLS_MAX_LIST]; /* ServerHello: [0] is the chosen one */
    size_t n_supported_versions;
    uint16_t groups[CA_DTLS_MAX_LIST]; /* supported_groups */
    size_t n_groups;
    uint16_t key_share_groups[CA_DTLS_MAX_LIST]; /* key_share entries */
    size_t n_key_shares;
    uint16_t sig_algs[CA_DTLS_MAX_LIST];
    size_t n_sig_algs;
    bool has_session_ticket;
    bool hello_retry_request; /* ServerHello with the HRR random (RFC 8446 4.1.3) */
} ca_dtls_hello_t;

CA_MUST_CHECK ca_err_t ca_dtls_client_hello_decode(ca_cursor_t *c, ca_dtls_hello_t *h);
CA_MUST_CHECK ca_err_t ca_dtls_server_hello_decode(ca_cursor_t *c, ca_dtls_hello_t *h);

/* RFC 8446 4.1.3: whether a ServerHello random is the HelloRetryRequest one. */
bool ca_dtls_is_hello_retry_random(const uint8_t random[32]);

/* The negotiated version of a ServerHello: supported_versions if present. */
uint16_t ca_dtls_hello_version(const ca_dtls_hello_t *h);

/* TLS 1.2 Certificate: iterate certificate_list entries (ASN.1Cert<1..2^24-1>). */
CA_MUST_CHECK ca_err_t ca_dtls_certificate_list(ca_cursor_t *c, ca_cursor_t *list);
CA_MUST_CHECK ca_err_t ca_dtls_certificate_next(ca_cursor_t *list, ca_cursor_t *der);

/* ServerKeyExchange for (EC)DHE with a named curve: the group. */
CA_MUST_CHECK ca_err_t ca_dtls_ske_group(ca_cursor_t *c, uint16_t *group);

typedef struct {
    uint8_t level;       /* 1 warning, 2 fatal */
    uint8_t description; /* 0 close_notify, 42 bad_certificate, ... */
} ca_dtls_alert_t;

CA_MUST_CHECK ca_err_t ca_dtls_alert_decode(ca_cursor_t *c, ca_dtls_alert_t *alert);

/* Names for printing (IANA registries); NULL-safe, "unknown" otherwise. */
const char *ca_dtls_hs_name(uint8_t type);
const char *ca_dtls_alert_name(uint8_t description);
const char *ca_dtls_version_name(uint16_t version);
const char *ca_dtls_srtp_profile_name(uint16_t profile);
const char *ca_dtls_cipher_suite_name(uint16_t suite);

/* How a suite's key exchange is made and authenticated. */
typedef enum {
    CA_KX_UNKNOWN,       /* a suite this build does not name */
    CA_KX_SIGNED,        /* (EC)DHE, the parameters signed by the server's certificate key */
    CA_KX_PSK_EPHEMERAL, /* (EC)DHE_PSK, EC-JPAKE: ephemeral, authenticated by a shared secret */
    CA_KX_PSK,           /* plain PSK: no forward secrecy */
    CA_KX_STATIC,        /* RSA key transport (or none): no forward secrecy */
    CA_KX_TLS13,         /* a TLS 1.3 suite: the key exchange is negotiated apart from it */
} ca_dtls_kx_t;
ca_dtls_kx_t ca_dtls_suite_key_exchange(uint16_t suite);
const char *ca_dtls_group_name(uint16_t group);
const char *ca_dtls_sig_alg_name(uint16_t scheme);

#endif
