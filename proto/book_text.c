#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "book.h"

int wm_book_emit2(const struct wm_sink *out, enum wm_out_kind kind, const char *a, const char *b,
                  size_t blen)
{
    size_t alen = strlen(a);
    char *buf = wm_malloc(alen + blen + 1);
    if (!buf)
        return -1;
    memcpy(buf, a, alen);
    memcpy(buf + alen, b, blen);
    wm_emit(out, kind, buf, alen + blen);
    wm_free(buf);
    return 0;
}

void wm_book_input_error(const struct wm_err *in, struct wm_err *out)
{
    static const char overlong[] = "line longer than ";
    if (strncmp(in->msg, overlong, sizeof overlong - 1) == 0)
        wm_err_set(out, "%s (max-line, a harness bound: the book reads lines without one)",
                   in->msg);
    else
        *out = *in;
}

size_t wm_book_fmt(char *buf, const struct wm_big *v)
{
    size_t n = wm_big_format(v, buf);
    assert(n > 0); /* within the digit limit: parsed by int(), or drawn between such values */
    return n;
}
