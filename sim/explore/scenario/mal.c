/* Malformed lines for explore's client side (mal.h). */
#include "mal.h"

#include <stdio.h>
#include <string.h>

#include "rng.h"

#define T(s) {s, sizeof s - 1}
struct mal_token { /* bytes a mutation writes into a line */
    const char *s;
    size_t n;
};

/* Bytes a line must not hold, and UTF-8 just inside and just outside its
 * edges (docs/PROTOCOL.md: control bytes, 0x7f, invalid UTF-8 with
 * overlongs, surrogates and past U+10FFFF). */
static const struct mal_token bytes[] = {
    T("\x00"), T("\r"), T("\t"), T("\x1f"), T("\x7f"), T("\x80"), T("\xff"), T("\xc0\xaf"),
    T("\xc1\xbf"), T("\xe0\x80\xaf"), T("\xed\xa0\x80"), T("\xf4\x90\x80\x80"), T("\xf8\x88\x80\x80\x80"),
    T("\xc2"), T("\xe2\x82"), T("\xc2\x80"), T("\xdf\xbf"), T("\xe0\xa0\x80"), T("\xed\x9f\xbf"),
    T("\xef\xbf\xbf"), T("\xf0\x90\x80\x80"), T("\xf4\x8f\xbf\xbf"), T("\xc3\xa9"),
    /* a later continuation byte one past its top (0xbf): the range the
     * framer resets after each continuation byte */
    T("\xe1\x80\xc0"), T("\xf1\x80\x80\xc0")};
#define BYTES_UTF8_FROM 13 /* bytes[13] on: the UTF-8 sequences, each a decoder's edge */
#define BYTES_FOCUS_ARGS 192
/* int64's edges and one past, non-canonical forms, 20 digits and more. */
static const struct mal_token numerals[] = {
    T("0"), T("9223372036854775807"), T("9223372036854775808"), T("-9223372036854775808"),
    T("-9223372036854775809"), T("-0"), T("+5"), T("05"), T("00"), T("-"), T(""), T("1_000"),
    T("18446744073709551616"), T("99999999999999999999"), T("-99999999999999999999"),
    T("123456789012345678901234567890"), T("0x10"), T("1e3"), T("5.0"), T("\xd9\xa5"),
    T("-09223372036854775808"), T("9223372036854775806"), T("-9223372036854775807")};
static const struct mal_token commands[] = {T("GUESS"), T("params"), T("NUMBE"), T("PARAMSS"),
                                        T("REPORTS"), T("Number"), T("N\xc3\x9a""MBER"), T("REPORT")};
static const struct mal_token reports[] = {
    T("REPORT Hot"), T("REPORT correct"), T("REPORT"), T("REPORT Correct Correct"),
    T("REPORT Warmer"), T("REPORT Colder"), T("REPORT Unsure"), T("REPORT Correct"),
    T("REPORT WARMER"), T("REPORT Correct\x00"), T("REPORT Warm")};
static const int long_delta[] = {1, 0, -1, 2, WM_MAL_MAX_EXTRA};
#define N(a) (sizeof a / sizeof a[0])

static const char *const op_names[WM_MAL_OPS] = {"flip", "bytes", "space", "numeral", "truncate",
                                                  "long", "command", "arity", "report", "empty"};

void wm_mal_draw(struct wm_rng *g, uint32_t connections, int pct, struct wm_mal *m)
{
    memset(m, 0, sizeof *m);
    if (wm_rng_randint(g, 0, 99) >= pct)
        return;
    m->on = 1;
    m->op = (enum wm_mal_op)wm_rng_randint(g, 0, WM_MAL_OPS - 1);
    m->conn = (uint32_t)wm_rng_randint(g, 0, connections - 1);
    m->line = (uint32_t)wm_rng_randint(g, 0, wm_rng_randint(g, 0, 1) ? 3 : 40);
    m->pos = (uint32_t)wm_rng_randint(g, 0, 63);
    m->arg = (uint32_t)wm_rng_randint(g, 0, 255);
}

/* 1 if p is a UTF-8 lead byte with fewer continuation bytes than it needs. */
static int short_lead(const struct mal_token *p)
{
    unsigned char c = (unsigned char)p->s[0];
    size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return p->n > 0 && c >= 0xc2 && c <= 0xf4 && p->n < want;
}

/* out = a[0..at) + p + a[skip..n), bounded by cap. */
static size_t splice(const unsigned char *a, size_t n, size_t at, size_t skip, const char *p,
                     size_t pn, unsigned char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < at && k < cap; i++)
        out[k++] = a[i];
    for (size_t i = 0; i < pn && k < cap; i++)
        out[k++] = (unsigned char)p[i];
    for (size_t i = skip; i < n && k < cap; i++)
        out[k++] = a[i];
    return k;
}

/* Where word w (from 0) starts and ends, or n, n when the line has fewer. */
static void word(const unsigned char *a, size_t n, unsigned w, size_t *at, size_t *end)
{
    size_t i = 0;
    for (unsigned k = 0; k < w && i < n; i++)
        k += a[i] == ' ';
    if (w > 0 && i == n) {
        *at = *end = n;
        return;
    }
    *at = i;
    while (i < n && a[i] != ' ')
        i++;
    *end = i;
}

