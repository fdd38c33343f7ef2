/* srtp_check.c - SRTP/SRTCP authentication through libsrtp2; see srtp_check.h. */
#include "srtp_check.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

struct ca_srtp_check {
    srtp_t session[2]; /* [0]: packets from the client, [1]: from the server */
};

static bool library_ready(void)
{
    static int state; /* 0 untried, 1 ready, -1 failed */
    if (state == 0)
        state = srtp_init() == srtp_err_status_ok ? 1 : -1;
    return state == 1;
}

static bool set_policy(srtp_policy_t *p, uint16_t profile)
{
    switch (profile) {
    case 0x0001:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
        return true;
    case 0x0002: /* RFC 5764 4.1.2: SRTCP keeps the 80-bit tag */
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
        return true;
    case 0x0007:
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
        return true;
    case 0x0008:
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
        return true;
    default:
        return false;
    }
}

ca_srtp_check_t *ca_srtp_check_new(uint16_t profile, const uint8_t key[2][32],
                                   const uint8_t salt[2][14], size_t key_len, size_t salt_len)
{
    if (!library_ready())
        return NULL;
    ca_srtp_check_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    for (int d = 0; d < 2; d++) {
        srtp_policy_t p;
        uint8_t master[32 + 14];
        memset(&p, 0, sizeof p);
        if (!set_policy(&p, profile)) {
            ca_srtp_check_free(c);
            return NULL;
        }
        memcpy(master, key[d], key_len);
        memcpy(master + key_len, salt[d], salt_len);
        p.ssrc.type = ssrc_any_inbound;
        p.key = master;
        /* a capture may show a stream's packets far out of order (jitter
         * buffers see the same): be as lenient as libsrtp allows */
        p.window_size = 0x7fff;
        p.allow_repeat_tx = 0;
        srtp_err_status_t rc = srtp_create(&c->session[d], &p);
        memset(master, 0, sizeof master);
        if (rc != srtp_err_status_ok) {
            c->session[d] = NULL;
            ca_srtp_check_free(c);
            return NULL;
        }
    }
    return c;
}

void ca_srtp_check_free(ca_srtp_check_t *c)
{
    if (!c)
        return;
    for (int d = 0; d < 2; d++)
        if (c->session[d])
            srtp_dealloc(c->session[d]);
    free(c);
}

ca_srtp_result_t ca_srtp_check_packet(ca_srtp_check_t *c, bool from_client, bool rtcp, uint8_t *buf,
                                      size_t *len)
{
    if (*len > INT_MAX)
        return CA_SRTP_UNREADABLE;
    int n = (int)*len;
    srtp_t s = c->session[from_client ? 0 : 1];
    srtp_err_status_t rc = rtcp ? srtp_unprotect_rtcp(s, buf, &n) : srtp_unprotect(s, buf, &n);
    switch (rc) {
    case srtp_err_status_ok:
        *len = (size_t)n;
        return CA_SRTP_AUTHENTIC;
    case srtp_err_status_auth_fail:
        return CA_SRTP_AUTH_FAILED;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
        return CA_SRTP_REPLAYED;
    default:
        return CA_SRTP_UNREADABLE;
    }
}
