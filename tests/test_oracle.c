/* The exact oracle (sim/explore/oracle/oracle.c): its own MT19937 against CPython's
 * values recorded in fixtures/rng/ (ci/gen_rng_fixtures.py), every golden
 * holding it, and each way a run could differ from the reference (a guess,
 * a judgement, a console line, the summary) caught with its kind and line. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_mt.h"
#include "runcmd.h"
#include "testutil.h"

/* ---- fixtures: '#' comments, space-separated records ---- */

struct rec {
    char *tok[2100];
    int n;
    size_t lineno;
};

/* The next record of f into r (line is its storage); 0 at the end. */
static int next_rec(FILE *f, char **line, size_t *cap, struct rec *r)
{
    while (getline(line, cap, f) >= 0) {
        r->lineno++;
        if ((*line)[0] == '#' || (*line)[0] == '\n')
            continue;
        r->n = 0;
        char *save = NULL;
        for (char *t = strtok_r(*line, " \n", &save); t && r->n < 2100; t = strtok_r(NULL, " \n", &save))
            r->tok[r->n++] = t;
        return 1;
    }
    return 0;
}

static FILE *open_fixture(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (tests run from the repo root): %s", path,
                  strerror(errno));
    return f;
}

static void seed_u64(struct wm_omt *m, const char *s)
{
    wm_omt_seed(m, strtoull(s, NULL, 10), 0);
}

START_TEST(mt_getrandbits_matches_cpython)
{
    FILE *f = open_fixture("fixtures/rng/getrandbits.txt");
    char *line = NULL;
    size_t cap = 0, records = 0;
    struct rec r = {0};
    while (next_rec(f, &line, &cap, &r)) {
        struct wm_omt m;
        seed_u64(&m, r.tok[0]);
        for (int i = 1; i < r.n; i++) {
            char *colon;
            unsigned k = (unsigned)strtoul(r.tok[i], &colon, 10);
            uint64_t want = strtoull(colon + 1, NULL, 10);
            uint32_t w[3] = {0, 0, 0};
            wm_omt_getrandbits(&m, k, w);
            uint64_t got = (uint64_t)w[1] << 32 | w[0];
            ck_assert_msg(got == want, "getrandbits.txt:%zu: seed %s, call %d, getrandbits(%u) = %"
                          PRIu64 ", CPython %" PRIu64, r.lineno, r.tok[0], i, k, got, want);
        }
        records++;
    }
    free(line);
    fclose(f);
    ck_assert_msg(records > 50, "getrandbits.txt has %zu records", records);
}
END_TEST

START_TEST(mt_seed_words_match_cpython)
{
    FILE *f = open_fixture("fixtures/rng/seed_words.txt");
    char *line = NULL;
    size_t cap = 0, records = 0;
    struct rec r = {0};
    while (next_rec(f, &line, &cap, &r)) {
        int len = atoi(r.tok[0]);
        uint32_t key[8];
        ck_assert(len >= 1 && len <= 8 && r.n == 1 + len + 8);
        for (int i = 0; i < len; i++)
            key[i] = (uint32_t)strtoul(r.tok[1 + i], NULL, 10);
        struct wm_omt m;
        wm_omt_seed_words(&m, key, len);
        for (int i = 0; i < 8; i++) {
            uint32_t got = wm_omt_genrand(&m), want = (uint32_t)strtoul(r.tok[1 + len + i], NULL, 10);
            ck_assert_msg(got == want, "seed_words.txt:%zu: word %d is %" PRIu32 ", CPython %" PRIu32,
                          r.lineno, i + 1, got, want);
        }
        records++;
    }
    free(line);
    fclose(f);
    ck_assert_msg(records > 10, "seed_words.txt has %zu records", records);
}
END_TEST

