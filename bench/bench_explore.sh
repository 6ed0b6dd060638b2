#!/bin/bash
# explore's figures (docs/EXPLORE.md, "Figures"): runs a second as ratios
# against in-process runs on one thread, measured in the same rounds, and the
# median time to find and to shrink each planted bug of tests/mutants/, built
# as tests/mutants.sh builds it (tests/mutants_lib.sh) and explored with its
# command. Figures, never a pass or fail on time; it fails only when it cannot
# measure (a mutant that does not build, an explore that crashes).
#   bash bench/bench_explore.sh [WARMER]
# EXPLORE_BENCH_RUNS   runs of --seed 1 a rate is measured on (default 1000)
# EXPLORE_BENCH_ROUNDS rounds: a rate is the best, a mutant's time the median (3)
# EXPLORE_BENCH_MUTANTS the mutants measured (default: every tests/mutants/*.patch)
# EXPLORE_BENCH_MAX_RUNS caps each mutant's run bound (default: none)
# BENCH_QUICK=1        200 runs, 1 round, two mutants capped at 100 runs: the
#                      table's shape in seconds (tests/bench.sh)
# MUTANTS_DIR, JOBS, CC, CFLAGS, CPPFLAGS, LDFLAGS: as tests/mutants.sh. A
# mutant built there from sources no newer than its build is reused.

