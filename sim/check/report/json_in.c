#include "json_in.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int next_ch(struct wm_jin *j)
{
    int c = getc(j->f);
    j->line += c == '\n';
    return c;
}

/* The next byte that is not JSON space. */
static int skip_space(struct wm_jin *j)
{
    int c;
    while ((c = next_ch(j)) == ' ' || c == '\n' || c == '\t' || c == '\r')
        ;
    return c;
}

static int fail(struct wm_jin *j, struct wm_err *err, const char *what, int c)
{
    if (c == EOF)
        wm_err_set(err, "%s:%zu: %s, found the end of the file", j->path, j->line, what);
    else if (c >= 0x20 && c < 0x7f)
        wm_err_set(err, "%s:%zu: %s, found '%c'", j->path, j->line, what, c);
    else
        wm_err_set(err, "%s:%zu: %s, found byte 0x%02x", j->path, j->line, what, c);
    return -1;
}

static int hex4(struct wm_jin *j, unsigned *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        int c = next_ch(j);
        if (!isxdigit(c))
            return -1;
        *v = *v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
    }
    return 0;
}

struct buf {
    char *s;
    size_t n, cap;
};

static int put(struct buf *b, unsigned char c)
{
    if (b->n + 1 >= b->cap) {
        if (b->cap >= WM_JIN_STRING_MAX)
            return -1;
        size_t cap = b->cap ? 2 * b->cap : 64;
        char *s = realloc(b->s, cap);
        if (!s)
            return -1;
        b->s = s;
        b->cap = cap;
    }
    b->s[b->n++] = (char)c;
    b->s[b->n] = '\0';
    return 0;
}

/* A code point as UTF-8 (warmer writes only \u00XX: those are bytes). */
static int put_code(struct buf *b, unsigned v)
{
    if (v < 0x100)
        return put(b, (unsigned char)v);
    if (v < 0x800)
        return put(b, (unsigned char)(0xc0 | v >> 6)) | put(b, (unsigned char)(0x80 | (v & 0x3f)));
    return put(b, (unsigned char)(0xe0 | v >> 12)) |
           put(b, (unsigned char)(0x80 | ((v >> 6) & 0x3f))) |
           put(b, (unsigned char)(0x80 | (v & 0x3f)));
}

/* A string after its opening quote, into *out (malloc'd) if out. */
static int string(struct wm_jin *j, char **out, size_t *len, struct wm_err *err)
{
    struct buf b = {0};
    int c;
    if (put(&b, 'x') < 0) /* allocated, so an empty string is "" */
        goto no_memory;
    b.n = 0;
    b.s[0] = '\0';
    while ((c = next_ch(j)) != '"') {
        if (c == EOF || c < 0x20) {
            free(b.s);
            return fail(j, err, "a string's closing quote expected", c);
        }
        if (c == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            unsigned v;
            c = next_ch(j);
            const char *e = c != EOF && c ? strchr(from, c) : NULL;
            if (e)
                c = to[e - from];
            else if (c != 'u' || hex4(j, &v) < 0) {
                free(b.s);
                return fail(j, err, "a valid escape expected", c);
            } else {
                if (put_code(&b, v) < 0)
                    goto no_memory;
                continue;
            }
        }
        if (put(&b, (unsigned char)c) < 0)
            goto no_memory;
    }
    if (len)
        *len = b.n;
    if (out)
        *out = b.s;
    else
        free(b.s);
    return 0;
no_memory:
    free(b.s);
    wm_err_set(err, "%s:%zu: a string longer than %u bytes, or out of memory", j->path, j->line,
               WM_JIN_STRING_MAX);
    return -1;
}

/* A bare word (number, true, false, null) starting with c, into w. */
static int word(struct wm_jin *j, int c, char *w, size_t size, struct wm_err *err)
{
    size_t n = 0;
    while (c != EOF && (isalnum(c) || c == '-' || c == '+' || c == '.')) {
        if (n + 1 >= size)
            return fail(j, err, "a shorter number expected", c);
        w[n++] = (char)c;
        c = next_ch(j);
    }
    w[n] = '\0';
    if (c != EOF)
        ungetc(c, j->f), j->line -= c == '\n';
    return n ? 0 : fail(j, err, "a value expected", c);
}

