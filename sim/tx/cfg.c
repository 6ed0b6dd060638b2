#include "cfg.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "big.h"
#include "msg.h"

void wm_cfg_init(struct wm_cfg *cfg)
{
    *cfg = (struct wm_cfg){.seed = WM_DEFAULT_SEED, .connections = 1,
                           .max_line = WM_LINE_MAX_DEFAULT,
                           .max_guesses = WM_DEFAULT_MAX_GUESSES};
}

void wm_cfg_free(struct wm_cfg *cfg)
{
    for (size_t i = 0; i < cfg->ngames; i++)
        free(cfg->games[i].big);
    free(cfg->games);
    cfg->games = NULL;
    cfg->ngames = cfg->games_cap = 0;
}

/* Adds g as it is: the cfg owns g->big from then on, even on error. */
static int push_game(struct wm_cfg *cfg, const struct wm_game *g, struct wm_err *err)
{
    if (cfg->ngames == WM_MAX_GAMES) {
        wm_err_set(err, "more than %d games", WM_MAX_GAMES);
        return -1;
    }
    if (cfg->ngames == cfg->games_cap) {
        size_t cap = cfg->games_cap ? cfg->games_cap * 2 : 4;
        struct wm_game *ng = realloc(cfg->games, cap * sizeof *ng);
        if (!ng) {
            free(g->big);
            wm_err_set(err, "out of memory");
            return -1;
        }
        cfg->games = ng;
        cfg->games_cap = cap;
    }
    cfg->games[cfg->ngames++] = *g;
    return 0;
}

int wm_cfg_add_game(struct wm_cfg *cfg, const struct wm_game *g, struct wm_err *err)
{
    struct wm_game c = *g;
    if (g->big && !(c.big = strdup(g->big))) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    return push_game(cfg, &c, err);
}

/* "LO:HI:SECRET:COUNT" with LO, HI and SECRET canonical decimal, one of them
 * beyond int64: 0 with g->big set to "LO:HI:SECRET" (malloc'd), -1 if it is
 * not, -2 out of memory. */
static int big_game(const char *s, size_t len, struct wm_game *g)
{
    size_t vlen = len, start = 0, n = 0;
    while (vlen > 0 && s[vlen - 1] != ':')
        vlen--;
    if (vlen-- == 0)
        return -1;
    const char *colon = s + vlen;
    int beyond = 0;
    for (size_t i = 0; i <= vlen; i++) {
        if (i < vlen && s[i] != ':')
            continue;
        struct wm_big v;
        int64_t small;
        if (++n > 3 || wm_big_parse_canonical(s + start, i - start, &v) < 0)
            return -1;
        beyond |= wm_big_to_i64(&v, &small) < 0;
        start = i + 1;
    }
    if (n != 3 || !beyond || wm_uint64_parse(colon + 1, len - vlen - 1, &g->count) < 0)
        return -1;
    g->lo = g->hi = g->secret = 0; /* the values are the text's */
    if (!(g->big = malloc(vlen + 1)))
        return -2;
    memcpy(g->big, s, vlen);
    g->big[vlen] = '\0';
    return 0;
}

int wm_cfg_add_game_text(struct wm_cfg *cfg, const char *s, size_t len, struct wm_err *err)
{
    struct wm_game g = {0};
    int rc = wm_game_parse(s, len, &g, err) < 0 ? big_game(s, len, &g) : 0;
    if (rc == -2)
        wm_err_set(err, "out of memory");
    if (rc < 0)
        return -1; /* else wm_game_parse's message names the input */
    return push_game(cfg, &g, err);
}

void wm_game_print(FILE *out, const struct wm_game *g)
{
    if (g->big)
        fprintf(out, "%s:%" PRIu64, g->big, g->count);
    else
        fprintf(out, "%" PRId64 ":%" PRId64 ":%" PRId64 ":%" PRIu64, g->lo, g->hi, g->secret,
                g->count);
}

int wm_cfg_add_fault(struct wm_cfg *cfg, const struct wm_fault *f, struct wm_err *err)
{
    if (cfg->nfaults == WM_MAX_FAULTS) {
        wm_err_set(err, "more than %d faults", WM_MAX_FAULTS);
        return -1;
    }
    cfg->faults[cfg->nfaults++] = *f;
    return 0;
}

const struct wm_fault *wm_cfg_fault(const struct wm_cfg *cfg, enum wm_fault_kind kind, char side,
                                    uint32_t conn)
{
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        const struct wm_fault *f = &cfg->faults[i];
        if (f->kind == kind && f->side == side && f->conn == conn)
            return f;
    }
    return NULL;
}

int wm_cfg_default_games(struct wm_cfg *cfg, struct wm_err *err)
{
    static const struct wm_game book[2] = {{1, 5, 3, 5, NULL}, {10, 15, 12, 5, NULL}};
    return wm_cfg_add_game(cfg, &book[0], err) < 0 ? -1 : wm_cfg_add_game(cfg, &book[1], err);
}

int wm_cfg_validate(const struct wm_cfg *cfg, struct wm_err *err)
{
    if (cfg->connections < 1 || cfg->connections > WM_MAX_CONNECTIONS) {
        wm_err_set(err, "connections must be 1..%d, got %u", WM_MAX_CONNECTIONS, cfg->connections);
        return -1;
    }
    if (cfg->seed > UINT64_MAX - (cfg->connections - 1)) {
        wm_err_set(err, "seed %llu + %u connections passes 2^64 - 1",
                   (unsigned long long)cfg->seed, cfg->connections);
        return -1;
    }
    if (cfg->max_line < 1 || cfg->max_line > WM_MAX_LINE_LIMIT) {
        wm_err_set(err, "max-line must be 1.." WM_XSTR(WM_MAX_LINE_LIMIT) ", got %zu", cfg->max_line);
        return -1;
    }
    if (cfg->max_guesses < 1 || cfg->max_guesses > WM_MAX_GUESSES_LIMIT) {
        wm_err_set(err, "max-guesses must be 1.." WM_XSTR(WM_MAX_GUESSES_LIMIT) ", got %zu",
                   cfg->max_guesses);
        return -1;
    }
    assert(cfg->profile >= WM_PROFILE_STRICT && cfg->profile <= WM_PROFILE_BOOK_ASYNCIO);
    for (size_t i = 0; i < cfg->ngames && !wm_profile_is_book(cfg->profile); i++) {
        const char *big = cfg->games[i].big;
        if (!big)
            continue;
        size_t n = strlen(big);
        wm_err_set(err, "game %.40s%s:%" PRIu64 " is beyond int64 (" "%" PRId64 "..%" PRId64
                   "), the strict profile's limit (--profile book, or '# profile: book' in a "
                   "file, takes it)", big, n > 40 ? "..." : "", cfg->games[i].count,
                   INT64_MIN, INT64_MAX);
        return -1;
    }
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        const struct wm_fault *f = &cfg->faults[i];
        char what[96];
        wm_fault_format(f, what, sizeof what);
        if (f->conn > cfg->connections) {
            wm_err_set(err, "fault \"%s\": the run has %u connection(s)", what, cfg->connections);
            return -1;
        }
        for (unsigned j = 0; j < i; j++) {
            const struct wm_fault *g = &cfg->faults[j];
            int both_bytes = wm_fault_at_byte(f->kind) && wm_fault_at_byte(g->kind);
            if ((both_bytes || f->kind == g->kind) && f->side == g->side && f->conn == g->conn) {
                wm_err_set(err, "fault \"%s\": one such fault per side of a connection", what);
                return -1;
            }
        }
    }
    return 0;
}
