#include "cli.h"

#include <assert.h>
#include <string.h>

#include "live.h"
#include "msg.h"
#include "tmpfile.h"

static const char *const driver_names[] = {"sim", "threads", "events"};

int wm_opt_run(struct wm_args *a, struct wm_run_args *r, const struct wm_optval *o)
{
    struct wm_cfg *cfg = o->id >= WM_OPT_SEED && o->id <= WM_OPT_PROFILE ? r->cfg : NULL;
    int is_exec = o->id >= WM_OPT_DRIVER && o->id <= WM_OPT_MAX_RUN_MEMORY;
    struct wm_exec_opts *x = is_exec ? r->exec : NULL;
    struct wm_err e;
    uint64_t n;
    if (!cfg && !x && !(o->id == WM_OPT_TIMEOUT && r->timeout_ms)) {
        wm_usage_error(a, "internal error: %s has nowhere to go", o->name);
        return -1;
    }
    switch (o->id) {
    case WM_OPT_SEED:
        return wm_opt_range(a, o, 0, UINT64_MAX, &cfg->seed);
    case WM_OPT_GAME: /* beyond int64: wm_cfg_validate takes or refuses it, by --profile */
        if (wm_cfg_add_game_text(cfg, o->val, strlen(o->val), &e) < 0)
            return wm_usage_error(a, "%s", e.msg), -1;
        return 0;
    case WM_OPT_PROFILE:
        return wm_opt_profile(a, o, &cfg->profile);
    case WM_OPT_CONNECTIONS:
        if (wm_opt_range(a, o, 1, WM_MAX_CONNECTIONS, &n) < 0)
            return -1;
        cfg->connections = (uint32_t)n;
        return 0;
    case WM_OPT_MAX_LINE:
        if (wm_opt_range(a, o, 1, WM_MAX_LINE_LIMIT, &n) < 0)
            return -1;
        cfg->max_line = (size_t)n;
        return 0;
    case WM_OPT_MAX_GUESSES:
        if (wm_opt_range(a, o, 1, WM_MAX_GUESSES_LIMIT, &n) < 0)
            return -1;
        cfg->max_guesses = (size_t)n;
        return 0;
    case WM_OPT_CHUNKING:
        cfg->chunking = 1;
        r->sim_only = r->sim_only ? r->sim_only : "--chunking";
        return 0;
    case WM_OPT_FAULT: {
        struct wm_fault f;
        if (wm_fault_parse(o->val, strlen(o->val), &f, &e) < 0 || wm_cfg_add_fault(cfg, &f, &e) < 0)
            return wm_usage_error(a, "%s", e.msg), -1;
        return 0;
    }
    case WM_OPT_DRIVER:
        for (int d = WM_DRV_SIM; d <= WM_DRV_EVENTS; d++)
            if (strcmp(o->val, driver_names[d]) == 0) {
                x->driver = (enum wm_driver)d;
                return 0;
            }
        return wm_usage_error(a, "%s wants sim, threads or events, got \"%s\"", o->name, o->val), -1;
    case WM_OPT_TRANSPORT:
        if (strcmp(o->val, "socketpair") == 0)
            x->transport = WM_TR_SOCKETPAIR;
        else if (strcmp(o->val, "memory") == 0)
            x->transport = WM_TR_MEMORY;
        else
            return wm_usage_error(a, "%s wants socketpair or memory, got \"%s\"", o->name,
                                  o->val), -1;
        r->sim_only = r->sim_only ? r->sim_only : "--transport";
        return 0;
    case WM_OPT_MAX_STEPS:
        r->sim_only = r->sim_only ? r->sim_only : "--max-steps";
        return wm_opt_range(a, o, 0, UINT64_MAX, &x->max_steps);
    case WM_OPT_MAX_JOURNAL:
        if (wm_opt_range(a, o, 0, SIZE_MAX, &n) < 0)
            return -1;
        x->max_journal = (size_t)n;
        return 0;
    case WM_OPT_MAX_RUN_MEMORY:
        if (wm_opt_range(a, o, 1, SIZE_MAX, &n) < 0)
            return -1;
        x->max_run_memory = (size_t)n;
        return 0;
    case WM_OPT_TIMEOUT:
        return wm_opt_seconds(a, o, r->timeout_ms);
    }
    wm_usage_error(a, "internal error: %s is not a shared option", o->name);
    return -1;
}

