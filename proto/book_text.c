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
    size_t alen = strlen(a), len = alen + blen, room = WM_ERR_MAX - 1, tail = len, whole = 0;
    char buf[WM_ERR_MAX + 4], e[4];
    while (tail > 0 && at(a, alen, b, tail - 1) == ' ')
        tail--;
    for (size_t i = 0; i < len && whole <= room; i++)
        whole += wm_escape_byte(e, at(a, alen, b, i), i >= tail);
    /* A record's text is escaped (docs/TRANSCRIPTS.md): the exception's
     * bytes (a command, a repr, any UTF-8) as a line's are, cut whole. */
    size_t n = 0;
    for (size_t i = 0, k; i < len; i++) {
        k = wm_escape_byte(e, at(a, alen, b, i), whole <= room && i >= tail);
        if (whole > room && n + k + 3 > room)
            break;
        memcpy(buf + n, e, k);
        n += k;
    }
    if (whole > room) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    assert(n <= room);
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
