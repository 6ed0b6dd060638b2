/* A sink for driving a session directly in tests: every emission becomes one
 * line "K:text" (K = S send, P partial, L log, E error, C close), escaped so
 * an embedded NUL shows as \x00. */
#ifndef WM_SINKREC_H
#define WM_SINKREC_H

#include <check.h>
#include <stdio.h>

#include "err.h"
#include "escape.h"
#include "session.h"

static const char kind_tag[] = {[WM_OUT_SEND] = 'S', [WM_OUT_PARTIAL] = 'P', [WM_OUT_LOG] = 'L',
                                [WM_OUT_ERROR] = 'E', [WM_OUT_CLOSE] = 'C',
                                [WM_OUT_CLOSE_AS_WRITTEN] = 'W'};

struct rec {
    char s[8192];
    size_t n, count;
};

static void rec_emit(void *ctx, enum wm_out_kind kind, const char *text, size_t len)
{
    struct rec *r = ctx;
    char esc[WM_ERR_MAX * 4 + 8];
    wm_escape(esc, sizeof esc, text, len);
    int k = snprintf(r->s + r->n, sizeof r->s - r->n, "%c:%s\n", kind_tag[kind], esc);
    ck_assert_msg(k > 0 && (size_t)k < sizeof r->s - r->n, "recorder overflow");
    r->n += (size_t)k;
    r->count++;
}

#endif
