/* proto/escape.c (and wm_quote in proto/err.c): round trips, trailing
 * spaces, truncation that never cuts an escape, unescape errors. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "escape.h"
#include "testutil.h"

/* Escapes src into a fresh buffer big enough, checking the length contract. */
static size_t esc(char *dst, size_t dst_size, const char *src, size_t len)
{
    size_t need = wm_escaped_len(src, len);
    FAST_ASSERT(need < dst_size, "test buffer too small for %zu bytes", need);
    size_t n = wm_escape(dst, dst_size, src, len);
    FAST_ASSERT(n == need, "wm_escape wrote %zu bytes, wm_escaped_len says %zu", n, need);
    FAST_ASSERT(strlen(dst) == n, "wm_escape returned %zu but the string is %zu long", n,
                  strlen(dst));
    return n;
}

static void expect_escape(const char *src, size_t len, const char *want)
{
    char buf[1200];
    esc(buf, sizeof buf, src, len);
    ck_assert_str_eq(buf, want);
}

/* Decodes and checks that the bytes come back exactly. */
static void expect_roundtrip(const char *src, size_t len)
{
    char enc[2100], dec[2100];
    size_t n = esc(enc, sizeof enc, src, len);
    size_t bad = (size_t)-1;
    long m = wm_unescape(dec, enc, n, &bad);
    FAST_ASSERT(m >= 0, "unescape of our own \"%s\" failed at %zu", enc, bad);
    FAST_ASSERT((size_t)m == len, "round trip of \"%s\": %ld bytes back, want %zu", enc, m, len);
    FAST_ASSERT(memcmp(dec, src, len) == 0, "round trip of \"%s\" changed the bytes", enc);
}

START_TEST(every_byte_alone)
{
    for (int c = 0; c < 256; c++) {
        char src[1] = {(char)c}, want[8];
        if (c == '\\')
            strcpy(want, "\\\\");
        else if (c > 0x20 && c < 0x7f)
            snprintf(want, sizeof want, "%c", c);
        else /* controls, 0x7f, high bytes, and a lone space (it is trailing) */
            snprintf(want, sizeof want, "\\x%02x", c);
        expect_escape(src, 1, want);
        expect_roundtrip(src, 1);
    }
}
END_TEST

START_TEST(all_256_bytes_roundtrip)
{
    char src[512];
    for (int i = 0; i < 256; i++) {
        src[i] = (char)i;
        src[511 - i] = (char)i; /* and descending, so a space is not last */
    }
    expect_roundtrip(src, 256);
    expect_roundtrip(src + 256, 256);
    expect_roundtrip(src, 512);
    char enc[2100];
    size_t n = esc(enc, sizeof enc, src, 512);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(enc[i] >= 0x20 && enc[i] <= 0x7e, "non-printable output byte 0x%02x at %zu",
                      (unsigned char)enc[i], i);
}
END_TEST

START_TEST(all_byte_pairs_roundtrip)
{
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char src[2] = {(char)a, (char)b};
            expect_roundtrip(src, 2);
        }
}
END_TEST

START_TEST(printable_and_backslash)
{
    expect_escape("PARAMS 1 5", 10, "PARAMS 1 5");
    expect_escape("a\\b", 3, "a\\\\b");
    expect_escape("\\x41", 4, "\\\\x41"); /* a literal backslash-x is not an escape */
    expect_escape("", 0, "");
    expect_escape("\r\n\t\x7f\x80\xff", 6, "\\x0d\\x0a\\x09\\x7f\\x80\\xff");
    expect_escape("a\0b", 3, "a\\x00b");
    expect_roundtrip("\\x41", 4);
}
END_TEST

START_TEST(trailing_spaces_escaped)
{
    expect_escape("a  ", 3, "a\\x20\\x20");
    expect_escape("   ", 3, "\\x20\\x20\\x20");
    expect_escape(" a", 2, " a");
    expect_escape("a b ", 4, "a b\\x20");
    expect_escape("NUMBER ", 7, "NUMBER\\x20");
    expect_escape("x \t ", 4, "x \\x09\\x20"); /* only the final run of spaces */
    expect_roundtrip("a  ", 3);
    expect_roundtrip("   ", 3);
    expect_roundtrip("a b ", 4);
    ck_assert_uint_eq(wm_escaped_len("a  ", 3), 9);
}
END_TEST

