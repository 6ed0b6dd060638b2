/* The book's reading of one client line (classify_book.h), from the book's
 * code and CPython's documented behaviour, not from proto/. */
#include "classify_book.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static const char *const names[WM_CLSB_COUNT] = {"too-long", "exception", "empty",
                                                 "PARAMS", "NUMBER", "REPORT"};

const char *wm_clsb_name(enum wm_clsb c)
{
    return c < WM_CLSB_COUNT ? names[c] : "?";
}

/* ---- CPython's UTF-8 decoder: the error's range (Unicode's maximal subpart) ---- */

int wm_clsb_decode(const unsigned char *s, size_t n, char *out, size_t size)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t need = 0;
        unsigned char lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        const char *why = need ? NULL : "invalid start byte";
        size_t end = i + 1;
        for (size_t k = 1; k <= need && !why; k++, lo = 0x80, hi = 0xbf) {
            if (i + k == n)
                why = "unexpected end of data";
            else if (s[i + k] < lo || s[i + k] > hi)
                why = "invalid continuation byte";
            else
                end = i + k + 1;
        }
        if (!why) {
            i = end;
            continue;
        }
        if (end - i == 1)
            snprintf(out, size, "'utf-8' codec can't decode byte 0x%02x in position %zu: %s", c,
                     i, why);
        else
            snprintf(out, size, "'utf-8' codec can't decode bytes in position %zu-%zu: %s", i,
                     end - 1, why);
        return 1;
    }
    return 0;
}

/* The next code point of valid UTF-8 at *i. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[(*i)++];
    if (c < 0x80)
        return c;
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    uint32_t cp = c & (0x3fu >> more);
    while (more-- > 0 && *i < n)
        cp = cp << 6 | (s[(*i)++] & 0x3fu);
    return cp;
}

/* ---- what CPython 3.11's tables say of the code points explore sends ---- */

enum { CP_UNKNOWN, CP_PRINT, CP_NOPRINT, CP_SPACE, CP_DIGIT };
static const struct {
    uint32_t lo, hi;
    int kind;
} cps[] = {
    /* str.isspace(), past ASCII: int() reads them as spaces; repr escapes them */
    {0x85, 0x85, CP_SPACE}, {0xa0, 0xa0, CP_SPACE}, {0x1680, 0x1680, CP_SPACE},
    {0x2000, 0x200a, CP_SPACE}, {0x2028, 0x2029, CP_SPACE}, {0x202f, 0x202f, CP_SPACE},
    {0x205f, 0x205f, CP_SPACE}, {0x3000, 0x3000, CP_SPACE},
    /* decimal digits (Nd), all printable: Arabic-Indic, Extended Arabic-Indic,
     * Devanagari, fullwidth, mathematical (five runs of ten) */
    {0x660, 0x669, CP_DIGIT}, {0x6f0, 0x6f9, CP_DIGIT}, {0x966, 0x96f, CP_DIGIT},
    {0xff10, 0xff19, CP_DIGIT}, {0x1d7ce, 0x1d7ff, CP_DIGIT},
    /* C1 controls, the soft hyphen, unassigned and noncharacters: escaped */
    {0x80, 0x9f, CP_NOPRINT}, {0xad, 0xad, CP_NOPRINT}, {0xd7fc, 0xd7ff, CP_NOPRINT},
    {0xfffe, 0xffff, CP_NOPRINT}, {0x10fffe, 0x10ffff, CP_NOPRINT},
    /* Latin-1's letters and signs, NKo's last, Samaritan's first, Linear B's first */
    {0xa1, 0xac, CP_PRINT}, {0xae, 0xff, CP_PRINT}, {0x7ff, 0x800, CP_PRINT},
    {0x10000, 0x10000, CP_PRINT},
    /* the euro sign (Sc): three bytes past U+0FFF that repr() keeps */
    {0x20ac, 0x20ac, CP_PRINT},
    /* an emoji (So, printable): four bytes that repr() keeps */
    {0x1f600, 0x1f600, CP_PRINT},
};

static int cp_kind(uint32_t cp, int *digit)
{
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
        if (cp >= cps[i].lo && cp <= cps[i].hi) {
            *digit = (int)((cp - cps[i].lo) % 10);
            return cps[i].kind;
        }
    return CP_UNKNOWN;
}

/* C's isspace in the "C" locale: int() strips these ASCII bytes (not 0x1c-0x1f). */
static int ascii_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

#define INT_DIGITS_MAX 4300 /* CPython's default int() limit */

