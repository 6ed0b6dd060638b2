/* The reset probe (explore_rst.h). */
#include "explore_rst.h"

#include <stdlib.h>
#include <string.h>

#include "inv_read.h"

/* Walks connection conn's client lines in t until either side's end: per
 * line, the game it belongs to (a game's PARAMS and its closing PARAMS 0 -1
 * alternate) and the client's bytes through it. With stop_game set, stops
 * at line `stop` of that game (0 with *byte); else counts each game's
 * lines: *games started, *in_game lines of game `count_game`. */
static int walk(const char *t, size_t len, unsigned conn, int64_t stop_game, uint64_t stop,
                uint64_t count_game, uint64_t *games, uint64_t *in_game, uint64_t *byte)
{
    uint64_t params = 0, started = 0, sent = 0, k = 0;
    *games = *in_game = 0;
    for (const char *p = t, *end = t + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *s;
        size_t n = (size_t)((nl ? nl : end) - p), tn;
        const char *line = p;
        char side, mark;
        unsigned c;
        p = nl ? nl + 1 : end;
        if (n == 0 || line[0] == '#' || inv_split_record(line, n, &side, &c, &mark, &s, &tn) < 0 ||
            (c ? c : 1) != conn)
            continue;
        if (mark == '!')
            break; /* a side ended: nothing after it is the well-formed game's */
        if (side != 'C')
            continue;
        sent += inv_decoded_len(s, tn) + 1;
        if (inv_starts(s, tn, "PARAMS ") && params++ % 2 == 0)
            started++;
        if (started == 0)
            continue;
        uint64_t g = started - 1;
        if (stop_game >= 0 && g == (uint64_t)stop_game && k++ == stop) {
            *byte = sent;
            return 0;
        }
        *in_game += g == count_game;
    }
    *games = started;
    return -1;
}

int wm_explore_rst_byte(const char *t, size_t len, unsigned conn, uint32_t game, uint32_t at,
                        uint64_t *byte)
{
    uint64_t games, lines, unused;
    walk(t, len, conn, -1, 0, UINT64_MAX, &games, &lines, byte);
    if (games == 0)
        return -1;
    uint64_t g = game % games;
    walk(t, len, conn, -1, 0, g, &games, &lines, byte);
    if (lines == 0)
        return -1;
    return walk(t, len, conn, (int64_t)g, at % lines, 0, &games, &unused, byte);
}

int wm_explore_rst(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o)
{
    if (!s->rst.on || !o->text || s->nfaults > 0)
        return 0;
    unsigned conn = s->rst.conn % s->connections + 1;
    uint64_t byte;
    if (wm_explore_rst_byte(o->text, o->len, conn, s->rst.game, s->rst.at, &byte) < 0)
        return 0;
    struct wm_cfg cfg;
    struct wm_err err;
    if (wm_scn_cfg(s, &cfg, &err) < 0)
        return 0; /* the run itself said so already */
    cfg.faults[cfg.nfaults++] =
        (struct wm_fault){.kind = WM_FAULT_RESET, .side = 'C', .conn = conn, .arg = byte,
                          .abortive = 1};
    /* A plan is the simulator's to carry out; the differential run differs. */
    struct wm_scn_setup run = s->run, other = s->other;
    run.driver = other.driver = WM_DRV_SIM;
    if (memcmp(&run, &other, sizeof run) == 0)
        other.transport = run.transport == WM_TR_MEMORY ? WM_TR_SOCKETPAIR : WM_TR_MEMORY;
    struct wm_outcome po;
    memset(&po, 0, sizeof po);
    int rc = wm_explore_check_cfg(&cfg, &run, &other, b, &po);
    wm_cfg_free(&cfg);
    if (rc < 0) {
        wm_outcome_free(&po);
        return -1;
    }
    if (po.failed) { /* the probe's transcript is the finding's */
        wm_outcome_free(o);
        *o = po;
    } else {
        wm_outcome_free(&po);
    }
    return 0;
}
