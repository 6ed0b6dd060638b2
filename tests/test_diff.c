/* Tests for sim/tx/diff.c: fixed cases, a cross-check against GNU `diff -u`
 * on random inputs, and bounded behaviour on large inputs. */
#include "diff.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

/* Owns the pointer/length arrays; the texts themselves are borrowed. */
struct lines {
    const char **text;
    size_t *len;
    struct wm_diff_lines v;
};

static void lines_init(struct lines *l, size_t n)
{
    l->text = calloc(n ? n : 1, sizeof *l->text);
    l->len = calloc(n ? n : 1, sizeof *l->len);
    ck_assert(l->text && l->len);
    l->v.text = l->text;
    l->v.len = l->len;
    l->v.n = n;
}

static void lines_set(struct lines *l, size_t i, const char *s)
{
    l->text[i] = s;
    l->len[i] = strlen(s);
}

static void lines_from(struct lines *l, const char *const *strs, size_t n)
{
    lines_init(l, n);
    for (size_t i = 0; i < n; i++)
        lines_set(l, i, strs[i]);
}

static void lines_free(struct lines *l)
{
    free(l->text);
    free(l->len);
}

/* Output of one wm_diff_unified call. */
struct result {
    int rc;
    char *out;
    size_t out_len;
    size_t fa, fb;
};

static struct result run_diff(const struct wm_diff_lines *a, const struct wm_diff_lines *b,
                              const struct wm_diff_opts *opts)
{
    struct result r = {0, NULL, 0, SIZE_MAX, SIZE_MAX};
    FILE *f = open_memstream(&r.out, &r.out_len);
    ck_assert(f != NULL);
    r.rc = wm_diff_unified(f, a, b, "a", "b", opts, &r.fa, &r.fb);
    ck_assert_int_eq(fclose(f), 0);
    return r;
}

/* Diffs string arrays with the given context and returns the output. */
static struct result diff_strs(const char *const *sa, size_t na, const char *const *sb, size_t nb,
                               size_t context)
{
    struct lines a, b;
    struct wm_diff_opts o = WM_DIFF_OPTS_INIT;
    o.context = context;
    lines_from(&a, sa, na);
    lines_from(&b, sb, nb);
    struct result r = run_diff(&a.v, &b.v, &o);
    lines_free(&a);
    lines_free(&b);
    return r;
}

#define N_OF(arr) (sizeof(arr) / sizeof((arr)[0]))
#define HDR "--- a\n+++ b\n"

static void expect_out(struct result r, int rc, const char *want)
{
    ck_assert_int_eq(r.rc, rc);
    ck_assert_str_eq(r.out, want);
    free(r.out);
}

static const char *const ten[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};

static int line_is(const struct wm_diff_lines *l, size_t i, const char *s, size_t n)
{
    return i < l->n && l->len[i] == n && (n == 0 || memcmp(l->text[i], s, n) == 0);
}

static int parse_range(const char **p, size_t *start, size_t *count)
{
    char *end;
    *start = strtoul(*p, &end, 10);
    *count = 1;
    if (*end == ',')
        *count = strtoul(end + 1, &end, 10);
    if (end == *p)
        return 0;
    *p = end;
    /* GNU: an empty range names the line before it, otherwise its first line. */
    if (*count > 0)
        (*start)--;
    return 1;
}

/* Applies a unified diff body (no truncation) to a and checks the result is b,
 * that every header agrees with its body, and that context/'-' lines match a.
 * Returns 1 on success and counts '-' and '+' lines. */
