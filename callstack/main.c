/* main.c - the callstack command line: call, answer, relay. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "version.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <srtp2/srtp.h>

static const char usage_text[] =
    "usage: callstack answer --listen ADDR:PORT [options]   wait for one call, answer it\n"
    "       callstack call --connect ADDR:PORT [options]    place a call\n"
    "       callstack relay --listen ADDR:PORT --connect ADDR:PORT [--mitm]\n"
    "\n"
    "  --duration S      seconds of media (default 3)\n"
    "  --cert FILE --key FILE\n"
    "                    pin a PEM certificate and key (default: fresh ECDSA P-256 per call)\n"
    "  --keylog FILE     append the NSS key log line (CLIENT_RANDOM) of the session\n"
    "  --sdp-out FILE    write the local and remote SDP\n"
    "  --cert-out FILE   write the certificate this side used (PEM), e.g. for callaudit code\n"
    "  --json            print the report as JSON\n"
    "  --timeout S       bound on each setup step: connect, SDP, ICE, DTLS (default 10)\n"
    "  --wait S          answer/relay: how long to wait for a call (default 60)\n"
    "  --bind ADDR       local ICE address (default: that of the signaling connection)\n"
    "  --mtu N           path MTU for DTLS records (default 1200)\n"
    "  --setup active|passive\n"
    "                    answer: the DTLS role to take when the offer says actpass\n"
    "  --srtp-profile SRTP_AEAD_AES_128_GCM|SRTP_AES128_CM_SHA1_80\n"
    "                    offer or accept only this SRTP profile (interop and tests)\n"
    "  --cipher LIST     DTLS cipher suites, an OpenSSL cipher list (default: ECDHE with\n"
    "                    AES-GCM or ChaCha20-Poly1305), e.g. ECDHE-ECDSA-AES128-SHA\n"
    "  --no-ems          test only: refuse the extended master secret (RFC 7627)\n"
    "  --no-etm          test only: refuse encrypt-then-MAC (RFC 7366) with CBC suites\n"
    "  --tone HZ         frequency of the test tone sent and expected (default 440)\n"
    "  --mitm            relay: act as a man in the middle (attack demonstration)\n"
    "  --ice-tcp         ICE over TCP only (RFC 6544; media framed by RFC 4571)\n"
    "  --turn USER:PASS@ADDR:PORT[/tcp]\n"
    "                    relay the media through this TURN server (RFC 8656; over TCP\n"
    "                    with /tcp), never directly (e.g. coturn; tests use it on loopback)\n"
    "  --audio-level     test only: send the RFC 6464 audio level in a header extension,\n"
    "                    which SRTP leaves in clear (as browsers do without cryptex)\n"
    "  --long-ice        test only: ICE ufrag and password of 256 characters each, the\n"
    "                    most RFC 8839 allows (libnice's own are 4 and 22)\n"
    "  --sdes            attack demonstration: SRTP keyed by SDES a=crypto in the SDP\n"
    "                    (RFC 4568), no DTLS, so the signaling service holds the keys\n"
    "  --fault wrong-fingerprint|silent-dtls|no-encrypt|null-cipher|early-media\n"
    "                    test only: advertise a wrong fingerprint / never answer DTLS /\n"
    "                    send and accept plain RTP and RTCP after the handshake /\n"
    "                    SRTP with the NULL cipher (needs SRTP_AES128_CM_SHA1_80) /\n"
    "                    10 plain RTP packets before the handshake\n";

enum {
    OPT_LISTEN = 256,
    OPT_CONNECT,
    OPT_DURATION,
    OPT_CERT,
    OPT_KEY,
    OPT_KEYLOG,
    OPT_SDP_OUT,
    OPT_CERT_OUT,
    OPT_JSON,
    OPT_TIMEOUT,
    OPT_WAIT,
    OPT_BIND,
    OPT_MTU,
    OPT_SETUP,
    OPT_TONE,
    OPT_SRTP_PROFILE,
    OPT_CIPHER,
    OPT_NO_EMS,
    OPT_NO_ETM,
    OPT_MITM,
    OPT_ICE_TCP,
    OPT_AUDIO_LEVEL,
    OPT_LONG_ICE,
    OPT_TURN,
    OPT_SDES,
    OPT_FAULT,
    OPT_HELP,
};

/* Whether OpenSSL's DTLS has a suite in LIST, checked before any call is set up. */
static bool cipher_list_valid(const char *list)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    bool ok = ctx && SSL_CTX_set_cipher_list(ctx, list) == 1;
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

