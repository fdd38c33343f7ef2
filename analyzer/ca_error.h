/* ca_error.h - error codes and guard macros shared by every module of libcallaudit.
 *
 * Every function that can fail returns a ca_err_t (CA_OK == 0) and is marked
 * CA_MUST_CHECK, so a forgotten check is a compile error under -Werror. The
 * guard macros (after s2n-tls' GUARD/ENSURE) propagate failures so that the
 * normal path reads straight down.
 */
#ifndef CA_ERROR_H
#define CA_ERROR_H

typedef enum {
    CA_OK = 0,
    CA_ERR_TRUNCATED,   /* the input ended early (capture cut, snaplen): not the sender's fault */
    CA_ERR_MALFORMED,   /* the bytes break the specification */
    CA_ERR_UNSUPPORTED, /* valid, but a feature this code does not handle */
    CA_ERR_LIMIT,       /* a configured bound (size, count) was reached */
    CA_ERR_NOMEM,
    CA_ERR_IO,
    CA_ERR_INTERNAL,
} ca_err_t;

#define CA_MUST_CHECK __attribute__((warn_unused_result))

/* Propagate any failure of EXPR to the caller. */
#define CA_GUARD(expr)                                                                             \
    do {                                                                                           \
        ca_err_t ca_guard_rc_ = (expr);                                                            \
        if (ca_guard_rc_ != CA_OK)                                                                 \
            return ca_guard_rc_;                                                                   \
    } while (0)

/* Fail with ERR unless COND holds. */
#define CA_ENSURE(cond, err)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return (err);                                                                          \
    } while (0)

/* Record ERR in RC and jump to the function's single cleanup label. */
#define CA_BAIL(rc, err, label)                                                                    \
    do {                                                                                           \
        (rc) = (err);                                                                              \
        goto label;                                                                                \
    } while (0)

/* A short lower-case name of an error code, for messages. */
const char *ca_err_str(ca_err_t err);

#endif
