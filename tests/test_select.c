/* sim/check/select.c and lastfailed.c: what -k selects, and the last-failed
 * cache's merge, bounds and refusals (docs/CLI.md, "Selecting cases"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lastfailed.h"
#include "select.h"
#include "testutil.h"

static int selects(const char *path, int n, const char *const *keys)
{
    struct wm_select s = {0};
    struct wm_err err;
    for (int k = 0; k < n; k++)
        ck_assert_msg(wm_select_add_key(&s, keys[k], &err) == 0, "%s", err.msg);
    return wm_select_matches(&s, path);
}
#define SEL(path, ...)                                                                             \
    selects(path, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),            \
            (const char *[]){__VA_ARGS__})

START_TEST(test_keyword_matching)
{
    ck_assert(SEL("fixtures/golden/book.txt", "book"));          /* a substring */
    ck_assert(!SEL("fixtures/golden/book.txt", "Book"));         /* case-sensitive */
    ck_assert(SEL("fixtures/golden/book.txt", "golden/*.txt"));  /* * crosses nothing here */
    ck_assert(SEL("fixtures/golden/a/b.txt", "golden*b"));       /* * matches / too */
    ck_assert(SEL("fixtures/golden/x1", "x[0-9]"));
    ck_assert(!SEL("fixtures/golden/xa", "x[0-9]"));
    ck_assert(SEL("a/seed-zero.txt", "nothing", "zero"));        /* repeats: OR */
    ck_assert(!SEL("a/seed-zero.txt", "zero", "!seed"));         /* ! wins */
    ck_assert(SEL("a/book.txt", "!seed"));                       /* only !: all but those */
    ck_assert(!SEL("a/seed.txt", "!seed"));
    ck_assert(SEL("a/b*c", "b\\*c") && !SEL("a/bxc", "b\\*c"));  /* \ quotes */
    struct wm_select s = {0};
    ck_assert(wm_select_matches(&s, "anything")); /* no pattern: every case */
}
END_TEST

START_TEST(test_keyword_bounds)
{
    struct wm_select s = {0};
    struct wm_err err;
    ck_assert_int_eq(wm_select_add_key(&s, "", &err), -1);
    ck_assert_int_eq(wm_select_add_key(&s, "!", &err), -1);
    char *big = malloc(WM_SELECT_KEY_LEN + 2);
    memset(big, 'a', WM_SELECT_KEY_LEN + 1);
    big[WM_SELECT_KEY_LEN + 1] = '\0';
    ck_assert_int_eq(wm_select_add_key(&s, big, &err), -1);
    big[WM_SELECT_KEY_LEN] = '\0'; /* the longest allowed */
    ck_assert_int_eq(wm_select_add_key(&s, big, &err), 0);
    ck_assert(!wm_select_matches(&s, "b"));
    for (int k = 1; k < WM_SELECT_KEYS_MAX; k++)
        ck_assert_int_eq(wm_select_add_key(&s, "x", &err), 0);
    ck_assert_int_eq(wm_select_add_key(&s, "x", &err), -1);
    ck_assert_msg(strstr(err.msg, "more than 64") != NULL, "%s", err.msg);
    free(big);
}
END_TEST

static char dir[256];

static void make_dir(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_select.XXXXXX", t && *t ? t : "/tmp");
    ck_assert(mkdtemp(dir) != NULL);
}

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void update(const char *file, size_t n, char **paths, const enum wm_case_status *st)
{
    struct wm_case_result *r = calloc(n ? n : 1, sizeof *r);
    struct wm_err err;
    for (size_t k = 0; k < n; k++)
        r[k].status = st[k];
    ck_assert_msg(wm_lastfailed_update(file, paths, r, n, &err) == 0, "%s", err.msg);
    free(r);
}

/* A run merges: its cases leave, its failures join, the others stay; "-"
 * and a path with a newline are never kept. */
START_TEST(test_lastfailed_merge)
{
    make_dir();
    char file[300];
    snprintf(file, sizeof file, "%s/c/check-lastfailed", dir);
    char *p1[] = {"b", "a", "-", "n\nl", "c", "d"};
    enum wm_case_status s1[] = {WM_CASE_FAILED, WM_CASE_MALFORMED, WM_CASE_FAILED,
                                WM_CASE_FAILED, WM_CASE_OK, WM_CASE_FAILED};
    update(file, 6, p1, s1);
    ck_assert_str_eq(slurp(file), "# warmer last-failed v1\na\nb\nd\n");
    char gi[300];
    snprintf(gi, sizeof gi, "%s/c/.gitignore", dir);
    ck_assert(strstr(slurp(gi), "\n*\n") != NULL);
    char *p2[] = {"b", "e", "f"}; /* b passes now, e fails, f is skipped */
    enum wm_case_status s2[] = {WM_CASE_OK, WM_CASE_FAILED, WM_CASE_SKIPPED};
    update(file, 3, p2, s2);
    ck_assert_str_eq(slurp(file), "# warmer last-failed v1\na\nd\ne\n");
    struct wm_lastfailed lf;
    struct wm_err err;
    ck_assert_int_eq(wm_lastfailed_read(file, &lf, &err), 0);
    ck_assert_uint_eq(lf.n, 3);
    ck_assert(wm_lastfailed_has(&lf, "d") && !wm_lastfailed_has(&lf, "b"));
    wm_lastfailed_free(&lf);
    update(file, 0, NULL, NULL); /* a run of nothing changes nothing */
    ck_assert_str_eq(slurp(file), "# warmer last-failed v1\na\nd\ne\n");
    /* a missing file is an empty set */
    snprintf(file, sizeof file, "%s/none/check-lastfailed", dir);
    ck_assert_int_eq(wm_lastfailed_read(file, &lf, &err), 0);
    ck_assert_uint_eq(lf.n, 0);
    remove_dir();
}
END_TEST

