/* proto/book_server.c and book_client.c driven directly: each behaviour of
 * the book's code named in docs/PROTOCOL.md ("Profiles"), with the records
 * tests/book_ref.py gives for the same input (printed by running it: the
 * values drawn, beyond 2^64 too, are CPython's own). test_book_vectors
 * checks the same sessions on random input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booksess.h"
#include "endpoint.h"
#include "testutil.h"

#define ASYNC_NOTE "without closing its writer: the connection stays open (CPython 3.8-3.12; " \
                   "measured on 3.11.7)"

/* The server's records for `in` (then the end if eof) are exactly `want`. */
static void server_is(enum wm_profile p, uint64_t seed, size_t max_guesses, const char *in,
                      size_t len, int eof, const char *want)
{
    char *have = bs_server(p, seed, max_guesses, in, len, eof);
    int same = strcmp(have, want) == 0;
    ck_assert_msg(same, "input \"%.200s\":\nwant:\n%.1500s\nhave:\n%.1500s", in, want, have);
    free(have);
}

#define SERVER_IS(in, eof, want) server_is(WM_PROFILE_BOOK, 1234, 1000, in, strlen(in), eof, want)
/* The same for a C string with the end, another profile, seed or max-guesses. */
#define SERVER_WITH(p, seed, max, in, want) server_is(p, seed, max, in, strlen(in), 1, want)

static void client_is(const struct wm_game *g, size_t n, size_t max_guesses, const char *in,
                      const char *want)
{
    char *have = bs_client(g, n, max_guesses, in, strlen(in), 1);
    int same = strcmp(have, want) == 0;
    ck_assert_msg(same, "input \"%.200s\":\nwant:\n%.1500s\nhave:\n%.1500s", in, want, have);
    free(have);
}

START_TEST(number_with_words_answered_and_any_decision_logged)
{
    SERVER_IS("PARAMS 1 5\nNUMBER x\nREPORT Hot\nNUMBER \nREPORT Correct\nNUMBER\nPARAMS +1 5\n"
              "NUMBER\n", 1,
              "S:4\nL:Server: 4 is Hot\nS:1\nL:Server: 1 is Correct\nS:1\nS:1\nC:\n");
}
END_TEST

START_TEST(params_read_by_pythons_int)
{
    /* whitespace (\t, \r) around a number, underscores, a sign */
    SERVER_IS("PARAMS \t1_000\t 2000\r\nNUMBER\nPARAMS 1 5\r\nNUMBER\n", 1, "S:1989\nS:4\nC:\n");
    SERVER_IS("PARAMS x 5\n", 1, "E:ValueError: invalid literal for int() with base 10: 'x'\n");
}
END_TEST

START_TEST(exhausted_range_hangs)
{
    const char *in = "PARAMS 7 7\nNUMBER\nREPORT Unsure\nNUMBER\nNUMBER\n";
    char *have = bs_server(WM_PROFILE_BOOK, 1234, 1000, in, strlen(in), 0);
    ck_assert_str_eq(have, "S:7\nL:Server: 7 is Unsure\nH:NUMBER after all 1 values of [7, 7] "
                           "were guessed: the book's server draws forever\n");
    free(have); /* bs_feed checked that the session said it was done */
    /* once the secret is known, NUMBER repeats it: no draw, no hang */
    SERVER_IS("PARAMS 7 7\nNUMBER\nREPORT Correct\nNUMBER\nNUMBER\n", 1,
              "S:7\nL:Server: 7 is Correct\nS:7\nS:7\nC:\n");
}
END_TEST

START_TEST(tail_at_the_end_loses_its_last_byte)
{
    SERVER_IS("PARAMS 1 5\nNUMBERx", 1, "S:4\nC:\n");
    SERVER_IS("PARAMS 1 5\nNUMBER", 1, "E:UnknownCommandError: NUMBE\n");
    SERVER_IS("PARAMS 1 5\nx", 1, "C:\n"); /* an empty command ends the loop */
    SERVER_IS("PARAMS 1 5\n\xc3\xa9", 1, "E:UnicodeDecodeError: 'utf-8' codec can't decode byte "
                                        "0xc3 in position 0: unexpected end of data\n");
}
END_TEST

