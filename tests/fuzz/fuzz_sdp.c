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
                m->n_candidates > CA_SDP_MAX_CANDIDATES)
                abort();
            for (size_t c = 0; c < m->n_candidates; c++)
                if (strlen(m->candidates[c].value) >= sizeof m->candidates[c].value)
                    abort();
        }
    } else if (rc != CA_ERR_MALFORMED) {
        abort(); /* the parser has no other way to fail */
    }
    return 0;
}
