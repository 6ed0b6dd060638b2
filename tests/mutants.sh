#!/bin/bash
# `warmer explore` must find planted bugs (docs/EXPLORE.md, "Planted bugs").
# Each tests/mutants/NAME.patch is applied to a copy of proto/, sim/ and the
# Makefile in build/mutants/NAME/, built there, and explored with --seed 1:
# the first failure must come within NAME's run bound, shrink to at most 2
# connections and 2 games, and its `reproduce:` command must fail with the
# mutant the same way 3 times of 3 (explore replayed the file itself before
# it reported it) and pass with the real build. Every case runs alone with
# ONLY=NAME (tests/lib.sh; LIST=1 lists them).
#   bash tests/mutants.sh [REAL_WARMER]
# CC, CFLAGS, CPPFLAGS and LDFLAGS reach the mutants' builds; JOBS is their -j;
# MUTANTS_DIR (default build/mutants) holds them.

# shellcheck source=tests/mutants_lib.sh
. "$(dirname "$0")/mutants_lib.sh"
# A check of its own after the common ones, for the mutant that needs one.
declare -A extra=(
    [loops-on-exhausted-range]=hang_budgets
)

src=$(cd "$(dirname "$0")/.." && pwd) || exit 2
real=${1:-build/warmer}
case $real in /*) ;; *) real=$PWD/$real ;; esac
[ -x "$real" ] || { echo "mutants: no real warmer at $real" >&2; exit 2; }
top=${MUTANTS_DIR:-$src/build/mutants}
case $top in /*) ;; *) top=$PWD/$top ;; esac
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# A make above us (make mutants) must not hand its jobserver to ours.
unset MAKEFLAGS MFLAGS MAKELEVEL

# shellcheck source=tests/lib.sh
. "$src/tests/lib.sh"
lib_init mutants
start=$(date +%s)

# Connections and games of a scenario as wm_scn_describe writes it:
# "1 connection, games 0:0:0:1 0:0:0:1, seed 0".
small_scenario() {
    local conns games
    conns=${1%% *}
    games=${1#* connection* game}
    games=${games#s}
    games=${games%, seed *}
    games=${games%, profile *} # a book profile's scenario names it
    # shellcheck disable=SC2086
    set -- $games
    [ "$games" = " none" ] && set --
    local g n=0
    for g in "$@"; do case $g in "("* | *")") ;; *) n=$((n + 1)) ;; esac; done # not a move's "(+1*2^64)", "(number -2^85)"
    [ "$conns" -le 2 ] && [ $n -le 2 ]
}

case_mutant() {
    local name=$1 runs=${within[$1]} dir=$top/$1 out k kind spent scen line rest rc
    build_mutant "$name" "$dir" || return 1
    local mut=$dir/build/warmer
    out=$dir/out
    rm -rf "$out"
    # shellcheck disable=SC2086
    timeout "${seconds[$name]:-$EXPLORE_TIMEOUT}" "$mut" explore --seed 1 --runs "$runs" --out "$out" \
        ${options[$name]} >"$dir/explore.out" 2>"$dir/explore.err"
    rc=$?
    [ "$rc" -eq 1 ] || { why="explore exited $rc, want 1 (a failure within $runs runs)"; return 1; }
    k=$(sed -n 's/^FAIL run \([0-9]*\) of seed 1$/\1/p' "$dir/explore.out")
    [ -n "$k" ] || { why="no 'FAIL run K of seed 1' line"; return 1; }
    [ "$k" -lt "$runs" ] || { why="found in run $k, not within $runs runs"; return 1; }
    kind=$(sed -n 's/^  found: \([a-z-]*\).*/\1/p' "$dir/explore.out")
    [ -n "$kind" ] || { why="no '  found: KIND' line"; return 1; }
    case " ${kinds[$name]} " in
    *" $kind "*) ;;
    *) why="found by '$kind', want one of: ${kinds[$name]}"; return 1 ;;
    esac
    spent=$(sed -n 's/^  shrunk in \([0-9]*\) runs to: .*/\1/p' "$dir/explore.out")
    scen=$(sed -n 's/^  shrunk in [0-9]* runs to: //p' "$dir/explore.out")
    [ -n "$spent" ] || { why="no 'shrunk in S runs to:' line"; return 1; }
    small_scenario "$scen" || { why="shrunk to more than 2 connections or 2 games: $scen"; return 1; }
    line=$(grep -m1 '^reproduce: ' "$dir/explore.out")
    rest=${line#"reproduce: $mut explore --replay "}
    [ "$rest" != "$line" ] || { why="no 'reproduce: $mut explore --replay FILE' line"; return 1; }
    eval "set -- $rest" # the file name as explore quoted it, then a budget's options
    [ -f "$1" ] || { why="the reproduce line names no file: $rest"; return 1; }
    local i sig
    sig=$(grep -m1 '^  fails: ' "$dir/explore.out")
    sig=${sig#  fails: }
    sig=${sig%%[ :,]*} # the kind: a replay names no connection of a malformed run
    for i in 1 2 3; do # it fails every time, the same way
        timeout "$EXPLORE_TIMEOUT" "$mut" explore --replay "$@" >"$dir/replay-mutant.out" 2>&1
        rc=$?
        [ "$rc" -eq 1 ] || { why="replay $i of 3 of the reproducer exited $rc with the mutant, want 1: $(head -c 300 "$dir/replay-mutant.out")"; return 1; }
        grep -q "^  fails: $sig[ :,]" "$dir/replay-mutant.out" ||
            { why="replay $i of 3 failed otherwise than '$sig': $(grep -m1 '^  fails: ' "$dir/replay-mutant.out")"; return 1; }
    done
    grep -qx "  replayed the file (--replay): failed the same way" "$dir/explore.out" ||
        { why="explore did not replay the file it reports: $(grep -m1 '^  replayed the file' "$dir/explore.out")"; return 1; }
    timeout "$EXPLORE_TIMEOUT" "$real" explore --replay "$@" >"$dir/replay-real.out" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] || { why="the reproducer exited $rc with the real build, want 0: $(head -c 300 "$dir/replay-real.out")"; return 1; }
    if [ -n "${extra[$name]}" ]; then "${extra[$name]}" "$mut" "$k" "$dir" || return 1; fi
    echo "ok $name: found in run $k ($((k + 1)) runs), shrunk in $spent runs to: $scen"
}

