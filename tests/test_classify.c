/* The malformed-input classifier (sim/explore/oracle/classify.c) and the check of
 * a malformed run (inv_mal.c), held to docs/PROTOCOL.md's examples and the
 * fixtures of fixtures/bad/. */
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "inv_mal.h"
#include "mal.h"
#include "scenario.h"
#include "testutil.h"

static void expect(const char *line, size_t n, size_t max_line, enum wm_cls want)
{
    struct wm_cls_result r;
    wm_cls_line((const unsigned char *)line, n, max_line, &r);
    char esc[512];
    wm_cls_escape((const unsigned char *)line, n, esc, sizeof esc);
    ck_assert_msg(r.cls == want, "\"%s\" (max-line %zu) classed %s, want %s", esc, max_line,
                  wm_cls_name(r.cls), wm_cls_name(want));
}
#define EXPECT(lit, cls) expect(lit, sizeof lit - 1, 1024, cls)

START_TEST(each_class)
{
    EXPECT("PARAMS 1 5", WM_CLS_PARAMS);
    EXPECT("NUMBER", WM_CLS_NUMBER);
    EXPECT("REPORT Correct", WM_CLS_REPORT);
    EXPECT("", WM_CLS_EMPTY);
    expect("PARAMS 1 5000000", 16, 15, WM_CLS_TOO_LONG);
    expect("PARAMS 1 5000000", 16, 16, WM_CLS_PARAMS);
    EXPECT("PARAMS 1 5\r", WM_CLS_BYTE);
    EXPECT("NUM\0BER", WM_CLS_BYTE);
    EXPECT("NUMBER\x7f", WM_CLS_BYTE);
    EXPECT("PARAMS 1 \xff", WM_CLS_BYTE);
    EXPECT("PARAMS \xc0\xaf", WM_CLS_BYTE);      /* overlong */
    EXPECT("REPORT \xed\xa0\x80", WM_CLS_BYTE);  /* a surrogate */
    EXPECT("REPORT \xf4\x90\x80\x80", WM_CLS_BYTE); /* past U+10FFFF */
    EXPECT("REPORT \xe2\x82", WM_CLS_BYTE);      /* cut by the \n */
    EXPECT("REPORT \xe1\x80\xc0", WM_CLS_BYTE);  /* a later continuation byte past 0xbf */
    EXPECT("REPORT \xf1\x80\x80\xc0", WM_CLS_BYTE);
    EXPECT("REPORT \xe1\x80\xbf", WM_CLS_DECISION); /* U+103F is UTF-8 */
    EXPECT("REPORT \xf4\x8f\xbf\xbf", WM_CLS_DECISION); /* U+10FFFF is UTF-8 */
    EXPECT("REPORT \xc2\x80", WM_CLS_DECISION);
    EXPECT(" NUMBER", WM_CLS_SPACE);
    EXPECT("NUMBER ", WM_CLS_SPACE);
    EXPECT("PARAMS 1  5", WM_CLS_SPACE);
    EXPECT("GUESS 3", WM_CLS_UNKNOWN);
    EXPECT("number", WM_CLS_UNKNOWN);
    EXPECT("NUMBER x", WM_CLS_ARITY);
    EXPECT("PARAMS 1", WM_CLS_ARITY);
    EXPECT("PARAMS 1 5 9", WM_CLS_ARITY);
    EXPECT("REPORT", WM_CLS_ARITY);
    EXPECT("REPORT Hot", WM_CLS_DECISION);
    EXPECT("REPORT correct", WM_CLS_DECISION);
    /* a bad byte outranks a length the framer has not reached */
    expect("PARAMS\r 1 500000", 16, 8, WM_CLS_BYTE);
    expect("PARAMS 1 500000\r", 16, 8, WM_CLS_TOO_LONG);
}
END_TEST

