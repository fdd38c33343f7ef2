/* flowbench.c - the session table under load (make bench): nanoseconds per
 * lookup of an existing flow with 1,000 to 1,000,000 flows live, the time
 * to expire them, and the memory a bare flow takes. A lookup must not slow
 * down as flows are added (open addressing, not lists). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"

static void endpoints(unsigned i, ca_endpoint_t *a, ca_endpoint_t *b)
{
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    a->addr.family = b->addr.family = 4;
    memcpy(a->addr.bytes, (uint8_t[]){10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}, 4);
    memcpy(b->addr.bytes, (uint8_t[]){192, 0, 2, 1}, 4);
    a->port = (uint16_t)(1024 + i % 60000);
    b->port = 3478;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ignore(void *user, ca_flow_t *f)
{
    (void)user;
    (void)f;
}

int main(void)
{
    static const unsigned sizes[] = {1000, 10000, 100000, 1000000};
    printf("%-12s %14s %14s %14s\n", "live flows", "insert ns", "lookup ns", "expire ns");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        unsigned n = sizes[s];
        ca_flow_table_t *t = ca_flow_table_new();
        ca_endpoint_t a, b;
        uint8_t from;
        double t0 = now_s();
        for (unsigned i = 0; i < n; i++) {
            endpoints(i, &a, &b);
            ca_flow_t *f = ca_flow_lookup(t, &a, &b, 17, 0, &from);
            if (!f)
                return 1;
            f->last_us = 1;
        }
        double t1 = now_s();
        /* 10 million lookups of existing flows, in a scattered order */
        unsigned long long found = 0;
        const unsigned rounds = 10000000;
        for (unsigned k = 0; k < rounds; k++) {
            unsigned i = (unsigned)((k * 2654435761u) % n);
            endpoints(i, &a, &b);
            found += ca_flow_lookup(t, &b, &a, 17, 0, &from)->last_us == 1;
        }
        double t2 = now_s();
        size_t expired = ca_flow_expire(t, 2, 2, ignore, NULL);
        double t3 = now_s();
        if (found != rounds || expired != n || ca_flow_count(t) != 0)
            return 1;
        printf("%-12u %14.1f %14.1f %14.1f\n", n, (t1 - t0) * 1e9 / n, (t2 - t1) * 1e9 / rounds,
               (t3 - t2) * 1e9 / n);
        ca_flow_table_free(t);
    }
    printf("a flow without DTLS or media: %zu bytes (ca_flow_t) plus its slot\n",
           sizeof(ca_flow_t));
    return 0;
}
