/* Malformed input in explore's swarm: a recipe, drawn with the scenario,
 * that corrupts one line the client side sends (flipped bytes, control
 * bytes and UTF-8 at its edges, edge and overlong numerals, spaces,
 * truncated and over-long lines, unknown commands, wrong arity, REPORT
 * words). The recipe is applied to the line the well-formed run sent there,
 * so it stays reproducible from (seed, run) and shrinks with the scenario:
 * an earlier line, an earlier place, a simpler table entry. */
#ifndef WM_MAL_H
#define WM_MAL_H

#include <stddef.h>
#include <stdint.h>

enum wm_mal_op {
    WM_MAL_FLIP,     /* one bit of one byte */
    WM_MAL_BYTES,    /* control bytes, invalid and edge-of-range UTF-8 inserted */
    WM_MAL_SPACE,    /* a leading, trailing or doubled space */
    WM_MAL_NUMERAL,  /* an argument replaced by an edge or overlong numeral */
    WM_MAL_TRUNCATE, /* the line cut short */
    WM_MAL_LONG,     /* the line padded to around max-line */
    WM_MAL_COMMAND,  /* the command word replaced */
    WM_MAL_ARITY,    /* an argument added or dropped */
    WM_MAL_REPORT,   /* a REPORT line with a wrong word or arity */
    WM_MAL_EMPTY,    /* an empty line */
    WM_MAL_OPS
};

struct wm_mal {
    int on;
    enum wm_mal_op op;
    uint32_t conn; /* the connection, from 0 */
    uint32_t line; /* its client line, from 0 (modulo the lines it sent before any server end) */
    uint32_t pos;  /* where in the line (modulo its length) */
    uint32_t arg;  /* a table entry, a bit, a length */
    int server;    /* the line is the server's (a guess our client reads), not the client's */
    int partial;   /* server, book profiles: sent without its newline, then the close */
    int tie;       /* server, book profiles: a guess on a rounding tie (mal_tie.h), not op's */
};

/* The longest corrupted line: the script's bound, max-line + 64. */
#define WM_MAL_MAX_EXTRA 63

struct wm_rng;
/* Draws a recipe into *m (on in pct percent of the calls). */
void wm_mal_draw(struct wm_rng *g, uint32_t connections, int pct, struct wm_mal *m);
/* The corrupted line: from the original (n bytes) into out (max_line +
 * WM_MAL_MAX_EXTRA + 1 bytes at least); its length. */
size_t wm_mal_apply(const struct wm_mal *m, const unsigned char *line, size_t n, size_t max_line,
                    unsigned char *out);
/* The i-th smaller recipe (0 past the last); the order's components. */
int wm_mal_smaller(const struct wm_mal *m, unsigned i, struct wm_mal *out);
#define WM_MAL_COMPONENTS 4
void wm_mal_components(const struct wm_mal *m, uint64_t *v);
/* "flip line 3 of connection 1 (pos 2, arg 5)" */
void wm_mal_describe(const struct wm_mal *m, char *buf, size_t size);

#endif
