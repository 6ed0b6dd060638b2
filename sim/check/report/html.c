#include "html.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Shapes and words beside every colour: a verdict reads the same in grey. */
static const char *const verdict_mark[] = {
    "&#x2714; ok", "&#x270E; updated", "&#x2716; FAIL", "&#x26A0; MALFORMED", "&#x25CB; skipped"};
_Static_assert(sizeof verdict_mark / sizeof verdict_mark[0] == WM_CASE_NSTATUS,
               "a verdict mark per status");

static int failing(enum wm_case_status s)
{
    return s == WM_CASE_FAILED || s == WM_CASE_MALFORMED;
}

void wm_html_text(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if ((c < 0x20 && c != '\n') || c >= 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc(c, f);
        }
    }
}

void wm_html_str(FILE *f, const char *s)
{
    if (s)
        wm_html_text(f, s, strlen(s));
}

char *wm_html_command(int argc, char *const *argv)
{
    size_t size = 1;
    for (int k = 0; k < argc; k++)
        size += 4 * strlen(argv[k]) + 4; /* each quote as '\'' at worst */
    char *line = malloc(size), *word = malloc(size);
    if (!line || !word) {
        free(line);
        free(word);
        return NULL;
    }
    size_t n = 0;
    line[0] = '\0';
    for (int k = 0; k < argc; k++) {
        wm_shell_word(argv[k], word, size);
        n += (size_t)snprintf(line + n, size - n, "%s%s", k ? " " : "", word);
        assert(n < size);
    }
    free(word);
    return line;
}

int wm_html_begin(struct wm_html *h, struct wm_err *err)
{
    *h = (struct wm_html){0};
    h->rows = open_memstream(&h->rows_buf, &h->rows_len);
    h->sections = h->rows ? open_memstream(&h->sections_buf, &h->sections_len) : NULL;
    if (!h->sections) {
        wm_err_set(err, "--html: %s", strerror(errno));
        wm_html_discard(h);
        return -1;
    }
    return 0;
}

void wm_html_discard(struct wm_html *h)
{
    if (h->rows)
        fclose(h->rows);
    if (h->sections)
        fclose(h->sections);
    free(h->rows_buf);
    free(h->sections_buf);
    *h = (struct wm_html){0};
}

/* The diff, a line at a time: its +/-/@@ prefixes stay, so colour only adds. */
static void diff_block(FILE *f, const char *d, size_t len)
{
    size_t shown = len > WM_HTML_DIFF_MAX ? WM_HTML_DIFF_MAX : len;
    fputs("<pre class=\"diff\">", f);
    for (size_t i = 0; i < shown;) {
        const char *nl = memchr(d + i, '\n', shown - i);
        size_t n = nl ? (size_t)(nl - (d + i)) : shown - i;
        const char *cls = n >= 2 && d[i] == '@' && d[i + 1] == '@' ? "hunk"
                          : n >= 4 && (!memcmp(d + i, "--- ", 4) || !memcmp(d + i, "+++ ", 4))
                              ? "files"
                          : n && d[i] == '-' ? "del"
                          : n && d[i] == '+' ? "add"
                                             : NULL;
        if (cls)
            fprintf(f, "<span class=\"%s\">", cls);
        wm_html_text(f, d + i, n);
        fputs(cls ? "</span>\n" : "\n", f);
        i += n + (nl != NULL);
    }
    if (shown < len)
        fprintf(f, "<span class=\"cut\">&#x22EF; %zu more bytes of the diff left out "
                   "(a page shows %d)</span>\n", len - shown, WM_HTML_DIFF_MAX);
    fputs("</pre>\n", f);
}

/* The first difference, the file's line beside the run's. */
static void first_difference(FILE *f, const struct wm_html_case *c)
{
    fputs("<table class=\"pair\"><caption>&#x25B6; first difference", f);
    if (c->first_line) {
        fputs(" at <code>", f);
        wm_html_str(f, c->file ? c->file : c->name);
        fprintf(f, ":%zu</code>", c->first_line);
    }
    fputs("</caption>\n<tr><th>expected (the file)</th><th>actual (the run)</th></tr>\n<tr>", f);
    const char *side[2] = {c->expected, c->actual};
    for (int k = 0; k < 2; k++) {
        fprintf(f, "<td class=\"%s\">", k ? "act" : "exp");
        if (side[k]) {
            fputs("<code>", f);
            wm_html_str(f, side[k]);
            fputs("</code>", f);
        } else {
            fputs("<em>(none: this side ended first)</em>", f);
        }
        fputs("</td>", f);
    }
    fputs("</tr></table>\n", f);
}

