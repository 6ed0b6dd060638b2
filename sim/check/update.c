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

/* The old file as lines; each line's text and length (no '\n'). */
struct old {
    char *buf;
    size_t size, n;
    char **line;
    size_t *len;
};

static void old_free(struct old *o)
{
    free(o->buf);
    free(o->line);
    free(o->len);
}

static int read_old(const char *path, struct old *o, struct wm_err *err)
{
    memset(o, 0, sizeof *o);
    FILE *f = fopen(path, "rb");
    if (!f) {
        wm_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    FILE *m = open_memstream(&o->buf, &o->size);
    char chunk[8192];
    size_t got;
    while (m && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, got, m);
    int bad = ferror(f);
    fclose(f);
    if (!m || fclose(m) != 0 || bad) {
        wm_err_set(err, "%s: cannot read", path);
        return -1;
    }
    for (size_t i = 0; i < o->size; i++)
        o->n += o->buf[i] == '\n';
    o->n += o->size > 0 && o->buf[o->size - 1] != '\n';
    o->line = malloc((o->n + 1) * sizeof *o->line);
    o->len = malloc((o->n + 1) * sizeof *o->len);
    if (!o->line || !o->len) {
        wm_err_set(err, "out of memory");
        return -1;
    }
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= o->size && k < o->n; i++)
        if (i == o->size || o->buf[i] == '\n') {
            o->line[k] = o->buf + start;
            o->len[k++] = i - start;
            start = i + 1;
        }
    return 0;
}

static int is_record(const char *s, size_t n)
{
    return n > 0 && (s[0] == 'C' || s[0] == 'S');
}

/* The new text: the old header block, then the old lines in order with
 * each old record replaced by the next new one (so comments stay after the
 * same number of records); old records past the new ones go, new records
 * past the old ones come at the end. */
static int compose(FILE *out, const struct old *o, const struct wm_rendered *got,
                   size_t header_lines)
{
    size_t records = got->n > header_lines ? got->n - header_lines : 0, r = 0;
    for (size_t i = 0; i < o->n; i++) {
        if (!is_record(o->line[i], o->len[i])) {
            fprintf(out, "%.*s\n", (int)o->len[i], o->line[i]);
            continue;
        }
        if (r < records) {
            fprintf(out, "%.*s\n", (int)got->len[header_lines + r], got->text[header_lines + r]);
            r++;
        }
    }
    for (; r < records; r++)
        fprintf(out, "%.*s\n", (int)got->len[header_lines + r], got->text[header_lines + r]);
    return ferror(out) ? -1 : 0;
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

int wm_update_file(const char *path, const struct wm_rendered *got, size_t header_lines,
                   struct wm_err *err)
{
    struct old o;
    char *target = NULL, *tmp = NULL, *text = NULL;
    size_t tlen = 0;
    int fd = -1, rc = -1;
    if (read_old(path, &o, err) < 0)
        goto out;
    FILE *m = open_memstream(&text, &tlen);
    if (!m || compose(m, &o, got, header_lines) < 0 || fclose(m) != 0) {
        wm_err_set(err, "out of memory");
        goto out;
    }
    struct stat st;
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
    for (size_t off = 0; off < tlen;) {
        ssize_t w = write(fd, text + off, tlen - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            wm_err_set(err, "%s: write: %s", tmp, strerror(errno));
            goto out;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, st.st_mode & 07777) < 0 || fsync(fd) < 0) {
        wm_err_set(err, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        wm_err_set(err, "%s: close: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, target) < 0) {
        wm_err_set(err, "%s: cannot replace it: %s", target, strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(target);
    free(text);
    old_free(&o);
    return rc;
}
