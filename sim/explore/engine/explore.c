#include "explore.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "drivers.h"
#include "explore_console.h"
#include "explore_mal.h"
#include "explore_rst.h"
#include "explore_sig.h"
#include "oracle.h"
#include "sig.h"

const struct wm_explore_budget wm_explore_default_budget = {
    WM_EXPLORE_MAX_STEPS, WM_EXPLORE_RUN_SECONDS, 1, 0, NULL};

void wm_outcome_free(struct wm_outcome *o)
{
    free(o->text);
    free(o->actual);
    free(o->console);
    o->text = o->actual = o->console = NULL;
}

static void fail(struct wm_outcome *o, const char *kind, size_t lineno, const char *fmt, ...)
{
    va_list ap;
    o->failed = 1;
    o->v.kind = kind;
    o->v.conn = 0;
    o->v.lineno = lineno;
    va_start(ap, fmt);
    vsnprintf(o->v.msg, sizeof o->v.msg, fmt, ap);
    va_end(ap);
}

/* Whether words (NUL-terminated, not empty) are in s (len bytes). */
static int says(const char *s, size_t len, const char *words)
{
    size_t wn = strlen(words);
    assert(wn > 0);
    for (const char *p = s, *end = s + len; (size_t)(end - p) >= wn; p++) {
        p = memchr(p, words[0], (size_t)(end - p) - (wn - 1));
        if (!p)
            return 0;
        if (memcmp(p, words, wn) == 0)
            return 1;
    }
    return 0;
}

/* 1 if no fault of cfg's plan can end a side (wm_fault_ends_side). */
static int no_side_ends(const struct wm_cfg *cfg)
{
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (wm_fault_ends_side(cfg->faults[i].kind))
            return 0;
    return 1;
}

static uint64_t alloc_fail_at(const struct wm_cfg *cfg)
{
    for (unsigned i = 0; i < cfg->nfaults; i++)
        if (cfg->faults[i].kind == WM_FAULT_ALLOC)
            return cfg->faults[i].arg;
    return 0;
}

/* cfg under setup u, as transcript text (and, collected, *console: its
 * console lines, when console is not NULL): 0, 1 a harness failure (err), -1 OOM.
 * Under the simulator (one thread) the run's allocations are counted from
 * wm_execute to the last free: *leaked gets what did not come back, and an
 * alloc-fail plan's refusal in *refused_at (the call refused first, 0: none). */
static int execute_text(const struct wm_cfg *base, const struct wm_scn_setup *u,
                        const struct wm_explore_budget *b, int written,
                        char **text, size_t *len, char **console, size_t *clen,
                        struct wm_err *err, int64_t *leaked, uint64_t *refused_at)
{
    struct wm_cfg cfg = *base; /* shares the games */
    struct wm_exec_opts o;
    struct wm_conn_log *logs;
    struct wm_alloc_counter count = {.fail_at = alloc_fail_at(base)};
    int counting = u->driver == WM_DRV_SIM;
    cfg.chunking = u->chunking;
    wm_exec_opts_init(&o);
    o.driver = u->driver;
    o.transport = u->transport;
    o.max_steps = b->max_steps;
    *text = NULL;
    *leaked = 0;
    *refused_at = 0;
    FILE *f = written ? open_memstream(text, len) : NULL;
    if (written && !f)
        return -1;
    if (counting)
        wm_alloc_install(&count);
    int rc;
    if (written) { /* as `warmer run` writes it: records leave as they settle */
        int saw_error;
        rc = wm_execute_write(&cfg, &o, 0, f, &saw_error, err) < 0 ? 1 : 0;
        if (fclose(f) != 0) {
            free(*text);
            *text = NULL;
            rc = 1;
            wm_err_set(err, "out of memory for the written transcript");
        }
        if (rc != 0) {
            free(*text);
            *text = NULL;
        }
    } else if ((rc = wm_execute(&cfg, NULL, &o, &logs, err) < 0 ? 1 : 0) == 0) {
        *text = wm_tx_render(base, logs, len); /* the header of the file, whatever u */
        if (console && *text && !(*console = wm_explore_console(base, logs, clen))) {
            free(*text);
            *text = NULL;
        }
        wm_conn_logs_free(logs, cfg.connections);
        if (!*text) {
            wm_err_set(err, "the journals did not merge");
            rc = 1;
        }
    }
    if (counting) {
        wm_alloc_install(NULL);
        *leaked = count.live;
        *refused_at = count.refused_at;
    }
    return rc;
}

