/* Test helpers shared by the suites that drive the warmer program or touch
 * files: run a command and capture its stdout, stderr and exit status; read
 * and write whole files; temporary directories; sorted directory listings.
 * Everything is static inline so a suite that uses only part of it builds
 * cleanly under -Werror. */
#ifndef WM_RUNCMD_H
#define WM_RUNCMD_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- running a command --------------------------------------------------- */

struct rc_result {
    int status; /* exit code; 128 + signal if killed; -1 if it could not run */
    char *out, *err;
    size_t out_len, err_len;
};

static inline const char *rc_warmer(void)
{
    const char *w = getenv("WARMER");
    return w && *w ? w : "build/warmer";
}

/* Reads all of f from the start into a NUL-terminated malloc'd buffer. */
static inline char *rc_slurp_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return NULL;
    rewind(f);
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Runs argv[0] (searched in PATH if it has no '/') with stdin from /dev/null;
 * returns r->status. Output goes to unnamed temporary files, so a chatty
 * child can never block on a full pipe. */
static inline int rc_run_argv(struct rc_result *r, char *const argv[])
{
    memset(r, 0, sizeof *r);
    r->status = -1;
    FILE *fo = tmpfile(), *fe = tmpfile();
    if (!fo || !fe)
        goto out;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        goto out;
    if (pid == 0) {
        FILE *in = freopen("/dev/null", "r", stdin);
        (void)in;
        if (dup2(fileno(fo), 1) < 0 || dup2(fileno(fe), 2) < 0)
            _exit(126);
        execvp(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            goto out;
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
    r->out = rc_slurp_stream(fo, &r->out_len);
    r->err = rc_slurp_stream(fe, &r->err_len);
out:
    if (fo)
        fclose(fo);
    if (fe)
        fclose(fe);
    if (!r->out)
        r->out = calloc(1, 1);
    if (!r->err)
        r->err = calloc(1, 1);
    if (!r->out || !r->err)
        abort(); /* out of memory in a test: nothing sensible to report */
    return r->status;
}

/* Runs "$WARMER arg1 arg2 ..." (NULL-terminated). */
static inline int rc_warmer_run(struct rc_result *r, const char *arg1, ...)
{
    char *argv[32];
    int n = 0;
    va_list ap;
    argv[n++] = (char *)rc_warmer();
    va_start(ap, arg1);
    for (const char *a = arg1; a && n < 31; a = va_arg(ap, const char *))
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    return rc_run_argv(r, argv);
}

static inline void rc_free(struct rc_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* A readable account of a run for failure messages (static buffer, cut to fit). */
static inline const char *rc_describe(const struct rc_result *r)
{
    static char buf[3072];
    snprintf(buf, sizeof buf, "exit %d\n--- stdout ---\n%.1400s%s\n--- stderr ---\n%.1000s%s",
             r->status, r->out ? r->out : "", r->out_len > 1400 ? "\n[...]" : "",
             r->err ? r->err : "", r->err_len > 1000 ? "\n[...]" : "");
    return buf;
}

/* 1 if text holds the exact line (between '\n's or the ends). */
static inline int rc_has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    return 0;
}

/* ---- files ------------------------------------------------------------------ */

/* Whole file, NUL-terminated, or NULL. */
static inline char *rc_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = rc_slurp_stream(f, len);
    fclose(f);
    return buf;
}

static inline int rc_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

/* Creates a fresh directory; dir must hold room for 64 bytes. */
static inline int rc_mkdtemp(char *dir, const char *tag)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, 64, "%.32s/wm-%.12s-XXXXXX", base && *base ? base : "/tmp", tag);
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes dir and the plain files in it (test dirs hold nothing else). */
static inline void rc_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* ---- directory listings ---------------------------------------------------- */

struct rc_names {
    char **v;
    size_t n;
};

static inline int rc_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with suffix (hidden files skipped); -1 if dir is unreadable. */
static inline int rc_list_dir(const char *dir, const char *suffix, struct rc_names *out)
{
    out->v = NULL;
    out->n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t cap = 0, sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) != 0)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(out->v, cap * sizeof *nv);
            if (!nv)
                break;
            out->v = nv;
        }
        out->v[out->n++] = strdup(e->d_name);
    }
    closedir(d);
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, rc_cmp_names);
    return 0;
}

static inline void rc_names_free(struct rc_names *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
    n->v = NULL;
    n->n = 0;
}

/* 1-based number of the first line where a and b differ (a line count past
 * the shorter one's end if one is a prefix of the other); 0 if equal. */
static inline size_t rc_first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t line = 1, i = 0;
    for (; i < alen && i < blen && a[i] == b[i]; i++)
        line += a[i] == '\n';
    if (i == alen && i == blen)
        return 0;
    return line;
}

#endif
