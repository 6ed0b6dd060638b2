/* The book's malformed numerals (mal_book.h). */
#include "mal_book.h"

#include <stdint.h>
#include <string.h>

#define T(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    size_t n;
} numerals[] = {
    /* what int() takes: a sign, zeros, '_' between digits, spaces around
     * (ASCII's and Unicode's), Unicode decimal digits, any size */
    T("+5"), T("-0"), T("+0"), T("00"), T("007"), T("1_000"), T("0_0"), T("\t5"), T("5\r"),
    T("\x0b" "5\x0c"), T("\xc2\xa0" "5"), T("\xe2\x80\x83" "5"), T("\xc2\x85" "5"),
    T("\xd9\xa5"), T("\xd9\xa0\xd9\xa5"), T("\xef\xbc\x91\xef\xbc\x92"), T("\xf0\x9d\x9f\x93"),
    T("\xd9\xa1_\xd9\xa0"), T("\xdb\xb5"), T("\xe0\xa5\xab"), T("-\xd9\xa5"),
    T("18446744073709551616"), T("-18446744073709551617"), T("9223372036854775808"),
    T("-9223372036854775809"), T("99999999999999999999999999999999"),
    /* and what it does not: the repr of each is the error's */
    T("1__000"), T("_1"), T("1_"), T("+_1"), T("+-5"), T("--5"), T("5-"), T("+"), T("-"), T("_"),
    T(""), T("0x10"), T("1e3"), T("5.0"), T("\x1f" "5"), T("5\x00"), T("'5'"), T("\"5\""),
    T("5'\""), T("5\\"), T("\xc3\xa9"), T("\xc2\x80"), T("\xef\xbf\xbf"), T("\xf4\x8f\xbf\xbf"),
    T("1\xe2\x80\x83_0"), T("\xc2\xa0"),
    /* three-byte UTF-8 past U+0FFF, printable: repr() keeps it (U+20AC) */
    T("5\xe2\x82\xac"),
    /* four-byte UTF-8: printable, so repr() keeps it (U+1F600, the
     * double-struck digits U+1D7D8.. that int() reads) */
    T("\xf0\x9f\x98\x80"), T("\xf0\x9d\x9f\x98" "x"), T("\xf0\x9d\x9f\x98\xf0\x9d\x9f\x99"),
    T("5\xf0\x9f\x98\x80"),
    /* one past a continuation byte's top (0xbf), and a continuation byte
     * alone (0x80, one past ASCII): the line is not UTF-8 */
    T("5\xc3\xc0"), T("\xe1\x80\xc0" "5"), T("5\x80")};
#define NT (sizeof numerals / sizeof numerals[0])

/* Numerals at int()'s limit of 4300 digits (sys.int_info.default_max_str_digits),
 * made here: HEAD, COUNT times FILL, TAIL. One over it is refused before
 * int() looks past the digits; the scenario raises max-line to fit them. */
static const struct {
    const char *head;
    char fill;
    size_t count;
    const char *tail;
} longs[] = {{"1", '0', WM_MAL_BOOK_INT_DIGITS, ""},
             {"", '9', WM_MAL_BOOK_INT_DIGITS, ""},
             {"-", '0', WM_MAL_BOOK_INT_DIGITS + 1, "x"}};
#define N (NT + sizeof longs / sizeof longs[0])
/* arg is 0..255 (mal.c): its top quarter picks one of these, the numerals
 * whose reading is rarest (three- and four-byte characters in repr(), a
 * continuation byte alone or one past its top, int()'s limit), so that each
 * comes a few times in
 * a thousand runs; the rest pick from the whole table. */
static const unsigned char focus[] = {NT - 8, NT - 7, NT - 6, NT - 4, NT - 3, NT - 2, NT - 1,
                                      NT,     NT + 1, NT + 2};
#define FOCUS_ARGS 192

static size_t numeral_len(size_t i)
{
    if (i < NT)
        return numerals[i].n;
    i -= NT;
    return strlen(longs[i].head) + longs[i].count + strlen(longs[i].tail);
}

/* Numeral i's byte b. */
static char numeral_at(size_t i, size_t b)
{
    if (i < NT)
        return numerals[i].s[b];
    i -= NT;
    size_t h = strlen(longs[i].head);
    return b < h ? longs[i].head[b] : b < h + longs[i].count ? longs[i].fill
                                                              : longs[i].tail[b - h - longs[i].count];
}

/* PARAMS X Y: one of them the numeral, or both (then the probe's guess is
 * int()'s value exactly), or the numeral and the next one. */
static void pick(const struct wm_mal *m, size_t num[2])
{
    size_t i = m->arg < FOCUS_ARGS ? m->arg % N : focus[(m->arg - FOCUS_ARGS) % sizeof focus];
    size_t j = (i + 1) % N;
    unsigned how = m->pos % 4;
    num[0] = how == 1 ? SIZE_MAX : i; /* SIZE_MAX: "0" */
    num[1] = how == 0 ? SIZE_MAX - 1 : how == 3 ? j : i; /* SIZE_MAX - 1: "5" */
}

static int is_numeral_line(const struct wm_mal *m)
{
    return m->op == WM_MAL_NUMERAL || (m->op == WM_MAL_EMPTY && m->arg % 2);
}

size_t wm_mal_book_len(const struct wm_mal *m)
{
    if (m->server || !is_numeral_line(m)) /* a guess the book's client reads: mal_bookcli.c */
        return 0;
    size_t num[2];
    pick(m, num);
    size_t n = 8;
    for (int p = 0; p < 2; p++)
        n += num[p] >= SIZE_MAX - 1 ? 1 : numeral_len(num[p]);
    return n;
}

size_t wm_mal_book_numeral(unsigned i, const char **s)
{
    *s = numerals[i % NT].s; /* the table's: the long ones are made, not stored */
    return numerals[i % NT].n;
}

size_t wm_mal_book_apply(const struct wm_mal *m, const unsigned char *a, size_t n,
                         size_t max_line, unsigned char *out)
{
    /* Half the empty lines (the book's empty line is one rule) are numerals
     * instead: int() is where the book's reading differs most. */
    if (!is_numeral_line(m))
        return wm_mal_apply(m, a, n, max_line, out);
    size_t cap = max_line + WM_MAL_MAX_EXTRA, k = 0, num[2];
    pick(m, num);
    for (size_t b = 0; b < 7 && k < cap; b++)
        out[k++] = (unsigned char)"PARAMS "[b];
    for (int p = 0; p < 2; p++) {
        if (p == 1 && k < cap)
            out[k++] = ' ';
        if (num[p] >= SIZE_MAX - 1) {
            if (k < cap)
                out[k++] = num[p] == SIZE_MAX ? '0' : '5';
            continue;
        }
        for (size_t b = 0, len = numeral_len(num[p]); b < len && k < cap; b++)
            out[k++] = (unsigned char)numeral_at(num[p], b);
    }
    (void)a;
    (void)n;
    return k;
}
