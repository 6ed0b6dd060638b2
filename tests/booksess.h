/* Runs the book's sessions (proto/book.h) directly, as tests/gen_book_vectors.py
 * runs the book's code: a scripted peer's bytes (split into lines; an
 * unfinished one at the end goes to on_tail), or the two sessions against
 * each other in lockstep. Records are "K:TEXT\n" (K: S sent, L console line,
 * E error, H hang, C close), TEXT escaped by wm_escape, in a growing buffer. */
#ifndef WM_BOOKSESS_H
#define WM_BOOKSESS_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "book.h"
#include "escape.h"

/* max-guesses of a pair's sessions (cfg.h's default) */
#define BS_MAX_GUESSES 4194304

struct brec {
    char *s;
    size_t n, cap;
    const char *prefix; /* "C " or "S " in a pair, else "" */
    /* A pair's wire: what this side sent, as lines for its peer. */
    char **lines;
    size_t nlines, next;
    int closed, hung;
};

static void brec_put(struct brec *r, const char *p, size_t n)
{
    if (r->n + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->n + n + 1)
            cap *= 2;
        r->s = realloc(r->s, cap);
        ck_assert_ptr_nonnull(r->s);
        r->cap = cap;
    }
    memcpy(r->s + r->n, p, n);
    r->n += n;
    r->s[r->n] = '\0';
}

static void brec_emit(void *ctx, enum wm_out_kind kind, const char *text, size_t len)
{
    static const char tags[] = {[WM_OUT_SEND] = 'S', [WM_OUT_LOG] = 'L', [WM_OUT_ERROR] = 'E',
                                [WM_OUT_CLOSE] = 'C', [WM_OUT_HANG] = 'H'};
    struct brec *r = ctx;
    ck_assert_msg(kind < sizeof tags && tags[kind], "a book session emitted kind %d", (int)kind);
    ck_assert_msg(!r->closed && !r->hung, "emitted after its end: %.*s", (int)len, text);
    /* an error's text is a record's already (escaped: printable ASCII) */
    size_t elen = kind == WM_OUT_ERROR ? len : wm_escaped_len(text, len);
    char *esc = malloc(elen + 1);
    ck_assert_ptr_nonnull(esc);
    if (kind == WM_OUT_ERROR) {
        for (size_t i = 0; i < len; i++)
            ck_assert_msg(text[i] >= 0x20 && text[i] <= 0x7e, "error text byte %zu is 0x%02x: %.*s",
                          i, (unsigned char)text[i], (int)len, text);
        memcpy(esc, text, len);
        esc[len] = '\0';
    } else {
        wm_escape(esc, elen + 1, text, len);
    }
    char tag[3] = {tags[kind], ':', 0};
    brec_put(r, r->prefix, strlen(r->prefix));
    brec_put(r, tag, 2);
    brec_put(r, esc, elen);
    brec_put(r, "\n", 1);
    free(esc);
    if (kind == WM_OUT_SEND) {
        r->lines = realloc(r->lines, (r->nlines + 1) * sizeof *r->lines);
        ck_assert_ptr_nonnull(r->lines);
        r->lines[r->nlines] = malloc(len + 1);
        ck_assert_ptr_nonnull(r->lines[r->nlines]);
        memcpy(r->lines[r->nlines], text, len);
        r->lines[r->nlines++][len] = '\0';
    }
    r->closed |= kind == WM_OUT_CLOSE || kind == WM_OUT_ERROR;
    r->hung |= kind == WM_OUT_HANG;
}

static void brec_free(struct brec *r)
{
    for (size_t i = 0; i < r->nlines; i++)
        free(r->lines[i]);
    free(r->lines);
    free(r->s);
}

/* Feeds bytes as a scripted peer: each complete line to on_line, then at
 * the end (if eof) an unfinished line to on_tail or the end to on_eof. */