int wm_clsb_int(const unsigned char *s, size_t n, char *out)
{
    /* int() first maps Unicode spaces to ' ' and decimal digits to ASCII,
     * then reads: spaces, a sign, digits with single '_' between, spaces. */
    char *a = malloc(n + 1);
    size_t k = 0;
    int rc = 1;
    if (!a)
        return -1;
    for (size_t i = 0; i < n;) {
        uint32_t cp = next_cp(s, n, &i);
        int d = 0, kind = cp < 0x80 ? CP_PRINT : cp_kind(cp, &d);
        if (kind == CP_UNKNOWN)
            rc = -1;
        a[k++] = cp < 0x80 ? (char)cp : kind == CP_SPACE ? ' ' : kind == CP_DIGIT ? (char)('0' + d) : '?';
    }
    size_t i = 0, e = k, digits = 0, o = 0;
    while (i < e && ascii_space((unsigned char)a[i]))
        i++;
    while (e > i && ascii_space((unsigned char)a[e - 1]))
        e--;
    int neg = i < e && a[i] == '-';
    i += i < e && (a[i] == '-' || a[i] == '+');
    /* The limit: CPython counts the run of digits (single '_' between
     * them) and refuses more than 4300 before it looks past the run. */
    size_t run = 0, r = i;
    int run_ok = i < e && a[i] != '_';
    for (; r < e && ((a[r] >= '0' && a[r] <= '9') || a[r] == '_'); r++) {
        run_ok &= !(a[r] == '_' && r > i && a[r - 1] == '_');
        run += a[r] != '_';
    }
    if (run > INT_DIGITS_MAX && run_ok && a[r - 1] != '_') {
        free(a);
        if (rc < 0) /* an unknown code point after the run may be a digit */
            return -1;
        snprintf(out, n + 2, "%zu", run);
        return 2;
    }
    if (i == e || a[i] < '0' || a[i] > '9' || a[e - 1] == '_')
        rc = rc < 0 ? -1 : 0;
    for (size_t j = i; j < e && rc == 1; j++) {
        if (a[j] == '_' && a[j - 1] != '_')
            continue;
        if (a[j] < '0' || a[j] > '9') {
            rc = 0;
            break;
        }
        digits++;
        if (o > 0 || a[j] != '0' || j + 1 == e) /* leading zeros dropped */
            out[o++] = a[j];
    }
    free(a);
    if (rc != 1)
        return rc;
    if (o == 0) /* "0_0": the last digit was a zero after an underscore */
        out[o++] = '0';
    if (neg && !(o == 1 && out[0] == '0')) {
        memmove(out + 1, out, o++);
        out[0] = '-';
    }
    out[o] = '\0';
    return 1;
}

