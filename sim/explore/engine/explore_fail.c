#include "explore_fail.h"

#include "explore_proc.h"
#include "explore_sig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_PATH_MAX 4096

/* mkdir -p into path (DIR_PATH_MAX bytes): each level of dir that is
 * missing, counted in *made (the deepest levels). 0, or -1 with errno and
 * path holding the level that could not be made. */
static int make_dirs(const char *dir, char *path, unsigned *made)
{
    size_t n = strlen(dir);
    *made = 0;
    if (n == 0 || n >= DIR_PATH_MAX) {
        errno = n ? ENAMETOOLONG : ENOENT;
        snprintf(path, DIR_PATH_MAX, "%s", n ? "(path too long)" : "(empty)");
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) == 0)
            ++*made;
        else if (errno != EEXIST)
            return -1;
        path[i] = c;
    }
    return 0;
}

/* Cuts path's last component: "a/b" -> "a", "/a" -> "/". */
static void parent_of(char *path)
{
    char *slash = strrchr(path, '/');
    while (slash && slash > path && slash[-1] == '/')
        slash--;
    if (slash)
        slash[slash == path] = '\0';
}

/* Removes path and its parents, made levels in all. */
static void unmake(char *path, unsigned made)
{
    for (; made > 0; made--, parent_of(path))
        rmdir(path);
}

int wm_xfail_check_dir(const char *dir, struct wm_err *err)
{
    char path[DIR_PATH_MAX];
    unsigned made;
    /* Tried for real (root passes every access(2) check): the missing levels
     * made, a file made and removed, then the levels removed again, so a
     * run that finds nothing leaves nothing. */
    if (!*dir) {
        wm_err_set(err, "--out wants a directory, got an empty path");
        return -1;
    }
    if (make_dirs(dir, path, &made) < 0) {
        wm_err_set(err, "--out %s: cannot write there (%s: %s)", dir, path, strerror(errno));
        parent_of(path); /* the levels made are the ones above */
        unmake(path, made);
        return -1;
    }
    int fd = -1;
    if (strlen(dir) + sizeof "/.warmer-probe-XXXXXX" > sizeof path)
        errno = ENAMETOOLONG;
    else if (snprintf(path, sizeof path, "%s/.warmer-probe-XXXXXX", dir), (fd = mkstemp(path)) >= 0)
        close(fd), unlink(path);
    if (fd < 0)
        wm_err_set(err, "--out %s: cannot write there (%s)", dir, strerror(errno));
    snprintf(path, sizeof path, "%s", dir);
    unmake(path, made);
    return fd < 0 ? -1 : 0;
}

