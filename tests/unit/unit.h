/* unit.h - the groups of the unit-test binary (cmocka), one per module. */
#ifndef CA_UNIT_H
#define CA_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

int ca_test_cursor(void);
int ca_test_seccode(void);
int ca_test_sdp(void);
int ca_test_media(void);
int ca_test_decoders(void);
int ca_test_dtls(void);
int ca_test_audit(void);
int ca_test_audit_capture(void);
int ca_test_keys(void);
int ca_test_timeline(void);
int ca_test_report(void);
int ca_test_flow(void);
int ca_test_certificate(void);
int ca_test_sig(void);

/* Read FIXTURES/NAME (CALLAUDIT_FIXTURES, default "fixtures") into a malloc'ed buffer. */
uint8_t *ca_test_read_fixture(const char *name, size_t *len);

/* The DER of the PEM certificate FIXTURES/NAME, malloc'ed (the test fails if absent). */
uint8_t *ca_test_cert_der(const char *name, size_t *len);

#endif
