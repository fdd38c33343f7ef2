/* cert.c - fresh or pinned certificates for callstack endpoints; see cert.h. */
#include "cert.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

static int fill_thumbprint(cs_cert_t *cert)
{
    unsigned len = 0;
    return X509_digest(cert->x509, EVP_sha256(), cert->thumbprint, &len) == 1 &&
                   len == CA_SHA256_LEN
               ? 0
               : -1;
}

int cs_cert_generate(cs_cert_t *cert, char *err, size_t err_size)
{
    memset(cert, 0, sizeof *cert);
    uint8_t serial[8], id[6];
    char cn[32];
    X509_NAME *name = NULL;
    BIGNUM *bn = NULL;

    if (RAND_bytes(serial, sizeof serial) != 1 || RAND_bytes(id, sizeof id) != 1)
        goto fail;
    serial[0] &= 0x7f; /* a positive serial */
    snprintf(cn, sizeof cn, "callstack-%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2], id[3], id[4],
             id[5]);
    cert->pkey = EVP_EC_gen("P-256");
    cert->x509 = X509_new();
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    name = X509_NAME_new();
    if (!cert->pkey || !cert->x509 || !bn || !name)
        goto fail;
    if (X509_set_version(cert->x509, X509_VERSION_3) != 1 ||
        !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert->x509)) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert->x509), -86400) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert->x509), 30L * 86400) ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                   0) != 1 ||
        X509_set_subject_name(cert->x509, name) != 1 ||
        X509_set_issuer_name(cert->x509, name) != 1 ||
        X509_set_pubkey(cert->x509, cert->pkey) != 1 ||
        X509_sign(cert->x509, cert->pkey, EVP_sha256()) <= 0 || fill_thumbprint(cert) != 0)
        goto fail;
    X509_NAME_free(name);
    BN_free(bn);
    return 0;
fail:
    snprintf(err, err_size, "cannot generate a certificate: %s",
             ERR_reason_error_string(ERR_get_error()));
    X509_NAME_free(name);
    BN_free(bn);
    cs_cert_free(cert);
    return -1;
}

int cs_cert_load(cs_cert_t *cert, const char *cert_path, const char *key_path, char *err,
                 size_t err_size)
{
    memset(cert, 0, sizeof *cert);
    FILE *f = fopen(cert_path, "r");
    if (!f) {
        snprintf(err, err_size, "cannot open certificate %s", cert_path);
        return -1;
    }
    cert->x509 = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!cert->x509) {
        snprintf(err, err_size, "%s is not a PEM certificate", cert_path);
        return -1;
    }
    f = fopen(key_path, "r");
    if (!f) {
        snprintf(err, err_size, "cannot open key %s", key_path);
        cs_cert_free(cert);
        return -1;
    }
    cert->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!cert->pkey || X509_check_private_key(cert->x509, cert->pkey) != 1) {
        snprintf(err, err_size, "%s is not the private key of %s", key_path, cert_path);
        cs_cert_free(cert);
        return -1;
    }
    if (fill_thumbprint(cert) != 0) {
        snprintf(err, err_size, "cannot hash %s", cert_path);
        cs_cert_free(cert);
        return -1;
    }
    return 0;
}

int cs_cert_write_pem(const cs_cert_t *cert, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = PEM_write_X509(f, cert->x509);
    return fclose(f) == 0 && ok == 1 ? 0 : -1;
}

void cs_cert_free(cs_cert_t *cert)
{
    if (!cert)
        return;
    X509_free(cert->x509);
    EVP_PKEY_free(cert->pkey);
    cert->x509 = NULL;
    cert->pkey = NULL;
}
