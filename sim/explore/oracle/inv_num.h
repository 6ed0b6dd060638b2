/* Integers beyond int64 as the checker reads them (a book profile's games,
 * guesses and distances): canonical decimal text, compared and subtracted
 * digit by digit. Like the checker it includes nothing from the layers
 * below (not proto/big.h), so the two cannot share a bug. */
#ifndef WM_INV_NUM_H
#define WM_INV_NUM_H

#include <stddef.h>
#include <stdint.h>

#define INV_NUM_DIGITS 4300                 /* CPython's default int() limit */
#define INV_NUM_TEXT (INV_NUM_DIGITS + 2)   /* a magnitude's digits + 1 carry, NUL */

/* 1 if s is -?(0|[1-9][0-9]*) with at most INV_NUM_DIGITS digits, no "-0". */
int inv_num_ok(const char *s, size_t n);
/* -1, 0, 1 as a < b, a == b, a > b (both inv_num_ok). */
int inv_num_cmp(const char *a, size_t an, const char *b, size_t bn);
/* |a - b| as canonical digits into out (INV_NUM_TEXT bytes, NUL-terminated):
 * its length. */
size_t inv_num_dist(const char *a, size_t an, const char *b, size_t bn, char *out);
/* A 64-bit hash of the text (FNV-1a): a guess's key in the game's set. */
uint64_t inv_num_hash(const char *s, size_t n);

#endif