static void setup_words(const struct wm_scn_setup *u, char *buf, size_t size)
{
    snprintf(buf, size, "--driver %s --transport %s%s", wm_driver_name(u->driver),
             wm_transport_name(u->transport), u->chunking ? " --chunking" : "");
}

/* First line where a and b differ, from 1, and each one's text there. */
static size_t first_diff(const char *a, size_t alen, const char *b, size_t blen, char *wa,
                         char *wb, size_t size)
{
    size_t line = 1, i = 0, start = 0;
    while (i < alen && i < blen && a[i] == b[i]) {
        if (a[i] == '\n')
            line++, start = i + 1;
        i++;
    }
    const char *ea = memchr(a + start, '\n', alen - start), *eb = memchr(b + start, '\n', blen - start);
    snprintf(wa, size, "%.*s", (int)((ea ? ea : a + alen) - (a + start)), a + start);
    snprintf(wb, size, "%.*s", (int)((eb ? eb : b + blen) - (b + start)), b + start);
    return line;
}

static uint64_t count_guesses(const char *t, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == 'S' && (i == 0 || t[i - 1] == '\n')) {
            size_t j = i + 1;
            while (j < n && t[j] >= '0' && t[j] <= '9')
                j++;
            k += j < n && t[j] == ':';
        }
    return k;
}

static int check_written(const struct wm_cfg *cfg, const struct wm_scn_setup *u,
                         const struct wm_explore_budget *b, struct wm_outcome *o);

/* One setup against a reference text (NULL for the first): invariants,
 * then byte equality. 0 done (o->failed says how), -1 out of memory. */
static int check_setup(const struct wm_cfg *cfg, const struct wm_scn_setup *u,
                       const struct wm_explore_budget *b, struct wm_outcome *o, const char *ref,
                       size_t ref_len)
{
    struct wm_err err;
    char *text, *console = NULL;
    size_t len, clen = 0;
    char how[96];
    int64_t leaked;
    uint64_t refused_at;
    setup_words(u, how, sizeof how);
    int ran = execute_text(cfg, u, b, 0, &text, &len, ref ? NULL : &console, &clen, &err,
                           &leaked, &refused_at);
    int refused = refused_at != 0;
    if (ran != 0 || refused) { /* a run cut short: no console to hold it to */
        free(console);
        console = NULL;
        clen = 0;
    }
    if (refused && refused_at != alloc_fail_at(cfg)) {
        /* the injector itself: a plan refuses its own allocation, no other */
        free(text);
        free(console);
        fail(o, "fault", 0, "alloc-fail at %llu refused allocation %llu first (%s)",
             (unsigned long long)alloc_fail_at(cfg), (unsigned long long)refused_at, how);
        return 0;
    }
    if (refused && ran == 0 && no_side_ends(cfg) && !says(text, len, "out of memory")) {
        /* a refusal is an error that names it (the run's, or a side's
         * record): one the code swallowed went on as if it had memory.
         * Only where no other fault of the plan can end a side first (a
         * cut, a stall, a full journal), which drops what it says after */
        free(text);
        free(console);
        fail(o, "fault", 0, "alloc-fail at %llu refused an allocation and the run went on without "
             "an out-of-memory error (%s)", (unsigned long long)alloc_fail_at(cfg), how);
        return 0;
    }
    if (leaked != 0) {
        free(text);
        free(console);
        fail(o, "leak", 0, "%lld block(s) not freed after the run (%s)%s", (long long)leaked, how,
             ran ? ", which failed" : "");
        return 0;
    }
    if (ran != 0 && refused && strstr(err.msg, "out of memory")) {
        /* The planned refusal ended the run, as documented: what must agree
         * with the differential run is how. */
        FILE *f = open_memstream(&text, &len);
        if (!f)
            return -1;
        fprintf(f, "# the run stopped: %s\n", err.msg);
        if (fclose(f) != 0)
            return -1;
        ran = 0;
        if (!ref) {
            o->text = text, o->len = len;
            return 0;
        }
    } else if (ran != 0 && strstr(err.msg, "scheduler steps (--max-steps)")) {
        /* the simulator's step budget: the watchdog's other half (time is
         * explore_child.c's) */
        fail(o, "hang", 0, "the run was still going after %llu scheduler steps (--max-steps, %s)",
             (unsigned long long)b->max_steps, how);
        return 0;
    } else if (ran != 0) {
        fail(o, "run", 0, "the run failed (%s): %s", how, err.msg);
        return 0;
    }
    if (!ref) {
        o->text = text, o->len = len;
        o->console = console, o->console_len = clen;
        o->guesses = count_guesses(text, len);
        int rc = wm_inv_check(text, len, &o->v);
        if (rc == 0) /* then the exact oracle: every guess, judgement, console line */
            rc = wm_oracle_check(text, len, console, clen, &o->v);
        o->failed = rc != 0;
        if (!o->failed && u->driver == WM_DRV_SIM && !refused)
            return check_written(cfg, u, b, o);
        return 0;
    }
    if (len != ref_len || memcmp(text, ref, len) != 0) {
        struct wm_violation v;
        if (wm_inv_check(text, len, &v) != 0) {
            /* The setup that differs breaks an invariant: that is the
             * finding, whichever setup went first (a run's first is its
             * own, --replay's is sim's), so its file replays the same way. */
            free(o->text);
            free(o->console);
            o->console = NULL, o->console_len = 0;
            o->text = text, o->len = len;
            o->failed = 1;
            o->v = v;
            return 0;
        }
        char wa[200], wb[200];
        size_t line = first_diff(ref, ref_len, text, len, wa, wb, sizeof wa);
        fail(o, "differential", line, "with %s, line %zu is \"%s\", not \"%s\"", how, line, wb,
             wa);
    }
    free(text);
    return 0;
}

