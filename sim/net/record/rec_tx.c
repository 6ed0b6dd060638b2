/* A recording's transcript: inferred games, verified header (rec_tx.h). */
#include "rec_tx.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "msg.h"

void wm_recd_played_free(struct wm_recd_played *p)
{
    free(p->games);
    *p = (struct wm_recd_played){0};
}

static struct wm_recd_game *new_game(struct wm_recd_played *p, int64_t lo, int64_t hi)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        struct wm_recd_game *ng = realloc(p->games, cap * sizeof *ng);
        if (!ng)
            return NULL;
        p->games = ng;
        p->cap = cap;
    }
    assert(p->n < p->cap);
    struct wm_recd_game *g = &p->games[p->n++];
    *g = (struct wm_recd_game){.g = {.lo = lo, .hi = hi}};
    return g;
}

/* A journal read as a record source. */
struct jsrc {
    const struct wm_journal *j;
    size_t at;
};

static int journal_next(void *ctx, struct wm_recd_item *it)
{
    struct jsrc *s = ctx;
    if (s->at == s->j->n)
        return 0;
    const struct wm_rec *r = &s->j->recs[s->at++];
    *it = (struct wm_recd_item){(enum wm_rec_kind)r->kind, wm_rec_text(s->j, r), r->len};
    return 1;
}

int wm_recd_infer(const struct wm_conn_log *log, struct wm_recd_played *p)
{
    struct jsrc c = {&log->client, 0}, s = {&log->server, 0};
    struct wm_recd_src cs = {journal_next, &c}, ss = {journal_next, &s};
    return wm_recd_infer_from(&cs, &ss, p);
}

/* The server's next line (the answer to a NUMBER), parsed as a guess:
 * 1 if there was one (*ok: it is a number, in *guess), else 0. */
static int next_guess(struct wm_recd_src *server, int *ok, int64_t *guess)
{
    struct wm_recd_item it;
    while (server->next(server->ctx, &it) > 0)
        if (it.kind == WM_REC_LINE) {
            *ok = wm_int64_parse(it.text, it.len, guess) == 0;
            return 1;
        }
    return 0;
}

int wm_recd_infer_from(struct wm_recd_src *client, struct wm_recd_src *server,
                       struct wm_recd_played *p)
{
    struct wm_recd_game *cur = NULL; /* the game in play */
    int have_guess = 0, guess_ok = 0; /* the answer to its last NUMBER */
    int64_t guess = 0;
    struct wm_recd_item r;
    *p = (struct wm_recd_played){.regular = 1};
    /* Each pass reads one client record: bounded by the recording. */
    while (client->next(client->ctx, &r) > 0) {
        struct wm_msg m;
        struct wm_err e;
        if (r.kind == WM_REC_PARTIAL)
            p->regular = 0;
        if (r.kind != WM_REC_LINE)
            continue;
        if (wm_msg_parse(r.text, r.len, &m, &e) < 0 || m.type == WM_MSG_EMPTY) {
            p->regular = 0;
            continue;
        }
        if (m.type == WM_MSG_PARAMS && m.lo == 0 && m.hi == -1) {
            p->regular &= cur != NULL;
            cur = NULL;
        } else if (m.type == WM_MSG_PARAMS) {
            p->regular &= cur == NULL; /* a game left without PARAMS 0 -1 */
            if (!(cur = new_game(p, m.lo, m.hi)))
                return -1;
            have_guess = 0;
        } else if (m.type == WM_MSG_NUMBER) {
            /* the k-th guess answers the k-th NUMBER */
            have_guess = next_guess(server, &guess_ok, &guess);
            if (!cur || cur->known) { /* a client stops asking at Correct */
                p->regular = 0;
                continue;
            }
            cur->g.count++;
        } else if (m.decision == WM_CORRECT) {
            if (!cur || !have_guess || cur->known || !guess_ok) {
                p->regular = 0;
                continue;
            }
            /* have_guess: a NUMBER of this game, counted (cur was not known) */
            assert(cur->g.count >= 1);
            cur->g.secret = guess;
            cur->known = 1;
        }
    }
    p->regular &= cur == NULL;
    return 0;
}

int wm_recd_same_known_games(const struct wm_recd_played *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!p[i].regular || p[i].n != p[0].n)
            return 0;
        for (size_t k = 0; k < p[i].n; k++) {
            const struct wm_game *a = &p[i].games[k].g, *b = &p[0].games[k].g;
            if (!p[i].games[k].known || a->lo != b->lo || a->hi != b->hi ||
                a->secret != b->secret || a->count != b->count)
                return 0;
        }
    }
    return 1;
}

static void write_played(FILE *out, const struct wm_recd_played *p, uint32_t conn)
{
    size_t shown = WM_RECD_GAMES_PER_LINE * WM_RECD_GAME_LINES;
    if (p->n == 0)
        fprintf(out, "# played on connection %u: no game%s\n", conn,
                p->regular ? "" : " (and lines that are not games)");
    for (size_t k = 0; k < p->n && k < shown; k += WM_RECD_GAMES_PER_LINE) {
        fprintf(out, "# played on connection %u:", conn);
        for (size_t i = k; i < p->n && i < k + WM_RECD_GAMES_PER_LINE; i++) {
            const struct wm_game *g = &p->games[i].g;
            fprintf(out, " %lld:%lld:", (long long)g->lo, (long long)g->hi);
            if (p->games[i].known)
                fprintf(out, "%lld", (long long)g->secret);
            else
                fputc('?', out);
            fprintf(out, ":%llu", (unsigned long long)g->count);
        }
        fputc('\n', out);
    }
    if (p->n > shown)
        fprintf(out, "# played on connection %u: and %zu games more\n", conn, p->n - shown);
    if (p->n && !p->regular)
        fprintf(out, "# played on connection %u: and lines that are not games\n", conn);
}

void wm_recd_write_head(FILE *out, const struct wm_cfg *cfg, const struct wm_recd_tx_opts *o,
                        const struct wm_recd_played *p, int seed_ok, int verified,
                        const char *server_why)
{
    wm_tx_write_header(out, cfg);
    if (!o->have_seed)
        fputs("# recorded without --seed: the server side is the file's S records\n", out);
    else if (!seed_ok)
        fprintf(out, "# --seed %llu cannot seed %u connections: the server side is the file's "
                "S records\n", (unsigned long long)o->seed, cfg->connections);
    else if (cfg->server_script)
        fprintf(out, "# the server side did not re-run from seed %llu (%s): it is the file's S "
                "records\n", (unsigned long long)o->seed, server_why);
    if (cfg->client_script) {
        fputs("# the client side did not re-run from the games its lines show (a secret is "
              "known once reported Correct, ? if never): it is the file's C records\n", out);
        for (uint32_t i = 0; i < cfg->connections; i++)
            write_played(out, &p[i], i + 1);
    }
    if (!verified)
        fputs("# NOT VERIFIED: even both sides scripted do not replay this recording as "
              "written\n", out);
}
