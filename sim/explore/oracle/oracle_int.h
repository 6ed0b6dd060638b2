/* The oracle's reading of a transcript (oracle_text.c), shared with the
 * model that plays it (oracle.c): its header, numbers, and the small sets
 * and lists the model keeps. Internal to sim/explore/. */
#ifndef WM_ORACLE_INT_H
#define WM_ORACLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "inv_read.h" /* the transcript's text as the invariant checker reads it: sets, numbers */
#include "invariants.h"
#include "oracle_num.h"

/* The profile's rules: one row per profile the oracle knows. */
struct wm_orc_profile {
    const char *name;
    /* The book's code: integers of any size (drawn with oracle_num.h), a
     * REPORT's word logged whatever it is, Python's exceptions for texts,
     * an exhausted range that hangs, the client's finally (oracle.c). */
    int book;
};

extern const struct wm_orc_profile wm_orc_profiles[];
#define WM_ORC_NPROFILES 3

/* A list of judged values: the client's summary, the server's log (d: the
 * decision's dn bytes, in the transcript's text or a static word). */
struct wm_orc_judged {
    struct wm_ov v;
    const char *d;
    size_t dn;
};
struct wm_orc_jlist {
    struct wm_orc_judged *a;
    size_t n, cap;
};
int wm_orc_jlist_push(struct wm_orc_jlist *l, const struct wm_ov *v, const char *d, size_t dn);

/* The plan has at most 8 faults (fault.h's WM_MAX_FAULTS, which the oracle
 * does not include); a header naming more aborts is unreadable. */
#define WM_ORC_MAX_ABORTS 8

/* The header: what the oracle needs of it. */
struct wm_orc_game {
    struct wm_ov lo, hi, secret;
};
struct wm_orc_hdr {
    uint64_t seed;
    struct wm_orc_game *g;
    size_t ng, cap;
    unsigned conns;
    uint64_t max_line, max_guesses;
    int server_script, client_script, faults;
    /* The plan's destructive faults, and the connections whose client aborts
     * (`abort C<n> at K`): the server's report of that reset is held to its
     * exact text when the aborts are the whole plan (oracle_reset.c). */
    unsigned destructive, naborts;
    uint32_t aborts[WM_ORC_MAX_ABORTS];
    uint64_t abort_at[WM_ORC_MAX_ABORTS]; /* its byte: the abort acts once the client sent it */
    int big_game; /* a game beyond int64: only a book profile may have one */
    int far_game; /* a game the oracle cannot read (not canonical, or past WM_OV_BITS) */
    const struct wm_orc_profile *profile; /* NULL: a profile the oracle does not know */
};

/* One "# key: value" line of the header into h: 0, or -1 (unreadable, OOM). */
int wm_orc_header_line(struct wm_orc_hdr *h, const char *s, size_t n);

/* ---- the model of one connection (oracle.c), and the book's rules (oracle_book.c) ---- */

/* Why the reference has no guess to give (draw). */
enum wm_orc_nothing { WM_ORC_NO_RANGE = 1, WM_ORC_EMPTY, WM_ORC_EXHAUSTED, WM_ORC_GAVE_UP };

struct wm_orc_conn {
    unsigned no;
    struct wm_omt mt;
    /* the server as the reference plays it */
    int have_range, secret_known, have_last, server_ended, server_hung;
    int lost; /* book: a line the oracle cannot read reached the server: not followed */
    struct wm_ov lo, hi, secret, last;
    int small_span; /* every value of the range lies within 2^64 of lo: drawn holds offsets */
    struct inv_set drawn;
    struct wm_orc_jlist far_drawn; /* the game's draws, when the range is wider */
    uint64_t guess_no; /* the server's guesses in this game */
    struct wm_orc_jlist server_log;
    /* the client as the reference plays it */
    int playing, have_prev, finished, client_error, client_lost;
    /* its abort: the server (not ended before it) owes the reset's report */
    int reset_owed, reset_reported;
    uint64_t client_sent; /* bytes the client sent (its lines and partial) */
    size_t cut_n; /* bytes of the client's cut line (its partial record), 0 if none */
    const char *cut;
    int over_guesses; /* it read a guess past max-guesses (the session's): it errs */
    int ended_game; /* its last line was a PARAMS that ended a game (the book's finally) */
    size_t gi, started;
    uint64_t asked; /* guesses it judged in this game */
    double prev;
    const char *want; /* the judgement of the last guess, owed as a REPORT */
    struct wm_orc_jlist judged;
    size_t last_line;
};

struct wm_orc {
    struct wm_orc_hdr h;
    struct wm_orc_conn c;
    size_t lineno;
    struct wm_violation *v;
    const char *console;
    size_t clen;
};

static inline int wm_orc_book(const struct wm_orc *o)
{
    return o->h.profile->book;
}
/* The violation of kind at line; returns 1. */
int wm_orc_fail(struct wm_orc *o, const char *kind, size_t line, const char *fmt, ...);
int wm_orc_same(const char *s, size_t n, const char *want);
/* The server's answer to the NUMBER it is answering: 1 with *g, 0 when the
 * reference has none (*why says why), -1 out of memory. */
int wm_orc_draw(struct wm_orc *o, struct wm_ov *g, enum wm_orc_nothing *why);
size_t wm_orc_drawn_count(const struct wm_orc_conn *c);
/* Every value of the game's range was drawn (the range set, not empty). */
int wm_orc_exhausted(const struct wm_orc_conn *c);
/* Book: the server's hang record (s: after "hang "), its error (after
 * "error "), the client's error: 0, or 1 with the violation. */
int wm_orc_book_hang(struct wm_orc *o, const char *s, size_t n);
int wm_orc_book_error(struct wm_orc *o, const char *s, size_t n);
int wm_orc_book_client_error(struct wm_orc *o, const char *s, size_t n);
/* Every client record (mark ':' or '!', s after it): counts its bytes, and
 * at its close notes an abort the server must report (oracle_reset.c). */
void wm_orc_client_record(struct wm_orc *o, char mark, const char *s, size_t n);
/* The server's end (s: the record after "S! "): 0, or 1 when a reset was
 * owed and this is not its exact report. */
int wm_orc_reset_answer(struct wm_orc *o, const char *s, size_t n);
/* At the connection's end: 1 when an owed report never came. */
int wm_orc_reset_end(struct wm_orc *o);

#endif
