#include "explore_live.h"

#include "explore_proc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "live_book.h"
#include "net.h"

static void fail(struct wm_outcome *o, size_t lineno, const char *fmt, ...)
{
    va_list ap;
    o->failed = 1;
    o->v.kind = "live";
    o->v.conn = 1;
    o->v.lineno = lineno;
    va_start(ap, fmt);
    vsnprintf(o->v.msg, sizeof o->v.msg, fmt, ap);
    va_end(ap);
}

/* What the live server must do: the run in process, its errors seen as
 * closes. The logs stay, so the live server's records are placed as the
 * model places them wherever that is consistent (as a replay does). */
static struct wm_conn_log *model(const struct wm_cfg *cfg, char **text, size_t *len,
                                 struct wm_err *err)
{
    struct wm_exec_opts o;
    struct wm_conn_log *logs;
    wm_exec_opts_init(&o);
    o.transport = WM_TR_MEMORY;
    *text = NULL;
    if (wm_execute(cfg, NULL, &o, &logs, err) < 0)
        return NULL;
    wm_live_normalize(&logs[0].server);
    if (!(*text = wm_tx_render(cfg, logs, len))) {
        wm_err_set(err, "out of memory");
        wm_conn_logs_free(logs, 1);
        return NULL;
    }
    return logs;
}

/* Under a book profile, the server's silence after our last item is the
 * book's known hang when that item is a NUMBER after every value of the
 * game's range was guessed (live_book.h): expected, not a finding. */
static int book_hang(const struct wm_cfg *cfg, const struct wm_journal *ours,
                     const struct wm_journal *expect)
{
    char note[WM_ERR_MAX];
    uint64_t k = 0;
    if (!wm_profile_is_book(cfg->profile))
        return 0;
    for (size_t i = 0; i < ours->n; i++)
        k += wm_rec_is_wire((enum wm_rec_kind)ours->recs[i].kind);
    return wm_book_exhausted(ours, expect, k, note, sizeof note);
}

/* Our client against the live server, with its faults. *expected: set when
 * the server hung as the book's does (NULL returned, no error). */
static char *against(struct wm_live_target *lt, const struct wm_cfg *cfg,
                     const struct wm_journal *expect, int split, size_t *len, int *expected,
                     struct wm_err *err)
{
    *expected = 0;
    int fd = lt->open ? lt->open(lt->open_ctx, lt->addr, err) : wm_net_connect(lt->addr, err);
    if (fd < 0)
        return NULL;
    lt->made++;
    struct wm_conn_log *logs = wm_conn_logs_new(1, WM_DEFAULT_MAX_JOURNAL);
    struct wm_sess_client client;
    struct wm_endpoint ep;
    char *text = NULL;
    if (wm_sess_client_init(&client, cfg->profile, cfg->games, cfg->ngames, cfg->max_guesses) < 0) {
        wm_err_set(err, "out of memory");
        wm_conn_logs_free(logs, 1);
        close(fd);
        return NULL;
    }
    if (!logs || wm_ep_init(&ep, 'C', client.role, client.self, &logs[0].client, cfg->max_line,
                            WM_OUT_MAX) < 0) {
        wm_err_set(err, "out of memory");
        goto out_client;
    }
    struct wm_rng rng;
    uint32_t key[3] = {(uint32_t)cfg->seed, (uint32_t)(cfg->seed >> 32), 0x73706c74u};
    wm_rng_seed_words(&rng, key, 3);
    struct wm_live_verdict verdict = {.conn = 1};
    struct wm_live lv = {.local = &ep, .remote = &logs[0].server, .expect_remote = expect,
                         .fd = fd, .timeout_ms = lt->timeout_ms, .max_line = cfg->max_line,
                         .close_window_ms = lt->close_window_ms,
                         .verdict = &verdict, .split = split ? &rng : NULL};
    const struct wm_fault *slow = wm_cfg_fault(cfg, WM_FAULT_SLOW, 'C', 1);
    lv.read_max = slow ? 1 : 0;
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (wm_fault_at_byte(cfg->faults[i].kind) && cfg->faults[i].side == 'C')
            wm_ep_set_cut(&ep, cfg->faults[i].kind, cfg->faults[i].arg);
    if (wm_live_run(&lv, err) < 0) {
        *expected = book_hang(cfg, &logs[0].client, expect);
    } else {
        if (verdict.fault != WM_LIVE_OK)
            wm_err_set(err, "%s", verdict.why.msg);
        else if (!(text = wm_tx_render(cfg, logs, len)))
            wm_err_set(err, "out of memory");
    }
    wm_ep_free(&ep);
out_client:
    wm_sess_client_free(&client);
    wm_conn_logs_free(logs, 1);
    close(fd);
    return text;
}