static void section(struct wm_html *h, const struct wm_html_case *c, const char *id, int draw)
{
    FILE *f = h->sections;
    const char *st = wm_case_status_name(c->status);
    fprintf(f, "<details id=\"%s\" class=\"case %s\" data-status=\"%s\"%s>\n", id, st, st,
            failing(c->status) ? " open" : "");
    fprintf(f, "<summary><span class=\"verdict %s\">%s</span> <span class=\"name\">", st,
            verdict_mark[c->status]);
    wm_html_str(f, c->name);
    fputs("</span>", f);
    if (c->message) {
        fputs(" &#x2014; <span class=\"msg\">", f);
        wm_html_str(f, c->message);
        fputs("</span>", f);
    }
    fprintf(f, "</summary>\n<p class=\"facts\">%.3f s", c->seconds);
    if (c->scenario) {
        fputs("; scenario <code>", f);
        wm_html_str(f, c->scenario);
        fputs("</code>", f);
    }
    if (c->file && strcmp(c->file, c->name) != 0) {
        fputs("; file <code>", f);
        wm_html_str(f, c->file);
        fputs("</code>", f);
    }
    fputs("</p>\n", f);
    if (c->reproduce) {
        fprintf(f, "<div class=\"repro\"><span>reproduce:</span> <pre id=\"%s-repro\">", id);
        wm_html_str(f, c->reproduce);
        fputs("</pre></div>\n", f);
    }
    if (draw) {
        if (c->expected || c->actual)
            first_difference(f, c);
        wm_html_timeline(f, c, id);
        if (c->diff && c->diff_len)
            diff_block(f, c->diff, c->diff_len);
    } else if (failing(c->status)) {
        fprintf(f, "<p class=\"cut\">Not drawn: a page draws its first %d failing cases in "
                   "full.</p>\n", WM_HTML_OPEN_MAX);
    }
    fputs("</details>\n", f);
}

void wm_html_add(struct wm_html *h, const struct wm_html_case *c)
{
    assert(c->status < WM_CASE_NSTATUS && c->name);
    size_t k = h->n++;
    h->counts[c->status]++;
    h->seconds += c->seconds;
    int bad = failing(c->status);
    size_t *listed = bad ? &h->listed_bad : &h->listed_ok;
    if (*listed >= WM_HTML_ROWS_MAX)
        return;
    ++*listed;
    char id[32];
    _Static_assert(sizeof "case-18446744073709551615" <= sizeof id, "any case's id fits");
    snprintf(id, sizeof id, "case-%zu", k + 1);
    const char *st = wm_case_status_name(c->status);
    fprintf(h->rows, "<tr class=\"%s\" data-status=\"%s\"><td><span class=\"verdict %s\">%s"
                     "</span></td><td><a href=\"#%s\">", st, st, st, verdict_mark[c->status], id);
    wm_html_str(h->rows, c->name);
    fprintf(h->rows, "</a></td><td class=\"num\">%.3f</td><td>", c->seconds);
    wm_html_str(h->rows, c->message);
    fputs("</td></tr>\n", h->rows);
    int draw = bad && h->drawn < WM_HTML_OPEN_MAX;
    h->drawn += draw;
    assert(h->drawn <= h->listed_bad && h->listed_ok + h->listed_bad <= h->n);
    section(h, c, id, draw);
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}"
    "code,pre{font:13px/1.3 ui-monospace,monospace}"
    "pre{white-space:pre-wrap;word-break:break-all;margin:.3em 0}"
    "dl.run{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}"
    "dl.run dt{font-weight:bold}dl.run dd{margin:0}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
    "vertical-align:top;text-align:left}"
    "td.num{text-align:right}"
    ".verdict{font-weight:bold;white-space:nowrap}"
    ".verdict.failed,.verdict.malformed{color:#b00}.verdict.passed,.verdict.updated{color:#070}"
    ".verdict.skipped{color:#666}"
    "details.case{border:1px solid #ccc;margin:.5em 0;padding:.3em .6em}"
    "details.case.failed,details.case.malformed{border:2px solid #b00}"
    "summary{cursor:pointer}"
    ".repro{display:flex;gap:.5em;align-items:baseline;background:#f4f4f4;padding:.2em .5em}"
    ".repro pre{flex:1}"
    "table.pair{margin:.5em 0}table.pair caption{text-align:left;font-weight:bold}"
    ".exp{background:#fee}.act{background:#efe}table.pair caption{white-space:nowrap}"
    "table.tl td{font:12px/1.2 ui-monospace,monospace;max-width:40em}"
    "table.tl td.ln{color:#666;text-align:right}"
    "tr.firstdiff{outline:3px solid #b00}tr.firstdiff td.ln{font-weight:bold;color:#b00}"
    ".ev .who{font-weight:bold}.ev.fault,.ev.close,.ev.error,.ev.partial{font-weight:bold}"
    ".ev.error{color:#b00}.ev.close{color:#555}"
    "mark.diffmark{background:#fd0;font-weight:bold;margin-left:.5em}"
    "tr.elided td,p.cut,.cut{color:#666;font-style:italic}"
    "ul.faults{margin:.2em 0;padding-left:1.2em}"
    "pre.diff .del{background:#fee}pre.diff .add{background:#efe}pre.diff .hunk{color:#06c}"
    "pre.diff .files{font-weight:bold}"
    "#filter label{margin-right:1em}";

/* Progressive: without JS every case shows and the text stays selectable.
 * PAGE#show=failed,malformed opens it filtered (a link to share). */
