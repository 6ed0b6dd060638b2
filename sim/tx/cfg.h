/* A run's settings: everything a transcript header records. */
#ifndef WM_CFG_H
#define WM_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "err.h"
#include "fault.h"
#include "frame.h"
#include "profile.h"

#define WM_DEFAULT_SEED 1234
#define WM_DEFAULT_MAX_GUESSES 4194304
#define WM_MAX_CONNECTIONS 65536
#define WM_MAX_GAMES 65536
/* The most a max-line and a max-guesses may be, from an option or a
 * header: decimal literals, so that messages quote them (WM_XSTR) and the
 * options, the parser and the check cannot drift apart. */
#define WM_MAX_LINE_LIMIT 16777216
#define WM_MAX_GUESSES_LIMIT 268435456
#define WM_STR(x) #x
#define WM_XSTR(x) WM_STR(x)
_Static_assert(WM_MAX_LINE_LIMIT == 1u << 24 && WM_MAX_GUESSES_LIMIT == 1u << 28,
               "the limits are the powers of two the documentation names");
_Static_assert(WM_LINE_MAX_DEFAULT <= WM_MAX_LINE_LIMIT &&
                   WM_DEFAULT_MAX_GUESSES <= WM_MAX_GUESSES_LIMIT,
               "the defaults are within the limits");

struct wm_cfg {
    uint64_t seed;
    enum wm_profile profile; /* which sessions play (profile.h); strict unless named */
    int profile_named;       /* a transcript's header named it ("# profile:") */
    struct wm_game *games;
    size_t ngames, games_cap;
    uint32_t connections;
    size_t max_line;
    size_t max_guesses;
    int client_script; /* the client side is the transcript's C records */
    int server_script; /* the server side is the transcript's S records */
    int chunking;      /* seeded split points on every write and read */
    struct wm_fault faults[WM_MAX_FAULTS]; /* the fault plan (fault.h) */
    unsigned nfaults;
};

void wm_cfg_init(struct wm_cfg *cfg);
void wm_cfg_free(struct wm_cfg *cfg);
/* Adds a copy of g (of g->big too: the cfg frees its own). */
int wm_cfg_add_game(struct wm_cfg *cfg, const struct wm_game *g, struct wm_err *err);
/* Parses and adds "LO:HI:SECRET:COUNT" (a header's or --game's value). LO, HI
 * and SECRET beyond int64 are taken as canonical decimal of up to
 * WM_BIG_DIGITS_MAX digits and kept as text in game.big: whether the profile
 * takes them is wm_cfg_validate's to say, once every setting is known. */
int wm_cfg_add_game_text(struct wm_cfg *cfg, const char *s, size_t len, struct wm_err *err);
/* Writes the game as LO:HI:SECRET:COUNT, as wm_cfg_add_game_text reads it. */
void wm_game_print(FILE *out, const struct wm_game *g);
int wm_cfg_add_fault(struct wm_cfg *cfg, const struct wm_fault *f, struct wm_err *err);
/* The plan's fault of this kind on this side of connection conn (from 1), or NULL. */
const struct wm_fault *wm_cfg_fault(const struct wm_cfg *cfg, enum wm_fault_kind kind, char side,
                                    uint32_t conn);
/* The book's two games, used when a run names none. */
int wm_cfg_default_games(struct wm_cfg *cfg, struct wm_err *err);
/* Settings that must hold together (seed + connections - 1 fits, a game
 * beyond int64 only under a book profile, ...). */
int wm_cfg_validate(const struct wm_cfg *cfg, struct wm_err *err);

#endif
