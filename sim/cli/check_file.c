/* One transcript compared: streamed when it can be (streamcmp.h), else
 * whole (compare.h), and its report; shared by check and replay. */
#include "check_file.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "judge.h"
#include "rederive.h"
#include "streamcmp.h"
#include "update.h"

/* What a run may hold beyond the checked file's own records before it is
 * known not to match: room for the error records a mismatch ends with. */
#define CHECK_SLACK (1u << 20)

/* A file that does not parse: a result like any other (stdout, every
 * report), and a diagnostic. */
static int report_malformed(const struct wm_args *a, const char *path, const struct wm_err *err,
                            FILE *out, struct wm_case_result *res)
{
    fprintf(stderr, "%s: %s\n", a->cmd, err->msg);
    wm_judge_print_malformed(out, path, err->msg, res);
    free(res->reproduce);
    res->reproduce = NULL;
    return WM_EXIT_USAGE;
}

/* What cannot run here at all (a fault plan under another driver, an
 * open-file limit too low) is said before running, as a bad file is. */
static int report_unrunnable(const struct wm_args *a, const char *path, const struct wm_err *err,
                             FILE *out, struct wm_case_result *res)
{
    char line[WM_ERR_MAX + 4300];
    snprintf(line, sizeof line, "%s: %s", path, err->msg);
    fprintf(stderr, "%s: %s\n", a->cmd, line);
    fprintf(out, "FAIL %s\n", line);
    res->status = WM_CASE_MALFORMED;
    res->message = strdup(line);
    return WM_EXIT_USAGE;
}

/* The run itself failed (not a mismatch). */
static void report_run_error(const char *path, const struct wm_err *err, FILE *out,
                             struct wm_case_result *res)
{
    char line[WM_ERR_MAX + 4300];
    snprintf(line, sizeof line, "%s: %s", path, err->msg);
    fprintf(out, "FAIL %s\n", line);
    wm_judge_reproduce_print(out, res);
    res->message = strdup(line);
}

/* --update's verdict (updated is wm_update_file's result); an exit code. */
static int report_update(const struct wm_args *a, const char *path, int updated,
                         const struct wm_err *err, FILE *out, struct wm_case_result *res)
{
    if (updated < 0) {
        fprintf(stderr, "%s: cannot update: %s\n", a->cmd, err->msg);
        fprintf(out, "FAIL %s: cannot update: %s\n", path, err->msg);
        res->message = strdup(err->msg);
        return WM_EXIT_USAGE;
    }
    fprintf(out, "updated %s\n", path);
    res->status = WM_CASE_UPDATED;
    return WM_EXIT_OK;
}

/* --update --dry-run's verdict, after the diff it would apply: a failing
 * case, since the file differs, and nothing written. */
static int report_dry_run(const char *path, FILE *out, struct wm_case_result *res)
{
    char line[4300];
    fprintf(out, "would update %s\n", path);
    snprintf(line, sizeof line, "%s: the records differ from the file (--dry-run: not updated)",
             path);
    res->message = strdup(line);
    return WM_EXIT_FAIL;
}

/* The lines after a mismatch's diff and first difference. */
static void report_tail(const struct wm_args *a, const struct wm_cfg *cfg, int same,
                        const struct wm_exec_opts *opts, FILE *out, const struct wm_case_result *res)
{
    wm_judge_reproduce_print(out, res);
    /* `warmer run` without --game plays the book: no line for a file of no games. */
    if (!same && !cfg->client_script && !cfg->server_script && cfg->ngames > 0) {
        fprintf(out, "the run alone: ");
        wm_print_run_command(out, a->prog, cfg, opts);
    }
}

/* check of a file, streamed (streamcmp.h) in bounded memory, with the
 * report one_whole would print: an exit code. */
