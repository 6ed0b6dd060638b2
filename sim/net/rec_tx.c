/* A recording's transcript: inferred games, verified header (rec_tx.h). */
#include "rec_tx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "msg.h"

void wm_rec_played_free(struct wm_rec_played *p)
{
    free(p->games);
    *p = (struct wm_rec_played){0};
}

static struct wm_rec_game *new_game(struct wm_rec_played *p, int64_t lo, int64_t hi)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        struct wm_rec_game *ng = realloc(p->games, cap * sizeof *ng);
        if (!ng)
            return NULL;
        p->games = ng;
        p->cap = cap;
    }
    struct wm_rec_game *g = &p->games[p->n++];
    *g = (struct wm_rec_game){.g = {lo, hi, 0, 0}};
    return g;
}

/* The server's next line record at or after *at (the answer to a NUMBER). */
static const struct wm_rec *next_server_line(const struct wm_journal *s, size_t *at)
{
    while (*at < s->n && s->recs[*at].kind != WM_REC_LINE)
        (*at)++;
    return *at < s->n ? &s->recs[(*at)++] : NULL;
}

int wm_rec_infer(const struct wm_conn_log *log, struct wm_rec_played *p)
{
    const struct wm_journal *c = &log->client, *s = &log->server;
    struct wm_rec_game *cur = NULL; /* the game in play */
    const struct wm_rec *guess = NULL; /* the answer to its last NUMBER */
    size_t at = 0;
    *p = (struct wm_rec_played){.regular = 1};
    for (size_t i = 0; i < c->n; i++) {
        const struct wm_rec *r = &c->recs[i];
        struct wm_msg m;
        struct wm_err e;
        if (r->kind == WM_REC_PARTIAL)
            p->regular = 0;
        if (r->kind != WM_REC_LINE)
            continue;
        if (wm_msg_parse(wm_rec_text(c, r), r->len, &m, &e) < 0 || m.type == WM_MSG_EMPTY) {
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
            guess = NULL;
        } else if (m.type == WM_MSG_NUMBER) {
            guess = next_server_line(s, &at); /* the k-th guess answers the k-th NUMBER */
            if (!cur || cur->known) { /* a client stops asking at Correct */
                p->regular = 0;
                continue;
            }
            cur->g.count++;
        } else if (m.decision == WM_CORRECT) {
            if (!cur || !guess || cur->known ||
                wm_int64_parse(wm_rec_text(s, guess), guess->len, &cur->g.secret) < 0) {
                p->regular = 0;
                continue;
            }
            cur->known = 1;
        }
    }
    p->regular &= cur == NULL;
    return 0;
}

/* ---- canonical causes ---- */

struct canon_ctx {
    struct wm_conn_log *to;
    uint64_t wire[2]; /* client, server wire records so far */
};

static int canon_one(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct canon_ctx *k = ctx;
    int me = side == 'S';
    struct wm_journal *to = me ? &k->to->server : &k->to->client;
    if (wm_journal_add(to, (enum wm_rec_kind)r->kind, k->wire[!me], wm_rec_text(j, r), r->len) < 0)
        return 1;
    k->wire[me] += wm_rec_is_wire((enum wm_rec_kind)r->kind);
    return 0;
}

struct wm_conn_log *wm_rec_canonical(const struct wm_conn_log *logs, uint32_t n)
{
    struct wm_conn_log *to = wm_conn_logs_new(n, SIZE_MAX);
    for (uint32_t i = 0; to && i < n; i++) {
        struct canon_ctx k = {&to[i], {0, 0}};
        if (wm_merge(&logs[i].client, &logs[i].server, canon_one, &k) != 0) {
            wm_conn_logs_free(to, n);
            return NULL;
        }
    }
    return to;
}

/* ---- verification ---- */

