#include "opts.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "net.h"

#define OPTS_MAX 64 /* options in one command's table */

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

/* The table entry a long word names exactly ("--seed" or "--seed=7"), or NULL. */
static const struct wm_opt *find_long(const struct wm_opt *tab, const char *word)
{
    if (strncmp(word, "--", 2) != 0)
        return NULL;
    word += 2;
    size_t n = strcspn(word, "=");
    for (; tab->name; tab++)
        if (strlen(tab->name) == n && strncmp(tab->name, word, n) == 0)
            return tab;
    return NULL;
}

int wm_opts_parse(struct wm_args *a, const struct wm_cmd_spec *spec, wm_opt_fn fn, void *ctx)
{
    static const struct wm_opt common[] = {{"help", 0, 'h'}, {"version", 0, 'V'}, {NULL, 0, 0}};
    struct wm_opt all[OPTS_MAX + 3];
    struct option longs[OPTS_MAX + 3];
    /* "-": operands come back in order as 1 (no permuting of argv, whatever
     * POSIXLY_CORRECT says); ":": a missing value comes back as ':'. */
    char shorts[2 * OPTS_MAX + 8] = "-:";
    size_t n = 0, ns = 2;
    for (int pass = 0; pass < 2; pass++)
        for (const struct wm_opt *t = pass ? common : spec->opts; t->name && n < OPTS_MAX + 2; t++)
            all[n++] = *t;
    all[n] = (struct wm_opt){NULL, 0, 0};
    for (size_t k = 0; k < n; k++) {
        longs[k] = (struct option){all[k].name, all[k].arg ? required_argument : no_argument,
                                   NULL, all[k].id};
        if (all[k].id < WM_OPT_ID) {
            shorts[ns++] = (char)all[k].id;
            if (all[k].arg)
                shorts[ns++] = ':';
        }
    }
    longs[n] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';

    /* getopt sees the command's name as its argv[0]. */
    int argc = a->argc - a->i + 1;
    char **argv = a->argv + a->i - 1;
    a->nops = 0;
    a->ops = malloc((size_t)argc * sizeof *a->ops);
    if (!a->ops) {
        fprintf(stderr, "%s: out of memory\n", a->cmd);
        return WM_EXIT_FAIL;
    }
    /* getopt's state (optind, optarg, optopt, opterr, and glibc's and musl's
     * hidden place in a word of short options) is libc's and global: setting
     * optind to 0 makes glibc and musl start afresh, re-reading everything,
     * so a second parse in one process (a test) works. opterr = 0: the
     * messages are ours. */
    opterr = 0;
    optind = 0;
    for (;;) {
        /* With "-" in front argv is never permuted, so the word getopt works
         * on is argv[optind] (optind is 0 only before the first call). */
        int at = optind ? optind : 1;
        const char *word = at < argc ? argv[at] : "";
        int ch = getopt_long(argc, argv, shorts, longs, NULL);
        if (ch == -1)
            break;
        if (ch == 1) { /* an operand; too many is said after the options, so --help wins */
            a->ops[a->nops++] = optarg;
            continue;
        }
        int is_long = strncmp(word, "--", 2) == 0;
        const struct wm_opt *o = is_long ? find_long(all, word) : NULL;
        size_t wlen = is_long ? strcspn(word, "=") : 0;
        char sname[3] = {'-', (char)(ch == '?' || ch == ':' ? optopt : ch), '\0'};
        if (ch == '?' || ch == ':' || (is_long && !o)) {
            if (is_long && !o) /* unknown, or an abbreviation: names are exact */
                return wm_usage_error(a, "unknown option \"%.*s\"", (int)wlen, word);
            if (ch == ':')
                return wm_usage_error(a, "%.*s needs a value", is_long ? (int)wlen : 2,
                                      is_long ? word : sname);
            if (is_long)
                return wm_usage_error(a, "%.*s takes no value, got \"%s\"", (int)wlen, word,
                                      word);
            if (strlen(word) > 2)
                return wm_usage_error(a, "unknown option \"%s\" (in \"%s\")", sname, word);
            return wm_usage_error(a, "unknown option \"%s\"", sname);
        }
        char lname[OPTS_MAX + 3];
        if (is_long)
            snprintf(lname, sizeof lname, "%.*s", (int)wlen, word);
        struct wm_optval v = {ch, is_long ? lname : sname, optarg};
        if (ch == 'h') {
            fputs(spec->help, stdout);
            return WM_EXIT_OK;
        }
        if (ch == 'V') {
            printf("%s\n", a->version);
            return WM_EXIT_OK;
        }
        if (fn(a, ctx, &v) < 0)
            return WM_EXIT_USAGE;
    }
    for (int k = optind; k < argc; k++) /* after "--" */
        a->ops[a->nops++] = argv[k];
    if (spec->max_ops >= 0 && a->nops > spec->max_ops)
        return wm_usage_error(a, "unexpected argument \"%s\"", a->ops[spec->max_ops]);
    return WM_OPTS_GO_ON;
}