static void bs_feed(const struct wm_role *role, void *self, struct brec *r, const char *p,
                    size_t n, int eof)
{
    struct wm_sink sink = {brec_emit, r};
    enum wm_sess_rc rc = role->start(self, &sink);
    size_t at = 0;
    while (rc == WM_SESS_OPEN && at < n) {
        const char *nl = memchr(p + at, '\n', n - at);
        if (!nl)
            break;
        rc = role->on_line(self, p + at, (size_t)(nl - p - at), &sink);
        at = (size_t)(nl - p) + 1;
    }
    if (rc == WM_SESS_OPEN && eof)
        rc = at < n ? role->on_tail(self, p + at, n - at, &sink) : role->on_eof(self, &sink);
    ck_assert_int_eq(rc == WM_SESS_CLOSED, r->closed || r->hung);
}

/* The server's records for a client's bytes (then the end, if eof); free(). */
static char *bs_server(enum wm_profile profile, uint64_t seed, size_t max_guesses,
                       const char *p, size_t n, int eof)
{
    struct wm_book_server s;
    struct brec r = {.prefix = ""};
    ck_assert_int_eq(wm_book_server_init(&s, profile, seed, max_guesses), 0);
    brec_put(&r, "", 0);
    bs_feed(&wm_book_server_role, &s, &r, p, n, eof);
    wm_book_server_free(&s);
    char *out = r.s;
    r.s = NULL;
    brec_free(&r);
    return out;
}

static char *bs_client(const struct wm_game *games, size_t ngames, size_t max_guesses,
                       const char *p, size_t n, int eof)
{
    struct wm_book_client c;
    struct brec r = {.prefix = ""};
    ck_assert_int_eq(wm_book_client_init(&c, games, ngames, max_guesses), 0);
    brec_put(&r, "", 0);
    bs_feed(&wm_book_client_role, &c, &r, p, n, eof);
    wm_book_client_free(&c);
    char *out = r.s;
    r.s = NULL;
    brec_free(&r);
    return out;
}

/* One side takes the next line its peer sent, or the peer's end: 1 if it did. */
static int bs_step(const struct wm_role *role, void *self, struct brec *me, struct brec *peer,
                   int *eof_given)
{
    struct wm_sink sink = {brec_emit, me};
    if (me->closed || me->hung)
        return 0;
    if (peer->next < peer->nlines) {
        const char *line = peer->lines[peer->next++];
        role->on_line(self, line, strlen(line), &sink);
        return 1;
    }
    if (peer->closed && !*eof_given) {
        *eof_given = 1;
        role->on_eof(self, &sink);
        return 1;
    }
    return 0;
}

/* The book's client against the book's server: the client's records, then
 * the server's, each line prefixed "C " or "S "; free(). */
static char *bs_pair(const struct wm_game *games, size_t ngames, uint64_t seed)
{
    struct wm_book_client c;
    struct wm_book_server s;
    struct brec cr = {.prefix = "C "}, sr = {.prefix = "S "};
    ck_assert_int_eq(wm_book_client_init(&c, games, ngames, BS_MAX_GUESSES), 0);
    ck_assert_int_eq(wm_book_server_init(&s, WM_PROFILE_BOOK, seed, BS_MAX_GUESSES),
                     0);
    struct wm_sink csink = {brec_emit, &cr}, ssink = {brec_emit, &sr};
    wm_book_client_role.start(&c, &csink);
    wm_book_server_role.start(&s, &ssink);
    int ceof = 0, seof = 0;
    /* Each step takes a line or an end; each side sends a bounded number. */
    while (bs_step(&wm_book_server_role, &s, &sr, &cr, &seof) ||
           bs_step(&wm_book_client_role, &c, &cr, &sr, &ceof))
        ;
    brec_put(&cr, "", 0);
    brec_put(&sr, "", 0);
    brec_put(&cr, sr.s, sr.n);
    wm_book_client_free(&c);
    wm_book_server_free(&s);
    char *out = cr.s;
    cr.s = NULL;
    brec_free(&cr);
    brec_free(&sr);
    return out;
}

#endif
