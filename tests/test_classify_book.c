/* The book's classifier (sim/explore/oracle/classify_book.c) held to what CPython
 * did with the same input (tests/clsb_vectors.h), and the book's check of a
 * malformed run (inv_malbook.c): for each rule, the book's reaction holds
 * and a wrong one fails, saying what differed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_book.h"
#include "clsb_vectors.h"
#include "inv_malbook.h"
#include "mal_book.h"
#include "testutil.h"

START_TEST(int_and_repr_as_cpython)
{
    for (size_t i = 0; i < sizeof int_vectors / sizeof int_vectors[0]; i++) {
        const unsigned char *in = (const unsigned char *)int_vectors[i].in;
        size_t n = int_vectors[i].n;
        char esc[4096], val[8192], rep[4096];
        wm_cls_escape(in, n, esc, sizeof esc);
        int rc = wm_clsb_int(in, n, val);
        const char *err = int_vectors[i].err;
        int want = int_vectors[i].val ? 1 : strncmp(err, "Exceeds", 7) == 0 ? 2 : 0;
        ck_assert_msg(rc == want, "int(\"%.200s\"): %d, want %d (%.200s)", esc, rc, want,
                      int_vectors[i].val ? int_vectors[i].val : err);
        if (rc == 1)
            ck_assert_msg(strcmp(val, int_vectors[i].val) == 0, "int(\"%s\") = %s, want %s", esc,
                          val, int_vectors[i].val);
        long rl = wm_clsb_repr(in, n, rep);
        ck_assert_msg(rl >= 0, "repr(\"%s\"): the tables do not know a code point", esc);
        rep[rl] = '\0';
        ck_assert_msg(strcmp(rep, int_vectors[i].repr) == 0, "repr(\"%s\")[:200] = %s, want %s",
                      esc, rep, int_vectors[i].repr);
    }
    char val[8];
    ck_assert_int_eq(wm_clsb_int((const unsigned char *)"\xe1\x9f\xa5", 3, val), -1); /* Khmer 5: unknown */
}
END_TEST

/* The whole text of int()'s ValueError, as the book's session would write
 * it for PARAMS X 5: an invalid literal's repr, or the digit limit's count. */
START_TEST(int_errors_as_cpython)
{
    size_t errors = 0, limits = 0;
    for (size_t i = 0; i < sizeof int_vectors / sizeof int_vectors[0]; i++) {
        const char *in = int_vectors[i].in, *err = int_vectors[i].err;
        size_t n = int_vectors[i].n;
        if (!err || memchr(in, ' ', n)) /* a space would split the argument */
            continue;
        char *line = malloc(n + 10), *want = malloc(strlen(err) + 16), esc[600];
        ck_assert_ptr_nonnull(line);
        ck_assert_ptr_nonnull(want);
        memcpy(line, "PARAMS ", 7);
        memcpy(line + 7, in, n);
        memcpy(line + 7 + n, " 5", 2);
        sprintf(want, "ValueError: %s", err);
        struct wm_clsb_result r;
        ck_assert_int_eq(wm_clsb_line((const unsigned char *)line, n + 9, n + 9, &r), 0);
        wm_cls_escape((const unsigned char *)in, n < 100 ? n : 100, esc, sizeof esc);
        ck_assert_msg(r.cls == WM_CLSB_ERROR && !r.uncertain && r.len == strlen(want) &&
                          memcmp(r.text, want, r.len) == 0,
                      "int(\"%s\"%s): %s \"%.300s\", want \"%.300s\"", esc, n > 100 ? "..." : "",
                      wm_clsb_name(r.cls), r.text ? r.text : "", want);
        errors++;
        limits += strstr(err, "Exceeds the limit") != NULL;
        wm_clsb_free(&r);
        free(line);
        free(want);
    }
    ck_assert_msg(errors >= 30 && limits >= 3, "%zu errors, %zu of the limit", errors, limits);
}
END_TEST

START_TEST(decode_as_cpython)
{
    for (size_t i = 0; i < sizeof decode_vectors / sizeof decode_vectors[0]; i++) {
        char msg[200], esc[200];
        const unsigned char *in = (const unsigned char *)decode_vectors[i].in;
        wm_cls_escape(in, decode_vectors[i].n, esc, sizeof esc);
        int bad = wm_clsb_decode(in, decode_vectors[i].n, msg, sizeof msg);
        ck_assert_msg(bad == (decode_vectors[i].msg != NULL), "\"%s\" decoded: %d", esc, bad);
        if (bad)
            ck_assert_msg(strcmp(msg, decode_vectors[i].msg) == 0, "\"%s\": %s, want %s", esc, msg,
                          decode_vectors[i].msg);
    }
}
END_TEST