static int apply_check(const char *diff, const struct wm_diff_lines *a,
                       const struct wm_diff_lines *b, size_t *dels, size_t *adds)
{
    size_t ai = 0, bi = 0; /* next line of a to use, lines of b produced */
    const char *p = diff;
    *dels = *adds = 0;
    if (strncmp(p, HDR, strlen(HDR)) != 0)
        return 0;
    p += strlen(HDR);
    while (*p) {
        size_t as, ac, bs, bc;
        if (strncmp(p, "@@ -", 4) != 0)
            return 0;
        p += 4;
        if (!parse_range(&p, &as, &ac) || strncmp(p, " +", 2) != 0)
            return 0;
        p += 2;
        if (!parse_range(&p, &bs, &bc) || strncmp(p, " @@\n", 4) != 0)
            return 0;
        p += 4;
        if (as < ai)
            return 0;
        for (; ai < as; ai++, bi++) /* unchanged lines between hunks */
            if (!line_is(b, bi, a->text[ai], a->len[ai]))
                return 0;
        if (bi != bs)
            return 0;
        size_t seen_a = 0, seen_b = 0;
        while (*p == ' ' || *p == '-' || *p == '+') {
            const char *nl = strchr(p, '\n');
            if (!nl)
                return 0;
            const char *s = p + 1;
            size_t n = (size_t)(nl - s);
            if (*p != '+' && !line_is(a, ai++, s, n))
                return 0;
            if (*p != '-' && !line_is(b, bi++, s, n))
                return 0;
            seen_a += *p != '+';
            seen_b += *p != '-';
            *dels += *p == '-';
            *adds += *p == '+';
            p = nl + 1;
        }
        if (seen_a != ac || seen_b != bc)
            return 0;
    }
    for (; ai < a->n; ai++, bi++)
        if (!line_is(b, bi, a->text[ai], a->len[ai]))
            return 0;
    return bi == b->n;
}

static size_t lcs_len(const struct wm_diff_lines *a, const struct wm_diff_lines *b)
{
    size_t w = b->n + 1;
    size_t *t = calloc((a->n + 1) * w, sizeof *t);
    ck_assert(t != NULL);
    for (size_t i = 1; i <= a->n; i++)
        for (size_t j = 1; j <= b->n; j++) {
            size_t up = t[(i - 1) * w + j], left = t[i * w + j - 1];
            t[i * w + j] = line_is(b, j - 1, a->text[i - 1], a->len[i - 1])
                               ? t[(i - 1) * w + j - 1] + 1
                               : (up > left ? up : left);
        }
    size_t r = t[a->n * w + b->n];
    free(t);
    return r;
}

/* Counts '\n'-terminated lines in s. */
static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- fixed cases -------------------------------------------------------- */

START_TEST(test_equal)
{
    struct result r = diff_strs(ten, 10, ten, 10, 3);
    ck_assert_uint_eq(r.fa, 10);
    ck_assert_uint_eq(r.fb, 10);
    expect_out(r, 0, "");
    expect_out(diff_strs(NULL, 0, NULL, 0, 3), 0, "");
}
END_TEST

