#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "book.h"
#include "escape.h"

int wm_book_log(const struct wm_sink *out, size_t max, const char *a, const char *b, size_t blen)
{
    assert(max == 0 || max > 3);
    size_t alen = strlen(a), len = alen + blen;
    char *buf = wm_malloc(len + 1);
    if (!buf)
        return -1;
    memcpy(buf, a, alen);
    memcpy(buf + alen, b, blen);
    wm_emit(out, WM_OUT_LOG, buf, wm_book_log_cut(buf, len, max));
    wm_free(buf);
    return 0;
}

/* The byte at i of a followed by b. */
static unsigned char at(const char *a, size_t alen, const char *b, size_t i)
{
    return (unsigned char)(i < alen ? a[i] : b[i - alen]);
}

void wm_book_error(const struct wm_sink *out, const char *a, const char *b, size_t blen)
{
    size_t alen = strlen(a), len = alen + blen, room = WM_ERR_MAX - 1;
    char buf[WM_ERR_MAX + 4], tmp[4];
    /* wm_escaped_len of the whole: each byte, plus 3 for each trailing space (\x20) */
    size_t whole = 0, tail = len;
    for (size_t i = 0; i < len; i++)
        whole += wm_escape_byte(tmp, at(a, alen, b, i), 0);
    while (tail > 0 && at(a, alen, b, tail - 1) == ' ')
        tail--;
    whole += 3 * (len - tail);
    size_t n = 0, esc = 0;
    if (whole <= room) { /* then len <= room too */
        for (; n < len; n++)
            buf[n] = (char)at(a, alen, b, n);
    } else {
        for (size_t k; n < len && esc + (k = wm_escape_byte(tmp, at(a, alen, b, n), 0)) + 3 <= room;
             n++) {
            esc += k;
            buf[n] = (char)at(a, alen, b, n);
        }
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    assert(n <= WM_ERR_MAX + 2);
    wm_emit(out, WM_OUT_ERROR, buf, n);
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
