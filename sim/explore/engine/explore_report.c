#include "explore_report.h"
#include "clock.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tmpfile.h"

#define XREPORT_SUITE "warmer.explore"
/* A case's name, "run K of seed S", for any K and S. */
#define XREPORT_NAME_MAX sizeof "run 18446744073709551615 of seed 18446744073709551615"

static FILE *spool_file(struct wm_err *err)
{
    int fd = wm_tmp_fd("junit", err);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        wm_err_set(err, "--junit: %s", strerror(errno));
        close(fd);
    }
    return f;
}

int wm_xreport_open(struct wm_xreport *x, const char *junit_path, const char *json_path,
                    int stdout_fd, struct wm_err *err)
{
    *x = (struct wm_xreport){.junit_path = junit_path, .json_path = json_path};
    wm_report_junit_stamp(&x->stamp, (time_t)wm_clock_wall_s());
    if (junit_path && !(x->junit = wm_report_open(junit_path, stdout_fd))) {
        wm_err_set(err, "cannot write %s: %s", wm_report_name(junit_path), strerror(errno));
        return -1;
    }
    if (junit_path && !(x->spool = spool_file(err))) {
        fclose(x->junit);
        x->junit = NULL;
        return -1;
    }
    if (json_path && !(x->json = wm_report_open(json_path, stdout_fd))) {
        wm_err_set(err, "cannot write %s: %s", wm_report_name(json_path), strerror(errno));
        wm_xreport_close(x, &(struct wm_err){0});
        return -1;
    }
    if (x->json)
        fputs("[", x->json);
    return 0;
}

int wm_xreport_html(struct wm_xreport *x, const char *path, int argc, char *const *argv,
                    uint64_t seed, struct wm_err *err)
{
    if (!(x->html = fopen(path, "wb"))) {
        wm_err_set(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    x->html_path = path;
    x->seed = seed;
    if (wm_html_begin(&x->page, err) < 0 || !(x->command = wm_html_command(argc, argv))) {
        wm_err_set(err, "--html: out of memory");
        wm_html_discard(&x->page);
        fclose(x->html);
        x->html = NULL;
        return -1;
    }
    return 0;
}

void wm_xreport_run(struct wm_xreport *x, uint64_t seed, uint64_t run, const char *scenario,
                    const char *file, const char *sig, const struct wm_case_result *r)
{
    assert(r && (unsigned)r->status < WM_CASE_NSTATUS);
    if (x->spool) {
        char name[XREPORT_NAME_MAX];
        snprintf(name, sizeof name, "run %" PRIu64 " of seed %" PRIu64, run, seed);
        wm_report_junit_count(&x->totals, r);
        wm_report_junit_case(x->spool, XREPORT_SUITE, name, r);
    }
    if (x->json) {
        fprintf(x->json, "%s\n  {\"run\": %" PRIu64 ", \"seed\": %" PRIu64 ", \"scenario\": ",
                x->objects++ ? "," : "", run, seed);
        wm_report_json_string(x->json, scenario);
        fputs(", \"file\": ", x->json);
        wm_report_json_string(x->json, file);
        if (sig) {
            fputs(", \"signature\": ", x->json);
            wm_report_json_string(x->json, sig);
        }
        fputs(", ", x->json);
        wm_report_json_fields(x->json, r);
        fputs("}", x->json);
    }
    if (x->html) {
        char name[XREPORT_NAME_MAX];
        int diff = r->diff_len && r->text && r->diff_off + r->diff_len <= r->len;
        snprintf(name, sizeof name, "run %" PRIu64 " of seed %" PRIu64, run, seed);
        wm_html_add(&x->page, &(struct wm_html_case){
                                  .name = name, .file = file, .scenario = scenario,
                                  .status = r->status, .seconds = r->seconds,
                                  .first_line = r->first_line, .message = r->message,
                                  .reproduce = r->reproduce, .expected = r->expected,
                                  .actual = r->actual, .diff = diff ? r->text + r->diff_off : NULL,
                                  .diff_len = diff ? r->diff_len : 0});
    }
}

static int finish_html(struct wm_xreport *x, struct wm_err *err)
{
    char seed[32], started[40];
    snprintf(seed, sizeof seed, "%" PRIu64, x->seed);
    snprintf(started, sizeof started, "%s UTC", x->stamp.timestamp);
    struct wm_html_head head = {.title = "warmer explore", .command = x->command, .seed = seed,
                                .started = started};
    errno = 0;
    int bad = wm_html_end(&x->page, x->html, &head) < 0;
    bad |= fclose(x->html) != 0;
    x->html = NULL;
    free(x->command);
    x->command = NULL;
    if (bad)
        wm_err_set(err, "cannot write %s: %s", x->html_path, errno ? strerror(errno) : "write error");
    return bad ? -1 : 0;
}

/* The spool's testcases after the head, in the order the runs ended. */
static int copy_spool(FILE *spool, FILE *to)
{
    char buf[65536];
    size_t n;
    if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
        return -1;
    while ((n = fread(buf, 1, sizeof buf, spool)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            return -1;
    return ferror(spool) ? -1 : 0;
}

static int finish(FILE **f, const char *path, int ok, struct wm_err *err)
{
    if (!*f)
        return 0;
    int bad = fclose(*f) != 0 || !ok;
    *f = NULL;
    if (bad)
        wm_err_set(err, "cannot write %s: %s", wm_report_name(path),
                   errno ? strerror(errno) : "write error");
    return bad ? -1 : 0;
}

int wm_xreport_close(struct wm_xreport *x, struct wm_err *err)
{
    int rc = 0;
    /* both reports name every run once */
    assert(!x->spool || !x->json || x->objects == x->totals.tests);
    errno = 0;
    if (x->junit && x->spool) {
        wm_report_junit_head(x->junit, XREPORT_SUITE, &x->stamp, &x->totals);
        int ok = copy_spool(x->spool, x->junit) == 0;
        wm_report_junit_tail(x->junit);
        rc |= finish(&x->junit, x->junit_path, ok && !ferror(x->junit), err);
    }
    if (x->spool)
        fclose(x->spool);
    x->spool = NULL;
    rc |= finish(&x->junit, x->junit_path, 1, err);
    if (x->json)
        fputs(x->objects ? "\n]\n" : "]\n", x->json);
    rc |= finish(&x->json, x->json_path, x->json ? !ferror(x->json) : 1, err);
    if (x->html)
        rc |= finish_html(x, err);
    return rc ? -1 : 0;
}