START_TEST(mt_randint_matches_cpython)
{
    FILE *f = open_fixture("fixtures/rng/randint.txt");
    char *line = NULL;
    size_t cap = 0, records = 0;
    struct rec r = {0};
    while (next_rec(f, &line, &cap, &r)) {
        struct wm_omt m;
        seed_u64(&m, r.tok[0]);
        int64_t lo = strtoll(r.tok[1], NULL, 10), hi = strtoll(r.tok[2], NULL, 10);
        int n = atoi(r.tok[3]);
        uint64_t draws = 0;
        ck_assert(r.n == 5 + n);
        for (int i = 0; i < n; i++) {
            int64_t got = wm_omt_randint(&m, lo, hi, &draws), want = strtoll(r.tok[5 + i], NULL, 10);
            ck_assert_msg(got == want, "randint.txt:%zu: seed %s, randint(%s, %s) call %d = %" PRId64
                          ", CPython %" PRId64, r.lineno, r.tok[0], r.tok[1], r.tok[2], i + 1, got, want);
        }
        uint32_t next = wm_omt_genrand(&m);
        ck_assert_msg(next == strtoul(r.tok[4], NULL, 10), "randint.txt:%zu: the stream after "
                      "the draws is at %" PRIu32 ", CPython's at %s (a draw took too many words)",
                      r.lineno, next, r.tok[4]);
        records++;
    }
    free(line);
    fclose(f);
    ck_assert_msg(records > 30, "randint.txt has %zu records", records);
}
END_TEST

/* The server's loop: one randint per draw, redrawn while already guessed. */
START_TEST(mt_redraw_matches_cpython)
{
    FILE *f = open_fixture("fixtures/rng/redraw.txt");
    char *line = NULL;
    size_t cap = 0, records = 0;
    struct rec r = {0};
    while (next_rec(f, &line, &cap, &r)) {
        struct wm_omt m;
        seed_u64(&m, r.tok[0]);
        int64_t lo = strtoll(r.tok[1], NULL, 10), hi = strtoll(r.tok[2], NULL, 10);
        int n = atoi(r.tok[3]);
        ck_assert(r.n == 6 + n && n <= 2048);
        int64_t *got = malloc((size_t)n * sizeof *got);
        uint64_t draws = 0, bits = 0; /* randint calls, getrandbits calls */
        for (int i = 0; i < n; i++) {
            for (int seen = 1; seen; draws++) {
                got[i] = wm_omt_randint(&m, lo, hi, &bits);
                seen = 0;
                for (int j = 0; j < i && !seen; j++)
                    seen = got[j] == got[i];
            }
            ck_assert_msg(got[i] == strtoll(r.tok[6 + i], NULL, 10), "redraw.txt:%zu: guess %d is %"
                          PRId64 ", CPython's %s", r.lineno, i + 1, got[i], r.tok[6 + i]);
        }
        free(got);
        ck_assert_msg(draws == strtoull(r.tok[4], NULL, 10), "redraw.txt:%zu: %" PRIu64 " draws, "
                      "CPython's %s", r.lineno, draws, r.tok[4]);
        ck_assert_uint_eq(wm_omt_genrand(&m), strtoul(r.tok[5], NULL, 10));
        records++;
    }
    free(line);
    fclose(f);
    ck_assert_msg(records > 5, "redraw.txt has %zu records", records);
}
END_TEST

/* ---- the oracle on transcripts ---- */

#define BOOK_HDR "# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n# game: 10:15:12:5\n"
#define BOOK_WIRE                                                                                  \
    "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Unsure\nC: NUMBER\nS: 1\nC: REPORT Colder\n"        \
    "C: NUMBER\nS: 5\nC: REPORT Unsure\nC: NUMBER\nS: 3\nC: REPORT Correct\nC: PARAMS 0 -1\n"     \
    "C: PARAMS 10 15\nC: NUMBER\nS: 11\nC: REPORT Unsure\nC: NUMBER\nS: 10\nC: REPORT Colder\n"   \
    "C: NUMBER\nS: 12\nC: REPORT Correct\nC: PARAMS 0 -1\nC! close\n"
/* PROTOCOL.md's book run, as the reference prints it. */
#define BOOK_SERVER                                                                                \
    "S1 Server: 4 is Unsure\nS1 Server: 1 is Colder\nS1 Server: 5 is Unsure\n"                     \
    "S1 Server: 3 is Correct\nS1 Server: 11 is Unsure\nS1 Server: 10 is Colder\n"                  \
    "S1 Server: 12 is Correct\n"
#define BOOK_STARTS                                                                                \
    "C1 Guess a number between 1 and 5! Shhhhh, it's 3.\n"                                         \
    "C1 Guess a number between 10 and 15! Shhhhh, it's 12.\n"
#define BOOK_SUMMARY                                                                               \
    "C1 Client: 4 is Unsure\nC1 Client: 1 is Colder\nC1 Client: 5 is Unsure\n"                     \
    "C1 Client: 3 is Correct\nC1 Client: 11 is Unsure\nC1 Client: 10 is Colder\n"                  \
    "C1 Client: 12 is Correct\n"

