/* proto/pyint.c against CPython 3.11 itself: every vector's expected text
 * was printed by the interpreter (ci/gen_pyint_vectors.py writes
 * tests/pyint_vectors.h), one group per rule; the cut with "..." (ours,
 * where an error text would pass WM_ERR_MAX) is tested by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "pyint.h"
#include "pyint_vectors.h"
#include "testutil.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A readable form of bytes for failure messages. */
struct shown {
    char s[160];
};

static const char *show(struct shown *sh, const char *s, size_t n)
{
    wm_escape(sh->s, sizeof sh->s, s, n);
    return sh->s;
}

/* ---- bytes.decode() ---- */

static void run_utf8(const char *group, const struct pyv_utf8 *v, size_t n)
{
    ck_assert_msg(n > 0, "%s: no vectors", group);
    for (size_t i = 0; i < n; i++) {
        struct wm_err err = {{0}};
        struct shown in;
        int rc = wm_py_utf8_check(v[i].in.s, v[i].in.n, &err);
        if (!v[i].want) {
            ck_assert_msg(rc == 0, "%s[%zu] \"%s\": Python decodes it, we say: %s", group, i,
                          show(&in, v[i].in.s, v[i].in.n), err.msg);
            continue;
        }
        ck_assert_msg(rc == -1 && strcmp(err.msg, v[i].want) == 0,
                      "%s[%zu] \"%s\": rc %d\n  got:  %s\n  want: %s", group, i,
                      show(&in, v[i].in.s, v[i].in.n), rc, rc == 0 ? "(decoded)" : err.msg,
                      v[i].want);
    }
}

#define UTF8_TEST(name)                                                                            \
    START_TEST(utf8_##name)                                                                        \
    {                                                                                              \
        run_utf8(#name, pyv_utf8_##name, NELEM(pyv_utf8_##name));                                  \
    }                                                                                              \
    END_TEST

UTF8_TEST(valid)
UTF8_TEST(invalid_start)
UTF8_TEST(invalid_continuation)
UTF8_TEST(unexpected_end)
UTF8_TEST(surrogates)
UTF8_TEST(overlong)
UTF8_TEST(beyond_max)
UTF8_TEST(positions)
UTF8_TEST(random)

/* ---- int(str) ---- */

/* pre + rep * nrep + post, in a buffer the caller frees. */
static char *build(const struct pyv_int *v, size_t *len)
{
    size_t n = v->pre.n + v->rep.n * v->nrep + v->post.n;
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, v->pre.s, v->pre.n);
    for (unsigned k = 0; k < v->nrep; k++)
        memcpy(s + v->pre.n + k * v->rep.n, v->rep.s, v->rep.n);
    memcpy(s + n - v->post.n, v->post.s, v->post.n);
    s[n] = '\0';
    *len = n;
    return s;
}

/* Python's text, or (only where it passes WM_ERR_MAX) its start and "...". */
static int err_matches(const char *got, const struct pyv_bytes *want)
{
    size_t g = strlen(got);
    if (want->n < WM_ERR_MAX)
        return g == want->n && memcmp(got, want->s, g) == 0;
    return g <= WM_ERR_MAX - 1 && g >= 3 && strcmp(got + g - 3, "...") == 0 &&
           memcmp(got, want->s, g - 3) == 0 && g - 3 > WM_ERR_MAX - 1 - 3 - 10;
}

static void run_int(const char *group, const struct pyv_int *v, size_t n)
{
    ck_assert_msg(n > 0, "%s: no vectors", group);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *s = build(&v[i], &len);
        struct wm_big b;
        struct wm_err err = {{0}};
        struct shown in, want;
        char text[WM_BIG_TEXT_MAX];
        int rc = wm_pyint_parse(s, len, &b, &err);
        show(&in, s, len);
        show(&want, v[i].want.s, v[i].want.n);
        if (v[i].ok) {
            ck_assert_msg(rc == 0, "%s[%zu] \"%s\": Python gives %s, we say: %s", group, i, in.s,
                          want.s, err.msg);
            size_t tn = wm_big_format(&b, text);
            ck_assert_msg(tn == v[i].want.n && memcmp(text, v[i].want.s, tn) == 0,
                          "%s[%zu] \"%s\": got %.60s, want %s", group, i, in.s, text, want.s);
        } else {
            struct shown got;
            ck_assert_msg(rc == -1 && err_matches(err.msg, &v[i].want),
                          "%s[%zu] \"%s\": rc %d\n  got:  %s\n  want: %s", group, i, in.s, rc,
                          rc == 0 ? "(parsed)" : show(&got, err.msg, strlen(err.msg)), want.s);
        }
        free(s);
    }
}