START_TEST(test_one_changed_line)
{
    const char *const b[] = {"1", "2", "3", "4", "X", "6", "7", "8", "9", "10"};
    expect_out(diff_strs(ten, 10, b, 10, 3), 1,
               HDR "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
    const char *const one_a[] = {"a"}, *const one_b[] = {"b"};
    expect_out(diff_strs(one_a, 1, one_b, 1, 3), 1, HDR "@@ -1 +1 @@\n-a\n+b\n");
}
END_TEST

START_TEST(test_dropped_line)
{
    const char *const b[] = {"1", "2", "3", "4", "6", "7", "8", "9", "10"};
    expect_out(diff_strs(ten, 10, b, 9, 3), 1,
               HDR "@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
    expect_out(diff_strs(ten, 10, b, 9, 0), 1, HDR "@@ -5 +4,0 @@\n-5\n");
}
END_TEST

START_TEST(test_extra_line)
{
    const char *const a[] = {"1", "2", "3", "4", "6", "7", "8", "9", "10"};
    expect_out(diff_strs(a, 9, ten, 10, 3), 1,
               HDR "@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+5\n 6\n 7\n 8\n");
    expect_out(diff_strs(a, 9, ten, 10, 0), 1, HDR "@@ -4,0 +5 @@\n+5\n");
    const char *const appended[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "new"};
    expect_out(diff_strs(ten, 10, appended, 11, 3), 1,
               HDR "@@ -8,3 +8,4 @@\n 8\n 9\n 10\n+new\n");
    expect_out(diff_strs(ten, 10, appended, 11, 0), 1, HDR "@@ -10,0 +11 @@\n+new\n");
}
END_TEST

START_TEST(test_change_at_start_and_end)
{
    const char *const b[] = {"X", "2", "3", "4", "5", "6", "7", "8", "9", "Y"};
    expect_out(diff_strs(ten, 10, b, 10, 3), 1,
               HDR "@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n"
                   "@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+Y\n");
    expect_out(diff_strs(ten, 10, b, 10, 1), 1,
               HDR "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n@@ -9,2 +9,2 @@\n 9\n-10\n+Y\n");
    const char *const pre[] = {"new", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    expect_out(diff_strs(ten, 10, pre, 11, 0), 1, HDR "@@ -0,0 +1 @@\n+new\n");
    expect_out(diff_strs(pre, 11, ten, 10, 0), 1, HDR "@@ -1 +0,0 @@\n-new\n");
}
END_TEST

START_TEST(test_empty_side)
{
    const char *const ab[] = {"x", "y"};
    struct result r = diff_strs(NULL, 0, ab, 2, 3);
    ck_assert_uint_eq(r.fa, 0);
    ck_assert_uint_eq(r.fb, 0);
    expect_out(r, 1, HDR "@@ -0,0 +1,2 @@\n+x\n+y\n");
    expect_out(diff_strs(ab, 2, NULL, 0, 3), 1, HDR "@@ -1,2 +0,0 @@\n-x\n-y\n");
    expect_out(diff_strs(ab, 1, NULL, 0, 3), 1, HDR "@@ -1 +0,0 @@\n-x\n");
}
END_TEST

static const char *const twenty[] = {"1",  "2",  "3",  "4",  "5",  "6",  "7",
                                     "8",  "9",  "10", "11", "12", "13", "14",
                                     "15", "16", "17", "18", "19", "20"};

START_TEST(test_hunks_merge)
{
    /* Changes at lines 2 and 9: six equal lines between, contexts touch. */
    const char *const b[] = {"1",  "X",  "3",  "4",  "5",  "6",  "7",  "8",  "Y",  "10",
                             "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"};
    expect_out(diff_strs(twenty, 20, b, 20, 3), 1,
               HDR "@@ -1,12 +1,12 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n 10\n 11\n"
                   " 12\n");
}
END_TEST

START_TEST(test_hunks_separate)
{
    /* Changes at lines 2 and 10: seven equal lines between, two hunks. */
    const char *const b[] = {"1",  "X",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "Y",
                             "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"};
    expect_out(diff_strs(twenty, 20, b, 20, 3), 1,
               HDR "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
                   "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n 13\n");
}
END_TEST

START_TEST(test_fallback_replace)
{
    /* Edit distance 4 > max_edit 1: the middle (lines 2..9) becomes one replace. */
    const char *const b[] = {"1",  "X",  "3",  "4",  "5",  "6",  "7",  "8",  "Y",  "10",
                             "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"};
    struct lines la, lb;
    struct wm_diff_opts o = {3, 1, SIZE_MAX, 0, 0};
    lines_from(&la, twenty, 20);
    lines_from(&lb, b, 20);
    struct result r = run_diff(&la.v, &lb.v, &o);
    size_t dels, adds;
    ck_assert(apply_check(r.out, &la.v, &lb.v, &dels, &adds));
    ck_assert_uint_eq(dels, 8);
    ck_assert_uint_eq(adds, 8);
    ck_assert_uint_eq(r.fa, 1);
    expect_out(r, 1,
               HDR "@@ -1,12 +1,12 @@\n 1\n-2\n-3\n-4\n-5\n-6\n-7\n-8\n-9\n"
                   "+X\n+3\n+4\n+5\n+6\n+7\n+8\n+Y\n 10\n 11\n 12\n");
    /* max_edit 0 still yields a valid diff. */
    o.max_edit = 0;
    r = run_diff(&la.v, &lb.v, &o);
    ck_assert_int_eq(r.rc, 1);
    ck_assert(apply_check(r.out, &la.v, &lb.v, &dels, &adds));
    free(r.out);
    lines_free(&la);
    lines_free(&lb);
}
END_TEST

START_TEST(test_truncation)
{
    const char *const b[] = {"X", "2", "3", "4", "5", "6", "7", "8", "9", "Y"};
    struct lines la, lb;
    struct wm_diff_opts o = {1, 4000, 4, 0, 0};
    lines_from(&la, ten, 10);
    lines_from(&lb, b, 10);
    /* Full output has 8 lines after the header; 4 are printed. */
    expect_out(run_diff(&la.v, &lb.v, &o), 1,
               HDR "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n... diff truncated (4 more lines)\n");
    o.max_output_lines = 5;
    expect_out(run_diff(&la.v, &lb.v, &o), 1,
               HDR "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n@@ -9,2 +9,2 @@\n"
                   "... diff truncated (3 more lines)\n");
    o.max_output_lines = 8; /* exactly enough: no truncation line */
    expect_out(run_diff(&la.v, &lb.v, &o), 1,
               HDR "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n@@ -9,2 +9,2 @@\n 9\n-10\n+Y\n");
    o.max_output_lines = 0;
    expect_out(run_diff(&la.v, &lb.v, &o), 1, HDR "... diff truncated (8 more lines)\n");
    lines_free(&la);
    lines_free(&lb);
}
END_TEST

START_TEST(test_first_diff)
{
    const char *const a[] = {"p", "q", "r", "s"};
    const char *const b[] = {"p", "q", "s"};
    struct lines la, lb;
    lines_from(&la, a, 4);
    lines_from(&lb, b, 3);
    size_t fa = 99, fb = 99;
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert(devnull != NULL);
    ck_assert_int_eq(wm_diff_unified(devnull, &la.v, &lb.v, "a", "b", NULL, &fa, &fb), 1);
    ck_assert_uint_eq(fa, 2);
    ck_assert_uint_eq(fb, 2);
    /* b is a prefix of a: the first difference is past b's end. */
    lb.v.n = 2;
    ck_assert_int_eq(wm_diff_unified(devnull, &la.v, &lb.v, "a", "b", NULL, &fa, &fb), 1);
    ck_assert_uint_eq(fa, 2);
    ck_assert_uint_eq(fb, 2);
    /* Both pointers may be NULL. */
    ck_assert_int_eq(wm_diff_unified(devnull, &la.v, &lb.v, "a", "b", NULL, NULL, NULL), 1);
    ck_assert_int_eq(wm_diff_unified(devnull, &la.v, &la.v, "a", "b", NULL, &fa, &fb), 0);
    ck_assert_uint_eq(fa, 4);
    ck_assert_uint_eq(fb, 4);
    fclose(devnull);
    lines_free(&la);
    lines_free(&lb);
}
END_TEST

START_TEST(test_raw_bytes_and_empty_lines)
{
    /* Lines are pointer+length: embedded NULs are compared and printed as-is;
     * empty lines may have a NULL pointer. */
    static const char nul1[] = {'x', '\0', 'y'}, nul2[] = {'x', '\0', 'z'};
    const char *ta[] = {NULL, nul1, "k"}, *tb[] = {NULL, nul2, "k"};
    size_t la[] = {0, 3, 1}, lb[] = {0, 3, 1};
    struct wm_diff_lines a = {ta, la, 3}, b = {tb, lb, 3};
    struct result r = run_diff(&a, &b, NULL);
    static const char want[] = HDR "@@ -1,3 +1,3 @@\n \n-x\0y\n+x\0z\n k\n";
    ck_assert_int_eq(r.rc, 1);
    ck_assert_uint_eq(r.out_len, sizeof want - 1);
    ck_assert(memcmp(r.out, want, sizeof want - 1) == 0);
    ck_assert_uint_eq(r.fa, 1);
    free(r.out);
}
END_TEST

/* ---- cross-check against GNU diff ----------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static size_t rnd(uint64_t *s, size_t n) { return (size_t)(xorshift(s) % n); }

static void write_lines(const char *path, const struct wm_diff_lines *l)
{
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%.*s\n", (int)l->len[i], l->text[i]);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs `diff -U context` and returns its output without the two header lines. */
static char *gnu_diff(const char *pa, const char *pb, size_t context)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "diff -U%zu '%s' '%s'", context, pa, pb);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    char *buf = NULL;
    size_t cap = 0;
    FILE *m = open_memstream(&buf, &cap);
    ck_assert(m != NULL);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, got, m);
    int st = pclose(p);
    ck_assert(st != -1);
    ck_assert_int_eq(fclose(m), 0);
    const char *body = buf;
    for (int i = 0; i < 2 && *body; i++) {
        const char *nl = strchr(body, '\n');
        body = nl ? nl + 1 : body + strlen(body);
    }
    char *res = strdup(body);
    ck_assert(res != NULL);
    free(buf);
    return res;
}