static void expect(const char *line, size_t n, size_t max_line, enum wm_clsb want, const char *text)
{
    struct wm_clsb_result r;
    ck_assert_int_eq(wm_clsb_line((const unsigned char *)line, n, max_line, &r), 0);
    char esc[512];
    wm_cls_escape((const unsigned char *)line, n, esc, sizeof esc);
    ck_assert_msg(r.cls == want, "\"%s\" classed %s, want %s", esc, wm_clsb_name(r.cls),
                  wm_clsb_name(want));
    if (text && want == WM_CLSB_PARAMS) {
        char both[200];
        snprintf(both, sizeof both, "%s %s", r.lo, r.hi);
        ck_assert_msg(strcmp(both, text) == 0, "\"%s\" read as %s, want %s", esc, both, text);
    } else if (text) {
        ck_assert_msg(r.len == strlen(text) && memcmp(r.text, text, r.len) == 0,
                      "\"%s\": \"%s\", want \"%s\"", esc, r.text, text);
    }
    wm_clsb_free(&r);
}
#define EXPECT(lit, cls, text) expect(lit, sizeof lit - 1, 1024, cls, text)

START_TEST(each_book_class)
{
    EXPECT("PARAMS 1 5", WM_CLSB_PARAMS, "1 5");
    EXPECT("PARAMS +5 \xd9\xa1_\xd9\xa0\r", WM_CLSB_PARAMS, "5 10");
    EXPECT("PARAMS 1 99999999999999999999999", WM_CLSB_PARAMS, "1 99999999999999999999999");
    EXPECT("PARAMS 1__0 x", WM_CLSB_ERROR, "ValueError: invalid literal for int() with base 10: '1__0'");
    EXPECT("PARAMS 1 5 ", WM_CLSB_ERROR, "AssertionError");
    EXPECT("PARAMS  1 5", WM_CLSB_ERROR, "AssertionError");
    EXPECT("PARAMS", WM_CLSB_ERROR, "AssertionError");
    EXPECT("NUMBER", WM_CLSB_NUMBER, NULL);
    EXPECT("NUMBER x y", WM_CLSB_NUMBER, NULL);
    EXPECT("NUMBER ", WM_CLSB_NUMBER, NULL);
    EXPECT("NUMBER\r", WM_CLSB_ERROR, "UnknownCommandError: NUMBER\r");
    EXPECT(" NUMBER", WM_CLSB_ERROR, "UnknownCommandError:  NUMBER");
    EXPECT("REPORT Hot", WM_CLSB_REPORT, "Hot");
    EXPECT("REPORT ", WM_CLSB_REPORT, "");
    EXPECT("REPORT", WM_CLSB_ERROR, "AssertionError");
    EXPECT("REPORT Correct Correct", WM_CLSB_ERROR, "AssertionError");
    EXPECT("", WM_CLSB_EMPTY, NULL);
    EXPECT("NUM\tBER", WM_CLSB_ERROR, "UnknownCommandError: NUM\tBER");
    EXPECT("PARAMS 1 \xff", WM_CLSB_ERROR, "UnicodeDecodeError: 'utf-8' codec can't decode byte "
                                          "0xff in position 9: invalid start byte");
    expect("PARAMS 1 5000000", 16, 15, WM_CLSB_TOO_LONG, NULL);
    expect("PARAMS 1 500000\xff", 16, 16, WM_CLSB_ERROR, NULL); /* max-line bytes are a line */
    expect("\xff\xff", 2, 1, WM_CLSB_TOO_LONG, NULL); /* the framer's bound, before decoding */
}
END_TEST

START_TEST(record_text_cut)
{
    char text[700], out[4000];
    memset(text, 'a', sizeof text);
    text[0] = '\x01';
    size_t k = wm_clsb_record_text(text, sizeof text, out, sizeof out);
    ck_assert_uint_eq(k, WM_CLSB_RECORD_MAX - 1);
    ck_assert_msg(strncmp(out, "\\x01aaa", 7) == 0 && strcmp(out + k - 3, "...") == 0, "%s", out);
    text[504] = '\x02'; /* at 507: an escape that would pass the bound is left out whole */
    k = wm_clsb_record_text(text, sizeof text, out, sizeof out);
    ck_assert_msg(k == 510 && strcmp(out + k - 4, "a...") == 0, "%zu %s", k, out + 490);
    k = wm_clsb_record_text(text, 100, out, sizeof out);
    ck_assert_uint_eq(k, 103);
}
END_TEST