START_TEST(edge_numerals)
{
    EXPECT("PARAMS -9223372036854775808 9223372036854775807", WM_CLS_PARAMS);
    EXPECT("PARAMS -9223372036854775809 0", WM_CLS_BEYOND);
    EXPECT("PARAMS 1 9223372036854775808", WM_CLS_BEYOND);
    EXPECT("PARAMS 1 18446744073709551616", WM_CLS_BEYOND);
    EXPECT("PARAMS 1 123456789012345678901234", WM_CLS_BEYOND);
    EXPECT("PARAMS 0 -0", WM_CLS_NOT_INT);
    EXPECT("PARAMS +5 7", WM_CLS_NOT_INT);
    EXPECT("PARAMS 05 7", WM_CLS_NOT_INT);
    EXPECT("PARAMS 00 7", WM_CLS_NOT_INT);
    EXPECT("PARAMS - 7", WM_CLS_NOT_INT);
    EXPECT("PARAMS 1_000 7", WM_CLS_NOT_INT);
    EXPECT("PARAMS 0 -1", WM_CLS_PARAMS);
    EXPECT("PARAMS 0 0", WM_CLS_PARAMS);
    EXPECT("PARAMS -09223372036854775808 0", WM_CLS_NOT_INT);
}
END_TEST

START_TEST(errors_named_and_escaped)
{
    ck_assert_int_eq(wm_cls_of_error("control byte \\x0d in line \"PARAMS 1 5\" (byte 11)"),
                     WM_CLS_BYTE);
    ck_assert_int_eq(wm_cls_of_error("bad PARAMS: \"+1\" is not an integer in \"PARAMS +1 5\""),
                     WM_CLS_NOT_INT);
    ck_assert_int_eq(wm_cls_of_error("NUMBER before any PARAMS"), WM_CLS_COUNT);
    char esc[64];
    wm_cls_escape((const unsigned char *)"a\\b\x01  ", 6, esc, sizeof esc);
    ck_assert_str_eq(esc, "a\\\\b\\x01\\x20\\x20");
    /* docs/ERRORS.md: 96 characters whole; past them, whole escapes within 93 and "..." */
    unsigned char in[128];
    char q[600];
    memset(in, 'a', sizeof in);
    ck_assert_uint_eq(wm_cls_quote(in, 96, q, sizeof q), 96);
    ck_assert_uint_eq(wm_cls_quote(in, 97, q, sizeof q), 96);
    ck_assert_str_eq(q + 93, "...");
    memset(in, 1, sizeof in);
    ck_assert_uint_eq(wm_cls_quote(in, 30, q, sizeof q), 95); /* 23 escapes of 4, then ... */
    ck_assert_str_eq(q + 88, "\\x01...");
}
END_TEST

/* A line of exactly 96 characters is quoted whole: a quote one escape short
 * (the cut off by one) is a violation. */
START_TEST(quote_cut_exactly)
{
    char digits[88], text[1024];
    memset(digits, '1', 87);
    digits[87] = '\0';
    struct wm_violation v;
    const char *fmt = "# warmer transcript v1\n# seed: 1\nC: PARAMS 1 %s\n"
                      "S! error bad PARAMS: \"%s\" is beyond signed 64 bits in \"PARAMS 1 %.*s\"\n";
    snprintf(text, sizeof text, fmt, digits, digits, 87, digits);
    ck_assert_msg(wm_inv_mal_check(text, strlen(text), 1, &v) == 0, "%s", v.msg);
    snprintf(text, sizeof text, fmt, digits, digits, 86, digits);
    ck_assert_int_eq(wm_inv_mal_check(text, strlen(text), 1, &v), 1);
}
END_TEST

/* Every fixture of a bad client line holds; one whose error is swapped for
 * another class, or quotes other bytes, does not. */