START_TEST(test_matches_gnu_diff)
{
    static const char *const alphabet[] = {"", "a", "b", "c", "d", "e", "f", "{", "}"};
    static const size_t contexts[] = {0, 1, 2, 3, 3, 3, 5};
    char dir[] = "/tmp/wm_diff_XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char pa[64], pb[64];
    snprintf(pa, sizeof pa, "%s/a", dir);
    snprintf(pb, sizeof pb, "%s/b", dir);
    uint64_t seed = 0x9e3779b97f4a7c15u;
    size_t iters = 1500, same[2] = {0, 0}, total[2] = {0, 0};
    for (size_t it = 0; it < iters; it++) {
        size_t na = rnd(&seed, 25), nb;
        size_t alpha = 2 + rnd(&seed, N_OF(alphabet) - 1);
        struct lines a, b;
        lines_init(&a, na);
        for (size_t i = 0; i < na; i++)
            lines_set(&a, i, alphabet[rnd(&seed, alpha)]);
        if (it % 2 == 0) { /* independent b */
            nb = rnd(&seed, 25);
            lines_init(&b, nb);
            for (size_t i = 0; i < nb; i++)
                lines_set(&b, i, alphabet[rnd(&seed, alpha)]);
        } else { /* b = a with a few random edits: structured, hunky diffs */
            lines_init(&b, na * 2 + 8);
            nb = 0;
            for (size_t i = 0; i <= na; i++) {
                size_t r = rnd(&seed, 10);
                if (r == 0) /* insert */
                    lines_set(&b, nb++, alphabet[rnd(&seed, alpha)]);
                if (i == na)
                    break;
                if (r == 1) /* delete */
                    continue;
                lines_set(&b, nb++, r == 2 ? alphabet[rnd(&seed, alpha)] : a.text[i]);
            }
            b.v.n = nb;
        }
        size_t context = contexts[rnd(&seed, N_OF(contexts))];
        struct wm_diff_opts o = {context, 4000, SIZE_MAX, 0, 0};
        struct result r = run_diff(&a.v, &b.v, &o);
        write_lines(pa, &a.v);
        write_lines(pb, &b.v);
        char *gnu = gnu_diff(pa, pb, context);
        if (r.rc == 0) {
            ck_assert_str_eq(gnu, "");
            ck_assert_str_eq(r.out, "");
        } else {
            ck_assert_int_eq(r.rc, 1);
            ck_assert(strncmp(r.out, HDR, strlen(HDR)) == 0);
            size_t dels, adds, lcs = lcs_len(&a.v, &b.v);
            /* Always: a valid patch from a to b with a minimal edit count. */
            ck_assert_msg(apply_check(r.out, &a.v, &b.v, &dels, &adds), "bad diff:\n%s", r.out);
            ck_assert_uint_eq(dels, na - lcs);
            ck_assert_uint_eq(adds, nb - lcs);
            total[it % 2]++;
            if (strcmp(r.out + strlen(HDR), gnu) == 0) {
                same[it % 2]++;
            } else {
                /* GNU picked another alignment: it must be no shorter. */
                size_t gd = 0, ga = 0;
                for (const char *l = gnu; *l; l = strchr(l, '\n') + 1) {
                    gd += *l == '-';
                    ga += *l == '+';
                }
                ck_assert_uint_ge(gd, dels);
                ck_assert_uint_ge(ga, adds);
            }
        }
        free(gnu);
        free(r.out);
        lines_free(&a);
        lines_free(&b);
    }
    unlink(pa);
    unlink(pb);
    rmdir(dir);
    fprintf(stderr,
            "test_matches_gnu_diff: byte-identical to diff -u: %zu/%zu edited copies, "
            "%zu/%zu unrelated inputs\n",
            same[1], total[1], same[0], total[0]);
    /* GNU also discards "confusing" lines and splits at a middle snake, so
     * with few distinct lines it can align differently; for edit-like inputs
     * (the transcript case) that must stay rare. */
    ck_assert_uint_ge(same[1], total[1] * 8 / 10);
    ck_assert_uint_ge(same[0] + same[1], (total[0] + total[1]) * 6 / 10);
}
END_TEST

