/* ca_error.c - names of the library's error codes. */
#include "ca_error.h"

const char *ca_err_str(ca_err_t err)
{
    switch (err) {
    case CA_OK:
        return "ok";
    case CA_ERR_TRUNCATED:
        return "truncated";
    case CA_ERR_MALFORMED:
        return "malformed";
    case CA_ERR_UNSUPPORTED:
        return "unsupported";
    case CA_ERR_LIMIT:
        return "limit reached";
    case CA_ERR_NOMEM:
        return "out of memory";
    case CA_ERR_IO:
        return "i/o error";
    case CA_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}
