/* dtls_session.h - what one DTLS handshake on the wire says: roles, the
 * handshake ladder (each message once, with its frame), negotiated version,
 * cipher suite and SRTP profile, both certificates, alerts, and every
 * deviation from the message order RFC 6347 allows. Fed datagram by datagram
 * by the flow table; read by the audit rules. Owns its certificate copies and
 * reassembly buffers; nothing it keeps points into a capture buffer.
 */
#ifndef CA_DTLS_SESSION_H
#define CA_DTLS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "dtls.h"
#include "dtls_reasm.h"
#include "dtls_sig.h"
#include "seccode.h"

#define CA_DTLS_MAX_STEPS      40
#define CA_DTLS_MAX_VIOLATIONS 8

typedef enum { CA_C2S = 0, CA_S2C = 1 } ca_dir_t;

typedef enum {
    CA_STEP_HANDSHAKE, /* a handshake message: hs_type */
    CA_STEP_CCS,
    CA_STEP_FINISHED, /* the first encrypted handshake record after CCS */
    CA_STEP_ALERT,
    CA_STEP_ENCRYPTED,   /* DTLS 1.3: an encrypted record in the handshake */
    CA_STEP_HELLO_RETRY, /* DTLS 1.3: a ServerHello with the HelloRetryRequest random */
} ca_step_kind_t;

typedef struct {
    uint64_t frame;
    ca_dir_t dir;
    ca_step_kind_t kind;
    uint8_t hs_type;
    uint8_t alert_level, alert_description; /* CA_STEP_ALERT; level 0: encrypted */
} ca_dtls_step_t;

typedef struct {
    bool present;     /* a Certificate message arrived */
    size_t chain_len; /* certificates in it (0: an empty Certificate) */
    bool malformed;   /* its list could not be read (a length past the message) */
    uint64_t frame;
    uint8_t *der; /* owned: the leaf certificate */
    size_t der_len;
    bool parsed;    /* OpenSSL decoded the leaf and consumed exactly its length */
    EVP_PKEY *pkey; /* owned: its public key, for the signatures (parsed once) */
    uint8_t thumbprint[CA_SHA256_LEN];
    char subject[256];
    char key[32]; /* "EC P-256", "RSA 2048", ... */
} ca_dtls_cert_t;

typedef struct {
    uint64_t frame;
    char what[120];
} ca_dtls_violation_t;

/* A datagram of the handshake as it went over the wire (the ladder of the
 * HTML report): the steps above list each message once, this lists every
 * copy, so retransmissions and fragmentation show. */
#define CA_DTLS_MAX_DATAGRAMS 48
enum {
    CA_DG_HANDSHAKE = 1, /* a handshake record (plaintext or the encrypted Finished) */
    CA_DG_CCS = 2,
    CA_DG_ALERT = 4,
    CA_DG_ENCRYPTED = 8, /* DTLS 1.3 unified header */
};
typedef struct {
    uint64_t frame;
    int64_t ts_us;
    uint16_t len;
    uint8_t dir;   /* ca_dir_t; 0 before the roles are known */
    uint8_t kinds; /* CA_DG_* */
    bool resent;   /* only copies of what was seen before: a retransmission */
} ca_dtls_datagram_t;

/* The first encrypted handshake record of a side (its Finished, DTLS 1.2),
 * kept so that a key log can decrypt it later. */
#define CA_DTLS_FINREC_MAX 256
typedef struct {
    bool present;
    uint64_t frame;
    uint16_t epoch, version;
    uint64_t seq;
    uint16_t len;
    uint8_t bytes[CA_DTLS_FINREC_MAX];
} ca_dtls_finrec_t;

/* What a key log (--keylog) proved about this session (dtls_keys.c). */
typedef enum {
    CA_KEYS_NONE = 0,    /* no key log given, or not looked up yet */
    CA_KEYS_MISSING,     /* the key log has no (or not every) secret for this session */
    CA_KEYS_UNSUPPORTED, /* a suite or SRTP profile this build cannot key */
    CA_KEYS_DERIVED,
} ca_keys_state_t;

typedef enum { CA_FIN_UNCHECKED = 0, CA_FIN_VALID, CA_FIN_INVALID } ca_fin_status_t;

/* A DTLS 1.3 handshake opened with a key log (dtls13_keys.c). */
typedef struct {
    bool ready[2]; /* handshake traffic keys of each sender */
    uint8_t secret[2][48], key[2][32], iv[2][12], sn[2][32];
    size_t key_len, hash_len;
    const char *cipher, *digest, *sn_cipher; /* OpenSSL names */
    uint8_t *transcript;                     /* TLS 1.3 form: 4-byte headers (RFC 9147 5.2) */
    size_t transcript_len, transcript_cap;
    uint64_t opened, failed; /* records */
    int order[2];            /* position in the expected flight, per sender */
    char exporter_missing[120];
} ca_dtls13_keys_t;

typedef struct {
    ca_keys_state_t state;
    char why[200]; /* MISSING, UNSUPPORTED: what exactly */
    uint8_t master[48];
    bool finished_checked;
    ca_fin_status_t finished[2];
    char finished_why[2][120];
    /* RFC 5764 4.2: the SRTP master keys and salts, [CA_C2S] the client's write keys */
    uint8_t srtp_key[2][32], srtp_salt[2][14];
    size_t srtp_key_len, srtp_salt_len;
} ca_dtls_keys_t;

