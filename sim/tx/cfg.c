#include "cfg.h"

#include <stdlib.h>

void wm_cfg_init(struct wm_cfg *cfg)
{
    *cfg = (struct wm_cfg){.seed = WM_DEFAULT_SEED, .connections = 1,
                           .max_line = WM_LINE_MAX_DEFAULT,
                           .max_guesses = WM_DEFAULT_MAX_GUESSES};
}

void wm_cfg_free(struct wm_cfg *cfg)
{
    free(cfg->games);
    cfg->games = NULL;
    cfg->ngames = cfg->games_cap = 0;
}

int wm_cfg_add_game(struct wm_cfg *cfg, const struct wm_game *g, struct wm_err *err)
{
    if (cfg->ngames == WM_MAX_GAMES) {
        wm_err_set(err, "more than %d games", WM_MAX_GAMES);
        return -1;
    }
    if (cfg->ngames == cfg->games_cap) {
        size_t cap = cfg->games_cap ? cfg->games_cap * 2 : 4;
        struct wm_game *ng = realloc(cfg->games, cap * sizeof *ng);
        if (!ng) {
            wm_err_set(err, "out of memory");
            return -1;
        }
        cfg->games = ng;
        cfg->games_cap = cap;
    }
    cfg->games[cfg->ngames++] = *g;
    return 0;
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
    if (cfg->max_line < 1 || cfg->max_line > (1u << 24)) {
        wm_err_set(err, "max-line must be 1..16777216, got %zu", cfg->max_line);
        return -1;
    }
    if (cfg->max_guesses < 1 || cfg->max_guesses > (1u << 28)) {
        wm_err_set(err, "max-guesses must be 1..268435456, got %zu", cfg->max_guesses);
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
