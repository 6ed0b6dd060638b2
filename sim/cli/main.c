/* warmer: entry point; one command per file (cmd_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define WM_VERSION "0.9.0"
/* The Makefile passes `git describe --always --dirty` when it builds from a
 * checkout; a tarball has no git: the version alone. */
#ifndef WM_GIT_REV
#define WM_GIT_REV ""
#endif

static const char help[] =
    "usage: warmer COMMAND [options] [operands]   (warmer COMMAND --help for each)\n"
    "       warmer --version\n"
    "  run      simulate client and server, print the transcript or the book run\n"
    "  check    re-run transcripts from their headers and compare (--update rewrites)\n"
    "  review   show each failing transcript's diff and accept (update), skip or quit\n"
    "  replay   play one side of a transcript against a server or client and check the other\n"
    "  client   a real client over TCP; prints its transcript\n"
    "  serve    a real server over TCP until SIGINT/SIGTERM (connection k gets seed + k)\n"
    "  interop  replay transcripts against a fresh server or client started from a command\n"
    "  record   a recording proxy between a real client and server; prints the transcript\n"
    "  explore  seeded swarm runs held to invariants; shrinks and writes a failure\n"
    "  load     a load generator for a live server: throughput, latency, every reply checked\n"
    "  report   renders (and merges) JSON reports as one self-contained HTML page\n"
    "Exit: 0 ok, 1 a check, replay or session failed, 2 bad usage or a bad input file.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(struct wm_args *);
    } cmds[] = {{"run", wm_cmd_run},       {"check", wm_cmd_check}, {"replay", wm_cmd_replay},
                {"review", wm_cmd_review},
                {"client", wm_cmd_client}, {"serve", wm_cmd_serve},
                {"interop", wm_cmd_interop}, {"record", wm_cmd_record},
                {"explore", wm_cmd_explore}, {"load", wm_cmd_load},
                {"report", wm_cmd_report}};
    const char *version = WM_GIT_REV[0] ? "warmer " WM_VERSION " (" WM_GIT_REV ")"
                                        : "warmer " WM_VERSION;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? WM_EXIT_USAGE : WM_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        puts(version);
        return fflush(stdout) != 0 || ferror(stdout) ? WM_EXIT_FAIL : WM_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            char cmd[64];
            snprintf(cmd, sizeof cmd, "warmer %s", cmds[i].name);
            struct wm_args a = {argc, argv, 2, cmd, argv[0], version, NULL, 0};
            int rc = cmds[i].fn(&a);
            free(a.ops);
            int had_error = ferror(stdout); /* an earlier write failed: its errno is gone */
            if (fflush(stdout) != 0) {
                perror("warmer: writing output");
                return WM_EXIT_FAIL;
            }
            if (had_error) {
                fputs("warmer: writing output: a write to standard output failed\n", stderr);
                return WM_EXIT_FAIL;
            }
            return rc;
        }
    }
    fprintf(stderr, "warmer: unknown command \"%s\"\n%s", argv[1], help);
    return WM_EXIT_USAGE;
}
