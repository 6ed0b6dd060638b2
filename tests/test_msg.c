/* proto/msg.c: every parsing row of PROTOCOL.md's bad-input table, each with
 * its exact error text, the integer grammar, and formatting round trips. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "testutil.h"

static void expect_error(const char *line, const char *want)
{
    struct wm_msg m;
    struct wm_err err = {{0}};
    int rc = wm_msg_parse(line, strlen(line), &m, &err);
    ck_assert_msg(rc == -1, "\"%s\" parsed (rc %d), want error: %s", line, rc, want);
    ck_assert_str_eq(err.msg, want);
}

static struct wm_msg expect_ok(const char *line)
{
    struct wm_msg m;
    struct wm_err err = {{0}};
    int rc = wm_msg_parse(line, strlen(line), &m, &err);
    ck_assert_msg(rc == 0, "\"%s\" rejected: %s", line, err.msg);
    return m;
}

static void expect_params(const char *line, int64_t lo, int64_t hi)
{
    struct wm_msg m = expect_ok(line);
    ck_assert_int_eq(m.type, WM_MSG_PARAMS);
    ck_assert_msg(m.lo == lo && m.hi == hi, "\"%s\": got [%" PRId64 ", %" PRId64 "]", line, m.lo,
                  m.hi);
}

/* ---- the well-formed lines ---- */

START_TEST(parse_valid_messages)
{
    ck_assert_int_eq(expect_ok("NUMBER").type, WM_MSG_NUMBER);
    ck_assert_int_eq(expect_ok("").type, WM_MSG_EMPTY);
    expect_params("PARAMS 1 5", 1, 5);
    expect_params("PARAMS 0 -1", 0, -1);
    expect_params("PARAMS -12 0", -12, 0);
    static const char *const names[] = {"Warmer", "Colder", "Unsure", "Correct"};
    for (int d = WM_WARMER; d <= WM_CORRECT; d++) {
        char line[32];
        snprintf(line, sizeof line, "REPORT %s", names[d]);
        struct wm_msg m = expect_ok(line);
        ck_assert_int_eq(m.type, WM_MSG_REPORT);
        ck_assert_int_eq(m.decision, d);
        ck_assert_str_eq(wm_decision_name((enum wm_decision)d), names[d]);
    }
}
END_TEST

START_TEST(params_int64_extremes_parse)
{
    expect_params("PARAMS 9223372036854775807 -9223372036854775808", INT64_MAX, INT64_MIN);
    expect_params("PARAMS -9223372036854775808 9223372036854775807", INT64_MIN, INT64_MAX);
}
END_TEST

/* ---- bad-input table: unknown command, arity, spaces ---- */

START_TEST(unknown_command)
{
    expect_error("HELLO", "unknown command \"HELLO\" in line \"HELLO\"");
    expect_error("number", "unknown command \"number\" in line \"number\"");
    expect_error("GUESS 4", "unknown command \"GUESS\" in line \"GUESS 4\"");
    expect_error("NUMBERS", "unknown command \"NUMBERS\" in line \"NUMBERS\"");
}
END_TEST

START_TEST(number_with_argument)
{
    expect_error("NUMBER x", "bad NUMBER: takes no arguments: \"NUMBER x\"");
    expect_error("NUMBER 1 2", "bad NUMBER: takes no arguments: \"NUMBER 1 2\"");
}
END_TEST

START_TEST(params_no_arguments)
{
    expect_error("PARAMS", "bad PARAMS: expected 2 arguments, got 0: \"PARAMS\"");
}
END_TEST

START_TEST(params_one_argument)
{
    expect_error("PARAMS 1", "bad PARAMS: expected 2 arguments, got 1: \"PARAMS 1\"");
}
END_TEST

START_TEST(params_three_arguments)
{
    expect_error("PARAMS 1 2 3", "bad PARAMS: expected 2 arguments, got 3: \"PARAMS 1 2 3\"");
    expect_error("PARAMS 1 2 3 4 5",
                 "bad PARAMS: expected 2 arguments, got 5: \"PARAMS 1 2 3 4 5\"");
}
END_TEST

START_TEST(report_wrong_arity)
{
    expect_error("REPORT", "bad REPORT: expected 1 argument, got 0: \"REPORT\"");
    expect_error("REPORT Warmer Colder",
                 "bad REPORT: expected 1 argument, got 2: \"REPORT Warmer Colder\"");
}
END_TEST

