/* offer.c - the SDP offer/answer of callstack endpoints; see offer.h. */
#include "offer.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

char *cs_offer_build(cs_leg_t *leg, ca_sdp_setup_t setup)
{
    GString *s = g_string_new(NULL);
    char addr[64];
    unsigned port;
    uint8_t r[6];
    uint64_t session_id = 0;
    if (RAND_bytes(r, sizeof r) == 1)
        for (size_t i = 0; i < sizeof r; i++)
            session_id = session_id << 8 | r[i];
    cs_leg_default_candidate(leg, addr, sizeof addr, &port);
    const char *family = strchr(addr, ':') ? "IP6" : "IP4";

    g_string_append_printf(s,
                           "v=0\r\n"
                           "o=callstack %llu 1 IN %s %s\r\n"
                           "s=-\r\n"
                           "t=0 0\r\n"
                           "m=audio %u %s 0\r\n"
                           "c=IN %s %s\r\n"
                           "a=mid:0\r\n"
                           "a=sendrecv\r\n"
                           "a=rtcp-mux\r\n"
                           "a=rtpmap:0 PCMU/8000\r\n",
                           (unsigned long long)session_id, family, addr, port,
                           setup == CA_SDP_SETUP_NONE ? "RTP/SAVPF" : "UDP/TLS/RTP/SAVPF", family,
                           addr);
    /* SDES (setup NONE) has no DTLS roles to negotiate */
    if (setup != CA_SDP_SETUP_NONE)
        g_string_append_printf(s, "a=setup:%s\r\n", ca_sdp_setup_name(setup));
    cs_leg_append_sdp_attrs(leg, s);
    return g_string_free(s, FALSE);
}

int cs_offer_parse(const char *text, size_t len, ca_sdp_t *sdp, const ca_sdp_media_t **audio,
                   char *err, size_t err_size)
{
    ca_err_t rc = ca_sdp_parse((const uint8_t *)text, len, sdp);
    if (rc != CA_OK) {
        snprintf(err, err_size, "malformed SDP from the peer: line %u: %s", sdp->error_line,
                 sdp->error ? sdp->error : ca_err_str(rc));
        return -1;
    }
    for (size_t i = 0; i < sdp->n_media; i++) {
        if (strcmp(sdp->media[i].media, "audio") == 0) {
            *audio = &sdp->media[i];
            return 0;
        }
    }
    snprintf(err, err_size, "the peer's SDP has no audio section");
    return -1;
}

ca_sdp_setup_t cs_offer_answer_setup(ca_sdp_setup_t offered, ca_sdp_setup_t preferred)
{
    switch (offered) {
    case CA_SDP_SETUP_ACTPASS:
        return preferred == CA_SDP_SETUP_PASSIVE ? CA_SDP_SETUP_PASSIVE : CA_SDP_SETUP_ACTIVE;
    case CA_SDP_SETUP_ACTIVE:
        return CA_SDP_SETUP_PASSIVE;
    case CA_SDP_SETUP_PASSIVE:
        return CA_SDP_SETUP_ACTIVE;
    default:
        return CA_SDP_SETUP_NONE;
    }
}

int cs_offer_sdes_key(const ca_sdp_media_t *m, uint8_t key[30], char *err, size_t err_size)
{
    const char *inline_key = m->has_crypto ? strstr(m->crypto, "inline:") : NULL;
    if (!inline_key || !strstr(m->crypto, "AES_CM_128_HMAC_SHA1_80")) {
        snprintf(err, err_size, "the peer's SDP has no a=crypto with AES_CM_128_HMAC_SHA1_80");
        return -1;
    }
    inline_key += 7;
    size_t n = strcspn(inline_key, "| ");
    unsigned char decoded[64];
    if (n != 40 || EVP_DecodeBlock(decoded, (const unsigned char *)inline_key, (int)n) != 30) {
        snprintf(err, err_size, "the peer's a=crypto key is not 30 bytes of base64");
        return -1;
    }
    memcpy(key, decoded, 30);
    OPENSSL_cleanse(decoded, sizeof decoded);
    return 0;
}

bool cs_offer_is_dtls_client(ca_sdp_setup_t mine)
{
    return mine == CA_SDP_SETUP_ACTIVE;
}
