#include "suite.h"
#include "clock.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lastfailed.h"
#include "html.h"
#include "msg.h"
#include "sig.h"

int wm_suite_parse_shard(const char *v, struct wm_suite_opts *o)
{
    const char *slash = strchr(v, '/');
    uint64_t k, n;
    if (!slash || wm_uint64_parse(v, (size_t)(slash - v), &k) < 0 ||
        wm_uint64_parse(slash + 1, strlen(slash + 1), &n) < 0 || n == 0 || n > WM_SHARD_MAX ||
        k == 0 || k > n)
        return -1;
    o->shard_k = (unsigned)k;
    o->shard_n = (unsigned)n;
    return 0;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void wm_suite_shard(struct wm_files *f, const struct wm_suite_opts *o)
{
    size_t kept = 0;
    for (size_t k = 0; k < f->n; k++) {
        if (o->shard_n > 1 && name_hash(f->paths[k]) % o->shard_n != o->shard_k - 1) {
            free(f->paths[k]);
            continue;
        }
        f->paths[kept++] = f->paths[k];
    }
    f->n = kept;
}

int wm_suite_select(struct wm_files *f, struct wm_suite_opts *o, const char *prog,
                    const char *cmd, struct wm_err *err)
{
    struct wm_files dropped;
    char note[WM_LASTFAILED_LINE_MAX + 200];
    if (wm_select_apply(&o->sel, cmd, f, &dropped, note, sizeof note, err) < 0)
        return -1;
    if (note[0])
        fprintf(stderr, "%s: %s\n", prog, note);
    wm_suite_shard(f, o);
    wm_suite_shard(&dropped, o); /* the shard's own cases left out, for its summary */
    o->deselected = dropped.n;
    wm_files_free(&dropped);
    o->cache_cmd = o->sel.no_cache ? NULL : cmd;
    return 0;
}

int wm_suite_stdout_report(struct wm_suite_opts *o, struct wm_err *err)
{
    int junit = o->junit_path && strcmp(o->junit_path, "-") == 0;
    int json = o->json_path && strcmp(o->json_path, "-") == 0;
    if (!junit && !json)
        return 0;
    if (junit && json) {
        wm_err_set(err, "--junit - and --json -: only one report can go to stdout");
        return -1;
    }
    if (o->tap) {
        wm_err_set(err, "--tap and --%s -: both would go to stdout", junit ? "junit" : "json");
        return -1;
    }
    fflush(stdout);
    /* close-on-exec: a peer interop starts must not hold a reader's pipe open */
    if ((o->stdout_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)) < 0 ||
        dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        wm_err_set(err, "--%s -: %s", junit ? "junit" : "json", strerror(errno));
        if (o->stdout_fd >= 0)
            close(o->stdout_fd);
        o->stdout_fd = -1;
        return -1;
    }
    return 0;
}

int wm_suite_parse_color(const char *v, int *color)
{
    static const char *const names[] = {"auto", "always", "never"};
    for (int k = 0; k < 3; k++) {
        if (strcmp(v, names[k]) == 0) {
            *color = k;
            return 0;
        }
    }
    return -1;
}

int wm_suite_use_color(int color, int stdout_is_tty, const char *no_color)
{
    if (color != WM_COLOR_AUTO)
        return color == WM_COLOR_ALWAYS;
    return stdout_is_tty && !(no_color && *no_color);
}

int wm_suite_begin(struct wm_suite *s, const char *cmd, const char *name,
                   const struct wm_suite_opts *o, char *const *paths, size_t n)
{
    *s = (struct wm_suite){.cmd = cmd, .name = name, .o = o, .paths = paths, .n = n,
                           .tty = isatty(STDERR_FILENO),
                           .color = !o->tap && wm_suite_use_color(o->color, isatty(STDOUT_FILENO),
                                                                  getenv("NO_COLOR"))};
    s->deselected = o->deselected;
    s->started = s->last_progress = wm_clock_s();
    wm_report_junit_stamp(&s->stamp, (time_t)wm_clock_wall_s());
    if (!(s->all = calloc(n ? n : 1, sizeof *s->all))) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        return WM_SUITE_NO_MEMORY;
    }
    /* The report files are opened now, so that one that cannot be written
     * stops the run before its first case, not after its last. */
    const char *bad = o->junit_path && !(s->junit = wm_report_open(o->junit_path, o->stdout_fd))
                          ? o->junit_path
                      : o->json_path && !(s->json = wm_report_open(o->json_path, o->stdout_fd))
                          ? o->json_path
                      : o->html_path && !(s->html = fopen(o->html_path, "wb"))
                          ? o->html_path
                          : NULL;
    if (bad) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cmd, wm_report_name(bad), strerror(errno));
        if (s->junit)
            fclose(s->junit);
        if (s->json)
            fclose(s->json);
        free(s->all);
        s->all = NULL;
        return WM_SUITE_NO_REPORT;
    }
    if (o->tap)
        wm_report_tap_begin(stdout, n);
    return 0;
}

