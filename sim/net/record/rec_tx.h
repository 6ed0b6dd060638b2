/* What a recording's records tell, for its transcript's header: the games
 * each client played, and the header with its comments (docs/DESIGN.md,
 * "Recording"). The header is verified in check/rec_verify.h. No sockets
 * here: tests/test_record.c drives it by hand. Prefix wm_recd_, as record.h. */
#ifndef WM_REC_TX_H
#define WM_REC_TX_H

#include <stdio.h>

#include "client.h"
#include "err.h"
#include "transcript.h"

/* Games listed per comment line, and comment lines per connection. */
#define WM_RECD_GAMES_PER_LINE 8
#define WM_RECD_GAME_LINES 8

struct wm_recd_game {
    struct wm_game g; /* count: the NUMBERs sent in the game */
    int known;        /* a guess was reported Correct: g.secret holds it */
};

/* The games one connection's client played, as its lines show them. */
struct wm_recd_played {
    struct wm_recd_game *games;
    size_t n, cap;
    int regular; /* every client line belongs to a game, each ended with PARAMS 0 -1 */
};

/* One side's records in order, from wherever they are kept. */
struct wm_recd_item {
    enum wm_rec_kind kind;
    const char *text; /* len bytes, valid until the next call */
    size_t len;
};
struct wm_recd_src {
    int (*next)(void *ctx, struct wm_recd_item *it); /* 1, or 0 after the last */
    void *ctx;
};

/* The games of one connection, from its two sides' records (the k-th
 * server line answers the k-th NUMBER). -1 only when out of memory. */
int wm_recd_infer_from(struct wm_recd_src *client, struct wm_recd_src *server,
                       struct wm_recd_played *p);
/* The same from a connection's journals. */
int wm_recd_infer(const struct wm_conn_log *log, struct wm_recd_played *p);
void wm_recd_played_free(struct wm_recd_played *p);
/* 1 if every connection played the same games, each with a known secret. */
int wm_recd_same_known_games(const struct wm_recd_played *p, uint32_t n);

struct wm_recd_tx_opts {
    int have_seed;      /* --seed was given */
    uint64_t seed;
    size_t max_line;
    size_t max_journal; /* bound of each verification run's journals */
    enum wm_profile profile; /* the header's, and the re-runs' that verify it */
};

struct wm_recd_verdict {
    int client_script, server_script; /* the header written */
    int verified;                      /* it reproduces the recording */
};

/* The header of cfg, and the comments a reader needs: why a side is
 * scripted (server_why: what differed in the server's re-run), the games
 * each client played when it is, NOT VERIFIED unless verified. */
void wm_recd_write_head(FILE *out, const struct wm_cfg *cfg, const struct wm_recd_tx_opts *o,
                        const struct wm_recd_played *p, int seed_ok, int verified,
                        const char *server_why);

#endif
