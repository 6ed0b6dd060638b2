/* A case's timeline, from its transcript file read as lines: a lenient
 * scan, not the parser, since the page must draw what a malformed or
 * hostile file holds too. Two passes, nothing held but the window: the
 * first counts the records and finds where the window goes, the second
 * keeps the window's records (at most 2 * WM_HTML_CONTEXT + 1). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html.h"

/* A line read, cut to what is shown; the rest of a long line is counted. */
#define TL_LINE (WM_HTML_TEXT_MAX + 48)
/* A record's text, cut from such a line, holds the WM_HTML_TEXT_MAX bytes
 * shown and the NUL; fgets takes the size as an int. */
_Static_assert(TL_LINE > WM_HTML_TEXT_MAX && TL_LINE <= 65536, "a kept line holds what is shown");

struct tl_rec {
    size_t lineno, more; /* more: bytes of the line not kept */
    unsigned conn;       /* from 1 */
    char side, kind;     /* 'C'/'S'; ':' a line, or 'p'artial, 'c'lose, 'e'rror, '!' other */
    char text[TL_LINE];
};

struct tl_scan {
    size_t records, lines, focus; /* focus: the record index the window is around */
    size_t diff_at;               /* record index whose line is the first difference, or SIZE_MAX */
    size_t first_error;           /* record index of the first error, or SIZE_MAX */
    char seed[32];
    char faults[WM_HTML_FAULTS_MAX][96];
    size_t nfaults, more_faults;
    unsigned fault_conn[WM_HTML_FAULTS_MAX];
};

/* One line into buf (cut, no '\n'); the bytes past the cut in *more.
 * 0 at the end of the file. */
static int read_line(FILE *f, char *buf, size_t size, size_t *more)
{
    *more = 0;
    if (!fgets(buf, (int)size, f))
        return 0;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n') {
        buf[n - 1] = '\0';
        return 1;
    }
    int ch;
    while ((ch = getc(f)) != EOF && ch != '\n')
        ++*more;
    return 1;
}

/* src cut to size - 1 bytes (a header value is shown, not judged). */
static void copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* "C: x", "S12! close": 1 with r filled, else 0 (a header, comment or junk). */
static int parse_record(const char *line, struct tl_rec *r)
{
    if (line[0] != 'C' && line[0] != 'S')
        return 0;
    const char *p = line + 1;
    unsigned long conn = 1;
    if (*p >= '1' && *p <= '9') {
        char *end;
        conn = strtoul(p, &end, 10);
        if (conn > 1000000)
            return 0;
        p = end;
    }
    if (*p != ':' && *p != '!')
        return 0;
    r->side = line[0];
    r->conn = (unsigned)conn;
    r->kind = *p == ':' ? ':' : '!';
    p += p[1] == ' ' ? 2 : 1;
    if (r->kind == '!') {
        static const char *const words[] = {"partial", "close", "error"};
        for (int k = 0; k < 3; k++) {
            size_t w = strlen(words[k]);
            if (!strncmp(p, words[k], w) && (p[w] == ' ' || p[w] == '\0')) {
                r->kind = words[k][0];
                p += w + (p[w] == ' ');
                break;
            }
        }
    }
    copy_cut(r->text, sizeof r->text, p);
    return 1;
}

/* The connection a fault names ("reset C1 at 5", "delay 3 by 200"), or 0. */
static unsigned fault_conn(const char *s)
{
    const char *p = strpbrk(s, " ");
    while (p && *p == ' ') {
        p++;
        if ((*p == 'C' || *p == 'S') && p[1] >= '1' && p[1] <= '9')
            return (unsigned)strtoul(p + 1, NULL, 10);
        if (!strncmp(s, "delay ", 6) && *p >= '1' && *p <= '9')
            return (unsigned)strtoul(p, NULL, 10);
        p = strchr(p, ' ');
    }
    return 0;
}

static void scan(FILE *f, const struct wm_html_case *c, struct tl_scan *s)
{
    char line[TL_LINE];
    size_t more;
    struct tl_rec r;
    *s = (struct tl_scan){.diff_at = SIZE_MAX, .first_error = SIZE_MAX, .focus = SIZE_MAX};
    while (read_line(f, line, sizeof line, &more)) {
        s->lines++;
        if (parse_record(line, &r)) {
            if (c->first_line && s->focus == SIZE_MAX && s->lines >= c->first_line) {
                s->focus = s->records;
                if (s->lines == c->first_line)
                    s->diff_at = s->records;
            }
            if (r.kind == 'e' && s->first_error == SIZE_MAX)
                s->first_error = s->records;
            s->records++;
        } else if (!s->records && !strncmp(line, "# fault: ", 9)) {
            assert(s->nfaults <= WM_HTML_FAULTS_MAX);
            if (s->nfaults < WM_HTML_FAULTS_MAX) {
                copy_cut(s->faults[s->nfaults], sizeof s->faults[0], line + 9);
                s->fault_conn[s->nfaults] = fault_conn(line + 9);
                s->nfaults++;
            } else {
                s->more_faults++;
            }
        } else if (!s->records && !strncmp(line, "# seed: ", 8)) {
            copy_cut(s->seed, sizeof s->seed, line + 8);
        }
    }
    if (c->first_line && s->focus == SIZE_MAX) /* the file ended first */
        s->focus = s->records;
    if (!c->first_line)
        s->focus = s->first_error != SIZE_MAX ? s->first_error : 0;
}