int wm_run_args_check(struct wm_args *a, const struct wm_run_args *r)
{
    if (r->exec && r->exec->driver != WM_DRV_SIM && r->sim_only) {
        wm_usage_error(a, "%s is the simulator's: it has no say under --driver %s", r->sim_only,
                       driver_names[r->exec->driver]);
        return -1;
    }
    return 0;
}

int wm_opt_profile(struct wm_args *a, const struct wm_optval *o, enum wm_profile *p)
{
    if (wm_profile_parse(o->val, strlen(o->val), p) == 0)
        return 0;
    wm_usage_error(a, "%s wants " WM_PROFILE_NAMES ", got \"%s\"", o->name, o->val);
    return -1;
}

int wm_opt_jobs(struct wm_args *a, const struct wm_optval *o, unsigned *jobs)
{
    uint64_t n;
    if (wm_opt_range(a, o, 1, WM_JOBS_MAX, &n) < 0)
        return -1;
    *jobs = (unsigned)n;
    return 0;
}

int wm_opt_close_window(struct wm_args *a, const struct wm_optval *o, int *ms)
{
    int64_t t;
    if (wm_opt_seconds_in(a, o, 1, WM_CLOSE_WINDOW_MAX_MS, &t) < 0)
        return -1;
    *ms = (int)t;
    return 0;
}

int wm_opt_suite(struct wm_args *a, struct wm_suite_opts *s, const struct wm_optval *o)
{
    switch (o->id) {
    case WM_OPT_SHARD:
        if (wm_suite_parse_shard(o->val, s) == 0)
            return 0;
        wm_usage_error(a, "%s wants K/N with 1 <= K <= N <= %d, got \"%s\"", o->name,
                       WM_SHARD_MAX, o->val);
        return -1;
    case WM_OPT_JUNIT:
        s->junit_path = o->val;
        return 0;
    case WM_OPT_JSON:
        s->json_path = o->val;
        return 0;
    case WM_OPT_HTML: /* stdout carries the cases; a page read there helps no one */
        if (strcmp(o->val, "-") == 0)
            return wm_usage_error(a, "%s wants a file: the page cannot go to stdout", o->name),
                   -1;
        s->html_path = o->val;
        s->argc = a->argc;
        s->argv = a->argv;
        return 0;
    case WM_OPT_COLOR:
        if (wm_suite_parse_color(o->val, &s->color) == 0)
            return 0;
        wm_usage_error(a, "%s wants auto, always or never, got \"%s\"", o->name, o->val);
        return -1;
    case WM_OPT_PROGRESS: {
        int64_t ms;
        if (wm_opt_seconds_in(a, o, 1, WM_OPT_SECONDS_MAX_MS, &ms) < 0)
            return -1;
        s->progress_ms = (int)ms;
        return 0;
    }
    case WM_OPT_DURATIONS: {
        uint64_t n;
        if (wm_opt_range(a, o, 0, WM_DURATIONS_MAX, &n) < 0)
            return -1;
        s->durations = (long)n;
        return 0;
    }
    case WM_OPT_TAP:
        s->tap = 1;
        return 0;
    default:
        return wm_opt_select(a, &s->sel, o);
    }
}

int wm_opt_select(struct wm_args *a, struct wm_select *s, const struct wm_optval *o)
{
    struct wm_err err;
    switch (o->id) {
    case WM_OPT_KEYWORD:
        if (wm_select_add_key(s, o->val, &err) == 0)
            return 0;
        wm_usage_error(a, "%s", err.msg);
        return -1;
    case WM_OPT_LAST_FAILED:
        s->last_failed = 1;
        return 0;
    case WM_OPT_CACHE_DIR:
        if (!*o->val) {
            wm_usage_error(a, "%s wants a directory, got \"\"", o->name);
            return -1;
        }
        s->cache_dir = o->val;
        return 0;
    default:
        assert(o->id == WM_OPT_NO_CACHE);
        s->no_cache = 1;
        return 0;
    }
}

