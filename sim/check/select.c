/* Cases selected by name (select.h). */
#include "select.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lastfailed.h"

int wm_select_add_key(struct wm_select *s, const char *pattern, struct wm_err *err)
{
    size_t len = strlen(pattern);
    if (s->nkeys == WM_SELECT_KEYS_MAX) {
        wm_err_set(err, "more than %d -k patterns", WM_SELECT_KEYS_MAX);
        return -1;
    }
    if (len == 0 || (len == 1 && pattern[0] == '!')) {
        wm_err_set(err, "-k wants a pattern, got an empty one");
        return -1;
    }
    if (len > WM_SELECT_KEY_LEN) {
        wm_err_set(err, "-k: a pattern of more than %d bytes", WM_SELECT_KEY_LEN);
        return -1;
    }
    s->keys[s->nkeys++] = pattern;
    return 0;
}

/* path contains a match of the shell pattern p ("*p*"). */
static int contains(const char *p, const char *path)
{
    char pat[WM_SELECT_KEY_LEN + 3];
    snprintf(pat, sizeof pat, "*%s*", p);
    return fnmatch(pat, path, 0) == 0;
}

int wm_select_matches(const struct wm_select *s, const char *path)
{
    int positive = 0, hit = 0;
    for (unsigned k = 0; k < s->nkeys; k++) {
        const char *p = s->keys[k];
        if (p[0] == '!') {
            if (contains(p + 1, path))
                return 0;
            continue;
        }
        positive = 1;
        hit = hit || contains(p, path);
    }
    return !positive || hit;
}

const char *wm_select_cache_dir(const struct wm_select *s)
{
    const char *env = getenv("WARMER_CACHE_DIR");
    if (s->cache_dir)
        return s->cache_dir;
    return env && *env ? env : WM_LASTFAILED_DEFAULT_DIR;
}

/* Moves f's paths for which keep[k] is 0 to dropped, keeping the order. */
static int split(struct wm_files *f, const unsigned char *keep, struct wm_files *dropped,
                 struct wm_err *err)
{
    size_t kept = 0;
    for (size_t k = 0; k < f->n; k++) {
        if (keep[k]) {
            f->paths[kept++] = f->paths[k];
            continue;
        }
        if (dropped->n == dropped->cap) {
            size_t cap = dropped->cap ? dropped->cap * 2 : 64;
            char **np = realloc(dropped->paths, cap * sizeof *np);
            if (!np) {
                wm_err_set(err, "out of memory selecting cases");
                for (; k < f->n; k++) /* f keeps what is not moved yet */
                    f->paths[kept++] = f->paths[k];
                f->n = kept;
                return -1;
            }
            dropped->paths = np;
            dropped->cap = cap;
        }
        dropped->paths[dropped->n++] = f->paths[k];
    }
    f->n = kept;
    return 0;
}

int wm_select_apply(const struct wm_select *s, const char *cmd, struct wm_files *f,
                    struct wm_files *dropped, char *note, size_t note_size, struct wm_err *err)
{
    *dropped = (struct wm_files){0};
    note[0] = '\0';
    if (!s->nkeys && !s->last_failed)
        return 0;
    unsigned char *keep = malloc(f->n ? f->n : 1);
    if (!keep) {
        wm_err_set(err, "out of memory selecting cases");
        return -1;
    }
    size_t selected = 0, failed = 0;
    for (size_t k = 0; k < f->n; k++)
        selected += keep[k] = (unsigned char)wm_select_matches(s, f->paths[k]);
    int rc = 0;
    if (f->n && !selected) { /* a CI job whose -k names nothing must not pass */
        wm_err_set(err, "-k selects none of the %zu cases (a case is selected when its path "
                   "contains a match of a pattern)", f->n);
        rc = -1;
    }
    if (rc == 0 && s->last_failed) {
        char file[WM_LASTFAILED_LINE_MAX + 64];
        struct wm_lastfailed lf;
        if (wm_lastfailed_path(file, sizeof file, wm_select_cache_dir(s), cmd) < 0) {
            wm_err_set(err, "--cache-dir: too long a path");
            rc = -1;
        } else if ((rc = wm_lastfailed_read(file, &lf, err)) == 0) {
            for (size_t k = 0; k < f->n; k++)
                failed += keep[k] && wm_lastfailed_has(&lf, f->paths[k]);
            if (failed)
                for (size_t k = 0; k < f->n; k++)
                    keep[k] = keep[k] && wm_lastfailed_has(&lf, f->paths[k]);
            else
                snprintf(note, note_size, "--last-failed: none of these %zu cases failed last "
                         "time (%s): running them all", selected, file);
            wm_lastfailed_free(&lf);
        }
    }
    if (rc == 0)
        rc = split(f, keep, dropped, err);
    free(keep);
    return rc;
}
