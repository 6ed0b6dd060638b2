/* explore --replay's sets (replay_set.h). */
#include "replay_set.h"

#include <stdio.h>
#include <string.h>

int wm_replay_set(const struct wm_args *a, char *const *ops, size_t nops,
                  const struct wm_select *sel, wm_replay_fn fn, void *ctx)
{
    struct wm_files files, dropped;
    struct wm_err err;
    char note[8];
    if (wm_files_collect(&files, ops, nops, &err) < 0) {
        fprintf(stderr, "%s: --replay: %s\n", a->cmd, err.msg);
        return WM_EXIT_USAGE;
    }
    if (wm_select_apply(sel, "explore", &files, &dropped, note, sizeof note, &err) < 0) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        wm_files_free(&files);
        return WM_EXIT_USAGE;
    }
    int worst = WM_EXIT_OK;
    /* a set: anything but one FILE named as such (a DIR, several, -k) */
    int set = !(nops == 1 && files.n == 1 && strcmp(files.paths[0], ops[0]) == 0 && !sel->nkeys);
    size_t held = 0, skipped = 0;
    for (size_t k = 0; k < files.n; k++) {
        int rc = fn(a, ctx, files.paths[k], set);
        held += rc == WM_EXIT_OK;
        skipped += rc == WM_REPLAY_SKIPPED;
        if (rc > worst)
            worst = rc;
    }
    if (set) {
        printf("explore --replay: %zu held, %zu failed, %zu skipped", held,
               files.n - held - skipped, skipped);
        if (dropped.n)
            printf(", %zu deselected", dropped.n);
        if (skipped == files.n) { /* a CI job must not pass on nothing replayed */
            printf(" (nothing replayed)");
            worst = WM_EXIT_USAGE;
        }
        printf("\n");
    }
    wm_files_free(&dropped);
    wm_files_free(&files);
    return worst;
}
