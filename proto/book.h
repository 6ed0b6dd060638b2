/* The book's threaded server and client sessions as they behave on the
 * wire, for the book profiles (profile.h): the same wm_role interface as
 * server.h and client.h, so every driver runs them unchanged.
 *
 * What the book's code does is the authority (docs/PROTOCOL.md,
 * "Profiles"): lines are the received bytes less their last one
 * (`line[:-1]`), decoded as UTF-8; `split(' ')`; integers of any size up to
 * CPython's 4300-digit limit, parsed by Python's int() and drawn as
 * CPython's randint draws them; any Python exception ends the session with
 * an error whose text is the exception as Python names it; an exhausted
 * range is never answered (the session hangs: WM_OUT_HANG). */
#ifndef WM_BOOK_H
#define WM_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "big.h"
#include "bigset.h"
#include "client.h"
#include "gset.h"
#include "profile.h"
#include "rng.h"
#include "session.h"

/* Bytes a session's big values may take: the server's guesses of one game
 * in a range beyond int64, the client's history (4 bytes a value plus 4 a
 * 32-bit word, plus the server's table). A harness bound: the book has none. */
#define WM_BOOK_BYTES_MAX ((size_t)256 << 20)

struct wm_book_server {
    struct wm_rng rng;          /* seeded as the port's: connection k gets seed + k */
    enum wm_profile profile;    /* book or book-asyncio */
    int have_range;             /* PARAMS seen: lo and hi are ints, not None */
    int small;                  /* lo and hi fit int64: the guesses are in small_guesses */
    struct wm_big lo, hi;
    int secret_known;           /* the book's `secret is not None` */
    int have_last;              /* `guesses` is not empty: last is guesses[-1] */
    struct wm_big last;         /* the secret too, once known */
    struct wm_gset small_guesses; /* the game's distinct guesses, bounded by max_guesses */
    struct wm_bigset big_guesses; /* the same for a range beyond int64 */
    size_t max_guesses;
    size_t max_log;             /* 0, or the longest console line kept (book_text.c) */
    int closed;
};

/* 0, or -1 out of memory (nothing to free then). */
int wm_book_server_init(struct wm_book_server *s, enum wm_profile profile, uint64_t seed,
                        size_t max_guesses);
void wm_book_server_free(struct wm_book_server *s);
extern const struct wm_role wm_book_server_role;
/* Its report of a client's reset (no line cut), under both book profiles:
 * in every state, as the book's ConnectionResetError out of readline. */
#define WM_BOOK_SERVER_RESET_TEXT                                                                 \
    WM_RESET_TEXT ": the book's server raises ConnectionResetError out of readline (its "         \
                  "handler catches only EOFError)"

struct wm_book_client {
    const struct wm_game *games; /* borrowed; a game's values beyond int64 are in g->big */
    size_t ngames;
    size_t game;                 /* the game in play */
    uint64_t asked;              /* NUMBERs answered in this game */
    struct wm_big lo, hi, secret; /* the game in play's values */
    int have_dist;               /* the book's `last_distance is not None` */
    double last_dist;            /* math.fabs(guess - secret), a float as in the book */
    struct wm_bigarena hist;     /* every guess of the session, tagged with its decision */
    size_t max_log;              /* 0, or the longest console line kept (book_text.c) */
    int done;
};

/* 0, or -1 out of memory (nothing to free then). */
int wm_book_client_init(struct wm_book_client *c, const struct wm_game *games, size_t ngames,
                        size_t max_guesses);
void wm_book_client_free(struct wm_book_client *c);
extern const struct wm_role wm_book_client_role;
/* Its report of the server's reset (no line cut): ConnectionResetError out
 * of readline, then BrokenPipeError from its finally's PARAMS 0 -1, which
 * never goes out. */
#define WM_BOOK_CLIENT_RESET_TEXT                                                                 \
    WM_RESET_TEXT ": the book's client raises ConnectionResetError out of readline, then "        \
                  "BrokenPipeError sending its finally's PARAMS 0 -1"

/* Shared by book_server.c and book_client.c (book_text.c). */

/* Emits the console line a followed by b[0..blen): 0, or -1 out of memory
 * (nothing emitted). Lines may be max-line long, so no fixed buffer. With
 * max > 0, a line longer than max bytes is cut to max - 3 and "...": a
 * transcript's record holds max-line + 64 bytes, and the book's server
 * prints a guess and a decision that are each up to a line long (whoever
 * runs the session sets max_log to that). */
int wm_book_log(const struct wm_sink *out, size_t max, const char *a, const char *b, size_t blen);
/* The same cut of a console line in buf: its new length. */
static inline size_t wm_book_log_cut(char *buf, size_t len, size_t max)
{
    if (max == 0 || len <= max)
        return len;
    buf[max - 3] = buf[max - 2] = buf[max - 1] = '.';
    return max;
}
/* Emits the error a followed by b[0..blen): Python's exception text (any
 * bytes), escaped as a transcript escapes a line (a record's text is
 * printable ASCII) and cut to what an error record holds (WM_ERR_MAX - 1
 * bytes): when longer, the longest prefix whose escaped bytes and "..."
 * fit. A harness's own reason (wm_err: escaped already) goes out as it is. */
void wm_book_error(const struct wm_sink *out, const char *a, const char *b, size_t blen);
/* The framer's error as the book sessions report it: an over-long line says
 * that max-line is the harness's bound, the book having none. */
void wm_book_input_error(const struct wm_err *in, struct wm_err *out);
/* str(v) into buf of WM_BIG_TEXT_MAX bytes (every value a session formats
 * is within CPython's digit limit); returns the length. */
size_t wm_book_fmt(char *buf, const struct wm_big *v);

#endif