/* text with the first `from` replaced by `to` (once). */
static char *with(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "the test's text has no \"%s\"", from);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    snprintf(out, n + 1, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

static void expect(const char *text, const char *console, const char *kind, size_t line)
{
    struct wm_violation v;
    int rc = wm_oracle_check(text, strlen(text), console, console ? strlen(console) : 0, &v);
    if (!kind) {
        ck_assert_msg(rc == 0, "want it to hold; got %s at line %zu: %s\n%s", v.kind, v.lineno,
                      v.msg, text);
        return;
    }
    ck_assert_msg(rc == 1, "want a %s difference at line %zu; rc %d:\n%s\n%s", kind, line, rc,
                  text, console ? console : "");
    ck_assert_msg(strcmp(v.kind, kind) == 0 && v.lineno == line,
                  "want %s at line %zu; got %s at line %zu: %s", kind, line, v.kind, v.lineno, v.msg);
}

START_TEST(the_book_run_holds)
{
    expect(BOOK_HDR BOOK_WIRE, BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, NULL, 0);
    expect(BOOK_HDR BOOK_WIRE, NULL, NULL, 0); /* a file: the wire alone */
}
END_TEST

START_TEST(every_golden_holds)
{
    struct rc_names n;
    ck_assert_int_eq(rc_list_dir("fixtures/golden", ".txt", &n), 0);
    ck_assert_msg(n.n > 30, "fixtures/golden has %zu files", n.n);
    for (size_t i = 0; i < n.n; i++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof path, "fixtures/golden/%s", n.v[i]);
        char *text = rc_read_file(path, &len);
        ck_assert_msg(text != NULL, "%s", path);
        struct wm_violation v;
        int rc = wm_oracle_check(text, len, NULL, 0, &v);
        ck_assert_msg(rc == 0, "%s:%zu: %s: %s", path, v.lineno, v.kind, v.msg);
        free(text);
    }
    rc_names_free(&n);
}
END_TEST

START_TEST(a_wrong_guess)
{
    char *t = with(BOOK_HDR BOOK_WIRE, "S: 5\n", "S: 2\n");
    expect(t, NULL, "guess", 13);
    free(t);
    /* a guess cut by a fault must still begin the draw */
    expect("# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n# fault: reset S1 at 0\n"
           "C: PARAMS 1 5\nC: NUMBER\nS! partial 5\n", NULL, "guess", 7);
    expect("# warmer transcript v1\n# seed: 1234\n# game: 1:5:3:5\n# fault: reset S1 at 0\n"
           "C: PARAMS 1 5\nC: NUMBER\nS! partial 4\n", NULL, NULL, 0);
}
END_TEST

/* Connection n is seeded seed + n - 1 as CPython's int: past 2^64 too. */
START_TEST(a_wrong_seed)
{
    /* CPython 3.11: random.Random(2**64 - 1) and (2**64) draw randint(1, 1000)
     * first as 23 and 754. */
    const char *hdr = "# warmer transcript v1\n# seed: 18446744073709551615\n# game: 1:1000:0:1\n"
                      "# connections: 2\n";
    char text[512];
    snprintf(text, sizeof text, "%sC1: PARAMS 1 1000\nC1: NUMBER\nS1: 23\nC1: REPORT Unsure\n"
             "C1: PARAMS 0 -1\nC1! close\nC2: PARAMS 1 1000\nC2: NUMBER\nS2: 754\n"
             "C2: REPORT Unsure\nC2: PARAMS 0 -1\nC2! close\n", hdr);
    expect(text, NULL, NULL, 0);
    char *t = with(text, "S2: 754", "S2: 23");
    expect(t, NULL, "guess", 13);
    free(t);
}
END_TEST

/* The strict client's stall error: game and guess re-derived from the
 * records (explore seed 1 found proto/client.c's game + 0 this way). */
START_TEST(a_wrong_timeout_text)
{
    const char *stall = "# warmer transcript v1\n# seed: 7\n# game: -1024:-1021:0:1\n"
                        "# fault: stall S1 at 0\nC: PARAMS -1024 -1021\nC: NUMBER\n"
                        "C! partial PARAMS 0\nC! error timed out waiting for a guess (game 1, guess 1)\n";
    expect(stall, NULL, NULL, 0);
    char *t = with(stall, "(game 1, guess 1)", "(game 0, guess 1)");
    expect(t, NULL, "answer", 8);
    free(t);
    t = with(stall, "(game 1, guess 1)", "(game 1, guess 2)");
    expect(t, NULL, "answer", 8);
    free(t);
}
END_TEST