src=$(cd "$(dirname "$0")/.." && pwd) || exit 2
# shellcheck source=tests/mutants_lib.sh
. "$src/tests/mutants_lib.sh"
W=${1:-build/warmer}
case $W in /*) ;; *) W=$PWD/$W ;; esac
[ -x "$W" ] || { echo "bench_explore: no warmer at $W" >&2; exit 2; }
[ -n "$EPOCHREALTIME" ] || { echo "bench_explore: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }
top=${MUTANTS_DIR:-$src/build/mutants}
case $top in /*) ;; *) top=$PWD/$top ;; esac
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
unset MAKEFLAGS MFLAGS MAKELEVEL
if [ -n "$BENCH_QUICK" ]; then
    runs=${EXPLORE_BENCH_RUNS:-200} rounds=${EXPLORE_BENCH_ROUNDS:-1}
    names=${EXPLORE_BENCH_MUTANTS:-no-finally params-accepts-plus}
    cap=${EXPLORE_BENCH_MAX_RUNS:-100}
else
    runs=${EXPLORE_BENCH_RUNS:-1000} rounds=${EXPLORE_BENCH_ROUNDS:-3}
    names=${EXPLORE_BENCH_MUTANTS:-$(cd "$src/tests/mutants" && ls -- *.patch | sed 's/\.patch$//')}
    cap=${EXPLORE_BENCH_MAX_RUNS:-}
fi
ncpu=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# The median of the numbers on stdin (the lower middle of an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# ---- runs a second ----------------------------------------------------------
# Each round times every setup once, so the baseline sits beside what is
# compared with it; each figure is the best of its rounds.
setups=("--no-fork -j 1" "--no-fork -j $ncpu" "-j 1" "-j $ncpu")
labels=("in-process, -j 1" "in-process, -j $ncpu" "a child per run, -j 1" "a child per run, -j $ncpu")
declare -A best=()
for ((r = 0; r < rounds; r++)); do
    for i in "${!setups[@]}"; do
        t0=$(now)
        # shellcheck disable=SC2086
        "$W" explore --seed 1 --runs "$runs" --out "$tmp/rate" ${setups[$i]} >"$tmp/rate.out" 2>&1 ||
            { echo "bench_explore: explore ${setups[$i]} failed: $(head -c 300 "$tmp/rate.out")" >&2; exit 1; }
        t=$(since "$t0")
        [ -z "${best[$i]}" ] || awk -v a="$t" -v b="${best[$i]}" 'BEGIN { exit !(a < b) }' && best[$i]=$t
    done
done
echo "explore: runs a second, --seed 1 --runs $runs, the best of $rounds rounds each"
for i in "${!setups[@]}"; do
    awk -v l="${labels[$i]}" -v t="${best[$i]}" -v b="${best[0]}" -v n="$runs" -v i="$i" 'BEGIN {
        r = n / t
        if (i == 0)
            printf "  baseline: %-22s %7.2f s, %7.0f runs/s\n", l, t, r
        else
            printf "            %-22s %7.2f s, %7.0f runs/s, %5.2fx the baseline\n", l, t, r, b / t
    }'
done

# ---- planted bugs -----------------------------------------------------------
# A build from sources no newer than it is the one build_mutant would make.
current() {
    local name=$1 dir=$2
    [ -x "$dir/build/warmer" ] &&
        [ -z "$(find "$src/proto" "$src/sim" "$src/Makefile" "$src/tests/mutants/$name.patch" \
            -newer "$dir/build/warmer" -print -quit)" ]
}

# One explore of NAME with tests/mutants.sh's command (--reruns 0: the shrink
# ends the run, so its time is from the found case's line to the exit).
# Prints "K FIND SHRINK SPENT", "none TOTAL" when it held, or nothing.
explore_once() {
    local name=$1 bound=$2 mut=$3 t0 tf="" line rc k="" spent=""
    rm -rf "$tmp/out"
    t0=$(now)
    # shellcheck disable=SC2086
    while IFS= read -r line; do
        case $line in
        "FAIL run "*) k=${line#FAIL run }; k=${k%% *} ;;
        "  wrote "*"(as found)") tf=$(now) ;;
        "  shrunk in "*) spent=${line#  shrunk in }; spent=${spent%% *} ;;
        esac
        echo "$line" >>"$tmp/$name.out"
    done < <(timeout "$EXPLORE_TIMEOUT" "$mut" explore --seed 1 --runs "$bound" --out "$tmp/out" \
        --reruns 0 ${options[$name]} 2>"$tmp/$name.err"; echo "exit $?")
    rc=$(sed -n 's/^exit //p' "$tmp/$name.out" | tail -n 1)
    if [ "$rc" = 0 ]; then
        echo "none $(since "$t0")"
    elif [ "$rc" = 1 ] && [ -n "$k" ] && [ -n "$tf" ] && [ -n "$spent" ]; then
        echo "$k $(awk -v a="$t0" -v b="$tf" 'BEGIN { printf "%.3f", b - a }') $(since "$tf") $spent"
    fi
}

echo "planted bugs (tests/mutants/): explore --seed 1 --runs BOUND --reruns 0 [its options], the median of $rounds rounds"
printf '  %-26s %6s %8s %9s %12s\n' mutant run "find s" "shrink s" "shrink runs"
for name in $names; do
    bound=${within[$name]:-3000}
    [ -n "$cap" ] && [ "$bound" -gt "$cap" ] && bound=$cap
    dir=$top/$name why=""
    if ! { [ -f "$src/tests/mutants/$name.patch" ] || { why="no tests/mutants/$name.patch"; false; }; } ||
        ! { current "$name" "$dir" || build_mutant "$name" "$dir"; }; then
        printf '  %-26s cannot measure: %s\n' "$name" "$why"
        status=1
        continue
    fi
    : >"$tmp/$name.times"
    for ((r = 0; r < rounds; r++)); do
        : >"$tmp/$name.out"
        explore_once "$name" "$bound" "$dir/build/warmer" >>"$tmp/$name.times"
    done
    if [ "$(wc -l <"$tmp/$name.times")" -ne "$rounds" ] ||
        [ "$(cut -d' ' -f1 "$tmp/$name.times" | sort -u | wc -l)" -ne 1 ]; then
        printf '  %-26s cannot measure: explore exited %s: %s\n' "$name" \
            "$(sed -n 's/^exit //p' "$tmp/$name.out" | tail -n 1)" "$(head -c 200 "$tmp/$name.err")"
        status=1
    elif [ "$(head -c 4 "$tmp/$name.times")" = "none" ]; then
        printf '  %-26s %6s %8s %9s %12s  not found within %s runs (%s s)\n' "$name" - - - - "$bound" \
            "$(cut -d' ' -f2 "$tmp/$name.times" | median)"
    else
        printf '  %-26s %6s %8s %9s %12s\n' "$name" "$(head -n 1 "$tmp/$name.times" | cut -d' ' -f1)" \
            "$(cut -d' ' -f2 "$tmp/$name.times" | median)" "$(cut -d' ' -f3 "$tmp/$name.times" | median)" \
            "$(cut -d' ' -f4 "$tmp/$name.times" | median)"
    fi
done
exit $status
