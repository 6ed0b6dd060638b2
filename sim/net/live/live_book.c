#include "live_book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "msg.h"

#define QUOTE_MAX 100
#define KNOWN "a known behaviour of the reference; warmer's contract closes with an error"

/* The server's state as the file's merged records build it, up to the
 * client's wire item k. Guesses are kept (one bit per value) only for a
 * range no larger than the file's server lines: a larger one cannot have
 * had every value guessed. */
struct game {
    uint64_t k, items;   /* the item looked for; client wire items visited */
    size_t server_lines; /* bound on the values a range can have had guessed */
    int playing, secret; /* a PARAMS came; a REPORT Correct since */
    uint64_t answers;    /* server lines since the PARAMS */
    int64_t lo, hi;
    unsigned char *seen; /* one bit per value of [lo, hi], or NULL */
    uint64_t size, guessed;
    int found;
    /* For a client: the server line to stop at, its value, and whether an
     * earlier guess of the game was that value. */
    const struct wm_rec *stop;
    int64_t target;
    int stopped, repeated;
};

static void new_game(struct game *g, int64_t lo, int64_t hi)
{
    free(g->seen);
    *g = (struct game){.k = g->k, .items = g->items, .server_lines = g->server_lines,
                       .stop = g->stop, .target = g->target, .playing = 1, .lo = lo, .hi = hi};
    if (lo > hi)
        return;
    g->size = (uint64_t)hi - (uint64_t)lo + 1; /* 0: all of int64, never small */
    if (g->size == 0 || g->size > g->server_lines)
        return;
    g->seen = calloc((size_t)(g->size / 8 + 1), 1); /* NULL: nothing is named */
}

static void on_guess(struct game *g, const char *text, size_t len)
{
    int64_t v;
    g->answers++;
    if (!g->seen || g->secret || wm_int64_parse(text, len, &v) < 0 || v < g->lo || v > g->hi)
        return;
    uint64_t bit = (uint64_t)v - (uint64_t)g->lo;
    if (!(g->seen[bit / 8] & (1u << (bit % 8)))) {
        g->seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
        g->guessed++;
    }
}

static int visit(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct game *g = ctx;
    struct wm_msg msg;
    struct wm_err ignored;
    if (side == 'S') {
        int64_t v;
        if (r == g->stop)
            return g->stopped = 1;
        if (r->kind != WM_REC_LINE)
            return 0;
        if (!g->secret && wm_int64_parse(wm_rec_text(j, r), r->len, &v) == 0 && v == g->target)
            g->repeated = 1;
        on_guess(g, wm_rec_text(j, r), r->len);
        return 0;
    }
    if (!wm_rec_is_wire((enum wm_rec_kind)r->kind))
        return 0;
    int is_msg = r->kind == WM_REC_LINE &&
                 wm_msg_parse(wm_rec_text(j, r), r->len, &msg, &ignored) >= 0;
    if (++g->items == g->k) {
        g->found = is_msg && msg.type == WM_MSG_NUMBER && !g->secret && g->seen &&
                   g->guessed == g->size;
        return 1;
    }
    if (is_msg && msg.type == WM_MSG_PARAMS)
        new_game(g, msg.lo, msg.hi);
    else if (is_msg && msg.type == WM_MSG_REPORT && msg.decision == WM_CORRECT)
        g->secret = 1;
    return 0;
}

/* The game as the file has it just before the client's wire item k. */
static void game_at(struct game *g, const struct wm_journal *client,
                    const struct wm_journal *server, uint64_t k)
{
    *g = (struct game){.k = k};
    for (size_t i = 0; i < server->n; i++)
        g->server_lines += server->recs[i].kind == WM_REC_LINE;
    wm_merge(client, server, visit, g);
    free(g->seen);
    g->seen = NULL;
}

int wm_book_exhausted(const struct wm_journal *client, const struct wm_journal *server,
                      uint64_t k, char *note, size_t size)
{
    struct game g;
    if (k == 0)
        return 0;
    game_at(&g, client, server, k);
    if (!g.found)
        return 0;
    snprintf(note, size, "the book's server loops forever here: every value of [%lld, %lld] "
             "was guessed (" KNOWN ")", (long long)g.lo, (long long)g.hi);
    return 1;
}

/* "NUMBER x" -> "`NUMBER x`", escaped, for a note. */
static void quoted(char *buf, size_t size, const char *text, size_t len);