/* ---- large inputs ------------------------------------------------------- */

#define BIG 1000000
#define W 8 /* "%07zu" plus a spare byte */

/* BIG distinct numbered lines in one buffer, prefixed by `tag`. */
static char *numbered(struct lines *l, char tag)
{
    char *buf = malloc((size_t)BIG * W);
    ck_assert(buf != NULL);
    lines_init(l, BIG);
    for (size_t i = 0; i < BIG; i++) {
        char *s = buf + i * W;
        snprintf(s, W, "%c%06zu", tag, i);
        l->text[i] = s;
        l->len[i] = 7;
    }
    return buf;
}

START_TEST(test_large_few_changes)
{
    struct lines a, b;
    char *ba = numbered(&a, 'L'), *bb = numbered(&b, 'L');
    /* Drop line 10, change lines 500000 and 999991 (a's numbering). */
    memmove(&b.text[10], &b.text[11], (BIG - 11) * sizeof *b.text);
    b.v.n--;
    bb[500000 * W + 1] = 'X';
    b.text[999990] = "inserted";
    b.len[999990] = 8;
    struct wm_diff_opts o = {3, 4000, SIZE_MAX, 0, 0};
    struct result r = run_diff(&a.v, &b.v, &o);
    ck_assert_int_eq(r.rc, 1);
    ck_assert_uint_eq(r.fa, 10);
    size_t dels, adds;
    ck_assert(apply_check(r.out, &a.v, &b.v, &dels, &adds));
    ck_assert_uint_eq(dels, 3);
    ck_assert_uint_eq(adds, 2);
    /* Header, then per hunk: @@ line, 3 + 3 context lines and the change. */
    ck_assert_uint_eq(count_lines(r.out), 2 + (1 + 6 + 1) + (1 + 6 + 2) + (1 + 6 + 2));
    free(r.out);
    free(ba);
    free(bb);
    lines_free(&a);
    lines_free(&b);
}
END_TEST

