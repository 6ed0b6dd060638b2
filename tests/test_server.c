/* proto/server.c driven through wm_server_role with a recording sink: the
 * book run, every server row of the bad-input table, and the redraw loop
 * against CPython (fixtures/rng/redraw.txt, from ci/gen_rng_fixtures.py). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "msg.h"
#include "server.h"
#include "sinkrec.h"
#include "testutil.h"

#define REDRAW_FIXTURE "fixtures/rng/redraw.txt"

struct srv {
    struct wm_server s;
    struct rec r;
    struct wm_sink sink;
    enum wm_sess_rc rc;
};

static void srv_init(struct srv *v, uint64_t seed, size_t max_guesses)
{
    memset(v, 0, sizeof *v);
    wm_server_init(&v->s, seed, max_guesses);
    v->sink = (struct wm_sink){rec_emit, &v->r};
    v->rc = wm_server_role.start(&v->s, &v->sink);
    ck_assert_int_eq(v->rc, WM_SESS_OPEN);
    ck_assert_msg(v->r.count == 0, "start emitted: %s", v->r.s);
}

/* Feeds lines in order; the session must stay open until the last one. */
static void feed(struct srv *v, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(v->rc == WM_SESS_OPEN, "closed before line %zu \"%s\": %s", i, lines[i],
                      v->r.s);
        v->rc = wm_server_role.on_line(&v->s, lines[i], strlen(lines[i]), &v->sink);
    }
}

#define FEED(v, ...)                                                                               \
    do {                                                                                           \
        static const char *const lines_[] = {__VA_ARGS__};                                         \
        feed((v), lines_, sizeof lines_ / sizeof lines_[0]);                                       \
    } while (0)

/* The transcript so far is exactly `want`, and the session is open/closed.
 * The session is freed first, so a failed assertion leaks nothing. */
static void expect_out(struct srv *v, const char *want, enum wm_sess_rc rc)
{
    int closed = v->s.closed;
    wm_server_free(&v->s);
    ck_assert_str_eq(v->r.s, want);
    ck_assert_msg(v->rc == rc, "session %s, want %s", v->rc ? "closed" : "open",
                  rc ? "closed" : "open");
    ck_assert_int_eq(closed, rc == WM_SESS_CLOSED);
}

/* ---- the book run ---- */

START_TEST(book_run_server_side)
{
    struct srv v;
    srv_init(&v, 1234, 4194304);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Unsure", "NUMBER", "REPORT Colder", "NUMBER",
         "REPORT Unsure", "NUMBER", "REPORT Correct", "PARAMS 0 -1", "PARAMS 10 15", "NUMBER",
         "REPORT Unsure", "NUMBER", "REPORT Colder", "NUMBER", "REPORT Correct", "PARAMS 0 -1");
    ck_assert_int_eq(wm_server_role.on_eof(&v.s, &v.sink), WM_SESS_CLOSED);
    v.rc = WM_SESS_CLOSED;
    expect_out(&v,
               "S:4\nL:Server: 4 is Unsure\nS:1\nL:Server: 1 is Colder\nS:5\n"
               "L:Server: 5 is Unsure\nS:3\nL:Server: 3 is Correct\n"
               "S:11\nL:Server: 11 is Unsure\nS:10\nL:Server: 10 is Colder\nS:12\n"
               "L:Server: 12 is Correct\n",
               WM_SESS_CLOSED);
}
END_TEST

/* ---- the server rows of the bad-input table ---- */

