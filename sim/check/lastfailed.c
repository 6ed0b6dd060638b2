/* The last-failed cache (lastfailed.h). */
#include "lastfailed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int wm_lastfailed_path(char *buf, size_t size, const char *dir, const char *cmd)
{
    int n = snprintf(buf, size, "%s/%s-lastfailed", dir && *dir ? dir : WM_LASTFAILED_DEFAULT_DIR,
                     cmd);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and drops repeats (freeing them when owned). */
static size_t sort_unique(char **p, size_t n, int owned)
{
    size_t kept = 0;
    qsort(p, n, sizeof *p, by_str);
    for (size_t k = 0; k < n; k++) {
        if (kept && strcmp(p[kept - 1], p[k]) == 0) {
            if (owned)
                free(p[k]);
            continue;
        }
        p[kept++] = p[k];
    }
    return kept;
}

void wm_lastfailed_free(struct wm_lastfailed *lf)
{
    for (size_t k = 0; k < lf->n; k++)
        free(lf->paths[k]);
    free(lf->paths);
    *lf = (struct wm_lastfailed){0};
}

int wm_lastfailed_read(const char *file, struct wm_lastfailed *lf, struct wm_err *err)
{
    *lf = (struct wm_lastfailed){0};
    FILE *f = fopen(file, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        wm_err_set(err, "cannot read %s: %s", file, strerror(errno));
        return -1;
    }
    char line[WM_LASTFAILED_LINE_MAX + 2];
    size_t cap = 0, lineno = 0;
    int rc = 0, cut = 0; /* cut: inside a line longer than the buffer */
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        int whole = len && line[len - 1] == '\n';
        int was_cut = cut;
        cut = !whole && !feof(f);
        if (was_cut || cut) /* too long for a path of ours: ignored */
            continue;
        line[len - whole] = '\0';
        if (lineno++ == 0) {
            if (strcmp(line, WM_LASTFAILED_MAGIC) != 0) {
                wm_err_set(err, "%s: not a last-failed file (its first line is not \"%s\")",
                           file, WM_LASTFAILED_MAGIC);
                rc = -1;
                break;
            }
            continue;
        }
        if (strcmp(line, "# overflow") == 0)
            lf->overflow = 1;
        if (line[0] == '#' || line[0] == '\0' || lf->n == WM_LASTFAILED_MAX)
            continue;
        if (lf->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **np = realloc(lf->paths, ncap * sizeof *np);
            if (!np)
                goto oom;
            lf->paths = np;
            cap = ncap;
        }
        if (!(lf->paths[lf->n] = strdup(line)))
            goto oom;
        lf->n++;
    }
    if (rc == 0 && ferror(f)) {
        wm_err_set(err, "cannot read %s", file);
        rc = -1;
    }
    fclose(f);
    if (rc < 0)
        wm_lastfailed_free(lf);
    else
        lf->n = sort_unique(lf->paths, lf->n, 1);
    return rc;
oom:
    fclose(f);
    wm_lastfailed_free(lf);
    wm_err_set(err, "out of memory reading %s", file);
    return -1;
}

int wm_lastfailed_has(const struct wm_lastfailed *lf, const char *path)
{
    return lf->overflow ||
           (lf->n && bsearch(&path, lf->paths, lf->n, sizeof *lf->paths, by_str) != NULL);
}

/* A path the file can hold and a later run can name again. */
static int keepable(const char *p)
{
    return strcmp(p, "-") != 0 && !strchr(p, '\n') && strlen(p) <= WM_LASTFAILED_LINE_MAX;
}

static int is_failure(enum wm_case_status s)
{
    return s == WM_CASE_FAILED || s == WM_CASE_MALFORMED;
}

/* The directory holding file ("." if none), made if missing, with a
 * .gitignore so that it never lands in a commit (as .pytest_cache). */
static int make_dir(const char *file, char *dir, size_t size, struct wm_err *err)
{
    const char *slash = strrchr(file, '/');
    snprintf(dir, size, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
    if (dir[0] == '\0') /* "/x-lastfailed" */
        snprintf(dir, size, "/");
    if (mkdir(dir, 0777) < 0) {
        if (errno == EEXIST)
            return 0;
        wm_err_set(err, "cannot make %s: %s", dir, strerror(errno));
        return -1;
    }
    char gi[WM_LASTFAILED_LINE_MAX + 32];
    snprintf(gi, sizeof gi, "%s/.gitignore", dir);
    FILE *f = fopen(gi, "w");
    if (f) {
        fputs("# made by warmer (its last-failed cache): keep it out of git\n*\n", f);
        fclose(f);
    }
    return 0;
}

/* The new set: the old less the cases that ran, plus those that failed.
 * *out is malloc'd; its strings are borrowed from old and paths. */
static int merge(const struct wm_lastfailed *old, char *const *paths,
                 const struct wm_case_result *r, size_t n, const char ***out, size_t *nout)
{
    const char **ran = malloc((n ? n : 1) * sizeof *ran);
    const char **set = malloc((old->n + n + 1) * sizeof *set);
    size_t nran = 0, m = 0;
    if (!ran || !set) {
        free(ran);
        free(set);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        ran[nran++] = paths[k];
    qsort(ran, nran, sizeof *ran, by_str);
    for (size_t k = 0; k < old->n; k++)
        if (!bsearch(&old->paths[k], ran, nran, sizeof *ran, by_str))
            set[m++] = old->paths[k];
    for (size_t k = 0; k < n; k++)
        if (is_failure(r[k].status) && keepable(paths[k]))
            set[m++] = paths[k];
    free(ran);
    *nout = sort_unique((char **)set, m, 0);
    *out = set;
    return 0;
}

static int write_set(const char *file, const char *dir, const char **set, size_t n,
                     struct wm_err *err)
{
    char tmp[WM_LASTFAILED_LINE_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s/.lastfailed-XXXXXX", dir);
    int fd = mkstemp(tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        wm_err_set(err, "cannot write in %s: %s", dir, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return -1;
    }
    fprintf(f, "%s\n", WM_LASTFAILED_MAGIC);
    if (n > WM_LASTFAILED_MAX)
        fputs("# overflow\n", f);
    else
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%s\n", set[k]);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, file) < 0) {
        wm_err_set(err, "cannot write %s: %s", file, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int wm_lastfailed_update(const char *file, char *const *paths, const struct wm_case_result *r,
                         size_t n, struct wm_err *err)
{
    char dir[WM_LASTFAILED_LINE_MAX + 8], lock[WM_LASTFAILED_LINE_MAX + 32];
    if (make_dir(file, dir, sizeof dir, err) < 0)
        return -1;
    /* One writer at a time (shards run side by side on one machine): each
     * merges into what the one before it wrote. */
    snprintf(lock, sizeof lock, "%s/.lock", dir);
    int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lfd < 0 || fcntl(lfd, F_SETLKW, &fl) < 0) {
        wm_err_set(err, "cannot lock %s: %s", lock, strerror(errno));
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    struct wm_lastfailed old;
    const char **set = NULL;
    size_t m = 0;
    int rc = -1;
    if (wm_lastfailed_read(file, &old, err) == 0) {
        old.overflow = 0; /* an overflowed set is unknown: the run's own failures replace it */
        if (merge(&old, paths, r, n, &set, &m) < 0)
            wm_err_set(err, "out of memory writing %s", file);
        else
            rc = write_set(file, dir, set, m, err);
        free(set);
        wm_lastfailed_free(&old);
    }
    close(lfd); /* releases the lock */
    return rc;
}
