/* The book's malformed numerals (mal_book.h). */
#include "mal_book.h"

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
    T("1\xe2\x80\x83_0"), T("\xc2\xa0")};
#define N (sizeof numerals / sizeof numerals[0])

size_t wm_mal_book_numeral(unsigned i, const char **s)
{
    *s = numerals[i % N].s;
    return numerals[i % N].n;
}

size_t wm_mal_book_apply(const struct wm_mal *m, const unsigned char *a, size_t n,
                         size_t max_line, unsigned char *out)
{
    /* Half the empty lines (the book's empty line is one rule) are numerals
     * instead: int() is where the book's reading differs most. */
    if (m->op != WM_MAL_NUMERAL && !(m->op == WM_MAL_EMPTY && m->arg % 2))
        return wm_mal_apply(m, a, n, max_line, out);
    /* PARAMS X Y: one of them the numeral, or both (then the probe's guess
     * is int()'s value exactly), or the numeral and the next one. */
    size_t cap = max_line + WM_MAL_MAX_EXTRA, k = 0, i = m->arg % N, j = (i + 1) % N;
    unsigned how = m->pos % 4;
    const char *x = how == 1 ? "0" : numerals[i].s, *y = how == 0 ? "5" : numerals[how == 3 ? j : i].s;
    size_t xn = how == 1 ? 1 : numerals[i].n, yn = how == 0 ? 1 : numerals[how == 3 ? j : i].n;
    const char *parts[4] = {"PARAMS ", x, " ", y};
    size_t lens[4] = {7, xn, 1, yn};
    for (int p = 0; p < 4; p++)
        for (size_t b = 0; b < lens[p] && k < cap; b++)
            out[k++] = (unsigned char)parts[p][b];
    (void)a;
    (void)n;
    return k;
}