/* Not such a file: refused, and never overwritten. Over-long lines ignored. */
START_TEST(test_lastfailed_foreign_and_long_lines)
{
    make_dir();
    char file[300];
    snprintf(file, sizeof file, "%s/check-lastfailed", dir);
    FILE *f = fopen(file, "w");
    fputs("my notes\n", f);
    fclose(f);
    struct wm_lastfailed lf;
    struct wm_err err;
    ck_assert_int_eq(wm_lastfailed_read(file, &lf, &err), -1);
    ck_assert_msg(strstr(err.msg, "not a last-failed file") != NULL, "%s", err.msg);
    char *p[] = {"a"};
    enum wm_case_status st[] = {WM_CASE_FAILED};
    struct wm_case_result r = {.status = st[0]};
    ck_assert_int_eq(wm_lastfailed_update(file, p, &r, 1, &err), -1);
    ck_assert_str_eq(slurp(file), "my notes\n");
    f = fopen(file, "w");
    fputs(WM_LASTFAILED_MAGIC "\nx\n", f);
    for (int k = 0; k < WM_LASTFAILED_LINE_MAX + 10; k++)
        fputc('L', f);
    fputs("\ny\n", f);
    fclose(f);
    ck_assert_int_eq(wm_lastfailed_read(file, &lf, &err), 0);
    ck_assert_uint_eq(lf.n, 2);
    ck_assert_str_eq(lf.paths[0], "x");
    ck_assert_str_eq(lf.paths[1], "y");
    wm_lastfailed_free(&lf);
    remove_dir();
}
END_TEST

/* Past WM_LASTFAILED_MAX paths: "# overflow", read as every case failed,
 * until a run's own failures replace it. */
START_TEST(test_lastfailed_overflow)
{
    make_dir();
    char file[300];
    snprintf(file, sizeof file, "%s/check-lastfailed", dir);
    size_t n = WM_LASTFAILED_MAX + 1;
    char **paths = malloc(n * sizeof *paths);
    enum wm_case_status *st = malloc(n * sizeof *st);
    for (size_t k = 0; k < n; k++) {
        paths[k] = malloc(16);
        snprintf(paths[k], 16, "p%zu", k);
        st[k] = WM_CASE_FAILED;
    }
    update(file, n, paths, st);
    ck_assert_str_eq(slurp(file), "# warmer last-failed v1\n# overflow\n");
    struct wm_lastfailed lf;
    struct wm_err err;
    ck_assert_int_eq(wm_lastfailed_read(file, &lf, &err), 0);
    ck_assert(lf.overflow && wm_lastfailed_has(&lf, "anything"));
    wm_lastfailed_free(&lf);
    update(file, 1, paths, st);
    ck_assert_str_eq(slurp(file), "# warmer last-failed v1\np0\n");
    for (size_t k = 0; k < n; k++)
        free(paths[k]);
    free(paths);
    free(st);
    remove_dir();
}
END_TEST

/* wm_select_apply: -k then --last-failed; none failed last time: all run. */
START_TEST(test_select_apply)
{
    make_dir();
    char file[300];
    snprintf(file, sizeof file, "%s/check-lastfailed", dir);
    char *ops[] = {"x/a", "x/b", "y/c"};
    struct wm_files f = {0}, dropped;
    struct wm_err err;
    char note[512];
    struct wm_select s = {.last_failed = 1, .cache_dir = dir};
    ck_assert_int_eq(wm_files_collect(&f, ops, 3, &err), 0);
    ck_assert_int_eq(wm_select_add_key(&s, "x/", &err), 0);
    ck_assert_int_eq(wm_select_apply(&s, "check", &f, &dropped, note, sizeof note, &err), 0);
    ck_assert_uint_eq(f.n, 2);
    ck_assert_uint_eq(dropped.n, 1);
    ck_assert_msg(strstr(note, "none of these 2 cases failed last time") != NULL, "%s", note);
    wm_files_free(&dropped);
    char *failed[] = {"x/b", "y/c"};
    enum wm_case_status st[] = {WM_CASE_FAILED, WM_CASE_FAILED};
    update(file, 2, failed, st);
    ck_assert_int_eq(wm_select_apply(&s, "check", &f, &dropped, note, sizeof note, &err), 0);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.paths[0], "x/b");
    ck_assert_str_eq(note, "");
    wm_files_free(&dropped);
    s.nkeys = 0;
    ck_assert_int_eq(wm_select_add_key(&s, "zzz", &err), 0);
    ck_assert_int_eq(wm_select_apply(&s, "check", &f, &dropped, note, sizeof note, &err), -1);
    ck_assert_msg(strstr(err.msg, "-k selects none of the 1 cases") != NULL, "%s", err.msg);
    ck_assert_uint_eq(f.n, 1); /* untouched */
    wm_files_free(&f);
    remove_dir();
}
END_TEST

static Suite *select_suite(void)
{
    Suite *s = suite_create("select");
    WM_ADD_TEST(s, test_keyword_matching);
    WM_ADD_TEST(s, test_keyword_bounds);
    WM_ADD_TEST(s, test_lastfailed_merge);
    WM_ADD_TEST(s, test_lastfailed_foreign_and_long_lines);
    WM_ADD_TEST(s, test_lastfailed_overflow);
    WM_ADD_TEST(s, test_select_apply);
    return s;
}

WM_TEST_MAIN(select_suite)
