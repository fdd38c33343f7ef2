/* dtls_sig.c - DigitallySigned verification with OpenSSL; see dtls_sig.h.
 *
 *   struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } DigitallySigned;
 */
#include "dtls_sig.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

typedef struct {
    uint16_t scheme;
    const char *digest; /* NULL: the key type signs the message itself (EdDSA) */
    int key_type;       /* EVP_PKEY_EC, EVP_PKEY_RSA, EVP_PKEY_ED25519 */
    int padding;        /* RSA only */
} scheme_t;

static const scheme_t schemes[] = {
    {0x0201, "SHA1", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0203, "SHA1", EVP_PKEY_EC, 0},
    {0x0401, "SHA256", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0403, "SHA256", EVP_PKEY_EC, 0},
    {0x0501, "SHA384", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0503, "SHA384", EVP_PKEY_EC, 0},
    {0x0601, "SHA512", EVP_PKEY_RSA, RSA_PKCS1_PADDING},
    {0x0603, "SHA512", EVP_PKEY_EC, 0},
    {0x0804, "SHA256", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0805, "SHA384", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0806, "SHA512", EVP_PKEY_RSA, RSA_PKCS1_PSS_PADDING},
    {0x0807, NULL, EVP_PKEY_ED25519, 0},
};

const char *ca_sig_status_name(ca_sig_status_t s)
{
    switch (s) {
    case CA_SIG_NOT_SEEN:
        return "not_seen";
    case CA_SIG_VALID:
        return "valid";
    case CA_SIG_INVALID:
        return "invalid";
    case CA_SIG_UNCHECKED:
        return "unchecked";
    case CA_SIG_UNSIGNED:
        return "unsigned";
    }
    return "?";
}

static void result(ca_sig_result_t *out, ca_sig_status_t status, const char *why)
{
    out->status = status;
    snprintf(out->why, sizeof out->why, "%s", why ? why : "");
}

void ca_sig_verify(EVP_PKEY *key, bool have_cert, const uint8_t *data, size_t data_len,
                   ca_cursor_t sig, ca_sig_result_t *out)
{
    uint16_t scheme, sig_len;
    const uint8_t *sig_bytes;
    if (ca_cursor_u16(&sig, &scheme) != CA_OK || ca_cursor_u16(&sig, &sig_len) != CA_OK ||
        ca_cursor_bytes(&sig, sig_len, &sig_bytes) != CA_OK || ca_cursor_left(&sig) != 0) {
        result(out, CA_SIG_INVALID, "malformed DigitallySigned structure");
        return;
    }
    out->scheme = scheme;
    const scheme_t *sch = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i].scheme == scheme)
            sch = &schemes[i];
    if (!sch) {
        result(out, CA_SIG_UNCHECKED, "signature scheme not supported by the checker");
        return;
    }
    if (!have_cert) {
        result(out, CA_SIG_UNCHECKED, "the signer's certificate is not in the capture");
        return;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (!key || !ctx) {
        result(out, CA_SIG_UNCHECKED, "the certificate's public key cannot be read");
        goto out;
    }
    if (EVP_PKEY_get_base_id(key) != sch->key_type) {
        result(out, CA_SIG_INVALID, "the signature scheme does not fit the certificate's key");
        goto out;
    }
    const EVP_MD *md = sch->digest ? EVP_get_digestbyname(sch->digest) : NULL;
    if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) != 1) {
        result(out, CA_SIG_UNCHECKED, "OpenSSL cannot set up the verification");
        goto out;
    }
    if (sch->key_type == EVP_PKEY_RSA &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, sch->padding) != 1 ||
         (sch->padding == RSA_PKCS1_PSS_PADDING &&
          EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))) {
        result(out, CA_SIG_UNCHECKED, "OpenSSL cannot set the RSA padding");
        goto out;
    }
    if (EVP_DigestVerify(ctx, sig_bytes, sig_len, data, data_len) == 1)
        result(out, CA_SIG_VALID, NULL);
    else
        result(out, CA_SIG_INVALID, "the signature does not verify under the certificate's key");
out:
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a failed check leaves OpenSSL errors queued */
}

/* --- off the packet path ------------------------------------------------
 * One mutex guards the queue, every owner's pending count and the results
 * written back: the checks are few (two per call) and long (tens of
 * microseconds), so a lock per check costs nothing next to them. */

#define QUEUE_LEN  64
#define MAX_WORKER 3

