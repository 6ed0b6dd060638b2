/* From a recording's journals to a transcript whose header is verified:
 * what the traffic tells (the games each client played), the candidate
 * headers in order, each re-run in process against the recording, and the
 * file written with the first that reproduces it (docs/DESIGN.md,
 * "Recording"). No sockets here: tests/test_record.c drives it by hand. */
#ifndef WM_REC_TX_H
#define WM_REC_TX_H

#include <stdio.h>

#include "client.h"
#include "err.h"
#include "transcript.h"

/* Games listed per comment line, and comment lines per connection. */
#define WM_REC_GAMES_PER_LINE 8
#define WM_REC_GAME_LINES 8

struct wm_rec_game {
    struct wm_game g; /* count: the NUMBERs sent in the game */
    int known;        /* a guess was reported Correct: g.secret holds it */
};

/* The games one connection's client played, as its lines show them. */
struct wm_rec_played {
    struct wm_rec_game *games;
    size_t n, cap;
    int regular; /* every client line belongs to a game, each ended with PARAMS 0 -1 */
};

/* -1 only when out of memory. */
int wm_rec_infer(const struct wm_conn_log *log, struct wm_rec_played *p);
void wm_rec_played_free(struct wm_rec_played *p);

struct wm_rec_tx_opts {
    int have_seed;      /* --seed was given */
    uint64_t seed;
    size_t max_line;
    size_t max_journal; /* bound of each verification run's journals */
};

struct wm_rec_verdict {
    int client_script, server_script; /* the header written */
    int verified;                      /* it reproduces the recording */
};

/* Writes the transcript of n connections (n >= 1) with the first header
 * that reproduces them: both sides in process, client script only, server
 * script only, both scripts; if none does, both scripts (v->verified 0).
 * -1 with err if the journals are inconsistent or memory ran out. */
int wm_rec_write(FILE *out, const struct wm_rec_tx_opts *o, const struct wm_conn_log *logs,
                 uint32_t n, struct wm_rec_verdict *v, struct wm_err *err);

/* The journals with causes as the parser would give them (the number of
 * the peer's wire records before each record in merged order), so that
 * scripts play them exactly as they will play the written file. NULL if
 * out of memory or the causes are inconsistent. */
struct wm_conn_log *wm_rec_canonical(const struct wm_conn_log *logs, uint32_t n);

#endif