START_TEST(bad_fixtures_hold)
{
    static const char *const files[] = {
        "carriage-return", "delete-byte", "invalid-utf8", "leading-space", "line-too-long",
        "nul-byte", "number-with-argument", "overlong-utf8", "params-below-int64",
        "params-beyond-int64", "params-double-space", "params-leading-plus",
        "params-not-integer", "params-one-argument", "params-three-arguments",
        "report-unknown-decision", "trailing-space", "unknown-command", "empty-line",
        "number-before-params", "number-empty-range"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[256], text[8192];
        snprintf(path, sizeof path, "fixtures/bad/%s.txt", files[i]);
        FILE *f = fopen(path, "r");
        ck_assert_msg(f != NULL, "cannot open %s", path);
        size_t n = fread(text, 1, sizeof text, f);
        fclose(f);
        struct wm_violation v;
        int rc = wm_inv_mal_check(text, n, 1, &v);
        ck_assert_msg(rc == 0, "%s: %s at line %zu: %s", path, v.kind, v.lineno, v.msg);
    }
    struct wm_violation v;
    const char *swapped = "# warmer transcript v1\n# seed: 1\nC: PARAMS +1 5\n"
                          "S! error malformed line (double, leading or trailing space): \"PARAMS +1 5\"\n";
    ck_assert_int_eq(wm_inv_mal_check(swapped, strlen(swapped), 1, &v), 1);
    ck_assert_msg(strstr(v.msg, "not-int error") != NULL, "%s", v.msg);
    const char *unquoted = "# warmer transcript v1\n# seed: 1\nC: NUMBER\\x20\n"
                           "S! error malformed line (double, leading or trailing space): \"NUMBER \"\n";
    ck_assert_int_eq(wm_inv_mal_check(unquoted, strlen(unquoted), 1, &v), 1);
    ck_assert_msg(strstr(v.msg, "NUMBER\\x20") != NULL, "%s", v.msg);
    const char *accepted = "# warmer transcript v1\n# seed: 1\nC: PARAMS 05 7\nC! close\n";
    ck_assert_int_eq(wm_inv_mal_check(accepted, strlen(accepted), 1, &v), 1);
    const char *second = "# warmer transcript v1\n# seed: 1\n# connections: 2\nC1: PARAMS 1 5\n"
                         "C1! close\nC2: PARAMS 1 5\\x00\nS2! error control byte \\x00 in line "
                         "\"PARAMS 1 5\" (byte 11)\n";
    ck_assert_msg(wm_inv_mal_check(second, strlen(second), 2, &v) == 0, "%s", v.msg);
}
END_TEST

/* Every recipe stays within the script's bound (max-line + 64), and every
 * shrinking step of a recipe is smaller in the scenario's order. */
