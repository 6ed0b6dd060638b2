/* A run with malformed input (mal.h): the well-formed run's transcript
 * made a client script that sends the same lines up to the recipe's line,
 * then the corrupted one, and stops; the server is warmer's session, run
 * under the simulator and again under the differential setup, and its
 * reaction is held to the classifier (inv_mal.h; under a book profile
 * inv_malbook.h, the script sending a probe NUMBER after the line). With
 * mal.server it is the server's side that is the script and its guess that
 * is corrupted, warmer's client held to inv_malsrv.h (under a book profile
 * the book's client to inv_malbcli.h, the line maybe sent without its
 * newline and then the close: mal.partial). The script's
 * transcript is the finding's file: `warmer check` replays it. */
#ifndef WM_EXPLORE_MAL_H
#define WM_EXPLORE_MAL_H

#include "explore.h"

/* After s's well-formed run passed (o->text its transcript): 0 (o->failed
 * says how; a failing run's o->text becomes the script's transcript), or
 * -1 when out of memory. Nothing happens unless s->mal.on. */
int wm_explore_mal(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o);

/* --replay of such a file (a client script against warmer's server): run
 * under every driver and transport, each run held to the classifier on
 * every connection, and all byte-identical. 0 or -1, as above. */
int wm_explore_mal_replay(const struct wm_transcript *t, const struct wm_explore_budget *b,
                          struct wm_outcome *o);

#endif
