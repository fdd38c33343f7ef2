/* certificate.c - reads a leaf certificate; see certificate.h.
 *
 * Why not d2i_X509: in OpenSSL 3.0 it decodes the public key as it reads
 * the certificate, through a decoder context built afresh for every key (a
 * search of every provider's decoders): about 95 us per certificate on the
 * project's machine, more than the ECDSA verification that follows, and
 * per call, since WebRTC certificates are fresh for each call. So the
 * certificate is read with OpenSSL's ASN.1 decoder against the RFC 5280
 * 4.1 structure with the key left as its algorithm and bits, and the key is
 * then made directly: named-curve EC keys (what browsers and the reference
 * stack use) with EVP_PKEY_fromdata, which checks the point is on the
 * curve, Ed25519 from its raw bytes, anything else through d2i_PUBKEY. The
 * differential fuzz target fuzz_certificate holds this to d2i_X509's
 * verdict and key on every input.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "certificate.h"

/* RFC 5280 4.1; names as there. */
typedef struct {
    X509_ALGOR *algorithm;
    ASN1_BIT_STRING *subjectPublicKey;
} CA_SPKI;

typedef struct {
    ASN1_INTEGER *version;
    ASN1_INTEGER *serialNumber;
    X509_ALGOR *signature;
    X509_NAME *issuer;
    X509_VAL *validity;
    X509_NAME *subject;
    CA_SPKI *subjectPublicKeyInfo;
    ASN1_BIT_STRING *issuerUniqueID;
    ASN1_BIT_STRING *subjectUniqueID;
    STACK_OF(X509_EXTENSION) * extensions;
} CA_TBS;

typedef struct {
    CA_TBS *tbsCertificate;
    X509_ALGOR *signatureAlgorithm;
    ASN1_BIT_STRING *signatureValue;
} CA_CERT;

/* The ASN.1 items, defined at the end of the file (OpenSSL's template
 * macros are not C statements, which the formatter would reflow). */
static const ASN1_ITEM *CA_SPKI_it(void);
static const ASN1_ITEM *CA_CERT_it(void);

/* A named-curve EC key: the curve's OID in the parameters, the point in
 * the bits. NULL if it is not one or does not import. */
static EVP_PKEY *ec_named_key(const X509_ALGOR *alg, const uint8_t *bits, size_t n)
{
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(NULL, &ptype, &pval, alg);
    if (ptype != V_ASN1_OBJECT || !pval)
        return NULL;
    const char *name = OBJ_nid2sn(OBJ_obj2nid(pval));
    /* OSSL_PARAM wants writable buffers; the largest point (P-521,
     * uncompressed) is 133 bytes, anything longer is left to d2i_PUBKEY */
    char curve[64];
    uint8_t point[160];
    if (!name || n > sizeof point || snprintf(curve, sizeof curve, "%s", name) >= (int)sizeof curve)
        return NULL;
    memcpy(point, bits, n);
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, curve, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, n),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pk = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static EVP_PKEY *spki_key(const CA_SPKI *spki)
{
    const ASN1_BIT_STRING *b = spki->subjectPublicKey;
    const uint8_t *bits = ASN1_STRING_get0_data(b);
    int n = ASN1_STRING_length(b);
    /* a key is whole bytes: bits left over mean something else */
    bool whole = !(b->flags & ASN1_STRING_FLAG_BITS_LEFT) || (b->flags & 0x07) == 0;
    int nid = OBJ_obj2nid(spki->algorithm->algorithm);
    EVP_PKEY *pk = NULL;
    if (whole && n > 0 && nid == NID_X9_62_id_ecPublicKey)
        pk = ec_named_key(spki->algorithm, bits, (size_t)n);
    else if (whole && nid == NID_ED25519 && spki->algorithm->parameter == NULL)
        pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, bits, (size_t)n);
    if (pk)
        return pk;
    unsigned char *der = NULL;
    int len = ASN1_item_i2d((const ASN1_VALUE *)spki, &der, ASN1_ITEM_rptr(CA_SPKI));
    if (len > 0) {
        const unsigned char *p = der;
        pk = d2i_PUBKEY(NULL, &p, len);
    }
    OPENSSL_free(der);
    return pk;
}

