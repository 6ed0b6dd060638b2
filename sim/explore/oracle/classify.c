/* The strict profile's reading of one client line, from the documents
 * (docs/PROTOCOL.md, docs/ERRORS.md, docs/TRANSCRIPTS.md "Escapes"), not
 * from proto/: see classify.h. */
#include "classify.h"

#include <stdio.h>
#include <string.h>

static const char *const names[WM_CLS_COUNT] = {
    "PARAMS", "NUMBER", "REPORT", "empty", "too-long", "byte",
    "space", "unknown", "arity", "not-int", "beyond", "decision"};

const char *wm_cls_name(enum wm_cls c)
{
    return c < WM_CLS_COUNT ? names[c] : "state";
}

int wm_cls_valid(enum wm_cls c)
{
    return c == WM_CLS_PARAMS || c == WM_CLS_NUMBER || c == WM_CLS_REPORT;
}

/* The first byte that breaks the rules (RFC 3629 UTF-8, no byte below 0x20
 * nor 0x7f), from 1, n + 1 for a sequence the \n cuts: 0 when none. *lead
 * is where its sequence began. */
static size_t first_bad_byte(const unsigned char *s, size_t n, size_t *lead)
{
    size_t need = 0, at = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (need > 0) {
            if (c < lo || c > hi) {
                *lead = at + 1;
                return i + 1;
            }
            lo = 0x80, hi = 0xbf;
            need--;
            continue;
        }
        *lead = i + 1;
        if (c < 0x20 || c == 0x7f)
            return i + 1;
        if (c < 0x80)
            continue;
        at = i;
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return i + 1; /* a continuation byte first, an overlong lead, past U+10FFFF */
    }
    if (need > 0) {
        *lead = at + 1;
        return n + 1;
    }
    return 0;
}

static int word_is(const unsigned char *w, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(w, s, n) == 0;
}

/* NOT_INT unless -?(0|[1-9][0-9]*) but not -0; BEYOND past int64; else
 * WM_CLS_PARAMS (fine). */
static enum wm_cls integer(const unsigned char *w, size_t n)
{
    size_t i = n > 0 && w[0] == '-';
    if (i == n)
        return WM_CLS_NOT_INT;
    for (size_t k = i; k < n; k++)
        if (w[k] < '0' || w[k] > '9')
            return WM_CLS_NOT_INT;
    if (w[i] == '0' && (n - i > 1 || i == 1))
        return WM_CLS_NOT_INT; /* a leading zero, "-0" */
    const char *lim = i ? "9223372036854775808" : "9223372036854775807";
    size_t digits = n - i;
    if (digits != 19)
        return digits > 19 ? WM_CLS_BEYOND : WM_CLS_PARAMS;
    return memcmp(w + i, lim, 19) > 0 ? WM_CLS_BEYOND : WM_CLS_PARAMS;
}

#define MAX_WORDS 4 /* more than any command takes: a count past it is still wrong */

void wm_cls_line(const unsigned char *s, size_t n, size_t max_line, struct wm_cls_result *r)
{
    memset(r, 0, sizeof *r);
    r->alt = WM_CLS_COUNT;
    size_t lead = 0, bad = first_bad_byte(s, n, &lead);
    /* The framer reads as bytes come: the first fault to arrive wins; a
     * bad byte just past max-line may be seen as either. */
    if (bad && (bad <= max_line || (bad == n + 1 && n <= max_line))) {
        r->cls = WM_CLS_BYTE, r->first_bad = lead, r->last_bad = bad;
        return;
    }
    if (n > max_line) {
        r->cls = WM_CLS_TOO_LONG;
        if (bad == max_line + 1)
            r->alt = WM_CLS_BYTE, r->first_bad = lead, r->last_bad = bad;
        return;
    }
    if (n == 0) {
        r->cls = WM_CLS_EMPTY;
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' && (i == 0 || i == n - 1 || s[i + 1] == ' ')) {
            r->cls = WM_CLS_SPACE;
            return;
        }
    size_t at[MAX_WORDS], len[MAX_WORDS], words = 0;
    for (size_t i = 0; i <= n; words++) {
        size_t e = i;
        while (e < n && s[e] != ' ')
            e++;
        if (words < MAX_WORDS)
            at[words] = i, len[words] = e - i;
        i = e + 1;
    }
    r->word_at = at[0], r->word_len = len[0];
    r->args = words - 1;
    if (word_is(s, len[0], "NUMBER")) {
        r->cls = words == 1 ? WM_CLS_NUMBER : WM_CLS_ARITY;
    } else if (word_is(s, len[0], "REPORT")) {
        if (words != 2) {
            r->cls = WM_CLS_ARITY;
            return;
        }
        r->word_at = at[1], r->word_len = len[1];
        const unsigned char *w = s + at[1];
        r->cls = word_is(w, len[1], "Warmer") || word_is(w, len[1], "Colder") ||
                         word_is(w, len[1], "Unsure") || word_is(w, len[1], "Correct")
                     ? WM_CLS_REPORT
                     : WM_CLS_DECISION;
    } else if (word_is(s, len[0], "PARAMS")) {
        if (words != 3) {
            r->cls = WM_CLS_ARITY;
            return;
        }
        enum wm_cls a = integer(s + at[1], len[1]), b = integer(s + at[2], len[2]);
        r->cls = a != WM_CLS_PARAMS ? a : b;
        r->word_at = at[a != WM_CLS_PARAMS ? 1 : 2];
        r->word_len = len[a != WM_CLS_PARAMS ? 1 : 2];
        if (a != WM_CLS_PARAMS && b != WM_CLS_PARAMS && b != a)
            r->alt = b; /* which argument is judged first the documents leave open */
    } else {
        r->cls = WM_CLS_UNKNOWN;
    }
}