#define SGR_RED "\033[31m"
#define SGR_GREEN "\033[32m"
#define SGR_CYAN "\033[36m"
#define SGR_BOLD "\033[1m"
#define SGR_OFF "\033[0m"

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* A case's text with colour: the verdict word, and in the diff the
 * removed, added and hunk lines. Only the bytes shown change: the reports
 * are written from the plain text. */
static void put_colored(FILE *f, const struct wm_case_result *r)
{
    size_t i = 0;
    while (i < r->len) {
        const char *line = r->text + i;
        const char *nl = memchr(line, '\n', r->len - i);
        size_t n = nl ? (size_t)(nl - line) : r->len - i, word = n;
        const char *on = NULL;
        if (r->diff_len && i >= r->diff_off && i < r->diff_off + r->diff_len) {
            if (starts(line, n, "--- ") || starts(line, n, "+++ "))
                on = SGR_BOLD;
            else if (n && line[0] == '-')
                on = SGR_RED;
            else if (n && line[0] == '+')
                on = SGR_GREEN;
            else if (starts(line, n, "@@"))
                on = SGR_CYAN;
        } else if (starts(line, n, "FAIL")) {
            on = SGR_BOLD SGR_RED;
            word = 4;
        } else if (starts(line, n, "ok ")) {
            on = SGR_GREEN;
            word = 2;
        }
        if (on) {
            fprintf(f, "%s%.*s%s", on, (int)word, line, SGR_OFF);
            fwrite(line + word, 1, n - word, f);
        } else {
            fwrite(line, 1, n, f);
        }
        if (nl)
            fputc('\n', f);
        i += n + (nl != NULL);
    }
}

/* On a terminal a live line; elsewhere (a CI log) a line at most every
 * --progress seconds, the first once a run has taken that long. */
static void progress(struct wm_suite *s)
{
    if (s->taken >= s->n)
        return;
    if (s->tty) {
        fprintf(stderr, "%s: %zu/%zu", s->cmd, s->taken, s->n);
        return;
    }
    double now = wm_clock_s();
    if (s->o->progress_ms <= 0 || (now - s->last_progress) * 1000 < s->o->progress_ms)
        return;
    s->last_progress = now;
    unsigned failed = s->counts[WM_CASE_FAILED] + s->counts[WM_CASE_MALFORMED];
    fprintf(stderr, "%s: %zu of %zu cases done, %u failed, %.0f s\n", s->cmd, s->taken, s->n,
            failed, now - s->started);
}

void wm_suite_case(struct wm_suite *s, struct wm_case_result *r)
{
    assert(s->taken < s->n && (unsigned)r->status < WM_CASE_NSTATUS); /* a result per file */
    size_t i = s->taken++;
    if (s->tty)
        fputs("\r\033[K", stderr);
    if (s->o->tap)
        wm_report_tap_case(stdout, i + 1, s->paths[i], r);
    else if (r->text && s->color)
        put_colored(stdout, r);
    else if (r->text)
        fwrite(r->text, 1, r->len, stdout);
    fflush(stdout);
    s->all[i] = *r;
    s->counts[r->status]++;
    progress(s);
}

struct timed {
    double seconds;
    size_t i;
};

static int slower_first(const void *pa, const void *pb)
{
    const struct timed *a = pa, *b = pb;
    if (a->seconds != b->seconds)
        return a->seconds < b->seconds ? 1 : -1;
    return a->i < b->i ? -1 : a->i > b->i; /* ties in file order */
}

/* --durations N: the N slowest cases that ran (0: all), slowest first. */
static void print_durations(const struct wm_suite *s)
{
    if (s->o->durations < 0 || s->taken == 0)
        return;
    struct timed *t = malloc(s->taken * sizeof *t);
    if (!t) {
        fprintf(stderr, "%s: out of memory for --durations\n", s->cmd);
        return;
    }
    for (size_t k = 0; k < s->taken; k++)
        t[k] = (struct timed){s->all[k].seconds, k};
    qsort(t, s->taken, sizeof *t, slower_first);
    size_t show = s->o->durations == 0 || (size_t)s->o->durations > s->taken
                      ? s->taken
                      : (size_t)s->o->durations;
    const char *lead = s->o->tap ? "# " : "";
    printf("%sslowest %zu of %zu cases:\n", lead, show, s->taken);
    for (size_t k = 0; k < show; k++)
        printf("%s%10.3f s  %s\n", lead, t[k].seconds, s->paths[t[k].i]);
    free(t);
}

