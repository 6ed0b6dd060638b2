#!/bin/bash
# `warmer explore` (docs/EXPLORE.md) from the command line: every case has a
# stable name and runs alone with EXPLORE_ONLY=name. That it finds planted
# bugs is tests/mutants.sh.
#   bash tests/explore.sh WARMER     (WARMER may carry a wrapper: "valgrind ... build/warmer")
W=${1:-build/warmer}
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap '[ -f "$tmp/pids" ] && kill $(cat "$tmp/pids") 2>/dev/null; rm -rf "$tmp"' EXIT

run() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    $W explore "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err")"
    return 1
}
has() { grep -q -- "$2" "$tmp/$1.out" || { why="no /$2/ in the output"; return 1; }; }

case_runs_hold() {
    run $1 0 -- --runs 300 --seed 11 --out "$tmp/out" && has $1 "^explore: seed 11, 300 runs, all held$" &&
        { [ ! -e "$tmp/out" ] || { why="wrote $tmp/out without a failure"; return 1; }; }
}
# Same seed, same output, whatever -j (and nothing but the summary when piped).
case_same_seed_same_output() {
    run $1 0 -- --runs 200 --seed 5 -j 1 && cp "$tmp/$1.out" "$tmp/$1.j1" &&
        run $1 0 -- --runs 200 --seed 5 -j 4 &&
        { cmp -s "$tmp/$1.j1" "$tmp/$1.out" || { why="-j1 and -j4 differ"; return 1; }; } &&
        { [ ! -s "$tmp/$1.err" ] || { why="stderr when piped: $(head -c 200 "$tmp/$1.err")"; return 1; }; } &&
        run $1 0 -- --runs 200 --seed 6 &&
        { ! cmp -s "$tmp/$1.j1" "$tmp/$1.out" || { why="seeds 5 and 6 gave the same runs"; return 1; }; }
}
case_time_bound() {
    local s e
    s=$(date +%s)
    run $1 0 -- --time 2 --seed 3 && has $1 "^explore: seed 3, [0-9]* runs, all held$"
    e=$(date +%s)
    [ $((e - s)) -le 20 ] || { why="--time 2 took $((e - s)) s"; return 1; }
}
case_driver_forced() {
    run $1 0 -- --runs 40 --driver threads --faults none &&
        has $1 "drivers: sim 0, events 0, threads 40"
}
# Swarm: each kind is on in some runs and off in others; --faults limits them.
case_faults_swarm() {
    run $1 0 -- --runs 200 --seed 9 && has $1 "faults tried (runs): reset [1-9][0-9]*, half-close [1-9]" &&
        has $1 "stall [1-9][0-9]*, slow [1-9][0-9]*, delay [1-9][0-9]*, journal-limit [1-9][0-9]*, alloc-fail [1-9][0-9]*, split [1-9]" &&
        ! has $1 "reset 200" &&
        run $1 0 -- --runs 200 --seed 9 --faults reset,split &&
        has $1 "faults tried (runs): reset [1-9][0-9]*, half-close 0, stall 0, slow 0, delay 0, journal-limit 0, alloc-fail 0, split [1-9]" &&
        run $1 0 -- --runs 50 --faults none && has $1 "reset 0, half-close 0, stall 0, slow 0, delay 0, journal-limit 0, alloc-fail 0, split 0"
}
case_replay_goldens() {
    local f
    for f in fixtures/golden/book.txt fixtures/golden/full-int64.txt fixtures/golden/connections-3.txt \
        fixtures/golden/empty-range-game.txt fixtures/faults/combined.txt fixtures/faults/stall-server.txt; do
        run $1 0 -- --replay "$f" || return 1
        has $1 "^ok $f: the invariants hold under every " || return 1
    done
}
# start NAME CMD...: a server in the background; sets addr from its "listening on" line.
start() {
    local name=$1 i=0
    shift
    "$@" >/dev/null 2>"$tmp/$name.srv" &
    echo $! >>"$tmp/pids"
    addr=""
    while [ -z "$addr" ] && [ $i -lt 200 ]; do
        addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$tmp/$name.srv")
        sleep 0.05
        i=$((i + 1))
    done
    [ -n "$addr" ] || { why="$name did not start"; return 1; }
}
stop_all() {
    [ -f "$tmp/pids" ] && kill $(cat "$tmp/pids") 2>/dev/null
    wait 2>/dev/null
    rm -f "$tmp/pids"
}

# --connect: a correct server holds; the reference's exhaustion hang is found,
# shrunk, and its reproducer fails on that server and passes on warmer's.
case_connect_live_server() {
    start $1 ${W##* } serve --listen 127.0.0.1:0 --seed 77 || return 1
    run $1 0 -- --connect "$addr" --server-seed 77 --runs 150 --seed 4 || { stop_all; return 1; }
    stop_all
    has $1 "^explore: seed 4, 150 runs, all held$" || return 1
    command -v python3 >/dev/null || return 0
    start $1 python3 ci/refmodel.py serve --lenient --listen 127.0.0.1:0 --seed 1234 || return 1
    run $1 1 -- --connect "$addr" --runs 50 --seed 6 --timeout 1 --out "$tmp/live" || { stop_all; return 1; }
    stop_all
    has $1 "^  shrunk in [0-9]* runs to: 1 connection, game" && has $1 "^reproduce: against a fresh server" || return 1
    local file seed
    file=$(sed -n 's/^reproduce: .* \([^ ]*\)$/\1/p' "$tmp/$1.out")
    seed=$(sed -n 's/^# seed: //p' "$file")
    start $1 python3 ci/refmodel.py serve --lenient --listen 127.0.0.1:0 --seed "$seed" || return 1
    ${W##* } replay --server --connect "$addr" --timeout 1 "$file" >"$tmp/$1.rep" 2>&1
    local lenient=$?
    stop_all
    start $1 ${W##* } serve --listen 127.0.0.1:0 --seed "$seed" || return 1
    ${W##* } replay --server --connect "$addr" "$file" >>"$tmp/$1.rep" 2>&1
    local real=$?
    stop_all
    [ $lenient -eq 1 ] && [ $real -eq 0 ] ||
        { why="reproducer: exit $lenient on the lenient server (want 1), $real on warmer's (want 0)"; return 1; }
}
case_usage() {
    run $1 2 -- --runs 5 --time 5 && run $1 2 -- -j 0 && run $1 2 -- --frob &&
        run $1 2 -- --driver fibers && run $1 2 -- --replay fixtures/bad/empty-line.txt &&
        run $1 2 -- --faults reset,fire && grep -q 'unknown kind "fire"' "$tmp/$1.err" &&
        run $1 2 -- --replay /nonexistent && run $1 0 -- --help && has $1 "usage: warmer explore"
}

cases=$(declare -F | sed -n 's/^declare -f case_//p')
for c in $cases; do
    [ -n "$EXPLORE_ONLY" ] && [ "$EXPLORE_ONLY" != "$c" ] && continue
    why=""
    if "case_$c" "$c"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL explore/$c: $why"
        sed 's/^/    /' "$tmp/$c.out" 2>/dev/null | head -20
    fi
done
echo "explore: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