/* For every dst_size, the output fits, and when it had to be cut it is a
 * whole-escape prefix of the full output followed by "...". */
static void check_truncations(const char *src, size_t len)
{
    char full[1200];
    size_t need = esc(full, sizeof full, src, len);
    for (size_t size = 1; size <= need + 2; size++) {
        char out[1200];
        memset(out, '#', sizeof out);
        size_t n = wm_escape(out, size, src, len);
        ck_assert_msg(n <= size - 1, "size %zu: wrote %zu bytes", size, n);
        ck_assert_msg(out[n] == '\0' && strlen(out) == n, "size %zu: not terminated at %zu", size,
                      n);
        ck_assert_msg(out[size] == '#', "size %zu: wrote past the buffer", size);
        if (size - 1 >= need) {
            ck_assert_str_eq(out, full);
            continue;
        }
        if (size - 1 < 3)
            continue; /* no room for "..." */
        ck_assert_msg(n >= 3 && memcmp(out + n - 3, "...", 3) == 0,
                      "size %zu: cut output \"%s\" does not end with ...", size, out);
        size_t keep = n - 3;
        ck_assert_msg(memcmp(out, full, keep) == 0, "size %zu: \"%s\" is not a prefix of \"%s\"",
                      size, out, full);
        char dec[1200];
        size_t bad = 0;
        long m = wm_unescape(dec, out, keep, &bad);
        ck_assert_msg(m >= 0, "size %zu: \"%s\" cut an escape in half (bad at %zu)", size, out,
                      bad);
        ck_assert_msg(memcmp(dec, src, (size_t)m) == 0, "size %zu: prefix decodes wrongly", size);
        /* As much as fits: the next escape (at most 4 bytes) would not. */
        ck_assert_msg(keep + 4 > size - 1 - 3, "size %zu: kept only %zu bytes", size, keep);
    }
}

START_TEST(truncation_never_cuts_an_escape)
{
    check_truncations("\x01\x02\x03\x04\x05", 5);
    check_truncations("ab\\cd\\\\ef", 9);
    check_truncations("PARAMS \xff\xfe 1 2   ", 16);
    check_truncations("x\\y\x7fz  ", 7);
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)(255 - i);
    check_truncations(all, 256);
}
END_TEST

START_TEST(truncation_exact_texts)
{
    char out[16];
    ck_assert_uint_eq(wm_escape(out, 8, "\x01\x02\x03", 3), 7);
    ck_assert_str_eq(out, "\\x01...");
    ck_assert_uint_eq(wm_escape(out, 7, "\x01\x02\x03", 3), 3);
    ck_assert_str_eq(out, "...");
    ck_assert_uint_eq(wm_escape(out, 7, "AB\\\\", 4), 6); /* need 6: fits exactly */
    ck_assert_str_eq(out, "AB\\\\\\\\");
    ck_assert_uint_eq(wm_escape(out, 6, "AB\\\\", 4), 5); /* "AB\\" + ... does not fit */
    ck_assert_str_eq(out, "AB...");
    ck_assert_uint_eq(wm_escape(out, 1, "abc", 3), 0);
    ck_assert_str_eq(out, "");
    out[0] = 'z';
    ck_assert_uint_eq(wm_escape(out, 0, "abc", 3), 0);
    ck_assert_msg(out[0] == 'z', "dst_size 0 must not write");
}
END_TEST

static void expect_unescape_error_len(const char *src, size_t len, size_t bad_want)
{
    char dst[64];
    size_t bad = (size_t)-1;
    long m = wm_unescape(dst, src, len, &bad);
    ck_assert_msg(m == -1, "unescape of \"%.*s\" returned %ld, want -1", (int)len, src, m);
    ck_assert_msg(bad == bad_want, "unescape of \"%.*s\": bad_at %zu, want %zu", (int)len, src,
                  bad, bad_want);
}

static void expect_unescape_error(const char *src, size_t bad_want)
{
    expect_unescape_error_len(src, strlen(src), bad_want);
}

