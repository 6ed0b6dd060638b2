#include "explore_mem.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "report.h"
#include "sig.h"
#include "tmpfile.h"
#include "transcript.h"

static const char MEMORY[] = "memory"; /* the finding's kind */

#define CMDLINE_MAX (WM_XMEM_CMD_MAX + 3 * WM_XMEM_PATH_MAX + 512)
#define POLL_MS 20

int wm_xmem_is(const struct wm_outcome *o)
{
    return o->failed && o->v.kind && strcmp(o->v.kind, MEMORY) == 0;
}

/* splitmix64's finaliser: run k's place in the sample depends on (seed, k)
 * alone, and neighbouring runs are not sampled together. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int wm_xmem_sampled(const struct wm_xmem *m, uint64_t k)
{
    return m->every > 0 && mix(m->seed ^ mix(k)) % m->every == 0;
}

/* ---- the report -------------------------------------------------------- */

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An allocator's frame says nothing of the bug: the frame below it does. */
static int allocator(const char *fn, size_t n)
{
    static const char *const names[] = {"malloc", "calloc", "realloc", "free", "strdup",
                                        "wm_malloc", "wm_calloc", "wm_realloc", "wm_free",
                                        "operator new", "operator delete", "reallocarray"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(fn, names[i], n) == 0)
            return 1;
    return 0;
}

/* valgrind's headline as a kind. */
static const char *vg_kind(const char *h)
{
    static const struct {
        const char *text, *kind;
    } k[] = {{"Invalid read", "InvalidRead"},
             {"Invalid write", "InvalidWrite"},
             {"Invalid free", "InvalidFree"},
             {"Mismatched free", "InvalidFree"},
             {"Conditional jump", "Uninit"},
             {"Use of uninitialised", "Uninit"},
             {"Syscall param", "SyscallParam"},
             {"Source and destination overlap", "Overlap"},
             {"are definitely lost", "Leak_DefinitelyLost"},
             {"are indirectly lost", "Leak_IndirectlyLost"},
             {"are possibly lost", "Leak_PossiblyLost"},
             {"are still reachable", "Leak_StillReachable"}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strstr(h, k[i].text))
            return k[i].kind;
    return "Error";
}

/* One line of the report, the checker's "==PID== " prefix dropped. */
static const char *body_of(const char *line)
{
    if (line[0] == '=' && line[1] == '=' && line[2] >= '0' && line[2] <= '9') {
        const char *e = line + 2;
        while (*e >= '0' && *e <= '9')
            e++;
        if (e[0] == '=' && e[1] == '=')
            return e[2] == ' ' ? e + 3 : e + 2;
    }
    return line;
}

/* A frame's function, file and line: valgrind's "at 0xA: FN (FILE:LINE)",
 * a sanitizer's "#N 0xA in FN FILE:LINE:COL". 1 if line is a frame. */
static int frame(const char *s, char *fn, size_t fsize, char *where, size_t wsize)
{
    while (*s == ' ')
        s++;
    const char *f, *w = NULL;
    size_t fn_len, w_len = 0;
    if ((starts(s, "at 0x") || starts(s, "by 0x")) && (f = strstr(s, ": "))) {
        f += 2;
        const char *paren = strstr(f, " (");
        fn_len = paren ? (size_t)(paren - f) : strlen(f);
        if (paren) {
            w = paren + 2;
            const char *close = strchr(w, ')');
            w_len = close ? (size_t)(close - w) : strlen(w);
        }
    } else if (s[0] == '#' && (f = strstr(s, " in "))) {
        f += 4;
        const char *sp = strchr(f, ' ');
        fn_len = sp ? (size_t)(sp - f) : strlen(f);
        if (sp) {
            w = sp + 1;
            const char *slash = strrchr(w, '/'); /* the file's name alone: no build path */
            if (slash)
                w = slash + 1;
            w_len = strlen(w);
        }
    } else {
        return 0;
    }
    if (allocator(f, fn_len))
        fn_len = 0; /* an allocator: told as such, the caller looks below */
    snprintf(fn, fsize, "%.*s", (int)fn_len, f);
    snprintf(where, wsize, "%.*s", (int)w_len, w ? w : "");
    return 1;
}

