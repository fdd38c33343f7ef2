/* test_flow.c - the session table at the scale issue 8 asks for: 100,000
 * live flows (IPv4 and IPv6, both directions of each found as one), idle
 * ones expired while the rest stay reachable, and backward-shift deletion
 * leaving no flow unreachable behind a freed slot. */
#include <string.h>

#include "flow.h"
#include "unit.h"

#define FLOWS 100000

/* Flow I: 198.51.100.x:port <-> 203.0.113.y:port, or over 2001:db8:: for odd I. */
static void endpoints(unsigned i, ca_endpoint_t *a, ca_endpoint_t *b)
{
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    if (i % 2) {
        a->addr.family = b->addr.family = 6;
        a->addr.bytes[0] = b->addr.bytes[0] = 0x20;
        a->addr.bytes[1] = b->addr.bytes[1] = 0x01;
        a->addr.bytes[2] = b->addr.bytes[2] = 0x0d;
        a->addr.bytes[3] = b->addr.bytes[3] = 0xb8;
        a->addr.bytes[15] = 1;
        b->addr.bytes[15] = 2;
    } else {
        a->addr.family = b->addr.family = 4;
        memcpy(a->addr.bytes, (uint8_t[]){198, 51, 100, (uint8_t)(i % 250 + 1)}, 4);
        memcpy(b->addr.bytes, (uint8_t[]){203, 0, 113, (uint8_t)(i / 250 % 250 + 1)}, 4);
    }
    a->port = (uint16_t)(10000 + i % 50000);
    b->port = (uint16_t)(3478 + i / 50000);
}

static ca_flow_t *lookup(ca_flow_table_t *t, unsigned i, bool reverse, uint8_t *from)
{
    ca_endpoint_t a, b;
    endpoints(i, &a, &b);
    return reverse ? ca_flow_lookup(t, &b, &a, 17, 0, from)
                   : ca_flow_lookup(t, &a, &b, 17, 0, from);
}

static void count_expired(void *user, ca_flow_t *f)
{
    (void)f;
    ++*(size_t *)user;
}

static void hundred_thousand_flows(void **state)
{
    (void)state;
    ca_flow_table_t *t = ca_flow_table_new();
    assert_non_null(t);
    uint8_t from;
    for (unsigned i = 0; i < FLOWS; i++) {
        ca_flow_t *f = lookup(t, i, false, &from);
        assert_non_null(f);
        assert_int_equal(from, 0);
        f->last_us = (int64_t)i; /* capture time: flow I was last seen at I */
        f->packets = i;
    }
    assert_int_equal(ca_flow_count(t), FLOWS);
    /* the other direction finds the same flow, from its second endpoint */
    for (unsigned i = 0; i < FLOWS; i += 7) {
        ca_flow_t *f = lookup(t, i, true, &from);
        assert_int_equal(f->packets, i);
        assert_int_equal(from, 1);
    }
    assert_int_equal(ca_flow_count(t), FLOWS);
    /* the older half goes idle */
    size_t expired = 0;
    assert_int_equal(ca_flow_expire(t, FLOWS / 2, FLOWS / 2, count_expired, &expired), FLOWS / 2);
    assert_int_equal(expired, FLOWS / 2);
    assert_int_equal(ca_flow_count(t), FLOWS / 2);
    /* every survivor is still reachable (deletion kept the probe chains) */
    for (unsigned i = FLOWS / 2; i < FLOWS; i++) {
        ca_flow_t *f = lookup(t, i, i % 3 == 0, &from);
        assert_int_equal(f->packets, i);
    }
    assert_int_equal(ca_flow_count(t), FLOWS / 2);
    /* and an expired flow comes back as a new one */
    assert_int_equal(lookup(t, 0, false, &from)->packets, 0);
    assert_int_equal(ca_flow_count(t), FLOWS / 2 + 1);
    ca_flow_table_free(t);
}

int ca_test_flow(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hundred_thousand_flows),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