START_TEST(test_large_unrelated_falls_back)
{
    /* Edit distance 2,000,000: far past max_edit, so one truncated replace hunk. */
    struct lines a, b;
    char *ba = numbered(&a, 'A'), *bb = numbered(&b, 'B');
    struct result r = run_diff(&a.v, &b.v, NULL);
    char want[128];
    snprintf(want, sizeof want, HDR "@@ -1,%d +1,%d @@\n-A000000\n-A000001\n", BIG, BIG);
    ck_assert_int_eq(r.rc, 1);
    ck_assert(strncmp(r.out, want, strlen(want)) == 0);
    ck_assert_uint_eq(count_lines(r.out), 2 + 200 + 1);
    snprintf(want, sizeof want, "-A000198\n... diff truncated (%d more lines)\n",
             2 * BIG + 1 - 200);
    ck_assert_str_eq(r.out + r.out_len - strlen(want), want);
    /* Without max_edit, the trace memory cap forces the same fallback. */
    struct wm_diff_opts o = {3, SIZE_MAX, 200, 0, 0};
    struct result r2 = run_diff(&a.v, &b.v, &o);
    ck_assert_int_eq(r2.rc, 1);
    ck_assert_str_eq(r2.out, r.out);
    free(r2.out);
    free(r.out);
    free(ba);
    free(bb);
    lines_free(&a);
    lines_free(&b);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    WM_ADD_TEST(s, test_equal);
    WM_ADD_TEST(s, test_one_changed_line);
    WM_ADD_TEST(s, test_dropped_line);
    WM_ADD_TEST(s, test_extra_line);
    WM_ADD_TEST(s, test_change_at_start_and_end);
    WM_ADD_TEST(s, test_empty_side);
    WM_ADD_TEST(s, test_hunks_merge);
    WM_ADD_TEST(s, test_hunks_separate);
    WM_ADD_TEST(s, test_fallback_replace);
    WM_ADD_TEST(s, test_truncation);
    WM_ADD_TEST(s, test_first_diff);
    WM_ADD_TEST(s, test_raw_bytes_and_empty_lines);
    WM_ADD_TEST(s, test_matches_gnu_diff);
    WM_ADD_TEST(s, test_large_few_changes);
    WM_ADD_TEST(s, test_large_unrelated_falls_back);
    return s;
}

WM_TEST_MAIN(diff_suite)