START_TEST(python_exceptions_end_the_session)
{
    SERVER_IS("NUMBER\n", 1, "E:TypeError: unsupported operand type(s) for +: 'NoneType' and "
                             "'int'\n");
    SERVER_IS("PARAMS 5 1\nNUMBER\n", 1, "E:ValueError: empty range for randrange() (5, 2, -3)\n");
    SERVER_IS("PARAMS 1 2\nREPORT Hot\n", 1, "E:IndexError: list index out of range\n");
    SERVER_IS("PARAMS 1\n", 1, "E:AssertionError\n");
    SERVER_IS("PARAMS 1 2\nNUMBER\nREPORT a b\n", 1, "S:2\nE:AssertionError\n");
    SERVER_IS("HELLO \t\n", 1, "E:UnknownCommandError: HELLO \\x09\n");
    SERVER_IS("NUMBER \xff\n", 1, "E:UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in "
                                  "position 7: invalid start byte\n");
}
END_TEST

START_TEST(long_exception_texts_cut_to_fit_a_record)
{
    /* a transcript's error record holds under 512 escaped bytes */
    char in[1000], want[1100];
    for (int k = 0; k < 2; k++) {
        size_t n = k ? 200 : 600;
        memset(in, k ? '\x01' : 'H', n);
        in[n] = '\n';
        size_t w = (size_t)sprintf(want, "E:UnknownCommandError: ");
        for (size_t i = 0; i < (k ? 121u : 487u); i++)
            w += (size_t)sprintf(want + w, k ? "\\x01" : "H");
        sprintf(want + w, "...\n");
        server_is(WM_PROFILE_BOOK, 1, 10, in, n + 1, 1, want);
    }
    /* under the bound: whole */
    memset(in, 'H', 490);
    sprintf(in + 490, "\n");
    sprintf(want, "E:UnknownCommandError: %.490s\n", in);
    SERVER_WITH(WM_PROFILE_BOOK, 1, 10, in, want);
}
END_TEST

START_TEST(console_lines_cut_to_max_log)
{
    struct wm_book_server s;
    struct brec r = {.prefix = ""};
    const char *in = "PARAMS 1 5\nNUMBER\nREPORT DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
                     "REPORT DDDDDDDDDDDDDDDDD\n";
    ck_assert_int_eq(wm_book_server_init(&s, WM_PROFILE_BOOK, 1234, 10), 0);
    s.max_log = 30;
    brec_put(&r, "", 0);
    bs_feed(&wm_book_server_role, &s, &r, in, strlen(in), 0);
    wm_book_server_free(&s);
    ck_assert_str_eq(r.s, "S:4\nL:Server: 4 is DDDDDDDDDDDDDD...\nL:Server: 4 is DDDDDDDDDDDDDDDDD\n");
    brec_free(&r);

    struct wm_book_client c;
    struct wm_game g = {.lo = 1, .hi = 5, .secret = 3, .count = 1};
    struct brec cr = {.prefix = ""};
    ck_assert_int_eq(wm_book_client_init(&c, &g, 1, 10), 0);
    c.max_log = 22; /* "Client: 3 is Correct" has 21 */
    brec_put(&cr, "", 0);
    bs_feed(&wm_book_client_role, &c, &cr, "3\n", 2, 0);
    wm_book_client_free(&c);
    ck_assert_str_eq(cr.s, "L:Guess a number betw...\nS:PARAMS 1 5\nS:NUMBER\nS:REPORT Correct\n"
                           "S:PARAMS 0 -1\nL:Client: 3 is Correct\nC:\n");
    brec_free(&cr);
}
END_TEST

