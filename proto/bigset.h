/* Big integers kept compactly for the book profiles' sessions (book.h): an
 * append-only arena of values, each with a small tag (the client's closing
 * log), and a set of values (the server's guesses of a game in a range
 * beyond int64). A value takes 4 bytes plus 4 a 32-bit word of its
 * magnitude, not sizeof(struct wm_big); both are bounded by a count and by
 * bytes, and say which bound refused a value. */
#ifndef WM_BIGSET_H
#define WM_BIGSET_H

#include <stddef.h>
#include <stdint.h>

#include "big.h"

/* What an add returns besides 0/1. */
#define WM_BIGSET_NOMEM (-1)  /* malloc refused */
#define WM_BIGSET_BYTES (-2)  /* it would pass max_bytes */
#define WM_BIGSET_FULL (-3)   /* count == max */

struct wm_bigarena {
    uint32_t *w;      /* entries: a header word (words, sign, tag), then the words */
    size_t len, cap;  /* in words */
    size_t count, max; /* values held, and the most it takes */
    size_t max_bytes; /* of w */
};

void wm_bigarena_init(struct wm_bigarena *a, size_t max, size_t max_bytes);
void wm_bigarena_free(struct wm_bigarena *a);
/* Empties it, keeping its memory. */
void wm_bigarena_clear(struct wm_bigarena *a);
/* 0, or a WM_BIGSET_* code (nothing added). tag < 256. */
int wm_bigarena_add(struct wm_bigarena *a, const struct wm_big *v, unsigned tag);
/* Walks the values in order from *pos = 0: 1 with the next one, 0 at the end. */
int wm_bigarena_next(const struct wm_bigarena *a, size_t *pos, struct wm_big *v, unsigned *tag);

struct wm_bigset {
    struct wm_bigarena vals;
    uint32_t *slots;  /* open addressing: an entry's offset in vals + 1; 0 is empty */
    size_t cap;       /* power of two, or 0 */
};

void wm_bigset_init(struct wm_bigset *s, size_t max, size_t max_bytes);
void wm_bigset_free(struct wm_bigset *s);
void wm_bigset_clear(struct wm_bigset *s);
/* 1 added, 0 already held, or a WM_BIGSET_* code (nothing added). The
 * table's bytes count against max_bytes with the values'. */
int wm_bigset_add(struct wm_bigset *s, const struct wm_big *v);
static inline size_t wm_bigset_count(const struct wm_bigset *s)
{
    return s->vals.count;
}

#endif