/* Writes a failing transcript: DIR/explore-SEED-RUN[SUFFIX].txt. */
static int write_case(const char *dir, uint64_t seed, uint64_t k, const char *suffix,
                      const struct wm_scn *scn, const struct wm_outcome *o, char *path,
                      size_t size)
{
    char level[DIR_PATH_MAX];
    unsigned made;
    if (make_dirs(dir, level, &made) < 0)
        return -1;
    snprintf(path, size, "%s/explore-%" PRIu64 "-%" PRIu64 "%s.txt", dir, seed, k, suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = o->text ? fwrite(o->text, 1, o->len, f) : 0;
    int bad = o->text && w != o->len;
    if (!o->text) { /* the run failed before a transcript: its header alone replays it */
        struct wm_cfg cfg;
        struct wm_err err;
        if (wm_scn_cfg(scn, &cfg, &err) == 0) {
            wm_tx_write_header(f, &cfg);
            fprintf(f, "# This run %s:\n# %s\n", wm_xmem_is(o) ? "fails under the memory "
                    "checker (explore --memcheck)" : "failed before it made a transcript", o->v.msg);
        }
        wm_cfg_free(&cfg);
    }
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* "kind at line N, connection C: message" */
static void violation_line(const struct wm_outcome *o, char *buf, size_t size)
{
    const struct wm_violation *v = &o->v;
    size_t n = (size_t)snprintf(buf, size, "%s", v->kind);
    if (v->lineno && n < size)
        n += (size_t)snprintf(buf + n, size - n, " at line %zu", v->lineno);
    if (v->conn && n < size)
        n += (size_t)snprintf(buf + n, size - n, ", connection %u", v->conn);
    if (n < size)
        snprintf(buf + n, size - n, ": %s", v->msg);
}

void wm_xfail_violation(FILE *f, const char *label, const struct wm_outcome *o)
{
    char line[WM_INV_MSG_MAX + 200];
    violation_line(o, line, sizeof line);
    fprintf(f, "%s: %s\n", label, line);
}

/* What is printed goes to stdout and, for the reports, to the run's text. */
struct tee {
    FILE *mem; /* NULL when out of memory: stdout alone */
    char *text;
    size_t len;
};

static void say(struct tee *t, const char *fmt, ...) WM_PRINTF(2, 3);
static void say(struct tee *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (t->mem) {
        va_start(ap, fmt);
        vfprintf(t->mem, fmt, ap);
        va_end(ap);
    }
}

static void say_violation(struct tee *t, const char *label, const struct wm_outcome *o)
{
    wm_xfail_violation(stdout, label, o);
    if (t->mem)
        wm_xfail_violation(t->mem, label, o);
}

void wm_xfail_draw_words(const struct wm_scn_bias *b, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    if (b->faults != WM_SCN_ALL_FAULTS) {
        n += (size_t)snprintf(buf, size, " --faults %s", b->faults ? "" : "none");
        for (unsigned k = 0, first = 1; k < WM_SCN_KINDS && n < size; k++)
            if ((b->faults >> k) & 1) {
                n += (size_t)snprintf(buf + n, size - n, "%s%s", first ? "" : ",",
                                      wm_scn_fault_name(k));
                first = 0;
            }
    }
    if (b->driver >= 0 && n < size)
        n += (size_t)snprintf(buf + n, size - n, " --driver %s",
                              wm_driver_name((enum wm_driver)b->driver));
    /* pinned (drawn without it): strict too, but against a live server */
    if (!b->draw_profile && (b->profile != WM_PROFILE_STRICT || !b->live) && n < size)
        snprintf(buf + n, size - n, " --profile %s", wm_profile_name(b->profile));
}

/* The two ways to reproduce run k: from the written file, and from the seed
 * alone (--run k draws the same scenario on any machine). */
static void reproducers(const struct wm_xfail *x, uint64_t k, const char *path, char *from_file,
                        char *from_seed, size_t size, int mem)
{
    char word[4200], prog[4200 + WM_XMEM_CMD_MAX], draw[200];
    wm_shell_word(path, word, sizeof word);
    if (mem) /* under the memory checker, in one process, as it was found */
        snprintf(prog, sizeof prog, "%s ", x->mem->cmd);
    wm_shell_word(x->prog, prog + (mem ? strlen(prog) : 0), sizeof prog - (mem ? strlen(prog) : 0));
    wm_xfail_draw_words(x->bias, draw, sizeof draw);
    if (!x->live) {
        /* a budget not the default is part of how the case fails (a hang) */
        char budget[80] = "";
        const struct wm_explore_budget *b = x->budget ? x->budget : &wm_explore_default_budget;
        int n = b->adaptive ? 0 /* auto, the default */
                : snprintf(budget, sizeof budget, " --run-timeout %u", b->seconds);
        if (b->max_steps != WM_EXPLORE_MAX_STEPS)
            snprintf(budget + n, sizeof budget - (size_t)n, " --max-steps %" PRIu64, b->max_steps);
        const char *nf = mem ? " --no-fork" : "";
        snprintf(from_file, size, "%s explore --replay %s%s%s", prog, word, budget, nf);
        snprintf(from_seed, size, "%s explore --seed %" PRIu64 " --run %" PRIu64 "%s%s%s", prog,
                 x->seed, k, draw, budget, nf);
        return;
    }
    if (x->live->proc) { /* --server/--client CMD: a fresh process does it */
        wm_xproc_reproducers(x->live, word, x->seed, k, draw, from_file, from_seed, size);
        return;
    }
    char addr[600];
    wm_shell_word(x->live->addr, addr, sizeof addr);
    snprintf(from_file, size, "against a fresh server started with the file's seed: %s replay "
             "--server --connect %s %s", prog, addr, word);
    /* A fresh server's first connection gets its --seed: start it with the
     * seed run k's first connection had, and the model agrees. */
    snprintf(from_seed, size, "against a fresh server started with --seed %" PRIu64 ": %s explore "
             "--connect %s --server-seed %" PRIu64 " --seed %" PRIu64 " --run %" PRIu64 "%s",
             x->live_seed, prog, addr, x->live_seed, x->seed, k, draw);
}

/* --no-fork: the shrinking runs in this process too, watched. */
static int run_here(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    const struct wm_xfail *x = ctx;
    int slot = wm_watchdog_enter(x->watch, WM_WATCHDOG_OTHER);
    int rc = wm_explore_run(s, x->budget, o);
    wm_watchdog_leave(x->watch, slot);
    return rc;
}

/* A forked shrinking step or re-run gets the shrink's budget (hangbudget.h):
 * a hang found is not paid the detection budget again per step. */
static struct wm_explore_budget shrink_budget(const struct wm_xfail *x)
{
    struct wm_explore_budget b = x->budget ? *x->budget : wm_explore_default_budget;
    b.shrinking = 1;
    return b;
}

/* The shrunk case again, x->reruns times, as it was shrunk: one that does
 * not fail every time is flaky (its rate said, and put in *flaky). */
static void rerun(const struct wm_xfail *x, const struct wm_scn *scn, const struct wm_outcome *out,
                  struct tee *t, char *flaky, size_t size, int mem)
{
    char sig[WM_XSIG_MAX];
    unsigned ran, failed;
    struct wm_explore_budget sb = shrink_budget(x);
    if (!x->reruns)
        return;
    wm_xsig_of(out, sig, sizeof sig);
    failed = mem ? wm_explore_rerun(scn, sig, x->reruns, wm_xmem_scn, (void *)x->mem, &ran)
             : x->live ? wm_explore_rerun(scn, sig, x->reruns, wm_explore_live, x->live, &ran)
             : x->no_fork ? wm_explore_rerun(scn, sig, x->reruns, run_here, (void *)x, &ran)
                          : wm_explore_rerun(scn, sig, x->reruns, NULL, &sb, &ran);
    if (ran && failed == ran) {
        say(t, "  re-ran %u times: failed every time\n", ran);
    } else if (ran) {
        snprintf(flaky, size, "flaky, failed %u of %u re-runs (%u%%)", failed, ran,
                 failed * 100 / ran);
        say(t, "  %s: the shrunk case does not fail every time\n", flaky);
    }
}

/* A memory finding shrinks as its file replayed under the checker: 1 if
 * the case as found fails so, with the same signature. */
static int mem_as_file(const struct wm_xfail *x, const struct wm_scn *scn,
                       const struct wm_outcome *out)
{
    char want[WM_XSIG_MAX], got[WM_XSIG_MAX];
    struct wm_outcome co;
    wm_xsig_of(out, want, sizeof want);
    int same = wm_xmem_scn((void *)x->mem, scn, &co) == 0 && co.failed;
    if (same) {
        wm_xsig_of(&co, got, sizeof got);
        same = strcmp(got, want) == 0;
    }
    wm_outcome_free(&co);
    return same;
}

static int tell(const struct wm_xfail *x, uint64_t k, struct wm_scn *scn, struct wm_outcome *out,
                struct tee *t, struct wm_case_result *res, char *file, size_t size, char *flaky,
                size_t flaky_size)
{
    char before[800], after[800], path[4200];
    wm_scn_describe(scn, before, sizeof before);
    say(t, "FAIL run %" PRIu64 " of seed %" PRIu64 "\n", k, x->seed);
    say_violation(t, "  found", out);
    if (x->sig)
        say(t, "  signature: %s\n", x->sig);
    say(t, "  scenario: %s\n", before);
    /* Kept before shrinking, which runs the bug again and again: if one of
     * those runs crashes, the case as found is still on disk. */
    if (write_case(x->dir, x->seed, k, "-found", scn, out, path, sizeof path) < 0) {
        fprintf(stderr, "%s: cannot write %s/: %s\n", x->cmd, x->dir, strerror(errno));
        return WM_EXIT_FAIL;
    }
    say(t, "  wrote %s (as found)\n", path);
    fflush(stdout);
    int mem = x->mem && wm_xmem_is(out), as_file = 1;
    unsigned spent;
    struct wm_explore_budget sb = shrink_budget(x);
    if (mem) {
        as_file = mem_as_file(x, scn, out);
        if (as_file) /* a header carries no malformed line: it takes no part */
            scn->mal.on = 0;
        spent = as_file ? wm_explore_shrink_n(scn, out, wm_xmem_scn, (void *)x->mem,
                                              WM_XMEM_SHRINK_MAX)
                        : 0;
    } else {
        spent = x->live ? wm_explore_shrink(scn, out, wm_explore_live, x->live)
                : x->no_fork ? wm_explore_shrink(scn, out, run_here, (void *)x)
                             : wm_explore_shrink(scn, out, NULL, &sb);
    }
    wm_scn_describe(scn, after, sizeof after);
    if (as_file)
        say(t, "  shrunk in %u runs to: %s\n", spent, after);
    else
        say(t, "  not shrunk: its file (--replay) does not fail so under the memory checker\n");
    say_violation(t, "  fails", out);
    if (as_file)
        rerun(x, scn, out, t, flaky, flaky_size, mem);
    res->first_line = out->v.lineno;
    if (write_case(x->dir, x->seed, k, "", scn, out, path, sizeof path) < 0) {
        fprintf(stderr, "%s: cannot write %s/: %s\n", x->cmd, x->dir, strerror(errno));
        return WM_EXIT_FAIL;
    }
    snprintf(file, size, "%s", path);
    say(t, "  wrote %s\n", path);
    if (x->live && out->actual) { /* the file is what the model says the server must do */
        struct wm_outcome act = {.text = out->actual, .len = out->actual_len};
        if (write_case(x->dir, x->seed, k, "-actual", scn, &act, path, sizeof path) == 0)
            say(t, "  wrote %s (what the server did)\n", path);
    }
    char from_file[10240], from_seed[10240];
    reproducers(x, k, file, from_file, from_seed, sizeof from_file, mem);
    int by_seed = x->sharded || !as_file;
    if (by_seed && as_file) /* (a memory finding's file that did not fail so: no such line) */
        say(t, "  from the file: %s\n", from_file);
    else
        say(t, "  from the seed alone: %s\n", from_seed);
    const char *repro = by_seed ? from_seed : from_file;
    say(t, "reproduce: %s\n", repro);
    res->reproduce = strdup(repro);
    return WM_EXIT_FAIL;
}

/* The reports' one line: the violation (after "flaky, ...: " when so). */
static void set_message(struct wm_case_result *res, const struct wm_outcome *out,
                        const char *flaky)
{
    char msg[WM_INV_MSG_MAX + 200];
    int n = flaky[0] ? snprintf(msg, sizeof msg, "%s: ", flaky) : 0;
    violation_line(out, msg + n, sizeof msg - (size_t)n);
    res->message = strdup(msg);
}

int wm_xfail_again(const struct wm_xfail *x, uint64_t k, uint64_t first,
                   const struct wm_outcome *out, struct wm_case_result *res)
{
    struct tee t = {0};
    char from_file[10240], from_seed[10240];
    t.mem = open_memstream(&t.text, &t.len);
    *res = (struct wm_case_result){.status = WM_CASE_FAILED};
    char as[48] = "past --max-findings";
    if (first != UINT64_MAX)
        snprintf(as, sizeof as, "as run %" PRIu64, first);
    say(&t, "FAIL run %" PRIu64 " of seed %" PRIu64 " (signature %s, %s: not shrunk)\n", k,
        x->seed, x->sig ? x->sig : "?", as);
    say_violation(&t, "  found", out);
    reproducers(x, k, "", from_file, from_seed, sizeof from_file, x->mem && wm_xmem_is(out));
    say(&t, "  reproduce (not shrunk): %s\n", from_seed);
    res->reproduce = strdup(from_seed);
    if (t.mem && fclose(t.mem) == 0)
        res->text = t.text, res->len = t.len;
    else
        free(t.text);
    set_message(res, out, "");
    return WM_EXIT_FAIL;
}

int wm_xfail_report(const struct wm_xfail *x, uint64_t k, struct wm_scn *scn,
                    struct wm_outcome *out, struct wm_case_result *res, char *file, size_t size)
{
    struct tee t = {0};
    t.mem = open_memstream(&t.text, &t.len);
    *res = (struct wm_case_result){.status = WM_CASE_FAILED};
    file[0] = '\0';
    char flaky[80] = "";
    int rc = tell(x, k, scn, out, &t, res, file, size, flaky, sizeof flaky);
    if (t.mem && fclose(t.mem) == 0) {
        res->text = t.text, res->len = t.len;
    } else {
        free(t.text);
    }
    set_message(res, out, flaky); /* the violation the shrunk case fails with */
    return rc;
}
