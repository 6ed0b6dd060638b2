/* Where a tie recipe (mal_tie.h) goes in a book run's transcript: a guess
 * of the server's whose game had a guess before it at a distance of 2^53
 * or more from the client's number (the header's game, counted by the
 * client's PARAMS), so that its double R has a tie at an integer. */
#ifndef WM_EXPLORE_TIE_H
#define WM_EXPLORE_TIE_H

#include <stddef.h>
#include <stdint.h>

#define WM_TIE_GAMES_MAX 64 /* header games read; later ones get no tie */

/* The first such line of conn at or after line `from` of the `lines`
 * eligible server lines (wrapping round), as the index of those lines
 * into *k, with its game's number and the guess before it (canonical
 * decimal, NUL-terminated, into cap bytes each): 0, or 1 when no line
 * fits (the recipe is then op's). */
int wm_explore_tie_pick(const char *t, size_t len, unsigned conn, uint32_t from, uint32_t lines,
                        uint32_t *k, char *number, char *prev, size_t cap);

#endif
