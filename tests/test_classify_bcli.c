/* The book's client model (sim/explore/oracle/classify_bcli.c) held to what the
 * book's own code did under CPython 3.11.7 with the same server bytes
 * (tests/bcli_vectors.h, from tests/gen_bcli_vectors.py), the harness's
 * bounds it documents, the check of a corrupted-guess run built on it
 * (inv_malbcli.c: holds for the book's reaction, fails naming what
 * differed), and the book client's recipes (mal_bookcli.c, mal_tie.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcli_vectors.h"
#include "classify.h"
#include "classify_bcli.h"
#include "inv_malbcli.h"
#include "mal_bookcli.h"
#include "mal_tie.h"
#include "testutil.h"

#define MAX_GAMES 4

/* "LO:HI:SECRET:COUNT ..." into games (their strings in buf). */
static size_t parse_games(const char *text, char *buf, struct wm_bcm_game *g)
{
    size_t n = 0;
    strcpy(buf, text);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && n < MAX_GAMES;
         w = strtok_r(NULL, " ", &save), n++) {
        g[n].lo = w;
        char *a = strchr(w, ':'), *b = strchr(a + 1, ':'), *c = strchr(b + 1, ':');
        *a = *b = *c = '\0';
        g[n].hi = a + 1, g[n].secret = b + 1;
        g[n].count = strtoull(c + 1, NULL, 10);
    }
    return n;
}

/* The server's bytes as the script sends them: lines, then the last bytes
 * before the close (a line cut before its newline) or the close. */
static void feed(struct wm_bcm *m, const char *in, size_t n)
{
    const unsigned char *p = (const unsigned char *)in, *end = p + n;
    while (p < end && !m->ended) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        int rc = wm_bcm_reply(m, p, (size_t)((nl ? nl : end) - p), !nl);
        ck_assert_int_ge(rc, 0);
        if (rc > 0)
            break;
        p = nl ? nl + 1 : end;
    }
    ck_assert_int_eq(wm_bcm_eof(m), 0);
}

START_TEST(follows_the_books_client_as_cpython_ran_it)
{
    for (size_t i = 0; i < sizeof bcli_vectors / sizeof bcli_vectors[0]; i++) {
        char buf[512], esc[8192];
        struct wm_bcm_game g[MAX_GAMES];
        size_t ng = parse_games(bcli_vectors[i].games, buf, g);
        struct wm_bcm m;
        ck_assert_int_eq(wm_bcm_start(&m, g, ng, 1024, 4194304), 0);
        feed(&m, bcli_vectors[i].in, bcli_vectors[i].n);
        wm_cls_escape((const unsigned char *)bcli_vectors[i].in, bcli_vectors[i].n, esc, sizeof esc);
        ck_assert_msg(!m.unsure && !m.prefix && !m.alt[0], "vector %zu (%s, \"%s\"): not exact", i,
                      bcli_vectors[i].games, esc);
        ck_assert_msg(m.recs.s && strcmp(m.recs.s, bcli_vectors[i].recs) == 0,
                      "vector %zu (games %s, server bytes \"%s\"): the client sends\n%s\nwant\n%s", i,
                      bcli_vectors[i].games, esc, m.recs.s ? m.recs.s : "", bcli_vectors[i].recs);
        ck_assert_msg(strcmp(m.console.s ? m.console.s : "", bcli_vectors[i].console) == 0,
                      "vector %zu (games %s, server bytes \"%s\"): console\n%s\nwant\n%s", i,
                      bcli_vectors[i].games, esc, m.console.s ? m.console.s : "",
                      bcli_vectors[i].console);
        wm_bcm_free(&m);
    }
}
END_TEST

/* The harness's bounds (docs/PROTOCOL.md, "The book's client"): max-line on
 * a line and on the last bytes, max-guesses on the session's guesses. */