START_TEST(a_wrong_judgement)
{
    char *t = with(BOOK_HDR BOOK_WIRE, "REPORT Colder", "REPORT Warmer");
    expect(t, NULL, "judgement", 11);
    free(t);
    /* distances past 2^53 round to one double: Unsure, not Colder */
    const char *far = "# warmer transcript v1\n# seed: 0\n"
                      "# game: 0:9223372036854775807:36028797018963967:2\n# server: script\n"
                      "C: PARAMS 0 9223372036854775807\nC: NUMBER\nS: 0\nC: REPORT Unsure\n"
                      "C: NUMBER\nS: 1\nC: REPORT Unsure\nC: PARAMS 0 -1\nC! close\n";
    expect(far, NULL, NULL, 0);
    t = with(far, "S: 1\nC: REPORT Unsure", "S: 1\nC: REPORT Warmer");
    expect(t, NULL, "judgement", 11);
    free(t);
}
END_TEST

START_TEST(a_wrong_summary)
{
    char *c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "Client: 5 is Unsure", "Client: 5 is Colder");
    expect(BOOK_HDR BOOK_WIRE, c, "summary", 30);
    free(c);
    c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "C1 Client: 12 is Correct\n", "");
    expect(BOOK_HDR BOOK_WIRE, c, "summary", 30);
    free(c);
    expect(BOOK_HDR BOOK_WIRE, BOOK_STARTS BOOK_SERVER, "summary", 30); /* none at all */
    c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "C1 Client: 4", "C1 Client: 4 is Unsure\nC1 Client: 4");
    expect(BOOK_HDR BOOK_WIRE, c, "summary", 30);
    free(c);
    /* a client that failed prints no summary */
    const char *err = "# warmer transcript v1\n# seed: 1234\n# game: 1:1:0:2\nC: PARAMS 1 1\n"
                      "C: NUMBER\nS: 1\nC: REPORT Unsure\nC: NUMBER\nS! error NUMBER after all 1 "
                      "values of [1, 1] were guessed\nC: PARAMS 0 -1\nC! error server closed\n";
    const char *starts = "C1 Guess a number between 1 and 1! Shhhhh, it's 0.\nS1 Server: 1 is Unsure\n";
    expect(err, starts, NULL, 0);
    c = with(starts, "S1 Server", "C1 Client: 1 is Unsure\nS1 Server");
    expect(err, c, "summary", 11);
    free(c);
}
END_TEST

START_TEST(a_wrong_console_line)
{
    char *c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "Server: 1 is Colder", "Server: 1 is Warmer");
    expect(BOOK_HDR BOOK_WIRE, c, "console", 30);
    free(c);
    c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "it's 12.", "it's 13.");
    expect(BOOK_HDR BOOK_WIRE, c, "console", 30);
    free(c);
    c = with(BOOK_STARTS BOOK_SERVER BOOK_SUMMARY, "S1 Server: 12 is Correct\n", "");
    expect(BOOK_HDR BOOK_WIRE, c, "console", 30);
    free(c);
}
END_TEST

/* ---- under a book profile (`warmer run --profile book --seed 7`, the
 * guesses checked against CPython 3.11's random.Random(7).randint) ---- */

#define BIG_LO "85070591730234615865843651857942052864"      /* 2^126 */
#define BIG_HI "85070591730234615867996733362080579584"      /* 2^126 + 2^61 */
#define BIG_SECRET "85070591730234615865843651857942065209"  /* 2^126 + 12345 */
#define BIG_G1 "85070591730234615866754052850802625847"
#define BIG_G2 "85070591730234615865954992780443100240"
#define BIG_G3 "85070591730234615867737381433881866035"
#define BBOOK_HDR                                                                                  \
    "# warmer transcript v1\n# seed: 7\n# profile: book\n# game: " BIG_LO ":" BIG_HI ":"         \
    BIG_SECRET ":3\n# game: -3:-1:-2:4\n"
