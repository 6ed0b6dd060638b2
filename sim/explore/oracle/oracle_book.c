/* The oracle's rules for the book profiles (oracle_int.h): what the book's
 * code answers where it does not guess, and how its client ends. Written
 * from tests/book_ref.py and CPython's texts, not from proto/book_*.c. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oracle_int.h"

/* Book: the server's hang record, "NUMBER after all ... were guessed", is
 * its answer to a NUMBER: due on an exhausted range only, and naming it. */
int wm_orc_book_hang(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    c->server_hung = 1;
    if (!inv_starts(s, n, "NUMBER after all ") || o->h.server_script || c->lost)
        return 0; /* the asyncio handler's end, after the client's */
    struct wm_ov g;
    enum wm_orc_nothing why = 0;
    int drew = wm_orc_draw(o, &g, &why);
    if (drew < 0)
        return wm_orc_fail(o, "format", o->lineno, "out of memory");
    char want[2 * WM_OV_TEXT + 128], lo[WM_OV_TEXT], hi[WM_OV_TEXT], gt[WM_OV_TEXT];
    if (drew || why != WM_ORC_EXHAUSTED) {
        if (drew)
            wm_ov_format(&g, gt);
        return wm_orc_fail(o, "answer", o->lineno, "the server hung on a NUMBER where the reference %s%s",
                    drew ? "draws " : why == WM_ORC_EMPTY ? "raises ValueError (an empty range)"
                                    : why == WM_ORC_NO_RANGE ? "raises TypeError (no PARAMS yet)"
                                                      : "gives up",
                    drew ? gt : "");
    }
    wm_ov_short(&c->lo, lo);
    wm_ov_short(&c->hi, hi);
    snprintf(want, sizeof want, "NUMBER after all %zu values of [%s, %s] were guessed: the "
             "book's server draws forever", wm_orc_drawn_count(c), lo, hi);
    if (!o->h.faults && !wm_orc_same(s, n, want))
        return wm_orc_fail(o, "answer", o->lineno, "hang \"%.*s\", want \"%s\"", (int)(n > 200 ? 200 : n),
                    s, want);
    return 0;
}

/* Book: Python's exception where the reference raises one on a NUMBER (an
 * empty range, or none yet) must name it as CPython does. */
int wm_orc_book_error(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    char want[3 * WM_OV_TEXT + 64], lo[WM_OV_TEXT], stop[WM_OV_TEXT], width[WM_OV_TEXT];
    if (!wm_orc_book(o) || o->h.server_script || c->lost || o->h.faults || c->secret_known)
        return 0;
    if (inv_starts(s, n, "ValueError: empty range for randrange(")) {
        struct wm_ov one, st, wd;
        wm_ov_from_i64(&one, 1);
        if (!c->have_range || wm_ov_cmp(&c->lo, &c->hi) <= 0)
            return wm_orc_fail(o, "answer", o->lineno, "the server raised ValueError (an empty range) "
                        "on a range that is %s", c->have_range ? "not empty" : "not set");
        int rc = wm_ov_add(&st, &c->hi, &one) | wm_ov_sub(&wd, &st, &c->lo);
        assert(rc == 0);
        (void)rc;
        wm_ov_format(&c->lo, lo), wm_ov_format(&st, stop), wm_ov_format(&wd, width);
        snprintf(want, sizeof want, "ValueError: empty range for randrange() (%s, %s, %s)", lo,
                 stop, width);
    } else if (inv_starts(s, n, "NUMBER beyond the limit of ")) {
        /* the port's bound, checked after the range's own answers */
        if (!c->have_range || wm_ov_cmp(&c->lo, &c->hi) > 0 || wm_orc_exhausted(c) ||
            wm_orc_drawn_count(c) < o->h.max_guesses)
            return wm_orc_fail(o, "answer", o->lineno, "the server refused a NUMBER past "
                               "max-guesses after %zu guesses of the game (max-guesses %" PRIu64
                               ")", wm_orc_drawn_count(c), o->h.max_guesses);
        snprintf(want, sizeof want, "NUMBER beyond the limit of %" PRIu64 " guesses in one game "
                 "(max-guesses, a harness bound: the book's server has none)", o->h.max_guesses);
    } else if (inv_starts(s, n, "TypeError: unsupported operand")) {
        if (c->have_range)
            return wm_orc_fail(o, "answer", o->lineno, "the server raised TypeError (no range) after a "
                        "PARAMS");
        snprintf(want, sizeof want, "TypeError: unsupported operand type(s) for +: 'NoneType' "
                 "and 'int'");
    } else {
        return 0;
    }
    if (!wm_orc_same(s, n, want))
        return wm_orc_fail(o, "answer", o->lineno, "error \"%.*s\", want \"%s\"", (int)(n > 200 ? 200 : n),
                    s, want);
    return 0;
}

/* Book: an exception ends the client through the game's finally, which sends
 * PARAMS 0 -1 first; after the server's end it is EOFError, after its hang
 * the harness's timeout. */
int wm_orc_book_client_error(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    char want[160];
    c->client_error = 1;
    if (!wm_orc_book(o) || o->h.client_script || o->h.faults)
        return 0;
    if (!c->ended_game)
        return wm_orc_fail(o, "finally", o->lineno, "the client's error without the PARAMS 0 -1 of "
                    "its finally just before it");
    if (c->over_guesses)
        snprintf(want, sizeof want, "more than %" PRIu64 " guesses (max-guesses, a harness bound: "
                 "the book's client has none)", o->h.max_guesses);
    else if (c->server_hung && !c->lost)
        snprintf(want, sizeof want, "timed out waiting for a guess (game %zu, guess %" PRIu64
                 ";", c->gi, c->asked + 1); /* gi: the finally ended the game already */
    else if (c->server_ended && !c->server_hung && !c->lost)
        snprintf(want, sizeof want, "EOFError: Connection closed");
    else
        return 0;
    int prefix = c->server_hung && !c->over_guesses; /* the timeout's own words follow */
    if (!(prefix ? inv_starts(s, n, want) : wm_orc_same(s, n, want)))
        return wm_orc_fail(o, "answer", o->lineno, "the client's error \"%.*s\", want \"%s%s\"",
                    (int)(n > 200 ? 200 : n), s, want, prefix ? " ..." : "");
    return 0;
}