int wm_parse_range(const struct wm_args *a, const char *name, const char *v, uint64_t lo,
                   uint64_t hi, uint64_t *out)
{
    int rc = wm_uint64_parse(v, strlen(v), out);
    if (rc == -1) {
        wm_usage_error(a, "%s must be %llu..%llu in plain decimal (no sign, space or leading "
                       "zero), got \"%s\"", name, (unsigned long long)lo, (unsigned long long)hi,
                       v);
        return -1;
    }
    if (rc < 0 || *out < lo || *out > hi) {
        wm_usage_error(a, "%s must be %llu..%llu, got \"%s\"", name, (unsigned long long)lo,
                       (unsigned long long)hi, v);
        return -1;
    }
    return 0;
}

int wm_opt_range(const struct wm_args *a, const struct wm_optval *o, uint64_t lo, uint64_t hi,
                 uint64_t *out)
{
    return wm_parse_range(a, o->name, o->val, lo, hi, out);
}

/* Seconds with up to three decimals ("10", "0.25"): milliseconds, or -1
 * (also past max_ms, checked as the digits come so nothing overflows). */
static int64_t parse_seconds(const char *v, int64_t max_ms)
{
    int64_t ms = 0;
    int frac = -1; /* digits after the point, -1 before it */
    if (*v < '0' || *v > '9' || (v[0] == '0' && v[1] >= '0' && v[1] <= '9'))
        return -1; /* a digit first; "0" is the one integer part with a leading zero */
    for (; *v; v++) {
        if (*v == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*v < '0' || *v > '9' || frac >= 3 || ms > max_ms)
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

#define SECONDS_MIN_MS 10 /* 0.01 s: below it a timer is all scheduling noise */

int wm_opt_seconds_in(const struct wm_args *a, const struct wm_optval *o, int zero_ok,
                      int64_t max_ms, int64_t *ms)
{
    assert(max_ms >= SECONDS_MIN_MS && max_ms % 1000 == 0 && max_ms <= INT64_MAX / 1000);
    int64_t t = parse_seconds(o->val, max_ms);
    if (t < 0 || t > max_ms) {
        wm_usage_error(a, "%s wants seconds, %s0.01..%lld with up to 3 decimals, got \"%s\"",
                       o->name, zero_ok ? "0 or " : "", (long long)(max_ms / 1000), o->val);
        return -1;
    }
    if (t < SECONDS_MIN_MS && !(zero_ok && t == 0)) {
        wm_usage_error(a, "%s must be %sat least 0.01 seconds, got \"%s\"", o->name,
                       zero_ok ? "0 or " : "", o->val);
        return -1;
    }
    *ms = t;
    return 0;
}

int wm_opt_seconds(const struct wm_args *a, const struct wm_optval *o, int *ms)
{
    int64_t t;
    if (wm_opt_seconds_in(a, o, 0, WM_OPT_SECONDS_MAX_MS, &t) < 0)
        return -1;
    *ms = (int)t;
    return 0;
}

int wm_opt_hostport(const struct wm_args *a, const struct wm_optval *o, int listen)
{
    struct wm_err err;
    if (wm_net_parse(o->val, listen, &err) < 0) {
        wm_usage_error(a, "%s: %s", o->name, err.msg);
        return -1;
    }
    return 0;
}
