#include "report.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void wm_case_result_free(struct wm_case_result *r)
{
    free(r->text);
    free(r->message);
    free(r->reproduce);
    free(r->expected);
    free(r->actual);
    r->text = r->message = r->reproduce = r->expected = r->actual = NULL;
    r->diff_len = 0;
}

void wm_case_diff_begin(struct wm_case_result *r, FILE *out)
{
    long at = ftell(out);
    r->diff_off = at < 0 ? 0 : (size_t)at;
    r->diff_len = 0;
}

void wm_case_diff_end(struct wm_case_result *r, FILE *out)
{
    long at = ftell(out);
    r->diff_len = at < 0 || (size_t)at < r->diff_off ? 0 : (size_t)at - r->diff_off;
}

static char *dup_line(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void wm_case_first_lines(struct wm_case_result *r, const char *want, size_t want_len,
                         const char *got, size_t got_len)
{
    free(r->expected);
    free(r->actual);
    r->expected = dup_line(want, want_len);
    r->actual = dup_line(got, got_len);
}

const char *wm_case_status_name(enum wm_case_status s)
{
    static const char *const names[] = {"passed", "updated", "failed", "malformed",
                                         "skipped"};
    _Static_assert(sizeof names / sizeof names[0] == WM_CASE_NSTATUS, "a name per status");
    assert((unsigned)s < WM_CASE_NSTATUS);
    return names[s];
}

/* XML text: the five specials escaped, control bytes (not allowed in XML 1.0)
 * shown as \xNN; transcripts are ASCII, so nothing else occurs. */
static void xml(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc(c, f);
        }
    }
}

static void xml_str(FILE *f, const char *s)
{
    xml(f, s ? s : "", s ? strlen(s) : 0);
}

void wm_report_junit_count(struct wm_junit_totals *t, const struct wm_case_result *r)
{
    t->tests++;
    t->failures += r->status == WM_CASE_FAILED;
    t->errors += r->status == WM_CASE_MALFORMED;
    t->skipped += r->status == WM_CASE_SKIPPED;
    t->seconds += r->seconds;
}

/* The stamp's pattern, and a year of four digits, fit its field. */
_Static_assert(sizeof ((struct wm_junit_stamp *)0)->timestamp >= sizeof "2026-12-07T09:52:07",
               "a JUnit timestamp fits wm_junit_stamp.timestamp");