START_TEST(unescape_errors)
{
    expect_unescape_error("\\", 0);
    expect_unescape_error("abc\\", 3);
    expect_unescape_error("\\x", 0);
    expect_unescape_error("\\x4", 0);
    expect_unescape_error("a\\x4", 1);
    expect_unescape_error("\\xg1", 0);
    expect_unescape_error("\\x1g", 0);
    expect_unescape_error("\\n", 0);
    expect_unescape_error("ok\\q", 2);
    expect_unescape_error("\\X41", 0);
    expect_unescape_error("\\xAB", 0); /* wm_escape writes lowercase only */
    expect_unescape_error("a\x01", 1);
    expect_unescape_error("\x80", 0);
    expect_unescape_error("ab\x7f", 2);
    expect_unescape_error("tab\there", 3);
    expect_unescape_error("\\\\\\", 2);
    /* The length bounds the input, not a NUL: an escape cut by len is bad. */
    expect_unescape_error_len("\\x41", 3, 0);
    expect_unescape_error_len("ab\\\\", 3, 2);
}
END_TEST

START_TEST(unescape_valid)
{
    char dst[64];
    size_t bad = 0;
    long m = wm_unescape(dst, "a\\\\b\\x00\\xff\\x20", 16, &bad);
    ck_assert_int_eq(m, 6);
    ck_assert_msg(memcmp(dst, "a\\b\0\xff ", 6) == 0, "decoded bytes differ");
    ck_assert_int_eq(wm_unescape(dst, "", 0, &bad), 0);
}
END_TEST

START_TEST(quote_short_and_long)
{
    struct wm_quoted q;
    ck_assert_str_eq(wm_quote(&q, "NUMBER x", 8), "\"NUMBER x\"");
    ck_assert_str_eq(wm_quote(&q, "a\r ", 3), "\"a\\x0d\\x20\"");
    ck_assert_str_eq(wm_quote(&q, "", 0), "\"\"");
    char big[300];
    memset(big, 'a', sizeof big);
    const char *s = wm_quote(&q, big, sizeof big);
    size_t n = strlen(s);
    ck_assert_uint_eq(n, WM_ERR_QUOTE + 2);
    ck_assert_msg(strcmp(s + n - 4, "...\"") == 0, "long quote ends \"%s\"", s + n - 4);
    memset(big, 0x01, sizeof big); /* every byte escapes to 4: cut on a boundary */
    s = wm_quote(&q, big, sizeof big);
    n = strlen(s);
    ck_assert_msg(n <= WM_ERR_QUOTE + 2 && strcmp(s + n - 4, "...\"") == 0, "quote: %s", s);
    ck_assert_msg((n - 5) % 4 == 0, "escape cut in half: %s", s);
}
END_TEST

START_TEST(escape_byte_and_tail)
{
    char out[4];
    ck_assert_uint_eq(wm_escape_byte(out, 'A', 0), 1);
    ck_assert_msg(out[0] == 'A', "A escaped as %c", out[0]);
    ck_assert_uint_eq(wm_escape_byte(out, '\\', 0), 2);
    ck_assert_msg(memcmp(out, "\\\\", 2) == 0, "backslash escaped wrongly");
    ck_assert_uint_eq(wm_escape_byte(out, ' ', 1), 4);
    ck_assert_msg(memcmp(out, "\\x20", 4) == 0, "forced space escaped wrongly");
    ck_assert_uint_eq(wm_escape_byte(out, 0xab, 0), 4);
    ck_assert_msg(memcmp(out, "\\xab", 4) == 0, "0xab escaped wrongly");
    ck_assert_uint_eq(wm_escape_tail("ab  ", 4), 2);
    ck_assert_uint_eq(wm_escape_tail("ab", 2), 2);
    ck_assert_uint_eq(wm_escape_tail("   ", 3), 0);
    ck_assert_uint_eq(wm_escape_tail("", 0), 0);
    ck_assert_uint_eq(wm_escape_tail(" a ", 3), 2);
}
END_TEST

static Suite *escape_suite(void)
{
    Suite *s = suite_create("escape");
    WM_ADD_TEST(s, every_byte_alone);
    WM_ADD_TEST(s, all_256_bytes_roundtrip);
    WM_ADD_TEST(s, all_byte_pairs_roundtrip);
    WM_ADD_TEST(s, printable_and_backslash);
    WM_ADD_TEST(s, trailing_spaces_escaped);
    WM_ADD_TEST(s, truncation_never_cuts_an_escape);
    WM_ADD_TEST(s, truncation_exact_texts);
    WM_ADD_TEST(s, unescape_errors);
    WM_ADD_TEST(s, unescape_valid);
    WM_ADD_TEST(s, quote_short_and_long);
    WM_ADD_TEST(s, escape_byte_and_tail);
    return s;
}

WM_TEST_MAIN(escape_suite)
