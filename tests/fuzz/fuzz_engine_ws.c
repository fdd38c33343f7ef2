/* fuzz_engine_ws.c - the reader of the Wireshark engine's output
 * (analyzer/engine_ws.c): arbitrary lines, fed to a real pipeline and
 * audited, must never read out of bounds, whatever numbers, hex or field
 * counts they hold. Seeds: the engine's output for stored captures
 * (tests/fuzz/corpus/engine_ws). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "engine_ws.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    ca_pipeline_t *p = ca_pipeline_new();
    ca_engine_ws_result_t res;
    ca_engine_ws_reader_t *r = p ? ca_engine_ws_reader_new(p, &res) : NULL;
    if (!text || !r) {
        free(text);
        ca_pipeline_free(p);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        (void)ca_engine_ws_reader_line(r, line);
    }
    ca_engine_ws_reader_free(r);
    ca_audit_t audit;
    ca_audit_opts_t opts = {0};
    if (ca_audit_run(ca_pipeline_flows(p), &opts, &audit) == CA_OK)
        ca_audit_free(&audit);
    ca_pipeline_free(p);
    free(text);
    return 0;
}
