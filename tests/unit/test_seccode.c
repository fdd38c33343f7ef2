/* test_seccode.c - the security code against every vector of
 * shared/spec/security-code.md (certificates copied to fixtures/vectors/). */
#include <stdlib.h>
#include <string.h>

#include "seccode.h"
#include "unit.h"

typedef struct {
    uint8_t *der;
    size_t len;
} der_t;

static der_t load_der(const char *name)
{
    der_t d = {NULL, 0};
    d.der = ca_test_cert_der(name, &d.len);
    return d;
}

static void check_pair(const char *a, const char *b, const char *want)
{
    der_t da = load_der(a), db = load_der(b);
    char code[CA_SECCODE_TEXT_LEN];
    assert_int_equal(ca_seccode_from_der(da.der, da.len, db.der, db.len, code), CA_OK);
    assert_string_equal(code, want);
    free(da.der);
    free(db.der);
}

static void thumbprint_of(const char *name, const char *want)
{
    der_t d = load_der(name);
    uint8_t fp[CA_SHA256_LEN];
    char hex[CA_THUMBPRINT_TEXT_LEN];
    assert_int_equal(ca_thumbprint_der(d.der, d.len, fp), CA_OK);
    ca_hex_colon(fp, sizeof fp, hex, sizeof hex);
    assert_string_equal(hex, want);
    free(d.der);
}

static void vector_thumbprints(void **state)
{
    (void)state;
    thumbprint_of("vectors/caller.pem", "C5:08:0B:AC:51:20:28:F7:63:B4:3D:A1:67:BB:61:14:2A:C9:10:"
                                        "83:C4:E4:1D:20:5D:D4:00:90:12:A8:35:B9");
    thumbprint_of("vectors/callee.pem", "6C:E5:E2:1D:19:31:B3:E0:6B:60:69:E4:64:56:11:2E:BB:A0:83:"
                                        "5C:4F:89:94:59:71:C9:2C:4B:C1:3F:A8:CE");
    thumbprint_of("vectors/rsa.pem", "09:A7:C9:F0:31:47:B7:F5:96:23:4F:88:AD:64:9C:3E:62:FF:90:BC:"
                                     "C6:DF:30:DE:99:89:47:9B:4F:E1:7A:F8");
}

static void vector_codes(void **state)
{
    (void)state;
    check_pair("vectors/caller.pem", "vectors/callee.pem", "15575 52626 68221 51895");
    check_pair("vectors/callee.pem", "vectors/caller.pem", "15575 52626 68221 51895");
    check_pair("vectors/caller.pem", "vectors/rsa.pem", "13315 34611 98001 53588");
    check_pair("vectors/caller.pem", "vectors/caller.pem", "42896 41722 23403 67389");
}

/* Groups keep leading zeros: all-zero thumbprints must still give 5-digit groups. */
static void groups_are_zero_padded(void **state)
{
    (void)state;
    uint8_t a[CA_SHA256_LEN], b[CA_SHA256_LEN];
    char code[CA_SECCODE_TEXT_LEN];
    memset(a, 0, sizeof a);
    memset(b, 0xff, sizeof b);
    ca_seccode_from_thumbprints(a, b, code);
    assert_int_equal(strlen(code), 23);
    for (size_t i = 0; i < 23; i++)
        assert_true(i % 6 == 5 ? code[i] == ' ' : (code[i] >= '0' && code[i] <= '9'));
}

static void parse_typed_codes(void **state)
{
    (void)state;
    char out[CA_SECCODE_TEXT_LEN];
    assert_int_equal(ca_seccode_parse("15575 52626 68221 51895", out), CA_OK);
    assert_string_equal(out, "15575 52626 68221 51895");
    assert_int_equal(ca_seccode_parse("15575526266822151895", out), CA_OK);
    assert_string_equal(out, "15575 52626 68221 51895");
    assert_int_equal(ca_seccode_parse("  15575\t52626\n68221  51895 ", out), CA_OK);
    assert_string_equal(out, "15575 52626 68221 51895");
    assert_int_equal(ca_seccode_parse("1557 552626 68221 51895", out), CA_ERR_MALFORMED);
    assert_int_equal(ca_seccode_parse("15575 52626 68221 5189", out), CA_ERR_MALFORMED);
    assert_int_equal(ca_seccode_parse("15575 52626 68221 518950", out), CA_ERR_MALFORMED);
    assert_int_equal(ca_seccode_parse("15575-52626-68221-51895", out), CA_ERR_MALFORMED);
    assert_int_equal(ca_seccode_parse("", out), CA_ERR_MALFORMED);
}

static void thumbprint_refuses_empty(void **state)
{
    (void)state;
    uint8_t fp[CA_SHA256_LEN];
    assert_int_equal(ca_thumbprint_der(NULL, 0, fp), CA_ERR_MALFORMED);
}

int ca_test_seccode(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_thumbprints),       cmocka_unit_test(vector_codes),
        cmocka_unit_test(groups_are_zero_padded),   cmocka_unit_test(parse_typed_codes),
        cmocka_unit_test(thumbprint_refuses_empty),
    };
    return cmocka_run_group_tests_name("seccode", tests, NULL, NULL);
}
