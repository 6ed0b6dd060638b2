#!/bin/bash
# What tests/mutants.sh and bench/bench_explore.sh share about the planted
# bugs of tests/mutants/ (docs/EXPLORE.md, "Planted bugs"): each one's run
# bound, the invariants that may find it, its explore options, and how it is
# built. Sourced; the caller sets src (the checkout), jobs (make -j) and why.

# Runs within which --seed 1 must find each mutant: 4x the runs it needed when
# measured (docs/EXPLORE.md has the figures), and at least 100, so a change to
# how scenarios are drawn does not fail a bug that explore still finds at once.
declare -A within=(
    [events-drops-last-chunk]=100
    [judge-equal-distance]=100
    [no-finally]=100
    [params-keeps-guesses]=100
    [randint-off-by-one]=100
    [split-line-loses-byte]=100
    [merge-client-first]=1000
    [fault-path-leaks]=100
    [settle-ignores-server]=100
    [assert-fires]=100
    [seed-key-without-index]=100
    [summary-drops-last]=100
    [loops-on-exhausted-range]=100
    [params-accepts-plus]=1000
    [framer-accepts-delete]=3000 # 905 under --profile strict (its options): its runs are strict ones
    [pyint-rejects-plus]=1200 # run 568 (half the book's malformed runs corrupt a guess instead)
    [client-skips-upper-bound]=800 # run 193 (strict runs: half corrupt a guess)
    [book-randint-bits-of-span]=100
    [book-client-strict-lines]=1200  # run 255 (a corrupted guess the book's client reads)
    [book-client-keeps-last-byte]=100 # run 2 (the same, cut before its newline)
    [reset-one-value-between]=400 # run 89: the reset probe, in a game of one value
    [big-sticky-skips-word]=200 # run 49 (a guess on a rounding tie for the book's client)
    [big-sticky-reads-word-zero]=420 # run 104 (a near-tie 2^k off, k in a middle word)
    [alloc-fail-refuses-every-call]=100 # run 0 (the plan's refused allocation is checked)
    [history-swallows-oom]=400 # run 88 (with its options: plans of alloc-fail, slow and delay)
)
# The invariants (docs/EXPLORE.md) that may find each: one found for another
# reason (a harness failure, say) does not count.
declare -A kinds=(
    [events-drops-last-chunk]="differential server-error" # server-error: the events run's transcript, first or second
    [judge-equal-distance]=decision
    [no-finally]=client-error
    [params-keeps-guesses]=server-error
    [randint-off-by-one]="guess server-error" # guess: the oracle's draw (before: NUMBER gave up)
    [split-line-loses-byte]="server-error range repeat decision client-error run" # run: a lost byte can leave a side waiting forever
    [merge-client-first]="order written" # written: the streamed order disagrees with the merge
    [fault-path-leaks]=leak
    [settle-ignores-server]=written
    [assert-fires]=crash
    [seed-key-without-index]=guess        # the oracle's own MT19937 draws otherwise
    [summary-drops-last]=summary          # the console's summary, checked by the oracle
    [loops-on-exhausted-range]=hang       # the watchdog kills the run's child
    [params-accepts-plus]=malformed       # the classifier of a corrupted client line
    [framer-accepts-delete]=malformed     # the same, on the line layer
    [pyint-rejects-plus]=malformed        # the book's classifier (--profile book): int('+5') is 5
    [client-skips-upper-bound]=malformed  # a corrupted guess: the client's classifier
    [book-randint-bits-of-span]=guess     # the oracle's draw beyond int64, under a drawn book profile
    [book-client-strict-lines]=malformed  # a corrupted guess: the book client's model (classify_bcli.c)
    [book-client-keeps-last-byte]=malformed # the same, the guess cut before its newline
    [reset-one-value-between]=reset       # the reset probe's abort: the server's report, exactly
    [big-sticky-skips-word]=malformed     # a guess on a rounding tie: the book client's model
    [big-sticky-reads-word-zero]=malformed # the same, 2^k beside it
    [alloc-fail-refuses-every-call]=fault # an alloc-fail plan refuses its K-th allocation, no other
    [history-swallows-oom]=fault          # a refusal must show as an out-of-memory error
)
# Extra options for a mutant's explore runs (and its reproducer's replays).
declare -A options=(
    [loops-on-exhausted-range]="-j 2" # the default budget: --run-timeout auto
    [pyint-rejects-plus]="--profile book"
    [framer-accepts-delete]="--profile strict"
    [params-accepts-plus]="--profile strict"
    [history-swallows-oom]="--faults alloc-fail,slow,delay" # only there is a missing error a finding
)
# Mutants explore cannot see without --memcheck, and why: kept, never asserted.
declare -A unseen=(
    [hist-overread]="it changes no output: only --memcheck sees it (tests/explore.sh, memcheck_finds_overread)"
    [events-leaks-table]="a plain calloc the leak invariant does not count: only --memcheck sees it (tests/explore.sh, memcheck_finds_leak)"
)
EXPLORE_TIMEOUT=300 # seconds; every explore, replay and build is bounded by it
# More for a hang's explore: each shrinking step that hangs costs its budget
# (5 x the slowest finished run), and the slowest run is the host's: twice
# in a full suite (and never alone) the shrink took another path and ended
# just past 300 s, its report written
declare -A seconds=([loops-on-exhausted-range]=600)

# Copies the sources to $dir, applies the patch, builds build/warmer there.
build_mutant() {
    local name=$1 dir=$2
    if ! { rm -rf "$dir" && mkdir -p "$dir" && cp -R "$src/proto" "$src/sim" "$src/Makefile" "$dir/"; }; then
        why="cannot copy the sources to $dir"
        return 1
    fi
    patch -p1 -N -f -s -d "$dir" -i "$src/tests/mutants/$name.patch" >"$dir/patch.log" 2>&1 ||
        { why="the patch does not apply: $(head -c 300 "$dir/patch.log")"; return 1; }
    timeout "$EXPLORE_TIMEOUT" make -C "$dir" -j"$jobs" build/warmer >"$dir/make.log" 2>&1 ||
        { why="the build failed: $(tail -c 400 "$dir/make.log")"; return 1; }
}
