/* Reading fixture vectors in Check suites: '#' comments and blank lines
 * skipped, each record a line of space-separated tokens. One copy, used by
 * test_big and test_rng. A malformed record fails the test with file:line. */
#ifndef WM_TESTFX_H
#define WM_TESTFX_H

#include "testutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx {
    FILE *f;
    char path[512];
    char *line;
    size_t cap;
    size_t lineno;
    char *pos; /* next token */
};

/* Opens path; `regen` names the script that writes it, for the message. */
static inline void fx_open(struct fx *x, const char *path, const char *regen)
{
    *x = (struct fx){.f = NULL};
    ck_assert_msg(strlen(path) < sizeof x->path, "fixture path too long: %s", path);
    snprintf(x->path, sizeof x->path, "%s", path);
    x->f = fopen(x->path, "r");
    ck_assert_msg(x->f != NULL, "cannot open %s (tests run from the repo root; regenerate with "
                                "python3 %s): %s", x->path, regen, strerror(errno));
}

static inline void fx_close(struct fx *x)
{
    free(x->line);
    fclose(x->f);
}

/* Advances to the next record; 0 at end of file. */
static inline int fx_next(struct fx *x)
{
    ssize_t n;
    while ((n = getline(&x->line, &x->cap, x->f)) >= 0) {
        x->lineno++;
        if (n > 0 && x->line[n - 1] == '\n')
            x->line[n - 1] = '\0';
        if (x->line[0] == '#' || x->line[0] == '\0')
            continue;
        x->pos = x->line;
        return 1;
    }
    return 0;
}

/* The next token, up to a space or `stop` (':' inside "k:value"). */
static inline char *fx_tok(struct fx *x, char stop)
{
    while (*x->pos == ' ')
        x->pos++;
    FAST_ASSERT(*x->pos != '\0', "%s:%zu: record ends early", x->path, x->lineno);
    char *t = x->pos;
    while (*x->pos && *x->pos != ' ' && *x->pos != stop)
        x->pos++;
    if (*x->pos)
        *x->pos++ = '\0';
    return t;
}

static inline int fx_more(struct fx *x)
{
    while (*x->pos == ' ')
        x->pos++;
    return *x->pos != '\0';
}

static inline uint64_t fx_u64(struct fx *x, char stop)
{
    char *t = fx_tok(x, stop), *end;
    errno = 0;
    unsigned long long v = strtoull(t, &end, 10);
    FAST_ASSERT(t[0] != '-' && *end == '\0' && errno == 0, "%s:%zu: bad unsigned %s", x->path,
                x->lineno, t);
    return (uint64_t)v;
}

static inline int64_t fx_i64(struct fx *x)
{
    char *t = fx_tok(x, ' '), *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    FAST_ASSERT(*end == '\0' && errno == 0, "%s:%zu: bad integer %s", x->path, x->lineno, t);
    return (int64_t)v;
}

#endif