# A hang with --no-fork and one run: explore cannot kill its own process, so
# its watchdog stops it within the budget (2 s, seen within 10) and says so.
hang_without_fork() {
    local mut=$1 k=$2 dir=$3 t0 rc
    t0=$(date +%s)
    timeout 60 "$mut" explore --no-fork --seed 1 --run "$k" --run-timeout 2 --out "$dir/nofork" \
        >"$dir/nofork.out" 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || { why="--no-fork --run $k exited $rc, want 1: $(head -c 300 "$dir/nofork.out")"; return 1; }
    [ $(($(date +%s) - t0)) -le 10 ] || { why="--no-fork --run $k took $(($(date +%s) - t0)) s, budget 2 s"; return 1; }
    grep -q "^  found: hang: the run was still going after 2 s" "$dir/nofork.out" &&
        grep -qx "reproduce: $mut explore --seed 1 --run $k --run-timeout 2" "$dir/nofork.out" ||
        { why="--no-fork: $(head -c 300 "$dir/nofork.out")"; return 1; }
}

# The hang found with the default budget (--run-timeout auto), every shrink
# step that hung and the re-runs under the shrink's budget, not the detection
# one (a hang would cost up to 120 s a step); the reproduce line, as the
# default needs, names no budget. Then the --no-fork checks.
hang_budgets() {
    local mut=$1 k=$2 dir=$3 out=$3/explore.out
    grep -q "^  found: hang: the run was still going after [0-9.]* s (--run-timeout auto: 50 x the slowest finished run, at least 10 s, at most 120 s): its process was killed$" "$out" ||
        { why="the found hang does not name --run-timeout auto: $(grep -m1 '^  found:' "$out")"; return 1; }
    grep -q "^  fails: hang: the run was still going after [0-9.]* s (the shrink's budget: 5 x the slowest finished run, at least 0.5 s, at most the run's budget): its process was killed$" "$out" ||
        { why="the shrunk hang does not name the shrink's budget: $(grep -m1 '^  fails:' "$out")"; return 1; }
    grep -qx "  re-ran 3 times: failed every time" "$out" ||
        { why="the shrunk hang does not fail every re-run under the shrink's budget"; return 1; }
    ! grep -q "^reproduce: .*--run-timeout" "$out" ||
        { why="the reproduce line names a budget, the default needs none: $(grep -m1 '^reproduce:' "$out")"; return 1; }
    hang_without_fork "$@" || return 1
    # --no-fork under the default: the watchdog's budget is auto's too
    timeout 60 "$mut" explore --no-fork --seed 1 --run "$k" --out "$dir/nofork-auto" \
        >"$dir/nofork-auto.out" 2>&1
    local rc=$?
    [ "$rc" -eq 1 ] || { why="--no-fork --run $k (auto) exited $rc, want 1: $(head -c 300 "$dir/nofork-auto.out")"; return 1; }
    grep -q "^  found: hang: the run was still going after 10 s (--run-timeout auto: " "$dir/nofork-auto.out" &&
        grep -qx "reproduce: $mut explore --seed 1 --run $k" "$dir/nofork-auto.out" ||
        { why="--no-fork (auto): $(head -c 400 "$dir/nofork-auto.out")"; return 1; }
}

# A case per patch, named after it: the runner (tests/lib.sh) runs them.
# mutant_case NAME: the checks above on tests/mutants/NAME.patch; 2 (skipped)
# for a mutant explore cannot see. A failure's details go to $tmp/NAME.out.
mutant_case() {
    local name=$1 p="$src/tests/mutants/$1.patch"
    if [ -n "${unseen[$name]}" ]; then
        why="explore cannot see it: ${unseen[$name]}"
        return 2
    fi
    if ! head -n 1 "$p" | grep -q '^# [a-z-]*: .'; then
        why="the first line is not '# $name: the bug it plants'"
    elif [ -z "${within[$name]}" ] || [ -z "${kinds[$name]}" ]; then
        why="no run bound or invariant: add it to 'within' and 'kinds' (or 'unseen') in tests/mutants_lib.sh"
    elif case_mutant "$name"; then
        return 0
    fi
    { echo "plants: $(sed -n '1s/^# //p' "$p")"; cat "$top/$name/explore.out" 2>/dev/null; } >"$tmp/$name.out"
    return 1
}
lib_cases() { for p in "$src"/tests/mutants/*.patch; do basename "$p" .patch; done; }
lib_call_case() { mutant_case "$1"; }
lib_skip_status=2
lib_run_cases
rc=$?
echo "mutants: in $(($(date +%s) - start)) s"
exit $rc