int wm_select_args_check(struct wm_args *a, const struct wm_select *s)
{
    if (s->no_cache && (s->last_failed || s->cache_dir))
        return wm_usage_error(a, "--no-cache leaves the cache alone: it takes no %s",
                              s->last_failed ? "--last-failed" : "--cache-dir"), -1;
    return 0;
}

int wm_tmp_required(const struct wm_args *a)
{
    struct wm_err err;
    if (wm_tmp_check(&err) == 0)
        return 0;
    fprintf(stderr, "%s: %s (runs spool there: set TMPDIR to a writable directory)\n", a->cmd,
            err.msg);
    return -1;
}

int wm_suite_files(const struct wm_args *a, struct wm_files *files, struct wm_suite_opts *so,
                   const char *cache_cmd, int report)
{
    struct wm_err err;
    if (wm_files_collect(files, a->ops, (size_t)a->nops, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    int rc = 0;
    if (wm_suite_select(files, so, a->cmd, cache_cmd, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        rc = WM_EXIT_USAGE;
    } else if (wm_tmp_required(a) < 0) {
        rc = WM_EXIT_ENV;
    } else if (report && wm_suite_stdout_report(so, &err) < 0) {
        rc = wm_usage_error(a, "%s", err.msg);
    }
    if (rc != 0)
        wm_files_free(files);
    return rc;
}

void wm_exec_opts_string(const struct wm_exec_opts *o, char *buf, size_t size)
{
    struct wm_exec_opts def;
    size_t n = 0;
    wm_exec_opts_init(&def);
    buf[0] = '\0';
    if (o->driver != def.driver)
        n += (size_t)snprintf(buf + n, size - n, " --driver %s", driver_names[o->driver]);
    if (n < size && o->transport != def.transport)
        n += (size_t)snprintf(buf + n, size - n, " --transport memory");
    if (n < size && o->max_steps != def.max_steps)
        n += (size_t)snprintf(buf + n, size - n, " --max-steps %llu",
                              (unsigned long long)o->max_steps);
    if (n < size && o->max_journal != def.max_journal)
        n += (size_t)snprintf(buf + n, size - n, " --max-journal %zu", o->max_journal);
    if (n < size && o->max_run_memory != def.max_run_memory)
        snprintf(buf + n, size - n, " --max-run-memory %zu", o->max_run_memory);
}

void wm_print_run_command(FILE *out, const char *prog, const struct wm_cfg *cfg,
                          const struct wm_exec_opts *o)
{
    fprintf(out, "%s run --seed %llu", prog, (unsigned long long)cfg->seed);
    if (cfg->profile != WM_PROFILE_STRICT)
        fprintf(out, " --profile %s", wm_profile_name(cfg->profile));
    for (size_t i = 0; i < cfg->ngames; i++) {
        fputs(" --game ", out);
        wm_game_print(out, &cfg->games[i]);
    }
    if (cfg->connections != 1)
        fprintf(out, " --connections %u", cfg->connections);
    if (cfg->max_line != WM_LINE_MAX_DEFAULT)
        fprintf(out, " --max-line %zu", cfg->max_line);
    if (cfg->max_guesses != WM_DEFAULT_MAX_GUESSES)
        fprintf(out, " --max-guesses %zu", cfg->max_guesses);
    /* The simulator's: under another driver it changes nothing, and run refuses it. */
    if (cfg->chunking && (!o || o->driver == WM_DRV_SIM))
        fputs(" --chunking", out);
    for (unsigned i = 0; i < cfg->nfaults; i++) {
        char f[64];
        wm_fault_format(&cfg->faults[i], f, sizeof f);
        fprintf(out, " --fault '%s'", f);
    }
    if (o) {
        char extra[160];
        wm_exec_opts_string(o, extra, sizeof extra);
        fputs(extra, out);
    }
    fputc('\n', out);
}