long wm_clsb_repr(const unsigned char *s, size_t n, char *out)
{
    int sq = memchr(s, '\'', n) != NULL, dq = memchr(s, '"', n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    size_t k = 0, chars = 1;
    char e[16];
    out[k++] = q;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = next_cp(s, n, &i);
        int d;
        if (cp == (unsigned char)q || cp == '\\')
            snprintf(e, sizeof e, "\\%c", (char)cp);
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            snprintf(e, sizeof e, "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
        else if (cp < 0x20 || cp == 0x7f)
            snprintf(e, sizeof e, "\\x%02x", (unsigned)cp);
        else if (cp < 0x80)
            snprintf(e, sizeof e, "%c", (char)cp);
        else {
            int kind = cp_kind(cp, &d);
            if (kind == CP_UNKNOWN)
                return -1;
            if (kind == CP_PRINT || kind == CP_DIGIT)
                snprintf(e, sizeof e, "%.*s", (int)(i - at), (const char *)s + at);
            else
                snprintf(e, sizeof e, cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x",
                         (unsigned)cp);
        }
        /* %.200R: the repr's first 200 characters (an escape is several) */
        size_t el = strlen(e), ec = cp >= 0x80 && (e[0] != '\\') ? 1 : el;
        for (size_t j = 0; j < el && chars < 200; chars++) {
            size_t w = ec == 1 ? el : 1;
            memcpy(out + k, e + j, w);
            k += w, j += w;
        }
        if (chars >= 200)
            return (long)k;
    }
    if (chars < 200)
        out[k++] = q;
    return (long)k;
}

size_t wm_clsb_record_text(const char *text, size_t n, char *out, size_t size)
{
    size_t k = wm_cls_escape((const unsigned char *)text, n, out, size);
    if (k < WM_CLSB_RECORD_MAX)
        return k;
    /* the longest prefix of whole escapes that, with "...", fits */
    size_t cut = 0;
    for (size_t i = 0; i < k;) {
        size_t e = out[i] != '\\' ? 1 : out[i + 1] == '\\' ? 2 : 4;
        if (i + e + 3 > WM_CLSB_RECORD_MAX - 1)
            break;
        i += e;
        cut = i;
    }
    memcpy(out + cut, "...", 4);
    return cut + 3;
}

/* ---- one line ---- */

static int set_text(struct wm_clsb_result *r, const char *a, const char *b, size_t bn)
{
    size_t an = strlen(a);
    r->text = malloc(an + bn + 1);
    if (!r->text)
        return -1;
    memcpy(r->text, a, an);
    memcpy(r->text + an, b, bn);
    r->len = an + bn;
    r->text[r->len] = '\0';
    return 0;
}

/* int(w) into *out (owned), or the ValueError: 1 accepted, 0 an error set, -1 OOM. */
static int read_int(const unsigned char *w, size_t n, char **out, struct wm_clsb_result *r)
{
    *out = malloc(n + 3);
    char *rep = malloc(10 * n + 3);
    int rc = *out && rep ? wm_clsb_int(w, n, *out) : -2;
    if (rc == 1 || rc == -2) {
        free(rep);
        return rc == 1 ? 1 : -1;
    }
    if (rc == 2) { /* int()'s digit limit (Objects/longobject.c's message) */
        r->cls = WM_CLSB_ERROR;
        snprintf(rep, 10 * n + 3, "Exceeds the limit (%d digits) for integer string conversion: "
                 "value has %s digits; use sys.set_int_max_str_digits() to increase the limit",
                 INT_DIGITS_MAX, *out);
        rc = set_text(r, "ValueError: ", rep, strlen(rep));
        free(rep);
        return rc < 0 ? -1 : 0;
    }
    long rl = wm_clsb_repr(w, n, rep);
    r->cls = WM_CLSB_ERROR;
    r->uncertain = rc < 0 || rl < 0;
    rc = set_text(r, "ValueError: invalid literal for int() with base 10: ", rep,
                  r->uncertain ? 0 : (size_t)rl);
    if (rc == 0 && r->uncertain) /* an unknown code point's: the start */
        r->len = strlen("ValueError: "), r->text[r->len] = '\0';
    free(rep);
    return rc < 0 ? -1 : 0;
}

#define MAX_PARTS 4 /* more than any command takes */

int wm_clsb_line(const unsigned char *s, size_t n, size_t max_line, struct wm_clsb_result *r)
{
    memset(r, 0, sizeof *r);
    if (n > max_line) { /* the framer's bound, met before any decoding */
        r->cls = WM_CLSB_TOO_LONG;
        return 0;
    }
    char why[160];
    if (wm_clsb_decode(s, n, why, sizeof why)) {
        r->cls = WM_CLSB_ERROR;
        return set_text(r, "UnicodeDecodeError: ", why, strlen(why));
    }
    if (n == 0) { /* `while command := ...` ends */
        r->cls = WM_CLSB_EMPTY;
        return 0;
    }
    size_t at[MAX_PARTS], len[MAX_PARTS], parts = 0; /* command.split(' ') */
    for (size_t i = 0; i <= n; parts++) {
        size_t e = i;
        while (e < n && s[e] != ' ')
            e++;
        if (parts < MAX_PARTS)
            at[parts] = i, len[parts] = e - i;
        i = e + 1;
    }
    if (len[0] == 6 && memcmp(s, "PARAMS", 6) == 0) {
        if (parts != 3) {
            r->cls = WM_CLSB_ERROR;
            return set_text(r, "AssertionError", "", 0);
        }
        r->cls = WM_CLSB_PARAMS;
        int rc = read_int(s + at[1], len[1], &r->lo, r);
        if (rc == 1)
            rc = read_int(s + at[2], len[2], &r->hi, r);
        return rc < 0 ? -1 : 0;
    }
    if (len[0] == 6 && memcmp(s, "NUMBER", 6) == 0) {
        r->cls = WM_CLSB_NUMBER;
        return 0;
    }
    if (len[0] == 6 && memcmp(s, "REPORT", 6) == 0) {
        if (parts != 2) {
            r->cls = WM_CLSB_ERROR;
            return set_text(r, "AssertionError", "", 0);
        }
        r->cls = WM_CLSB_REPORT;
        return set_text(r, "", (const char *)s + at[1], len[1]);
    }
    r->cls = WM_CLSB_ERROR;
    return set_text(r, "UnknownCommandError: ", (const char *)s, n);
}

void wm_clsb_free(struct wm_clsb_result *r)
{
    free(r->text);
    free(r->lo);
    free(r->hi);
    memset(r, 0, sizeof *r);
}
