/* One explore run's scenario, drawn from (seed, run) alone: games biased to
 * the protocol's edges, connections, transport, chunking and driver, and a
 * second configuration the transcript must not differ under. Fixed-size,
 * no allocation: a scenario is copied freely while it is shrunk. */
#ifndef WM_SCENARIO_H
#define WM_SCENARIO_H

#include <stdint.h>

#include "cfg.h"
#include "exec.h"
#include "mal.h"

#define WM_SCN_MAX_GAMES 6
#define WM_SCN_MAX_CONNECTIONS 24
/* Guesses one connection may make in all its games (keeps a run short). */
#define WM_SCN_GUESS_BUDGET 3000

struct wm_scn_setup {
    enum wm_driver driver;
    enum wm_transport_kind transport;
    int chunking;
};

/* Fault kinds explore may turn on (--faults): the plan's kinds (fault.h),
 * and split reads and writes (chunking). */
#define WM_SCN_SPLIT (1u << WM_FAULT_KINDS)
/* A malformed client line (mal.h, mal_book.h): runs without a fault plan only. */
#define WM_SCN_MALFORMED (WM_SCN_SPLIT << 1)
#define WM_SCN_KINDS (WM_FAULT_KINDS + 2) /* bits of a fault mask */
#define WM_SCN_ALL_FAULTS ((WM_SCN_MALFORMED << 1) - 1)

/* The reset probe (explore_rst.h), drawn last: after the run, connection
 * conn's client (modulo the connections) aborts after one of its lines of
 * game `game` (modulo the games it started): its line `at`, modulo the
 * game's lines, its closing PARAMS 0 -1 included (a reset between games). */
struct wm_scn_rst {
    int on;
    uint32_t conn, game, at;
};

struct wm_scn {
    uint64_t seed; /* the servers' base seed */
    enum wm_profile profile; /* the sessions played (--profile) */
    struct wm_game games[WM_SCN_MAX_GAMES]; /* .big is never set here */
    /* Under a book profile: game i's values are its int64 values plus
     * shift[i] * 2^64, beyond int64 when not 0 (the cfg gets them as text). */
    int64_t shift[WM_SCN_MAX_GAMES];
    /* Under a book profile, for a tie (mal_tie.h): game i's number is
     * 2^far[i] below its drawn value (0: not moved), so that its distances
     * lie past 2^85, where a double's round bit is in a higher word. */
    uint8_t far[WM_SCN_MAX_GAMES];
    unsigned ngames;
    uint32_t connections;
    size_t max_line, max_guesses;
    struct wm_scn_setup run, other; /* the run, and the differential run */
    unsigned swarm; /* the fault kinds this run turned on (bits as WM_SCN_*) */
    struct wm_fault faults[WM_MAX_FAULTS];
    unsigned nfaults;
    struct wm_mal mal; /* a corrupted client line, when mal.on */
    struct wm_scn_rst rst; /* a client's reset after the run, when rst.on */
};

/* What a user fixed on the command line: -1 where explore draws. */
struct wm_scn_bias {
    int driver;
    enum wm_profile profile; /* --profile: every run's sessions */
    int draw_profile; /* no --profile: each run's profile drawn from (seed, run) alone
                         (wm_scn_profile_of); profile is then unused */
    unsigned faults; /* kinds a run may turn on: bit (1 << kind), WM_SCN_SPLIT */
    int live;        /* against a live server: one connection, default limits, and only
                        the faults our client can cause (split, slow, reset, half-close) */
};

/* The fault kinds our own client side can cause a live server. */
#define WM_SCN_LIVE_FAULTS \
    (WM_SCN_SPLIT | 1u << WM_FAULT_RESET | 1u << WM_FAULT_HALF_CLOSE | 1u << WM_FAULT_SLOW)

/* "reset,stall,split" or "all" or "none" into a mask; -1 naming the bad word. */
int wm_scn_parse_faults(const char *list, unsigned *mask, char *bad, size_t size);
/* The name of bit k of a fault mask ("split" for WM_SCN_SPLIT, "malformed"). */
const char *wm_scn_fault_name(unsigned k);

/* The profile run `run` of seed `seed` plays when none is pinned: strict in
 * half the runs, book and book-asyncio in a quarter each, from a stream of
 * its own (seed, run, "prof"), so run k is the run `--profile P` makes. */
enum wm_profile wm_scn_profile_of(uint64_t seed, uint64_t run);

/* Run `run` of the exploration seeded `seed`. */
void wm_scn_draw(struct wm_scn *s, uint64_t seed, uint64_t run, const struct wm_scn_bias *b);

/* The run's settings as a transcript header takes them (games borrowed: cfg
 * must be freed with wm_cfg_free, which frees its own copy). 0, or -1 with
 * nothing left to free. */
int wm_scn_cfg(const struct wm_scn *s, struct wm_cfg *cfg, struct wm_err *err);

/* The i-th smaller variant of s (fewer connections or games, smaller counts,
 * ranges, values, seed, simpler setups): 1 with *out, 0 when i is past the
 * last; variants that would not be smaller are skipped (returned as s). */
int wm_scn_smaller(const struct wm_scn *s, unsigned i, struct wm_scn *out);
/* 1 if a is smaller than b in the order shrinking descends (connections,
 * games, setup, then each game's count, span and magnitudes, then the
 * seed): a well-founded order, so shrinking always ends. */
int wm_scn_less(const struct wm_scn *a, const struct wm_scn *b);

/* "3 connections, games 1:5:3:4 -2:2:0:9, seed 17" for messages. */
void wm_scn_describe(const struct wm_scn *s, char *buf, size_t size);
const char *wm_driver_name(enum wm_driver d);
const char *wm_transport_name(enum wm_transport_kind t);

#endif