#define BBOOK_WIRE                                                                                 \
    "C: PARAMS " BIG_LO " " BIG_HI "\nC: NUMBER\nS: " BIG_G1 "\nC: REPORT Unsure\nC: NUMBER\n"    \
    "S: " BIG_G2 "\nC: REPORT Warmer\nC: NUMBER\nS: " BIG_G3 "\nC: REPORT Colder\n"                \
    "C: PARAMS 0 -1\nC: PARAMS -3 -1\nC: NUMBER\nS: -1\nC: REPORT Unsure\nC: NUMBER\nS: -3\n"     \
    "C: REPORT Unsure\nC: NUMBER\nS: -2\nC: REPORT Correct\nC: PARAMS 0 -1\nC! close\n"
#define BBOOK_CONSOLE                                                                              \
    "C1 Guess a number between " BIG_LO " and " BIG_HI "! Shhhhh, it's " BIG_SECRET ".\n"          \
    "C1 Guess a number between -3 and -1! Shhhhh, it's -2.\n"                                      \
    "C1 Client: " BIG_G1 " is Unsure\nC1 Client: " BIG_G2 " is Warmer\n"                           \
    "C1 Client: " BIG_G3 " is Colder\nC1 Client: -1 is Unsure\nC1 Client: -3 is Unsure\n"          \
    "C1 Client: -2 is Correct\n"                                                                   \
    "S1 Server: " BIG_G1 " is Unsure\nS1 Server: " BIG_G2 " is Warmer\n"                           \
    "S1 Server: " BIG_G3 " is Colder\nS1 Server: -1 is Unsure\nS1 Server: -3 is Unsure\n"          \
    "S1 Server: -2 is Correct\n"

START_TEST(a_book_run_beyond_int64_holds)
{
    expect(BBOOK_HDR BBOOK_WIRE, BBOOK_CONSOLE, NULL, 0);
    char *t = with(BBOOK_HDR BBOOK_WIRE, "# profile: book\n", "# profile: book-asyncio\n");
    expect(t, BBOOK_CONSOLE, NULL, 0);
    free(t);
    /* strict has no game beyond int64 */
    t = with(BBOOK_HDR BBOOK_WIRE, "# profile: book\n", "");
    struct wm_violation v;
    ck_assert_int_eq(wm_oracle_check(t, strlen(t), NULL, 0, &v), -1);
    ck_assert_str_eq(v.kind, "format");
    free(t);
}
END_TEST

/* A guess in range and new, but not CPython's draw: the book's randint over
 * a range past 2^126, re-derived with the oracle's own arithmetic. */
START_TEST(a_wrong_big_guess)
{
    char *t = with(BBOOK_HDR BBOOK_WIRE, "S: " BIG_G2, "S: " BIG_G3);
    expect(t, NULL, "guess", 11);
    free(t);
    t = with(BBOOK_HDR BBOOK_WIRE, "S: " BIG_G1, "S: 85070591730234615866754052850802625848");
    expect(t, NULL, "guess", 8);
    free(t);
    /* the same file under strict's profile is no transcript of it */
    t = with(BBOOK_HDR BBOOK_WIRE, "S: -3\n", "S: -2\n");
    expect(t, NULL, "guess", 22);
    free(t);
}
END_TEST

/* The book's client judges with math.fabs as doubles: distances that round
 * to one double are Unsure, exact ones notwithstanding (a server script:
 * the guesses are the test's). */
#define TIE_HDR                                                                                    \
    "# warmer transcript v1\n# seed: 7\n# profile: book\n# server: script\n"                     \
    "# game: 0:2361183241434822606848:1180591620717411303424:3\n" /* 0 : 2^71 : 2^70 */
