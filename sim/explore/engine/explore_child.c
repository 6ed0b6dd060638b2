/* One explore run in a child process, so that a failed assert (or any
 * crash) inside the run is a finding like a broken invariant: kind
 * "crash", the signal and the assert's own message, shrunk and reported
 * as the others are; and a run past its time budget (the watchdog) is
 * killed and is a finding of kind "hang". The child sends its outcome back
 * through a pipe: the fixed part as bytes (the violation's kind names a static string, at the
 * same address in both processes after fork), then the transcript and the
 * console lines. */
#include "explore.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "sig.h"

#define STDERR_KEEP 2048 /* the end of a crashed run's stderr, for its message */
#define TEXT_MAX (64u << 20) /* a transcript the child may send back */

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* What the child runs: a scenario, or a file's replay, within a budget. */
struct job {
    const struct wm_scn *scn;
    const struct wm_cfg *cfg;
    const struct wm_explore_budget *budget;
};

static void child(const struct job *j, int out_fd, int err_fd)
{
    struct wm_outcome o;
    /* A terminal's ^C reaches the whole group: the parent decides (it kills
     * this child), and the handler it left here must not write its pipe. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    dup2(err_fd, STDERR_FILENO);
    int rc = j->scn ? wm_explore_run(j->scn, j->budget, &o) : wm_explore_replay(j->cfg, j->budget, &o);
    struct wm_outcome fixed = o;
    fixed.text = fixed.actual = fixed.console = NULL;
    if (rc == 0 && (o.len > TEXT_MAX || o.console_len > TEXT_MAX))
        fixed.len = fixed.console_len = 0; /* too long to send: the finding keeps its message */
    int ok = write_all(out_fd, &rc, sizeof rc) == 0 && write_all(out_fd, &fixed, sizeof fixed) == 0 &&
             (rc != 0 || !fixed.len || write_all(out_fd, o.text, fixed.len) == 0) &&
             (rc != 0 || !fixed.console_len || write_all(out_fd, o.console, fixed.console_len) == 0);
    if (rc == 0)
        wm_outcome_free(&o);
    _exit(ok ? 0 : 3);
}

/* Reads both pipes to their ends: the outcome into *buf, stderr's tail.
 * SIGINT or SIGTERM (sig.h's self-pipe turns readable) kills the child:
 * *killed says so; so does the run's time budget (ms from start, 0: none),
 * which sets *late. */
static int drain(pid_t pid, int out_fd, int err_fd, int64_t start, unsigned ms, char **buf,
                 size_t *len, char *tail, size_t *tlen, int *killed, int *late)
{
    size_t cap = 0;
    struct pollfd p[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {wm_sig_fd(), POLLIN, 0}};
    int64_t deadline = ms ? start + (int64_t)ms : 0;
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        int wait = -1;
        if (deadline && !*late) {
            int64_t left = deadline - wm_clock_ms();
            if (left <= 0) {
                kill(pid, SIGKILL); /* a hang: the pipes then close */
                *late = 1;
                continue;
            }
            wait = left > 1000 ? 1000 : (int)left;
        }
        if (poll(p, 3, wait) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[2].fd >= 0 && p[2].revents) {
            kill(pid, SIGKILL); /* the pipes then close: read on to their ends */
            *killed = 1;
            p[2].fd = -1;
        }
        char chunk[4096];
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t r = read(p[i].fd, chunk, sizeof chunk);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                p[i].fd = -1;
                continue;
            }
            if (i == 1) { /* keep the last STDERR_KEEP bytes */
                size_t n = (size_t)r;
                if (n >= STDERR_KEEP)
                    memcpy(tail, chunk + n - STDERR_KEEP, *tlen = STDERR_KEEP);
                else {
                    if (*tlen + n > STDERR_KEEP) {
                        size_t drop = *tlen + n - STDERR_KEEP;
                        memmove(tail, tail + drop, *tlen - drop);
                        *tlen -= drop;
                    }
                    memcpy(tail + *tlen, chunk, n);
                    *tlen += n;
                }
                continue;
            }
            if (*len + (size_t)r > sizeof(int) + sizeof(struct wm_outcome) + 2 * (size_t)TEXT_MAX)
                return -1;
            if (*len + (size_t)r > cap) {
                size_t nc = cap ? cap * 2 : 8192;
                while (nc < *len + (size_t)r)
                    nc *= 2;
                char *nb = realloc(*buf, nc);
                if (!nb)
                    return -1;
                *buf = nb;
                cap = nc;
            }
            memcpy(*buf + *len, chunk, (size_t)r);
            *len += (size_t)r;
        }
    }
    return 0;
}