START_TEST(width_beyond_the_digit_limit)
{
    /* randrange's message formats hi + 1 - lo: 4301 digits, itself a ValueError */
    size_t n = 2 * WM_BIG_DIGITS_MAX + 32;
    char *in = malloc(n);
    ck_assert_ptr_nonnull(in);
    size_t k = (size_t)sprintf(in, "PARAMS ");
    memset(in + k, '9', WM_BIG_DIGITS_MAX);
    k += WM_BIG_DIGITS_MAX;
    in[k++] = ' ';
    in[k++] = '-';
    memset(in + k, '9', WM_BIG_DIGITS_MAX);
    k += WM_BIG_DIGITS_MAX;
    k += (size_t)sprintf(in + k, "\nNUMBER\n");
    server_is(WM_PROFILE_BOOK, 1, 1000, in, k, 1, "E:ValueError: Exceeds the limit (4300 digits) "
              "for integer string conversion; use sys.set_int_max_str_digits() to increase the "
              "limit\n");
    free(in);
}
END_TEST

START_TEST(draws_beyond_64_bits_as_cpython)
{
    SERVER_IS("PARAMS 18446744073709551616 36893488147419103232\nNUMBER\nNUMBER\nNUMBER\n"
              "REPORT Correct\nNUMBER\n", 1,
              "S:32801369059993681849\nS:18584937378559421030\nS:29186947212625032637\n"
              "L:Server: 29186947212625032637 is Correct\nS:29186947212625032637\nC:\n");
    SERVER_WITH(WM_PROFILE_BOOK, 7, 1000, "PARAMS -1267650600228229401496703205376 "
                "1267650600228229401496703205376\nNUMBER\nNUMBER\nNUMBER\n",
              "S:725004965703909493443781899320\nS:-197481286530689479632589618059\n"
              "S:826638576075811671334668816600\nC:\n");
}
END_TEST

START_TEST(asyncio_stays_open_where_threaded_closes)
{
    const char *in = "PARAMS 1 5\nNUMBER\nREPORT Hot\n\nNUMBER\n";
    SERVER_WITH(WM_PROFILE_BOOK, 1234, 1000, in, "S:4\nL:Server: 4 is Hot\nC:\n");
    SERVER_WITH(WM_PROFILE_BOOK_ASYNCIO, 1234, 1000, in,
              "S:4\nL:Server: 4 is Hot\nH:the book's asyncio handler returned on an empty line "
              ASYNC_NOTE "\n");
    SERVER_WITH(WM_PROFILE_BOOK_ASYNCIO, 1234, 1000, "PARAMS 1 5\nNUMBER\n",
              "S:4\nH:the book's asyncio handler returned at the client's EOF " ASYNC_NOTE "\n");
    /* an exception closes it (measured on 3.11.7), as the threaded one */
    SERVER_WITH(WM_PROFILE_BOOK_ASYNCIO, 1234, 1000, "PARAMS 1\n", "E:AssertionError\n");
}
END_TEST

START_TEST(max_guesses_bounds_a_game)
{
    SERVER_WITH(WM_PROFILE_BOOK, 1234, 2, "PARAMS 1 10\nNUMBER\nNUMBER\nNUMBER\n",
              "S:8\nS:2\nE:NUMBER beyond the limit of 2 guesses in one game (max-guesses, a "
              "harness bound: the book's server has none)\n");
    SERVER_WITH(WM_PROFILE_BOOK, 1234, 1, "PARAMS 1 100000000000000000000\nNUMBER\nNUMBER\n",
              "S:69694857207412785082\nE:NUMBER beyond the limit of 1 guesses in one game "
              "(max-guesses, a harness bound: the book's server has none)\n");
    /* a new game starts a new count */
    SERVER_WITH(WM_PROFILE_BOOK, 1234, 1, "PARAMS 1 5\nNUMBER\nPARAMS 1 5\nNUMBER\n",
                "S:4\nS:1\nC:\n");
}
END_TEST

