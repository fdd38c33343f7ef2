/* report_junit.c - JUnit XML for CI systems: one test case per call; failing
 * findings become <failure>, an inconclusive call is <skipped> with the reason. */
#include "report.h"

#include "expect.h"

static void findings_text(FILE *out, const ca_call_t *call, ca_severity_t min)
{
    for (size_t i = 0; i < call->n_findings; i++) {
        const ca_finding_t *f = &call->findings[i];
        if (f->severity < min)
            continue;
        fprintf(out, "%s %s", ca_severity_name(f->severity), f->id);
        if (f->frame)
            fprintf(out, " (frame %llu)", (unsigned long long)f->frame);
        fputs(": ", out);
        ca_markup_text(out, false, f->message);
        fputc('\n', out);
    }
}

void ca_report_junit_call(FILE *out, const ca_call_t *call)
{
    char c[CA_ENDPOINT_TEXT_LEN], s[CA_ENDPOINT_TEXT_LEN];
    ca_endpoint_format(&call->client, c, sizeof c);
    ca_endpoint_format(&call->server, s, sizeof s);
    fprintf(out, "    <testcase classname=\"callaudit.call\" name=\"call %u ", call->id);
    ca_markup_text(out, false, c);
    fputs(" - ", out);
    ca_markup_text(out, false, s);
    fputs("\">\n", out);
    const char *first_fail = NULL;
    for (size_t k = 0; k < call->n_findings && !first_fail; k++)
        if (call->findings[k].severity == CA_SEV_FAIL)
            first_fail = call->findings[k].id;
    if (call->verdict == CA_VERDICT_FAIL) {
        fprintf(out, "      <failure type=\"%s\" message=\"call %u fails\">", first_fail, call->id);
        findings_text(out, call, CA_SEV_FAIL);
        fputs("</failure>\n", out);
    } else if (call->verdict == CA_VERDICT_INCONCLUSIVE) {
        fputs("      <skipped message=\"inconclusive: ", out);
        findings_text(out, call, CA_SEV_INCONCLUSIVE);
        if (!call->have_code)
            fputs("no security code could be computed", out);
        fputs("\"/>\n", out);
    }
    fprintf(out, "      <system-out>security code: %s</system-out>\n",
            call->have_code ? call->code : "none");
    fputs("    </testcase>\n", out);
}

void ca_report_junit_wrap(FILE *out, const ca_report_input_t *in, FILE *cases)
{
    const ca_audit_t *a = in->audit;
    size_t tests = a->calls_total ? a->calls_total : 1;
    size_t failures = a->fail + (a->calls_total == 0);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"callaudit\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
            tests, failures, a->inconclusive);
    fprintf(out,
            "  <testsuite name=\"callaudit\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
            tests, failures, a->inconclusive);
    if (a->calls_total == 0)
        fprintf(out, "    <testcase classname=\"callaudit\" name=\"capture\">\n"
                     "      <failure type=\"NO_CALL\" message=\"no media session in the "
                     "capture\"/>\n    </testcase>\n");
    for (size_t i = 0; i < a->n_calls; i++)
        ca_report_junit_call(out, &a->calls[i]);
    if (cases) {
        char buf[8192];
        size_t n;
        rewind(cases);
        while ((n = fread(buf, 1, sizeof buf, cases)) > 0)
            fwrite(buf, 1, n, out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
}

void ca_report_junit(FILE *out, const ca_report_input_t *in)
{
    ca_report_junit_wrap(out, in, NULL);
}

void ca_report_junit_expect(FILE *out, const ca_report_input_t *in)
{
    const ca_expect_diff_t *d = in->expect_diff;
    bool holds = d->n == 0 && d->more == 0;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"callaudit\" tests=\"1\" failures=\"%d\">\n", !holds);
    fprintf(out, "  <testsuite name=\"callaudit.expect\" tests=\"1\" failures=\"%d\">\n", !holds);
    fputs("    <testcase classname=\"callaudit.expect\" name=\"", out);
    ca_markup_text(out, false, in->expect_path);
    fputs("\">\n", out);
    if (!holds) {
        fprintf(out, "      <failure type=\"EXPECTATION\" message=\"%zu differences\">",
                d->n + d->more);
        for (size_t i = 0; i < d->n; i++) {
            ca_markup_text(out, false, d->what[i]);
            fputc('\n', out);
        }
        if (d->more)
            fprintf(out, "and %zu more\n", d->more);
        fputs("</failure>\n", out);
    }
    fputs("    </testcase>\n  </testsuite>\n</testsuites>\n", out);
}
