/* proto/frame.c: the same bytes give the same lines and the same error
 * however they are split; limits, control bytes, UTF-8, EOF. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "frame.h"
#include "testutil.h"

/* A local PRNG with a fixed seed, so split points never depend on rand(). */
static uint64_t xs_state;
static uint64_t xs(void)
{
    uint64_t x = xs_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return xs_state = x;
}

/* What a framer made of an input: "L:<line>" per line (escaped),
 * "E@<bytes consumed>:<error>" and stop, then "EOF" or "E:<eof error>". */
struct tr {
    char s[16384];
    size_t n;
};

static void tr_put(struct tr *t, const char *text)
{
    size_t k = strlen(text);
    FAST_ASSERT(t->n + k < sizeof t->s, "transcript overflow");
    memcpy(t->s + t->n, text, k + 1);
    t->n += k;
}

enum split { WHOLE, BYTEWISE, RANDOM };

static size_t next_chunk(enum split how, size_t left)
{
    if (how == WHOLE)
        return left;
    if (how == BYTEWISE)
        return left ? 1 : 0;
    uint64_t r = xs();
    size_t k = (r & 7) == 0 ? (size_t)(r >> 8) % 200 : (size_t)(r >> 8) % 5; /* 0 is allowed */
    return k < left ? k : left;
}

static int lenient; /* set by a test before run(): harness-script framers */

static void run(const char *in, size_t n, size_t max_line, enum split how, struct tr *t)
{
    struct wm_framer f;
    struct wm_err err;
    char esc[4 * 4096 + 8], buf[WM_ERR_MAX + 64];
    FAST_ASSERT(wm_framer_init(&f, max_line) == 0, "framer init failed");
    f.lenient = lenient;
    t->n = 0;
    t->s[0] = '\0';
    size_t off = 0;
    int pushes = 0;
    while (off < n || (how == RANDOM && pushes == 0)) {
        size_t chunk = next_chunk(how, n - off), pos = 0;
        pushes++;
        do { /* push returns at each line: re-push the rest of the chunk */
            size_t used = 0, len = 0;
            const char *line = NULL;
            enum wm_frame_rc rc = wm_framer_push(&f, in + off + pos, chunk - pos, &used, &line,
                                                 &len, &err);
            FAST_ASSERT(used <= chunk - pos, "used %zu of %zu", used, chunk - pos);
            pos += used;
            if (rc == WM_FRAME_ERROR) {
                snprintf(buf, sizeof buf, "E@%zu:%s\n", off + pos, err.msg);
                tr_put(t, buf);
                wm_framer_free(&f);
                return;
            }
            if (rc == WM_FRAME_LINE) {
                FAST_ASSERT(len <= max_line, "line of %zu > max %zu", len, max_line);
                wm_escape(esc, sizeof esc, line, len);
                tr_put(t, "L:");
                tr_put(t, esc);
                tr_put(t, "\n");
            } else {
                FAST_ASSERT(pos == chunk, "MORE before the chunk was used up");
            }
        } while (pos < chunk);
        off += chunk;
    }
    if (wm_framer_eof(&f, &err) == WM_FRAME_ERROR) {
        snprintf(buf, sizeof buf, "E:%s\n", err.msg);
        tr_put(t, buf);
    } else {
        tr_put(t, "EOF\n");
    }
    wm_framer_free(&f);
}

/* Whole, one byte at a time and many random splits all give `want`
 * (or, if want is NULL, all agree with the whole-input run). */
static void expect_len(const char *in, size_t n, size_t max_line, const char *want)
{
    struct tr whole, other;
    run(in, n, max_line, WHOLE, &whole);
    if (want)
        ck_assert_str_eq(whole.s, want);
    run(in, n, max_line, BYTEWISE, &other);
    ck_assert_str_eq(other.s, whole.s);
    xs_state = 0x9e3779b97f4a7c15ULL ^ n;
    for (int i = 0; i < 60; i++) {
        run(in, n, max_line, RANDOM, &other);
        FAST_ASSERT(strcmp(other.s, whole.s) == 0, "split #%d gave\n%s\nwhole gave\n%s", i,
                      other.s, whole.s);
    }
}

