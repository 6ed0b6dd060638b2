/* The book's sessions (proto/book_server.c, book_client.c) against the
 * book's own code: fixtures/book/vectors.txt holds what tests/book_ref.py
 * did, in process, for random games and random bad lines (made by
 * tests/gen_book_vectors.py); every case must give the same records.
 * BOOK_VECTORS=FILE checks another file of the generator's (more cases, or
 * another seed). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booksess.h"
#include "testutil.h"

#define VECTORS "fixtures/book/vectors.txt"
#define MAX_GAMES 8

struct vcase {
    char name[64];
    enum wm_profile profile;
    uint64_t seed;
    struct wm_game games[MAX_GAMES];
    size_t ngames;
    char *in;  /* the scripted bytes, unescaped */
    size_t in_len;
    int has_in;
    char *want; /* the records */
    size_t want_len, want_cap;
};

static void vcase_reset(struct vcase *v)
{
    for (size_t i = 0; i < v->ngames; i++)
        free(v->games[i].big);
    free(v->in);
    free(v->want);
    memset(v, 0, sizeof *v);
}

/* "LO:HI:SECRET:COUNT" in any size: int64 fields, or g->big. */
static void parse_game(const char *s, struct wm_game *g)
{
    const char *c3 = strrchr(s, ':');
    ck_assert_ptr_nonnull(c3);
    g->count = strtoull(c3 + 1, NULL, 10);
    const char *p = s;
    int64_t *dst[3] = {&g->lo, &g->hi, &g->secret};
    int small = 1;
    for (int i = 0; i < 3; i++) {
        const char *end = i < 2 ? strchr(p, ':') : c3;
        struct wm_big b;
        ck_assert_int_eq(wm_big_parse_canonical(p, (size_t)(end - p), &b), 0);
        small &= wm_big_to_i64(&b, dst[i]) == 0;
        p = end + 1;
    }
    g->big = NULL;
    if (!small) {
        g->big = strndup(s, (size_t)(c3 - s));
        ck_assert_ptr_nonnull(g->big);
    }
}

static void want_add(struct vcase *v, const char *line, size_t len)
{
    if (v->want_len + len + 2 > v->want_cap) {
        v->want_cap = (v->want_len + len + 2) * 2;
        v->want = realloc(v->want, v->want_cap);
        ck_assert_ptr_nonnull(v->want);
    }
    memcpy(v->want + v->want_len, line, len);
    v->want_len += len;
    v->want[v->want_len++] = '\n';
    v->want[v->want_len] = '\0';
}

/* The first line where a and b differ, for the message. */
static void first_diff(const char *a, const char *b, char *msg, size_t cap)
{
    size_t line = 1;
    const char *la = a, *lb = b;
    while (*a && *a == *b) {
        if (*a == '\n') {
            line++;
            la = a + 1;
            lb = b + 1;
        }
        a++;
        b++;
    }
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    snprintf(msg, cap, "record %zu: want \"%.*s\", got \"%.*s\"", line, na > 300 ? 300 : na, la,
             nb > 300 ? 300 : nb, lb);
}

static char *run_case(const struct vcase *v)
{
    if (strncmp(v->name, "server", 6) == 0)
        return bs_server(v->profile, v->seed, BS_MAX_GUESSES, v->in, v->in_len, 1);
    if (strncmp(v->name, "client", 6) == 0)
        return bs_client(v->games, v->ngames, BS_MAX_GUESSES, v->in, v->in_len, 1);
    return bs_pair(v->games, v->ngames, v->seed);
}

START_TEST(test_sessions_match_the_books_code)
{
    const char *path = getenv("BOOK_VECTORS") ? getenv("BOOK_VECTORS") : VECTORS;
    FILE *f = fopen(path, "r");
    ck_assert_msg(f, "cannot open %s (run from the repository's root)", path);
    struct vcase v = {0};
    char *line = NULL;
    size_t cap = 0, cases = 0, failed = 0;
    char first[8 * 1100] = "";
    int expecting = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)got - (line[got - 1] == '\n');
        line[len] = '\0';
        if (line[0] == '#')
            continue;
        if (strncmp(line, "case ", 5) == 0) {
            vcase_reset(&v);
            snprintf(v.name, sizeof v.name, "%s", line + 5);
            expecting = 0;
        } else if (strcmp(line, "end") == 0) {
            char *have = run_case(&v);
            const char *want = v.want ? v.want : "";
            cases++;
            if (strcmp(have, want) != 0 && failed++ < 8) {
                char d[1000];
                first_diff(want, have, d, sizeof d);
                size_t k = strlen(first);
                snprintf(first + k, sizeof first - k, "\n  case %s: %s", v.name, d);
            }
            free(have);
        } else if (expecting) {
            want_add(&v, line, len);
        } else if (strcmp(line, "expect") == 0) {
            expecting = 1;
        } else if (strncmp(line, "profile ", 8) == 0) {
            ck_assert_int_eq(wm_profile_parse(line + 8, len - 8, &v.profile), 0);
        } else if (strncmp(line, "seed ", 5) == 0) {
            v.seed = strtoull(line + 5, NULL, 10);
        } else if (strncmp(line, "game ", 5) == 0) {
            ck_assert_uint_lt(v.ngames, MAX_GAMES);
            parse_game(line + 5, &v.games[v.ngames++]);
        } else if (strncmp(line, "in ", 3) == 0) {
            size_t bad;
            v.in = malloc(len);
            ck_assert_ptr_nonnull(v.in);
            long n = wm_unescape(v.in, line + 3, len - 3, &bad);
            ck_assert_msg(n >= 0, "case %s: bad escape at %zu", v.name, bad);
            v.in_len = (size_t)n;
        } else {
            ck_abort_msg("%s: unexpected line \"%s\"", path, line);
        }
    }
    vcase_reset(&v);
    free(line);
    fclose(f);
    ck_assert_msg(cases >= 100, "%s: only %zu cases", path, cases);
    ck_assert_msg(failed == 0, "%zu of %zu cases differ from the book's code:%s", failed, cases,
                  first);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("book_vectors");
    WM_ADD_TEST(s, test_sessions_match_the_books_code);
    return s;
}

WM_TEST_MAIN(make_suite)