static void describe_key(const EVP_PKEY *pk, char *out, size_t size)
{
    char group[64] = "";
    size_t glen = 0;
    if (!pk) {
        snprintf(out, size, "unknown");
        return;
    }
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_EC:
        if (EVP_PKEY_get_group_name(pk, group, sizeof group, &glen) != 1)
            snprintf(group, sizeof group, "?");
        snprintf(out, size, "EC %.24s",
                 strcmp(group, "prime256v1") == 0  ? "P-256"
                 : strcmp(group, "secp384r1") == 0 ? "P-384"
                 : strcmp(group, "secp521r1") == 0 ? "P-521"
                                                   : group);
        break;
    case EVP_PKEY_RSA:
        snprintf(out, size, "RSA %d", EVP_PKEY_get_bits(pk));
        break;
    case EVP_PKEY_ED25519:
        snprintf(out, size, "Ed25519");
        break;
    default:
        snprintf(out, size, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
        break;
    }
}

static void describe_subject(const X509_NAME *name, char *out, size_t size)
{
    BIO *b = BIO_new(BIO_s_mem());
    out[0] = '\0';
    if (!b)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(b, out, (int)size - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

bool ca_certificate_read(const uint8_t *der, size_t len, ca_certificate_t *out)
{
    memset(out, 0, sizeof *out);
    if (len > LONG_MAX)
        return false;
    const unsigned char *p = der;
    CA_CERT *c = (CA_CERT *)ASN1_item_d2i(NULL, &p, (long)len, ASN1_ITEM_rptr(CA_CERT));
    bool ok = c && p == der + len;
    if (ok) {
        out->pkey = spki_key(c->tbsCertificate->subjectPublicKeyInfo);
        describe_subject(c->tbsCertificate->subject, out->subject, sizeof out->subject);
        describe_key(out->pkey, out->key, sizeof out->key);
    }
    ASN1_item_free((ASN1_VALUE *)c, ASN1_ITEM_rptr(CA_CERT));
    ERR_clear_error(); /* a failed read leaves OpenSSL errors queued */
    return ok;
}

/* clang-format off */
ASN1_SEQUENCE(CA_SPKI) = {
    ASN1_SIMPLE(CA_SPKI, algorithm, X509_ALGOR),
    ASN1_SIMPLE(CA_SPKI, subjectPublicKey, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CA_SPKI)

ASN1_SEQUENCE(CA_TBS) = {
    ASN1_EXP_OPT(CA_TBS, version, ASN1_INTEGER, 0),
    ASN1_SIMPLE(CA_TBS, serialNumber, ASN1_INTEGER),
    ASN1_SIMPLE(CA_TBS, signature, X509_ALGOR),
    ASN1_SIMPLE(CA_TBS, issuer, X509_NAME),
    ASN1_SIMPLE(CA_TBS, validity, X509_VAL),
    ASN1_SIMPLE(CA_TBS, subject, X509_NAME),
    ASN1_SIMPLE(CA_TBS, subjectPublicKeyInfo, CA_SPKI),
    ASN1_IMP_OPT(CA_TBS, issuerUniqueID, ASN1_BIT_STRING, 1),
    ASN1_IMP_OPT(CA_TBS, subjectUniqueID, ASN1_BIT_STRING, 2),
    ASN1_EXP_SEQUENCE_OF_OPT(CA_TBS, extensions, X509_EXTENSION, 3),
} static_ASN1_SEQUENCE_END(CA_TBS)

ASN1_SEQUENCE(CA_CERT) = {
    ASN1_SIMPLE(CA_CERT, tbsCertificate, CA_TBS),
    ASN1_SIMPLE(CA_CERT, signatureAlgorithm, X509_ALGOR),
    ASN1_SIMPLE(CA_CERT, signatureValue, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CA_CERT)