static void expect(const char *in, const char *want)
{
    expect_len(in, strlen(in), WM_LINE_MAX_DEFAULT, want);
}

START_TEST(lines_in_any_split)
{
    expect("PARAMS 1 5\nNUMBER\n\nREPORT Warmer\n",
           "L:PARAMS 1 5\nL:NUMBER\nL:\nL:REPORT Warmer\nEOF\n");
    expect("", "EOF\n");
    expect("\n\n", "L:\nL:\nEOF\n");
    expect("a b  \n", "L:a b\\x20\\x20\nEOF\n");
}
END_TEST

START_TEST(random_inputs_split_independent)
{
    /* Inputs drawn from pieces that hit every path, checked against their own
     * whole-input run under byte-at-a-time and random splits. */
    static const char *const pieces[] = {
        "NUMBER", "\n", "\n", " ", "a", "\r", "\x00", "\x7f", "\x1b", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9d\x84\x9e", "\xc3", "\xe2\x82", "\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xc0\xaf", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "\\"};
    static const size_t plen[] = {6, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 1, 2, 1, 3, 4, 2, 32, 1};
    char in[600];
    for (int round = 0; round < 400; round++) {
        xs_state = 0x2545f4914f6cdd1dULL + (uint64_t)round * 7919;
        size_t n = 0;
        int count = 1 + (int)(xs() % 14);
        for (int i = 0; i < count; i++) {
            /* mostly harmless pieces, so errors come late and lines pass first */
            size_t p = xs() % 8 < 6 ? (size_t)(xs() % 3 == 0 ? 1 : xs() % 2 ? 0 : 18)
                                    : (size_t)(xs() % 20);
            memcpy(in + n, pieces[p], plen[p]);
            n += plen[p];
        }
        if (xs() % 2)
            in[n++] = '\n';
        size_t max_line = round % 3 == 0 ? 16 : WM_LINE_MAX_DEFAULT;
        expect_len(in, n, max_line, NULL);
    }
}
END_TEST

START_TEST(limit_exactly_max_line_ok)
{
    expect_len("12345678\n", 9, 8, "L:12345678\nEOF\n");
    expect_len("12345678\n12345678\n\n", 19, 8, "L:12345678\nL:12345678\nL:\nEOF\n");
    char big[WM_LINE_MAX_DEFAULT + 1];
    memset(big, 'a', WM_LINE_MAX_DEFAULT);
    big[WM_LINE_MAX_DEFAULT] = '\n';
    struct tr t;
    run(big, sizeof big, WM_LINE_MAX_DEFAULT, WHOLE, &t);
    ck_assert_msg(strncmp(t.s, "L:aaaa", 6) == 0 && strcmp(t.s + 2 + WM_LINE_MAX_DEFAULT, "\nEOF\n")
                  == 0, "a line of exactly 1024 bytes was not accepted: %.80s", t.s);
}
END_TEST

START_TEST(limit_plus_one_rejected)
{
    expect_len("123456789\n", 10, 8, "E@9:line longer than 8 bytes: \"12345678\"\n");
    expect_len("ok\n123456789", 12, 8, "L:ok\nE@12:line longer than 8 bytes: \"12345678\"\n");
    /* A multi-byte character crossing the limit is cut, never buffered. */
    expect_len("abcdefg\xc3\xa9\n", 10, 8,
               "E@9:line longer than 8 bytes: \"abcdefg\\xc3\"\n");
}
END_TEST

START_TEST(limit_never_buffers_more)
{
    /* A megabyte with no newline: the framer stops at byte max_line + 1. */
    size_t n = 1 << 20;
    char *in = malloc(n);
    ck_assert_ptr_nonnull(in);
    memset(in, 'z', n);
    struct wm_framer f;
    struct wm_err err;
    ck_assert_int_eq(wm_framer_init(&f, WM_LINE_MAX_DEFAULT), 0);
    size_t used = 0, len = 0;
    const char *line = NULL;
    enum wm_frame_rc rc = wm_framer_push(&f, in, n, &used, &line, &len, &err);
    ck_assert_int_eq(rc, WM_FRAME_ERROR);
    ck_assert_uint_eq(used, WM_LINE_MAX_DEFAULT + 1);
    ck_assert_uint_eq(f.len, WM_LINE_MAX_DEFAULT);
    char want[256];
    snprintf(want, sizeof want, "line longer than 1024 bytes: \"%.*s...\"", WM_ERR_QUOTE - 3, in);
    ck_assert_str_eq(err.msg, want);
    wm_framer_free(&f);
    free(in);
}
END_TEST

START_TEST(carriage_return_rejected)
{
    expect("NUMBER\r\n", "E@7:control byte \\x0d in line \"NUMBER\" (byte 7)\n");
}
END_TEST

START_TEST(nul_rejected)
{
    expect_len("PARAMS 1\0 5\n", 12, WM_LINE_MAX_DEFAULT,
               "E@9:control byte \\x00 in line \"PARAMS 1\" (byte 9)\n");
}
END_TEST

START_TEST(del_rejected)
{
    expect("ab\x7f\n", "E@3:control byte \\x7f in line \"ab\" (byte 3)\n");
}
END_TEST

START_TEST(every_control_byte_rejected)
{
    for (int c = 0; c < 0x20; c++) {
        if (c == '\n')
            continue;
        char in[8] = {'o', 'k', '\n', 'a', 'b', (char)c, 'c', '\n'}, want[128];
        snprintf(want, sizeof want, "L:ok\nE@6:control byte \\x%02x in line \"ab\" (byte 3)\n", c);
        expect_len(in, sizeof in, WM_LINE_MAX_DEFAULT, want);
    }
}
END_TEST

START_TEST(error_text_escapes_the_input)
{
    expect("a\\b  \x01\n", "E@6:control byte \\x01 in line \"a\\\\b\\x20\\x20\" (byte 6)\n");
    expect("\xc3\xa9\x80\n", "E@3:invalid UTF-8 byte \\x80 in line \"\\xc3\\xa9\" (byte 3)\n");
}
END_TEST

START_TEST(utf8_overlong_rejected)
{
    expect("\xc0\xaf\n", "E@1:invalid UTF-8 byte \\xc0 in line \"\" (byte 1)\n");
    expect("x\xc1\xbf\n", "E@2:invalid UTF-8 byte \\xc1 in line \"x\" (byte 2)\n");
    expect("\xe0\x80\xaf\n", "E@2:invalid UTF-8 byte \\x80 in line \"\\xe0\" (byte 2)\n");
    expect("\xe0\x9f\xbf\n", "E@2:invalid UTF-8 byte \\x9f in line \"\\xe0\" (byte 2)\n");
    expect("\xf0\x80\x80\xaf\n", "E@2:invalid UTF-8 byte \\x80 in line \"\\xf0\" (byte 2)\n");
    expect("\xf0\x8f\xbf\xbf\n", "E@2:invalid UTF-8 byte \\x8f in line \"\\xf0\" (byte 2)\n");
}
END_TEST

START_TEST(utf8_surrogates_rejected)
{
    expect("\xed\xa0\x80\n", "E@2:invalid UTF-8 byte \\xa0 in line \"\\xed\" (byte 2)\n");
    expect("\xed\xbf\xbf\n", "E@2:invalid UTF-8 byte \\xbf in line \"\\xed\" (byte 2)\n");
}
END_TEST

START_TEST(utf8_above_max_rejected)
{
    expect("\xf4\x90\x80\x80\n", "E@2:invalid UTF-8 byte \\x90 in line \"\\xf4\" (byte 2)\n");
    expect("\xf5\x80\x80\x80\n", "E@1:invalid UTF-8 byte \\xf5 in line \"\" (byte 1)\n");
    expect("\xf8\x88\x80\x80\x80\n", "E@1:invalid UTF-8 byte \\xf8 in line \"\" (byte 1)\n");
    expect("\xff\n", "E@1:invalid UTF-8 byte \\xff in line \"\" (byte 1)\n");
}
END_TEST

START_TEST(utf8_stray_continuation_rejected)
{
    expect("\x80\n", "E@1:invalid UTF-8 byte \\x80 in line \"\" (byte 1)\n");
    expect("ab\xbf\n", "E@3:invalid UTF-8 byte \\xbf in line \"ab\" (byte 3)\n");
    expect("\xe2\x82\xac\xac\n",
           "E@4:invalid UTF-8 byte \\xac in line \"\\xe2\\x82\\xac\" (byte 4)\n");
}
END_TEST

START_TEST(utf8_truncated_rejected)
{
    expect("\xe2\x82\n",
           "E@3:truncated UTF-8 sequence before \\x0a in line \"\\xe2\\x82\" (byte 3)\n");
    expect("a\xc3\n", "E@3:truncated UTF-8 sequence before \\x0a in line \"a\\xc3\" (byte 3)\n");
    expect("\xf0\x9f\x98\n",
           "E@4:truncated UTF-8 sequence before \\x0a in line \"\\xf0\\x9f\\x98\" (byte 4)\n");
    expect("\xe2\x82" "A\n", "E@3:invalid UTF-8 byte \\x41 in line \"\\xe2\\x82\" (byte 3)\n");
    expect("\xc3\r\n", "E@2:invalid UTF-8 byte \\x0d in line \"\\xc3\" (byte 2)\n");
}
END_TEST

START_TEST(utf8_valid_multibyte_accepted)
{
    expect("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e\n",
           "L:h\\xc3\\xa9llo \\xe2\\x82\\xac \\xf0\\x9d\\x84\\x9e\nEOF\n");
    /* The edges of every sequence length and of the excluded ranges. */
    expect("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
           "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\n",
           "L:\\xc2\\x80\\xdf\\xbf\\xe0\\xa0\\x80\\xed\\x9f\\xbf\\xee\\x80\\x80\\xef\\xbf\\xbf"
           "\\xf0\\x90\\x80\\x80\\xf4\\x8f\\xbf\\xbf\nEOF\n");
}
END_TEST

START_TEST(eof_with_partial_line_is_error)
{
    expect("NUMBER", "E:incomplete line at end of stream (no final newline): \"NUMBER\"\n");
    expect("PARAMS 1 5\nNUM",
           "L:PARAMS 1 5\nE:incomplete line at end of stream (no final newline): \"NUM\"\n");
    expect("\xc3", "E:incomplete line at end of stream (no final newline): \"\\xc3\"\n");
    expect(" ", "E:incomplete line at end of stream (no final newline): \"\\x20\"\n");
}
END_TEST

START_TEST(eof_on_line_boundary_ok)
{
    expect("NUMBER\n", "L:NUMBER\nEOF\n");
    expect("\n", "L:\nEOF\n");
    struct wm_framer f;
    struct wm_err err;
    ck_assert_int_eq(wm_framer_init(&f, 8), 0);
    ck_assert_int_eq(wm_framer_eof(&f, &err), WM_FRAME_MORE);
    wm_framer_free(&f);
}
END_TEST

START_TEST(one_line_per_push_and_mid_line)
{
    struct wm_framer f;
    struct wm_err err;
    const char *line = NULL;
    size_t used = 0, len = 0;
    ck_assert_int_eq(wm_framer_init(&f, 16), 0);
    ck_assert_int_eq(wm_framer_mid_line(&f), 0);
    ck_assert_int_eq(wm_framer_push(&f, "AB\nCD\nE", 7, &used, &line, &len, &err), WM_FRAME_LINE);
    ck_assert_uint_eq(used, 3);
    ck_assert_uint_eq(len, 2);
    ck_assert_msg(memcmp(line, "AB", 2) == 0, "first line is not AB");
    ck_assert_int_eq(wm_framer_mid_line(&f), 0);
    ck_assert_int_eq(wm_framer_push(&f, "CD\nE", 4, &used, &line, &len, &err), WM_FRAME_LINE);
    ck_assert_uint_eq(used, 3);
    ck_assert_msg(len == 2 && memcmp(line, "CD", 2) == 0, "second line is not CD");
    ck_assert_int_eq(wm_framer_push(&f, "E", 1, &used, &line, &len, &err), WM_FRAME_MORE);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(wm_framer_mid_line(&f), 1);
    ck_assert_uint_eq(f.lines, 2);
    wm_framer_free(&f);
}
END_TEST

START_TEST(failed_framer_stays_failed)
{
    struct wm_framer f;
    struct wm_err err;
    const char *line = NULL;
    size_t used = 0, len = 0;
    ck_assert_int_eq(wm_framer_init(&f, 16), 0);
    ck_assert_int_eq(wm_framer_push(&f, "a\rb\n", 4, &used, &line, &len, &err), WM_FRAME_ERROR);
    ck_assert_uint_eq(used, 2);
    ck_assert_int_eq(wm_framer_push(&f, "ok\n", 3, &used, &line, &len, &err), WM_FRAME_ERROR);
    ck_assert_uint_eq(used, 0);
    ck_assert_str_eq(err.msg, "framer used after an error");
    ck_assert_int_eq(wm_framer_eof(&f, &err), WM_FRAME_ERROR);
    ck_assert_str_eq(err.msg, "framer used after an error");
    wm_framer_free(&f);
}
END_TEST

START_TEST(lenient_accepts_any_byte_but_limits)
{
    lenient = 1;
    expect_len("a\r\0\x7f\xc0\xed\xa0\x80\n\xe2\n", 11, 16,
               "L:a\\x0d\\x00\\x7f\\xc0\\xed\\xa0\\x80\nL:\\xe2\nEOF\n");
    expect_len("123456789\n", 10, 8, "E@9:line longer than 8 bytes: \"12345678\"\n");
    expect_len("\x01\x02", 2, 8,
               "E:incomplete line at end of stream (no final newline): \"\\x01\\x02\"\n");
    lenient = 0;
}
END_TEST

static Suite *frame_suite(void)
{
    Suite *s = suite_create("frame");
    WM_ADD_TEST(s, lines_in_any_split);
    WM_ADD_TEST(s, random_inputs_split_independent);
    WM_ADD_TEST(s, limit_exactly_max_line_ok);
    WM_ADD_TEST(s, limit_plus_one_rejected);
    WM_ADD_TEST(s, limit_never_buffers_more);
    WM_ADD_TEST(s, carriage_return_rejected);
    WM_ADD_TEST(s, nul_rejected);
    WM_ADD_TEST(s, del_rejected);
    WM_ADD_TEST(s, every_control_byte_rejected);
    WM_ADD_TEST(s, error_text_escapes_the_input);
    WM_ADD_TEST(s, utf8_overlong_rejected);
    WM_ADD_TEST(s, utf8_surrogates_rejected);
    WM_ADD_TEST(s, utf8_above_max_rejected);
    WM_ADD_TEST(s, utf8_stray_continuation_rejected);
    WM_ADD_TEST(s, utf8_truncated_rejected);
    WM_ADD_TEST(s, utf8_valid_multibyte_accepted);
    WM_ADD_TEST(s, eof_with_partial_line_is_error);
    WM_ADD_TEST(s, eof_on_line_boundary_ok);
    WM_ADD_TEST(s, one_line_per_push_and_mid_line);
    WM_ADD_TEST(s, failed_framer_stays_failed);
    WM_ADD_TEST(s, lenient_accepts_any_byte_but_limits);
    return s;
}

WM_TEST_MAIN(frame_suite)