START_TEST(a_wrong_book_judgement)
{
    /* 2^70 + 2^60 + 1 and + 2: distances 2^60 + 1 and + 2, one double */
    const char *wire = "C: PARAMS 0 2361183241434822606848\nC: NUMBER\n"
                       "S: 1180591620717411303424\nC: REPORT Correct\nC: PARAMS 0 -1\nC! close\n";
    char hdr[512];
    snprintf(hdr, sizeof hdr, "%s", TIE_HDR);
    char *ok = with(TIE_HDR "C: PARAMS 0 2361183241434822606848\nC: NUMBER\n"
                    "S: 1181744542222018150401\nC: REPORT Unsure\nC: NUMBER\n"
                    "S: 1181744542222018150402\nC: REPORT Unsure\nC: NUMBER\n"
                    "S: 1180591620717411303423\nC: REPORT Warmer\nC: PARAMS 0 -1\nC! close\n",
                    "", "");
    expect(ok, NULL, NULL, 0);
    char *t = with(ok, "REPORT Unsure\nC: NUMBER\nS: 1180591620717411303423",
                   "REPORT Colder\nC: NUMBER\nS: 1180591620717411303423");
    expect(t, NULL, "judgement", 12);
    free(t);
    t = with(ok, "REPORT Warmer", "REPORT Correct"); /* 1 off: no double is 0 */
    expect(t, NULL, "judgement", 15);
    free(t);
    free(ok);
    char *c = with(TIE_HDR, "", "");
    char *w = malloc(strlen(c) + strlen(wire) + 1);
    sprintf(w, "%s%s", c, wire);
    expect(w, NULL, NULL, 0);
    free(w);
    free(c);
}
END_TEST

START_TEST(a_wrong_book_summary)
{
    char *c = with(BBOOK_CONSOLE, "Client: " BIG_G2 " is Warmer", "Client: " BIG_G2 " is Colder");
    expect(BBOOK_HDR BBOOK_WIRE, c, "summary", 28);
    free(c);
    c = with(BBOOK_CONSOLE, "Server: " BIG_G3, "Server: 1");
    expect(BBOOK_HDR BBOOK_WIRE, c, "console", 28);
    free(c);
    /* no summary after an exception: the client ends with its finally and the error */
    char *t = with(BBOOK_HDR BBOOK_WIRE, "C: REPORT Correct\nC: PARAMS 0 -1\nC! close\n",
                   "C: REPORT Correct\nC: PARAMS 0 -1\nC! error EOFError: Connection closed\n");
    expect(t, BBOOK_CONSOLE, "summary", 28);
    free(t);
}
END_TEST

/* The book's known behaviours: an exhausted range hangs (warmer run
 * --profile book --game 0:1:5:4 --seed 5), an empty one raises ValueError,
 * and an exception leaves through the finally's PARAMS 0 -1. */
#define HANG_HDR "# warmer transcript v1\n# seed: 5\n# profile: book\n# game: 0:1:5:4\n"
#define HANG_WIRE                                                                                  \
    "C: PARAMS 0 1\nC: NUMBER\nS: 1\nC: REPORT Unsure\nC: NUMBER\nS: 0\nC: REPORT Colder\n"        \
    "C: NUMBER\nS! hang NUMBER after all 2 values of [0, 1] were guessed: the book's server "     \
    "draws forever\nC: PARAMS 0 -1\nC! error timed out waiting for a guess (game 1, guess 3; a "  \
    "harness bound: the book's client waits forever)\n"
#define EMPTY_HDR "# warmer transcript v1\n# seed: 5\n# profile: book\n# game: 5:3:4:1\n"
#define EMPTY_WIRE                                                                                 \
    "C: PARAMS 5 3\nC: NUMBER\nS! error ValueError: empty range for randrange() (5, 4, -1)\n"     \
    "C: PARAMS 0 -1\nC! error EOFError: Connection closed\n"
START_TEST(the_books_known_behaviours)
{
    const char *console = "C1 Guess a number between 0 and 1! Shhhhh, it's 5.\n"
                          "S1 Server: 1 is Unsure\nS1 Server: 0 is Colder\n";
    expect(HANG_HDR HANG_WIRE, console, NULL, 0);
    expect(EMPTY_HDR EMPTY_WIRE, "C1 Guess a number between 5 and 3! Shhhhh, it's 4.\n", NULL, 0);
    /* a hang where a guess is due, or naming another count */
    char *t = with(HANG_HDR HANG_WIRE, "C: NUMBER\nS: 0\nC: REPORT Colder\nC: NUMBER\nS! hang NUMBER after all 2",
                   "C: NUMBER\nS! hang NUMBER after all 1");
    expect(t, NULL, "answer", 10);
    free(t);
    t = with(HANG_HDR HANG_WIRE, "after all 2 values", "after all 3 values");
    expect(t, NULL, "answer", 13);
    free(t);
    t = with(EMPTY_HDR EMPTY_WIRE, "(5, 4, -1)", "(5, 3, -2)");
    expect(t, NULL, "answer", 7);
    free(t);
    /* after the server's end the client reads EOF; after its hang, it times out */
    t = with(EMPTY_HDR EMPTY_WIRE, "EOFError: Connection closed", "OSError: closed");
    expect(t, NULL, "answer", 9);
    free(t);
    t = with(HANG_HDR HANG_WIRE, "(game 1, guess 3;", "(game 1, guess 2;");
    expect(t, NULL, "answer", 15);
    free(t);
    /* an exception leaves through the finally */
    t = with(EMPTY_HDR EMPTY_WIRE, "C: PARAMS 0 -1\nC! error", "C! error");
    expect(t, NULL, "finally", 8);
    free(t);
}
END_TEST