START_TEST(recipes_bounded_and_shrinking)
{
    static const char *const lines[] = {"PARAMS -9223372036854775808 9223372036854775807",
                                        "NUMBER", "REPORT Unsure", "PARAMS 0 -1", ""};
    static const size_t limits[] = {8, 16, 48, 1024};
    unsigned char out[1024 + WM_MAL_MAX_EXTRA + 1];
    for (unsigned op = 0; op < WM_MAL_OPS; op++)
        for (size_t l = 0; l < sizeof lines / sizeof lines[0]; l++)
            for (size_t m = 0; m < sizeof limits / sizeof limits[0]; m++)
                for (uint32_t arg = 0; arg < 256; arg += 7) {
                    struct wm_mal r = {1, (enum wm_mal_op)op, 0, 0, arg % 64, arg, 0, 0, 0};
                    size_t n = wm_mal_apply(&r, (const unsigned char *)lines[l], strlen(lines[l]),
                                            limits[m], out);
                    ck_assert_msg(n <= limits[m] + WM_MAL_MAX_EXTRA,
                                  "op %u on \"%s\" gave %zu bytes for max-line %zu", op, lines[l],
                                  n, limits[m]);
                }
    struct wm_scn s, t;
    wm_scn_draw(&s, 1, 0, NULL);
    s.nfaults = 0;
    s.mal = (struct wm_mal){1, WM_MAL_BYTES, 0, 9, 40, 200, 0, 0, 0};
    s.connections = 1;
    for (unsigned i = 0; i < 600; i++)
        if (wm_scn_smaller(&s, i, &t) && memcmp(&t.mal, &s.mal, sizeof s.mal) != 0)
            ck_assert_msg(wm_scn_less(&t, &s), "step %u grows the recipe", i);
    /* without a fault plan only; a client line or a server's guess, under
     * a book profile the guess sent without its newline in half of them */
    struct wm_scn_bias book = {.driver = -1, .profile = WM_PROFILE_BOOK, .faults = WM_SCN_ALL_FAULTS};
    unsigned on = 0, book_on = 0, server = 0, book_server = 0, partial = 0;
    for (uint64_t run = 0; run < 200; run++) {
        wm_scn_draw(&s, 3, run, &book);
        book_on += s.mal.on;
        book_server += s.mal.server;
        partial += s.mal.partial;
        ck_assert(!s.mal.on || s.nfaults == 0);
        ck_assert(!s.mal.partial || s.mal.server);
        wm_scn_draw(&s, 3, run, NULL);
        on += s.mal.on;
        server += s.mal.server;
        ck_assert(!s.mal.on || s.nfaults == 0);
        ck_assert(!s.mal.partial || (s.mal.server && s.profile != WM_PROFILE_STRICT));
    }
    ck_assert_msg(book_on > 20 && book_on < 180, "%u of 200 book runs have malformed input", book_on);
    ck_assert_msg(book_server > 10 && book_server < book_on, "%u of %u book malformed runs corrupt a "
                  "guess", book_server, book_on);
    ck_assert_msg(partial > 3 && partial < book_server, "%u of %u book corrupted guesses are cut "
                  "before their newline", partial, book_server);
    ck_assert_msg(server > 10 && server < on, "%u of %u strict malformed runs corrupt a guess", server, on);
    ck_assert_msg(on > 20 && on < 180, "%u of 200 strict runs have malformed input", on);
}
END_TEST

/* A UTF-8 lead byte short of its sequence goes at the line's end (3 times
 * in 4), where the framer meets the \n inside it; a server that does not
 * end with that error is found. */
START_TEST(short_sequence_cut_by_the_newline)
{
    unsigned char out[64];
    struct wm_mal r = {1, WM_MAL_BYTES, 0, 0, 1, 13, 0, 0, 0}; /* bytes[13]: "\xc2" */
    size_t n = wm_mal_apply(&r, (const unsigned char *)"NUMBER", 6, 1024, out);
    ck_assert_msg(n == 7 && memcmp(out, "NUMBER\xc2", 7) == 0, "%zu: %.*s", n, (int)n, out);
    r.arg = 14; /* "\xe2\x82" */
    n = wm_mal_apply(&r, (const unsigned char *)"NUMBER", 6, 1024, out);
    ck_assert_msg(n == 8 && memcmp(out, "NUMBER\xe2\x82", 8) == 0, "%zu: %.*s", n, (int)n, out);
    r.pos = 4; /* else where pos says, as any piece */
    n = wm_mal_apply(&r, (const unsigned char *)"NUMBER", 6, 1024, out);
    ck_assert_msg(n == 8 && memcmp(out, "NUMB\xe2\x82" "ER", 8) == 0, "%zu: %.*s", n, (int)n, out);
    struct wm_violation v;
    const char *fmt = "# warmer transcript v1\n# seed: 1\nC: PARAMS 1 5\nC: NUMBER\\xc2\nS! error %s\n";
    char text[512];
    snprintf(text, sizeof text, fmt,
             "truncated UTF-8 sequence before \\x0a in line \"NUMBER\\xc2\" (byte 8)");
    ck_assert_msg(wm_inv_mal_check(text, strlen(text), 1, &v) == 0, "%s", v.msg);
    snprintf(text, sizeof text, fmt, "framer used after an error");
    ck_assert_int_eq(wm_inv_mal_check(text, strlen(text), 1, &v), 1);
}
END_TEST

