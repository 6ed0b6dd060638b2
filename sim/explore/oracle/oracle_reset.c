/* The oracle's rule for a client's abort (`# fault: abort C<n> at K`, an
 * RST its server reads as a reset): the strict server reports it in the
 * words docs/ERRORS.md gives ("A peer's reset"), with the range and the
 * guesses of the game it was in, re-derived here from the records (the
 * oracle's own server state, oracle.c), not from proto/. Written from
 * docs/PROTOCOL.md and docs/ERRORS.md:
 *   connection reset by peer after "PART" (no final newline)   a line cut
 *   connection reset by peer mid-game (range [LO, HI], guesses made: N)
 *   connection reset by peer between games                    no range, or
 *                                                             an empty one
 * Under book and book-asyncio, with no line cut, the book's words in every
 * state (docs/ERRORS.md):
 *   connection reset by peer: the book's server raises ConnectionResetError
 *   out of readline (its handler catches only EOFError)
 * Held only when the plan's destructive faults are all client aborts (any
 * other may end either side first), with no script, on a connection the
 * oracle still follows. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oracle_int.h"

/* 1 when the plan has connection conn's client abort at byte *at. */
static int aborts(const struct wm_orc *o, unsigned conn, uint64_t *at)
{
    for (unsigned i = 0; i < o->h.naborts; i++)
        if (o->h.aborts[i] == conn) {
            *at = o->h.abort_at[i];
            return 1;
        }
    return 0;
}

void wm_orc_client_record(struct wm_orc *o, char mark, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    uint64_t at;
    if (mark == ':') {
        c->client_sent += inv_decoded_len(s, n) + 1;
        return;
    }
    if (inv_starts(s, n, "partial ")) {
        c->cut = s + 8, c->cut_n = n - 8;
        c->client_sent += inv_decoded_len(s + 8, n - 8);
        return;
    }
    if (!wm_orc_same(s, n, "close") || c->lost || o->h.server_script || o->h.client_script ||
        o->h.destructive != o->h.naborts || !aborts(o, c->no, &at))
        return;
    /* its abort's close only if it sent the abort's byte: one past its last
     * byte never acts (docs/TRANSCRIPTS.md), and this is its own close */
    c->reset_owed = c->client_sent == at && !c->server_ended;
}

/* The text the reference's rules give the server's report of the reset. */
static void want_text(const struct wm_orc *o, char *want, size_t size, int *exact)
{
    const struct wm_orc_conn *c = &o->c;
    char lo[WM_OV_TEXT], hi[WM_OV_TEXT];
    *exact = 1;
    if (c->cut_n > 0) { /* quoted as the transcript writes it: plain text only */
        *exact = !memchr(c->cut, '\\', c->cut_n) && !memchr(c->cut, '"', c->cut_n) &&
                 c->cut_n <= o->h.max_line;
        snprintf(want, size, "connection reset by peer after \"%.*s\" (no final newline)",
                 (int)(c->cut_n > 200 ? 200 : c->cut_n), c->cut);
    } else if (wm_orc_book(o)) { /* ConnectionResetError out of readline, in every state */
        snprintf(want, size, "connection reset by peer: the book's server raises "
                 "ConnectionResetError out of readline (its handler catches only EOFError)");
    } else if (c->have_range && wm_ov_cmp(&c->lo, &c->hi) <= 0) {
        wm_ov_format(&c->lo, lo), wm_ov_format(&c->hi, hi);
        snprintf(want, size, "connection reset by peer mid-game (range [%s, %s], guesses made: "
                 "%zu)", lo, hi, wm_orc_drawn_count(c));
    } else {
        snprintf(want, size, "connection reset by peer between games");
    }
}

int wm_orc_reset_answer(struct wm_orc *o, const char *s, size_t n)
{
    struct wm_orc_conn *c = &o->c;
    if (!c->reset_owed || c->reset_reported)
        return 0;
    c->reset_reported = 1;
    char want[2 * WM_OV_TEXT + 256];
    int exact;
    want_text(o, want, sizeof want, &exact);
    if (!inv_starts(s, n, "error "))
        return wm_orc_fail(o, "reset", o->lineno, "the server ended with \"%.*s\" after the "
                           "client's reset, want \"error %s\"", (int)(n > 60 ? 60 : n), s, want);
    if (exact && !wm_orc_same(s + 6, n - 6, want))
        return wm_orc_fail(o, "reset", o->lineno, "the server's error \"%.*s\" after the "
                           "client's reset, want \"%s\"", (int)(n - 6 > 200 ? 200 : n - 6), s + 6,
                           want);
    return 0;
}

int wm_orc_reset_end(struct wm_orc *o)
{
    struct wm_orc_conn *c = &o->c;
    char want[2 * WM_OV_TEXT + 256];
    int exact;
    if (!c->reset_owed || c->reset_reported)
        return 0;
    want_text(o, want, sizeof want, &exact);
    return wm_orc_fail(o, "reset", c->last_line, "the server never reported the client's "
                       "reset, want \"error %s\"", want);
}
