/* A malformed run's check (inv_mal.h): reads the transcript's text alone,
 * like invariants.c, and judges by classify.c, not by proto/. */
#include "inv_mal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "inv_read.h"

#define LINE_MAX_BYTES (16u << 20) /* a record's text: max-line + 64 at most */

/* 1 if msg quotes exactly want ("WANT"). */
static int quotes(const char *msg, const char *want)
{
    size_t wl = strlen(want);
    for (const char *p = strchr(msg, '"'); p; p = strchr(p + 1, '"'))
        if (strncmp(p + 1, want, wl) == 0 && p[1 + wl] == '"')
            return 1;
    return 0;
}

/* What an error of class c must quote, escaped: 0 when it holds, else the
 * escape it lacks in miss. */
static int quote_ok(const char *why, const unsigned char *line, size_t n, size_t max_line,
                    enum wm_cls c, const struct wm_cls_result *r, char *miss, size_t size)
{
    size_t upto = n;
    if (c == WM_CLS_TOO_LONG)
        upto = max_line;
    if (c == WM_CLS_BYTE) {
        const char *b = strstr(why, "(byte ");
        size_t k = b ? strtoul(b + 6, NULL, 10) : 0;
        if (k < r->first_bad || k > r->last_bad) {
            snprintf(miss, size, "byte %zu to %zu", r->first_bad, r->last_bad);
            return 1;
        }
        char named[8];
        snprintf(named, sizeof named, "\\x%02x", k <= n ? line[k - 1] : '\n');
        if (!strstr(why, named)) {
            snprintf(miss, size, "%s", named);
            return 1;
        }
        upto = k - 1;
    }
    wm_cls_quote(line, upto, miss, size);
    if (c != WM_CLS_DECISION && !quotes(why, miss)) /* a decision's error quotes the word only */
        return 1;
    if (c == WM_CLS_NOT_INT || c == WM_CLS_BEYOND || c == WM_CLS_DECISION || c == WM_CLS_UNKNOWN) {
        wm_cls_quote(line + r->word_at, r->word_len, miss, size);
        return !quotes(why, miss);
    }
    return 0;
}

int wm_inv_mal_check(const char *text, size_t len, unsigned conn, struct wm_violation *v)
{
    const char *end = text + len, *mal = NULL, *react = NULL;
    size_t mal_n = 0, react_n = 0, mal_no = 0, react_no = 0, lineno = 0, max_line = 1024;
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), w;
        lineno++;
        if (n > 12 && strncmp(p, "# max-line: ", 12) == 0)
            max_line = strtoul(p + 12, NULL, 10);
        if ((w = inv_record_of(p, n, 'C', conn)) && p[w] == ':') {
            mal = p + w + 1, mal_n = n - w - 1, mal_no = lineno; /* the last one wins */
            react = NULL;
        } else if ((w = inv_record_of(p, n, 'S', conn)) && mal && !react) {
            react = p + w, react_n = n - w, react_no = lineno;
        }
        p = nl ? nl + 1 : end;
    }
    if (!mal)
        return inv_fail(v, "format", conn, 0, "connection %u has no client line to judge", conn);
    if (mal_n > 0 && mal[0] == ' ')
        mal++, mal_n--;
    if (mal_n > LINE_MAX_BYTES)
        return inv_fail(v, "format", conn, mal_no, "a client line longer than %u bytes", LINE_MAX_BYTES);
    unsigned char *line = malloc(mal_n + 1);
    char *why = malloc(react_n + 1), *esc = malloc(4 * mal_n + 64);
    int rc = 0;
    if (!line || !why || !esc) {
        rc = inv_fail(v, "format", conn, mal_no, "out of memory");
        goto out;
    }
    long n = wm_cls_unescape(mal, mal_n, line);
    if (n < 0) {
        rc = inv_fail(v, "format", conn, mal_no, "the client line is not escaped as a transcript's");
        goto out;
    }
    struct wm_cls_result r;
    wm_cls_line(line, (size_t)n, max_line, &r);
    const char *name = wm_cls_name(r.cls);
    memcpy(why, react ? react : "", react_n);
    why[react_n] = '\0';
    int is_err = react && strncmp(why, "! error ", 8) == 0, is_line = react && why[0] == ':';
    enum wm_cls got = is_err ? wm_cls_of_error(why + 8) : WM_CLS_COUNT;
    char miss[256];
    if (r.cls == WM_CLS_EMPTY) {
        if (is_err || is_line)
            rc = inv_fail(v, "malformed", conn, react_no,
                      "an empty line (line %zu) ends the session quietly, but the server sent "
                      "\"%s\"", mal_no, why);
    } else if (wm_cls_valid(r.cls)) {
        if (is_err && got != WM_CLS_COUNT)
            rc = inv_fail(v, "malformed", conn, react_no,
                      "line %zu is a valid %s, but the server rejected it as %s: %s", mal_no,
                      name, wm_cls_name(got), why + 8);
    } else if (!is_err) {
        rc = inv_fail(v, "malformed", conn, react ? react_no : mal_no,
                  "line %zu is a %s error (docs/PROTOCOL.md), but the server %s%s", mal_no, name,
                  react ? "sent: " : "did not end with an error", react ? why : "");
    } else if (got != r.cls && (r.alt == WM_CLS_COUNT || got != r.alt)) {
        rc = inv_fail(v, "malformed", conn, react_no,
                  "line %zu is a %s error (docs/PROTOCOL.md), but the server's is %s: %s", mal_no,
                  name, wm_cls_name(got), why + 8);
    } else if (got == WM_CLS_ARITY && !wm_cls_arity_count_ok(why + 8, &r)) {
        rc = inv_fail(v, "malformed", conn, react_no,
                  "line %zu gives its command %zu argument(s) (docs/ERRORS.md), but the "
                  "server's arity error counts otherwise: %s",
                  mal_no, r.args, why + 8);
    } else if (quote_ok(why + 8, line, (size_t)n, max_line, got, &r, esc, 4 * mal_n + 64)) {
        snprintf(miss, sizeof miss, "%s", esc);
        rc = inv_fail(v, "malformed", conn, react_no,
                  "line %zu's %s error should quote \"%s\" as the transcript escapes it: %s",
                  mal_no, name, miss, why + 8);
    }
out:
    free(line);
    free(why);
    free(esc);
    return rc;
}