/* ---- the check: each rule's reaction holds, a wrong one fails ---- */

static int judge(const char *profile, const char *records, char *msg, size_t size)
{
    char text[4096];
    snprintf(text, sizeof text, "# warmer transcript v1\n# seed: 1234\n# profile: %s\n"
             "# max-guesses: 3\n# game: 1:5:3:5\n# client: script\n%s", profile, records);
    struct wm_violation v;
    int rc = wm_inv_malbook_check(text, strlen(text), 1, &v);
    snprintf(msg, size, "%s: %s", rc ? v.kind : "held", rc ? v.msg : "");
    return rc;
}

static const char eofhang[] = "S! hang the book's asyncio handler returned at the client's EOF "
                              "without closing its writer: the connection stays open (CPython "
                              "3.8-3.12; measured on 3.11.7)\n";

/* profile, records, 0 when the book does this, else the words the failure must say */
static const struct {
    const char *profile, *records, *fails;
} cases[] = {
    /* int()'s value shown by the probe: a one-value range answers it */
    {"book", "C: PARAMS +5 5\nC: NUMBER\nS: 5\nC! close\n", NULL},
    {"book", "C: PARAMS +5 5\nC: NUMBER\nS: 4\nC! close\n", "a new guess in [5, 5]"},
    {"book", "C: PARAMS \\xd9\\xa5 5\nC: NUMBER\nS: 5\nC! close\n", NULL},
    {"book", "C: PARAMS 1_000 1000\nC: NUMBER\nS: 100\nC! close\n", "[1000, 1000]"},
    /* an empty range: randrange's ValueError names the values */
    {"book", "C: PARAMS 7 5\nC: NUMBER\nS! error ValueError: empty range for randrange() (7, 6, -1)\n",
     NULL},
    {"book", "C: PARAMS 7 \\x0b5\nC: NUMBER\nS! error ValueError: empty range for randrange() (7, 5, -2)\n",
     "(7, 6, -1)"},
    {"book", "C: PARAMS 6 5\nC: NUMBER\nS! error ValueError: empty range for randrange() (6, 6, 0)\n",
     NULL},
    /* int()'s ValueError, with repr */
    {"book", "C: PARAMS 1 1__0\nS! error ValueError: invalid literal for int() with base 10: '1__0'\n"
             "C: NUMBER\n", NULL},
    {"book", "C: PARAMS 1 1__0\nC: NUMBER\nS: 1\nC! close\n", "end with the error"},
    {"book", "C: PARAMS 5\\x00 1\nS! error ValueError: invalid literal for int() with base 10: "
             "'5\\\\x00'\nC: NUMBER\n", NULL},
    {"book", "C: PARAMS 5\\x00 1\nS! error ValueError: invalid literal for int() with base 10: "
             "'5\\x00'\nC: NUMBER\n", "'5\\\\x00'"},
    /* a code point the tables know (U+20AC, printable): its repr exactly */
    {"book", "C: PARAMS 5\\xe2\\x82\\xac 1\nS! error ValueError: invalid literal for int() with "
             "base 10: '5\\xe2\\x82\\xac'\nC: NUMBER\n", NULL},
    {"book", "C: PARAMS 5\\xe2\\x82\\xac 1\nS! error ValueError: invalid literal for int() with "
             "base 10: '5\\\\u20ac'\nC: NUMBER\n", "'5\\xe2\\x82\\xac'"},
    /* one they do not (U+4E00): only the error's start is certain, and a
     * record's text goes on past its "ValueError: " */
    {"book", "C: PARAMS 5\\xe4\\xb8\\x80 1\nS! error ValueError: invalid literal for int() with "
             "base 10: '5\\xe4\\xb8\\x80'\nC: NUMBER\n", NULL},
    {"book", "C: PARAMS 5\\xe4\\xb8\\x80 1\nS! error TypeError: x\nC: NUMBER\n", "ValueError: "},
    /* arity, unknown commands, UTF-8 */
    {"book", "C: PARAMS 1 5 \nS! error AssertionError\nC: NUMBER\n", NULL},
    {"book", "C: REPORT\nS! error IndexError: list index out of range\nC: NUMBER\n", "AssertionError"},
    {"book", "C: GUESS 5\nS! error UnknownCommandError: GUESS 5\nC: NUMBER\n", NULL},
    {"book", "C: GUESS 5\nS! error UnknownCommandError: GUESS\nC: NUMBER\n", "GUESS 5"},
    {"book", "C: NUMBER\\xff\nS! error UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in "
             "position 6: invalid start byte\nC: NUMBER\n", NULL},
    {"book", "C: NUMBER\\xff\nS! error UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in "
             "position 7: invalid start byte\nC: NUMBER\n", "position 6"},
    /* NUMBER's state: none, the secret, a guess needed by REPORT */
    {"book", "C: NUMBER x\nS! error TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'\n"
             "C: NUMBER\n", NULL},
    {"book", "C: NUMBER x\nS: 1\nC: NUMBER\n", "TypeError"},
    {"book", "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Correct\nC: NUMBER\nS: 4\nC! close\n", NULL},
    {"book", "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Correct\nC: NUMBER\nS: 2\nC! close\n",
     "the secret 4"},
    {"book", "C: PARAMS 1 5\nC: NUMBER\nS: 4\nC: REPORT Correct\\x0d\nC: NUMBER\nS: 4\nC! close\n",
     "a new guess"},
    {"book", "C: PARAMS 1 5\nC: REPORT Hot\nS! error IndexError: list index out of range\nC: NUMBER\n",
     NULL},
    {"book", "C: PARAMS 1 5\nC: REPORT Hot\nC: NUMBER\nS: 3\nC! close\n", "IndexError"},
    /* the endless draw, and the harness's max-guesses (3 here) */
    {"book", "C: PARAMS 1 1\nC: NUMBER\nS: 1\nC: NUMBER\nS! hang NUMBER after all 1 values of "
             "[1, 1] were guessed: the book's server draws forever\n", NULL},
    {"book", "C: PARAMS 1 1\nC: NUMBER\nS: 1\nC: NUMBER\nS: 1\nC! close\n", "hang with"},
    {"book", "C: PARAMS 1 9\nC: NUMBER\nS: 1\nC: NUMBER\nS: 2\nC: NUMBER\nS: 3\nC: NUMBER\n"
             "S! error NUMBER beyond the limit of 3 guesses in one game (max-guesses, a harness "
             "bound: the book's server has none)\n", NULL},
    {"book", "C: PARAMS 1 9\nC: NUMBER\nS: 1\nC: NUMBER\nS: 2\nC: NUMBER\nS: 3\nC: NUMBER\nS: 4\n"
             "C! close\n", "max-guesses"},
    /* the ends: an empty line and the client's EOF, per profile */
    {"book", "C: PARAMS 1 5\nC:\nC: NUMBER\n", NULL},
    {"book", "C: PARAMS 1 5\nC:\nC: NUMBER\nS: 3\n", "empty line"},
    {"book-asyncio", "C: PARAMS 1 5\nC:\nC: NUMBER\nS! hang the book's asyncio handler returned on "
                     "an empty line without closing its writer: the connection stays open (CPython "
                     "3.8-3.12; measured on 3.11.7)\n", NULL},
    {"book-asyncio", "C: PARAMS 1 5\nC:\nC: NUMBER\n", "hang with"},
    {"book-asyncio", "C: PARAMS 1 5\nC! close\n", "hang with"},
    {"book", "C: PARAMS 1 5\nC! close\n", NULL},
    {"book", "C: PARAMS 1 5\nC! close\nS! close\n", NULL},
    /* over max-line (1024 by default): the harness's bound, quoted as strict's */
    {"book", "C: PARAMS 1 5\nC: NUMBER\nS: 2\nC! close\nS! error x\n", "nothing to answer"},
};