typedef struct {
    EVP_PKEY *key; /* a reference of the job's own */
    bool have_cert;
    uint8_t *bytes; /* owned: the signed data, then the DigitallySigned structure */
    size_t data_len, sig_len;
    ca_sig_result_t result; /* *out as submitted (its frame), completed here */
    ca_sig_result_t *out;
    unsigned *pending;
} job_t;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    job_t queue[QUEUE_LEN];
    size_t head, n;
    unsigned workers;
    bool started;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .work = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static void run_job(job_t *j)
{
    ca_cursor_t sig = ca_cursor_make(j->bytes + j->data_len, j->sig_len);
    ca_sig_verify(j->key, j->have_cert, j->bytes, j->data_len, sig, &j->result);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (pool.n == 0)
            pthread_cond_wait(&pool.work, &pool.lock);
        job_t j = pool.queue[pool.head];
        pool.head = (pool.head + 1) % QUEUE_LEN;
        pool.n--;
        pthread_mutex_unlock(&pool.lock);
        run_job(&j);
        EVP_PKEY_free(j.key);
        free(j.bytes);
        pthread_mutex_lock(&pool.lock);
        *j.out = j.result;
        (*j.pending)--;
        pthread_cond_broadcast(&pool.done);
    }
    return NULL;
}

/* Under the lock. */
static void start_workers(int want)
{
    if (pool.started)
        return;
    pool.started = true;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = want >= 0 ? (unsigned)want : cpus > 1 ? (unsigned)(cpus - 1) : 0;
    if (n > MAX_WORKER)
        n = MAX_WORKER;
    for (unsigned i = 0; i < n; i++) {
        pthread_t t;
        sigset_t all, old;
        sigfillset(&all); /* signals (^C in live capture) stay with the main thread */
        pthread_sigmask(SIG_SETMASK, &all, &old);
        int rc = pthread_create(&t, NULL, worker, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0)
            break; /* fewer workers; with none, every check runs inline */
        pthread_detach(t);
        pool.workers++;
    }
}

unsigned ca_sig_workers(int want)
{
    pthread_mutex_lock(&pool.lock);
    start_workers(want);
    unsigned n = pool.workers;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

void ca_sig_wait(const unsigned *pending)
{
    pthread_mutex_lock(&pool.lock);
    while (*pending)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
}

bool ca_sig_idle(const unsigned *pending)
{
    pthread_mutex_lock(&pool.lock);
    bool idle = *pending == 0;
    pthread_mutex_unlock(&pool.lock);
    return idle;
}

void ca_sig_start(unsigned *pending, ca_sig_result_t *r, uint64_t frame)
{
    ca_sig_wait(pending);
    r->frame = frame;
}

/* Queue the check; false (nothing kept) if the queue is full or memory short. */
static bool submit(unsigned *pending, EVP_PKEY *key, bool have_cert, const uint8_t *data,
                   size_t data_len, ca_cursor_t sig, ca_sig_result_t *out)
{
    size_t sig_len = ca_cursor_left(&sig);
    const uint8_t *sig_bytes;
    uint8_t *bytes = malloc(data_len + sig_len + 1);
    if (!bytes || ca_cursor_bytes(&sig, sig_len, &sig_bytes) != CA_OK ||
        (key && EVP_PKEY_up_ref(key) != 1)) {
        free(bytes);
        return false;
    }
    memcpy(bytes, data, data_len);
    if (sig_len)
        memcpy(bytes + data_len, sig_bytes, sig_len);
    bool queued = false;
    pthread_mutex_lock(&pool.lock);
    if (pool.n < QUEUE_LEN) {
        pool.queue[(pool.head + pool.n) % QUEUE_LEN] =
            (job_t){key, have_cert, bytes, data_len, sig_len, *out, out, pending};
        pool.n++;
        (*pending)++;
        queued = true;
        pthread_cond_signal(&pool.work);
    }
    pthread_mutex_unlock(&pool.lock);
    if (!queued) {
        EVP_PKEY_free(key); /* the reference taken for the job */
        free(bytes);
    }
    return queued;
}

void ca_sig_verify_async(unsigned *pending, EVP_PKEY *key, bool have_cert, const uint8_t *data,
                         size_t data_len, ca_cursor_t sig, ca_sig_result_t *out)
{
    if (ca_sig_workers(-1) > 0 && submit(pending, key, have_cert, data, data_len, sig, out))
        return;
    ca_sig_verify(key, have_cert, data, data_len, sig, out); /* no worker, or the queue full */
}
