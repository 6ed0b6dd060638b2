/* A strict client's reaction to a corrupted guess (inv_malsrv.h): reads the
 * transcript's text alone and judges by the documents, not by proto/. */
#include "inv_malsrv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "inv_read.h"

#define MAX_PREV 4096 /* a game's guesses followed: explore's runs make at most 3000 */

static const char *const names[WM_CLSS_COUNT] = {
    "a valid guess", "a line-layer error", "a non-integer guess", "a guess outside the range",
    "a repeated guess"};

const char *wm_clss_name(enum wm_clss c)
{
    return c < WM_CLSS_COUNT ? names[c] : "?";
}

/* -?(0|[1-9][0-9]*), no "-0", within int64: 1 with *v. */
static int canonical(const unsigned char *s, size_t n, int64_t *v)
{
    size_t i = n > 0 && s[0] == '-';
    if (i == n || n - i > 19 || (s[i] == '0' && (n - i > 1 || i == 1)))
        return 0;
    uint64_t m = 0;
    for (size_t k = i; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
        m = m * 10 + (uint64_t)(s[k] - '0'); /* 19 digits fit */
    }
    if (m > (i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
        return 0;
    *v = i ? (int64_t)(0 - m) : (int64_t)m;
    return 1;
}

enum wm_clss wm_clss_line(const unsigned char *s, size_t n, size_t max_line, int64_t lo, int64_t hi,
                          const int64_t *prev, size_t nprev, int64_t *value)
{
    struct wm_cls_result r;
    wm_cls_line(s, n, max_line, &r); /* the line layer is the same on both sides */
    if (r.cls == WM_CLS_TOO_LONG || r.cls == WM_CLS_BYTE)
        return WM_CLSS_LINE;
    if (!canonical(s, n, value))
        return WM_CLSS_NOT_INT;
    if (*value < lo || *value > hi)
        return WM_CLSS_OUTSIDE;
    for (size_t i = 0; i < nprev; i++)
        if (prev[i] == *value)
            return WM_CLSS_REPEATED;
    return WM_CLSS_GUESS;
}

/* The error a client must end with for class c (NULL for LINE, checked by
 * class and quote): the exact text, or its start when *prefix. */
static void want_text(enum wm_clss c, const unsigned char *s, size_t n, int64_t value, int64_t lo,
                      int64_t hi, size_t game, size_t guess, char *out, size_t size, int *prefix)
{
    char q[512];
    *prefix = 0;
    switch (c) {
    case WM_CLSS_NOT_INT:
        wm_cls_quote(s, n, q, sizeof q);
        snprintf(out, size, "server sent a non-integer guess \"%s\" (game %zu)", q, game);
        break;
    case WM_CLSS_OUTSIDE:
        snprintf(out, size, "server guessed %lld, outside [%lld, %lld] (game %zu)", (long long)value,
                 (long long)lo, (long long)hi, game);
        break;
    case WM_CLSS_REPEATED:
        snprintf(out, size, "server repeated the guess %lld (game %zu, guess %zu)", (long long)value,
                 game, guess);
        break;
    default:
        out[0] = '\0';
    }
}

static int check_conn(const char *text, size_t len, unsigned conn, size_t max_line,
                      struct wm_violation *v)
{
    int64_t *prev = malloc(MAX_PREV * sizeof *prev), lo = 0, hi = -1, value = 0;
    size_t nprev = 0, params = 0, lineno = 0, bad_no = 0, bad_prev = 0, game = 0;
    int64_t bad_lo = 0, bad_hi = -1;
    const char *bad = NULL, *after[2] = {NULL, NULL};
    size_t bad_n = 0, after_n[2] = {0, 0}, after_no[2] = {0, 0}, nafter = 0;
    if (!prev)
        return inv_fail(v, "format", conn, 0, "out of memory");
    int pend = 0; /* bad is a guess of the game in play, not yet in prev */
    size_t bad_game = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w;
        lineno++;
        if ((w = inv_record_of(p, n, 'C', conn))) {
            if (bad && nafter < 2)
                after[nafter] = p + w, after_n[nafter] = n - w, after_no[nafter++] = lineno;
            long long a, b;
            if (n > w + 9 && memcmp(p + w, ": PARAMS ", 9) == 0 &&
                sscanf(p + w + 9, "%lld %lld", &a, &b) == 2 && params++ % 2 == 0)
                lo = a, hi = b, nprev = 0, game++, pend = 0;
        } else if ((w = inv_record_of(p, n, 'S', conn)) && p[w] == ':') {
            if (pend && nprev < MAX_PREV && canonical((const unsigned char *)bad, bad_n, &value))
                prev[nprev++] = value; /* the line before was a guess: the last is judged */
            bad = p + w + 1 + (n > w + 1 && p[w + 1] == ' ');
            bad_n = n - (size_t)(bad - p), bad_no = lineno, bad_lo = lo, bad_hi = hi;
            bad_prev = nprev, nafter = 0, pend = 1, bad_game = game;
        }
        p = nl ? nl + 1 : end;
    }
    int rc = 0;
    unsigned char *line = bad ? malloc(bad_n + 1) : NULL;
    long ln = line ? wm_cls_unescape(bad, bad_n, line) : -1;
    if (!bad || ln < 0) {
        free(prev), free(line);
        return bad ? inv_fail(v, "format", conn, bad_no, "line %zu is not escaped as a transcript's", bad_no)
                   : 0; /* no guess: nothing to judge */
    }
    enum wm_clss c = wm_clss_line(line, (size_t)ln, max_line, bad_lo, bad_hi, prev, bad_prev, &value);
    char want[700], got[600];
    int prefix;
    want_text(c, line, (size_t)ln, value, bad_lo, bad_hi, bad_game, bad_prev + 1, want, sizeof want, &prefix);
    int err_at = after[0] && after_n[0] > 8 && memcmp(after[0], "! error ", 8) == 0 ? 0
                 : after[1] && after_n[1] > 8 && memcmp(after[1], "! error ", 8) == 0 ? 1 : -1;
    snprintf(got, sizeof got, "%.*s", err_at < 0 ? 0 : (int)(after_n[err_at] - 8),
             err_at < 0 ? "" : after[err_at] + 8);
    int doc_err = strncmp(got, "server sent a non-integer guess ", 32) == 0 ||
                  strncmp(got, "server guessed ", 15) == 0 ||
                  strncmp(got, "server repeated the guess ", 26) == 0 ||
                  (wm_cls_of_error(got) == WM_CLS_TOO_LONG || wm_cls_of_error(got) == WM_CLS_BYTE);
    if (c == WM_CLSS_GUESS) {
        if (err_at >= 0 && doc_err)
            rc = inv_fail(v, "malformed", conn, after_no[err_at],
                      "the server's line %zu is a valid guess in [%lld, %lld], but the client "
                      "rejected it: %s", bad_no, (long long)bad_lo, (long long)bad_hi, got);
    } else if (err_at != 1 || after_n[0] != 13 || memcmp(after[0], ": PARAMS 0 -1", 13) != 0) {
        rc = inv_fail(v, "malformed", conn, after_no[0] ? after_no[0] : bad_no,
                  "the server's line %zu is %s (docs/PROTOCOL.md), so the client must send "
                  "PARAMS 0 -1 and end with its error; it %s%s", bad_no, wm_clss_name(c),
                  err_at >= 0 ? "ended with: " : "did not", err_at >= 0 ? got : "");
    } else if (c == WM_CLSS_LINE) {
        struct wm_cls_result r;
        wm_cls_line(line, (size_t)ln, max_line, &r);
        enum wm_cls g = wm_cls_of_error(got);
        if (g != r.cls && (r.alt == WM_CLS_COUNT || g != r.alt))
            rc = inv_fail(v, "malformed", conn, after_no[1], "the server's line %zu is a %s error, but "
                      "the client's is: %s", bad_no, wm_cls_name(r.cls), got);
        else if (g == WM_CLS_TOO_LONG) {
            char q[600];
            wm_cls_quote(line, max_line, q, sizeof q);
            if (!strstr(got, q))
                rc = inv_fail(v, "malformed", conn, after_no[1], "the client's error should quote "
                          "\"%s\": %s", q, got);
        }
    } else if (prefix ? strncmp(got, want, strlen(want)) != 0 : strcmp(got, want) != 0) {
        rc = inv_fail(v, "malformed", conn, after_no[1],
                  "the server's line %zu is %s, so the client's error must be \"%s\"; it "
                  "is \"%s\"", bad_no, wm_clss_name(c), want, got);
    }
    free(prev), free(line);
    return rc;
}

int wm_inv_malsrv_check(const char *text, size_t len, unsigned conn, struct wm_violation *v)
{
    size_t max_line = 1024;
    unsigned conns = 1;
    for (const char *p = text, *end = text + len; p < end && *p == '#';) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if ((size_t)((nl ? nl : end) - p) > 12 && strncmp(p, "# max-line: ", 12) == 0)
            max_line = strtoul(p + 12, NULL, 10);
        if ((size_t)((nl ? nl : end) - p) > 15 && strncmp(p, "# connections: ", 15) == 0)
            conns = (unsigned)strtoul(p + 15, NULL, 10);
        p = nl ? nl + 1 : end;
    }
    for (unsigned c = conn ? conn : 1; c <= (conn ? conn : conns); c++) {
        int rc = check_conn(text, len, c, max_line, v);
        if (rc != 0)
            return rc;
    }
    return 0;
}