START_TEST(double_space)
{
    expect_error("PARAMS 1  5",
                 "malformed line (double, leading or trailing space): \"PARAMS 1  5\"");
    expect_error("REPORT  Warmer",
                 "malformed line (double, leading or trailing space): \"REPORT  Warmer\"");
}
END_TEST

START_TEST(leading_space)
{
    expect_error(" NUMBER", "malformed line (double, leading or trailing space): \" NUMBER\"");
}
END_TEST

START_TEST(trailing_space)
{
    expect_error("NUMBER ", "malformed line (double, leading or trailing space): \"NUMBER\\x20\"");
    expect_error("PARAMS 1 5  ",
                 "malformed line (double, leading or trailing space): \"PARAMS 1 5\\x20\\x20\"");
}
END_TEST

START_TEST(only_spaces)
{
    expect_error(" ", "malformed line (double, leading or trailing space): \"\\x20\"");
}
END_TEST

/* ---- bad-input table: PARAMS bounds ---- */

START_TEST(params_non_integer)
{
    expect_error("PARAMS 1 x", "bad PARAMS: \"x\" is not an integer in \"PARAMS 1 x\"");
    expect_error("PARAMS 1.5 2", "bad PARAMS: \"1.5\" is not an integer in \"PARAMS 1.5 2\"");
    expect_error("PARAMS 0x10 20", "bad PARAMS: \"0x10\" is not an integer in \"PARAMS 0x10 20\"");
    expect_error("PARAMS - 2", "bad PARAMS: \"-\" is not an integer in \"PARAMS - 2\"");
    expect_error("PARAMS 1e3 2", "bad PARAMS: \"1e3\" is not an integer in \"PARAMS 1e3 2\"");
    expect_error("PARAMS --1 2", "bad PARAMS: \"--1\" is not an integer in \"PARAMS --1 2\"");
}
END_TEST

START_TEST(params_above_int64_max)
{
    expect_error("PARAMS 0 9223372036854775808",
                 "bad PARAMS: \"9223372036854775808\" is beyond signed 64 bits in "
                 "\"PARAMS 0 9223372036854775808\"");
    expect_error("PARAMS 18446744073709551616 0",
                 "bad PARAMS: \"18446744073709551616\" is beyond signed 64 bits in "
                 "\"PARAMS 18446744073709551616 0\"");
}
END_TEST

START_TEST(params_below_int64_min)
{
    expect_error("PARAMS -9223372036854775809 0",
                 "bad PARAMS: \"-9223372036854775809\" is beyond signed 64 bits in "
                 "\"PARAMS -9223372036854775809 0\"");
    expect_error("PARAMS -99999999999999999999999 0",
                 "bad PARAMS: \"-99999999999999999999999\" is beyond signed 64 bits in "
                 "\"PARAMS -99999999999999999999999 0\"");
}
END_TEST

START_TEST(params_overflowing_non_integer)
{
    /* Digits that overflow, then a non-digit: the word is not an integer at
     * all, so it must not be reported as "beyond signed 64 bits". */
    expect_error("PARAMS 99999999999999999999x 0",
                 "bad PARAMS: \"99999999999999999999x\" is not an integer in "
                 "\"PARAMS 99999999999999999999x 0\"");
    int64_t v;
    ck_assert_int_eq(wm_int64_parse("-99999999999999999999x", 22, &v), -1);
    uint64_t u;
    ck_assert_int_eq(wm_uint64_parse("184467440737095516160.5", 23, &u), -1);
}
END_TEST

START_TEST(params_negative_zero)
{
    expect_error("PARAMS -0 5", "bad PARAMS: \"-0\" is not an integer in \"PARAMS -0 5\"");
}
END_TEST

START_TEST(params_leading_zeros)
{
    expect_error("PARAMS 01 5", "bad PARAMS: \"01\" is not an integer in \"PARAMS 01 5\"");
    expect_error("PARAMS 0 00", "bad PARAMS: \"00\" is not an integer in \"PARAMS 0 00\"");
    expect_error("PARAMS -01 5", "bad PARAMS: \"-01\" is not an integer in \"PARAMS -01 5\"");
    expect_error("PARAMS 0009223372036854775807 5",
                 "bad PARAMS: \"0009223372036854775807\" is not an integer in "
                 "\"PARAMS 0009223372036854775807 5\"");
}
END_TEST

START_TEST(params_plus_sign)
{
    expect_error("PARAMS +5 6", "bad PARAMS: \"+5\" is not an integer in \"PARAMS +5 6\"");
}
END_TEST