static void code(FILE *f, const char *s, size_t more)
{
    fputs("<code>", f);
    wm_html_str(f, s);
    fputs("</code>", f);
    if (more)
        fprintf(f, " <span class=\"cut\">&#x22EF; %zu more bytes</span>", more);
}

static void diff_pair(FILE *f, const struct wm_html_case *c)
{
    fputs("<mark class=\"diffmark\">&#x26A0; first difference</mark>"
          "<div class=\"exp\">expected: ", f);
    if (c->expected)
        code(f, c->expected, 0);
    else
        fputs("<em>(the file ended)</em>", f);
    fputs("</div><div class=\"act\">actual: ", f);
    if (c->actual)
        code(f, c->actual, 0);
    else
        fputs("<em>(the run ended)</em>", f);
    fputs("</div>", f);
}

static void event(FILE *f, const struct tl_rec *r)
{
    static const struct {
        char kind;
        const char *cls, *mark;
    } kinds[] = {{'p', "partial", "&#x25D0; partial"}, {'c', "close", "&#x25A0; close"},
                 {'e', "error", "&#x2716; error"}, {'!', "other", "! "}};
    const char *arrow = r->side == 'C' ? "&#x25B6;" : "&#x25C0;"; /* client right, server left */
    const char *cls = "line", *mark = NULL;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (kinds[k].kind == r->kind) {
            cls = kinds[k].cls;
            mark = kinds[k].mark;
        }
    fprintf(f, "<td class=\"ev %s %s\"><span class=\"who\">%s %c%u</span> ", cls,
            r->side == 'C' ? "client" : "server", arrow, r->side, r->conn);
    if (mark)
        fprintf(f, "<b>%s</b> ", mark);
    if (r->text[0] || r->more)
        code(f, r->text, r->more);
}

static size_t lane_of(const unsigned *lanes, size_t nlanes, unsigned conn)
{
    for (size_t k = 0; k < nlanes; k++)
        if (lanes[k] == conn)
            return k;
    return nlanes; /* the "other" lane */
}

static void elided(FILE *f, size_t n, size_t cols, const char *where)
{
    if (n)
        fprintf(f, "<tr class=\"elided\"><td colspan=\"%zu\">&#x22EF; %zu record%s %s left out "
                   "(a timeline shows %d each side of the first difference)</td></tr>\n",
                cols, n, n == 1 ? "" : "s", where, WM_HTML_CONTEXT);
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x > y) - (x < y);
}