/* The text after the header (the written run's header is the run's own). */
static const char *body(const char *t, size_t len, size_t *lines)
{
    const char *p = t, *end = t + len;
    *lines = 0;
    while (p < end && *p == '#') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
        ++*lines;
    }
    return p;
}

/* The reference run again, written as it settles (stream.h) as `warmer run`
 * does: the records must come out in the order the collected run merged. */
static int check_written(const struct wm_cfg *cfg, const struct wm_scn_setup *u,
                         const struct wm_explore_budget *budget, struct wm_outcome *o)
{
    struct wm_err err;
    char *text, how[96];
    size_t len, skip_a, skip_b;
    int64_t leaked;
    uint64_t refused_at;
    setup_words(u, how, sizeof how);
    int ran = execute_text(cfg, u, budget, 1, &text, &len, NULL, NULL, &err, &leaked, &refused_at);
    if (ran < 0)
        return -1;
    if (ran != 0 || leaked != 0) {
        free(text);
        fail(o, "written", 0, "the run written as it settles (%s) %s", how,
             ran ? err.msg : "did not free everything");
        return 0;
    }
    const char *a = body(o->text, o->len, &skip_a), *b = body(text, len, &skip_b);
    size_t alen = o->len - (size_t)(a - o->text), blen = len - (size_t)(b - text);
    if (alen != blen || memcmp(a, b, alen) != 0) {
        char wa[200], wb[200];
        size_t line = first_diff(a, alen, b, blen, wa, wb, sizeof wa) + skip_a;
        fail(o, "written", line, "written as it settles (%s), line %zu is \"%s\", not \"%s\"",
             how, line, wb, wa);
    }
    free(text);
    return 0;
}

int wm_explore_check_cfg(const struct wm_cfg *cfg, const struct wm_scn_setup *run,
                         const struct wm_scn_setup *other, const struct wm_explore_budget *b,
                         struct wm_outcome *o)
{
    int rc = check_setup(cfg, run, b, o, NULL, 0);
    if (rc == 0 && !o->failed)
        rc = check_setup(cfg, other, b, o, o->text, o->len);
    return rc;
}

int wm_explore_run(const struct wm_scn *s, const struct wm_explore_budget *b, struct wm_outcome *o)
{
    if (!b)
        b = &wm_explore_default_budget;
    struct wm_cfg cfg;
    struct wm_err err;
    memset(o, 0, sizeof *o);
    if (wm_scn_cfg(s, &cfg, &err) < 0) {
        fail(o, "run", 0, "the scenario is not a valid run: %s", err.msg);
        return 0;
    }
    int rc = wm_explore_check_cfg(&cfg, &s->run, &s->other, b, o);
    if (rc == 0 && !o->failed) /* then a client's reset, if it draws one (o->text unchanged) */
        rc = wm_explore_rst(s, b, o);
    if (rc == 0 && !o->failed) /* then its malformed line, if it has one */
        rc = wm_explore_mal(s, b, o);
    wm_cfg_free(&cfg);
    return rc;
}

