#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "escape.h"

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
