/* Corrupted guesses for the book's client (mal_bookcli.h). */
#include "mal_bookcli.h"

#include <string.h>

#include "mal_book.h"

/* Appends p (pn bytes) to out at *k, bounded by cap. */
static void put(unsigned char *out, size_t *k, size_t cap, const char *p, size_t pn)
{
    for (size_t i = 0; i < pn && *k < cap; i++)
        out[(*k)++] = (unsigned char)p[i];
}

/* Digit d (0-9) in a script other than ASCII's: Arabic-Indic, fullwidth,
 * Devanagari, mathematical bold (all decimal digits to int()). */
static size_t digit_in(unsigned script, unsigned d, char *b)
{
    switch (script) {
    case 0: b[0] = '\xd9', b[1] = (char)(0xa0 + d); return 2;             /* U+0660 */
    case 1: b[0] = '\xef', b[1] = '\xbc', b[2] = (char)(0x90 + d); return 3; /* U+FF10 */
    case 2: b[0] = '\xe0', b[1] = '\xa5', b[2] = (char)(0xa6 + d); return 3; /* U+0966 */
    default: b[0] = '\xf0', b[1] = '\x9d', b[2] = '\x9f', b[3] = (char)(0x8e + d); return 4; /* U+1D7CE */
    }
}

#define FORMS 19

/* Form f of guess g (sign s, digits d[0..dn)): what int() makes g of, or refuses. */
static size_t form(unsigned f, const char *s, const char *d, size_t dn, unsigned char *out, size_t cap)
{
    size_t k = 0, sn = strlen(s);
    char b[4];
    switch (f) {
    case 0: put(out, &k, cap, "+", 1); break;            /* "+5", "+-5" (refused) */
    case 1: put(out, &k, cap, s, sn), sn = 0, put(out, &k, cap, "0", 1); break; /* "05" */
    case 2: put(out, &k, cap, " ", 1); break;            /* " 5 " */
    case 3: put(out, &k, cap, "\t", 1); break;           /* "\t5\r" */
    case 4: put(out, &k, cap, "\x0b", 1); break;         /* "\v5\f" */
    case 5: put(out, &k, cap, "\xc2\xa0", 2); break;     /* U+00A0 */
    case 7: put(out, &k, cap, "\xc2\x85", 2); break;     /* U+0085 */
    case 15: put(out, &k, cap, "\x1f", 1); break;        /* a space to isspace, not to int() */
    case 17: case 18:                                    /* 1e308 (a double), 2e308 (none) */
        put(out, &k, cap, f == 17 ? "1" : "2", 1);
        for (int i = 0; i < 308 && k < cap; i++)
            out[k++] = '0';
        return k;
    }
    put(out, &k, cap, s, sn);
    for (size_t i = 0; i < dn; i++) {
        if (f >= 11 && f <= 14 && (f != 13 || i == 0)) { /* 13: the first digit only */
            size_t bn = digit_in(f - 11, (unsigned)(d[i] - '0'), b);
            put(out, &k, cap, b, bn);
        } else {
            put(out, &k, cap, &d[i], 1);
        }
        if (i == 0 && (f == 8 || f == 9)) /* "1_0", "1__0" (refused); one digit: "5_" */
            put(out, &k, cap, "__", f == 8 ? 1 : 2);
    }
    switch (f) {
    case 2: put(out, &k, cap, " ", 1); break;
    case 3: put(out, &k, cap, "\r", 1); break;
    case 4: put(out, &k, cap, "\x0c", 1); break;
    case 6: put(out, &k, cap, "\xe2\x80\x83", 3); break; /* U+2003 after */
    case 10: put(out, &k, cap, "_", 1); break;           /* "5_" (refused) */
    case 16: put(out, &k, cap, "\x00", 1); break;        /* a NUL (refused) */
    }
    return k;
}

size_t wm_mal_bookcli_apply(const struct wm_mal *m, const unsigned char *a, size_t n,
                            size_t max_line, unsigned char *out)
{
    /* Half the empty lines are numerals instead, as in mal_book.c. */
    if (m->op != WM_MAL_NUMERAL && !(m->op == WM_MAL_EMPTY && m->arg % 2))
        return wm_mal_apply(m, a, n, max_line, out);
    size_t cap = max_line + WM_MAL_MAX_EXTRA;
    if (m->arg % 2) { /* a numeral of the book's table */
        const char *s;
        size_t sn = wm_mal_book_numeral(m->arg / 2, &s), k = 0;
        put(out, &k, cap, s, sn);
        return k;
    }
    /* a form of the guess itself (a guess is canonical: -?[0-9]+) */
    int neg = n > 0 && a[0] == '-';
    size_t dn = n - (size_t)neg;
    for (size_t i = (size_t)neg; i < n; i++)
        if (a[i] < '0' || a[i] > '9')
            dn = 0;
    if (dn == 0)
        return form((m->arg / 2) % FORMS, "", "5", 1, out, cap);
    return form((m->arg / 2) % FORMS, neg ? "-" : "", (const char *)a + neg, dn, out, cap);
}
