#include "msg.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char *const decision_names[] = {"Warmer", "Colder", "Unsure", "Correct"};

const char *wm_decision_name(enum wm_decision d)
{
    return decision_names[d];
}

int wm_uint64_parse(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || (s[0] == '0' && len > 1))
        return -1;
    /* One pass; 19 digits always fit, so only a 20th can overflow. "Not a
     * number" outranks "too big": past an overflow the digits are still read. */
    uint64_t v = 0;
    int over = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return -1;
        if (i >= 19 && !over && v > (UINT64_MAX - d) / 10)
            over = 1;
        v = v * 10 + d; /* past an overflow, wraps unread */
    }
    if (over)
        return -2;
    *out = v;
    return 0;
}

int wm_int64_parse(const char *s, size_t len, int64_t *out)
{
    int neg = len > 0 && s[0] == '-';
    uint64_t mag;
    int rc = wm_uint64_parse(s + neg, len - (size_t)neg, &mag);
    if (rc < 0)
        return rc;
    if (neg && mag == 0)
        return -1; /* "-0" is not canonical */
    if (mag > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -2;
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

/* Splits on single spaces, keeping the first four fields; an empty field
 * (double, leading or trailing space) is an error. Returns the field count,
 * or -1. */
static int split(const char *line, size_t len, const char *f[4], size_t flen[4])
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ' ')
            continue;
        if (i == start)
            return -1;
        if (n < 4) {
            f[n] = line + start;
            flen[n] = i - start;
        }
        n++;
        start = i + 1;
    }
    return n;
}

static int is(const char *f, size_t flen, const char *word)
{
    return flen == strlen(word) && memcmp(f, word, flen) == 0;
}

static int parse_bound(const char *f, size_t flen, int64_t *v, const char *line, size_t len,
                       struct wm_err *err)
{
    struct wm_quoted qf, ql;
    int rc = wm_int64_parse(f, flen, v);
    if (rc == -1)
        wm_err_set(err, "bad PARAMS: %s is not an integer in %s", wm_quote(&qf, f, flen),
                   wm_quote(&ql, line, len));
    else if (rc == -2)
        wm_err_set(err, "bad PARAMS: %s is beyond signed 64 bits in %s",
                   wm_quote(&qf, f, flen), wm_quote(&ql, line, len));
    return rc;
}

int wm_msg_parse(const char *line, size_t len, struct wm_msg *out, struct wm_err *err)
{
    struct wm_quoted q, qw;
    const char *f[4];
    size_t flen[4];
    memset(out, 0, sizeof *out);
    if (len == 0) {
        out->type = WM_MSG_EMPTY;
        return 0;
    }
    int n = split(line, len, f, flen);
    if (n < 0) {
        wm_err_set(err, "malformed line (double, leading or trailing space): %s",
                   wm_quote(&q, line, len));
        return -1;
    }
    if (is(f[0], flen[0], "NUMBER")) {
        if (n != 1) {
            wm_err_set(err, "bad NUMBER: takes no arguments: %s", wm_quote(&q, line, len));
            return -1;
        }
        out->type = WM_MSG_NUMBER;
        return 0;
    }
    if (is(f[0], flen[0], "PARAMS")) {
        if (n != 3) {
            wm_err_set(err, "bad PARAMS: expected 2 arguments, got %d: %s", n - 1,
                       wm_quote(&q, line, len));
            return -1;
        }
        if (parse_bound(f[1], flen[1], &out->lo, line, len, err) < 0 ||
            parse_bound(f[2], flen[2], &out->hi, line, len, err) < 0)
            return -1;
        out->type = WM_MSG_PARAMS;
        return 0;
    }
    if (is(f[0], flen[0], "REPORT")) {
        if (n != 2) {
            wm_err_set(err, "bad REPORT: expected 1 argument, got %d: %s", n - 1,
                       wm_quote(&q, line, len));
            return -1;
        }
        for (int d = WM_WARMER; d <= WM_CORRECT; d++) {
            if (is(f[1], flen[1], decision_names[d])) {
                out->type = WM_MSG_REPORT;
                out->decision = (enum wm_decision)d;
                return 0;
            }
        }
        wm_err_set(err, "bad REPORT: unknown decision %s (want Warmer, Colder, Unsure or Correct)",
                   wm_quote(&qw, f[1], flen[1]));
        return -1;
    }
    wm_err_set(err, "unknown command %s in line %s", wm_quote(&qw, f[0], flen[0]),
               wm_quote(&q, line, len));
    return -1;
}

/* Decimal without stdio: every guess formats numbers, and printf's
 * machinery was a fifth of a long run's time. The digits are counted
 * first, then written in place from the end, two a division. */
size_t wm_fmt_int(char *buf, int64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                "31323334353637383940414243444546474849505152535455565758596061"
                                "6263646566676869707172737475767778798081828384858687888990919293"
                                "949596979899";
    size_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN too */
    if (v < 0)
        buf[k++] = '-';
    /* log10 from log2 (1233 / 4096 ~ log10 2), corrected by one compare. */
    static const uint64_t pow10[20] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL,
        1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
        1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
        10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL,
        10000000000000000000ULL};
    uint64_t odd = u | 1; /* 0 has one digit, like 1; the count of any other is unchanged */
    unsigned t = (unsigned)(64 - __builtin_clzll(odd)) * 1233 >> 12;
    k += t + 1 - (odd < pow10[t]);
    char *p = buf + k;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        *--p = pairs[2 * r + 1];
        *--p = pairs[2 * r];
    }
    if (u >= 10) {
        *--p = pairs[2 * u + 1];
        *--p = pairs[2 * u];
    } else {
        *--p = (char)('0' + u);
    }
    assert(p == buf + (v < 0) && k < WM_MSG_MAX);
    buf[k] = '\0';
    return k;
}

/* The buffers msg.h sizes hold the longest of what is formatted in them. */
_Static_assert(sizeof "PARAMS -9223372036854775808 -9223372036854775808" <= WM_MSG_MAX,
               "WM_MSG_MAX holds the longest PARAMS line and its NUL");
_Static_assert(sizeof "Client: -9223372036854775808 is Correct" <= WM_MSG_MAX + 32,
               "wm_fmt_judged's buffer holds the longest console line");

size_t wm_fmt_params(char *buf, int64_t lo, int64_t hi)
{
    memcpy(buf, "PARAMS ", 7);
    size_t n = 7 + wm_fmt_int(buf + 7, lo);
    buf[n++] = ' ';
    return n + wm_fmt_int(buf + n, hi);
}

size_t wm_fmt_judged(char *buf, const char *who, int64_t v, enum wm_decision d)
{
    size_t w = strlen(who), n;
    assert(w <= sizeof "Client: " - 1); /* the longest line above is within its buffer */
    memcpy(buf, who, w);
    n = w + wm_fmt_int(buf + w, v);
    memcpy(buf + n, " is ", 4);
    n += 4;
    size_t dl = strlen(decision_names[d]);
    memcpy(buf + n, decision_names[d], dl + 1);
    return n + dl;
}

size_t wm_fmt_number(char *buf)
{
    memcpy(buf, "NUMBER", 7);
    return 6;
}

size_t wm_fmt_report(char *buf, enum wm_decision d)
{
    size_t dl = strlen(decision_names[d]);
    memcpy(buf, "REPORT ", 7);
    memcpy(buf + 7, decision_names[d], dl + 1);
    return 7 + dl;
}