/* After a reset nothing more is read, so only what our side could have seen
 * is compared: the records up to our close, less the server's lines after
 * our last line (replies we stopped reading before they came). */
static void cut_after_reset(char *text, size_t *len)
{
    char *close = strstr(text, "\nC! close\n");
    if (!close)
        return;
    close++;
    char *last = close; /* the start of our last record before the close */
    while (last > text) {
        char *prev = last - 1;
        while (prev > text && prev[-1] != '\n')
            prev--;
        last = prev;
        if (*last == 'C' || *last == '#')
            break;
    }
    char *from = strchr(last, '\n') + 1; /* drop the server's lines in between */
    size_t tail = strlen("C! close\n");
    memmove(from, close, tail);
    from[tail] = '\0';
    *len = (size_t)(from - text) + tail;
}

static size_t first_diff_line(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

/* One connection: the model's transcript and the live one must agree. */
static int one(struct wm_live_target *lt, const struct wm_cfg *cfg, int split,
               struct wm_outcome *o)
{
    struct wm_err err;
    size_t wlen, glen;
    char *want;
    struct wm_conn_log *mlogs = model(cfg, &want, &wlen, &err);
    if (!mlogs) {
        fail(o, 0, "the model could not run: %s", err.msg);
        return 0;
    }
    int expected;
    char *got = against(lt, cfg, &mlogs[0].server, split, &glen, &expected, &err);
    wm_conn_logs_free(mlogs, 1);
    if (!got && expected) {
        o->expected++; /* the book's hang: the connection owes nothing more */
    } else if (!got) {
        fail(o, 0, "against %s (connection %llu, seed %llu): %s", lt->shown ? lt->shown : lt->addr,
             (unsigned long long)lt->made, (unsigned long long)cfg->seed, err.msg);
        if (strstr(err.msg, "(--timeout)")) /* live.c's waits for the server, timed out */
            o->v.kind = "hang";
    } else {
        for (unsigned i = 0; i < cfg->nfaults; i++)
            if (cfg->faults[i].kind == WM_FAULT_RESET)
                cut_after_reset(want, &wlen), cut_after_reset(got, &glen);
        for (const char *p = got; (p = strstr(p, "\nS: ")) != NULL; p++)
            o->guesses++;
        if (wlen != glen || memcmp(want, got, wlen) != 0) {
            size_t line = first_diff_line(want, got);
            const char *w = want, *g = got;
            for (size_t k = 1; k < line; k++)
                w = strchr(w, '\n') + 1, g = strchr(g, '\n') + 1;
            fail(o, line, "the server (connection %llu, seed %llu) differs from the model at line "
                 "%zu: \"%.*s\", want \"%.*s\"", (unsigned long long)lt->made,
                 (unsigned long long)cfg->seed, line, (int)strcspn(g, "\n"), g,
                 (int)strcspn(w, "\n"), w);
        }
    }
    if (o->failed && !o->text) {
        o->text = want, o->len = wlen;
        o->actual = got, o->actual_len = got ? glen : 0;
        return 0;
    }
    free(got);
    free(want);
    return 0;
}

int wm_explore_live(void *target, const struct wm_scn *s, struct wm_outcome *o)
{
    struct wm_live_target *lt = target;
    return lt->proc ? wm_xproc_run(lt, s, o) : wm_explore_live_conn(lt, s, o);
}

int wm_explore_live_conn(struct wm_live_target *lt, const struct wm_scn *s, struct wm_outcome *o)
{
    struct wm_cfg cfg;
    struct wm_err err;
    memset(o, 0, sizeof *o);
    if (wm_scn_cfg(s, &cfg, &err) < 0) {
        fail(o, 0, "the scenario is not a valid run: %s", err.msg);
        return 0;
    }
    cfg.seed = lt->server_seed + lt->made; /* this connection's seed, at the live server */
    int destructive = 0;
    for (unsigned i = 0; i < cfg.nfaults; i++)
        destructive |= wm_fault_destructive(cfg.faults[i].kind);
    int split = (s->swarm & WM_SCN_SPLIT) != 0;
    int rc = one(lt, &cfg, split, o);
    if (rc == 0 && !o->failed && destructive) {
        /* The fault must have cost that connection only: a fresh one is
         * served the same games, without faults, as the model says. */
        cfg.nfaults = 0;
        cfg.seed = lt->server_seed + lt->made;
        rc = one(lt, &cfg, 0, o);
    }
    wm_cfg_free(&cfg);
    return rc;
}
