/* A strict client's reaction to a corrupted guess (sim/explore/oracle/inv_malsrv.c),
 * held to docs/PROTOCOL.md and docs/ERRORS.md ("Client"): each class of
 * server line, and for each a client that reacts right holds and one that
 * does not fails, saying what differed; and the corrupted guesses drawn
 * (mal_server.c). */
#include <stdio.h>
#include <string.h>

#include "inv_malsrv.h"
#include "mal_server.h"
#include "testutil.h"

static void expect(const char *line, size_t n, int64_t lo, int64_t hi, enum wm_clss want)
{
    int64_t prev[2] = {3, 4}, v;
    size_t max_line = n == 19 ? 24 : 16; /* 16, but for int64's edge */
    enum wm_clss c = wm_clss_line((const unsigned char *)line, n, max_line, lo, hi, prev, 2, &v);
    ck_assert_msg(c == want, "\"%.*s\" in [%lld, %lld] classed %s, want %s", (int)n, line,
                  (long long)lo, (long long)hi, wm_clss_name(c), wm_clss_name(want));
}
#define EXPECT(lit, lo, hi, cls) expect(lit, sizeof lit - 1, lo, hi, cls)

START_TEST(each_server_class)
{
    EXPECT("5", 1, 5, WM_CLSS_GUESS);
    EXPECT("-5", INT64_MIN, 0, WM_CLSS_GUESS);
    EXPECT("4", 1, 5, WM_CLSS_REPEATED);
    EXPECT("6", 1, 5, WM_CLSS_OUTSIDE);
    EXPECT("0", 1, 5, WM_CLSS_OUTSIDE);
    EXPECT("+5", 1, 5, WM_CLSS_NOT_INT);
    EXPECT("05", 1, 5, WM_CLSS_NOT_INT);
    EXPECT("-0", -1, 5, WM_CLSS_NOT_INT);
    EXPECT("", 1, 5, WM_CLSS_NOT_INT);
    EXPECT("5 ", 1, 5, WM_CLSS_NOT_INT);
    EXPECT("REPORT Hot", 1, 5, WM_CLSS_NOT_INT);
    expect("9223372036854775808", 19, 1, 5, WM_CLSS_NOT_INT); /* past int64: no guess */
    expect("-922337203685477580", 19, INT64_MIN, 0, WM_CLSS_GUESS);
    EXPECT("5\r", 1, 5, WM_CLSS_LINE);
    EXPECT("\xff", 1, 5, WM_CLSS_LINE);
    EXPECT("12345678901234567", 1, 5, WM_CLSS_LINE); /* max-line 16 */
}
END_TEST

static const char head[] = "# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n# server: script\n"
                           "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\nC: NUMBER\n";

/* records after the head, then 0 when the client did right, else the words the failure must say */
static const struct {
    const char *records, *fails;
} cases[] = {
    {"S: 6\nS! close\nC: PARAMS 0 -1\nC! error server guessed 6, outside [1, 5] (game 1)\n", NULL},
    {"S: 6\nS! close\nC: REPORT Colder\nC: NUMBER\nC: PARAMS 0 -1\nC! error server closed the "
     "connection while the client awaited a guess (game 1, guess 3)\n", "a guess outside the range"},
    {"S: 6\nS! close\nC! error server guessed 6, outside [1, 5] (game 1)\n", "PARAMS 0 -1"},
    {"S: 4\nS! close\nC: PARAMS 0 -1\nC! error server repeated the guess 4 (game 1, guess 2)\n", NULL},
    {"S: 4\nS! close\nC: PARAMS 0 -1\nC! error server repeated the guess 4 (game 1, guess 3)\n",
     "guess 2)"},
    {"S: +5\nS! close\nC: PARAMS 0 -1\nC! error server sent a non-integer guess \"+5\" (game 1)\n", NULL},
    {"S: +5\nS! close\nC: PARAMS 0 -1\nC! error server guessed 5, outside [1, 5] (game 1)\n",
     "non-integer"},
    {"S: 5\\x0d\nS! close\nC: PARAMS 0 -1\nC! error control byte \\x0d in line \"5\" (byte 2)\n", NULL},
    {"S: 5\\x0d\nS! close\nC: PARAMS 0 -1\nC! error server sent a non-integer guess \"5\\x0d\" "
     "(game 1)\n", "a byte error"},
    {"S: 5\nS! close\nC: REPORT Warmer\nC: NUMBER\nC: PARAMS 0 -1\nC! error server closed the "
     "connection while the client awaited a guess (game 1, guess 3)\n", NULL},
    {"S: 5\nS! close\nC: PARAMS 0 -1\nC! error server guessed 5, outside [1, 5] (game 1)\n",
     "a valid guess"},
};

START_TEST(each_reaction_holds_and_fails)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        struct wm_violation v;
        snprintf(text, sizeof text, "%s%s", head, cases[i].records);
        int rc = wm_inv_malsrv_check(text, strlen(text), 1, &v);
        if (!cases[i].fails)
            ck_assert_msg(rc == 0, "case %zu (%s) should hold: %s", i, cases[i].records, v.msg);
        else
            ck_assert_msg(rc == 1 && strcmp(v.kind, "malformed") == 0 && strstr(v.msg, cases[i].fails),
                          "case %zu (%s) should fail saying \"%s\": %d %s", i, cases[i].records,
                          cases[i].fails, rc, rc ? v.msg : "");
    }
}
END_TEST

START_TEST(corrupted_guesses)
{
    struct wm_mal m = {1, WM_MAL_NUMERAL, 0, 0, 0, 1, 1, 0, 0};
    struct wm_mal_game g = {1, 5, 4, 1};
    unsigned char out[1200];
    size_t n = wm_mal_server_apply(&m, &g, (const unsigned char *)"3", 1, 1024, out);
    ck_assert_msg(n == 1 && out[0] == '6', "past the range: %.*s", (int)n, out); /* pos even: hi + 1 */
    m.pos = 1;
    n = wm_mal_server_apply(&m, &g, (const unsigned char *)"3", 1, 1024, out);
    ck_assert_msg(n == 1 && out[0] == '0', "below the range: %.*s", (int)n, out);
    m.arg = 2;
    n = wm_mal_server_apply(&m, &g, (const unsigned char *)"3", 1, 1024, out);
    ck_assert_msg(n == 1 && out[0] == '4', "a repeat: %.*s", (int)n, out);
    m.op = WM_MAL_FLIP, m.arg = 0, m.pos = 0; /* the other recipes as a client line's */
    n = wm_mal_server_apply(&m, &g, (const unsigned char *)"3", 1, 1024, out);
    ck_assert_msg(n == 1 && out[0] == '2', "a flipped bit: %.*s", (int)n, out);
}
END_TEST

static Suite *classify_server_suite(void)
{
    Suite *s = suite_create("classify_server");
    WM_ADD_TEST(s, each_server_class);
    WM_ADD_TEST(s, each_reaction_holds_and_fails);
    WM_ADD_TEST(s, corrupted_guesses);
    return s;
}

WM_TEST_MAIN(classify_server_suite)