static void draw(FILE *f, const struct wm_html_case *c, const char *id, const struct tl_scan *s,
                 const struct tl_rec *recs, size_t lo, size_t n)
{
    unsigned lanes[WM_HTML_LANES_MAX];
    size_t nlanes = 0, other = 0;
    /* the window lies in the file's records: nothing after it underflows */
    assert(n <= 2 * WM_HTML_CONTEXT + 1 && lo + n <= s->records);
    for (size_t k = 0; k < n; k++)
        if (lane_of(lanes, nlanes, recs[k].conn) == nlanes) {
            if (nlanes < WM_HTML_LANES_MAX)
                lanes[nlanes++] = recs[k].conn;
            else
                other = 1;
        }
    qsort(lanes, nlanes, sizeof lanes[0], cmp_uint);
    size_t cols = 1 + nlanes + other;
    if (s->nfaults) {
        fputs("<ul class=\"faults\">", f);
        for (size_t k = 0; k < s->nfaults; k++) {
            fputs("<li><span class=\"ev fault\">&#x26A1; fault</span> ", f);
            code(f, s->faults[k], 0);
            fputs("</li>", f);
        }
        if (s->more_faults)
            fprintf(f, "<li class=\"cut\">%zu more faults</li>", s->more_faults);
        fputs("</ul>\n", f);
    }
    fprintf(f, "<table class=\"tl\" id=\"%s-timeline\">\n<thead><tr><th>line</th>", id);
    for (size_t k = 0; k < nlanes; k++) {
        int hit = 0;
        for (size_t j = 0; j < s->nfaults; j++)
            hit |= s->fault_conn[j] == lanes[k];
        fprintf(f, "<th>conn %u%s</th>", lanes[k], hit ? " <span class=\"ev fault\">&#x26A1; "
                                                         "fault</span>" : "");
    }
    fputs(other ? "<th>other conns</th></tr></thead>\n<tbody>\n" : "</tr></thead>\n<tbody>\n", f);
    elided(f, lo, cols, "before");
    int diff_row = c->first_line && s->diff_at == SIZE_MAX; /* a row of its own */
    for (size_t k = 0; k <= n; k++) {
        if (diff_row && lo + k == s->focus) {
            fprintf(f, "<tr class=\"firstdiff\" id=\"%s-diff\"><td class=\"ln\">%zu</td>"
                       "<td colspan=\"%zu\">", id, c->first_line, cols - 1);
            diff_pair(f, c);
            fputs("</td></tr>\n", f);
        }
        if (k == n)
            break;
        const struct tl_rec *r = &recs[k];
        int hit = lo + k == s->diff_at;
        fprintf(f, "<tr class=\"rec%s\" id=\"%s-%s%zu\"><td class=\"ln\">%zu</td>",
                hit ? " firstdiff" : "", id, hit ? "diff-" : "line-", r->lineno, r->lineno);
        size_t lane = lane_of(lanes, nlanes, r->conn);
        for (size_t j = 0; j < nlanes + other; j++) {
            if (j != lane) {
                fputs("<td></td>", f);
                continue;
            }
            event(f, r);
            if (hit)
                diff_pair(f, c);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    if (!s->records)
        fprintf(f, "<tr class=\"elided\"><td colspan=\"%zu\">no records</td></tr>\n", cols);
    elided(f, s->records - lo - n, cols, "after");
    fputs("</tbody></table>\n", f);
}

void wm_html_timeline(FILE *f, const struct wm_html_case *c, const char *id)
{
    if (!c->file) {
        fputs("<p class=\"cut\">No timeline: no transcript file for this case.</p>\n", f);
        return;
    }
    /* Regular files only: a FIFO or stdin was read once, by the run, and
     * opening a FIFO again would wait for a writer that never comes. */
    struct stat st;
    int fd = strcmp(c->file, "-") == 0 ? -1 : open(c->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    const char *why = fd < 0 ? (strcmp(c->file, "-") == 0 ? "standard input was read once"
                                                          : strerror(errno))
                      : fstat(fd, &st) < 0 ? strerror(errno)
                      : !S_ISREG(st.st_mode) ? "not a regular file: it was read once"
                                             : NULL;
    FILE *in = why ? NULL : fdopen(fd, "rb");
    if (!in) {
        if (fd >= 0)
            close(fd);
        fputs("<p class=\"cut\">No timeline: <code>", f);
        wm_html_str(f, c->file);
        fprintf(f, "</code> cannot be read (%s); the diff below is the report's.</p>\n",
                why ? why : strerror(errno));
        return;
    }
    struct tl_scan *s = malloc(sizeof *s);
    struct tl_rec *recs = malloc((2 * WM_HTML_CONTEXT + 1) * sizeof *recs);
    if (!s || !recs) {
        fputs("<p class=\"cut\">No timeline: out of memory.</p>\n", f);
        goto done;
    }
    scan(in, c, s);
    size_t lo = s->focus > WM_HTML_CONTEXT ? s->focus - WM_HTML_CONTEXT : 0;
    size_t hi = lo + 2 * WM_HTML_CONTEXT + 1;
    if (hi > s->records)
        hi = s->records;
    assert(lo <= hi || s->records == 0);
    if (lo > hi)
        lo = hi;
    char line[TL_LINE];
    size_t more, k = 0, lineno = 0, n = 0;
    rewind(in);
    while (k < hi && read_line(in, line, sizeof line, &more)) {
        lineno++;
        assert(n < 2 * WM_HTML_CONTEXT + 1 && n <= hi - lo); /* the window's records only */
        struct tl_rec *r = &recs[n];
        if (!parse_record(line, r))
            continue;
        if (k++ < lo)
            continue;
        size_t len = strlen(r->text);
        r->lineno = lineno;
        r->more = more + (len > WM_HTML_TEXT_MAX ? len - WM_HTML_TEXT_MAX : 0);
        r->text[len > WM_HTML_TEXT_MAX ? WM_HTML_TEXT_MAX : len] = '\0';
        n++;
    }
    fputs("<p class=\"tlhead\">Timeline of <code>", f);
    wm_html_str(f, c->file);
    fputs("</code>", f);
    if (s->seed[0]) {
        fputs(" (seed ", f);
        wm_html_str(f, s->seed);
        fputs(")", f);
    }
    fprintf(f, ": %zu records in canonical order, a lane per connection", s->records);
    if (n < s->records)
        fprintf(f, "; records %zu to %zu shown", lo + 1, lo + n);
    fputs(". &#x25B6; client, &#x25C0; server, &#x25A0; close, &#x2716; error, &#x25D0; partial, "
          "&#x26A1; fault.</p>\n", f);
    draw(f, c, id, s, recs, lo, n);
done:
    free(s);
    free(recs);
    fclose(in);
}