int wm_xmem_parse(const char *report, size_t len, char *msg, size_t size)
{
    char line[512], head[200] = "", kind[64] = "", fn[128] = "", where[160] = "";
    int in_error = 0;
    size_t i = 0;
    while (i < len && !fn[0]) {
        size_t j = i;
        while (j < len && report[j] != '\n')
            j++;
        snprintf(line, sizeof line, "%.*s", (int)(j - i), report + i);
        i = j + 1;
        const char *b = body_of(line);
        if (!in_error) {
            const char *e;
            if ((e = strstr(b, "ERROR: AddressSanitizer: ")) ||
                (e = strstr(b, "ERROR: LeakSanitizer: ")) ||
                (e = strstr(b, "ERROR: MemorySanitizer: ")) ||
                (e = strstr(b, "ERROR: UndefinedBehaviorSanitizer: "))) {
                e += strlen("ERROR: ");
                snprintf(head, sizeof head, "%.*s", (int)sizeof head - 1, e);
                char *cut = strstr(head, " on "); /* " on address 0x...": no addresses */
                if (cut)
                    *cut = '\0';
                const char *k = strchr(e, ' ') + 1;
                size_t kn = strcspn(k, " ");
                snprintf(kind, sizeof kind, "%.*s", (int)kn,
                         starts(k, "detected memory leaks") ? "leak" : k);
                in_error = 1;
            } else if (line != b && b[0] && b[0] != ' ' && !starts(b, "Thread ") &&
                       !starts(b, "Warning") && !starts(b, "WARNING") && !starts(b, "HEAP") &&
                       !starts(b, "LEAK") && !starts(b, "For ") && !starts(b, "ERROR SUMMARY")) {
                snprintf(head, sizeof head, "%.*s", (int)sizeof head - 1, b); /* valgrind's headline */
                char *cut = strstr(head, " in loss record");
                if (cut)
                    *cut = '\0';
                snprintf(kind, sizeof kind, "%s", vg_kind(head));
                in_error = 1;
            }
            continue;
        }
        char f[128], w[160];
        if (frame(b, f, sizeof f, w, sizeof w) && f[0])
            snprintf(fn, sizeof fn, "%s", f), snprintf(where, sizeof where, "%s", w);
    }
    if (!in_error)
        return 0;
    snprintf(msg, size, "%s in %s%s%s%s: %s", kind, fn[0] ? fn : "?", where[0] ? " (" : "",
             where, where[0] ? ")" : "", head);
    return 1;
}

void wm_xmem_place(const struct wm_outcome *o, char *buf, size_t size)
{
    const char *m = o->v.msg, *in = strstr(m, " in ");
    if (!in) { /* a checker that exited with no report: its message's first words */
        snprintf(buf, size, "%.*s", (int)strcspn(m, ":"), m);
        return;
    }
    const char *fn = in + 4;
    snprintf(buf, size, "%.*s:%.*s", (int)(in - m), m, (int)strcspn(fn, " :"), fn);
}

/* ---- the checker's process --------------------------------------------- */

/* `CMD EXE ARGS` under the checker, waited for within the budget: 0 with
 * o a memory finding or clean (o->failed 0), -1, or 1 (a signal). */
static int check(const struct wm_xmem *m, const char *args, struct wm_outcome *o)
{
    char *line = malloc(CMDLINE_MAX), exe[WM_XMEM_PATH_MAX + 8];
    struct wm_proc p;
    struct wm_err err;
    if (!line)
        return -1;
    wm_shell_word(m->exe, exe, sizeof exe);
    snprintf(line, CMDLINE_MAX, "%s %s %s", m->cmd, exe, args);
    int rc = wm_proc_start(&p, line, &err);
    free(line);
    if (rc < 0)
        return -1;
    unsigned waited = 0, limit = m->budget->seconds * 1000u;
    int late = 0;
    while (!wm_proc_wait(&p, POLL_MS)) {
        waited += POLL_MS;
        if (wm_sig_caught()) {
            wm_proc_free(&p);
            return 1;
        }
        if (limit && waited >= limit) {
            wm_proc_stop(&p, 1000);
            late = 1;
            break;
        }
    }
    char *report = malloc(WM_XMEM_REPORT_MAX);
    ssize_t n = report ? pread(p.err_fd, report, WM_XMEM_REPORT_MAX - 1, 0) : -1;
    int status = p.status;
    wm_proc_free(&p);
    if (n < 0) {
        free(report);
        return -1;
    }
    report[n] = '\0';
    char msg[WM_INV_MSG_MAX];
    int found = wm_xmem_parse(report, (size_t)n, msg, sizeof msg);
    free(report);
    if (!late && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    o->failed = 1;
    o->v.kind = MEMORY;
    o->v.lineno = 0;
    o->v.conn = 0;
    if (found)
        snprintf(o->v.msg, sizeof o->v.msg, "%s", msg);
    else if (late)
        snprintf(o->v.msg, sizeof o->v.msg, "timeout: under the memory checker the run was "
                 "still going after %u s (--run-timeout)", m->budget->seconds);
    else if (WIFEXITED(status))
        snprintf(o->v.msg, sizeof o->v.msg, "exit-%d: under the memory checker the run exited "
                 "with status %d and no report of an error", WEXITSTATUS(status),
                 WEXITSTATUS(status));
    else
        snprintf(o->v.msg, sizeof o->v.msg, "signal-%d: under the memory checker the run died "
                 "of signal %d", WTERMSIG(status), WTERMSIG(status));
    return 0;
}

/* The options every checked run takes: in this process (the checker sees
 * it), no watchdog of its own (check() is it), nothing run again. */
static int common(const struct wm_xmem *m, char *buf, size_t size)
{
    int n = snprintf(buf, size, "--no-fork --run-timeout 0");
    if (m->budget->max_steps != WM_EXPLORE_MAX_STEPS)
        n += snprintf(buf + n, size - (size_t)n, " --max-steps %" PRIu64, m->budget->max_steps);
    return n;
}

int wm_xmem_run(const struct wm_xmem *m, uint64_t k, struct wm_outcome *o)
{
    char args[WM_XMEM_PATH_MAX + 600], dir[WM_XMEM_PATH_MAX + 8];
    wm_shell_word(m->dir, dir, sizeof dir);
    int n = snprintf(args, sizeof args, "explore --seed %" PRIu64 " --run %" PRIu64 "%s --reruns 0 "
                     "--out %s ", m->seed, k, m->draw, dir);
    common(m, args + n, sizeof args - (size_t)n);
    struct wm_outcome c = {0};
    int rc = check(m, args, &c);
    if (rc == 0 && c.failed) {
        o->failed = 1;
        o->v = c.v;
    }
    return rc;
}

int wm_xmem_scn(void *ctx, const struct wm_scn *s, struct wm_outcome *o)
{
    const struct wm_xmem *m = ctx;
    struct wm_cfg cfg;
    struct wm_err err;
    char path[WM_XMEM_PATH_MAX], word[WM_XMEM_PATH_MAX + 8], args[2 * WM_XMEM_PATH_MAX];
    memset(o, 0, sizeof *o);
    if (wm_scn_cfg(s, &cfg, &err) < 0) { /* as wm_explore_run tells it */
        o->failed = 1;
        o->v.kind = "run";
        snprintf(o->v.msg, sizeof o->v.msg, "the scenario is not a valid run: %.300s", err.msg);
        return 0;
    }
    snprintf(path, sizeof path, "%s/warmer-memcheck-XXXXXX", wm_tmp_dir());
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd), unlink(path);
        wm_cfg_free(&cfg);
        return -1;
    }
    wm_tx_write_header(f, &cfg);
    wm_cfg_free(&cfg);
    if (fclose(f) != 0) {
        unlink(path);
        return -1;
    }
    wm_shell_word(path, word, sizeof word);
    int n = snprintf(args, sizeof args, "explore --replay %s ", word);
    common(m, args + n, sizeof args - (size_t)n);
    int rc = check(m, args, o);
    unlink(path);
    return rc;
}