static int stream_file(const struct wm_args *a, const char *path, struct wm_scmp *s, int update,
                       const struct wm_exec_opts *opts, FILE *out, struct wm_case_result *res)
{
    struct wm_err err, bad;
    const struct wm_cfg *cfg = wm_scmp_cfg(s);
    if (wm_exec_validate(cfg, opts, &err) < 0)
        return wm_scmp_drain(s, &bad) < 0 ? report_malformed(a, path, &bad, out, res)
                                          : report_unrunnable(a, path, &err, out, res);
    switch (wm_scmp_run(s, opts, &err)) {
    case WM_SCMP_WHOLE: /* never returned */
        assert(0);
        return WM_EXIT_FAIL;
    case WM_SCMP_MALFORMED:
        return report_malformed(a, path, &err, out, res);
    case WM_SCMP_RUN_ERROR:
        report_run_error(path, &err, out, res);
        return WM_EXIT_FAIL;
    case WM_SCMP_SAME:
        wm_judge_print_ok(out, path, res);
        return WM_EXIT_OK;
    case WM_SCMP_DIFFER:
        break;
    }
    if (update) { /* the diff it applies, then the file rewritten */
        wm_scmp_print_diff(s, out, path, NULL);
        if (update == WM_CHECK_DRY_RUN)
            return report_dry_run(path, out, res);
        return report_update(a, path, wm_scmp_update(s, path, opts, &err), &err, out, res);
    }
    char line[4300];
    wm_judge_differ_reason(line, sizeof line, path, NULL);
    fprintf(out, "FAIL %s\n", path);
    res->message = strdup(line);
    res->first_line = wm_scmp_print_diff(s, out, path, res);
    wm_judge_first_difference(out, path, res->first_line);
    report_tail(a, cfg, 0, opts, out, res);
    return WM_EXIT_FAIL;
}

/* A file compared whole: parsed, its peer re-derived for a live profile, its
 * mode's side scripted and what cannot run refused. */
struct whole {
    struct wm_transcript t;
    struct wm_cfg cfg;      /* t's, with mode's scripted side; shares t's games */
    char note[160];         /* which expectations: "" the file's own (rederive.h) */
};

/* Loads the case: an exit code when it cannot run (reported), else -1. */
static int whole_load(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                      enum wm_profile profile, const struct wm_exec_opts *opts,
                      const struct wm_check_live *live, FILE *out, struct wm_case_result *res,
                      struct whole *w)
{
    struct wm_err err;
    w->note[0] = '\0';
    if (wm_tx_parse_as(path, profile, &w->t, opts->max_journal, &err) < 0)
        return report_malformed(a, path, &err, out, res);
    /* A live peer is held to what profile's own side does with the file's
     * lines from the other side (rederive.h). */
    if (live->addr && wm_rederive(&w->t, profile, mode == WM_CHECK_REPLAY_SERVER,
                                  opts->max_journal, w->note, sizeof w->note,
                                  &err) == WM_REDERIVE_FAILED) {
        struct wm_err why;
        wm_err_set(&why, "its records are %s's and its %s lines cannot be replayed under "
                 "%s: %s", wm_profile_name(wm_rederive_file_profile(&w->t)),
                 mode == WM_CHECK_REPLAY_SERVER ? "client" : "server", wm_profile_name(profile),
                 err.msg);
        wm_tx_free(&w->t);
        return report_unrunnable(a, path, &why, out, res);
    }
    w->cfg = w->t.cfg;
    if (mode == WM_CHECK_REPLAY_SERVER)
        w->cfg.client_script = 1, w->cfg.server_script = 0;
    if (mode == WM_CHECK_REPLAY_CLIENT)
        w->cfg.client_script = 0, w->cfg.server_script = 1;
    /* What cannot run here at all (a fault plan under another driver, an
     * open-file limit too low) is said before running, as a bad file is. */
    if (!live->addr && wm_exec_validate(&w->cfg, opts, &err) < 0) {
        wm_tx_free(&w->t);
        return report_unrunnable(a, path, &err, out, res);
    }
    return -1;
}

/* Runs the case in process or against the live peer: 0, or -1 with err. */
static int whole_run(struct whole *w, enum wm_check_mode mode,
                     const struct wm_exec_opts *opts, const struct wm_check_live *live,
                     struct wm_conn_log **logs, struct wm_live_verdict *v, struct wm_err *err)
{
    if (live->addr) {
        struct wm_live_replay_opts lo = {.remote_server = mode == WM_CHECK_REPLAY_SERVER,
                                         .addr = live->addr, .listen_fd = -1,
                                         .timeout_ms = live->timeout_ms,
                                         .close_window_ms = live->close_window_ms,
                                         .max_journal = opts->max_journal};
        return wm_live_replay(&w->t, &lo, logs, v, err);
    }
    /* Compared as a transcript: console lines are not kept, and a run that
     * makes more records than the file holds cannot match, so it is stopped
     * there (bounded memory for a header that asks for a huge run). */
    struct wm_exec_opts run_opts = *opts;
    size_t file_bytes = 0;
    for (uint32_t k = 0; k < w->t.cfg.connections; k++)
        file_bytes += wm_journal_bytes(&w->t.conns[k].client) +
                      wm_journal_bytes(&w->t.conns[k].server);
    run_opts.skip_logs = 1;
    if (file_bytes + CHECK_SLACK < run_opts.max_run_memory)
        run_opts.max_run_memory = file_bytes + CHECK_SLACK;
    return wm_execute(&w->cfg, &w->t, &run_opts, logs, err);
}

