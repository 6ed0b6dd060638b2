/* `warmer check --update` of a streamed file that differs: the run again,
 * into an unlinked temporary file rather than memory, and the golden
 * rewritten from it a line at a time (update.h); and the temporary files
 * check reads and writes. */
/* fopencookie: the run writes through a stream that counts its bytes. */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "streamcmp.h"
#include "tmpfile.h"
#include "update.h"

/* The run's text past the file's size by this much cannot be its update
 * (as for a file compared whole: check's CHECK_SLACK). */
#define UPDATE_SLACK (1u << 20)

struct capped {
    FILE *f;
    uint64_t left;
    int over;
};

static ssize_t capped_write(void *ctx, const char *buf, size_t size)
{
    struct capped *c = ctx;
    if (size > c->left) {
        c->over = 1;
        return -1;
    }
    c->left -= size;
    return fwrite(buf, 1, size, c->f) == size ? (ssize_t)size : -1;
}

struct spooled {
    FILE *f;
    char *line;
    size_t cap;
};

static int next_spooled(void *ctx, const char **line, size_t *len)
{
    struct spooled *sp = ctx;
    ssize_t n = getline(&sp->line, &sp->cap, sp->f);
    if (n < 0)
        return ferror(sp->f) ? -1 : 0;
    *line = sp->line;
    *len = (size_t)n - (sp->line[n - 1] == '\n');
    return 1;
}

FILE *wm_scmp_temp_file(struct wm_err *err)
{
    int fd = wm_tmp_fd("update", err);
    FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
    if (fd >= 0 && !f) {
        wm_err_set(err, "cannot create a temporary file: %s", strerror(errno));
        close(fd);
    }
    return f;
}

int wm_scmp_update(struct wm_scmp *s, const char *path, const struct wm_exec_opts *o,
                   struct wm_err *err)
{
    struct spooled sp = {wm_scmp_temp_file(err), NULL, 0};
    if (!sp.f)
        return -1;
    struct capped c = {sp.f, wm_scmp_file_size(s) + UPDATE_SLACK, 0};
    cookie_io_functions_t io = {.write = capped_write};
    FILE *w = fopencookie(&c, "w", io);
    int saw_error, rc = -1;
    if (!w) {
        wm_err_set(err, "out of memory");
        goto out;
    }
    rc = wm_scmp_execute(s, o, w, &saw_error, err);
    if (fclose(w) != 0 && rc == 0)
        rc = -1, wm_err_set(err, "cannot write the run to a temporary file");
    if (c.over)
        wm_err_set(err, "the run writes more than the file holds plus 1 MiB, so it cannot be "
                   "the file's records (run it alone to see)");
    if (rc < 0 || fflush(sp.f) != 0 || fseek(sp.f, 0, SEEK_SET) != 0) {
        rc = -1;
        goto out;
    }
    const char *line;
    size_t len;
    /* past the run's header: the file keeps its own */
    for (size_t i = wm_scmp_header_lines(s); i > 0; i--)
        if (next_spooled(&sp, &line, &len) <= 0) {
            wm_err_set(err, "cannot read the run back");
            rc = -1;
            goto out;
        }
    rc = wm_update_file_from(path, next_spooled, &sp, err);
out:
    free(sp.line);
    fclose(sp.f);
    return rc;
}

/* What cannot be read twice (stdin, a FIFO, a device) is copied to an
 * unlinked temporary file first, so that scripts and cursors can read it
 * again from there. NULL with err. */
FILE *wm_scmp_open_rereadable(const char *path, uint64_t *size, struct wm_err *err)
{
    FILE *in = wm_tx_open(path), *copy = NULL;
    struct stat st;
    if (!in) {
        wm_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
        *size = (uint64_t)st.st_size;
        return in;
    }
    if (!(copy = wm_scmp_temp_file(err)))
        goto out;
    char buf[65536];
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        *size += n;
        if (fwrite(buf, 1, n, copy) != n)
            break;
    }
    if (ferror(in)) {
        wm_err_set(err, "%s: read error: %s", path, strerror(errno));
    } else if (ferror(copy) || fflush(copy) != 0 || fseek(copy, 0, SEEK_SET) != 0) {
        wm_err_set(err, "%s: cannot copy to a temporary file: %s", path, strerror(errno));
    } else {
        if (in != stdin)
            fclose(in);
        return copy;
    }
    fclose(copy);
out:
    if (in != stdin)
        fclose(in);
    return NULL;
}