START_TEST(harness_bounds)
{
    static const struct {
        const char *in;
        size_t max_line, max_guesses;
        const char *recs, *alt;
    } cases[] = {
        {"123456789\n", 8, 100, ": PARAMS 1 5\n: NUMBER\n: PARAMS 0 -1\n! error line longer than 8 "
         "bytes: \"12345678\" (max-line, a harness bound: the book reads lines without one)\n", ""},
        {"123456789", 8, 100, ": PARAMS 1 5\n: NUMBER\n: PARAMS 0 -1\n! error line longer than 8 "
         "bytes: \"12345678\" (max-line, a harness bound: the book reads lines without one)\n", ""},
        {"00000004", 8, 100, ": PARAMS 1 5\n: NUMBER\n: REPORT Unsure\n: NUMBER\n: PARAMS 0 -1\n"
         "! error EOFError: Connection closed\n", ""}, /* 8 bytes: within; int("0000000") */
        {"4\n5\n", 8, 1, ": PARAMS 1 5\n: NUMBER\n: REPORT Unsure\n: NUMBER\n: PARAMS 0 -1\n! error "
         "more than 1 guesses (max-guesses, a harness bound: the book's client has none)\n", ""},
        {"4\n2000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "000000000000000000000000000000000000000000000000000\n", 1024, 1,
         ": PARAMS 1 5\n: NUMBER\n: REPORT Unsure\n: NUMBER\n: PARAMS 0 -1\n! error OverflowError: "
         "int too large to convert to float\n",
         "more than 1 guesses (max-guesses, a harness bound: the book's client has none)"},
    };
    struct wm_bcm_game g = {"1", "5", "3", 5};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wm_bcm m;
        ck_assert_int_eq(wm_bcm_start(&m, &g, 1, cases[i].max_line, cases[i].max_guesses), 0);
        feed(&m, cases[i].in, strlen(cases[i].in));
        ck_assert_msg(strcmp(m.recs.s, cases[i].recs) == 0, "case %zu: the client sends\n%s\nwant\n%s",
                      i, m.recs.s, cases[i].recs);
        ck_assert_msg(strcmp(m.alt, cases[i].alt) == 0, "case %zu: alt \"%s\", want \"%s\"", i,
                      m.alt, cases[i].alt);
        wm_bcm_free(&m);
    }
    /* a server that hangs: the harness's wait ends it */
    struct wm_bcm m;
    ck_assert_int_eq(wm_bcm_start(&m, &g, 1, 1024, 100), 0);
    ck_assert_int_eq(wm_bcm_hang(&m), 0);
    ck_assert_str_eq(m.recs.s, ": PARAMS 1 5\n: NUMBER\n: PARAMS 0 -1\n! error timed out waiting for "
                     "a guess (game 1, guess 1; a harness bound: the book's client waits forever)\n");
    wm_bcm_free(&m);
}
END_TEST

static int check(const char *records, const char *console, char *msg, size_t size)
{
    char text[4096];
    snprintf(text, sizeof text, "# warmer transcript v1\n# seed: 1\n# profile: book\n"
             "# game: 1:5:3:2\n# server: script\n%s", records);
    struct wm_violation v = {0};
    int rc = wm_inv_malbcli_check(text, strlen(text), console, console ? strlen(console) : 0, 1, &v);
    snprintf(msg, size, "%s: %s", v.kind ? v.kind : "", v.msg);
    return rc;
}