static const char js[] =
    "(function(){var f=document.getElementById('filter');if(!f)return;f.hidden=false;"
    "function apply(){var on={};f.querySelectorAll('input').forEach(function(i){"
    "on[i.value]=i.checked;});document.querySelectorAll('[data-status]').forEach("
    "function(e){e.hidden=!on[e.getAttribute('data-status')];});}"
    "f.addEventListener('change',apply);"
    "var m=/^#show=([a-z,]+)$/.exec(location.hash);if(m){var k=m[1].split(',');"
    "f.querySelectorAll('input').forEach(function(i){i.checked=k.indexOf(i.value)>=0;});"
    "apply();}"
    "document.querySelectorAll('.repro pre').forEach(function(p){"
    "var b=document.createElement('button');b.type='button';b.className='copy';"
    "b.textContent='copy';b.addEventListener('click',function(){"
    "if(navigator.clipboard)navigator.clipboard.writeText(p.textContent).then("
    "function(){b.textContent='copied';});});p.parentNode.appendChild(b);});})();";

static void head_item(FILE *f, const char *term, const char *value, int code)
{
    if (!value)
        return;
    fprintf(f, "<dt>%s</dt><dd>%s", term, code ? "<code>" : "");
    wm_html_str(f, value);
    fprintf(f, "%s</dd>\n", code ? "</code>" : "");
}

int wm_html_end(struct wm_html *h, FILE *out, const struct wm_html_head *head)
{
    assert(h->rows && h->sections); /* wm_html_begin made the spools */
    size_t counted = 0; /* every case added is counted under its status once */
    for (int s = 0; s < WM_CASE_NSTATUS; s++)
        counted += h->counts[s];
    assert(counted == h->n && h->listed_ok + h->listed_bad <= h->n);
    assert(h->listed_ok <= WM_HTML_ROWS_MAX && h->listed_bad <= WM_HTML_ROWS_MAX &&
           h->drawn <= WM_HTML_OPEN_MAX);
    int ok = fclose(h->rows) == 0;
    ok &= fclose(h->sections) == 0;
    h->rows = h->sections = NULL;
    const size_t *c = h->counts;
    size_t bad = c[WM_CASE_FAILED] + c[WM_CASE_MALFORMED];
    char counts[256];
    int cn = snprintf(counts, sizeof counts, "%zu case%s: %zu passed, %zu updated, %zu failed "
             "(%zu malformed), %zu skipped", h->n, h->n == 1 ? "" : "s", c[WM_CASE_OK], c[WM_CASE_UPDATED], bad,
             c[WM_CASE_MALFORMED], c[WM_CASE_SKIPPED]);
    assert(cn > 0 && (size_t)cn < sizeof counts); /* six numbers of 20 digits at most fit */
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", out);
    wm_html_str(out, head->title);
    fprintf(out, ": %s</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", counts, css);
    wm_html_str(out, head->title);
    fprintf(out, " <span class=\"verdict %s\">%s</span></h1>\n<dl class=\"run\">\n",
            bad ? "failed" : "passed", bad ? "&#x2716; FAILED" : "&#x2714; PASSED");
    head_item(out, "command", head->command, 1);
    head_item(out, "reports", head->sources, 1);
    head_item(out, "seed", head->seed, 0);
    fprintf(out, "<dt>counts</dt><dd id=\"counts\">%s</dd>\n", counts);
    head_item(out, "started", head->started, 0);
    fprintf(out, "<dt>time</dt><dd>%.3f s, the cases' times added up</dd>\n</dl>\n</header>\n",
            h->seconds);
    fputs("<nav id=\"filter\" hidden>show:", out);
    for (int s = 0; s < WM_CASE_NSTATUS; s++)
        fprintf(out, " <label><input type=\"checkbox\" value=\"%s\" checked> %s (%zu)</label>",
                wm_case_status_name(s), wm_case_status_name(s), c[s]);
    fputs("</nav>\n<h2>Cases</h2>\n<table id=\"cases\">\n<thead><tr><th>verdict</th>"
          "<th>case</th><th>seconds</th><th>why</th></tr></thead>\n<tbody>\n", out);
    if (h->rows_buf)
        fwrite(h->rows_buf, 1, h->rows_len, out);
    fputs("</tbody>\n</table>\n", out);
    size_t left = h->n - h->listed_ok - h->listed_bad;
    if (left)
        fprintf(out, "<p class=\"cut\">&#x22EF; %zu more cases not listed: a page lists %d "
                     "passing and %d failing cases.</p>\n", left, WM_HTML_ROWS_MAX,
                WM_HTML_ROWS_MAX);
    fputs("<h2>Details</h2>\n<section id=\"details\">\n", out);
    if (h->sections_buf)
        fwrite(h->sections_buf, 1, h->sections_len, out);
    fprintf(out, "</section>\n<script>%s</script>\n</body>\n</html>\n", js);
    wm_html_discard(h);
    return ok && !ferror(out) ? 0 : -1;
}