/* The page of the cases that ran (html.h): each case is its file. */
static int write_html(const struct wm_suite *s)
{
    struct wm_html h;
    struct wm_err err;
    if (wm_html_begin(&h, &err) < 0) {
        fclose(s->html);
        fprintf(stderr, "%s: %s\n", s->cmd, err.msg);
        return -1;
    }
    for (size_t k = 0; k < s->taken; k++) {
        const struct wm_case_result *r = &s->all[k];
        int diff = r->diff_len && r->text && r->diff_off + r->diff_len <= r->len;
        wm_html_add(&h, &(struct wm_html_case){
                            .name = s->paths[k], .file = s->paths[k], .status = r->status,
                            .seconds = r->seconds, .first_line = r->first_line,
                            .message = r->message, .reproduce = r->reproduce,
                            .expected = r->expected, .actual = r->actual,
                            .diff = diff ? r->text + r->diff_off : NULL,
                            .diff_len = diff ? r->diff_len : 0});
    }
    char *command = wm_html_command(s->o->argc, s->o->argv), started[40];
    snprintf(started, sizeof started, "%s UTC", s->stamp.timestamp);
    struct wm_html_head head = {.title = s->cmd, .command = command,
                                .seed = "each file's own (its # seed: line)", .started = started};
    int rc = wm_html_end(&h, s->html, &head);
    free(command);
    if (fclose(s->html) == 0 && rc == 0)
        return 0;
    fprintf(stderr, "%s: cannot write %s: %s\n", s->cmd, s->o->html_path, strerror(errno));
    return -1;
}

/* Writes and closes a report opened by wm_suite_begin. */
static int write_report(const struct wm_suite *s, FILE *f, const char *path, int junit)
{
    if (junit)
        wm_report_junit(f, s->name, &s->stamp, s->paths, s->all, s->taken);
    else
        wm_report_json(f, s->paths, s->all, s->taken);
    if (fclose(f) == 0)
        return 0;
    fprintf(stderr, "%s: cannot write %s: %s\n", s->cmd, wm_report_name(path), strerror(errno));
    return -1;
}

/* The cases that ran, merged into the last-failed file: a cache, so one
 * that cannot be written is a warning, not the run's failure. */
static void update_cache(const struct wm_suite *s)
{
    char file[WM_LASTFAILED_LINE_MAX + 64];
    struct wm_err err;
    if (!s->o->cache_cmd)
        return;
    if (wm_lastfailed_path(file, sizeof file, wm_select_cache_dir(&s->o->sel),
                           s->o->cache_cmd) < 0)
        wm_err_set(&err, "--cache-dir: too long a path");
    else if (wm_lastfailed_update(file, s->paths, s->all, s->taken, &err) == 0)
        return;
    fprintf(stderr, "%s: warning: the last-failed cache not written: %s (--cache-dir DIR or "
            "WARMER_CACHE_DIR puts it elsewhere, --no-cache turns it off)\n", s->cmd, err.msg);
}

int wm_suite_end(struct wm_suite *s, int signo)
{
    const unsigned *c = s->counts;
    char summary[256], note[120] = "", name[24];
    size_t l = 0, counted = 0;
    for (int k = 0; k < WM_CASE_NSTATUS; k++)
        counted += c[k];
    assert(counted == s->taken && s->taken <= s->n); /* each case that ran counted once */
    if (s->tty)
        fputs("\r\033[K", stderr);
    l += (size_t)snprintf(summary + l, sizeof summary - l, "%u passed", c[WM_CASE_OK]);
    if (s->o->show_updated)
        l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u updated", c[WM_CASE_UPDATED]);
    l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u failed",
                          c[WM_CASE_FAILED] + c[WM_CASE_MALFORMED]);
    if (s->o->show_skipped)
        l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u skipped", c[WM_CASE_SKIPPED]);
    if (s->deselected)
        l += (size_t)snprintf(summary + l, sizeof summary - l, ", %zu deselected", s->deselected);
    /* five counts and their words fit, with room for the note in brackets */
    assert(l + sizeof " (4294967295 malformed; 18446744073709551615 non-transcript files ignored)"
           <= sizeof summary);
    if (c[WM_CASE_MALFORMED] && s->not_transcripts)
        snprintf(summary + l, sizeof summary - l, " (%u malformed; %zu non-transcript file%s ignored)",
                 c[WM_CASE_MALFORMED], s->not_transcripts, s->not_transcripts == 1 ? "" : "s");
    else if (c[WM_CASE_MALFORMED])
        snprintf(summary + l, sizeof summary - l, " (%u malformed)", c[WM_CASE_MALFORMED]);
    else if (s->not_transcripts)
        snprintf(summary + l, sizeof summary - l, " (%zu non-transcript file%s ignored)",
                 s->not_transcripts, s->not_transcripts == 1 ? "" : "s");
    if (signo)
        snprintf(note, sizeof note, ", interrupted by %s: %zu of %zu cases ran",
                 wm_sig_name(signo, name, sizeof name), s->taken, s->n);
    if (s->o->tap && s->taken < s->n)
        printf("Bail out! %zu of %zu cases ran%s\n", s->taken, s->n,
               signo ? ", interrupted" : "");
    printf(s->o->tap ? "# %s%s\n" : "%s%s\n", summary, note);
    print_durations(s);
    int rc = 0;
    if (s->junit && write_report(s, s->junit, s->o->junit_path, 1) < 0)
        rc = -1;
    if (s->json && write_report(s, s->json, s->o->json_path, 0) < 0)
        rc = -1;
    update_cache(s);
    if (s->html && write_html(s) < 0)
        rc = -1;
    for (size_t k = 0; k < s->taken; k++)
        wm_case_result_free(&s->all[k]);
    free(s->all);
    s->all = NULL;
    return rc;
}
