/* fuzz_keylog.c - libFuzzer target for the NSS key log parser (analyzer/keylog.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keylog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[160];
    ca_keylog_t *kl = ca_keylog_parse(data, size, err, sizeof err);
    if (!kl) {
        if (strlen(err) == 0)
            abort(); /* a refusal always says why */
        return 0;
    }
    const ca_keylog_stats_t *st = ca_keylog_stats(kl);
    if (st->entries > st->secrets || st->secrets + st->malformed + st->unknown_labels > st->lines)
        abort();
    uint8_t random[32] = {0};
    if (size >= 32)
        memcpy(random, data, 32);
    const ca_keylog_entry_t *e = ca_keylog_find(kl, random);
    if (e && memcmp(e->client_random, random, 32) != 0)
        abort();
    ca_keylog_free(kl);
    return 0;
}