START_TEST(each_rule_holds_and_fails)
{
    char msg[600];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char records[2048];
        snprintf(records, sizeof records, "%s%s", cases[i].records,
                 strcmp(cases[i].profile, "book-asyncio") == 0 && !cases[i].fails &&
                         !strstr(cases[i].records, "S! ")
                     ? eofhang
                     : "");
        int rc = judge(cases[i].profile, records, msg, sizeof msg);
        if (!cases[i].fails)
            ck_assert_msg(rc == 0, "case %zu (%s) should hold: %s", i, cases[i].records, msg);
        else
            ck_assert_msg(rc == 1 && strstr(msg, "malformed: ") && strstr(msg, cases[i].fails),
                          "case %zu (%s) should fail saying \"%s\": %s", i, cases[i].records,
                          cases[i].fails, msg);
    }
}
END_TEST

START_TEST(too_long_quoted)
{
    char text[1024], msg[600];
    snprintf(text, sizeof text, "# warmer transcript v1\n# seed: 1\n# profile: book\n# max-line: 8\n"
             "# game: 1:5:3:5\n# client: script\nC: PARAMS 1 50\nS! error line longer than 8 "
             "bytes: \"PARAMS 1\" (max-line, a harness bound: the book reads lines without one)\n"
             "C: NUMBER\n");
    struct wm_violation v;
    ck_assert_int_eq(wm_inv_malbook_check(text, strlen(text), 1, &v), 0);
    char *q = strstr(text, "\"PARAMS 1\"");
    q[8] = '5';
    int rc = wm_inv_malbook_check(text, strlen(text), 1, &v);
    snprintf(msg, sizeof msg, "%s", v.msg);
    ck_assert_msg(rc == 1 && strstr(msg, "line longer than 8 bytes"), "%d %s", rc, msg);
}
END_TEST

