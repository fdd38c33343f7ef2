/* cursor.c - the out-of-line parts of the bounded reader (text lines). */
#include "cursor.h"

#include <string.h>

ca_err_t ca_cursor_line(ca_cursor_t *c, ca_cursor_t *line)
{
    size_t left = ca_cursor_left(c);
    CA_ENSURE(left > 0, CA_ERR_TRUNCATED);
    const uint8_t *nl = memchr(c->p, '\n', left);
    size_t len = nl ? (size_t)(nl - c->p) : left;
    CA_GUARD(ca_cursor_sub(c, len, line));
    if (nl)
        CA_GUARD(ca_cursor_skip(c, 1));
    if (ca_cursor_left(line) > 0 && line->end[-1] == '\r')
        line->end--;
    return CA_OK;
}