static const struct option long_options[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"connect", required_argument, NULL, OPT_CONNECT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"keylog", required_argument, NULL, OPT_KEYLOG},
    {"sdp-out", required_argument, NULL, OPT_SDP_OUT},
    {"cert-out", required_argument, NULL, OPT_CERT_OUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"bind", required_argument, NULL, OPT_BIND},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"setup", required_argument, NULL, OPT_SETUP},
    {"tone", required_argument, NULL, OPT_TONE},
    {"srtp-profile", required_argument, NULL, OPT_SRTP_PROFILE},
    {"cipher", required_argument, NULL, OPT_CIPHER},
    {"no-ems", no_argument, NULL, OPT_NO_EMS},
    {"no-etm", no_argument, NULL, OPT_NO_ETM},
    {"mitm", no_argument, NULL, OPT_MITM},
    {"ice-tcp", no_argument, NULL, OPT_ICE_TCP},
    {"audio-level", no_argument, NULL, OPT_AUDIO_LEVEL},
    {"long-ice", no_argument, NULL, OPT_LONG_ICE},
    {"turn", required_argument, NULL, OPT_TURN},
    {"sdes", no_argument, NULL, OPT_SDES},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "callstack: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see callstack --help)\n");
    return 2;
}

static int parse_number(const char *text, double min, double max, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (!end || end == text || *end != '\0' || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, cs_options_t *opt)
{
    double v;
    int c;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_LISTEN:
            opt->listen = optarg;
            break;
        case OPT_CONNECT:
            opt->connect = optarg;
            break;
        case OPT_DURATION:
            if (parse_number(optarg, 0.02, 86400, &opt->duration) != 0)
                return usage_error("--duration '%s' is not a number of seconds (0.02-86400)",
                                   optarg);
            break;
        case OPT_CERT:
            opt->cert_path = optarg;
            break;
        case OPT_KEY:
            opt->key_path = optarg;
            break;
        case OPT_KEYLOG:
            opt->keylog_path = optarg;
            break;
        case OPT_SDP_OUT:
            opt->sdp_out = optarg;
            break;
        case OPT_CERT_OUT:
            opt->cert_out = optarg;
            break;
        case OPT_JSON:
            opt->json = true;
            break;
        case OPT_TIMEOUT:
        case OPT_WAIT:
            if (parse_number(optarg, 1, 3600, &v) != 0)
                return usage_error("'%s' is not a number of seconds (1-3600)", optarg);
            *(c == OPT_TIMEOUT ? &opt->timeout_s : &opt->wait_s) = (unsigned)v;
            break;
        case OPT_BIND:
            opt->bind = optarg;
            break;
        case OPT_MTU:
            if (parse_number(optarg, 256, 65535, &v) != 0)
                return usage_error("--mtu '%s' is not between 256 and 65535", optarg);
            opt->mtu = (unsigned)v;
            break;
        case OPT_SETUP:
            if (strcmp(optarg, "active") == 0)
                opt->setup = CA_SDP_SETUP_ACTIVE;
            else if (strcmp(optarg, "passive") == 0)
                opt->setup = CA_SDP_SETUP_PASSIVE;
            else
                return usage_error("--setup '%s' is not active or passive", optarg);
            break;
        case OPT_TONE:
            if (parse_number(optarg, 50, 3900, &opt->tone_hz) != 0)
                return usage_error("--tone '%s' is not between 50 and 3900 Hz", optarg);
            break;
        case OPT_SRTP_PROFILE:
            if (strcmp(optarg, "SRTP_AEAD_AES_128_GCM") != 0 &&
                strcmp(optarg, "SRTP_AES128_CM_SHA1_80") != 0)
                return usage_error("--srtp-profile '%s' is not SRTP_AEAD_AES_128_GCM or "
                                   "SRTP_AES128_CM_SHA1_80",
                                   optarg);
            opt->srtp_profile = optarg;
            break;
        case OPT_CIPHER:
            if (!cipher_list_valid(optarg))
                return usage_error("--cipher '%s' names no cipher suite this OpenSSL has", optarg);
            opt->cipher_list = optarg;
            break;
        case OPT_NO_EMS:
            opt->no_ems = true;
            break;
        case OPT_NO_ETM:
            opt->no_etm = true;
            break;
        case OPT_MITM:
            opt->mitm = true;
            break;
        case OPT_ICE_TCP:
            opt->ice_tcp = true;
            break;
        case OPT_AUDIO_LEVEL:
            opt->audio_level = true;
            break;
        case OPT_LONG_ICE:
            opt->long_ice = true;
            break;
        case OPT_TURN:
            opt->turn = optarg;
            break;
        case OPT_SDES:
            opt->sdes = true;
            break;
        case OPT_FAULT:
            if (strcmp(optarg, "wrong-fingerprint") == 0)
                opt->fault = CS_FAULT_WRONG_FINGERPRINT;
            else if (strcmp(optarg, "silent-dtls") == 0)
                opt->fault = CS_FAULT_SILENT_DTLS;
            else if (strcmp(optarg, "no-encrypt") == 0)
                opt->fault = CS_FAULT_NO_ENCRYPT;
            else if (strcmp(optarg, "null-cipher") == 0)
                opt->fault = CS_FAULT_NULL_CIPHER;
            else if (strcmp(optarg, "early-media") == 0)
                opt->fault = CS_FAULT_EARLY_MEDIA;
            else
                return usage_error("--fault '%s' is not wrong-fingerprint, silent-dtls, "
                                   "no-encrypt, null-cipher or early-media",
                                   optarg);
            break;
        case 'h':
        case OPT_HELP:
            fputs(usage_text, stdout);
            exit(0);
        default:
            return 2;
        }
    }
    if (optind != argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (opt->fault == CS_FAULT_NULL_CIPHER &&
        (!opt->srtp_profile || strcmp(opt->srtp_profile, "SRTP_AES128_CM_SHA1_80") != 0))
        return usage_error("%s", "--fault null-cipher needs --srtp-profile SRTP_AES128_CM_SHA1_80");
    if ((opt->cert_path == NULL) != (opt->key_path == NULL))
        return usage_error("%s", "--cert and --key go together");
    return 0;
}

int main(int argc, char **argv)
{
    cs_options_t opt = {
        .duration = 3, .timeout_s = 10, .wait_s = 60, .tone_hz = 440, .setup = CA_SDP_SETUP_ACTIVE};
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("callstack %s (%s, %s, libnice)\n", CA_VERSION, OpenSSL_version(OPENSSL_VERSION),
               srtp_get_version_string());
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    int rc = parse_options(argc - 1, argv + 1, &opt);
    if (rc != 0)
        return rc;
    if (strcmp(cmd, "call") == 0) {
        if (!opt.connect)
            return usage_error("%s", "call needs --connect ADDR:PORT");
        return cs_endpoint_run(&opt, true);
    }
    if (strcmp(cmd, "answer") == 0) {
        if (!opt.listen)
            return usage_error("%s", "answer needs --listen ADDR:PORT");
        return cs_endpoint_run(&opt, false);
    }
    if (strcmp(cmd, "relay") == 0) {
        if (!opt.listen || !opt.connect)
            return usage_error("%s", "relay needs --listen ADDR:PORT and --connect ADDR:PORT");
        return cs_relay_run(&opt);
    }
    return usage_error("unknown command '%s'", cmd);
}