typedef struct {
    bool roles_known;
    ca_endpoint_t client, server;

    bool have_client_hello, have_server_hello;
    ca_dtls_hello_t client_hello; /* the last ClientHello (after a cookie exchange) */
    ca_dtls_hello_t server_hello;
    bool hello_verify; /* RFC 6347 4.2.1 cookie exchange */
    bool hello_retry;  /* DTLS 1.3 HelloRetryRequest */
    bool resumed;      /* abbreviated handshake (session id echoed) */
    uint16_t version;  /* negotiated; 0 before the ServerHello */
    uint16_t cipher_suite;
    bool srtp_offered; /* use_srtp in the ClientHello */
    bool srtp_chosen;  /* use_srtp in the ServerHello */
    uint16_t srtp_profile;
    uint16_t ske_group; /* (EC)DHE group from ServerKeyExchange; 0 unknown */

    ca_dtls_step_t steps[CA_DTLS_MAX_STEPS];
    size_t n_steps, steps_dropped;
    ca_dtls_cert_t cert[2]; /* [CA_C2S] client's, [CA_S2C] server's */
    bool ccs[2], finished[2];
    bool ccs_lost[2]; /* Finished seen before the CCS: its first copy missed the capture */
    uint64_t finished_frame[2];
    bool complete; /* both Finished seen (DTLS 1.2) */
    uint64_t complete_frame;

    uint64_t messages_missed[2]; /* handshake messages the capture never showed, per sender */

    ca_sig_result_t ske_signature; /* ServerKeyExchange, under the server's certificate */
    ca_sig_result_t cv_signature;  /* CertificateVerify, under the client's certificate */
    unsigned sig_pending;          /* of the two, checks in flight (ca_sig_wait) */
    EVP_PKEY *parked_key[2];       /* released while a check was in flight: freed after it */

    bool fatal_alert;
    uint64_t fatal_alert_frame;
    ca_dir_t fatal_alert_dir;
    uint8_t fatal_alert_description;
    bool encrypted_alert_before_complete; /* could be fatal: unreadable */
    bool alert_after_complete[2]; /* per sender: most likely close_notify, the call is ending */

    ca_dtls_violation_t *violations; /* [CA_DTLS_MAX_VIOLATIONS], owned, from the first */
    size_t n_violations, violations_dropped;

    ca_dtls_datagram_t *datagrams; /* [CA_DTLS_MAX_DATAGRAMS], owned; only with keep_ladder */
    size_t n_datagrams, datagrams_dropped;
    bool keep_ladder;        /* a report draws the ladder (--format html, --annotate) */
    uint64_t resent_records; /* CCS and Finished records seen again */

    uint64_t first_frame, last_frame;
    int64_t first_us, last_us;
    int64_t last_step_us; /* when the latest step was first seen (not its resent copies) */
    uint64_t records, malformed_records, unsupported_records, malformed_messages;
    uint64_t encrypted_records; /* DTLS 1.3 unified-header records */
    uint64_t app_data_records;

    ca_dtls_finrec_t *finrec; /* [2], owned: kept only when a key log will open them */
    ca_dtls_keys_t keys;
    ca_dtls13_keys_t k13;
    bool keep_transcript;           /* a key log will need it for the Finished */
    const struct ca_keylog *keylog; /* borrowed: DTLS 1.3 is opened as it streams by */

    /* private */
    int order_pos;
    uint8_t *transcript; /* owned while the handshake runs: what CertificateVerify signs */
    size_t transcript_len, transcript_cap;
    bool transcript_lost; /* a message missing or too much to keep: CV cannot be checked */
    ca_dtls_reasm_t reasm[2];
} ca_dtls_session_t;

typedef enum {
    CA_DTLS_FED,        /* the datagram belonged to this session */
    CA_DTLS_NEW_SESSION /* a fresh ClientHello: the flow starts a new session */
} ca_dtls_feed_t;

ca_dtls_session_t *ca_dtls_session_new(void);
void ca_dtls_session_free(ca_dtls_session_t *s);

/* Feed one datagram that starts with a DTLS record, sent from SRC to DST at
 * capture time TS_US. */
ca_dtls_feed_t ca_dtls_session_feed(ca_dtls_session_t *s, const ca_endpoint_t *src,
                                    const ca_endpoint_t *dst, uint64_t frame, int64_t ts_us,
                                    ca_cursor_t dgram);

/* The capture is over: release handshake messages still waiting for earlier
 * ones the capture missed, and count what was missed. The signature checks
 * (done off the packet path) are complete when it returns: ske_signature
 * and cv_signature are read only after it. */
void ca_dtls_session_finish(ca_dtls_session_t *s);

/* RFC 6347 4.2.4 (a full handshake): the server sends its Finished only
 * after the client's second flight reached it and verified. Whether a
 * server Finished came with none of that flight seen: the capture missed
 * it (another path, a relay's other allocation). */
bool ca_dtls_client_flight_missed(const ca_dtls_session_t *s);
/* Whether the capture missed part of this handshake (started late, dropped). */
bool ca_dtls_session_gap(const ca_dtls_session_t *s);

/* The direction of a packet from SRC relative to the session's roles. */
ca_dir_t ca_dtls_session_dir(const ca_dtls_session_t *s, const ca_endpoint_t *src);

/* The step's name as DESIGN.md spells it: client_hello, ..., change_cipher_spec, finished. */
const char *ca_dtls_step_name(const ca_dtls_step_t *step);

/* The steps sender DIR's datagram FRAME carried, as one label for people:
 * "server_hello, certificate, ...", an alert with its description or
 * "(encrypted)". Empty when the frame added no step. Returns its length. */
size_t ca_dtls_frame_steps(const ca_dtls_session_t *s, uint64_t frame, ca_dir_t dir, char *buf,
                           size_t size);

#endif