int wm_cls_arity_count_ok(const char *why, const struct wm_cls_result *r)
{
    const char *got = strstr(why, ", got ");
    if (strncmp(why, "bad NUMBER: takes no arguments: ", 32) == 0)
        return 1;
    if (!got)
        return 0;
    char want[32];
    int k = snprintf(want, sizeof want, ", got %zu: ", r->args);
    return k > 0 && strncmp(got, want, (size_t)k) == 0;
}

enum wm_cls wm_cls_of_error(const char *why)
{
    static const struct {
        const char *prefix, *inside;
        enum wm_cls cls;
    } map[] = {
        {"line longer than ", NULL, WM_CLS_TOO_LONG},
        {"control byte ", NULL, WM_CLS_BYTE},
        {"invalid UTF-8 byte ", NULL, WM_CLS_BYTE},
        {"truncated UTF-8 sequence before ", NULL, WM_CLS_BYTE},
        {"malformed line (double, leading or trailing space)", NULL, WM_CLS_SPACE},
        {"unknown command ", NULL, WM_CLS_UNKNOWN},
        {"bad NUMBER: takes no arguments", NULL, WM_CLS_ARITY},
        {"bad PARAMS: expected ", NULL, WM_CLS_ARITY},
        {"bad REPORT: expected ", NULL, WM_CLS_ARITY},
        {"bad PARAMS: ", " is not an integer in ", WM_CLS_NOT_INT},
        {"bad PARAMS: ", " is beyond signed 64 bits in ", WM_CLS_BEYOND},
        {"bad REPORT: unknown decision ", NULL, WM_CLS_DECISION},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(why, map[i].prefix, strlen(map[i].prefix)) == 0 &&
            (!map[i].inside || strstr(why, map[i].inside)))
            return map[i].cls;
    return WM_CLS_COUNT;
}

size_t wm_cls_escape(const unsigned char *s, size_t n, char *out, size_t size)
{
    size_t tail = n, k = 0;
    while (tail > 0 && s[tail - 1] == ' ')
        tail--; /* a trailing run of spaces is written \x20 each */
    for (size_t i = 0; i < n; i++) {
        char e[5];
        unsigned char c = s[i];
        if (c == '\\')
            snprintf(e, sizeof e, "\\\\");
        else if (c >= 0x20 && c <= 0x7e && !(c == ' ' && i >= tail))
            snprintf(e, sizeof e, "%c", c);
        else
            snprintf(e, sizeof e, "\\x%02x", c);
        size_t el = strlen(e);
        if (k + el + 1 > size)
            break;
        memcpy(out + k, e, el);
        k += el;
    }
    if (size > 0)
        out[k] = '\0';
    return k;
}

size_t wm_cls_quote(const unsigned char *s, size_t n, char *out, size_t size)
{
    size_t k = wm_cls_escape(s, n, out, size);
    if (k <= WM_CLS_QUOTE_MAX)
        return k;
    /* cut after the last whole escape within QUOTE_MAX - 3, then "..." */
    size_t cut = 0;
    for (size_t i = 0; i < k;) {
        size_t e = out[i] != '\\' ? 1 : out[i + 1] == '\\' ? 2 : 4;
        if (i + e > WM_CLS_QUOTE_MAX - 3)
            break;
        i += e;
        cut = i;
    }
    if (cut + 4 > size)
        return k;
    memcpy(out + cut, "...", 4);
    return cut + 3;
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long wm_cls_unescape(const char *s, size_t n, unsigned char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            out[k++] = (unsigned char)s[i];
            continue;
        }
        if (i + 1 < n && s[i + 1] == '\\') {
            out[k++] = '\\', i++;
            continue;
        }
        int hi = i + 3 < n && s[i + 1] == 'x' ? hex(s[i + 2]) : -1, lo = hi < 0 ? -1 : hex(s[i + 3]);
        if (lo < 0) /* the text need not end in a NUL: no sscanf */
            return -1;
        out[k++] = (unsigned char)(hi << 4 | lo);
        i += 3;
    }
    return (long)k;
}
