#include "explore_sig.h"

#include "explore_mem.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 16 /* bytes of a line's first word kept in its class */

/* Line n (from 1) of text, or NULL; *len its length without the newline. */
static const char *line_at(const char *text, size_t len, size_t n, size_t *line_len)
{
    const char *p = text, *end = text + len;
    for (size_t i = 1; i < n && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *line_len = (size_t)((nl ? nl : end) - p);
    return p;
}

/* "C1: REPORT Unsure" -> "C:REPORT", "S3: -12" -> "S:N", "# seed: 4" ->
 * "header"; anything else is "other". */
static void line_class(const char *s, size_t n, char *buf, size_t size)
{
    if (n > 0 && s[0] == '#') {
        snprintf(buf, size, "header");
        return;
    }
    if (n < 2 || (s[0] != 'C' && s[0] != 'S')) {
        snprintf(buf, size, "other");
        return;
    }
    size_t i = 1;
    while (i < n && s[i] >= '0' && s[i] <= '9') /* the connection number */
        i++;
    if (i == n || (s[i] != ':' && s[i] != '!')) {
        snprintf(buf, size, "other");
        return;
    }
    char mark = s[i++];
    while (i < n && s[i] == ' ')
        i++;
    size_t w = i;
    int number = w < n && (s[w] == '-' || (s[w] >= '0' && s[w] <= '9'));
    while (w < n && w - i < WORD_MAX && s[w] != ' ' &&
           ((s[w] >= 'A' && s[w] <= 'Z') || (s[w] >= 'a' && s[w] <= 'z') || s[w] == '-' ||
            (s[w] >= '0' && s[w] <= '9')))
        w++;
    if (number)
        snprintf(buf, size, "%c%cN", s[0], mark);
    else
        snprintf(buf, size, "%c%c%.*s", s[0], mark, (int)(w - i), s + i);
}

void wm_xsig_of(const struct wm_outcome *o, char *buf, size_t size)
{
    char place[WM_XSIG_MAX - 8] = "run";
    size_t n;
    const char *line;
    assert(o->failed && o->v.kind);
    if (wm_xmem_is(o)) /* the checker's first error: its kind and function */
        wm_xmem_place(o, place, sizeof place);
    else if (o->v.lineno && o->text && (line = line_at(o->text, o->len, o->v.lineno, &n)) != NULL)
        line_class(line, n, place, sizeof place);
    snprintf(buf, size, "%s@%s", o->v.kind, place);
}

int wm_xsig_init(struct wm_xsig_table *t, size_t max)
{
    assert(max >= 1 && max <= WM_XSIG_FINDINGS_MAX);
    *t = (struct wm_xsig_table){.max = max};
    t->f = calloc(max, sizeof *t->f);
    return t->f ? 0 : -1;
}

void wm_xsig_free(struct wm_xsig_table *t)
{
    free(t->f);
    t->f = NULL;
}

struct wm_xsig_finding *wm_xsig_add(struct wm_xsig_table *t, const char *sig, uint64_t run,
                                    int *fresh)
{
    *fresh = 0;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->f[i].sig, sig) == 0) {
            t->f[i].runs++;
            return &t->f[i];
        }
    if (t->n == t->max) {
        t->past_max++;
        return NULL;
    }
    struct wm_xsig_finding *f = &t->f[t->n++];
    snprintf(f->sig, sizeof f->sig, "%s", sig);
    f->first_run = run;
    f->runs = 1;
    *fresh = 1;
    return f;
}

uint64_t wm_xsig_runs(const struct wm_xsig_table *t)
{
    uint64_t n = t->past_max;
    for (size_t i = 0; i < t->n; i++)
        n += t->f[i].runs;
    return n;
}
