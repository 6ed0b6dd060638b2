/* The book's client (a book profile's client under test) followed over
 * the server's replies, written from the book's code (tests/book_ref.py's
 * Client and run_client: `receive()` returns the bytes `readline()` gave
 * less their last one, decoded; `int()` of it with no other check;
 * `math.fabs(number - secret)` as a float; the `finally` of every game
 * sends `PARAMS 0 -1`; an exception ends the client, no summary) and
 * docs/PROTOCOL.md ("The book's client"), docs/ERRORS.md ("The book
 * profiles") for the texts and the harness's bounds. Like classify_book.h
 * (whose int(), repr() and UTF-8 decoder it uses) it includes nothing
 * from proto/, so a slip in proto/book_client.c cannot hide in it.
 *
 * It writes what the client must send, one record a line as a transcript
 * writes it less the side (": REPORT Unsure", "! error EOFError: ..."),
 * and its console lines. */
#ifndef WM_CLASSIFY_BCLI_H
#define WM_CLASSIFY_BCLI_H

#include <stddef.h>
#include <stdint.h>

struct wm_bcm_game {
    const char *lo, *hi, *secret; /* canonical decimal, any size (borrowed) */
    uint64_t count;
};

/* A growing text (malloc'd; NULL and 0 when empty). */
struct wm_bcm_text {
    char *s;
    size_t n, cap;
};

struct wm_bcm {
    const struct wm_bcm_game *games; /* borrowed */
    size_t ngames, max_line, max_guesses;
    size_t game;      /* the game in play */
    uint64_t asked;   /* NUMBERs of this game answered */
    int have_dist;    /* the book's `last_distance is not None` */
    double last_dist;
    size_t guesses;   /* of the session (max-guesses, a harness bound) */
    int waiting;      /* a NUMBER sent, its reply not yet read */
    int ended;        /* closed after the summary, or failed */
    int failed;       /* ended by an error (its record the last) */
    int oom;
    /* The client's records, each "\n"-terminated; its console lines; the
     * summary's lines while the session goes on. */
    struct wm_bcm_text recs, console, results;
    /* The last record's error: only its start is known (`prefix`), or a
     * second text is as good (`alt`, NUL-terminated; "" for none): where
     * the documents leave an order open. */
    int prefix;
    char alt[160];
    /* The tables of classify_book.h cannot tell what int() makes of the
     * reply (a code point they do not know): nothing from it on is known. */
    int unsure;
};

/* Starts the client of games[0..ngames) (its first game's lines): 0, or
 * -1 out of memory. Free with wm_bcm_free. */
int wm_bcm_start(struct wm_bcm *m, const struct wm_bcm_game *games, size_t ngames,
                 size_t max_line, size_t max_guesses);
void wm_bcm_free(struct wm_bcm *m);

/* The server sent bytes (n, no newline): a line (its '\n' followed), or
 * with tail the last bytes before its close (readline() returns them; the
 * end is then read too). 0; -1 out of memory; 1 when the client awaits no
 * reply (the reply cannot be followed). */
int wm_bcm_reply(struct wm_bcm *m, const unsigned char *bytes, size_t n, int tail);
/* The server closed (or ended with an error: the client sees its close). 0 or -1. */
int wm_bcm_eof(struct wm_bcm *m);
/* The server hung: the client's harness bound ends the wait. 0 or -1. */
int wm_bcm_hang(struct wm_bcm *m);

/* |value - secret| as Python's float() of the int: 0 with *d, or -1 when
 * it overflows (OverflowError: int too large to convert to float). Both
 * canonical decimal. */
int wm_bcm_distance(const char *value, const char *secret, double *d);

#endif
