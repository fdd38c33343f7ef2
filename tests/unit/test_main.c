/* test_main.c - runs every unit-test group; the exit status is the failure count. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

uint8_t *ca_test_read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("CALLAUDIT_FIXTURES");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + used, 1, cap - used, f);
        if (n == 0)
            break;
        used += n;
    }
    fclose(f);
    *len = used;
    return buf;
}

int main(void)
{
    int failed = 0;
    failed += ca_test_cursor();
    failed += ca_test_seccode();
    failed += ca_test_sdp();
    failed += ca_test_media();
    failed += ca_test_decoders();
    failed += ca_test_dtls();
    failed += ca_test_audit();
    return failed == 0 ? 0 : 1;
}