/* 1 if running cfg (scripts from t) renders exactly as the recording. */
static int reproduces(const struct wm_cfg *cfg, const struct wm_transcript *t, size_t max_journal,
                      const char *want, size_t want_size)
{
    struct wm_exec_opts eo;
    struct wm_conn_log *got;
    struct wm_err err;
    wm_exec_opts_init(&eo);
    eo.max_journal = max_journal;
    eo.skip_logs = 1; /* compared as a transcript, which shows none */
    if (wm_execute(cfg, t, &eo, &got, &err) < 0)
        return 0;
    size_t size = 0;
    char *text = wm_tx_render(cfg, got, &size);
    int same = text && size == want_size && memcmp(text, want, size) == 0;
    free(text);
    wm_conn_logs_free(got, cfg->connections);
    return same;
}

/* ---- why the server side is scripted ---- */

/* The i-th wire record of j (logs skipped), or NULL. */
static const struct wm_rec *wire_rec(const struct wm_journal *j, size_t *at)
{
    while (*at < j->n && j->recs[*at].kind == WM_REC_LOG)
        (*at)++;
    return *at < j->n ? &j->recs[(*at)++] : NULL;
}

static int same_rec(const struct wm_journal *a, const struct wm_rec *x, const struct wm_journal *b,
                    const struct wm_rec *y)
{
    return x && y && x->kind == y->kind && x->len == y->len &&
           memcmp(wm_rec_text(a, x), wm_rec_text(b, y), x->len) == 0;
}

/* With the client side played as recorded, what the server from the seed
 * did differently from the live one, said in why: the first differing
 * server record, or, when every server record is the same, the order. */
static void server_reason(const struct wm_cfg *cfg, const struct wm_transcript *t,
                          size_t max_journal, char *why, size_t size)
{
    static const char *const kind[] = {"line", "partial", "close", "error", "log"};
    struct wm_cfg c = *cfg;
    struct wm_exec_opts eo;
    struct wm_conn_log *got;
    struct wm_err err;
    c.client_script = 1;
    c.server_script = 0;
    wm_exec_opts_init(&eo);
    eo.max_journal = max_journal;
    snprintf(why, size, "its re-run failed");
    if (wm_execute(&c, t, &eo, &got, &err) < 0)
        return;
    snprintf(why, size, "it gives the same records, but not in the order seen: the client sent "
             "on before the replies to its earlier lines came back, and a re-run's server "
             "answers each line before it reads the next");
    for (uint32_t i = 0; i < c.connections; i++) {
        const struct wm_journal *want = &t->conns[i].server, *ran = &got[i].server;
        size_t a = 0, b = 0;
        for (size_t k = 1;; k++) {
            const struct wm_rec *x = wire_rec(want, &a), *y = wire_rec(ran, &b);
            if (!x && !y)
                break;
            if (same_rec(want, x, ran, y))
                continue;
            if (y && y->kind == WM_REC_ERROR && (!x || x->kind == WM_REC_CLOSE))
                snprintf(why, size, "a re-run's server ends connection %u with an error, which "
                         "a live server shows only as its close", i + 1);
            else {
                struct wm_quoted qy, qx;
                snprintf(why, size, "connection %u's server record %zu is %s %s in a re-run, "
                         "%s %s in the recording", i + 1, k, y ? kind[y->kind] : "missing",
                         y ? wm_quote(&qy, wm_rec_text(ran, y), y->len) : "",
                         x ? kind[x->kind] : "missing",
                         x ? wm_quote(&qx, wm_rec_text(want, x), x->len) : "");
            }
            wm_conn_logs_free(got, c.connections);
            return;
        }
    }
    wm_conn_logs_free(got, c.connections);
}

/* 1 if every connection played the same games, each with a known secret. */
static int same_known_games(const struct wm_rec_played *p, uint32_t n)
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