START_TEST(book_numerals_pair_up)
{
    /* PARAMS X Y: the numeral in one place, both, or beside the next */
    struct wm_mal m = {1, WM_MAL_NUMERAL, 0, 0, 0, 0, 0, 0, 0};
    unsigned char out[9100];
    const char *want[4] = {"PARAMS +5 5", "PARAMS 0 +5", "PARAMS +5 +5", "PARAMS +5 -0"};
    for (unsigned how = 0; how < 4; how++) {
        m.pos = how;
        size_t n = wm_mal_book_apply(&m, (const unsigned char *)"NUMBER", 6, 1024, out);
        ck_assert_msg(n == strlen(want[how]) && memcmp(out, want[how], n) == 0, "%u: %.*s", how,
                      (int)n, out);
    }
    /* the top quarter of arg: the rarest readings, each a few times in a
     * thousand runs (3- and 4-byte characters in repr(), a continuation
     * byte past 0xbf, 4300 digits and past them) */
    static const char *const focus[] = {"5\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                        "\xf0\x9d\x9f\x98" "x", "5\xf0\x9f\x98\x80",
                                        "5\xc3\xc0", "\xe1\x80\xc0" "5", "5\x80"};
    m.pos = 0;
    for (unsigned k = 0; k < 10; k++) {
        m.arg = 192 + k;
        size_t n = wm_mal_book_apply(&m, (const unsigned char *)"NUMBER", 6, 9000, out);
        if (k < 7)
            ck_assert_msg(n == 9 + strlen(focus[k]) && memcmp(out + 7, focus[k], n - 9) == 0 &&
                              memcmp(out + n - 2, " 5", 2) == 0,
                          "arg %u: %.*s", m.arg, (int)n, out);
        else
            ck_assert_msg(n >= 9 + 4300 && n == wm_mal_book_len(&m), "arg %u: %zu bytes", m.arg, n);
    }
    m.arg = 0;
    m.op = WM_MAL_EMPTY; /* the other recipes are strict's; an odd empty line is a numeral */
    ck_assert_uint_eq(wm_mal_book_apply(&m, (const unsigned char *)"NUMBER", 6, 1024, out), 0);
    m.arg = 1, m.pos = 2;
    ck_assert_uint_eq(wm_mal_book_apply(&m, (const unsigned char *)"NUMBER", 6, 1024, out), 12); /* PARAMS -0 -0 */
}
END_TEST

static Suite *classify_book_suite(void)
{
    Suite *s = suite_create("classify_book");
    WM_ADD_TEST(s, int_and_repr_as_cpython);
    WM_ADD_TEST(s, int_errors_as_cpython);
    WM_ADD_TEST(s, decode_as_cpython);
    WM_ADD_TEST(s, each_book_class);
    WM_ADD_TEST(s, record_text_cut);
    WM_ADD_TEST(s, each_rule_holds_and_fails);
    WM_ADD_TEST(s, too_long_quoted);
    WM_ADD_TEST(s, book_numerals_pair_up);
    return s;
}

WM_TEST_MAIN(classify_book_suite)