START_TEST(overlong_line_names_the_harness_bound)
{
    struct wm_book_server s;
    struct brec r = {.prefix = ""};
    struct wm_sink sink = {brec_emit, &r};
    struct wm_err e;
    ck_assert_int_eq(wm_book_server_init(&s, WM_PROFILE_BOOK, 1, 10), 0);
    wm_err_set(&e, "line longer than 1024 bytes: \"AAAA...\"");
    ck_assert_int_eq(wm_book_server_role.on_bad_input(&s, &e, &sink), WM_SESS_CLOSED);
    wm_book_server_free(&s);
    ck_assert_str_eq(r.s, "E:line longer than 1024 bytes: \"AAAA...\" (max-line, a harness "
                          "bound: the book reads lines without one)\n");
    brec_free(&r);
}
END_TEST

static void game(struct wm_game *g, int64_t lo, int64_t hi, int64_t secret, uint64_t count)
{
    *g = (struct wm_game){.lo = lo, .hi = hi, .secret = secret, .count = count};
}

START_TEST(client_judges_with_floats)
{
    struct wm_game g;
    /* |2^53 + 1| rounds to 2^53: the same distance as 2^53, so Unsure */
    game(&g, 0, (int64_t)1 << 60, 0, 3);
    client_is(&g, 1, 100, "9007199254740993\n9007199254740992\n9007199254740991\n",
              "L:Guess a number between 0 and 1152921504606846976! Shhhhh, it's 0.\n"
              "S:PARAMS 0 1152921504606846976\nS:NUMBER\nS:REPORT Unsure\nS:NUMBER\n"
              "S:REPORT Unsure\nS:NUMBER\nS:REPORT Warmer\nS:PARAMS 0 -1\n"
              "L:Client: 9007199254740993 is Unsure\nL:Client: 9007199254740992 is Unsure\n"
              "L:Client: 9007199254740991 is Warmer\nC:\n");
}
END_TEST

START_TEST(client_overflow_error)
{
    /* 2^1024 - 2^971 is the largest double; 2^1024 - 2^970 rounds up past it */
    const char *max = "17976931348623157081452742373170435679807056752584499659891747680315726078"
                      "00285387605895586327668781715404589535143824642343213268894641827684675467"
                      "03537516986049910576551282076245490090389328944075868508455133942304583236"
                      "90322294816580855933212334827479782620414472316873817718091929988125040402"
                      "6184124858368\n";
    const char *over = "1797693134862315807937289714053034150799341327100378269361737789804449682"
                       "9276475094664901797758720709633028641669288791094655554785194040263065748"
                       "8671505820681908902000708383676273854845817711531764475730270069855571366"
                       "9596228429148198608349364752927190741684443655107043427115596995080930428"
                       "80177904174497792\n";
    char in[800];
    snprintf(in, sizeof in, "%s%s", max, over);
    struct wm_game g;
    game(&g, 0, 5, 0, 3);
    client_is(&g, 1, 100, in,
              "L:Guess a number between 0 and 5! Shhhhh, it's 0.\nS:PARAMS 0 5\nS:NUMBER\n"
              "S:REPORT Unsure\nS:NUMBER\nS:PARAMS 0 -1\n"
              "E:OverflowError: int too large to convert to float\n");
}
END_TEST

START_TEST(client_reads_as_python)
{
    struct wm_game g;
    game(&g, 1, 5, 3, 4);
    /* int() takes +5, " 4 ", "2\r"; the unfinished "12x" at the end is 12 */
    client_is(&g, 1, 100, "+5\n 4 \n2\r\n12x",
              "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\nS:NUMBER\n"
              "S:REPORT Unsure\nS:NUMBER\nS:REPORT Warmer\nS:NUMBER\nS:REPORT Unsure\nS:NUMBER\n"
              "S:REPORT Colder\nS:PARAMS 0 -1\nL:Client: 5 is Unsure\nL:Client: 4 is Warmer\n"
              "L:Client: 2 is Unsure\nL:Client: 12 is Colder\nC:\n");
    const char *head = "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\nS:NUMBER\n";
    char want[600];
    snprintf(want, sizeof want, "%sS:PARAMS 0 -1\nE:ValueError: invalid literal for int() with "
             "base 10: 'x'\n", head);
    client_is(&g, 1, 100, "x\n", want);
    snprintf(want, sizeof want, "%sS:REPORT Unsure\nS:NUMBER\nS:PARAMS 0 -1\nE:UnicodeDecodeError: "
             "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte\n", head);
    client_is(&g, 1, 100, "4\n\xff\n", want);
    snprintf(want, sizeof want, "%sS:REPORT Unsure\nS:NUMBER\nS:PARAMS 0 -1\n"
             "E:EOFError: Connection closed\n", head);
    client_is(&g, 1, 100, "4\n", want);
}
END_TEST

