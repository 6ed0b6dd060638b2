/* warmer interop: the peer's COMMAND, its placeholders filled in from a
 * transcript's header, and whether a transcript can run against it at all. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "interop.h"

int wm_interop_has(const char *cmd, const char *key)
{
    return strstr(cmd, key) != NULL;
}

static void game_words(FILE *f, const struct wm_cfg *cfg)
{
    for (size_t i = 0; i < cfg->ngames; i++) {
        fputs(i ? " --game " : "--game ", f);
        wm_game_print(f, &cfg->games[i]);
    }
}

char *wm_interop_fill(const struct wm_interop_opts *o, const struct wm_cfg *cfg, const char *port)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    for (const char *p = o->command; *p;) {
#define KEY(k) (strncmp(p, k, sizeof k - 1) == 0 ? (p += sizeof k - 1, 1) : 0)
        if (KEY("{seed}"))
            fprintf(f, "%" PRIu64, cfg->seed);
        else if (KEY("{port}"))
            fputs(port, f);
        else if (KEY("{host}"))
            fputs(o->host, f);
        else if (KEY("{games}"))
            game_words(f, cfg);
        else if (KEY("{max-line}"))
            fprintf(f, "%zu", cfg->max_line);
        else if (KEY("{max-guesses}"))
            fprintf(f, "%zu", cfg->max_guesses);
        else
            fputc(*p++, f);
#undef KEY
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int same_games(const struct wm_cfg *a, const struct wm_cfg *b)
{
    return a->ngames == b->ngames &&
           (a->ngames == 0 || memcmp(a->games, b->games, a->ngames * sizeof *a->games) == 0);
}

const char *wm_interop_skip_reason(const struct wm_interop_opts *o, const struct wm_cfg *cfg,
                                   char *buf, size_t size)
{
    const char *cmd = o->command;
    if (o->test_server && cfg->server_script)
        return "its server side is a script (hand-written replies, not a server to hold to)";
    if (!o->test_server && cfg->client_script)
        return "its client side is a script (hand-written lines, not a client to hold to)";
    if (cfg->max_line != WM_LINE_MAX_DEFAULT && !wm_interop_has(cmd, "{max-line}")) {
        snprintf(buf, size, "it sets max-line %zu and COMMAND has no {max-line}", cfg->max_line);
        return buf;
    }
    if (cfg->max_guesses != WM_DEFAULT_MAX_GUESSES && !wm_interop_has(cmd, "{max-guesses}")) {
        snprintf(buf, size, "it sets max-guesses %zu and COMMAND has no {max-guesses}",
                 cfg->max_guesses);
        return buf;
    }
    if (o->test_server && cfg->seed != WM_DEFAULT_SEED && !wm_interop_has(cmd, "{seed}")) {
        snprintf(buf, size, "its seed is %" PRIu64 " and COMMAND has no {seed}", cfg->seed);
        return buf;
    }
    if (!o->test_server && !wm_interop_has(cmd, "{games}")) {
        struct wm_cfg book;
        struct wm_err err;
        wm_cfg_init(&book);
        int same = wm_cfg_default_games(&book, &err) == 0 && same_games(cfg, &book);
        wm_cfg_free(&book);
        if (!same)
            return "it plays other games than the book's and COMMAND has no {games}";
    }
    if (!o->test_server && cfg->ngames == 0)
        return "it plays no games, which a client command cannot be told";
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        const struct wm_fault *f = &cfg->faults[i];
        char side = o->test_server ? 'S' : 'C';
        /* A live peer cannot be made to fault, and a stalled side's peer
         * times out on its own clock, not the simulator's. An abort is the
         * simulator's too: a live replay's side closes with an RST only where
         * its script cuts a line (a plain reset), and what the peer does
         * after an RST is not for the aborting side to see. */
        if (f->kind == WM_FAULT_JOURNAL || f->kind == WM_FAULT_STALL || f->kind == WM_FAULT_ALLOC ||
            f->abortive || (wm_fault_at_byte(f->kind) && f->side == side)) {
            char what[64];
            wm_fault_format(f, what, sizeof what);
            snprintf(buf, size, "its fault \"%s\" is the simulator's to carry out", what);
            return buf;
        }
    }
    return NULL;
}

