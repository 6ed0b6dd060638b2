#!/bin/bash
# `warmer load` (docs/CLI.md, load), loopback only. Every case has a stable
# name and runs alone with ONLY=name (tests/lib.sh; SKIP_CASES="NAME ..." leaves
# those out: make memcheck passes the load lines of tests/memcheck.skip).
# Servers: warmer serve (plain binary), and a tiny Python server that lies
# in a chosen way. Every wait is bounded (timeout), every server started is
# stopped on the way out.
#   bash tests/load.sh WARMER [PEER_WARMER]
# WARMER runs load and may carry a wrapper ("valgrind ... build/warmer");
# PEER_WARMER (default build/warmer) is the plain binary used for servers.
W=${1:-build/warmer}
# Tenths of a second a command may take to end after a signal (a wrapper
# such as valgrind is slow to finish a case and to exit).
SIGNAL_LIMIT=30
case $W in *" "*) SIGNAL_LIMIT=300 ;; esac
BIN=${2:-build/warmer}
PY=${PYTHON:-python3}
T=${LOAD_TIMEOUT:-60}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init load
spid=""
lib_on_exit() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; }

# A server that lies: MODE repeat (always LO), range (HI + 1), text ("four"),
# close (closes at the first NUMBER), silent (never answers), double (two
# lines, LO and LO + 1, in one send), long (a 70-digit line).
cat >"$tmp/liar.py" <<'EOF'
import socket, struct, sys, threading
mode = sys.argv[1]
def serve(conn):
    lo = hi = 0
    with conn, conn.makefile("rb") as f:
        for line in f:
            w = line.split()
            if w[:1] == [b"PARAMS"]:
                lo, hi = int(w[1]), int(w[2])
            elif w == [b"NUMBER"]:
                if mode == "close":
                    return
                if mode == "reset":  # SO_LINGER 0: the close is an RST
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                reply = {"repeat": lo, "range": hi + 1, "text": "four", "double": f"{lo}\n{lo + 1}",
                         "long": "1" * 70}.get(mode)
                if reply is not None:
                    conn.sendall(f"{reply}\n".encode())
srv = socket.create_server(("127.0.0.1", 0))
print(f"listening on 127.0.0.1:{srv.getsockname()[1]}", file=sys.stderr, flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# start NAME COMMAND...: a server in the background; addr from its
# "listening on HOST:PORT" line (10 s at most).
start() {
    local name=$1
    shift
    : >"$tmp/$name.srv" # not a previous server's address
    "$@" >/dev/null 2>"$tmp/$name.srv" &
    spid=$!
    wait_addr "$tmp/$name.srv" 's/^listening on //p' 10 && return 0
    why="the server printed no 'listening on': $(head -c 300 "$tmp/$name.srv")"
    return 1
}
# stop: SIGTERM the server, wait for it (its summary lands in NAME.srv).
stop() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    spid=""
}
# run NAME WANT_STATUS -- ARGS...: load's stdout in NAME.out, stderr in NAME.err.
run() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    timeout "$T" $W load "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 400 "$tmp/$name.err")"
    return 1
}
has() { grep -q -- "$2" "$tmp/$1.$3" || { why="no /$2/ in the $3: $(head -c 600 "$tmp/$1.$3")"; return 1; }; }
out() { has "$1" "$2" out; }
err() { has "$1" "$2" err; }

# The first guess CPython's random seeded SEED draws in [1, 1000].
first_guess() { $BIN run --seed "$1" --game 1:1000:0:1 | sed -n 's/^S: //p'; }

