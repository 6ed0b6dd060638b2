/* warmer report: the HTML page of one or more JSON reports (merged, so the
 * shards of a run make one page). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "json_in.h"

static const char report_help[] =
    "usage: warmer report --html FILE REPORT.json...\n"
    "Renders the JSON reports of check, interop and explore (--json FILE) as one\n"
    "self-contained HTML page, their cases in the order given: N shards' reports\n"
    "make one page. A case's timeline is drawn from its transcript (the \"file\"\n"
    "member), read now, relative to the current directory: a file that is gone\n"
    "leaves its case with the report's diff, expected and actual lines, and says so.\n"
    "  --html FILE   the page (- : stdout)\n"
    "REPORT.json - reads standard input.\n"
    "Exit: 0 the page is written (whatever its cases' verdicts), 2 bad usage, a\n"
    "report that cannot be read or is not a warmer JSON report, or a page that\n"
    "cannot be written.\n";

enum { REPORT_HTML = WM_OPT_LOCAL };
static const struct wm_opt report_opts[] = {{"html", 1, REPORT_HTML}, {NULL, 0, 0}};

/* Seeds named in the page's head; more are counted. */
#define REPORT_SEEDS_SHOWN 8

struct report {
    const char *html;
    uint64_t seeds[REPORT_SEEDS_SHOWN];
    size_t nseeds, more_seeds;
};

static int report_opt(struct wm_args *a, void *ctx, const struct wm_optval *o)
{
    (void)a;
    ((struct report *)ctx)->html = o->val;
    return 0;
}

static void note_seed(struct report *r, uint64_t seed)
{
    for (size_t k = 0; k < r->nseeds; k++)
        if (r->seeds[k] == seed)
            return;
    if (r->nseeds < REPORT_SEEDS_SHOWN)
        r->seeds[r->nseeds++] = seed;
    else
        r->more_seeds++; /* counts objects past the bound, an upper bound on seeds */
}

static int status_of(const char *name, enum wm_case_status *s)
{
    for (int k = 0; name && k < WM_CASE_NSTATUS; k++)
        if (strcmp(name, wm_case_status_name(k)) == 0)
            return *s = k, 0;
    return -1;
}

/* One report's cases into the page: their count, or -1 with err. */
static long add_report(struct report *r, struct wm_html *h, const char *path, struct wm_err *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        wm_err_set(err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    const char *name = is_stdin ? "standard input" : path;
    struct wm_jin j;
    struct wm_jin_case c;
    long n = 0;
    int rc = wm_jin_open(&j, f, name, err);
    while (rc == 0 && (rc = wm_jin_next(&j, &c, err)) == 1) {
        enum wm_case_status st;
        char run[64];
        if (status_of(c.status, &st) < 0) {
            wm_err_set(err, "%s:%zu: \"status\" is not one warmer writes", name, j.line);
            rc = -1;
        } else if (!c.file && !c.has_run) {
            wm_err_set(err, "%s:%zu: a case has neither \"file\" nor \"run\"", name, j.line);
            rc = -1;
        } else {
            if (c.has_run)
                snprintf(run, sizeof run, "run %" PRIu64 " of seed %" PRIu64, c.run, c.seed);
            if (c.has_seed)
                note_seed(r, c.seed);
            wm_html_add(h, &(struct wm_html_case){
                               .name = c.has_run ? run : c.file, .file = c.file,
                               .scenario = c.scenario, .status = st, .seconds = c.seconds,
                               .first_line = (size_t)c.first_difference, .message = c.message,
                               .reproduce = c.reproduce, .expected = c.expected,
                               .actual = c.actual, .diff = c.diff, .diff_len = c.diff_len});
            n++;
            rc = 0;
        }
        wm_jin_case_free(&c);
    }
    if (!is_stdin)
        fclose(f);
    return rc < 0 ? -1 : n;
}

/* "a.json (3 cases), b.json (1 case)" into a growing string. */
static int add_source(char **s, size_t *len, const char *path, long n)
{
    size_t more = strlen(path) + 40;
    char *t = realloc(*s, *len + more);
    if (!t)
        return -1;
    *s = t;
    *len += (size_t)snprintf(t + *len, more, "%s%s (%ld case%s)", *len ? ", " : "", path, n,
                             n == 1 ? "" : "s");
    return 0;
}

static int write_page(struct report *r, struct wm_args *a, struct wm_html *h, const char *sources)
{
    char seeds[REPORT_SEEDS_SHOWN * 24 + 64] = "each file's own (its # seed: line)";
    size_t l = 0;
    for (size_t k = 0; k < r->nseeds; k++)
        l += (size_t)snprintf(seeds + l, sizeof seeds - l, "%s%" PRIu64, k ? ", " : "",
                              r->seeds[k]);
    if (r->more_seeds)
        snprintf(seeds + l, sizeof seeds - l, " (and up to %zu more)", r->more_seeds);
    char *command = wm_html_command(a->argc, a->argv);
    struct wm_html_head head = {.title = a->cmd, .command = command, .seed = seeds,
                                .sources = sources};
    int to_stdout = strcmp(r->html, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(r->html, "wb");
    int rc = WM_EXIT_OK;
    errno = 0;
    if (!out) {
        fprintf(stderr, "%s: cannot write %s: %s\n", a->cmd, r->html, strerror(errno));
        wm_html_discard(h);
        rc = WM_EXIT_ENV;
    } else if (wm_html_end(h, out, &head) < 0 || (to_stdout ? fflush(out) : fclose(out)) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", a->cmd, wm_report_name(r->html),
                errno ? strerror(errno) : "write error");
        rc = WM_EXIT_ENV;
    }
    free(command);
    return rc;
}

int wm_cmd_report(struct wm_args *a)
{
    static const struct wm_cmd_spec spec = {report_help, report_opts, -1};
    struct report r = {0};
    int rc = wm_opts_parse(a, &spec, report_opt, &r);
    if (rc != WM_OPTS_GO_ON)
        return rc;
    if (!r.html)
        return wm_usage_error(a, "say where the page goes: --html FILE");
    if (a->nops == 0)
        return wm_usage_error(a, "no JSON reports given");
    struct wm_html h;
    struct wm_err err;
    if (wm_html_begin(&h, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return WM_EXIT_FAIL;
    }
    char *sources = NULL;
    size_t len = 0;
    for (int k = 0; k < a->nops; k++) {
        long n = add_report(&r, &h, a->ops[k], &err);
        if (n < 0 || add_source(&sources, &len, a->ops[k], n) < 0) {
            fprintf(stderr, "%s: %s\n", a->cmd, n < 0 ? err.msg : "out of memory");
            wm_html_discard(&h);
            free(sources);
            return WM_EXIT_USAGE;
        }
    }
    rc = write_page(&r, a, &h, sources);
    free(sources);
    return rc;
}