/* ---- setting up -------------------------------------------------------- */

int wm_xmem_init(struct wm_xmem *m, unsigned every, const char *cmd, uint64_t seed,
                 const char *draw, const struct wm_explore_budget *b, struct wm_err *err)
{
    memset(m, 0, sizeof *m);
    m->every = every;
    m->cmd = cmd ? cmd : WM_XMEM_DEFAULT_CMD;
    m->seed = seed;
    m->budget = b;
    snprintf(m->draw, sizeof m->draw, "%s", draw);
    if (strlen(m->cmd) >= WM_XMEM_CMD_MAX) {
        wm_err_set(err, "--memcheck-cmd is longer than %d bytes", WM_XMEM_CMD_MAX - 1);
        return -1;
    }
    ssize_t n = readlink("/proc/self/exe", m->exe, sizeof m->exe - 1);
    if (n <= 0) {
        wm_err_set(err, "--memcheck: cannot find this program (/proc/self/exe: %s)",
                   strerror(errno));
        return -1;
    }
    m->exe[n] = '\0';
    snprintf(m->dir, sizeof m->dir, "%s/warmer-memcheck-XXXXXX", wm_tmp_dir());
    if (!mkdtemp(m->dir)) {
        wm_err_set(err, "--memcheck: cannot make a directory in %s: %s", wm_tmp_dir(),
                   strerror(errno));
        m->dir[0] = '\0';
        return -1;
    }
    /* The checker must run at all: a missing valgrind is said now, once. */
    struct wm_xmem probe = *m;
    struct wm_explore_budget pb = {b->max_steps, 60, 0, 0, NULL};
    struct wm_outcome o = {0};
    probe.budget = &pb;
    int rc = check(&probe, "--version", &o);
    if (rc != 0 || o.failed) {
        wm_err_set(err, "--memcheck: the memory checker does not run: `%s %s --version` %s%.200s",
                   m->cmd, m->exe, rc != 0 ? "could not be started" : "failed: ",
                   rc != 0 ? "" : o.v.msg);
        if (strstr(o.v.msg, "status 127"))
            wm_err_set(err, "--memcheck: `%s` was not found (install valgrind, or give "
                       "--memcheck-cmd)", m->cmd);
        wm_xmem_free(m);
        return -1;
    }
    return 0;
}

void wm_xmem_free(struct wm_xmem *m)
{
    if (!m->dir[0])
        return;
    /* what a checked run that failed otherwise wrote there (bounded: a
     * run writes two files) */
    DIR *d = opendir(m->dir);
    struct dirent *e;
    char path[2 * WM_XMEM_PATH_MAX];
    for (unsigned i = 0; d && i < 10000 && (e = readdir(d)) != NULL; i++)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", m->dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(m->dir);
    m->dir[0] = '\0';
}