static int run_in_child(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    return wm_explore_run_isolated(s, ctx, o); /* so a crash shrinks like any finding */
}

unsigned wm_explore_shrink(struct wm_scn *s, struct wm_outcome *o, wm_scn_runner run, void *ctx)
{
    return wm_explore_shrink_n(s, o, run, ctx, WM_SHRINK_MAX_RUNS);
}

unsigned wm_explore_shrink_n(struct wm_scn *s, struct wm_outcome *o, wm_scn_runner run, void *ctx,
                             unsigned max)
{
    if (!run)
        run = run_in_child;
    /* The finding's signature, kind and place (explore_sig.h): a step that
     * fails another way counts as passing, so the shrink never slips from
     * the bug found to another one. */
    char want[WM_XSIG_MAX], got[WM_XSIG_MAX];
    wm_xsig_of(o, want, sizeof want);
    unsigned spent = 0;
    for (unsigned i = 0; spent < max && !wm_sig_caught();) {
        struct wm_scn cand;
        if (!wm_scn_smaller(s, i++, &cand))
            break;
        if (!wm_scn_less(&cand, s))
            continue;
        struct wm_outcome co;
        spent++;
        int same = run(ctx, &cand, &co) == 0 && co.failed;
        if (same) {
            wm_xsig_of(&co, got, sizeof got);
            same = strcmp(got, want) == 0;
        }
        if (same) {
            *s = cand;
            wm_outcome_free(o);
            *o = co;
            i = 0; /* from the top: a smaller case opens new steps */
            continue;
        }
        wm_outcome_free(&co);
    }
    /* *o is still a failure of the signature found: the shrink never slips */
    wm_xsig_of(o, got, sizeof got);
    assert(spent <= max && strcmp(got, want) == 0);
    return spent;
}

unsigned wm_explore_rerun(const struct wm_scn *s, const char *sig, unsigned n, wm_scn_runner run,
                          void *ctx, unsigned *ran)
{
    char got[WM_XSIG_MAX];
    unsigned failed = 0;
    if (!run)
        run = run_in_child;
    for (*ran = 0; *ran < n && !wm_sig_caught(); ++*ran) {
        struct wm_outcome o;
        if (run(ctx, s, &o) < 0)
            break;
        if (o.failed) {
            wm_xsig_of(&o, got, sizeof got);
            failed += strcmp(got, sig) == 0;
        }
        wm_outcome_free(&o);
    }
    return failed;
}

int wm_explore_replay(const struct wm_cfg *cfg, const struct wm_explore_budget *b,
                      struct wm_outcome *o)
{
    if (!b)
        b = &wm_explore_default_budget;
    memset(o, 0, sizeof *o);
    for (int d = WM_DRV_SIM; d <= WM_DRV_EVENTS; d++) {
        if (d == WM_DRV_THREADS && cfg->connections > WM_THREADS_MAX_CONNECTIONS)
            continue;
        if (d != WM_DRV_SIM && cfg->nfaults > 0) /* the simulator carries faults out */
            continue;
        for (int t = WM_TR_SOCKETPAIR; t <= WM_TR_MEMORY; t++)
            for (int c = 0; c < 2; c++) {
                struct wm_scn_setup u = {(enum wm_driver)d, (enum wm_transport_kind)t, c};
                if (check_setup(cfg, &u, b, o, o->text, o->len) < 0)
                    return -1;
                if (o->failed)
                    return 0;
            }
    }
    return 0;
}

void wm_explore_slice_shard(struct wm_explore_slice *s, uint64_t runs, unsigned k, unsigned n)
{
    s->first = k - 1u;
    s->step = n;
    /* the i < runs with i = first (mod n); no overflow: first < runs */
    s->count = runs > s->first ? (runs - s->first - 1) / n + 1 : 0;
}

uint64_t wm_explore_slice_run(const struct wm_explore_slice *s, uint64_t j)
{
    return s->first + j * s->step;
}