START_TEST(params_first_bad_bound_named)
{
    expect_error("PARAMS x y", "bad PARAMS: \"x\" is not an integer in \"PARAMS x y\"");
}
END_TEST

/* ---- bad-input table: REPORT ---- */

START_TEST(report_unknown_decision)
{
    expect_error("REPORT Hot",
                 "bad REPORT: unknown decision \"Hot\" (want Warmer, Colder, Unsure or Correct)");
    expect_error("REPORT correct", "bad REPORT: unknown decision \"correct\" (want Warmer, Colder, "
                                   "Unsure or Correct)");
    expect_error("REPORT Correctly", "bad REPORT: unknown decision \"Correctly\" (want Warmer, "
                                     "Colder, Unsure or Correct)");
}
END_TEST

/* ---- the integer grammar on its own ---- */

START_TEST(int64_parse_grammar)
{
    static const struct {
        const char *s;
        int rc;
        int64_t v;
    } cases[] = {
        {"0", 0, 0}, {"7", 0, 7}, {"-7", 0, -7}, {"9223372036854775807", 0, INT64_MAX},
        {"-9223372036854775808", 0, INT64_MIN}, {"9223372036854775808", -2, 0},
        {"-9223372036854775809", -2, 0}, {"", -1, 0}, {"-", -1, 0}, {"-0", -1, 0},
        {"00", -1, 0}, {"+1", -1, 0}, {" 1", -1, 0}, {"1 ", -1, 0}, {"1a", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = 12345;
        int rc = wm_int64_parse(cases[i].s, strlen(cases[i].s), &v);
        ck_assert_msg(rc == cases[i].rc, "\"%s\": rc %d, want %d", cases[i].s, rc, cases[i].rc);
        if (rc == 0)
            ck_assert_msg(v == cases[i].v, "\"%s\": got %" PRId64, cases[i].s, v);
    }
    uint64_t u;
    ck_assert_int_eq(wm_uint64_parse("18446744073709551615", 20, &u), 0);
    ck_assert_msg(u == UINT64_MAX, "UINT64_MAX parsed as %" PRIu64, u);
    ck_assert_int_eq(wm_uint64_parse("18446744073709551616", 20, &u), -2);
    ck_assert_int_eq(wm_uint64_parse("-1", 2, &u), -1);
}
END_TEST

/* ---- formatting ---- */

static uint64_t xs_state = 88172645463325252ULL;
static uint64_t xs(void)
{
    xs_state ^= xs_state << 13;
    xs_state ^= xs_state >> 7;
    xs_state ^= xs_state << 17;
    return xs_state;
}

START_TEST(format_exact_texts)
{
    char buf[WM_MSG_MAX + 16]; /* slack, so a too-small WM_MSG_MAX shows as a wrong text */
    ck_assert_uint_eq(wm_fmt_number(buf), 6);
    ck_assert_str_eq(buf, "NUMBER");
    ck_assert_uint_eq(wm_fmt_params(buf, 0, -1), 11);
    ck_assert_str_eq(buf, "PARAMS 0 -1");
    ck_assert_uint_eq(wm_fmt_report(buf, WM_CORRECT), 14);
    ck_assert_str_eq(buf, "REPORT Correct");
    ck_assert_uint_eq(wm_fmt_int(buf, -12), 3);
    ck_assert_str_eq(buf, "-12");
    ck_assert_uint_eq(wm_fmt_int(buf, INT64_MIN), 20);
    ck_assert_str_eq(buf, "-9223372036854775808");
}
END_TEST

START_TEST(format_int_digit_boundaries)
{
    /* The digit count is worked out before any digit is written: every
     * power of ten, its neighbours and their negatives, against snprintf. */
    char buf[WM_MSG_MAX], ref[32];
    uint64_t p = 1;
    for (int e = 0; e <= 19; e++, p *= 10) {
        for (int d = -1; d <= 1; d++) {
            uint64_t u = p + (uint64_t)(int64_t)d;
            if (u > (uint64_t)INT64_MAX)
                continue;
            for (int sign = 1; sign >= -1; sign -= 2) {
                int64_t v = sign * (int64_t)u;
                size_t n = wm_fmt_int(buf, v);
                snprintf(ref, sizeof ref, "%lld", (long long)v);
                ck_assert_msg(strcmp(buf, ref) == 0 && n == strlen(ref),
                              "10^%d%+d (sign %d): wrote \"%s\" (%zu), want \"%s\"", e, d, sign,
                              buf, n, ref);
            }
        }
    }
}
END_TEST

START_TEST(format_longest_params)
{
    /* The longest PARAMS: two 20-character bounds, 48 characters in all. */
    char buf[WM_MSG_MAX + 16];
    memset(buf, '#', sizeof buf);
    size_t n = wm_fmt_params(buf, INT64_MIN, -1000000000000000000);
    ck_assert_str_eq(buf, "PARAMS -9223372036854775808 -1000000000000000000");
    ck_assert_uint_eq(n, strlen(buf));
    ck_assert_msg(WM_MSG_MAX >= 49, "WM_MSG_MAX %d cannot hold 48 characters and a NUL",
                  WM_MSG_MAX);
}
END_TEST

START_TEST(format_parse_roundtrip)
{
    static const int64_t edges[] = {0, 1, -1, 9, 10, -10, INT64_MAX, INT64_MIN, INT64_MAX - 1,
                                    INT64_MIN + 1, (int64_t)1 << 53, -((int64_t)1 << 32)};
    char buf[WM_MSG_MAX];
    for (int i = 0; i < 20000; i++) {
        size_t ne = sizeof edges / sizeof edges[0];
        int64_t lo = i < (int)ne ? edges[i] : (int64_t)(xs() >> (xs() % 64));
        int64_t hi = i < (int)ne ? edges[ne - 1 - i] : -(int64_t)(xs() >> (xs() % 63 + 1));
        size_t n = wm_fmt_params(buf, lo, hi);
        ck_assert_uint_eq(n, strlen(buf));
        expect_params(buf, lo, hi);
        n = wm_fmt_int(buf, lo);
        char ref[32]; /* what snprintf writes, which wm_fmt_int does by hand */
        snprintf(ref, sizeof ref, "%lld", (long long)lo);
        ck_assert_str_eq(buf, ref);
        ck_assert_uint_eq(n, strlen(ref));
        int64_t back;
        ck_assert_msg(wm_int64_parse(buf, n, &back) == 0 && back == lo, "int %s did not round trip",
                      buf);
    }
    for (int d = WM_WARMER; d <= WM_CORRECT; d++) {
        size_t n = wm_fmt_report(buf, (enum wm_decision)d);
        struct wm_msg m;
        struct wm_err err;
        ck_assert_int_eq(wm_msg_parse(buf, n, &m, &err), 0);
        ck_assert_msg(m.type == WM_MSG_REPORT && (int)m.decision == d, "%s round trip", buf);
    }
    size_t n = wm_fmt_number(buf);
    ck_assert_int_eq(expect_ok(buf).type, WM_MSG_NUMBER);
    ck_assert_uint_eq(n, 6);
}
END_TEST

static Suite *msg_suite(void)
{
    Suite *s = suite_create("msg");
    WM_ADD_TEST(s, parse_valid_messages);
    WM_ADD_TEST(s, params_int64_extremes_parse);
    WM_ADD_TEST(s, unknown_command);
    WM_ADD_TEST(s, number_with_argument);
    WM_ADD_TEST(s, params_no_arguments);
    WM_ADD_TEST(s, params_one_argument);
    WM_ADD_TEST(s, params_three_arguments);
    WM_ADD_TEST(s, report_wrong_arity);
    WM_ADD_TEST(s, double_space);
    WM_ADD_TEST(s, leading_space);
    WM_ADD_TEST(s, trailing_space);
    WM_ADD_TEST(s, only_spaces);
    WM_ADD_TEST(s, params_non_integer);
    WM_ADD_TEST(s, params_above_int64_max);
    WM_ADD_TEST(s, params_below_int64_min);
    WM_ADD_TEST(s, params_overflowing_non_integer);
    WM_ADD_TEST(s, params_negative_zero);
    WM_ADD_TEST(s, params_leading_zeros);
    WM_ADD_TEST(s, params_plus_sign);
    WM_ADD_TEST(s, params_first_bad_bound_named);
    WM_ADD_TEST(s, report_unknown_decision);
    WM_ADD_TEST(s, int64_parse_grammar);
    WM_ADD_TEST(s, format_exact_texts);
    WM_ADD_TEST(s, format_int_digit_boundaries);
    WM_ADD_TEST(s, format_longest_params);
    WM_ADD_TEST(s, format_parse_roundtrip);
    return s;
}

WM_TEST_MAIN(msg_suite)
