#include "cli.h"

#include <stdarg.h>
#include <string.h>

#include "msg.h"

int wm_usage_error(const struct wm_args *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", a->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try %s --help)\n", a->cmd);
    return WM_EXIT_USAGE;
}

int wm_arg_value(struct wm_args *a, const char *name, const char **val)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *val = arg + n + 1;
        a->i++;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (a->i + 1 >= a->argc) {
        wm_usage_error(a, "%s needs a value", name);
        return -1;
    }
    *val = a->argv[a->i + 1];
    a->i += 2;
    return 1;
}

int wm_arg_flag(struct wm_args *a, const char *name)
{
    if (strcmp(a->argv[a->i], name) != 0)
        return 0;
    a->i++;
    return 1;
}

int wm_parse_u64(struct wm_args *a, const char *name, const char *v, uint64_t max, uint64_t *out)
{
    if (wm_uint64_parse(v, strlen(v), out) < 0 || *out > max) {
        wm_usage_error(a, "%s wants an unsigned decimal up to %llu, got \"%s\"", name,
                       (unsigned long long)max, v);
        return -1;
    }
    return 0;
}

int wm_arg_cfg(struct wm_args *a, struct wm_cfg *cfg)
{
    const char *v;
    uint64_t n;
    int r;
    if ((r = wm_arg_value(a, "--seed", &v)) != 0)
        return r < 0 || wm_parse_u64(a, "--seed", v, UINT64_MAX, &cfg->seed) < 0 ? -1 : 1;
    if ((r = wm_arg_value(a, "--game", &v)) != 0) {
        struct wm_game g;
        struct wm_err e;
        if (r < 0)
            return -1;
        if (wm_game_parse(v, strlen(v), &g, &e) < 0 || wm_cfg_add_game(cfg, &g, &e) < 0) {
            wm_usage_error(a, "%s", e.msg);
            return -1;
        }
        return 1;
    }
    if ((r = wm_arg_value(a, "--connections", &v)) != 0) {
        if (r < 0 || wm_parse_u64(a, "--connections", v, WM_MAX_CONNECTIONS, &n) < 0)
            return -1;
        cfg->connections = (uint32_t)n;
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-line", &v)) != 0) {
        if (r < 0 || wm_parse_u64(a, "--max-line", v, 1u << 24, &n) < 0)
            return -1;
        cfg->max_line = (size_t)n;
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-guesses", &v)) != 0) {
        if (r < 0 || wm_parse_u64(a, "--max-guesses", v, 1u << 28, &n) < 0)
            return -1;
        cfg->max_guesses = (size_t)n;
        return 1;
    }
    if (wm_arg_flag(a, "--chunking")) {
        cfg->chunking = 1;
        return 1;
    }
    if ((r = wm_arg_value(a, "--fault", &v)) != 0) {
        struct wm_fault f;
        struct wm_err e;
        if (r < 0)
            return -1;
        if (wm_fault_parse(v, strlen(v), &f, &e) < 0 || wm_cfg_add_fault(cfg, &f, &e) < 0) {
            wm_usage_error(a, "%s", e.msg);
            return -1;
        }
        return 1;
    }
    return 0;
}

int wm_arg_exec(struct wm_args *a, struct wm_exec_opts *o)
{
    const char *v;
    uint64_t n;
    int r;
    if ((r = wm_arg_value(a, "--driver", &v)) != 0) {
        if (r < 0)
            return -1;
        if (strcmp(v, "sim") == 0)
            o->driver = WM_DRV_SIM;
        else if (strcmp(v, "threads") == 0)
            o->driver = WM_DRV_THREADS;
        else if (strcmp(v, "events") == 0)
            o->driver = WM_DRV_EVENTS;
        else {
            wm_usage_error(a, "--driver wants sim, threads or events, got \"%s\"", v);
            return -1;
        }
        return 1;
    }
    if ((r = wm_arg_value(a, "--transport", &v)) != 0) {
        if (r < 0)
            return -1;
        if (strcmp(v, "socketpair") == 0)
            o->transport = WM_TR_SOCKETPAIR;
        else if (strcmp(v, "memory") == 0)
            o->transport = WM_TR_MEMORY;
        else {
            wm_usage_error(a, "--transport wants socketpair or memory, got \"%s\"", v);
            return -1;
        }
        return 1;
    }
    if ((r = wm_arg_value(a, "--max-steps", &v)) != 0)
        return r < 0 || wm_parse_u64(a, "--max-steps", v, UINT64_MAX, &o->max_steps) < 0 ? -1 : 1;
    if ((r = wm_arg_value(a, "--max-journal", &v)) != 0) {
        if (r < 0 || wm_parse_u64(a, "--max-journal", v, SIZE_MAX, &n) < 0)
            return -1;
        o->max_journal = (size_t)n;
        return 1;
    }
    return 0;
}