case_seeded_serve_passes() {
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 42 || return 1
    run $1 0 -- --connect "$addr" --seed 42 --guesses 5000 --connections 8
    local rc=$?
    stop
    [ $rc -eq 0 ] && out $1 "^load: 8 connections to $addr, game 1:1000, replies checked against the seeded model$" &&
        out $1 "^throughput: [0-9]* guesses/s (5000 guesses in [0-9.]* s)$" &&
        out $1 "^latency per guess: p50 [0-9.]* ms, p99 [0-9.]* ms, max [0-9.]* ms$" &&
        out $1 "^guesses: 5000, games finished: [1-9][0-9]*$" &&
        out $1 "^errors: 0, connection failures: 0$" &&
        # every connection ended its game with PARAMS 0 -1: the server saw no error
        has $1 "8 connections served, 0 refused, 0 errors" srv
}
# One-value games end at the first guess: games = guesses, on 2 ranges in turn.
case_counts_one_value_games() {
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 7 || return 1
    run $1 0 -- --connect "$addr" --seed 7 --guesses 300 --connections 3 --game 5:5 --game -9:-9
    local rc=$?
    stop
    [ $rc -eq 0 ] && out $1 "^guesses: 300, games finished: 300$" && out $1 ", games 5:5 -9:-9, "
}
case_wrong_seed_fails() {
    local want got
    want=$(first_guess 43) got=$(first_guess 42)
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 42 || return 1
    run $1 1 -- --connect "$addr" --seed 43 --guesses 100 --connections 1
    local rc=$?
    stop
    local msg="connection 1, game 1, guess 1: the server guessed $got, the model (CPython's random, seed 43) draws $want"
    [ $rc -eq 0 ] && [ -n "$want" ] && [ "$want" != "$got" ] && out $1 "^errors: 1, connection failures: 0$" &&
        out $1 "^  $msg$" && err $1 "^warmer load: 1 error, 0 connection failures; the first: $msg$"
}
liar() { # NAME MODE WANT_MESSAGE [ARGS...]
    local name=$1 mode=$2 msg=$3
    shift 3
    command -v "$PY" >/dev/null || return 0
    start "$name" "$PY" "$tmp/liar.py" "$mode" || return 1
    run "$name" 1 -- --connect "$addr" --guesses 100 --connections 2 --game 1:1000 "$@"
    local rc=$?
    stop
    [ $rc -eq 0 ] && out "$name" "^errors: 2, connection failures: 0$" && out "$name" "$msg" &&
        err "$name" "^warmer load: 2 errors, 0 connection failures; the first: connection [12], game 1, guess [12]: "
}
case_repeated_guess_fails() { liar $1 repeat "^  connection [12], game 1, guess 2: the server repeated the guess 1$"; }
case_out_of_range_fails() { liar $1 range "^  connection [12], game 1, guess 1: the server guessed 1001, outside \[1, 1000\]$"; }
case_non_integer_fails() { liar $1 text "^  connection [12], game 1, guess 1: the server sent \"four\", not an integer$"; }
case_server_close_fails() { liar $1 close "the server closed the connection while a guess was awaited$"; }
case_server_reset_fails() { liar $1 reset "^  connection [12], game 1, guess 1: connection reset by peer$"; }
case_silent_server_times_out() { liar $1 silent "guess 1: no reply to NUMBER within 0.300 s (--timeout)$" --timeout 0.3; }
case_unasked_line_fails() { liar $1 double "guess 1: the server sent \"2\\\\x0a\" after its reply \"1\", with no NUMBER waiting for it$"; }
case_long_reply_fails() { liar $1 long "guess 1: the server's reply \"1\{65\}\" is longer than 64 bytes$"; }
case_refused_connect_fails() {
    start $1 $BIN serve --listen 127.0.0.1:0 || return 1
    stop # the port is free again: nothing listens
    run $1 1 -- --connect "$addr" --guesses 10 && err $1 "^warmer load: cannot connect to $addr: Connection refused$"
}
# --duration ends the run (whether it took 1 s or more is not checked).
case_duration_stops() {
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 1 || return 1
    run $1 0 -- --connect "$addr" --seed 1 --duration 0.5 --connections 4
    local rc=$?
    stop
    [ $rc -eq 0 ] && out $1 "^guesses: [1-9][0-9]*, games finished: [0-9]*$" && out $1 "^errors: 0, connection failures: 0$" &&
        has $1 "4 connections served, 0 refused, 0 errors" srv
}
# connected PORT: once something holds a connection to 127.0.0.1:PORT (load
# has its SIGINT handler by then), at most T seconds; a load under a wrapper
# (valgrind) may take more than a second to get there. Without ss(8), 3 s.
connected() {
    command -v ss >/dev/null || { sleep 3; return; }
    local i
    for ((i = 0; i < T * 10; i++)); do
        [ -n "$(ss -Htn state established "( dport = :$1 )" 2>/dev/null)" ] && return
        sleep 0.1
    done
}
# interrupt NAME SIG ARGS...: load in the background until it holds a
# connection, then SIG; its status in $rc, and how long it took to end
# after the signal in $took (tenths of a second).
interrupt() {
    local name=$1 sig=$2
    shift 2
    # shellcheck disable=SC2086
    timeout "$T" $W load "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    local lpid=$!
    connected "${addr##*:}"
    sleep 0.5
    local t0=$(date +%s%N)
    kill -"$sig" $lpid
    wait $lpid
    rc=$?
    took=$((($(date +%s%N) - t0) / 100000000))
}
# SIGINT ends the run at once, mid-game: the report so far, "interrupted by
# SIGINT", exit 130 (the shell's convention for a death by SIGINT).
case_sigint_stops_with_report() {
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 3 || return 1
    interrupt $1 INT --connect "$addr" --seed 3 --duration 600 --connections 2
    stop
    [ $rc -eq 130 ] || { why="want exit 130 after SIGINT, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
    out $1 "^guesses: [1-9][0-9]*, games finished: [0-9]*$" && out $1 "^errors: 0, connection failures: 0$" &&
        out $1 "^interrupted by SIGINT: [0-2] repl\(y\|ies\) pending$" &&
        has $1 "2 connections served, 0 refused" srv # closed mid-game: errors to the server
}
# A server that never answers: the replies awaited when the signal comes
# are pending, not errors, and load ends at once instead of waiting out
# --timeout (SIGINT 130, SIGTERM 143).
case_signal_leaves_replies_pending() {
    command -v "$PY" >/dev/null || return 0
    start $1 "$PY" "$tmp/liar.py" silent || return 1
    local sig want
    for sig in INT:130 TERM:143; do
        want=${sig#*:} sig=${sig%:*}
        interrupt $1 $sig --connect "$addr" --duration 600 --connections 3 --timeout 30
        [ $rc -eq $want ] || { why="SIG$sig: want exit $want, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
        [ $took -lt $SIGNAL_LIMIT ] || { why="SIG$sig: load took $took tenths of a second to end"; return 1; }
        out $1 "^guesses: 0, games finished: 0$" && out $1 "^errors: 0, connection failures: 0$" &&
            out $1 "^interrupted by SIG$sig: 3 replies pending$" || { why="SIG$sig: $why"; return 1; }
        ! grep -q . "$tmp/$1.err" || { why="SIG$sig: stderr not empty: $(head -c 300 "$tmp/$1.err")"; return 1; }
    done
    stop
}
# A soft open-file limit below the need is raised to the hard limit; a hard
# limit below it is a usage error that says how to raise it. Not under a
# wrapper: valgrind shows its client a hard limit equal to the soft one.
case_fd_limit() {
    case $W in *" "*) return 0 ;; esac
    start $1 $BIN serve --listen 127.0.0.1:0 --seed 5 || return 1
    (ulimit -Sn 40 && timeout "$T" $W load --connect "$addr" --seed 5 --connections 100 --guesses 1000 \
        >"$tmp/$1.out" 2>"$tmp/$1.err")
    local rc=$?
    stop
    [ $rc -eq 0 ] || { why="with a soft limit of 40: exit $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
    out $1 "^load: 100 connections to " && out $1 "^errors: 0, connection failures: 0$" || return 1
    (ulimit -n 100 && $W load --connect 127.0.0.1:9 --connections 200 >"$tmp/$1.out" 2>"$tmp/$1.err")
    rc=$?
    [ $rc -eq 2 ] || { why="with a hard limit of 100: want exit 2, got $rc"; return 1; }
    err $1 "^warmer load: --connections 200 needs 216 open files, but the hard limit (RLIMIT_NOFILE) is 100: raise it (ulimit -Hn 216 as root"
}
case_usage_errors() {
    local u="(try warmer load --help)"
    run $1 2 -- --connect 127.0.0.1:0 && err $1 "^warmer load: --connect: address \"127.0.0.1:0\": the port must be 1..65535, got \"0\" $u" &&
        run $1 2 -- --connect 127.0.0.1:65536 && err $1 "the port must be 1..65535, got \"65536\"" &&
        run $1 2 -- --connect localhost && err $1 "address \"localhost\" wants HOST:PORT" &&
        run $1 2 -- --connect 127.0.0.1:9 --guesses 10 --duration 1 &&
        err $1 "^warmer load: --guesses and --duration both given: stop by count or by time, not both $u" &&
        run $1 2 -- --connect 127.0.0.1:9 --connections 0 && err $1 "^warmer load: --connections must be 1..65536, got \"0\" $u" &&
        run $1 2 -- --connect 127.0.0.1:9 --connections 65537 && err $1 "--connections must be 1..65536, got \"65537\"" &&
        run $1 2 -- --guesses 5 && err $1 "^warmer load: --connect HOST:PORT is required $u" &&
        run $1 2 -- --connect 127.0.0.1:9 --game 5:1 && err $1 "--game wants LO <= HI (a game needs a value to guess), got \"5:1\"" &&
        run $1 2 -- --connect 127.0.0.1:9 --game 1-5 && err $1 "--game wants LO:HI, two signed 64-bit integers, got \"1-5\"" &&
        run $1 2 -- --connect 127.0.0.1:9 --guesses 0 && err $1 "--guesses must be 1..18446744073709551615, got \"0\"" &&
        run $1 2 -- --connect 127.0.0.1:9 --duration 0 && err $1 "--duration must be at least 0.01 seconds" &&
        run $1 2 -- --connect 127.0.0.1:9 --seed 18446744073709551615 --connections 2 &&
        err $1 "--seed 18446744073709551615 with 2 connections needs seeds past 2^64 - 1" &&
        run $1 2 -- --connect 127.0.0.1:9 extra && err $1 "unexpected argument \"extra\"" &&
        run $1 0 -- --help && out $1 "^usage: warmer load --connect HOST:PORT"
}

lib_after_case() { stop; } # the case's server, if it left one
lib_run_cases