/* docs/ERRORS.md's arity texts: the count of arguments is the line's. */
static int arity_ok(const char *line, const char *why)
{
    struct wm_cls_result r;
    wm_cls_line((const unsigned char *)line, strlen(line), 1024, &r);
    ck_assert_msg(r.cls == WM_CLS_ARITY, "\"%s\" classed %s", line, wm_cls_name(r.cls));
    return wm_cls_arity_count_ok(why, &r);
}

START_TEST(arity_count_exact)
{
    ck_assert(arity_ok("PARAMS 1", "bad PARAMS: expected 2 arguments, got 1: \"PARAMS 1\""));
    ck_assert(arity_ok("PARAMS 1 5 9", "bad PARAMS: expected 2 arguments, got 3: \"PARAMS 1 5 9\""));
    ck_assert(!arity_ok("PARAMS 1", "bad PARAMS: expected 2 arguments, got 2: \"PARAMS 1\""));
    ck_assert(!arity_ok("PARAMS 1 5 9", "bad PARAMS: expected 2 arguments, got 4: \"PARAMS 1 5 9\""));
    ck_assert(!arity_ok("PARAMS 1 5 9", "bad PARAMS: expected 2 arguments: \"PARAMS 1 5 9\""));
    ck_assert(arity_ok("REPORT", "bad REPORT: expected 1 argument, got 0: \"REPORT\""));
    ck_assert(!arity_ok("REPORT", "bad REPORT: expected 1 argument, got 2: \"REPORT\""));
    ck_assert(arity_ok("NUMBER x", "bad NUMBER: takes no arguments: \"NUMBER x\""));
}
END_TEST

/* The arity recipe adds one argument or three (arg % 4: 0 or 2), so a
 * line can have more words than any command's field table holds (5 or
 * more: msg.c's split keeps 4), and the count in the error is the line's. */
START_TEST(arity_adds_one_or_three)
{
    unsigned char out[64];
    struct wm_mal r = {1, WM_MAL_ARITY, 0, 0, 0, 0, 0, 0, 0};
    size_t n = wm_mal_apply(&r, (const unsigned char *)"PARAMS 1 5", 10, 1024, out);
    ck_assert_msg(n == 12 && memcmp(out, "PARAMS 1 5 7", 12) == 0, "%zu: %.*s", n, (int)n, out);
    r.arg = 2;
    n = wm_mal_apply(&r, (const unsigned char *)"PARAMS 1 5", 10, 1024, out);
    ck_assert_msg(n == 16 && memcmp(out, "PARAMS 1 5 7 7 7", 16) == 0, "%zu: %.*s", n, (int)n, out);
    ck_assert(arity_ok("PARAMS 1 5 7 7 7",
                       "bad PARAMS: expected 2 arguments, got 5: \"PARAMS 1 5 7 7 7\""));
    ck_assert(!arity_ok("PARAMS 1 5 7 7 7",
                        "bad PARAMS: expected 2 arguments, got 4: \"PARAMS 1 5 7 7 7\""));
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    WM_ADD_TEST(s, each_class);
    WM_ADD_TEST(s, edge_numerals);
    WM_ADD_TEST(s, errors_named_and_escaped);
    WM_ADD_TEST(s, bad_fixtures_hold);
    WM_ADD_TEST(s, quote_cut_exactly);
    WM_ADD_TEST(s, recipes_bounded_and_shrinking);
    WM_ADD_TEST(s, short_sequence_cut_by_the_newline);
    WM_ADD_TEST(s, arity_count_exact);
    WM_ADD_TEST(s, arity_adds_one_or_three);
    return s;
}

WM_TEST_MAIN(classify_suite)