static void write_played(FILE *out, const struct wm_rec_played *p, uint32_t conn)
{
    size_t shown = WM_REC_GAMES_PER_LINE * WM_REC_GAME_LINES;
    if (p->n == 0)
        fprintf(out, "# played on connection %u: no game%s\n", conn,
                p->regular ? "" : " (and lines that are not games)");
    for (size_t k = 0; k < p->n && k < shown; k += WM_REC_GAMES_PER_LINE) {
        fprintf(out, "# played on connection %u:", conn);
        for (size_t i = k; i < p->n && i < k + WM_REC_GAMES_PER_LINE; i++) {
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

struct write_ctx {
    FILE *out;
    unsigned label;
};

static int write_one(void *ctx, char side, const struct wm_journal *j, const struct wm_rec *r)
{
    struct write_ctx *w = ctx;
    if (r->kind != WM_REC_LOG)
        wm_tx_write_record(w->out, w->label, side, (enum wm_rec_kind)r->kind, wm_rec_text(j, r),
                           r->len);
    return 0;
}

/* The header, the comments a reader needs, then every record. */
static void write_file(FILE *out, const struct wm_cfg *cfg, const struct wm_rec_tx_opts *o,
                       const struct wm_conn_log *logs, const struct wm_rec_played *p,
                       int seed_ok, int verified, const char *server_why)
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
    for (uint32_t i = 0; i < cfg->connections; i++) {
        struct write_ctx w = {out, cfg->connections > 1 ? i + 1 : 0};
        wm_merge(&logs[i].client, &logs[i].server, write_one, &w);
    }
}

int wm_rec_write(FILE *out, const struct wm_rec_tx_opts *o, const struct wm_conn_log *logs,
                 uint32_t n, struct wm_rec_verdict *v, struct wm_err *err)
{
    struct wm_conn_log *canon = wm_rec_canonical(logs, n);
    struct wm_rec_played *p = calloc(n, sizeof *p);
    struct wm_cfg cfg;
    char *want = NULL;
    size_t want_size = 0;
    int rc = -1;
    wm_cfg_init(&cfg);
    *v = (struct wm_rec_verdict){0};
    if (!canon || !p) {
        wm_err_set(err, canon ? "out of memory" : "inconsistent record order (a bug)");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        if (wm_rec_infer(&canon[i], &p[i]) < 0) {
            wm_err_set(err, "out of memory");
            goto out;
        }
    cfg.connections = n;
    cfg.max_line = o->max_line;
    cfg.seed = o->have_seed ? o->seed : 0;
    int seed_ok = o->have_seed && o->seed <= UINT64_MAX - (n - 1);
    int games_ok = same_known_games(p, n);
    for (size_t k = 0; games_ok && k < p[0].n; k++)
        games_ok = wm_cfg_add_game(&cfg, &p[0].games[k].g, err) == 0;
    if (!games_ok)
        wm_cfg_free(&cfg);
    /* The recording as the written file will read (scripts play these). */
    struct wm_transcript t = {cfg, canon};
    static const int tries[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    v->client_script = v->server_script = 1;
    for (int i = 0; i < 4 && !v->verified; i++) {
        cfg.client_script = tries[i][0];
        cfg.server_script = tries[i][1];
        if ((!cfg.client_script && !games_ok) || (!cfg.server_script && !seed_ok))
            continue;
        free(want);
        if (!(want = wm_tx_render(&cfg, canon, &want_size))) {
            wm_err_set(err, "out of memory rendering the recording");
            goto out;
        }
        if (reproduces(&cfg, &t, o->max_journal, want, want_size)) {
            v->client_script = cfg.client_script;
            v->server_script = cfg.server_script;
            v->verified = 1;
        }
    }
    cfg.client_script = v->client_script;
    cfg.server_script = v->server_script;
    char server_why[256] = "";
    if (seed_ok && cfg.server_script)
        server_reason(&cfg, &t, o->max_journal, server_why, sizeof server_why);
    write_file(out, &cfg, o, canon, p, seed_ok, v->verified, server_why);
    rc = 0;
out:
    free(want);
    for (uint32_t i = 0; p && i < n; i++)
        wm_rec_played_free(&p[i]);
    free(p);
    wm_conn_logs_free(canon, n);
    wm_cfg_free(&cfg);
    return rc;
}
