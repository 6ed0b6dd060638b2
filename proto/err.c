#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "escape.h"

_Static_assert(WM_ERR_QUOTE + 8 <= WM_ERR_MAX / 2,
               "a quoted input leaves a reason room for its words");

void wm_err_set(struct wm_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

const char *wm_quote(struct wm_quoted *q, const char *src, size_t len)
{
    q->s[0] = '"';
    size_t n = wm_escape(q->s + 1, WM_ERR_QUOTE + 1, src, len);
    q->s[1 + n] = '"';
    q->s[2 + n] = '\0';
    return q->s;
}
