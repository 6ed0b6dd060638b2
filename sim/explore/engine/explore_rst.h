/* The reset probe: a client's reset (an RST) at the end of one of its
 * lines, so the server's report of it, mid-game with the game's range and
 * guesses or between games (docs/ERRORS.md), is held to its exact text by
 * the oracle (oracle_reset.c). The recipe (scenario.h's wm_scn_rst) names a
 * connection, a game and a line of it; the well-formed run's transcript
 * says at which byte that line ends, and the scenario is run again with the
 * plan `abort C<n> at BYTE` under the simulator, then under the
 * differential setup. A failing probe's transcript (its header has the
 * plan) is the finding's file: `explore --replay` and `warmer check` run it. */
#ifndef WM_EXPLORE_RST_H
#define WM_EXPLORE_RST_H

#include "explore.h"

/* After s's well-formed run passed (o->text its transcript): 0, with o
 * unchanged when the probe holds (or s->rst is off, or the line is not
 * there), o the probe's outcome when it fails; -1 out of memory. */
int wm_explore_rst(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o);

/* The byte of connection conn's client output (from 1) after its line
 * `at` (modulo the game's lines) of game `game` (modulo the games it
 * started), in transcript t: 0 with *byte, -1 when it sent no line. */
int wm_explore_rst_byte(const char *t, size_t len, unsigned conn, uint32_t game, uint32_t at,
                        uint64_t *byte);

#endif
