/* test_report.c - what the HTML report writes of untrusted text: markup
 * characters become entities and bytes that are not printable ASCII become
 * U+FFFD, so a certificate subject cannot inject markup; and each finding
 * id states its requirement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"
#include "unit.h"

static char *html_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ca_html_text(f, s);
    fclose(f);
    return buf;
}

static void html_text_escapes_markup(void **state)
{
    (void)state;
    char *out = html_of("CN=<script>alert('x')</script> & \"co\"");
    assert_string_equal(out,
                        "CN=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;");
    free(out);
    out = html_of("a\x01\n\x7f\xc3\xa9z");
    assert_string_equal(out, "a&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;z");
    free(out);
}

static void findings_state_their_requirement(void **state)
{
    (void)state;
    assert_non_null(strstr(ca_finding_requirement("MEDIA_BEFORE_HANDSHAKE"), "RFC 5764"));
    assert_non_null(strstr(ca_finding_requirement("FRAGMENT_CONFLICT"), "RFC 6347 4.2.3"));
    assert_non_null(strstr(ca_finding_requirement("NO_SUCH_ID"), "README"));
}

int ca_test_report(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_text_escapes_markup),
        cmocka_unit_test(findings_state_their_requirement),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