void wm_shell_word(const char *s, char *buf, size_t size)
{
    size_t safe = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+-,%@");
    if (*s && s[safe] == '\0') {
        snprintf(buf, size, "%s", s);
        return;
    }
    size_t n = 0;
    if (size < 3) {
        if (size)
            buf[0] = '\0';
        return;
    }
    buf[n++] = '\'';
    for (; *s && n + 6 < size; s++) {
        if (*s == '\'') { /* close, escaped quote, reopen */
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    buf[n++] = '\'';
    buf[n] = '\0';
}

/* Seconds with up to three decimals ("10", "0.25"): milliseconds, or -1. */
static long parse_seconds(const char *v)
{
    long ms = 0;
    int frac = -1; /* digits after the point, -1 before it */
    if (*v < '0' || *v > '9')
        return -1;
    for (; *v; v++) {
        if (*v == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*v < '0' || *v > '9' || frac >= 3 || ms > 86400000)
            return -1;
        ms = ms * 10 + (*v - '0');
        frac += frac >= 0;
    }
    if (frac == 0) /* "1." */
        return -1;
    for (int k = frac < 0 ? 0 : frac; k < 3; k++)
        ms *= 10;
    return ms;
}

int wm_arg_seconds(struct wm_args *a, const char *name, int *ms)
{
    const char *v;
    int r = wm_arg_value(a, name, &v);
    if (r <= 0)
        return r;
    long t = parse_seconds(v);
    if (t < 0 || t > 86400000L) {
        wm_usage_error(a, "%s wants seconds (up to 3 decimals, at most 86400), got \"%s\"", name,
                       v);
        return -1;
    }
    if (t < 10) {
        wm_usage_error(a, "%s must be at least 0.01 seconds, got \"%s\"", name, v);
        return -1;
    }
    *ms = (int)t;
    return 1;
}

int wm_arg_timeout(struct wm_args *a, int *ms)
{
    return wm_arg_seconds(a, "--timeout", ms);
}

void wm_exec_opts_string(const struct wm_exec_opts *o, char *buf, size_t size)
{
    static const char *const drivers[] = {"sim", "threads", "events"};
    struct wm_exec_opts def;
    size_t n = 0;
    wm_exec_opts_init(&def);
    buf[0] = '\0';
    if (o->driver != def.driver)
        n += (size_t)snprintf(buf + n, size - n, " --driver %s", drivers[o->driver]);
    if (n < size && o->transport != def.transport)
        n += (size_t)snprintf(buf + n, size - n, " --transport memory");
    if (n < size && o->max_steps != def.max_steps)
        n += (size_t)snprintf(buf + n, size - n, " --max-steps %llu",
                              (unsigned long long)o->max_steps);
    if (n < size && o->max_journal != def.max_journal)
        snprintf(buf + n, size - n, " --max-journal %zu", o->max_journal);
}

void wm_print_run_command(FILE *out, const char *prog, const struct wm_cfg *cfg,
                          const struct wm_exec_opts *o)
{
    fprintf(out, "%s run --seed %llu", prog, (unsigned long long)cfg->seed);
    for (size_t i = 0; i < cfg->ngames; i++) {
        const struct wm_game *g = &cfg->games[i];
        fprintf(out, " --game %lld:%lld:%lld:%llu", (long long)g->lo, (long long)g->hi,
                (long long)g->secret, (unsigned long long)g->count);
    }
    if (cfg->connections != 1)
        fprintf(out, " --connections %u", cfg->connections);
    if (cfg->max_line != WM_LINE_MAX_DEFAULT)
        fprintf(out, " --max-line %zu", cfg->max_line);
    if (cfg->max_guesses != WM_DEFAULT_MAX_GUESSES)
        fprintf(out, " --max-guesses %zu", cfg->max_guesses);
    if (cfg->chunking)
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
