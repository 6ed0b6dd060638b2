/* A guess on a rounding tie, for the book's client (a book profile's client
 * under test), which judges math.fabs(guess - number) as a double against
 * the game's last distance R: a guess whose distance is halfway between R
 * and the double next to it (R + ulp/2 above, R - ulp/2 below: ulp >= 2
 * once R >= 2^53), or 2^k away from halfway, k below the bit rounded on:
 * 1, so the distance's lowest word decides, or a bit of a middle word,
 * which only distances past 2^96 have (a game's number moved 2^117). The decision
 * (Unsure when the rounded distance is R, Warmer or Colder when it is the
 * neighbour) then rests on round-half-even and on those low bits alone,
 * which random guesses never reach. The recipe only makes the guess; what
 * the client must answer is classify_bcli.c's, from its own arithmetic. */
#ifndef WM_MAL_TIE_H
#define WM_MAL_TIE_H

#include <stddef.h>
#include <stdint.h>

#define WM_MAL_TIE_VARIANTS 6 /* R+ulp/2, R-ulp/2, each exact, +2^k and -2^k */
/* (arg / 2V) % 2: k = 0, or k spread over the sticky bits by arg / 4V
 * (0..255 / 24: 0..10 steps of (p - 1) / 11 past bit 1) */
#define WM_MAL_TIE_SPREAD 11
/* A tie lies next to R only from here on: below, every integer is a double. */
#define WM_MAL_TIE_MIN_BITS 54

/* 1 if |prev - number| >= 2^53 (both canonical decimal), so that a tie of
 * its double lies at an integer distance: the previous guess a tie needs. */
int wm_mal_tie_fits(const char *number, const char *prev);

/* The guess for variant arg (arg % WM_MAL_TIE_VARIANTS; (arg / VARIANTS) % 2:
 * above the number or below it) as canonical decimal into out (cap bytes,
 * NUL-terminated): its length, or 0 when prev does not fit or out is short. */
size_t wm_mal_tie_guess(const char *number, const char *prev, uint32_t arg, char *out, size_t cap);

#endif