void wm_report_junit_stamp(struct wm_junit_stamp *s, time_t start)
{
    struct tm tm;
    if (!gmtime_r(&start, &tm) ||
        strftime(s->timestamp, sizeof s->timestamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(s->timestamp, sizeof s->timestamp, "1970-01-01T00:00:00");
    /* gethostname need not end a name it cuts short; the schema wants one */
    if (gethostname(s->hostname, sizeof s->hostname - 1) < 0 || !s->hostname[0])
        snprintf(s->hostname, sizeof s->hostname, "localhost");
    s->hostname[sizeof s->hostname - 1] = '\0';
    assert(s->timestamp[0] && s->hostname[0]);
}

void wm_report_junit_head(FILE *f, const char *suite, const struct wm_junit_stamp *stamp,
                          const struct wm_junit_totals *t)
{
    /* every case is counted once, under one verdict at most */
    assert(t->failures + t->errors + t->skipped <= t->tests);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
    fputs("  <testsuite name=\"", f);
    xml_str(f, suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", t->tests,
            t->failures, t->errors, t->skipped);
    fprintf(f, " time=\"%.3f\" timestamp=\"", t->seconds);
    xml_str(f, stamp->timestamp);
    fputs("\" hostname=\"", f);
    xml_str(f, stamp->hostname);
    fputs("\">\n", f);
}

void wm_report_junit_case(FILE *f, const char *suite, const char *name,
                          const struct wm_case_result *r)
{
    assert(name && (unsigned)r->status < WM_CASE_NSTATUS);
    fputs("    <testcase classname=\"", f);
    xml_str(f, suite);
    fputs("\" name=\"", f);
    xml_str(f, name);
    fprintf(f, "\" time=\"%.3f\"", r->seconds);
    if (r->status == WM_CASE_OK || r->status == WM_CASE_UPDATED) {
        fputs("/>\n", f);
        return;
    }
    if (r->status == WM_CASE_SKIPPED) {
        fputs(">\n      <skipped message=\"", f);
        xml_str(f, r->message);
        fputs("\"/>\n    </testcase>\n", f);
        return;
    }
    const char *tag = r->status == WM_CASE_FAILED ? "failure" : "error";
    fprintf(f, ">\n      <%s message=\"", tag);
    xml_str(f, r->message);
    fputs("\">", f);
    xml(f, r->text ? r->text : "", r->text ? r->len : 0);
    if (r->status == WM_CASE_MALFORMED && r->reproduce) { /* a failure's text has its own */
        fputs("reproduce: ", f);
        xml_str(f, r->reproduce);
        fputc('\n', f);
    }
    fprintf(f, "</%s>\n    </testcase>\n", tag);
}

void wm_report_junit_tail(FILE *f)
{
    fputs("  </testsuite>\n</testsuites>\n", f);
}

void wm_report_junit(FILE *f, const char *suite, const struct wm_junit_stamp *stamp,
                     char *const *paths, const struct wm_case_result *r, size_t n)
{
    struct wm_junit_totals t = {0};
    for (size_t i = 0; i < n; i++)
        wm_report_junit_count(&t, &r[i]);
    wm_report_junit_head(f, suite, stamp, &t);
    for (size_t i = 0; i < n; i++)
        wm_report_junit_case(f, suite, paths[i], &r[i]);
    wm_report_junit_tail(f);
}

void wm_report_tap_begin(FILE *f, size_t n)
{
    fprintf(f, "TAP version 13\n1..%zu\n", n);
}

/* A YAML scalar in double quotes: what JSON escapes, YAML reads too. */
static void quoted_n(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void quoted(FILE *f, const char *s)
{
    quoted_n(f, s, s ? strlen(s) : 0);
}

/* A TAP description: '#' would start a directive, so it is escaped. */
static void tap_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '#' || *s == '\\')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
}

void wm_report_tap_case(FILE *f, size_t number, const char *path, const struct wm_case_result *r)
{
    assert(number >= 1 && path && (unsigned)r->status < WM_CASE_NSTATUS); /* TAP counts from 1 */
    int ok = r->status == WM_CASE_OK || r->status == WM_CASE_UPDATED;
    if (r->status == WM_CASE_SKIPPED) { /* the directive's text ends at the line's end */
        fprintf(f, "ok %zu - ", number);
        tap_text(f, path);
        fputs(" # SKIP ", f);
        tap_text(f, r->message ? r->message : "");
        fputc('\n', f);
        return;
    }
    fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", number);
    tap_text(f, path);
    fputc('\n', f);
    if (ok)
        return;
    fputs("  ---\n  message: ", f);
    quoted(f, r->message);
    fprintf(f, "\n  severity: %s\n", r->status == WM_CASE_FAILED ? "fail" : "malformed");
    if (r->first_line)
        fprintf(f, "  first_difference: %zu\n", r->first_line);
    if (r->reproduce) {
        fputs("  reproduce: ", f);
        quoted(f, r->reproduce);
        fputc('\n', f);
    }
    fputs("  report: ", f);
    quoted(f, r->text);
    fputs("\n  ...\n", f);
}

void wm_report_json_string(FILE *f, const char *s)
{
    if (s)
        quoted(f, s);
    else
        fputs("null", f);
}

void wm_report_json_fields(FILE *f, const struct wm_case_result *r)
{
    fprintf(f, "\"status\": \"%s\", \"seconds\": %.3f", wm_case_status_name(r->status),
            r->seconds);
    if (r->first_line)
        fprintf(f, ", \"first_difference\": %zu", r->first_line);
    else
        fputs(", \"first_difference\": null", f);
    fputs(", \"message\": ", f);
    wm_report_json_string(f, r->message);
    fputs(", \"reproduce\": ", f);
    wm_report_json_string(f, r->reproduce);
    fputs(", \"diff\": ", f);
    if (r->diff_len && r->text && r->diff_off + r->diff_len <= r->len)
        quoted_n(f, r->text + r->diff_off, r->diff_len);
    else
        fputs("null", f);
    fputs(", \"expected\": ", f);
    wm_report_json_string(f, r->expected);
    fputs(", \"actual\": ", f);
    wm_report_json_string(f, r->actual);
}

void wm_report_json(FILE *f, char *const *paths, const struct wm_case_result *r, size_t n)
{
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        assert(paths[i]);
        fputs("  {\"file\": ", f);
        quoted(f, paths[i]);
        fputs(", ", f);
        wm_report_json_fields(f, &r[i]);
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
}

FILE *wm_report_open(const char *path, int stdout_fd)
{
    if (strcmp(path, "-") != 0)
        return fopen(path, "wb");
    assert(stdout_fd >= 0); /* wm_suite_stdout_report kept it */
    return fdopen(stdout_fd, "wb");
}

const char *wm_report_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "standard output" : path;
}

void wm_shell_word(const char *s, char *buf, size_t size)
{
    size_t safe = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+-,%@");
    if (*s && s[safe] == '\0') {
        snprintf(buf, size, "%s", s);
        return;
    }
    size_t n = 0;
    if (size < 3) {
        if (size)
            buf[0] = '\0';
        return;
    }
    buf[n++] = '\'';
    for (; *s && n + 6 < size; s++) {
        if (*s == '\'') { /* close, escaped quote, reopen */
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    buf[n++] = '\'';
    assert(n < size); /* the loop kept room for an escape, the quote and the NUL */
    buf[n] = '\0';
}
