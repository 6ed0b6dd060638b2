#!/bin/bash
# `warmer explore --server 'CMD'` and `--client 'CMD'` (docs/EXPLORE.md,
# "A fresh process per run"): every case has a stable name and runs alone
# with ONLY=name (tests/lib.sh). The peers: warmer's own serve and client, the
# book's (tests/book_serve.py) and copies of it with one deviation
# (tests/deviant_peer.py). Each run starts a Python peer (0.1 to 0.7 s on a
# loaded machine), so the runs are few and chosen small (--run K).
#   bash tests/explore_live.sh WARMER     (WARMER may carry a wrapper: "valgrind ... build/warmer")
W=${1:-build/warmer}
WB=${W##* } # the binary alone, for the peers and reproduce lines
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init explore_live
lib_skip_status=2 # a case without its peer (python3) is skipped
BOOK="python3 tests/book_serve.py threaded --port {port} --seed {seed}"

run() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    $W explore "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err") $(grep -m1 found: "$tmp/$name.out")"
    return 1
}
python() { command -v python3 >/dev/null || { why="SKIP: no python3"; return 2; }; }
# The reproduce: line of NAME's output, run N times: each must exit WANT.
repro() {
    local name=$1 n=$2 want=$3 line got i
    line=$(sed -n 's/^reproduce: //p' "$tmp/$name.out")
    [ -n "$line" ] || { why="no reproduce: line"; return 1; }
    for i in $(seq "$n"); do
        eval "$line" >"$tmp/$name.rep$i" 2>&1
        got=$?
        [ "$got" -eq "$want" ] || { why="reproduce run $i of $n: exit $got, want $want: $line: $(head -c 300 "$tmp/$name.rep$i")"; return 1; }
    done
}

# warmer's own server, started afresh per run, holds (and exits 0 on SIGTERM).
case_server_warmer_holds() {
    run $1 0 -- --server "$WB serve --listen 127.0.0.1:{port} --seed {seed}" --runs 12 --seed 3 \
        --timeout 2 --out "$tmp/$1.dir" && has $1 "^explore: seed 3, 12 runs, all held$" &&
        has $1 "^  tried: 1[2-9] connections"
}
# A server that ends badly once stopped is a finding (kind exit), as interop judges one.
case_server_exit_judged() {
    run $1 1 -- --server "$WB serve --listen 127.0.0.1:{port} --seed {seed}; exit 3" --runs 5 \
        --faults none --timeout 2 --reruns 2 --out "$tmp/$1.dir" &&
        has $1 "^  found: exit: the server exited with status 3 after SIGTERM$" &&
        has $1 "^  re-ran 2 times: failed every time$"
}
# The book's threaded server holds under --profile book: its hang on an
# exhausted range is expected, not a finding.
case_server_book_holds() {
    python || return
    run $1 0 -- --server "$BOOK" --profile book --runs 4 --seed 1 --timeout 2 --out "$tmp/$1.dir" &&
        has $1 "^explore: seed 1, 4 runs, all held$"
}
# A deviant copy of the book's server (it closes on REPORT Colder) is found;
# its reproduce line fails every time on it and passes on the book's own.
case_server_deviant_found() {
    python || return
    run $1 1 -- --server "python3 tests/deviant_peer.py colder-closes threaded --port {port} --seed {seed}" \
        --profile book --seed 1 --run 193 --faults none --timeout 1 --out "$tmp/$1.dir" &&
        has $1 "^  found: live at line [0-9]*, connection 1: the server (connection 1, seed [0-9]*) differs from the model at line [0-9]*: \"S! close\"" &&
        has $1 "^  re-ran 3 times: failed every time$" &&
        has $1 "^reproduce: $WB interop --server 'python3 tests/deviant_peer.py colder-closes" &&
        repro $1 3 1 || return 1
    sed -i 's/deviant_peer.py colder-closes/book_serve.py/' "$tmp/$1.out"
    repro $1 1 0
}
# The book's threaded server as the book has it (one generator for the
# process, the endless draw going on drawing from it after a hang:
# deviant_peer.py shared-rng). Against one long-running server (--connect)
# every run after the first hang sees other guesses (runs 1 to 3 of seed 1
# fail there, `live@S:N`, and the shrunk case is flaky); against a fresh
# process per run they hold, the hang is found, shrinks to the same case on
# two invocations, and fails every time.
SHARED="python3 tests/deviant_peer.py shared-rng threaded --port {port} --seed {seed}"
case_server_fresh_state() {
    python || return
    local k
    for k in 1 2 3; do
        run $1 0 -- --server "$SHARED" --seed 1 --run $k --faults none --timeout 2 --out "$tmp/$1.dir" &&
            has $1 "^explore: seed 1, run $k, all held$" || return 1
    done
}
case_server_hang_same_shrink() {
    python || return
    run $1 1 -- --server "$SHARED" --seed 1 --run 107 --faults none --timeout 1 --reruns 3 \
        --out "$tmp/$1.a" && has $1 "^  found: hang, connection 1: against the fresh server" &&
        has $1 "^  re-ran 3 times: failed every time$" || return 1
    grep -v '^  wrote\|^reproduce\|^  from' "$tmp/$1.out" >"$tmp/$1.first"
    run $1 1 -- --server "$SHARED" --seed 1 --run 107 --faults none --timeout 1 --reruns 3 \
        --out "$tmp/$1.b" || return 1
    grep -v '^  wrote\|^reproduce\|^  from' "$tmp/$1.out" >"$tmp/$1.second"
    cmp -s "$tmp/$1.first" "$tmp/$1.second" ||
        { why="two runs differ: $(diff "$tmp/$1.first" "$tmp/$1.second" | head -5)"; return 1; }
    repro $1 3 1
}
# warmer's own client, started afresh per run against the run's server side, holds.
case_client_warmer_holds() {
    run $1 0 -- --client "$WB client --connect 127.0.0.1:{port} {games} --timeout 2" --runs 20 \
        --seed 2 --timeout 2 --out "$tmp/$1.dir" && has $1 "^explore: seed 2, 20 runs, all held$" &&
        has $1 "^  tried: 20 connections"
}
# A deviant copy of the book's client (an equal distance judged Colder) is
# found; its reproduce line fails every time on it and passes on the book's.
case_client_deviant_found() {
    python || return
    run $1 1 -- --client "python3 tests/deviant_peer.py equal-is-colder client --port {port} {games}" \
        --seed 1 --run 138 --timeout 1 --out "$tmp/$1.dir" &&
        has $1 "^  found: live at line [0-9]*, connection 1: the client's records differ from the file$" &&
        has $1 "^  re-ran 3 times: failed every time$" && repro $1 3 1 || return 1
    sed -i 's/deviant_peer.py equal-is-colder/book_serve.py/' "$tmp/$1.out"
    repro $1 1 0
}
case_usage() {
    run $1 2 -- --server "$WB serve --listen 127.0.0.1:4321" --runs 1 &&
        grep -q "has no {port}" "$tmp/$1.err" &&
        run $1 2 -- --server "x {port}" --client "y {port}" --runs 1 &&
        run $1 2 -- --server "x {port}" --connect 127.0.0.1:4321 --runs 1 &&
        run $1 2 -- --server "x {port}" --driver sim --runs 1 &&
        run $1 2 -- --process-timeout 0 --runs 1 &&
        run $1 0 -- --help && has $1 "--server CMD" && has $1 "--process-timeout S"
}

lib_run_cases