/* The check of a run: the book's reaction holds; each slip fails, saying so. */
START_TEST(each_reaction_holds_and_fails)
{
    static const struct {
        const char *records, *console, *fails; /* fails: NULL, or what the message says */
    } cases[] = {
        {"C: PARAMS 1 5\nC: NUMBER\nS! partial 4x\nS! close\nC: REPORT Unsure\nC: NUMBER\n"
         "C: PARAMS 0 -1\nC! error EOFError: Connection closed\n",
         "C1 Guess a number between 1 and 5! Shhhhh, it's 3.\n", NULL},
        /* the last byte kept: int("4x") */
        {"C: PARAMS 1 5\nC: NUMBER\nS! partial 4x\nS! close\nC: PARAMS 0 -1\nC! error ValueError: "
         "invalid literal for int() with base 10: '4x'\n", NULL, "must send \"C: REPORT Unsure\""},
        {"C: PARAMS 1 5\nC: NUMBER\nS! partial 3\nS! close\nC: PARAMS 0 -1\nC! error ValueError: "
         "invalid literal for int() with base 10: ''\n", NULL, NULL},
        /* the last byte kept: 3 is the secret */
        {"C: PARAMS 1 5\nC: NUMBER\nS! partial 3\nS! close\nC: REPORT Correct\nC: PARAMS 0 -1\n",
         NULL, "must send \"C: PARAMS 0 -1\""},
        /* strict's line layer in place of int() */
        {"C: PARAMS 1 5\nC: NUMBER\nS: \\x014\nC: PARAMS 0 -1\nC! error control byte \\x01 in line "
         "\"\" (byte 1)\n", NULL, "ValueError: invalid literal for int() with base 10: '\\\\x014'"},
        {"C: PARAMS 1 5\nC: NUMBER\nS: \\x0b4\\x0c\nC: REPORT Unsure\nC: NUMBER\nS: 3\n"
         "C: REPORT Correct\nC: PARAMS 0 -1\n",
         "C1 Guess a number between 1 and 5! Shhhhh, it's 3.\nC1 Client: 4 is Unsure\n"
         "C1 Client: 3 is Correct\n", NULL},
        /* the summary names int()'s value */
        {"C: PARAMS 1 5\nC: NUMBER\nS: +4\nC: REPORT Unsure\nC: NUMBER\nS: 3\nC: REPORT Correct\n"
         "C: PARAMS 0 -1\n", "C1 Guess a number between 1 and 5! Shhhhh, it's 3.\nC1 Client: +4 "
         "is Unsure\nC1 Client: 3 is Correct\n", "console line 2 is \"Client: +4 is Unsure\""},
        {"C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\nC: NUMBER\nS: 3\nC: REPORT Correct\n"
         "C: PARAMS 0 -1\n", "C1 Guess a number between 1 and 5! Shhhhh, it's 3.\n",
         "the next must be \"Client: 4 is Unsure\""},
        {"C: PARAMS 1 5\nC: NUMBER\nS: 5\nC: REPORT Unsure\nC: NUMBER\nC: PARAMS 0 -1\n"
         "C! error EOFError: Connection closed\n", NULL, NULL},
        {"C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\nC: NUMBER\nS: 3\nC: REPORT Correct\n"
         "C: PARAMS 0 -1\nC: NUMBER\n", NULL, "must send nothing more"},
    };
    char msg[1200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = check(cases[i].records, cases[i].console, msg, sizeof msg);
        if (!cases[i].fails)
            ck_assert_msg(rc == 0, "case %zu should hold: %s", i, msg);
        else
            ck_assert_msg(rc == 1 && strstr(msg, "malformed: ") && strstr(msg, cases[i].fails),
                          "case %zu should fail saying \"%s\": rc %d, %s", i, cases[i].fails, rc, msg);
    }
}
END_TEST

/* The numeral recipe: forms of the guess int() reads, or refuses. */
START_TEST(guess_forms)
{
    static const struct {
        unsigned arg;
        const char *guess, *want;
    } cases[] = {
        {0, "4", "+4"}, {0, "-4", "+-4"}, {2, "4", "04"}, {2, "-4", "-04"}, {4, "12", " 12 "},
        {6, "4", "\t4\r"}, {16, "12", "1_2"}, {18, "12", "1__2"}, {22, "12", "\xd9\xa1\xd9\xa2"},
        {26, "12", "\xe0\xa5\xa7" "2"}, {30, "4", "\x1f" "4"}, {1, "4", "+5"}, {3, "4", "-0"},
    };
    struct wm_mal m = {1, WM_MAL_NUMERAL, 0, 0, 0, 0, 1, 0, 0};
    unsigned char out[1200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        m.arg = cases[i].arg;
        size_t n = wm_mal_bookcli_apply(&m, (const unsigned char *)cases[i].guess,
                                        strlen(cases[i].guess), 1024, out);
        ck_assert_msg(n == strlen(cases[i].want) && memcmp(out, cases[i].want, n) == 0,
                      "arg %u of \"%s\": \"%.*s\", want \"%s\"", cases[i].arg, cases[i].guess, (int)n,
                      out, cases[i].want);
    }
    m.arg = 36; /* 2e308: a distance no double holds */
    ck_assert_uint_eq(wm_mal_bookcli_apply(&m, (const unsigned char *)"4", 1, 1024, out), 309);
    ck_assert_int_eq(out[0], '2');
}
END_TEST

/* The tie recipe (mal_tie.c): a guess on or one beside a rounding tie of
 * the previous guess's distance R, and the book's decision on it (float()
 * of an int rounds half to even; past halfway the low bits decide): the
 * guesses and decisions from CPython 3.11's float() by hand. */
