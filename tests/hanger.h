/* A test role that hangs (WM_OUT_HANG): it wraps a side's own session,
 * for tests/test_hang.c and tests/test_serve_hang.c. */
#ifndef WM_TEST_HANGER_H
#define WM_TEST_HANGER_H

#include <string.h>

#include "session.h"

/* Wraps warmer's own session: at its at-th line (after answering it when
 * answer is set), or at the peer's end, it hangs. */
struct hanger {
    const struct wm_role *inner;
    void *self;
    unsigned lines, at;
    int answer, at_eof;
};

static const char why_line[] = "test role: hangs at a line", why_eof[] = "test role: never closes";

static enum wm_sess_rc h_start(void *self, const struct wm_sink *out)
{
    struct hanger *h = self;
    return h->inner->start(h->self, out);
}

static enum wm_sess_rc h_on_line(void *self, const char *line, size_t len,
                                 const struct wm_sink *out)
{
    struct hanger *h = self;
    if (!h->at || ++h->lines != h->at)
        return h->inner->on_line(h->self, line, len, out);
    if (h->answer && h->inner->on_line(h->self, line, len, out) == WM_SESS_CLOSED)
        return WM_SESS_CLOSED;
    wm_emit(out, WM_OUT_HANG, why_line, strlen(why_line));
    return WM_SESS_OPEN;
}

static enum wm_sess_rc h_on_eof(void *self, const struct wm_sink *out)
{
    struct hanger *h = self;
    if (!h->at_eof)
        return h->inner->on_eof(h->self, out);
    wm_emit(out, WM_OUT_HANG, why_eof, strlen(why_eof));
    return WM_SESS_OPEN;
}

static enum wm_sess_rc h_on_bad_input(void *self, const struct wm_err *err,
                                      const struct wm_sink *out)
{
    struct hanger *h = self;
    return h->inner->on_bad_input(h->self, err, out);
}

static enum wm_sess_rc h_on_timeout(void *self, const struct wm_sink *out)
{
    struct hanger *h = self;
    return h->inner->on_timeout(h->self, out);
}

static const struct wm_role hanger_role = {.start = h_start, .on_line = h_on_line,
                                           .on_eof = h_on_eof, .on_bad_input = h_on_bad_input,
                                           .on_timeout = h_on_timeout};

#endif
