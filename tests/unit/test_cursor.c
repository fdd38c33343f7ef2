/* test_cursor.c - the bounded reader: every read fails cleanly at the end. */
#include <string.h>

#include "cursor.h"
#include "unit.h"

static void reads_big_endian(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
    ca_cursor_t c = ca_cursor_make(buf, sizeof buf);
    uint8_t u8;
    uint16_t u16;
    uint32_t u24, u32;
    uint64_t u48;
    assert_int_equal(ca_cursor_u8(&c, &u8), CA_OK);
    assert_int_equal(u8, 0x01);
    assert_int_equal(ca_cursor_u16(&c, &u16), CA_OK);
    assert_int_equal(u16, 0x0203);
    assert_int_equal(ca_cursor_u24(&c, &u24), CA_OK);
    assert_int_equal(u24, 0x040506);
    assert_int_equal(ca_cursor_u32(&c, &u32), CA_OK);
    assert_int_equal(u32, 0x0708090a);
    assert_int_equal(ca_cursor_u48(&c, &u48), CA_OK);
    assert_true(u48 == 0x0b0c0d0e0f10ull);
    assert_int_equal(ca_cursor_left(&c), 0);
    assert_int_equal(ca_cursor_expect_end(&c), CA_OK);
}

/* Every read of every width, at every prefix length, either succeeds with the
 * right value or fails with TRUNCATED and leaves the cursor untouched. */
static void truncated_reads_leave_cursor_alone(void **state)
{
    (void)state;
    static const uint8_t buf[8] = {0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88};
    for (size_t len = 0; len <= sizeof buf; len++) {
        for (size_t width = 1; width <= 8; width++) {
            ca_cursor_t c = ca_cursor_make(buf, len);
            uint64_t v = 0;
            ca_err_t rc = ca_cursor_uint(&c, width, &v);
            if (width <= len) {
                assert_int_equal(rc, CA_OK);
                assert_int_equal(ca_cursor_left(&c), len - width);
            } else {
                assert_int_equal(rc, CA_ERR_TRUNCATED);
                assert_int_equal(ca_cursor_left(&c), len);
            }
        }
    }
}

static void sub_blocks_are_bounded(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0x03, 'a', 'b', 'c', 0x05, 'x'};
    ca_cursor_t c = ca_cursor_make(buf, sizeof buf), child;
    uint8_t n;
    const uint8_t *bytes;
    assert_int_equal(ca_cursor_u8(&c, &n), CA_OK);
    assert_int_equal(ca_cursor_sub(&c, n, &child), CA_OK);
    assert_int_equal(ca_cursor_bytes(&child, 3, &bytes), CA_OK);
    assert_memory_equal(bytes, "abc", 3);
    assert_int_equal(ca_cursor_u8(&child, &n), CA_ERR_TRUNCATED);
    assert_int_equal(ca_cursor_expect_end(&child), CA_OK);
    /* A length that points past the end is refused, not followed. */
    assert_int_equal(ca_cursor_u8(&c, &n), CA_OK);
    assert_int_equal(ca_cursor_sub(&c, n, &child), CA_ERR_TRUNCATED);
    assert_int_equal(ca_cursor_skip(&c, 2), CA_ERR_TRUNCATED);
    assert_int_equal(ca_cursor_expect_end(&c), CA_ERR_MALFORMED);
}

static void lines_split_on_lf_and_crlf(void **state)
{
    (void)state;
    static const char text[] = "v=0\r\no=x\n\nlast";
    ca_cursor_t c = ca_cursor_make((const uint8_t *)text, sizeof text - 1), line;
    assert_int_equal(ca_cursor_line(&c, &line), CA_OK);
    assert_int_equal(ca_cursor_left(&line), 3);
    assert_int_equal(ca_cursor_line(&c, &line), CA_OK);
    assert_int_equal(ca_cursor_left(&line), 3);
    assert_int_equal(ca_cursor_line(&c, &line), CA_OK);
    assert_int_equal(ca_cursor_left(&line), 0);
    assert_int_equal(ca_cursor_line(&c, &line), CA_OK);
    assert_memory_equal(line.p, "last", 4);
    assert_int_equal(ca_cursor_line(&c, &line), CA_ERR_TRUNCATED);
}

static void empty_and_null_buffers(void **state)
{
    (void)state;
    ca_cursor_t c = ca_cursor_make(NULL, 0);
    uint8_t b;
    assert_int_equal(ca_cursor_left(&c), 0);
    assert_int_equal(ca_cursor_u8(&c, &b), CA_ERR_TRUNCATED);
    assert_int_equal(ca_cursor_peek_u8(&c, &b), CA_ERR_TRUNCATED);
    assert_int_equal(ca_cursor_expect_end(&c), CA_OK);
}

int ca_test_cursor(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_big_endian),
        cmocka_unit_test(truncated_reads_leave_cursor_alone),
        cmocka_unit_test(sub_blocks_are_bounded),
        cmocka_unit_test(lines_split_on_lf_and_crlf),
        cmocka_unit_test(empty_and_null_buffers),
    };
    return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