size_t wm_mal_apply(const struct wm_mal *m, const unsigned char *a, size_t n, size_t max_line,
                    unsigned char *out)
{
    size_t cap = max_line + WM_MAL_MAX_EXTRA, at, end, k;
    if (n > cap)
        n = cap;
    switch (m->op) {
    case WM_MAL_FLIP:
        k = splice(a, n, n, n, NULL, 0, out, cap);
        if (k > 0)
            out[m->pos % k] ^= (unsigned char)(1u << (m->arg % 8));
        return k;
    case WM_MAL_BYTES: {
        /* arg's top quarter picks among the UTF-8 sequences alone (cut
         * short, just inside an edge, a continuation byte one past its
         * top), so that each comes a few times in a thousand runs */
        const struct mal_token *p =
            &bytes[m->arg < BYTES_FOCUS_ARGS ? m->arg % N(bytes)
                                             : BYTES_UTF8_FROM + m->arg % (N(bytes) - BYTES_UTF8_FROM)];
        /* a sequence cut short: at the line's end 3 times in 4, where the
         * newline is what breaks it (docs/EXPLORE.md: "no sequence cut by the \\n") */
        at = short_lead(p) && m->pos % 4 ? n : m->pos % (n + 1);
        return splice(a, n, at, at, p->s, p->n, out, cap);
    }
    case WM_MAL_SPACE:
        at = m->arg % 3 == 0 ? 0 : n;
        if (m->arg % 3 == 2)
            for (size_t i = 0; i < n; i++)
                if (a[i] == ' ') {
                    at = i;
                    break;
                }
        return splice(a, n, at, at, " ", 1, out, cap);
    case WM_MAL_NUMERAL: {
        const struct mal_token *p = &numerals[m->arg % N(numerals)];
        if (n < 7 || memcmp(a, "PARAMS ", 7) != 0) /* the numeral goes in a PARAMS */
            a = (const unsigned char *)"PARAMS 0 -1", n = 11;
        word(a, n, 1 + m->pos % 2, &at, &end);
        if (at == n) { /* an argument the line lacks: added */
            char w[40] = " ";
            memcpy(w + 1, p->s, p->n);
            return splice(a, n, n, n, w, p->n + 1, out, cap);
        }
        return splice(a, n, at, end, p->s, p->n, out, cap);
    }
    case WM_MAL_TRUNCATE:
        return splice(a, n ? m->pos % n : 0, n, n, NULL, 0, out, cap);
    case WM_MAL_LONG: { /* digits: a PARAMS numeral grows, beyond int64 */
        /* around max-line, or around the 96 characters an error quotes
         * before it cuts the input short (docs/ERRORS.md) */
        long want = (m->arg / N(long_delta)) % 2 ? 90 + (long)(m->pos % 12)
                                                 : (long)max_line + long_delta[m->arg % N(long_delta)];
        k = splice(a, n, n, n, NULL, 0, out, cap);
        for (; (long)k < want && k < cap; k++)
            out[k] = (unsigned char)('0' + (k + m->pos) % 10);
        return k;
    }
    case WM_MAL_COMMAND: {
        const struct mal_token *p = &commands[m->arg % N(commands)];
        word(a, n, 0, &at, &end);
        return splice(a, n, 0, end, p->s, p->n, out, cap);
    }
    case WM_MAL_ARITY:
        if (m->arg % 2 == 0) /* one argument more, or three (past any field table) */
            return m->arg % 4 == 0 ? splice(a, n, n, n, m->pos % 2 ? " x" : " 7", 2, out, cap)
                                   : splice(a, n, n, n, m->pos % 2 ? " x x x" : " 7 7 7", 6, out, cap);
        for (at = n; at > 0 && a[at - 1] != ' '; at--)
            ;
        return at > 0 ? splice(a, at - 1, at - 1, at - 1, NULL, 0, out, cap)
                      : splice(a, n, n, n, " 1", 2, out, cap);
    case WM_MAL_REPORT: {
        const struct mal_token *p = &reports[m->arg % N(reports)];
        return splice(NULL, 0, 0, 0, p->s, p->n, out, cap);
    }
    case WM_MAL_EMPTY:
    case WM_MAL_OPS:
        break;
    }
    return 0;
}

int wm_mal_smaller(const struct wm_mal *m, unsigned i, struct wm_mal *out)
{
    *out = *m;
    switch (i) {
    case 0: memset(out, 0, sizeof *out); return 1; /* a failure the well-formed run has too */
    case 1: out->line = 0; return 1;
    case 2: out->line /= 2; return 1;
    case 3: out->line -= m->line > 0; return 1;
    case 4: out->conn = 0; return 1;
    case 5: out->pos = 0; return 1;
    case 6: out->pos /= 2; return 1;
    case 7: out->arg = 0; return 1;
    case 8: out->arg /= 2; return 1;
    case 9: out->partial = 0; return 1; /* the whole line, its newline sent */
    case 10: out->tie = 0; return 1;     /* op's recipe instead of the tie's */
    }
    return 0;
}

void wm_mal_components(const struct wm_mal *m, uint64_t *v)
{
    v[0] = m->on ? 1u + m->line : 0;
    v[1] = m->conn;
    v[2] = m->pos + (m->partial ? 64u : 0u); /* pos is drawn below 64: a cut line is larger */
    v[3] = m->arg + (m->tie ? 256u : 0u); /* arg is drawn below 256: a tie is larger */
}

void wm_mal_describe(const struct wm_mal *m, char *buf, size_t size)
{
    snprintf(buf, size, "malformed: %s, %s line %u of connection %u (pos %u, arg %u%s)",
             m->tie ? "tie" : op_names[m->op < WM_MAL_OPS ? m->op : 0], m->server ? "server" : "client",
             m->line + 1, m->conn + 1, m->pos, m->arg, m->partial ? ", cut before its newline" : "");
}