/* The crashed run's message: the signal, and the last line of its stderr
 * (an assert says there what failed). */
static void crashed(struct wm_outcome *o, int sig, const char *tail, size_t tlen)
{
    while (tlen > 0 && (tail[tlen - 1] == '\n' || tail[tlen - 1] == '\r'))
        tlen--;
    size_t start = tlen;
    while (start > 0 && tail[start - 1] != '\n')
        start--;
    memset(o, 0, sizeof *o);
    o->failed = 1;
    o->v.kind = "crash";
    snprintf(o->v.msg, sizeof o->v.msg, "the run died of signal %d (%s)%s%.*s", sig,
             strsignal(sig), tlen > start ? ": " : "", (int)(tlen - start), tail + start);
}

/* A NUL-terminated copy of n bytes into *to (NULL when n is 0): 0, or -1. */
static int copy_out(char **to, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (!(*to = malloc(n + 1)))
        return -1;
    memcpy(*to, p, n);
    (*to)[n] = '\0';
    return 0;
}

static int isolated(const struct job *j, struct wm_outcome *o)
{
    int out[2], err[2], killed = 0, late = 0;
    memset(o, 0, sizeof *o);
    if (wm_sig_caught())
        return 1; /* stopping: no new child */
    if (pipe(out) < 0)
        return -1;
    if (pipe(err) < 0) {
        close(out[0]), close(out[1]);
        return -1;
    }
    char why[300];
    unsigned limit = wm_hb_limit_ms(j->budget, why, sizeof why);
    int64_t start = wm_clock_ms();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        return -1;
    }
    if (pid == 0) {
        close(out[0]), close(err[0]);
        child(j, out[1], err[1]);
    }
    close(out[1]), close(err[1]);
    char *buf = NULL, tail[STDERR_KEEP];
    size_t len = 0, tlen = 0;
    int drained = drain(pid, out[0], err[0], start, limit, &buf, &len, tail, &tlen, &killed, &late);
    close(out[0]), close(err[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!killed && !late) /* a finished run: what the budgets scale with */
        wm_hb_note(j->budget->hb, (unsigned)(wm_clock_ms() - start));
    int rc = -1;
    if (killed) {
        rc = 1;
    } else if (late) {
        memset(o, 0, sizeof *o);
        o->failed = 1;
        o->v.kind = "hang";
        snprintf(o->v.msg, sizeof o->v.msg, "the run was still going after %s: its process was "
                 "killed", why);
        rc = 0;
    } else if (WIFSIGNALED(status)) {
        crashed(o, WTERMSIG(status), tail, tlen);
        rc = 0;
    } else if (drained == 0 && WIFEXITED(status) && len >= sizeof(int) + sizeof *o) {
        /* Whatever its exit status: under a memory checker a child that
         * leaves with the parent's heap exits non-zero, its outcome whole. */
        memcpy(&rc, buf, sizeof rc);
        memcpy(o, buf + sizeof rc, sizeof *o);
        o->text = o->console = NULL;
        size_t have = len - sizeof rc - sizeof *o;
        const char *p = buf + sizeof rc + sizeof *o;
        if (rc == 0 && o->len + o->console_len != have)
            rc = -1;
        else if (rc == 0 && (copy_out(&o->text, p, o->len) < 0 ||
                             copy_out(&o->console, p + o->len, o->console_len) < 0))
            rc = -1;
    }
    free(buf);
    if (rc != 0) {
        wm_outcome_free(o);
        memset(o, 0, sizeof *o);
    }
    return rc;
}

int wm_explore_run_isolated(const struct wm_scn *s, const struct wm_explore_budget *b,
                            struct wm_outcome *o)
{
    struct job j = {s, NULL, b ? b : &wm_explore_default_budget};
    return isolated(&j, o);
}

int wm_explore_replay_isolated(const struct wm_cfg *cfg, const struct wm_explore_budget *b,
                               struct wm_outcome *o)
{
    struct job j = {NULL, cfg, b ? b : &wm_explore_default_budget};
    return isolated(&j, o);
}
