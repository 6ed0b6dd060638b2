#include "files.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "transcript.h"

static int add(struct wm_files *f, const char *path, struct wm_err *err)
{
    if (f->n == WM_FILES_MAX) {
        wm_err_set(err, "more than %d transcript files", WM_FILES_MAX);
        return -1;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        char **np = realloc(f->paths, cap * sizeof *np);
        if (!np)
            goto oom;
        f->paths = np;
        f->cap = cap;
    }
    if (!(f->paths[f->n] = strdup(path)))
        goto oom;
    f->n++;
    return 0;
oom:
    wm_err_set(err, "out of memory listing transcripts");
    return -1;
}

/* How a file found in a directory starts. A near miss (a case or spacing
 * slip in the magic line, another version, a byte-order mark, leading blank
 * lines or \r) is taken as a case, so the parser reports it as malformed:
 * skipped, a typo would silently drop a golden from CI. */
enum kind { NOT_TRANSCRIPT, TRANSCRIPT, NEAR_MISS };

#define PEEK_BYTES 256 /* enough for a BOM, some blank lines and the magic line */

static enum kind kind_of(const char *path)
{
    char buf[PEEK_BYTES];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NOT_TRANSCRIPT;
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    size_t m = sizeof WM_TX_MAGIC - 1;
    if (n >= m && memcmp(buf, WM_TX_MAGIC, m) == 0 && (n == m || buf[m] == '\n'))
        return TRANSCRIPT;
    /* The first non-blank line, past a UTF-8 BOM, with only its letters and
     * digits kept and lowercased, is "warmertranscriptv" and a version:
     * "#Warmer  transcript V2\r" is a near miss, a README titled "# warmer
     * transcripts (format v1)" is not. */
    size_t i = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < n && (buf[i] == '\n' || buf[i] == '\r' || buf[i] == ' ' || buf[i] == '\t'))
        i++;
    static const char want[] = "warmertranscriptv";
    size_t w = 0, digits = 0;
    for (; i < n && buf[i] != '\n'; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (!isalnum(c))
            continue;
        if (w < sizeof want - 1 ? tolower(c) != want[w++] : !isdigit(c))
            return NOT_TRANSCRIPT;
        digits += w == sizeof want - 1 && isdigit(c);
    }
    return w == sizeof want - 1 && digits > 0 ? NEAR_MISS : NOT_TRANSCRIPT;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct wm_files *f, const char *dir, int depth, struct wm_err *err)
{
    if (depth > WM_FILES_DEPTH) {
        wm_err_set(err, "%s: more than %d directory levels (a symlink loop?)", dir,
                   WM_FILES_DEPTH);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        wm_err_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') /* ., .. and hidden files */
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (!path) {
            wm_err_set(err, "out of memory listing transcripts");
            rc = -1;
            break;
        }
        snprintf(path, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(f, path, depth + 1, err);
        else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (kind_of(path) != NOT_TRANSCRIPT)
                rc = add(f, path, err);
            else
                f->skipped++;
        }
        free(path);
    }
    closedir(d);
    return rc;
}

int wm_files_collect(struct wm_files *f, char *const *operands, size_t n, struct wm_err *err)
{
    *f = (struct wm_files){0};
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        const char *op = operands[i];
        if (strcmp(op, "-") != 0 && stat(op, &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t first = f->n;
            if (walk(f, op, 0, err) < 0)
                goto fail;
            if (f->n == first) { /* a CI job pointed at the wrong folder must not pass */
                wm_err_set(err, "no transcripts in %s", op);
                goto fail;
            }
            qsort(f->paths + first, f->n - first, sizeof *f->paths, by_path);
        } else if (add(f, op, err) < 0) {
            goto fail;
        }
    }
    return 0;
fail:
    wm_files_free(f);
    return -1;
}

void wm_files_free(struct wm_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    *f = (struct wm_files){0};
}