START_TEST(client_big_games)
{
    struct wm_game g[3];
    game(&g[0], 0, 0, 0, 5);
    g[0].big = "18446744073709551616:18446744073709551626:18446744073709551619";
    game(&g[1], 1, 2, 9, 0);
    game(&g[2], -1, 1, 0, 2);
    client_is(g, 3, 100, "18446744073709551621\n18446744073709551619\n1\n0\n",
              "L:Guess a number between 18446744073709551616 and 18446744073709551626! Shhhhh, "
              "it's 18446744073709551619.\nS:PARAMS 18446744073709551616 18446744073709551626\n"
              "S:NUMBER\nS:REPORT Unsure\nS:NUMBER\nS:REPORT Correct\nS:PARAMS 0 -1\n"
              "L:Guess a number between 1 and 2! Shhhhh, it's 9.\nS:PARAMS 1 2\nS:PARAMS 0 -1\n"
              "L:Guess a number between -1 and 1! Shhhhh, it's 0.\nS:PARAMS -1 1\nS:NUMBER\n"
              "S:REPORT Unsure\nS:NUMBER\nS:REPORT Correct\nS:PARAMS 0 -1\n"
              "L:Client: 18446744073709551621 is Unsure\nL:Client: 18446744073709551619 is "
              "Correct\nL:Client: 1 is Unsure\nL:Client: 0 is Correct\nC:\n");
}
END_TEST

START_TEST(client_max_guesses)
{
    struct wm_game g;
    game(&g, 1, 5, 3, 4);
    client_is(&g, 1, 1, "4\n5\n",
              "L:Guess a number between 1 and 5! Shhhhh, it's 3.\nS:PARAMS 1 5\nS:NUMBER\n"
              "S:REPORT Unsure\nS:NUMBER\nS:PARAMS 0 -1\nE:more than 1 guesses (max-guesses, a "
              "harness bound: the book's client has none)\n");
}
END_TEST

/* Through an endpoint (sim/core/endpoint.c): raw_lines makes its framer
 * pass any byte to the session, and on_tail gets an unfinished line at the
 * end. Records as "K:TEXT" (K: L line, E error, C close, G log). */
static void observe(void *ctx, const struct wm_endpoint *ep, enum wm_rec_kind kind,
                    const char *text, size_t len)
{
    (void)ep;
    static const char tags[] = {[WM_REC_LINE] = 'L', [WM_REC_PARTIAL] = 'P', [WM_REC_CLOSE] = 'C',
                                [WM_REC_ERROR] = 'E', [WM_REC_LOG] = 'G'};
    struct brec *r = ctx;
    char esc[1024];
    if (kind == WM_REC_ERROR) /* escaped by the session, as a record's text */
        snprintf(esc, sizeof esc, "%.*s", (int)len, text);
    else
        wm_escape(esc, sizeof esc, text, len);
    char tag[3] = {tags[kind], ':', 0};
    brec_put(r, tag, 2);
    brec_put(r, esc, strlen(esc));
    brec_put(r, "\n", 1);
}

static char *endpoint_run(const char *in, size_t len)
{
    struct wm_book_server s;
    struct wm_endpoint ep;
    struct brec r = {.prefix = ""};
    brec_put(&r, "", 0);
    ck_assert_int_eq(wm_book_server_init(&s, WM_PROFILE_BOOK, 1234, 100), 0);
    ck_assert_int_eq(wm_ep_init(&ep, 'S', &wm_book_server_role, &s, NULL, 64, 1 << 16), 0);
    ep.observe = observe;
    ep.observe_ctx = &r;
    wm_ep_start(&ep);
    ck_assert_uint_eq(wm_ep_feed(&ep, in, len), len);
    wm_ep_eof(&ep);
    wm_ep_free(&ep);
    wm_book_server_free(&s);
    char *out = r.s;
    r.s = NULL;
    brec_free(&r);
    return out;
}