/* Any value starting with c, thrown away (a member warmer does not know). */
static int skip_value(struct wm_jin *j, int c, int depth, struct wm_err *err)
{
    char w[64];
    if (depth > WM_JIN_DEPTH_MAX)
        return fail(j, err, "less nesting expected", c);
    if (c == '"')
        return string(j, NULL, NULL, err);
    if (c != '[' && c != '{')
        return word(j, c, w, sizeof w, err);
    int close = c == '[' ? ']' : '}', first = 1;
    for (;;) {
        c = skip_space(j);
        if (first && c == close)
            return 0;
        if (close == '}') {
            if (c != '"' || string(j, NULL, NULL, err) < 0)
                return c != '"' ? fail(j, err, "a member name expected", c) : -1;
            if ((c = skip_space(j)) != ':')
                return fail(j, err, "':' expected", c);
            c = skip_space(j);
        }
        if (skip_value(j, c, depth + 1, err) < 0)
            return -1;
        first = 0;
        if ((c = skip_space(j)) == close)
            return 0;
        if (c != ',')
            return fail(j, err, "',' or the end of a list expected", c);
    }
}

int wm_jin_open(struct wm_jin *j, FILE *f, const char *path, struct wm_err *err)
{
    *j = (struct wm_jin){.f = f, .path = path, .line = 1};
    int c = skip_space(j);
    return c == '[' ? 0 : fail(j, err, "a JSON array ('[') expected", c);
}

void wm_jin_case_free(struct wm_jin_case *c)
{
    free(c->file);
    free(c->status);
    free(c->message);
    free(c->reproduce);
    free(c->diff);
    free(c->expected);
    free(c->actual);
    free(c->scenario);
    *c = (struct wm_jin_case){0};
}

/* A member's value starting with ch into the case. */
static int member(struct wm_jin *j, const char *name, int ch, struct wm_jin_case *c,
                  struct wm_err *err)
{
    struct {
        const char *name;
        char **s;
    } strs[] = {{"file", &c->file},         {"status", &c->status},
                {"message", &c->message},   {"reproduce", &c->reproduce},
                {"diff", &c->diff},         {"expected", &c->expected},
                {"actual", &c->actual},     {"scenario", &c->scenario}};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        if (strcmp(name, strs[k].name) != 0)
            continue;
        free(*strs[k].s); /* a member given twice: the last one */
        *strs[k].s = NULL;
        if (ch == '"')
            return string(j, strs[k].s, strs[k].s == &c->diff ? &c->diff_len : NULL, err);
        char w[64];
        if (word(j, ch, w, sizeof w, err) < 0)
            return -1;
        if (strcmp(w, "null") != 0)
            return wm_err_set(err, "%s:%zu: \"%s\" wants a string or null", j->path, j->line,
                              name), -1;
        return 0;
    }
    int is_seconds = !strcmp(name, "seconds");
    uint64_t *num = !strcmp(name, "first_difference") ? &c->first_difference
                    : !strcmp(name, "run")            ? &c->run
                    : !strcmp(name, "seed")           ? &c->seed
                                                      : NULL;
    if (!num && !is_seconds)
        return skip_value(j, ch, 0, err);
    char w[64], *end;
    if (word(j, ch, w, sizeof w, err) < 0)
        return -1;
    if (!strcmp(w, "null"))
        return 0;
    errno = 0;
    if (is_seconds)
        c->seconds = strtod(w, &end);
    else if (w[0] != '-')
        *num = strtoull(w, &end, 10);
    else
        end = w;
    if (*end || errno)
        return wm_err_set(err, "%s:%zu: \"%s\" wants a%s number, got %s", j->path, j->line, name,
                          is_seconds ? "" : " whole", w), -1;
    c->has_run |= num == &c->run;
    c->has_seed |= num == &c->seed;
    return 0;
}

int wm_jin_next(struct wm_jin *j, struct wm_jin_case *c, struct wm_err *err)
{
    *c = (struct wm_jin_case){0};
    if (j->done)
        return 0;
    int ch = skip_space(j);
    if (ch == ',' && j->objects) /* between objects */
        ch = skip_space(j);
    else if (ch != ']' && j->objects)
        return fail(j, err, "',' or ']' expected", ch);
    if (ch == ']') {
        j->done = 1;
        if ((ch = skip_space(j)) != EOF)
            return fail(j, err, "nothing after the array expected", ch);
        return 0;
    }
    if (ch != '{')
        return fail(j, err, "an object ('{') or the end of the array expected", ch);
    for (int first = 1;; first = 0) {
        ch = skip_space(j);
        if (first && ch == '}')
            return ++j->objects, 1;
        char *name;
        if (ch != '"')
            return wm_jin_case_free(c), fail(j, err, "a member name expected", ch);
        if (string(j, &name, NULL, err) < 0)
            return wm_jin_case_free(c), -1;
        if ((ch = skip_space(j)) != ':') {
            free(name);
            return wm_jin_case_free(c), fail(j, err, "':' expected", ch);
        }
        int rc = member(j, name, skip_space(j), c, err);
        free(name);
        if (rc < 0)
            return wm_jin_case_free(c), -1;
        if ((ch = skip_space(j)) == '}')
            return ++j->objects, 1;
        if (ch != ',')
            return wm_jin_case_free(c), fail(j, err, "',' or '}' expected", ch);
    }
}
