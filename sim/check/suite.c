#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

double wm_suite_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wm_suite_begin(struct wm_suite *s, const char *cmd, const char *name,
                   const struct wm_suite_opts *o, char *const *paths, size_t n)
{
    *s = (struct wm_suite){.cmd = cmd, .name = name, .o = o, .paths = paths, .n = n,
                           .tty = isatty(STDERR_FILENO)};
    wm_report_junit_stamp(&s->stamp, time(NULL));
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
                          : NULL;
    if (bad) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cmd, wm_report_name(bad), strerror(errno));
        if (s->junit)
            fclose(s->junit);
        free(s->all);
        s->all = NULL;
        return WM_SUITE_NO_REPORT;
    }
    if (o->tap)
        wm_report_tap_begin(stdout, n);
    return 0;
}

void wm_suite_case(struct wm_suite *s, struct wm_case_result *r)
{
    size_t i = s->taken++;
    if (s->tty)
        fputs("\r\033[K", stderr);
    if (s->o->tap)
        wm_report_tap_case(stdout, i + 1, s->paths[i], r);
    else if (r->text)
        fwrite(r->text, 1, r->len, stdout);
    fflush(stdout);
    if (s->tty && s->taken < s->n)
        fprintf(stderr, "%s: %zu/%zu", s->cmd, s->taken, s->n);
    s->all[i] = *r;
    s->counts[r->status]++;
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

int wm_suite_end(struct wm_suite *s, int signo)
{
    const unsigned *c = s->counts;
    char summary[256], note[120] = "", name[24];
    size_t l = 0;
    if (s->tty)
        fputs("\r\033[K", stderr);
    l += (size_t)snprintf(summary + l, sizeof summary - l, "%u passed", c[WM_CASE_OK]);
    if (s->o->show_updated)
        l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u updated", c[WM_CASE_UPDATED]);
    l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u failed",
                          c[WM_CASE_FAILED] + c[WM_CASE_MALFORMED]);
    if (s->o->show_skipped)
        l += (size_t)snprintf(summary + l, sizeof summary - l, ", %u skipped", c[WM_CASE_SKIPPED]);
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
    int rc = 0;
    if (s->junit && write_report(s, s->junit, s->o->junit_path, 1) < 0)
        rc = -1;
    if (s->json && write_report(s, s->json, s->o->json_path, 0) < 0)
        rc = -1;
    for (size_t k = 0; k < s->taken; k++)
        wm_case_result_free(&s->all[k]);
    free(s->all);
    s->all = NULL;
    return rc;
}
