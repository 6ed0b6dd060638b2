#include "frame.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "msg.h"

_Static_assert(WM_LINE_MAX_DEFAULT >= WM_MSG_MAX, "the default max-line takes every message");

#define FRAME_FIRST_CAP 256

int wm_framer_init(struct wm_framer *f, size_t max_line)
{
    assert(max_line > 0);
    *f = (struct wm_framer){0};
    /* Most lines are short: start small so that many idle connections with a
     * large max-line cost little; grow up to max_line as a line needs it. */
    f->cap = max_line < FRAME_FIRST_CAP ? max_line : FRAME_FIRST_CAP;
    f->buf = wm_malloc(f->cap);
    if (!f->buf)
        return -1;
    f->max_line = max_line;
    return 0;
}

void wm_framer_free(struct wm_framer *f)
{
    wm_free(f->buf);
    f->buf = NULL;
}

int wm_framer_mid_line(const struct wm_framer *f)
{
    return f->pending > 0 && !f->line_ready;
}

static enum wm_frame_rc fail(struct wm_framer *f, struct wm_err *err, const char *what,
                             unsigned char c)
{
    struct wm_quoted q;
    f->failed = 1;
    wm_err_set(err, "%s \\x%02x in line %s (byte %zu)", what, c, wm_quote(&q, f->buf, f->len),
               f->len + 1);
    return WM_FRAME_ERROR;
}

/* UTF-8 per RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF. */
static int utf8_lead(struct wm_framer *f, unsigned char c)
{
    f->utf8_lo = 0x80;
    f->utf8_hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        f->utf8_need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        f->utf8_need = 2;
        if (c == 0xe0)
            f->utf8_lo = 0xa0;
        if (c == 0xed)
            f->utf8_hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        f->utf8_need = 3;
        if (c == 0xf0)
            f->utf8_lo = 0x90;
        if (c == 0xf4)
            f->utf8_hi = 0x8f;
    } else
        return -1;
    return 0;
}

enum wm_frame_rc wm_framer_push(struct wm_framer *f, const char *p, size_t n, size_t *used,
                                const char **line, size_t *len, struct wm_err *err)
{
    *used = 0;
    if (f->failed) {
        wm_err_set(err, "framer used after an error");
        return WM_FRAME_ERROR;
    }
    if (f->line_ready) {
        f->line_ready = 0;
        f->len = 0;
        f->pending = 0;
    }
    for (size_t i = 0; i < n; i++) {
        /* Fast path: a run of printable ASCII needs no check but the length
         * and room, so it is copied at once; the loop below still sees the
         * first byte that needs more, so errors land on the same byte. */
        if (!f->utf8_need) {
            size_t room = f->cap - f->len, left = f->max_line - f->len, k = 0;
            size_t most = n - i < room ? n - i : room;
            most = most < left ? most : left;
            while (k < most && (unsigned char)p[i + k] >= 0x20 && (unsigned char)p[i + k] < 0x7f)
                k++;
            if (k > 0) {
                memcpy(f->buf + f->len, p + i, k);
                f->len += k;
                f->pending += k;
                i += k;
                *used = i;
                if (i == n)
                    break;
            }
        }
        unsigned char c = (unsigned char)p[i];
        *used = i + 1;
        f->pending++;
        if (c == '\n') {
            if (f->utf8_need)
                return fail(f, err, "truncated UTF-8 sequence before", c);
            f->line_ready = 1;
            f->lines++;
            *line = f->buf;
            *len = f->len;
            assert(*used <= n && f->len <= f->max_line && f->len <= f->cap);
            return WM_FRAME_LINE;
        }
        if (f->len == f->max_line) {
            struct wm_quoted q;
            f->failed = 1;
            wm_err_set(err, "line longer than %zu bytes: %s", f->max_line,
                       wm_quote(&q, f->buf, f->len));
            return WM_FRAME_ERROR;
        }
        if (f->lenient) {
            /* only the length limit applies */
        } else if (f->utf8_need) {
            if (c < f->utf8_lo || c > f->utf8_hi)
                return fail(f, err, "invalid UTF-8 byte", c);
            f->utf8_need--;
            f->utf8_lo = 0x80;
            f->utf8_hi = 0xbf;
        } else if (c < 0x20 || c == 0x7f) {
            return fail(f, err, "control byte", c);
        } else if (c >= 0x80 && utf8_lead(f, c) < 0) {
            return fail(f, err, "invalid UTF-8 byte", c);
        }
        if (f->len == f->cap) {
            size_t cap = f->cap * 2 < f->max_line ? f->cap * 2 : f->max_line;
            char *nb = wm_realloc(f->buf, cap);
            if (!nb) {
                f->failed = 1;
                wm_err_set(err, "out of memory for a line of %zu bytes", f->len + 1);
                return WM_FRAME_ERROR;
            }
            f->buf = nb;
            f->cap = cap;
        }
        f->buf[f->len++] = (char)c;
    }
    assert(*used == n && f->len <= f->max_line && f->len <= f->cap); /* all taken, bounded */
    return WM_FRAME_MORE;
}

enum wm_frame_rc wm_framer_eof(struct wm_framer *f, struct wm_err *err)
{
    if (f->failed) {
        wm_err_set(err, "framer used after an error");
        return WM_FRAME_ERROR;
    }
    if (wm_framer_mid_line(f)) {
        struct wm_quoted q;
        f->failed = 1;
        wm_err_set(err, "incomplete line at end of stream (no final newline): %s",
                   wm_quote(&q, f->buf, f->len));
        return WM_FRAME_ERROR;
    }
    return WM_FRAME_MORE;
}