int wm_book_client_takes(const struct wm_journal *client, const struct wm_journal *server,
                         const struct wm_rec *guess, char *note, size_t size)
{
    struct game g = {.k = UINT64_MAX, .stop = guess};
    char q[QUOTE_MAX + 2];
    const char *text = wm_rec_text(server, guess);
    if (guess->kind != WM_REC_LINE || wm_int64_parse(text, guess->len, &g.target) < 0)
        return 0; /* the book's client fails on a reply int() refuses, as warmer's */
    wm_merge(client, server, visit, &g);
    free(g.seen);
    if (!g.stopped || !g.playing || g.secret)
        return 0;
    quoted(q, sizeof q, text, guess->len);
    if (g.target < g.lo || g.target > g.hi)
        snprintf(note, size, "the book's client takes %s, outside [%lld, %lld]: it checks no "
                 "guess (" KNOWN ")", q, (long long)g.lo, (long long)g.hi);
    else if (g.repeated)
        snprintf(note, size, "the book's client takes %s again: it checks no guess (" KNOWN ")", q);
    else
        return 0;
    return 1;
}

static void quoted(char *buf, size_t size, const char *text, size_t len)
{
    char esc[QUOTE_MAX];
    wm_escape(esc, sizeof esc, text, len);
    snprintf(buf, size, "`%s`", esc);
}

int wm_book_first_word(const char *text, size_t len, char *note, size_t size)
{
    char q[QUOTE_MAX + 2];
    if (len < 7 || memcmp(text, "NUMBER ", 7) != 0)
        return 0;
    quoted(q, sizeof q, text, len);
    snprintf(note, size, "the book's server answers %s: it reads only a line's first word ("
             KNOWN ")", q);
    return 1;
}

/* What Python's int() takes of an ASCII word: whitespace around, a sign,
 * digits with single underscores between them. Any other byte: not claimed. */
static int python_int(const char *s, size_t len)
{
    static const char space[] = " \t\n\v\f\r\x1c\x1d\x1e\x1f";
    while (len && memchr(space, s[0], sizeof space - 1))
        s++, len--;
    while (len && memchr(space, s[len - 1], sizeof space - 1))
        len--;
    if (len && (s[0] == '+' || s[0] == '-'))
        s++, len--;
    if (!len || s[0] < '0' || s[0] > '9' || s[len - 1] == '_')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && !(s[i] == '_' && s[i - 1] != '_'))
            return 0;
    return 1;
}

/* The words of a line split at each single space, as Python's split(" "). */
static size_t split_words(const char *text, size_t len, const char **w, size_t *wl, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != ' ')
            continue;
        if (n < max) {
            w[n] = text + start;
            wl[n] = i - start;
        }
        n++;
        start = i + 1;
    }
    return n;
}

int wm_book_accepts(const struct wm_journal *client, const struct wm_journal *server, uint64_t k,
                    const char *text, size_t len, char *note, size_t size)
{
    const char *w[3];
    size_t wl[3], n = split_words(text, len, w, wl, 3);
    struct wm_msg msg;
    struct wm_err ignored;
    char q[QUOTE_MAX + 2];
    if (k == 0 || wm_msg_parse(text, len, &msg, &ignored) >= 0)
        return 0; /* warmer closes only on a line it refuses */
    quoted(q, sizeof q, text, len);
    if (n == 3 && wl[0] == 6 && memcmp(w[0], "PARAMS", 6) == 0 && python_int(w[1], wl[1]) &&
        python_int(w[2], wl[2])) {
        snprintf(note, size, "the book's server takes %s: it reads each number with Python's "
                 "int() (" KNOWN ")", q);
        return 1;
    }
    if (n != 2 || wl[0] != 6 || memcmp(w[0], "REPORT", 6) != 0)
        return 0;
    struct game g;
    game_at(&g, client, server, k);
    if (!g.playing || !g.answers)
        return 0; /* the book's server fails a REPORT before any guess */
    snprintf(note, size, "the book's server takes %s: it accepts any word as a decision (" KNOWN
             ")", q);
    return 1;
}

int wm_book_keeps_open(char *note, size_t size)
{
    snprintf(note, size, "the asyncio reference does this on CPython 3.8 to 3.12: its handler "
             "never closes the connection (a known behaviour of the reference; warmer's contract "
             "closes)");
    return 1;
}
