/* callaudit.c - the callaudit command line.
 *
 * `code` computes the security code of two certificates (PEM or DER). The
 * capture audit (`analyze`, `live`) is built on top of libcallaudit's
 * decoders as they land; until then those commands say so and exit 2, so no
 * script can mistake them for a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "seccode.h"

static const char usage_text[] =
    "usage: callaudit analyze [options] CAPTURE...   audit pcap/pcapng files; '-' reads stdin\n"
    "       callaudit live -i IFACE [options]        capture and audit live\n"
    "       callaudit code CERT_A CERT_B             the security code of two certificates\n";

/* Read a certificate file as DER, accepting PEM or DER. Returns a malloc'ed buffer. */
static uint8_t *read_cert_der(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "callaudit: cannot open %s\n", path);
        return NULL;
    }
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    if (!x) {
        rewind(f);
        x = d2i_X509_fp(f, NULL);
    }
    fclose(f);
    if (!x) {
        fprintf(stderr, "callaudit: %s is not a PEM or DER certificate\n", path);
        return NULL;
    }
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    X509_free(x);
    if (n <= 0) {
        fprintf(stderr, "callaudit: cannot encode %s\n", path);
        return NULL;
    }
    *len = (size_t)n;
    return der;
}

static int cmd_code(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "callaudit: code takes two certificate files\n");
        return 2;
    }
    size_t a_len = 0, b_len = 0;
    uint8_t *a = read_cert_der(argv[2], &a_len);
    uint8_t *b = a ? read_cert_der(argv[3], &b_len) : NULL;
    char code[CA_SECCODE_TEXT_LEN];
    int rc = 2;
    if (a && b) {
        ca_err_t err = ca_seccode_from_der(a, a_len, b, b_len, code);
        if (err == CA_OK) {
            printf("%s\n", code);
            rc = 0;
        } else {
            fprintf(stderr, "callaudit: cannot compute the code: %s\n", ca_err_str(err));
        }
    }
    OPENSSL_free(a);
    OPENSSL_free(b);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "code") == 0)
        return cmd_code(argc, argv);
    if (strcmp(argv[1], "analyze") == 0 || strcmp(argv[1], "live") == 0) {
        fprintf(stderr, "callaudit: '%s' is not available in this build yet\n", argv[1]);
        return 2;
    }
    fprintf(stderr, "callaudit: unknown command '%s' (see callaudit --help)\n", argv[1]);
    return 2;
}
