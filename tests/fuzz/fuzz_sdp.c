/* fuzz_sdp.c - libFuzzer target for the SDP parser (analyzer/sdp.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ca_sdp_t sdp;
    ca_err_t rc = ca_sdp_parse(data, size, &sdp);
    if (rc == CA_OK) {
        /* Everything the parser hands out must be a terminated string. */
        for (size_t i = 0; i < sdp.n_media; i++) {
            const ca_sdp_media_t *m = &sdp.media[i];
            if (strlen(m->ice_ufrag) > CA_SDP_ICE_CRED_LEN ||
                m->n_candidates > CA_SDP_MAX_CANDIDATES || m->n_formats > CA_SDP_MAX_FORMATS ||
                m->n_rtpmap > CA_SDP_MAX_RTPMAP || m->n_extmap > CA_SDP_MAX_EXTMAP ||
                m->n_ssrcs > CA_SDP_MAX_SSRCS)
                abort();
            for (size_t c = 0; c < m->n_candidates; c++)
                if (strlen(m->candidates[c].addr) >= sizeof m->candidates[c].addr ||
                    strlen(m->candidates[c].tcptype) >= sizeof m->candidates[c].tcptype)
                    abort();
            for (size_t f = 0; f < m->n_formats; f++)
                if (strlen(m->formats[f]) >= sizeof m->formats[f])
                    abort();
        }
        /* something left out says where */
        const ca_sdp_left_out_t *l = &sdp.left_out;
        if ((l->media + l->candidates + l->formats + l->rtpmap + l->extmap + l->ssrcs + l->values >
             0) != (l->first_line > 0))
            abort();
        char said[128];
        ca_sdp_left_out_text(&sdp, said, sizeof said);
        if (strlen(said) >= sizeof said)
            abort();
    } else if (rc != CA_ERR_MALFORMED) {
        abort(); /* the parser has no other way to fail */
    }
    return 0;
}