/* The judge's verdict on a run, reported: an exit code. */
static int whole_report(const struct wm_args *a, const struct whole *w, struct wm_judge *j,
                        const struct wm_live_verdict *v, int update,
                        const struct wm_exec_opts *opts, FILE *out, struct wm_case_result *res)
{
    char line[WM_ERR_MAX + 4300];
    struct wm_err err;
    enum wm_judge_verdict verdict = wm_judge_verdict(j, v, NULL, line, sizeof line);
    if (verdict == WM_JUDGE_PASSED) {
        wm_judge_print_ok(out, j->path, res);
        return WM_EXIT_OK;
    }
    if (update) { /* the diff it applies, then the file rewritten */
        wm_print_diff(out, j->path, &w->t, &j->want, &j->got, NULL);
        if (update == WM_CHECK_DRY_RUN)
            return report_dry_run(j->path, out, res);
        size_t header = j->got.n - wm_rendered_records(&w->t, &j->got);
        return report_update(a, j->path, wm_update_file(j->path, &j->got, header, &err), &err,
                             out, res);
    }
    /* a plain difference's FAIL line is the path: its diff says the rest */
    fprintf(out, "FAIL %s\n", verdict == WM_JUDGE_DIFFER ? j->path : line);
    if (w->note[0])
        fprintf(out, "%s\n", w->note);
    res->message = strdup(line);
    if (!j->same)
        wm_judge_diff(j, out, res);
    report_tail(a, &w->t.cfg, j->same, opts, out, res);
    return WM_EXIT_FAIL;
}

/* One file compared whole (compare.h): replay's modes and a live peer. */
static int one_whole(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                     enum wm_profile profile, int update, const struct wm_exec_opts *opts,
                     const struct wm_check_live *live, FILE *out, struct wm_case_result *res)
{
    struct whole w;
    struct wm_err err;
    int rc = whole_load(a, path, mode, profile, opts, live, out, res, &w);
    if (rc >= 0)
        return rc;
    struct wm_conn_log *logs = NULL;
    struct wm_live_verdict verdict = {.fault = WM_LIVE_OK};
    struct wm_judge j = {0};
    rc = WM_EXIT_FAIL;
    if (whole_run(&w, mode, opts, live, &logs, &verdict, &err) < 0) {
        report_run_error(path, &err, out, res);
    } else if (wm_judge_compare(&j, path, &w.t, logs) < 0) {
        char line[4300];
        snprintf(line, sizeof line, "%s: internal error rendering the transcript", path);
        fprintf(out, "FAIL %s\n", line);
        res->message = strdup(line);
    } else {
        rc = whole_report(a, &w, &j, &verdict, update, opts, out, res);
    }
    wm_judge_free(&j);
    if (logs)
        wm_conn_logs_free(logs, w.t.cfg.connections);
    wm_tx_free(&w.t);
    return rc;
}

int wm_check_file(const struct wm_args *a, const char *path, enum wm_check_mode mode,
                  enum wm_profile profile, int update,
                  const struct wm_exec_opts *opts, const struct wm_check_live *live,
                  const char *repro, FILE *out, struct wm_case_result *res)
{
    struct wm_err err;
    res->status = WM_CASE_FAILED;
    wm_judge_reproduce_set(res, a->prog, repro);
    if (mode == WM_CHECK_FILE && !live->addr) {
        struct wm_scmp *s = wm_scmp_open_as(path, profile, opts->max_journal, &err);
        if (!s)
            return report_malformed(a, path, &err, out, res);
        int rc = stream_file(a, path, s, update, opts, out, res);
        wm_scmp_close(s);
        return rc;
    }
    return one_whole(a, path, mode, profile, update, opts, live, out, res);
}
