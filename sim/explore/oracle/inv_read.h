/* What the invariant checker reads from a transcript's text (invariants.c):
 * numbers, the header, records, and a set of a game's guesses. Like the
 * checker it includes nothing from the layers below, on purpose. */
#ifndef WM_INV_READ_H
#define WM_INV_READ_H

#include <stddef.h>
#include <stdint.h>

/* ---- a set of this game's guesses (open addressing, grows) ---- */

struct inv_set {
    int64_t *slot;
    unsigned char *used;
    size_t cap, n;
};

struct inv_game {
    int64_t lo, hi, secret;
    uint64_t count;
    /* A book profile's game beyond int64: "LO:HI:SECRET" (malloc'd; NULL for
     * others) and where each value lies in it (inv_num.h). */
    char *text;
    size_t lo_at, lo_n, hi_at, hi_n, secret_at, secret_n;
};

/* A byte fault of the plan: its side may send at most `at` bytes. */
struct inv_cut {
    char side;
    unsigned conn;
    uint64_t at;
};

#define INV_MAX_CUTS 8

struct inv_header {
    struct inv_game *games;
    size_t ngames, cap;
    unsigned connections;
    size_t max_line, max_guesses;
    int faults; /* a destructive fault plan: sides may end anywhere */
    int book;   /* "# profile: book" or "book-asyncio": the book's rules (invariants.c) */
    struct inv_cut cuts[INV_MAX_CUTS];
    unsigned ncuts;
};

void inv_set_clear(struct inv_set *s);
/* 1 added, 0 already there, -1 out of memory. */
int inv_set_add(struct inv_set *s, int64_t v);

/* Canonical signed decimal, as the protocol writes integers: 0 or -1. */
int inv_parse_i64(const char *s, size_t n, int64_t *out);
int inv_parse_u64(const char *s, size_t n, uint64_t *out);
int inv_starts(const char *s, size_t n, const char *prefix);
/* One header line into h: 0, or -1 if unreadable. */
int inv_header_line(struct inv_header *h, const char *s, size_t n);
/* Bytes a record's escaped text stands for. */
uint64_t inv_decoded_len(const char *s, size_t n);
/* "C: x", "S12! error y": side, connection (0 for none), mark and text. 0 or -1. */
int inv_split_record(const char *s, size_t n, char *side, unsigned *conn, char *mark,
                     const char **text, size_t *tlen);

/* ---- a finding and a connection's records (the malformed-input checkers) ---- */

struct wm_violation;
/* Fills v (kind, connection, line, message); -1 for a kind starting with
 * 'f' (the checker's own failure), else 1 (a violation). */
int inv_fail(struct wm_violation *v, const char *kind, unsigned conn, size_t lineno,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* If line s (n bytes) is a record of side ('C' or 'S') on conn, the length
 * of its "C3" or "C" prefix; else 0. Connection 1 may be written bare. */
size_t inv_record_of(const char *s, size_t n, char side, unsigned conn);

#endif