START_TEST(endpoint_passes_raw_lines_and_tails)
{
    const char *in = "PARAMS 1 5\nREPORT\x01 x\nNUMBERx";
    char *have = endpoint_run(in, strlen(in));
    ck_assert_str_eq(have, "E:UnknownCommandError: REPORT\\x01 x\n");
    free(have);
    in = "PARAMS 1 5\nNUMBERx";
    have = endpoint_run(in, strlen(in));
    ck_assert_str_eq(have, "L:4\n"); /* and a close answering the peer's: not recorded */
    free(have);
    in = "PARAMS 1 5\nNUMBER \xff\n";
    have = endpoint_run(in, strlen(in));
    ck_assert_str_eq(have, "E:UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in "
                           "position 7: invalid start byte\n");
    free(have);
    char long_line[80];
    memset(long_line, 'A', sizeof long_line);
    have = endpoint_run(long_line, sizeof long_line);
    ck_assert_str_eq(have, "E:line longer than 64 bytes: \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                           "AAAAAAAAAAAAAAAAAAAAAAAA\" (max-line, a harness bound: the book reads "
                           "lines without one)\n");
    free(have);
}
END_TEST

START_TEST(pair_hangs_when_the_range_runs_out)
{
    struct wm_game g;
    game(&g, 1, 3, 9, 4); /* the secret is outside: the 4th NUMBER finds no new value */
    char *have = bs_pair(&g, 1, 1234);
    ck_assert_str_eq(have, "C L:Guess a number between 1 and 3! Shhhhh, it's 9.\nC S:PARAMS 1 3\n"
                           "C S:NUMBER\nC S:REPORT Unsure\nC S:NUMBER\nC S:REPORT Colder\n"
                           "C S:NUMBER\nC S:REPORT Warmer\nC S:NUMBER\n"
                           "S S:2\nS L:Server: 2 is Unsure\nS S:1\nS L:Server: 1 is Colder\nS S:3\n"
                           "S L:Server: 3 is Warmer\nS H:NUMBER after all 3 values of [1, 3] were "
                           "guessed: the book's server draws forever\n");
    free(have);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("book_sessions");
    WM_ADD_TEST(s, number_with_words_answered_and_any_decision_logged);
    WM_ADD_TEST(s, params_read_by_pythons_int);
    WM_ADD_TEST(s, exhausted_range_hangs);
    WM_ADD_TEST(s, tail_at_the_end_loses_its_last_byte);
    WM_ADD_TEST(s, python_exceptions_end_the_session);
    WM_ADD_TEST(s, long_exception_texts_cut_to_fit_a_record);
    WM_ADD_TEST(s, console_lines_cut_to_max_log);
    WM_ADD_TEST(s, width_beyond_the_digit_limit);
    WM_ADD_TEST(s, draws_beyond_64_bits_as_cpython);
    WM_ADD_TEST(s, asyncio_stays_open_where_threaded_closes);
    WM_ADD_TEST(s, max_guesses_bounds_a_game);
    WM_ADD_TEST(s, overlong_line_names_the_harness_bound);
    WM_ADD_TEST(s, client_judges_with_floats);
    WM_ADD_TEST(s, client_overflow_error);
    WM_ADD_TEST(s, client_reads_as_python);
    WM_ADD_TEST(s, client_big_games);
    WM_ADD_TEST(s, client_max_guesses);
    WM_ADD_TEST(s, endpoint_passes_raw_lines_and_tails);
    WM_ADD_TEST(s, pair_hangs_when_the_range_runs_out);
    return s;
}

WM_TEST_MAIN(make_suite)