START_TEST(tie_guesses)
{
    static const struct {
        const char *number, *prev;
        unsigned arg;
        const char *guess, *decision;
    } cases[] = {
        /* R = 2^53 + 2, an odd significand: a tie rounds away from R */
        {"0", "9007199254740994", 0, "9007199254740995", "Colder"},
        {"0", "9007199254740994", 1, "9007199254740993", "Warmer"},
        {"0", "9007199254740994", 2, "9007199254740996", "Colder"},
        {"0", "9007199254740994", 3, "9007199254740994", "Unsure"},
        {"0", "9007199254740994", 5, "9007199254740992", "Warmer"},
        /* R = 2^53 + 4, even: a tie rounds to R, above the number or below */
        {"0", "-9007199254740996", 0, "9007199254740997", "Unsure"},
        {"0", "9007199254740996", 7, "-9007199254740995", "Unsure"},
        /* R = 2^60 + 512 (even, ulp 256), the number 2^64: one past halfway
         * rounds up, one short rounds to R (the bits below the round bit) */
        {"18446744073709551616", "19599665578316399104", 2, "19599665578316399233", "Colder"},
        {"18446744073709551616", "19599665578316399104", 6, "17293822569102704000", "Unsure"},
        {"18446744073709551616", "19599665578316399104", 4, "19599665578316399231", "Unsure"},
        {"18446744073709551616", "17293822569102704128", 5, "19599665578316398975", "Warmer"},
        /* R = 2^54: below a power of two the gap is half as wide */
        {"0", "18014398509481984", 1, "18014398509481983", "Unsure"},
        {"0", "18014398509481984", 5, "18014398509481982", "Warmer"},
        /* R = 2^117 + 2^66 (even, ulp 2^65): 2^46 past halfway (arg 206:
         * k = 1 + 8 * 63 / 11) is a bit of the distance's second word
         * alone; R = 2^117 + 2^65 (odd) the same below the number */
        {"0", "166153499473114557899952177373249536", 206, "166153499473114576346766619826978816", "Colder"},
        {"0", "166153499473114521006464029954146304", 212, "-166153499473114539453278472407875584", "Colder"},
        /* R = 2^53: no tie below at an integer, so the one above */
        {"0", "9007199254740992", 1, "9007199254740993", "Unsure"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char guess[128], in[300], want[64];
        size_t n = wm_mal_tie_guess(cases[i].number, cases[i].prev, cases[i].arg, guess, sizeof guess);
        ck_assert_msg(n == strlen(cases[i].guess) && strcmp(guess, cases[i].guess) == 0,
                      "case %zu: arg %u of number %s after %s: \"%.*s\", want \"%s\"", i,
                      cases[i].arg, cases[i].number, cases[i].prev, (int)n, guess, cases[i].guess);
        struct wm_bcm_game g = {"-1", "1", cases[i].number, 2};
        struct wm_bcm m;
        ck_assert_int_eq(wm_bcm_start(&m, &g, 1, 1024, 4194304), 0);
        int k = snprintf(in, sizeof in, "%s\n%s\n", cases[i].prev, guess);
        feed(&m, in, (size_t)k);
        snprintf(want, sizeof want, ": REPORT Unsure\n: NUMBER\n: REPORT %s\n", cases[i].decision);
        ck_assert_msg(m.recs.s && strstr(m.recs.s, want), "case %zu: number %s, guesses %s then %s: "
                      "the client sends\n%s\nwant it to end its game with\n%s", i, cases[i].number,
                      cases[i].prev, guess, m.recs.s ? m.recs.s : "", want);
        wm_bcm_free(&m);
    }
    char guess[128]; /* no tie below 2^53: every integer there is a double */
    ck_assert_uint_eq(wm_mal_tie_guess("0", "9007199254740991", 0, guess, sizeof guess), 0);
    ck_assert_int_eq(wm_mal_tie_fits("5", "9007199254740997"), 1);
    ck_assert_int_eq(wm_mal_tie_fits("5", "9007199254740996"), 0);
}
END_TEST

static Suite *classify_bcli_suite(void)
{
    Suite *s = suite_create("classify_bcli");
    WM_ADD_TEST(s, follows_the_books_client_as_cpython_ran_it);
    WM_ADD_TEST(s, harness_bounds);
    WM_ADD_TEST(s, each_reaction_holds_and_fails);
    WM_ADD_TEST(s, guess_forms);
    WM_ADD_TEST(s, tie_guesses);
    return s;
}

WM_TEST_MAIN(classify_bcli_suite)
