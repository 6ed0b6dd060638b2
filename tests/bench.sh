#!/bin/bash
# The benches that print figures must not rot unseen: bench/bench_explore.sh
# in its quick mode (BENCH_QUICK=1) must print its table in shape, with a
# number where a found bug's times go. Never a check on the figures
# themselves. Every case runs alone with ONLY=name (tests/lib.sh).
#   bash tests/bench.sh WARMER
# MUTANTS_DIR and the build variables reach the mutants' builds, as for
# tests/mutants.sh (whose builds are reused when current).
W=${1:-build/warmer}
src=$(cd "$(dirname "$0")/.." && pwd) || exit 2
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init bench

bench() {
    local name=$1 want=$2
    shift 2
    env BENCH_QUICK=1 "$@" bash "$src/bench/bench_explore.sh" "$W" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(grep -m1 'cannot measure' "$tmp/$name.out")$(head -c 300 "$tmp/$name.err")"
    return 1
}
# Every line of the output matching the extended regex, once at least.
has() { grep -Eq -- "$2" "$tmp/$1.out" || { why="no line matches /$2/"; return 1; }; }
count() {
    local n
    n=$(grep -Ec -- "$2" "$tmp/$1.out")
    [ "$n" -eq "$3" ] || { why="$n lines match /$2/, want $3"; return 1; }
}

num='[0-9]+\.[0-9]{3}' secs='[0-9]+\.[0-9]{2} s'
case_quick_table() {
    bench $1 0 EXPLORE_BENCH_RUNS=50 &&
        has $1 '^explore: runs a second, --seed 1 --runs 50, the best of 1 rounds each$' &&
        count $1 "^  baseline: in-process, -j 1 +$secs, +[0-9]+ runs/s$" 1 &&
        count $1 "^ +(in-process|a child per run), -j [0-9]+ +$secs, +[0-9]+ runs/s, +[0-9]+\.[0-9]{2}x the baseline$" 3 &&
        has $1 '^  mutant +run +find s +shrink s +shrink runs$' &&
        count $1 "^  no-finally +[0-9]+ +$num +$num +[0-9]+$" 1 &&
        count $1 "^  params-accepts-plus +- +- +- +-  not found within 100 runs \($num s\)$" 1 &&
        count $1 '^  ' 7
}
# What cannot be measured fails the bench, naming the mutant.
case_unknown_mutant_fails() {
    bench $1 1 EXPLORE_BENCH_RUNS=5 EXPLORE_BENCH_MUTANTS=no-such-bug &&
        count $1 '^  no-such-bug +cannot measure: no tests/mutants/no-such-bug.patch$' 1
}

lib_run_cases