#define INT_TEST(name)                                                                             \
    START_TEST(int_##name)                                                                         \
    {                                                                                              \
        run_int(#name, pyv_int_##name, NELEM(pyv_int_##name));                                     \
    }                                                                                              \
    END_TEST

INT_TEST(whitespace)
INT_TEST(sign)
INT_TEST(underscores)
INT_TEST(leading_zeros)
INT_TEST(unicode_digits)
INT_TEST(nul)
INT_TEST(invalid_chars)
INT_TEST(digit_limit)
INT_TEST(error_repr)
INT_TEST(random)

/* The value, not only its text: -0 is zero, signs and words as big.h says. */
START_TEST(int_values_in_words)
{
    struct wm_big b;
    struct wm_err err = {{0}};
    ck_assert_int_eq(wm_pyint_parse(" -0 ", 4, &b, &err), 0);
    ck_assert_msg(b.n == 0 && b.neg == 0, "-0: n %u neg %d, want zero", b.n, b.neg);
    const char *s = "\u0663\u0660_4294967296"; /* Arabic-Indic 30, then 2^32 */
    ck_assert_int_eq(wm_pyint_parse(s, strlen(s), &b, &err), 0);
    char text[WM_BIG_TEXT_MAX];
    wm_big_format(&b, text);
    ck_assert_str_eq(text, "304294967296");
    ck_assert_int_eq(wm_pyint_parse("-4294967296", 11, &b, &err), 0);
    ck_assert_msg(b.neg == 1 && b.n == 2 && b.w[0] == 0 && b.w[1] == 1,
                  "-2^32: neg %d n %u w %x %x", b.neg, b.n, b.w[0], b.w[1]);
}
END_TEST

/* Failure leaves a whole, NUL-terminated text in err even for input far
 * beyond any buffer (1 MB of 4-byte characters). */
START_TEST(int_error_fits_err)
{
    size_t n = 1u << 20;
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i += 4)
        memcpy(s + i, "\xf0\x9f\x98\x80", 4);
    struct wm_big b;
    struct wm_err err;
    memset(err.msg, 'z', sizeof err.msg);
    ck_assert_int_eq(wm_pyint_parse(s, n, &b, &err), -1);
    size_t g = strnlen(err.msg, sizeof err.msg);
    ck_assert_msg(g < sizeof err.msg, "err not terminated");
    ck_assert_msg(g >= 3 && strcmp(err.msg + g - 3, "...") == 0, "not cut: %s", err.msg);
    free(s);
}
END_TEST

/* ---- repr(str) ---- */

static void run_repr(const char *group, const struct pyv_repr *v, size_t n)
{
    ck_assert_msg(n > 0, "%s: no vectors", group);
    for (size_t i = 0; i < n; i++) {
        char buf[4096];
        struct shown in, got, want;
        wm_py_repr(v[i].in.s, v[i].in.n, buf, sizeof buf);
        ck_assert_msg(strlen(buf) == v[i].want.n && memcmp(buf, v[i].want.s, v[i].want.n) == 0,
                      "%s[%zu] \"%s\":\n  got:  %s\n  want: %s", group, i,
                      show(&in, v[i].in.s, v[i].in.n), show(&got, buf, strlen(buf)),
                      show(&want, v[i].want.s, v[i].want.n));
    }
}

#define REPR_TEST(name)                                                                            \
    START_TEST(repr_##name)                                                                        \
    {                                                                                              \
        run_repr(#name, pyv_repr_##name, NELEM(pyv_repr_##name));                                  \
    }                                                                                              \
    END_TEST

REPR_TEST(quotes)
REPR_TEST(ascii)
REPR_TEST(latin1)
REPR_TEST(widths)
REPR_TEST(table_bounds)
REPR_TEST(random)
REPR_TEST(invalid_utf8)

/* Ours, not Python's: a repr that does not fit is cut before the unit that
 * does not fit (an escape or a character, never half of one) and ends in
 * "..."; nothing is written past cap. */
START_TEST(repr_cut_to_cap)
{
    static const struct {
        const char *in;
        size_t cap;
        const char *want;
    } cases[] = {
        {"a\001\303\251", 11, "'a\\x01\303\251'"},
        {"a\001\303\251", 10, "'a\\x01\303\251'"}, /* fits exactly: 9 bytes and the NUL */
        {"a\001\303\251", 9, "'a..."},                /* \x01 is not cut in half */
        {"a\001\303\251", 6, "'a..."},
        {"a\001\303\251", 5, "'..."},
        {"a\001\303\251", 4, "..."},
        {"a\001\303\251", 3, ".."},
        {"a\001\303\251", 1, ""},
        {"a\001\303\251bcd", 12, "'a\\x01\303\251..."},
        {"a\001\303\251bcd", 11, "'a\\x01..."}, /* nor is \303\251 (é) */
        {"abcdef", 9, "'abcdef'"},
        {"abcdef", 8, "'abc..."},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        char buf[32];
        memset(buf, 'Z', sizeof buf);
        const char *r = wm_py_repr(cases[i].in, strlen(cases[i].in), buf, cases[i].cap);
        ck_assert_ptr_eq(r, buf);
        ck_assert_msg(strcmp(buf, cases[i].want) == 0, "case %zu cap %zu: got \"%s\", want \"%s\"",
                      i, cases[i].cap, buf, cases[i].want);
        for (size_t k = cases[i].cap; k < sizeof buf; k++)
            ck_assert_msg(buf[k] == 'Z', "case %zu cap %zu: byte %zu written", i, cases[i].cap, k);
    }
    char z = 'Z';
    wm_py_repr("abc", 3, &z, 0);
    ck_assert_msg(z == 'Z', "cap 0 wrote a byte");
}
END_TEST

/* No text at all may come as NULL: Python's '' in each function. */
START_TEST(null_empty_input)
{
    struct wm_err err = {{0}};
    struct wm_big b;
    char buf[8];
    ck_assert_int_eq(wm_py_utf8_check(NULL, 0, &err), 0);
    ck_assert_str_eq(wm_py_repr(NULL, 0, buf, sizeof buf), "''");
    ck_assert_int_eq(wm_pyint_parse(NULL, 0, &b, &err), -1);
    ck_assert_str_eq(err.msg, "ValueError: invalid literal for int() with base 10: ''");
}
END_TEST

static Suite *pyint_suite(void)
{
    Suite *s = suite_create("pyint");
    WM_ADD_TEST(s, utf8_valid);
    WM_ADD_TEST(s, utf8_invalid_start);
    WM_ADD_TEST(s, utf8_invalid_continuation);
    WM_ADD_TEST(s, utf8_unexpected_end);
    WM_ADD_TEST(s, utf8_surrogates);
    WM_ADD_TEST(s, utf8_overlong);
    WM_ADD_TEST(s, utf8_beyond_max);
    WM_ADD_TEST(s, utf8_positions);
    WM_ADD_TEST(s, utf8_random);
    WM_ADD_TEST(s, int_whitespace);
    WM_ADD_TEST(s, int_sign);
    WM_ADD_TEST(s, int_underscores);
    WM_ADD_TEST(s, int_leading_zeros);
    WM_ADD_TEST(s, int_unicode_digits);
    WM_ADD_TEST(s, int_nul);
    WM_ADD_TEST(s, int_invalid_chars);
    WM_ADD_TEST(s, int_digit_limit);
    WM_ADD_TEST(s, int_error_repr);
    WM_ADD_TEST(s, int_random);
    WM_ADD_TEST(s, int_values_in_words);
    WM_ADD_TEST(s, int_error_fits_err);
    WM_ADD_TEST(s, repr_quotes);
    WM_ADD_TEST(s, repr_ascii);
    WM_ADD_TEST(s, repr_latin1);
    WM_ADD_TEST(s, repr_widths);
    WM_ADD_TEST(s, repr_table_bounds);
    WM_ADD_TEST(s, repr_random);
    WM_ADD_TEST(s, repr_invalid_utf8);
    WM_ADD_TEST(s, repr_cut_to_cap);
    WM_ADD_TEST(s, null_empty_input);
    return s;
}

WM_TEST_MAIN(pyint_suite)
