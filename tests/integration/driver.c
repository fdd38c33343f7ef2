/* driver.c - runs integration scripts as cmocka test cases.
 *
 * Each script is one test: exit 0 passes, exit 77 is a skip (the script said
 * why: no root, no tool), anything else fails and the tail of its log is
 * shown. Logs go to $LOGDIR (default build/test-logs) for later reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const char *log_dir(void)
{
    const char *d = getenv("LOGDIR");
    return d ? d : "build/test-logs";
}

static void log_path(const char *script, char *out, size_t size)
{
    const char *base = strrchr(script, '/');
    snprintf(out, size, "%s/%s.log", log_dir(), base ? base + 1 : script);
}

static void run_script(void **state)
{
    const char *script = *state;
    char cmd[2048], log[1024];
    log_path(script, log, sizeof log);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && bash '%s' >'%s' 2>&1", log_dir(), script, log);
    int status = system(cmd);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code == 0)
        return;
    snprintf(cmd, sizeof cmd, "tail -n 30 '%s'", log);
    if (system(cmd) != 0)
        print_error("(no log at %s)\n", log);
    if (code == 77)
        skip();
    fail_msg("%s exited with status %d (log: %s)", script, code, log);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: integration_driver SCRIPT...\n");
        return 2;
    }
    size_t n = (size_t)argc - 1;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    if (!tests)
        return 2;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(argv[i + 1], '/');
        tests[i].name = base ? base + 1 : argv[i + 1];
        tests[i].test_func = run_script;
        tests[i].initial_state = argv[i + 1];
    }
    int failed = _cmocka_run_group_tests("integration", tests, n, NULL, NULL);
    free(tests);
    return failed == 0 ? 0 : 1;
}
