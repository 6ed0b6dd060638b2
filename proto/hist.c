#include "hist.h"

#include <assert.h>

#include "alloc.h"

/* The log is games in turn: a header, lo (8 bytes) width (1) count (8),
 * then count guesses of width bytes each, a guess being its offset in the
 * range shifted left two bits with its judgement below. The header's count
 * grows in place as guesses come. A record never straddles blocks: one that
 * does not fit the rest of a block starts the next, which a reader knows
 * from the same rule. */
enum { HEADER_BYTES = 17 };

static size_t block_size(size_t i)
{
    return i == 0 ? WM_HIST_BLOCK_MIN : i == 1 ? 2 * WM_HIST_BLOCK_MIN : WM_HIST_BLOCK_MAX;
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
    unsigned bits = 2; /* the judgement */
    for (uint64_t x = span; x; x >>= 1)
        bits++;
    h->lo = (uint64_t)lo;
    h->width = (bits + 7) / 8; /* 1 .. 9 */
    h->header = NULL; /* written with its first guess: a game with none costs nothing */
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
    assert(judgement < 4);
    /* Both reservations first, so that a refusal records nothing: a block
     * for the header, and one for the guess should it not fit after it. */
    size_t save_used = h->used, save_blocks = h->nblocks;
    uint8_t *header = h->header;
    if (!header) {
        if (reserve(h, HEADER_BYTES) < 0)
            return -1;
        header = h->blocks[h->nblocks - 1] + h->used;
        h->used += HEADER_BYTES;
    }
    if (reserve(h, h->width) < 0) {
        if (h->nblocks != save_blocks) /* the header's new block: given back */
            wm_free(h->blocks[--h->nblocks]);
        h->used = save_used;
        return -1;
    }
    if (!h->header) {
        put_le(header, h->lo, 8);
        header[8] = (uint8_t)h->width;
        put_le(header + 9, 0, 8);
        h->header = header;
    }
    uint64_t off = (uint64_t)v - h->lo;
    assert(h->width == 9 || off >> (8 * h->width - 2) == 0); /* v is in the game's range */
    uint8_t *p = h->blocks[h->nblocks - 1] + h->used;
    put_le(p, off << 2 | judgement, h->width < 8 ? h->width : 8);
    if (h->width == 9)
        p[8] = (uint8_t)(off >> 62);
    put_le(h->header + 9, get_le(h->header + 9, 8) + 1, 8);
    h->used += h->width;
    h->count++;
    return 0;
}

void wm_hist_iter_init(struct wm_hist_iter *it)
{
    *it = (struct wm_hist_iter){0};
}

/* The next n-byte record, moving to the next block as the writer did. */
static const uint8_t *take(const struct wm_hist *h, struct wm_hist_iter *it, size_t n)
{
    if (it->pos + n > block_size(it->block)) {
        it->block++;
        it->pos = 0;
    }
    assert(it->block < h->nblocks);
    const uint8_t *p = h->blocks[it->block] + it->pos;
    it->pos += n;
    return p;
}

int wm_hist_next(const struct wm_hist *h, struct wm_hist_iter *it, int64_t *v, uint8_t *judgement)
{
    if (it->seen == h->count)
        return 0;
    if (it->left == 0) { /* a game's header: every game in the log has a guess */
        const uint8_t *p = take(h, it, HEADER_BYTES);
        it->lo = get_le(p, 8);
        it->width = p[8];
        it->left = get_le(p + 9, 8);
        assert(it->left > 0 && it->width >= 1 && it->width <= 9);
    }
    const uint8_t *p = take(h, it, it->width);
    uint64_t low = get_le(p, it->width < 8 ? it->width : 8);
    uint64_t high = it->width == 9 ? p[8] : 0;
    *judgement = (uint8_t)(low & 3);
    *v = (int64_t)(it->lo + ((low >> 2) | high << 62));
    it->left--;
    it->seen++;
    return 1;
}
