#!/bin/bash
# `warmer serve` under pressure (CLI.md, serve): outputs nobody reads, a
# flood of PARAMS after a long game, the memory budget, its console lines,
# a naive client's pace (no delayed-ACK stall), and --profile book. Both drivers; loopback only; every wait is bounded. Each case has
# a stable name, NAME-DRIVER, and runs alone with ONLY (tests/lib.sh):
#
#   bash tests/serve.sh WARMER                 every case
#   ONLY="CASE..." bash tests/serve.sh WARMER  those, e.g. stuck-stdout-events
#   bash tests/serve.sh --tool "valgrind ..." WARMER
#       the servers under the tool (its exit status must be 0); the default
#       cases are then the stuck-*, budget-* and console-lines-* ones (not
#       flood-*, nor naive-client-*, which bounds a time)
#
# Env: PYTHON (default python3; the naive-client cases pass without it),
# NAIVE_MS (naive-client's bound on the median guess, ms, default 30), SERVE_STOP_S (how long SIGTERM may take, default 5; 60 with --tool),
# KEEP=1 (keep the scratch directory of each failed case).
TOOL=
if [ "$1" = --tool ]; then
    TOOL=$2
    shift 2
fi
W=${1:-build/warmer}
shift
[ $# -eq 0 ] || { echo "serve: choose cases with ONLY=\"$*\", not arguments" >&2; exit 2; }
STOP_S=${SERVE_STOP_S:-$([ -n "$TOOL" ] && echo 60 || echo 5)}
T=$([ -n "$TOOL" ] && echo 120 || echo 30) # any other wait
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init serve

run() { timeout -k 5 "$T" "$@"; }
PY=${PYTHON:-python3}

# start [ARGS...]: a server with stdout and stderr where the caller's
# redirections put them (fd 5, fd 6); sets pid. The caller reads its
# address with addr_from.
start() {
    # shellcheck disable=SC2086
    $TOOL "$W" serve --listen 127.0.0.1:0 "$@" >&5 2>&6 &
    pid=$!
}

# addr_from FILE: waits for "listening on HOST:PORT" in FILE; sets addr, port.
addr_from() {
    if wait_addr "$1" 's/^listening on //p' "$T" "$pid"; then
        port=${addr##*:}
        return 0
    fi
    why="the server did not start listening: $(head -c 300 "$1")"
    return 1
}

# stop_within: SIGTERM, then the server must be gone within STOP_S seconds
# and exit 0 (the tool's verdict included).
stop_within() {
    local i rc
    kill -TERM "$pid"
    for ((i = 0; i < STOP_S * 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null
        why="still running ${STOP_S}s after SIGTERM"
        return 1
    fi
    wait "$pid"
    rc=$?
    pid=
    [ $rc -eq 0 ] || { why="exit $rc after SIGTERM"; return 1; }
}

# clients N SEED0: N concurrent book clients, connection K with seed
# SEED0 + K - 1 in some order; each must finish and its transcript must be
# one of those seeds' (so: checked by warmer check with its own header).
clients() {
    local n=$1 s=$2 i cp=() failed=0
    mkdir -p "$tmp/c"
    for ((i = 0; i < n; i++)); do
        run "$W" client --connect "$addr" --timeout 10 >"$tmp/c/$i" 2>"$tmp/c/e$i" &
        cp+=($!)
    done
    for i in "${!cp[@]}"; do
        wait "${cp[$i]}" || { failed=$((failed + 1)); why="client $i: $(head -c 200 "$tmp/c/e$i")"; }
    done
    [ $failed -eq 0 ] || { why="$failed of $n clients failed; $why"; return 1; }
    for ((i = 0; i < n; i++)); do
        grep -v '^# seed: ' "$tmp/c/$i" | cksum
    done | sort >"$tmp/c/got"
    for ((i = 0; i < n; i++)); do
        "$W" run --seed $((s + i)) | grep -v '^# seed: ' | cksum
    done | sort >"$tmp/c/want"
    cmp -s "$tmp/c/got" "$tmp/c/want" || { why="the clients' games are not seeds $s..$((s + n - 1))"; return 1; }
}

# A pipe nobody reads: the test holds both ends of a FIFO open and never
# reads it. fill_fifo FIFO fills it to the brim without blocking.
fifo() { mkfifo "$tmp/$1"; }
fill_fifo() { dd if=/dev/zero of="$1" oflag=nonblock bs=4096 count=4096 2>/dev/null; true; }

# long_game N: one connection plays a game of N guesses, each reported
# (one console line each), and reads its N replies.
long_game() {
    local n=$1
    {
        echo 'PARAMS 0 1000000000000'
        yes $'NUMBER\nREPORT Unsure' | head -n $((2 * n))
        echo 'PARAMS 0 -1'
        echo
    } >"$tmp/long.in"
    run bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3 & cat <&3 | wc -l' _ "$port" \
        "$tmp/long.in" >"$tmp/long.n"
    local got
    got=$(cat "$tmp/long.n")
    [ "${got:-0}" -eq "$n" ] || { why="the long game got ${got:-no} of $n replies"; return 1; }
}

# -- cases ----------------------------------------------------------------

# stuck-stdout-DRIVER: stdout on a pipe nobody reads. A long game fills the
# pipe and the console queue; 20 clients still finish, SIGTERM still stops
# the server in time, and the summary counts the lines dropped.
case_stuck_stdout() {
    local d=$1 n
    fifo out
    exec 5<>"$tmp/out" 6>"$tmp/err"
    start --driver "$d" --console-queue 1024 --seed 100
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    long_game 5000 || return 1 # 5000 console lines, far past 64 KiB + 1 KiB
    clients 20 101 || return 1
    exec 7<>"$tmp/out" # (the FIFO must keep a reader: the server's is its own)
    stop_within || return 1
    exec 7>&-
    grep -q '^warmer serve: note: stdout is not keeping up; console lines are dropped while its queue (--console-queue 1024) is full' "$tmp/err" ||
        { why="no note: $(head -c 300 "$tmp/err")"; return 1; }
    n=$(sed -n 's/^warmer serve: stopped by SIGTERM: 21 connections served, 0 refused, 0 errors, 0 idle timeouts, 0 open at shutdown, \([0-9]*\) console lines dropped$/\1/p' "$tmp/err")
    [ -n "$n" ] && [ "$n" -gt 0 ] || { why="summary: $(tail -n 1 "$tmp/err")"; return 1; }
}

# stuck-both-DRIVER: stdout and stderr both full pipes nobody reads (the
# address read first); hostile clients add error lines, 20 clients finish,
# SIGTERM stops the server in time.
case_stuck_both() {
    local d=$1 line f
    fifo out
    fifo err
    exec 5<>"$tmp/out" 6<>"$tmp/err"
    start --driver "$d" --console-queue 1024 --seed 200 --max-line 16 # as line-too-long.txt
    read -r -t "$T" line <&6 || { why="nothing on stderr"; return 1; }
    [[ $line == "listening on "* ]] || { why="first line: $line"; return 1; }
    addr=${line#listening on }
    port=${addr##*:}
    fill_fifo "$tmp/out"
    fill_fifo "$tmp/err"
    for f in $(grep -l '^# client: script' fixtures/bad/*.txt); do
        run "$W" replay --server --connect "$addr" "$f" >/dev/null 2>&1 # errors, never read
    done
    clients 20 $((200 + $(grep -l '^# client: script' fixtures/bad/*.txt | wc -l))) || return 1
    stop_within || return 1
    exec 5>&- 6>&-
}

# flood-DRIVER: one client plays a 200000-guess game, then sends 10000
# `PARAMS 0 -1`, then a game of [1, 5]: all five values come back, so every
# line was answered in order; a book client in parallel is served exactly.
case_flood() {
    local d=$1 got
    exec 5>"$tmp/out" 6>"$tmp/err"
    start --driver "$d" --seed 300 --idle-timeout 0
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    {
        echo 'PARAMS 0 1000000000000'
        yes NUMBER | head -n 200000
        yes 'PARAMS 0 -1' | head -n 10000
        echo 'PARAMS 1 5'
        printf 'NUMBER\n%.0s' 1 2 3 4 5
        echo 'PARAMS 0 -1'
        echo
    } >"$tmp/flood.in"
    exec 3<>"/dev/tcp/127.0.0.1/$port" # connection 1 (seed 300)
    cat "$tmp/flood.in" >&3 &
    local writer=$!
    run "$W" client --connect "$addr" --seed 301 >"$tmp/book.txt" 2>"$tmp/book.err" ||
        { why="the parallel client failed: $(head -c 300 "$tmp/book.err")"; return 1; }
    run cat <&3 >"$tmp/flood.out"
    wait "$writer"
    exec 3>&-
    stop_within || return 1
    [ "$(wc -l <"$tmp/flood.out")" -eq 200005 ] || { why="$(wc -l <"$tmp/flood.out") replies of 200005"; return 1; }
    [ "$(head -n 200000 "$tmp/flood.out" | sort -u | wc -l)" -eq 200000 ] || { why="repeated guesses"; return 1; }
    got=$(tail -n 5 "$tmp/flood.out" | sort -n | tr '\n' ' ')
    [ "$got" = "1 2 3 4 5 " ] || { why="after the flood, [1, 5] gave: $got"; return 1; }
    "$W" check "$tmp/book.txt" >"$tmp/book.check" 2>&1 || { why="parallel client: $(head -n 20 "$tmp/book.check")"; return 1; }
    grep -q '^connection ' "$tmp/err" && { why="server errors: $(grep '^connection ' "$tmp/err" | head -n 3)"; return 1; }
    grep -q ': 2 connections served, 0 refused, 0 errors' "$tmp/err" || { why="summary: $(tail -n 1 "$tmp/err")"; return 1; }
}

# budget-DRIVER: --max-memory 1000000 holds a table of 65536 8-byte slots
# (the 32768 before it held too), never 131072; at load 3/4 a game's guess
# 49153 is refused
# with an error naming max-memory, its connection alone is closed, and once
# it is gone the memory serves another long game and a book client.
case_budget() {
    local d=$1 n
    exec 5>"$tmp/out" 6>"$tmp/err"
    start --driver "$d" --seed 400 --max-memory 1000000
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    { echo 'PARAMS 0 1000000000000'; yes NUMBER | head -n 60000; } >"$tmp/big.in"
    n=$(run bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3 2>/dev/null & cat <&3 | wc -l' _ "$port" "$tmp/big.in")
    [ "$n" = 49152 ] || { why="the over-budget game got $n replies, want 49152"; return 1; }
    long_game 30000 || return 1
    run "$W" client --connect "$addr" --seed 402 >"$tmp/book.txt" 2>&1 ||
        { why="book client after the refusal: $(head -c 300 "$tmp/book.txt")"; return 1; }
    stop_within || return 1
    grep -q "^connection 1 (127.0.0.1:[0-9]*): NUMBER refused: recording guess 49153 of this game would take the server's guesses past their memory budget of 1000000 bytes (max-memory)$" "$tmp/err" ||
        { why="no budget error: $(head -c 400 "$tmp/err")"; return 1; }
    grep -q ': 3 connections served, 0 refused, 1 errors' "$tmp/err" || { why="summary: $(tail -n 1 "$tmp/err")"; return 1; }
}

# console-lines-DRIVER: with stdout read, nothing is dropped and stdout is
# exactly the sessions' console lines, client after client, as the book
# run prints them.
case_console_lines() {
    local d=$1 s
    exec 5>"$tmp/out" 6>"$tmp/err"
    start --driver "$d" --seed 500
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    : >"$tmp/want"
    for s in 500 501 502; do
        run "$W" client --connect "$addr" --seed $s >/dev/null || { why="client $s failed"; return 1; }
        "$W" run --seed $s --format book | grep '^Server: ' >>"$tmp/want"
    done
    stop_within || return 1
    cmp -s "$tmp/want" "$tmp/out" || { why="stdout differs: $(diff "$tmp/want" "$tmp/out" | head -n 5)"; return 1; }
    grep -q ', 0 console lines dropped$' "$tmp/err" || { why="summary: $(tail -n 1 "$tmp/err")"; return 1; }
}

# naive-client-DRIVER: a client that leaves Nagle on and writes REPORT and
# NUMBER as two sends before it reads (ci/refmodel.py client --nagle, as
# the book's client) plays 50 guesses at well under a millisecond each:
# the server acknowledges each line at once (docs/DESIGN.md, "Delayed
# ACK"). Without that each guess waits for the delayed-ACK timer, 40 ms on
# Linux; the bound is a quarter of that, for a loaded machine.
case_naive_client() {
    local d=$1
    command -v "$PY" >/dev/null || return 0
    exec 5>/dev/null 6>"$tmp/err"
    start --driver "$d"
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    run "$PY" ci/refmodel.py client --nagle --timing --connect "$addr" \
        --game 1:1000000000:1000000000:50 >"$tmp/client.out" 2>"$tmp/client.err" ||
        { why="the client failed: $(head -c 300 "$tmp/client.err")"; return 1; }
    no_delayed_ack "$tmp/client.err" || return 1
    stop_within
}

# profile-book-DRIVER: serve --profile book serves the book's server: our
# book client's transcript (header "# profile: book") is the in-process
# book run of that seed, and a line only the book takes (PARAMS +1 5:
# Python's int()) is answered where strict closes.
case_profile_book() {
    local d=$1 got
    exec 5>"$tmp/out" 6>"$tmp/err"
    start --driver "$d" --seed 600 --profile book
    exec 5>&- 6>&-
    addr_from "$tmp/err" || return 1
    run "$W" client --connect "$addr" --seed 600 --profile book >"$tmp/book.txt" 2>"$tmp/cerr" ||
        { why="book client: $(head -c 300 "$tmp/cerr")"; return 1; }
    "$W" run --seed 600 --profile book >"$tmp/want.txt"
    cmp -s "$tmp/want.txt" "$tmp/book.txt" ||
        { why="the client's transcript is not the book run: $(diff "$tmp/want.txt" "$tmp/book.txt" | head -n 5)"; return 1; }
    got=$(printf 'PARAMS +1 5\nNUMBER\n' | run bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat >&3; timeout 2 head -n 1 <&3' _ "$port")
    [[ $got =~ ^[1-5]$ ]] || { why="PARAMS +1 5 then NUMBER got \"$got\", want a guess in 1..5"; return 1; }
    stop_within
}

# -- main -----------------------------------------------------------------

ALL="stuck-stdout-events stuck-stdout-threads stuck-both-events stuck-both-threads
     flood-events flood-threads budget-events budget-threads
     console-lines-events console-lines-threads naive-client-events naive-client-threads
     profile-book-events profile-book-threads"
# The cases are NAME-DRIVER, run by case_NAME DRIVER; under --tool the
# default ones leave out flood-* and naive-client-* (ONLY may still name them).
lib_cases() {
    if [ -n "$TOOL" ] && [ -z "$ONLY" ]; then
        echo $ALL | tr ' ' '\n' | grep -v '^flood-\|^naive-'
    else
        echo $ALL | tr ' ' '\n'
    fi
}
lib_call_case() {
    local name=$1
    rm -rf "${tmp:?}"/*
    # Each case in a subshell: its server dies with it if the case fails.
    (
        pid=
        trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null' EXIT
        why=
        "case_$(tr - _ <<<"${name%-*}")" "${name##*-}" && exit 0
        echo "${why:-failed}" >"$tmp/why"
        exit 1
    ) && return 0
    why=$(cat "$tmp/why" 2>/dev/null)
    [ -n "$KEEP" ] && cp -r "$tmp" "$tmp.$name"
    return 1
}
lib_run_cases
