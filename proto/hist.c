#include "hist.h"

#include <assert.h>

#include "alloc.h"

/* Records, each within one block: GAME lo(8 bytes) width(1); a guess is
 * its judgement (< GAME) then width bytes of its offset; END fills the
 * rest of a block a record did not fit in. */
enum { GAME = 0xfe, END = 0xff, GAME_BYTES = 10 };

static size_t block_size(size_t i)
{
    size_t n = WM_HIST_BLOCK_MIN;
    for (; i > 0 && n < WM_HIST_BLOCK_MAX; i--)
        n *= 2;
    return n;
}

void wm_hist_init(struct wm_hist *h)
{
    *h = (struct wm_hist){0};
}

void wm_hist_free(struct wm_hist *h)
{
    for (size_t i = 0; i < h->nblocks; i++)
        wm_free(h->blocks[i]);
    wm_free(h->blocks);
    wm_hist_init(h);
}

void wm_hist_game(struct wm_hist *h, int64_t lo, int64_t hi)
{
    /* An empty range has no guess to keep: any int64, if one came. */
    uint64_t span = lo <= hi ? (uint64_t)hi - (uint64_t)lo : UINT64_MAX;
    if (lo > hi)
        lo = INT64_MIN;
    unsigned w = 0;
    while (w < 8 && (span >> (8 * w)) != 0)
        w++;
    h->lo = (uint64_t)lo;
    h->width = w;
    h->game_written = 0; /* written with its first guess: a game with none costs nothing */
}

/* Room for need bytes at the end of the log, or -1. */
static int reserve(struct wm_hist *h, size_t need)
{
    if (h->nblocks && h->used + need <= block_size(h->nblocks - 1))
        return 0;
    if (h->nblocks == h->blocks_cap) {
        size_t cap = h->blocks_cap ? h->blocks_cap * 2 : 8;
        uint8_t **b = wm_realloc(h->blocks, cap * sizeof *b);
        if (!b)
            return -1;
        h->blocks = b;
        h->blocks_cap = cap;
    }
    uint8_t *blk = wm_malloc(block_size(h->nblocks));
    if (!blk)
        return -1;
    if (h->nblocks && h->used < block_size(h->nblocks - 1))
        h->blocks[h->nblocks - 1][h->used] = END;
    h->blocks[h->nblocks++] = blk;
    h->used = 0;
    return 0;
}

static void put_le(uint8_t *p, uint64_t x, unsigned n)
{
    for (unsigned i = 0; i < n; i++, x >>= 8)
        p[i] = (uint8_t)x;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t x = 0;
    for (unsigned i = n; i > 0; i--)
        x = (x << 8) | p[i - 1];
    return x;
}

int wm_hist_add(struct wm_hist *h, int64_t v, uint8_t judgement)
{
    assert(judgement < GAME);
    size_t need = 1 + h->width + (h->game_written ? 0 : GAME_BYTES);
    if (reserve(h, need) < 0)
        return -1;
    uint8_t *p = h->blocks[h->nblocks - 1] + h->used;
    if (!h->game_written) {
        p[0] = GAME;
        put_le(p + 1, h->lo, 8);
        p[9] = (uint8_t)h->width;
        p += GAME_BYTES;
        h->game_written = 1;
    }
    uint64_t off = (uint64_t)v - h->lo;
    assert(h->width == 8 || off >> (8 * h->width) == 0); /* v is in the game's range */
    p[0] = judgement;
    put_le(p + 1, off, h->width);
    h->used += need;
    h->count++;
    return 0;
}

void wm_hist_iter_init(struct wm_hist_iter *it)
{
    *it = (struct wm_hist_iter){0};
}

int wm_hist_next(const struct wm_hist *h, struct wm_hist_iter *it, int64_t *v, uint8_t *judgement)
{
    for (;;) {
        if (it->block == h->nblocks)
            return 0;
        size_t end = it->block + 1 == h->nblocks ? h->used : block_size(it->block);
        const uint8_t *p = h->blocks[it->block] + it->pos;
        if (it->pos == end || p[0] == END) {
            it->block++;
            it->pos = 0;
            continue;
        }
        if (p[0] == GAME) {
            it->lo = get_le(p + 1, 8);
            it->width = p[9];
            it->pos += GAME_BYTES;
            continue;
        }
        *judgement = p[0];
        *v = (int64_t)(it->lo + get_le(p + 1, it->width));
        it->pos += 1 + (size_t)it->width;
        return 1;
    }
}
