#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "tmpfile.h"

extern char **environ;

/* Polling period while waiting for a child: short enough not to slow a run. */
#define POLL_MS 10

int wm_proc_start(struct wm_proc *p, const char *command, struct wm_err *err)
{
    *p = (struct wm_proc){.pid = 0, .err_fd = -1};
    /* The trap makes the shell outlive a SIGTERM to the group until the
     * command ends, and exit with the command's status; the command itself
     * gets the default action back (traps are not inherited). */
    size_t n = strlen(command) + sizeof "trap : TERM\n";
    char *script = malloc(n);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t all, none;
    int rc = -1;
    if (!script) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    snprintf(script, n, "trap : TERM\n%s", command);
    if ((p->err_fd = wm_tmp_fd("peer", err)) < 0) {
        free(script);
        return -1;
    }
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p->err_fd, 2);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigdefault(&attr, &all); /* warmer ignores SIGPIPE; the peer must not */
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    int e = posix_spawn(&p->pid, "/bin/sh", &fa, &attr, argv, environ);
    if (e != 0) {
        p->pid = 0;
        wm_err_set(err, "cannot start /bin/sh: %s", strerror(e));
    } else {
        rc = 0;
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    free(script);
    if (rc < 0) {
        close(p->err_fd);
        p->err_fd = -1;
    }
    return rc;
}

int wm_proc_alive(struct wm_proc *p)
{
    if (p->pid == 0)
        return 0;
    siginfo_t si;
    int r;
    memset(&si, 0, sizeof si);
    do /* WNOWAIT: the ended shell keeps its pid, so the group's id is still ours */
        r = waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT);
    while (r < 0 && errno == EINTR);
    if (r == 0 && si.si_pid == 0)
        return 1;
    /* The command has ended: what it left running in its group (a client's
     * background children) goes with it. */
    kill(-p->pid, SIGKILL);
    pid_t w;
    do
        w = waitpid(p->pid, &p->status, 0);
    while (w < 0 && errno == EINTR);
    if (w < 0) /* not our child any more: nothing to wait for */
        p->status = 0;
    p->pid = 0;
    return 0;
}

int wm_proc_wait(struct wm_proc *p, int timeout_ms)
{
    for (int waited = 0;; waited += POLL_MS) {
        if (!wm_proc_alive(p))
            return 1;
        if (waited >= timeout_ms)
            return 0;
        wm_sleep_ms(POLL_MS);
    }
}

int wm_proc_stop(struct wm_proc *p, int grace_ms)
{
    if (p->pid == 0)
        return 1;
    kill(-p->pid, SIGTERM);
    if (wm_proc_wait(p, grace_ms))
        return 1;
    kill(-p->pid, SIGKILL);
    wm_proc_wait(p, 5000); /* SIGKILL cannot be refused */
    return 0;
}

void wm_proc_free(struct wm_proc *p)
{
    if (p->pid != 0) {
        kill(-p->pid, SIGKILL);
        wm_proc_wait(p, 5000);
    }
    if (p->err_fd >= 0)
        close(p->err_fd);
    p->err_fd = -1;
}

int wm_proc_ok(const struct wm_proc *p, int stopped, char *why, size_t size)
{
    int st = p->status;
    if (WIFEXITED(st)) {
        int code = WEXITSTATUS(st);
        if (code == 0 || (stopped && code == 128 + SIGTERM))
            return 1;
        if (code > 128 && code < 128 + 65)
            snprintf(why, size, "exited with status %d (the shell's report of signal %d, %s)",
                     code, code - 128, strsignal(code - 128));
        else
            snprintf(why, size, "exited with status %d", code);
        return 0;
    }
    if (WIFSIGNALED(st)) {
        if (stopped && WTERMSIG(st) == SIGTERM)
            return 1;
        snprintf(why, size, "died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
        return 0;
    }
    snprintf(why, size, "ended with wait status %d", st);
    return 0;
}

void wm_proc_describe(const struct wm_proc *p, char *buf, size_t size)
{
    if (WIFSIGNALED(p->status))
        snprintf(buf, size, "signal %d", WTERMSIG(p->status));
    else
        snprintf(buf, size, "exit %d", WEXITSTATUS(p->status));
}

/* Reads [off, off + size) of its stderr; bytes read. */
static size_t read_err(const struct wm_proc *p, off_t off, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(p->err_fd, buf + got, size - got, off + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

int wm_proc_listening(const struct wm_proc *p, char *addr, size_t size)
{
    static const char key[] = "listening on ";
    char *buf = malloc(WM_PROC_SCAN_MAX + 1);
    int found = 0;
    if (!buf)
        return 0;
    size_t n = read_err(p, 0, buf, WM_PROC_SCAN_MAX);
    buf[n] = '\0';
    for (char *line = buf; line && *line && !found;) {
        char *nl = memchr(line, '\n', n - (size_t)(line - buf));
        if (!nl)
            break; /* a line still being written */
        *nl = '\0';
        char *at = strstr(line, key);
        if (at) {
            at += sizeof key - 1;
            size_t len = strcspn(at, " \t\r");
            if (len > 0 && len < size) {
                memcpy(addr, at, len);
                addr[len] = '\0';
                found = 1;
            }
        }
        line = nl + 1;
    }
    free(buf);
    return found;
}

void wm_proc_stderr_tail(const struct wm_proc *p, const char *indent, char *buf, size_t size)
{
    char raw[WM_PROC_TAIL_MAX];
    off_t end = lseek(p->err_fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof raw ? end - (off_t)sizeof raw : 0;
    size_t n = end > 0 ? read_err(p, from, raw, (size_t)(end - from)) : 0;
    size_t i = 0, o = 0;
    if (from > 0) /* start at a line boundary */
        while (i < n && raw[i++] != '\n')
            ;
    buf[0] = '\0';
    size_t ilen = strlen(indent);
    int at_line_start = 1;
    for (; i < n && o + ilen + 8 < size; i++) {
        if (at_line_start) {
            memcpy(buf + o, indent, ilen);
            o += ilen;
            at_line_start = 0;
        }
        unsigned char c = (unsigned char)raw[i];
        if (c == '\n') {
            buf[o++] = '\n';
            at_line_start = 1;
        } else if (c >= 0x20 && c < 0x7f) {
            buf[o++] = (char)c;
        } else {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
        }
    }
    if (o > 0 && buf[o - 1] != '\n' && o + 1 < size)
        buf[o++] = '\n';
    buf[o] = '\0';
}
