/* A client's history: every guess of a session and its judgement, in order,
 * for the closing log. Append-only and compact: a guess is kept as its
 * offset in its game's range and its judgement (2 bits) in as few bytes as
 * the range needs (3 bytes a guess in 1..100000, 6 in 1..10^12; it was 9),
 * in blocks of 256, 512, then WM_HIST_BLOCK_MAX bytes: nothing is ever
 * copied, and a session wastes less than a block. */
#ifndef WM_HIST_H
#define WM_HIST_H

#include <stddef.h>
#include <stdint.h>

#define WM_HIST_BLOCK_MIN 256
#define WM_HIST_BLOCK_MAX 1024

struct wm_hist {
    uint8_t **blocks;
    size_t nblocks, blocks_cap;
    size_t used;     /* bytes written in the last block */
    size_t count;    /* guesses */
    uint64_t lo;     /* the game's range start, and the bytes of a guess */
    unsigned width;
    uint8_t *header; /* the game's header in the log, NULL before its first guess */
};

struct wm_hist_iter {
    size_t block, pos;
    uint64_t lo, left; /* the game's range start, and its guesses not yet read */
    unsigned width;
    size_t seen;
};

void wm_hist_init(struct wm_hist *h);
void wm_hist_free(struct wm_hist *h);
/* The next guesses come from lo..hi (lo > hi: from anywhere). */
void wm_hist_game(struct wm_hist *h, int64_t lo, int64_t hi);
/* 0, or -1 out of memory (nothing recorded). v is in the game's range;
 * judgement < 4 (enum wm_decision). */
int wm_hist_add(struct wm_hist *h, int64_t v, uint8_t judgement);

void wm_hist_iter_init(struct wm_hist_iter *it);
/* 1 with the next guess and its judgement, 0 at the end. */
int wm_hist_next(const struct wm_hist *h, struct wm_hist_iter *it, int64_t *v, uint8_t *judgement);

#endif