/* The harness's own bounds under the book (warmer run --profile book
 * --max-guesses 2 --seed 5): the server's per game, the client's per
 * session, each refused with its text and only once due. */
#define LIMIT_HDR                                                                                  \
    "# warmer transcript v1\n# seed: 5\n# profile: book\n# game: 0:9:8:2\n# game: 0:9:7:2\n"     \
    "# max-guesses: 2\n"
#define LIMIT_WIRE                                                                                 \
    "C: PARAMS 0 9\nC: NUMBER\nS: 9\nC: REPORT Unsure\nC: NUMBER\nS: 4\nC: REPORT Colder\n"       \
    "C: PARAMS 0 -1\nC: PARAMS 0 9\nC: NUMBER\nS: 5\nC: PARAMS 0 -1\n"                             \
    "C! error more than 2 guesses (max-guesses, a harness bound: the book's client has none)\n"
#define SLIMIT_HDR                                                                                 \
    "# warmer transcript v1\n# seed: 5\n# profile: book\n# game: 0:9:5:5\n# max-guesses: 2\n"
#define SLIMIT_WIRE                                                                                \
    "C: PARAMS 0 9\nC: NUMBER\nS: 9\nC: REPORT Unsure\nC: NUMBER\nS: 4\nC: REPORT Warmer\n"       \
    "C: NUMBER\nS! error NUMBER beyond the limit of 2 guesses in one game (max-guesses, a "        \
    "harness bound: the book's server has none)\nC: PARAMS 0 -1\nC! error EOFError: Connection "  \
    "closed\n"
START_TEST(the_book_harness_bounds)
{
    expect(LIMIT_HDR LIMIT_WIRE, NULL, NULL, 0);
    expect(SLIMIT_HDR SLIMIT_WIRE, NULL, NULL, 0);
    char *t = with(LIMIT_HDR LIMIT_WIRE, "more than 2 guesses", "more than 3 guesses");
    expect(t, NULL, "answer", 19);
    free(t);
    t = with(SLIMIT_HDR SLIMIT_WIRE, "limit of 2 guesses", "limit of 1 guesses");
    expect(t, NULL, "answer", 14);
    free(t);
    /* refused a guess early: one guess of the game, not two */
    t = with(SLIMIT_HDR SLIMIT_WIRE, "C: NUMBER\nS: 4\nC: REPORT Warmer\n", "");
    expect(t, NULL, "answer", 11);
    free(t);
}
END_TEST

static Suite *oracle_suite(void)
{
    Suite *s = suite_create("oracle");
    WM_ADD_TEST(s, mt_getrandbits_matches_cpython);
    WM_ADD_TEST(s, mt_seed_words_match_cpython);
    WM_ADD_TEST(s, mt_randint_matches_cpython);
    WM_ADD_TEST(s, mt_redraw_matches_cpython);
    WM_ADD_TEST(s, the_book_run_holds);
    WM_ADD_TEST(s, every_golden_holds);
    WM_ADD_TEST(s, a_wrong_guess);
    WM_ADD_TEST(s, a_wrong_seed);
    WM_ADD_TEST(s, a_wrong_judgement);
    WM_ADD_TEST(s, a_wrong_timeout_text);
    WM_ADD_TEST(s, a_wrong_summary);
    WM_ADD_TEST(s, a_wrong_console_line);
    WM_ADD_TEST(s, a_book_run_beyond_int64_holds);
    WM_ADD_TEST(s, a_wrong_big_guess);
    WM_ADD_TEST(s, a_wrong_book_judgement);
    WM_ADD_TEST(s, a_wrong_book_summary);
    WM_ADD_TEST(s, the_books_known_behaviours);
    WM_ADD_TEST(s, the_book_harness_bounds);
    return s;
}

WM_TEST_MAIN(oracle_suite)
