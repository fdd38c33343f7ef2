/* dtls_names.c - value-to-name tables for printing DTLS values (IANA TLS
 * registries; handshake types in DESIGN.md's lower-case JSON spelling). */
#include "dtls.h"

#include <string.h>

typedef struct {
    uint16_t value;
    const char *name;
} name_t;

static const char *lookup(const name_t *table, size_t n, uint16_t value)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].value == value)
            return table[i].name;
    return "unknown";
}

#define LOOKUP(table, value) lookup(table, sizeof table / sizeof table[0], value)

static const name_t hs_names[] = {
    {CA_HS_CLIENT_HELLO, "client_hello"},
    {CA_HS_SERVER_HELLO, "server_hello"},
    {CA_HS_HELLO_VERIFY, "hello_verify_request"},
    {CA_HS_NEW_SESSION_TICKET, "new_session_ticket"},
    {CA_HS_ENCRYPTED_EXTENSIONS, "encrypted_extensions"},
    {CA_HS_CERTIFICATE, "certificate"},
    {CA_HS_SERVER_KEY_EXCHANGE, "server_key_exchange"},
    {CA_HS_CERTIFICATE_REQUEST, "certificate_request"},
    {CA_HS_SERVER_HELLO_DONE, "server_hello_done"},
    {CA_HS_CERTIFICATE_VERIFY, "certificate_verify"},
    {CA_HS_CLIENT_KEY_EXCHANGE, "client_key_exchange"},
    {CA_HS_FINISHED, "finished"},
};

static const name_t alert_names[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {22, "record_overflow"},
    {40, "handshake_failure"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

static const name_t version_names[] = {
    {CA_DTLS_V10, "1.0"},
    {CA_DTLS_BAD_VER, "1.0 (DTLS_BAD_VER)"},
    {CA_DTLS_V12, "1.2"},
    {CA_DTLS_V13, "1.3"},
};

/* RFC 5764 4.1.2, RFC 7714 14.2 */
static const name_t srtp_names[] = {
    {0x0001, "SRTP_AES128_CM_SHA1_80"}, {0x0002, "SRTP_AES128_CM_SHA1_32"},
    {0x0005, "SRTP_NULL_SHA1_80"},      {0x0006, "SRTP_NULL_SHA1_32"},
    {0x0007, "SRTP_AEAD_AES_128_GCM"},  {0x0008, "SRTP_AEAD_AES_256_GCM"},
};

static const name_t suite_names[] = {
    {0x0000, "TLS_NULL_WITH_NULL_NULL"},
    {0x0001, "TLS_RSA_WITH_NULL_MD5"},
    {0x0002, "TLS_RSA_WITH_NULL_SHA"},
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003B, "TLS_RSA_WITH_NULL_SHA256"},
    {0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA"},
    {0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA"},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0x5600, "TLS_FALLBACK_SCSV"},
    {0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"},
    {0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"},
    {0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA"},
    {0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0xC0A4, "TLS_PSK_WITH_AES_128_CCM"},
    {0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8"},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
    {0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
    {0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
    {0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"},
    {0xC0FF, "TLS_ECJPAKE_WITH_AES_128_CCM_8"},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256"},
};

static const name_t group_names[] = {
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {29, "x25519"},
    {30, "x448"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {0x0200, "MLKEM512"},
    {0x0201, "MLKEM768"},
    {0x0202, "MLKEM1024"},
    {0x11EB, "SecP256r1MLKEM768"},
    {0x11EC, "X25519MLKEM768"},
    {0x6399, "X25519Kyber768Draft00"},
};

/* TLS SignatureScheme (RFC 8446 4.2.3) */
static const name_t sig_alg_names[] = {
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0203, "ecdsa_sha1"},
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
};

const char *ca_dtls_sig_alg_name(uint16_t scheme)
{
    return LOOKUP(sig_alg_names, scheme);
}

const char *ca_dtls_hs_name(uint8_t type)
{
    return LOOKUP(hs_names, type);
}

const char *ca_dtls_alert_name(uint8_t description)
{
    return LOOKUP(alert_names, description);
}

const char *ca_dtls_version_name(uint16_t version)
{
    return LOOKUP(version_names, version);
}

const char *ca_dtls_srtp_profile_name(uint16_t profile)
{
    return LOOKUP(srtp_names, profile);
}

const char *ca_dtls_cipher_suite_name(uint16_t suite)
{
    return LOOKUP(suite_names, suite);
}

/* RFC 5246 7.4.3, RFC 8422 5.4: the suites whose ServerKeyExchange carries
 * a DigitallySigned over the randoms and the (EC)DH parameters. PSK suites
 * (RFC 4279, 5489) and EC-JPAKE authenticate by the shared secret instead. */
ca_dtls_kx_t ca_dtls_suite_key_exchange(uint16_t suite)
{
    const char *name = ca_dtls_cipher_suite_name(suite);
    static const struct {
        const char *prefix;
        ca_dtls_kx_t kx;
    } kinds[] = {
        {"TLS_ECDHE_PSK_", CA_KX_PSK_EPHEMERAL},
        {"TLS_DHE_PSK_", CA_KX_PSK_EPHEMERAL},
        {"TLS_ECDHE_", CA_KX_SIGNED},
        {"TLS_DHE_", CA_KX_SIGNED},
        {"TLS_ECJPAKE_", CA_KX_PSK_EPHEMERAL},
        {"TLS_PSK_", CA_KX_PSK},
        {"TLS_RSA_", CA_KX_STATIC},
        {"TLS_NULL_", CA_KX_STATIC},
        {"TLS_AES_", CA_KX_TLS13},
        {"TLS_CHACHA20_", CA_KX_TLS13},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(name, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
            return kinds[i].kx;
    return CA_KX_UNKNOWN;
}

const char *ca_dtls_group_name(uint16_t group)
{
    return LOOKUP(group_names, group);
}