START_TEST(report_before_any_number)
{
    struct srv v;
    srv_init(&v, 1, 100);
    FEED(&v, "PARAMS 1 5", "REPORT Warmer");
    expect_out(&v, "E:REPORT before any NUMBER in this game: \"REPORT Warmer\"\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(report_before_any_params)
{
    struct srv v;
    srv_init(&v, 1, 100);
    FEED(&v, "REPORT Correct");
    expect_out(&v, "E:REPORT before any NUMBER in this game: \"REPORT Correct\"\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(report_after_new_params_before_number)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "PARAMS 1 5", "REPORT Correct");
    expect_out(&v, "S:4\nE:REPORT before any NUMBER in this game: \"REPORT Correct\"\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_before_params)
{
    struct srv v;
    srv_init(&v, 1, 100);
    FEED(&v, "NUMBER");
    expect_out(&v, "E:NUMBER before any PARAMS\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_with_empty_range)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Correct", "PARAMS 0 -1", "NUMBER");
    expect_out(&v, "S:4\nL:Server: 4 is Correct\nE:NUMBER with an empty range [0, -1]\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_with_inverted_extreme_range)
{
    struct srv v;
    srv_init(&v, 1, 100);
    FEED(&v, "PARAMS 9223372036854775807 -9223372036854775808", "NUMBER");
    expect_out(&v, "E:NUMBER with an empty range [9223372036854775807, -9223372036854775808]\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_after_every_value_guessed)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 3", "NUMBER", "NUMBER", "NUMBER", "NUMBER");
    /* CPython: seed(1234), randint(1, 3) redrawn on repeats gives 2, 1, 3. */
    expect_out(&v, "S:2\nS:1\nS:3\nE:NUMBER after all 3 values of [1, 3] were guessed\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_single_value_range)
{
    struct srv v;
    srv_init(&v, 9, 100);
    FEED(&v, "PARAMS -7 -7", "NUMBER", "NUMBER");
    expect_out(&v, "S:-7\nE:NUMBER after all 1 values of [-7, -7] were guessed\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_beyond_max_guesses)
{
    struct srv v;
    srv_init(&v, 1234, 2);
    FEED(&v, "PARAMS 1 5", "NUMBER", "NUMBER", "NUMBER");
    expect_out(&v, "S:4\nS:1\nE:NUMBER beyond the limit of 2 guesses in one game (max-guesses)\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(number_beyond_memory_budget)
{
    /* 600 bytes: 4-byte slots for a range of 2^20 (gset.h), tables of 16, 32
     * then 64 slots (128 + 256 bytes held at once), never 128; load 3/4. */
    struct wm_gset_budget b = {.limit = 600};
    struct srv v;
    srv_init(&v, 1234, 4194304);
    wm_server_set_budget(&v.s, &b);
    FEED(&v, "PARAMS 0 1000000");
    for (int i = 0; i < 48 && v.rc == WM_SESS_OPEN; i++)
        FEED(&v, "NUMBER");
    ck_assert_msg(v.rc == WM_SESS_OPEN && v.r.count == 48, "48 guesses fit: %s", v.r.s);
    FEED(&v, "NUMBER");
    const char *want = "E:NUMBER refused: recording guess 49 of this game would take the server's "
                       "guesses past their memory budget of 600 bytes (max-memory)\n";
    size_t n = strlen(v.r.s), w = strlen(want);
    ck_assert_msg(n >= w && strcmp(v.r.s + n - w, want) == 0, "got: %s", v.r.s);
    ck_assert_uint_eq(atomic_load(&b.used), 64 * sizeof(uint32_t));
    ck_assert_uint_eq(atomic_load(&b.used), wm_gset_bytes(&v.s.guesses));
    expect_out(&v, v.r.s, WM_SESS_CLOSED);
    ck_assert_uint_eq(atomic_load(&b.used), 0); /* freeing the session gave it back */
}
END_TEST

START_TEST(empty_line_closes_quietly)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "");
    expect_out(&v, "S:4\nC:\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(eof_mid_game_names_state)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Unsure", "NUMBER");
    v.rc = wm_server_role.on_eof(&v.s, &v.sink);
    expect_out(&v, "S:4\nL:Server: 4 is Unsure\nS:1\n"
                   "E:client closed the connection mid-game (range [1, 5], guesses made: 2)\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(eof_after_params_only)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS -3 3");
    v.rc = wm_server_role.on_eof(&v.s, &v.sink);
    expect_out(&v, "E:client closed the connection mid-game (range [-3, 3], guesses made: 0)\n",
               WM_SESS_CLOSED);
}
END_TEST

START_TEST(eof_after_end_params_is_quiet)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Correct", "PARAMS 0 -1");
    size_t before = v.r.count;
    v.rc = wm_server_role.on_eof(&v.s, &v.sink);
    ck_assert_msg(v.r.count == before, "EOF after PARAMS 0 -1 emitted: %s", v.r.s);
    expect_out(&v, "S:4\nL:Server: 4 is Correct\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(eof_before_anything_is_quiet)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    v.rc = wm_server_role.on_eof(&v.s, &v.sink);
    expect_out(&v, "", WM_SESS_CLOSED);
}
END_TEST

START_TEST(parse_error_closes_with_its_text)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER x");
    expect_out(&v, "E:bad NUMBER: takes no arguments: \"NUMBER x\"\n", WM_SESS_CLOSED);
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Hot");
    expect_out(&v, "S:4\nE:bad REPORT: unknown decision \"Hot\" (want Warmer, Colder, Unsure or "
                   "Correct)\n", WM_SESS_CLOSED);
}
END_TEST

START_TEST(bad_input_reported_verbatim)
{
    struct srv v;
    struct wm_err e;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5");
    wm_err_set(&e, "control byte \\x0d in line \"NUMBER\" (byte 7)");
    v.rc = wm_server_role.on_bad_input(&v.s, &e, &v.sink);
    expect_out(&v, "E:control byte \\\\x0d in line \"NUMBER\" (byte 7)\n", WM_SESS_CLOSED);
}
END_TEST

/* ---- the RNG the way the reference consumes it ---- */

START_TEST(secret_repeated_after_correct)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 5", "NUMBER", "REPORT Unsure", "NUMBER", "REPORT Correct");
    struct wm_rng before = v.s.rng;
    FEED(&v, "NUMBER", "NUMBER", "REPORT Warmer", "NUMBER");
    ck_assert_msg(memcmp(&before, &v.s.rng, sizeof before) == 0,
                  "answering with the known secret consumed the RNG");
    /* A new game forgets the secret and draws again: CPython's third
     * randint(1, 5) is 1 again, now a fresh guess. */
    FEED(&v, "PARAMS 1 5", "NUMBER");
    expect_out(&v, "S:4\nL:Server: 4 is Unsure\nS:1\nL:Server: 1 is Correct\nS:1\nS:1\n"
                   "L:Server: 1 is Warmer\nS:1\nS:1\n", WM_SESS_OPEN);
}
END_TEST

START_TEST(params_clears_guesses)
{
    struct srv v;
    srv_init(&v, 1234, 100);
    FEED(&v, "PARAMS 1 2", "NUMBER", "NUMBER", "PARAMS 1 2", "NUMBER", "NUMBER");
    ck_assert_uint_eq(v.s.guesses.count, 2);
    ck_assert_uint_eq(v.r.count, 4);
    expect_out(&v, v.r.s, WM_SESS_OPEN);
}
END_TEST

START_TEST(full_range_of_2pow64_values)
{
    struct srv v;
    srv_init(&v, 42, 100000);
    FEED(&v, "PARAMS -9223372036854775808 9223372036854775807", "NUMBER", "NUMBER", "NUMBER",
         "NUMBER");
    ck_assert_str_eq(v.r.s, "S:-7169676182496904803\nS:-4149976519821344517\n"
                            "S:836864915349561680\nS:-1440288104464612247\n");
    static const char *const number[] = {"NUMBER"};
    for (int i = 0; i < 5000; i++) {
        v.r.n = 0;
        feed(&v, number, 1);
        FAST_ASSERT(v.rc == WM_SESS_OPEN && v.r.s[0] == 'S', "NUMBER #%d: %s", i + 5, v.r.s);
    }
    ck_assert_uint_eq(v.s.guesses.count, 5004);
    v.r.n = 0;
    v.r.s[0] = '\0';
    expect_out(&v, "", WM_SESS_OPEN);
}
END_TEST

/* fixtures/rng/redraw.txt: <seed> <lo> <hi> <n> <draws> <next> <g1> ... <gn> */
static int64_t tok_i64(char **p, const char *what, size_t lineno)
{
    char *end;
    errno = 0;
    long long v = strtoll(*p, &end, 10);
    ck_assert_msg(end != *p && (*end == ' ' || *end == '\n' || *end == '\0') && errno == 0,
                  REDRAW_FIXTURE ":%zu: bad %s", lineno, what);
    *p = end;
    return (int64_t)v;
}

static uint64_t tok_u64(char **p, const char *what, size_t lineno)
{
    char *end;
    errno = 0;
    while (**p == ' ')
        (*p)++;
    unsigned long long v = strtoull(*p, &end, 10);
    ck_assert_msg(**p != '-' && end != *p && (*end == ' ' || *end == '\n' || *end == '\0') && errno == 0,
                  REDRAW_FIXTURE ":%zu: bad %s", lineno, what);
    *p = end;
    return (uint64_t)v;
}

START_TEST(redraw_consumes_rng_as_reference)
{
    FILE *f = fopen(REDRAW_FIXTURE, "r");
    ck_assert_msg(f != NULL, "cannot open " REDRAW_FIXTURE " (run from the repo root): %s",
                  strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0, records = 0, with_repeats = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *p = line;
        uint64_t seed = tok_u64(&p, "seed", lineno);
        int64_t lo = tok_i64(&p, "lo", lineno), hi = tok_i64(&p, "hi", lineno);
        uint64_t n = tok_u64(&p, "n", lineno), draws = tok_u64(&p, "draws", lineno);
        uint64_t next = tok_u64(&p, "next", lineno);
        struct srv v;
        srv_init(&v, seed, 1000000);
        char params[WM_MSG_MAX + 16], want[32];
        snprintf(params, sizeof params, "PARAMS %" PRId64 " %" PRId64, lo, hi);
        const char *pl = params;
        feed(&v, &pl, 1);
        static const char *const number[] = {"NUMBER"};
        for (uint64_t i = 0; i < n; i++) {
            int64_t g = tok_i64(&p, "guess", lineno);
            v.r.n = 0;
            v.r.s[0] = '\0';
            feed(&v, number, 1);
            snprintf(want, sizeof want, "S:%" PRId64 "\n", g);
            FAST_ASSERT(strcmp(v.r.s, want) == 0, REDRAW_FIXTURE ":%zu: seed %" PRIu64
                          " [%" PRId64 ", %" PRId64 "] guess #%" PRIu64 ": got %s want %s",
                          lineno, seed, lo, hi, i + 1, v.r.s, want);
        }
        uint32_t after = wm_rng_u32(&v.s.rng);
        ck_assert_msg(after == next, REDRAW_FIXTURE ":%zu: seed %" PRIu64 " [%" PRId64 ", %" PRId64
                      "]: after %" PRIu64 " guesses (%" PRIu64 " draws in CPython) the next word "
                      "is %" PRIu32 ", want %" PRIu64, lineno, seed, lo, hi, n, draws, after, next);
        wm_server_free(&v.s);
        records++;
        with_repeats += draws > n;
    }
    free(line);
    fclose(f);
    ck_assert_msg(records >= 10 && with_repeats >= 8, REDRAW_FIXTURE ": %zu records, %zu with "
                  "repeats; regenerate with python3 ci/gen_rng_fixtures.py", records, with_repeats);
}
END_TEST

/* A sink for the million-guess game: checks each guess is new and in range. */
struct million {
    uint8_t *seen;
    size_t sends, errors;
    char last_error[WM_ERR_MAX];
};

static void million_emit(void *ctx, enum wm_out_kind kind, const char *text, size_t len)
{
    struct million *m = ctx;
    if (kind == WM_OUT_ERROR) {
        snprintf(m->last_error, sizeof m->last_error, "%.*s", (int)len, text);
        m->errors++;
        return;
    }
    FAST_ASSERT(kind == WM_OUT_SEND, "emitted kind %d", (int)kind);
    int64_t g;
    FAST_ASSERT(wm_int64_parse(text, len, &g) == 0 && g >= 0 && g < 1000000, "bad guess %.*s",
                  (int)len, text);
    FAST_ASSERT(!m->seen[g], "guess %" PRId64 " repeated", g);
    m->seen[g] = 1;
    m->sends++;
}

START_TEST(million_guess_game_runs_to_exhaustion)
{
    struct million m = {.seen = calloc(1000000, 1)};
    ck_assert_ptr_nonnull(m.seen);
    struct wm_sink sink = {million_emit, &m};
    struct wm_server s;
    wm_server_init(&s, 7, 4194304);
    ck_assert_int_eq(wm_server_role.on_line(&s, "PARAMS 0 999999", 15, &sink), WM_SESS_OPEN);
    enum wm_sess_rc rc = WM_SESS_OPEN;
    size_t asked = 0;
    while (rc == WM_SESS_OPEN && asked < 1000001) {
        rc = wm_server_role.on_line(&s, "NUMBER", 6, &sink);
        asked++;
    }
    ck_assert_uint_eq(m.sends, 1000000);
    ck_assert_uint_eq(m.errors, 1);
    ck_assert_uint_eq(asked, 1000001);
    ck_assert_str_eq(m.last_error, "NUMBER after all 1000000 values of [0, 999999] were guessed");
    ck_assert_int_eq(rc, WM_SESS_CLOSED);
    wm_server_free(&s);
    free(m.seen);
}
END_TEST

static Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    WM_ADD_TEST(s, book_run_server_side);
    WM_ADD_TEST(s, report_before_any_number);
    WM_ADD_TEST(s, report_before_any_params);
    WM_ADD_TEST(s, report_after_new_params_before_number);
    WM_ADD_TEST(s, number_before_params);
    WM_ADD_TEST(s, number_with_empty_range);
    WM_ADD_TEST(s, number_with_inverted_extreme_range);
    WM_ADD_TEST(s, number_after_every_value_guessed);
    WM_ADD_TEST(s, number_single_value_range);
    WM_ADD_TEST(s, number_beyond_max_guesses);
    WM_ADD_TEST(s, number_beyond_memory_budget);
    WM_ADD_TEST(s, empty_line_closes_quietly);
    WM_ADD_TEST(s, eof_mid_game_names_state);
    WM_ADD_TEST(s, eof_after_params_only);
    WM_ADD_TEST(s, eof_after_end_params_is_quiet);
    WM_ADD_TEST(s, eof_before_anything_is_quiet);
    WM_ADD_TEST(s, parse_error_closes_with_its_text);
    WM_ADD_TEST(s, bad_input_reported_verbatim);
    WM_ADD_TEST(s, secret_repeated_after_correct);
    WM_ADD_TEST(s, params_clears_guesses);
    WM_ADD_TEST(s, full_range_of_2pow64_values);
    WM_ADD_TEST(s, redraw_consumes_rng_as_reference);
    WM_ADD_TEST(s, million_guess_game_runs_to_exhaustion);
    return s;
}

WM_TEST_MAIN(server_suite)
