/* realpath (a symlinked golden is updated at its target) is XSI. */
#define _XOPEN_SOURCE 700

#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_record(const char *s, size_t n)
{
    return n > 0 && (s[0] == 'C' || s[0] == 'S');
}

/* The new text: the old header block, then the old lines in order with
 * each old record replaced by the next new one (so comments stay after the
 * same number of records); old records past the new ones go, new records
 * past the old ones come at the end. Both files are read a line at a time. */
static int compose(FILE *out, FILE *old, wm_update_next_fn next, void *ctx, struct wm_err *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    const char *rec;
    size_t rlen;
    int more = 1, rc = 0;
    while ((n = getline(&line, &cap, old)) >= 0) {
        size_t len = (size_t)n - (n > 0 && line[n - 1] == '\n');
        if (!is_record(line, len)) {
            fprintf(out, "%.*s\n", (int)len, line);
            continue;
        }
        if (more && (more = next(ctx, &rec, &rlen)) > 0)
            fprintf(out, "%.*s\n", (int)rlen, rec);
    }
    while (more > 0 && (more = next(ctx, &rec, &rlen)) > 0)
        fprintf(out, "%.*s\n", (int)rlen, rec);
    if (ferror(old) || more < 0) {
        wm_err_set(err, "cannot read %s", more < 0 ? "the run's records" : "the file");
        rc = -1;
    }
    free(line);
    return rc;
}

struct rendered_src {
    const struct wm_rendered *got;
    size_t at;
};

static int next_rendered(void *ctx, const char **line, size_t *len)
{
    struct rendered_src *r = ctx;
    if (r->at >= r->got->n)
        return 0;
    *line = r->got->text[r->at];
    *len = r->got->len[r->at++];
    return 1;
}

/* Where the bytes go: the file itself, or a symlink's target. */
static char *target_of(const char *path, struct wm_err *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (!real)
            wm_err_set(err, "%s: cannot follow the symlink: %s", path, strerror(errno));
        return real;
    }
    char *copy = strdup(path);
    if (!copy)
        wm_err_set(err, "out of memory");
    return copy;
}

int wm_update_file_from(const char *path, wm_update_next_fn next, void *ctx, struct wm_err *err)
{
    char *target = NULL, *tmp = NULL;
    int fd = -1, rc = -1;
    FILE *old = NULL, *out = NULL;
    struct stat st;
    if (!(old = fopen(path, "rb"))) {
        wm_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    if (!(target = target_of(path, err)))
        goto out;
    if (stat(target, &st) < 0) {
        wm_err_set(err, "%s: %s", target, strerror(errno));
        goto out;
    }
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    size_t n = dirlen + strlen(".warmer-update-XXXXXX") + 1;
    if (!(tmp = malloc(n))) {
        wm_err_set(err, "out of memory");
        goto out;
    }
    snprintf(tmp, n, "%.*s.warmer-update-XXXXXX", (int)dirlen, target);
    if ((fd = mkstemp(tmp)) < 0) {
        wm_err_set(err, "%s: cannot make a temporary file beside it: %s", target, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (!(out = fdopen(fd, "wb"))) {
        wm_err_set(err, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1; /* out owns it */
    if (compose(out, old, next, ctx, err) < 0)
        goto out;
    if (fflush(out) != 0 || ferror(out)) {
        wm_err_set(err, "%s: write: %s", tmp, strerror(errno));
        goto out;
    }
    if (fchmod(fileno(out), st.st_mode & 07777) < 0 || fsync(fileno(out)) < 0) {
        wm_err_set(err, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    int closed = fclose(out);
    out = NULL;
    if (closed != 0) {
        wm_err_set(err, "%s: close: %s", tmp, strerror(errno));
        goto out;
    }
    if (rename(tmp, target) < 0) {
        wm_err_set(err, "%s: cannot replace it: %s", target, strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL;
    rc = 0;
out:
    if (out)
        fclose(out);
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    if (old)
        fclose(old);
    free(target);
    return rc;
}

int wm_update_file(const char *path, const struct wm_rendered *got, size_t header_lines,
                   struct wm_err *err)
{
    struct rendered_src r = {got, header_lines};
    return wm_update_file_from(path, next_rendered, &r, err);
}
