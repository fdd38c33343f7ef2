/* cli.h - what the callaudit subcommands share: the options common to
 * `analyze` and `live` (output format, filter, SDP files, expected code, idle
 * timeout), their parsing, and the one-line usage errors (exit 2).
 */
#ifndef CA_CLI_H
#define CA_CLI_H

#include <stdbool.h>

#include "audit.h"
#include "keylog.h"
#include "pipeline.h"
#include "seccode.h"

typedef enum { CA_FORMAT_TEXT, CA_FORMAT_JSON, CA_FORMAT_JUNIT, CA_FORMAT_HTML } ca_format_t;

typedef struct {
    ca_format_t format;
    const char *filter;
    char expect_code[CA_SECCODE_TEXT_LEN];
    bool have_expect;
    ca_sdp_t *sdps[CA_AUDIT_MAX_SDP]; /* owned */
    const char *sdp_names[CA_AUDIT_MAX_SDP];
    size_t n_sdps;
    double idle_timeout_s;
    ca_keylog_t *keylog; /* owned */
    const char *keylog_path;
    const char *decrypt_out;           /* --decrypt-out FILE */
    const char *expect, *write_expect; /* --expect FILE, --write-expect FILE */
} ca_cli_opts_t;

/* getopt_long values of the shared options; subcommands number theirs above CA_OPT_LAST. */
enum {
    CA_OPT_FORMAT = 256,
    CA_OPT_SDP,
    CA_OPT_EXPECT,
    CA_OPT_KEYLOG,
    CA_OPT_IDLE,
    CA_OPT_HELP,
    CA_OPT_DECRYPT_OUT,
    CA_OPT_EXPECT_FILE,
    CA_OPT_WRITE_EXPECT,
    CA_OPT_LAST
};

/* clang-format off */
#define CA_CLI_LONG_OPTIONS                                          \
    {"format", required_argument, NULL, CA_OPT_FORMAT},              \
    {"sdp", required_argument, NULL, CA_OPT_SDP},                    \
    {"expect-code", required_argument, NULL, CA_OPT_EXPECT},         \
    {"keylog", required_argument, NULL, CA_OPT_KEYLOG},              \
    {"idle-timeout", required_argument, NULL, CA_OPT_IDLE},          \
    {"decrypt-out", required_argument, NULL, CA_OPT_DECRYPT_OUT},    \
    {"expect", required_argument, NULL, CA_OPT_EXPECT_FILE},         \
    {"write-expect", required_argument, NULL, CA_OPT_WRITE_EXPECT},  \
    {"help", no_argument, NULL, CA_OPT_HELP}
/* clang-format on */

extern const char ca_cli_usage[];         /* the overview */
extern const char ca_cli_usage_analyze[]; /* analyze --help: one screen */
extern const char ca_cli_usage_live[];    /* live --help: one screen */

void ca_cli_init(ca_cli_opts_t *o);
void ca_cli_free(ca_cli_opts_t *o);

/* Handle option C (with ARG) if it is a shared one: 0 handled, 1 not a shared
 * option, 2 a usage error (already reported). */
int ca_cli_option(ca_cli_opts_t *o, int c, const char *arg);

/* "callaudit: " + the message + newline on stderr; returns 2. */
__attribute__((format(printf, 1, 2))) int ca_cli_fail(const char *fmt, ...);

/* The audit options for O, with the SDP seen in clear in P's capture added
 * after the --sdp files; NAMES holds their names ("the SDP in frame N"). */
void ca_cli_audit_opts(const ca_cli_opts_t *o, const ca_pipeline_t *p, ca_audit_opts_t *aopts,
                       char (*names)[48]);

/* --engine: which reads the packets (analyze and live). */
typedef enum { CA_ENGINE_NATIVE, CA_ENGINE_WIRESHARK, CA_ENGINE_BOTH } ca_engine_t;
/* --engine ARG: 0 with *OUT set, or 2 (reported). */
int ca_cli_engine(const char *arg, ca_engine_t *out);
/* The line on stderr that ends a comparison of the two engines. */
void ca_cli_engine_summary(size_t disagreements, const char *version);

/* Colours for text on a terminal, unless NO_COLOR is set (no-color.org) or TERM is dumb. */
bool ca_cli_color(void);

/* The subcommands. */
int ca_cmd_live(int argc, char **argv);

#endif
