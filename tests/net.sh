#!/bin/bash
# Live-socket tests of `warmer serve` (CLI.md), both drivers, loopback only
# (127.0.0.1 and [::1], port 0). Every wait is bounded; every server started
# is stopped with SIGTERM (its exit status checked) or killed on the way out.
#
#   bash tests/net.sh WARMER
#       equivalence with every golden, the bad-input fixtures, a 2 MB line,
#       200 concurrent clients, limits, idle timeout, shutdown, and interop
#       with ci/refmodel.py (skipped without python3), whose client with
#       Nagle on must not wait on replay --client --listen's delayed ACK
#   bash tests/net.sh --tool "valgrind ..." WARMER [DRIVER...]
#       one server per driver under the tool: concurrent normal and hostile
#       sessions, an idle one, one left open, then SIGTERM; the tool's exit
#       status (--error-exitcode) must be 0
#
# Env: NET_TIMEOUT (seconds per step, default 30; 120 with --tool),
# NET_JOBS (parallel jobs, default 8), PYTHON (default python3), ONLY (the
# jobs to run alone, each every time the suite starts it, e.g.
# ONLY=crowd_job; LIST=1 lists them: tests/lib.sh), KEEP=1 (keep the
# scratch directory with every server's stdout and stderr),
# NAIVE_MS (naive_replay_job's bound on the median guess, ms, default 30).
TOOL=
if [ "$1" = --tool ]; then
    TOOL=$2
    shift 2
fi
W=${1:-build/warmer}
shift
DRIVERS=${*:-events threads}
T=${NET_TIMEOUT:-$([ -n "$TOOL" ] && echo 120 || echo 30)}
JOBS=${NET_JOBS:-8}
PY=${PYTHON:-python3}
G=fixtures/golden
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init net
mkdir -p "$tmp/pids" "$tmp/results"

# Helpers that can fail set why (the reason) and return 1.

# serve NAME ARGS...: a warmer server (under TOOL if set); sets addr and port.
serve() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    spawn "$name" 's/^listening on //p' -- $TOOL "$W" serve "$@" || return 1
    port=${addr##*:}
}

# stop NAME [SIG]: signals the server, waits (bounded), checks exit 0 and
# the summary line.
stop() {
    local name=$1 sig=${2:-TERM} pid rc
    pid=$(cat "$tmp/pids/$name")
    kill -"$sig" "$pid" 2>/dev/null
    if wait_gone "$pid" "$T"; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rm -f "$tmp/pids/$name"
        why="$name did not exit within ${T}s of SIG$sig"
        return 1
    fi
    wait "$pid"
    rc=$?
    rm -f "$tmp/pids/$name"
    if [ $rc -ne 0 ]; then
        why="$name exited $rc: $(tail -n 20 "$tmp/$name.err")"
        return 1
    fi
    if ! grep -q "^warmer serve: stopped by SIG$sig: " "$tmp/$name.err"; then
        why="$name: no summary line: $(tail -n 5 "$tmp/$name.err")"
        return 1
    fi
}

run() { timeout -k 5 "$T" "$@"; } # a bounded client command

# header KEY FILE: the value of "# KEY: value" in a transcript header.
header() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

# limits FILE: the serve options a transcript's header asks for.
limits() {
    local v
    v=$(header max-line "$1")
    [ -n "$v" ] && printf ' --max-line %s' "$v"
    v=$(header max-guesses "$1")
    [ -n "$v" ] && printf ' --max-guesses %s' "$v"
}

# host N: alternates 127.0.0.1 and [::1] (when IPv6 loopback works).
host() { [ -n "$V6" ] && [ $(($1 % 2)) -eq 1 ] && echo '[::1]' || echo 127.0.0.1; }

# -- jobs ---------------------------------------------------------------

# replay_job DRIVER FILE HOST: a fresh server seeded from FILE, replay --server.
replay_job() {
    local d=$1 f=$2 h=$3 name why
    name=replay-$d-$(basename "$(dirname "$f")")-$(basename "$f" .txt)
    # shellcheck disable=SC2046
    serve "$name" --listen "$h:0" --driver "$d" --seed "$(header seed "$f")" $(limits "$f") ||
        { bad "$name" "$why"; return; }
    run "$W" replay --server --connect "$addr" "$f" >"$tmp/$name.replay" 2>&1
    local rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "replay exit $rc: $(head -n 30 "$tmp/$name.replay")"; return; }
    ok "$name"
}

# book_job DRIVER HOST: warmer client prints exactly the book golden.
book_job() {
    local d=$1 h=$2 name=book-$d-${2//[^0-9a-z]/} why
    serve "$name" --listen "$h:0" --driver "$d" || { bad "$name" "$why"; return; }
    run "$W" client --connect "$addr" >"$tmp/$name.txt" 2>"$tmp/$name.cerr"
    local rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] && cmp -s "$tmp/$name.txt" "$G/book.txt" ||
        { bad "$name" "client exit $rc; $(diff "$G/book.txt" "$tmp/$name.txt" | head -20)"; return; }
    ok "$name"
}

# long_line PORT: a 2 MB line with no newline; prints what came back.
long_line() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    head -c 2097152 /dev/zero | tr '\0' A >&3 2>/dev/null
    run cat <&3 2>/dev/null
    exec 3>&-
}

# survive_job DRIVER: one server takes every hostile fixture and a 2 MB line
# in turn, then still serves a normal client correctly (its seed proves the
# count: connection 27 has seed 1234 + 26).
survive_job() {
    local d=$1 name=survive-$1 why f n=0 reply
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --max-line 16 ||
        { bad "$name" "$why"; return; }
    for f in $(grep -l '^# client: script' fixtures/bad/*.txt); do
        run "$W" replay --server --connect "$addr" "$f" >/dev/null 2>&1
        n=$((n + 1))
    done
    reply=$(long_line "$port")
    n=$((n + 1))
    local seed=$((1234 + n))
    run "$W" client --connect "$addr" --seed "$seed" >"$tmp/$name.txt" 2>&1
    local rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    [ -z "$reply" ] || { bad "$name" "the 2 MB line got a reply: $(echo "$reply" | head -c 200)"; return; }
    grep -q "^connection $n (127.0.0.1:[0-9]*): line longer than 16 bytes: \"AAAA" "$tmp/$name.err" ||
        { bad "$name" "no line-too-long error for connection $n: $(tail -n 5 "$tmp/$name.err")"; return; }
    [ $rc -eq 0 ] && "$W" check "$tmp/$name.txt" >"$tmp/$name.check" 2>&1 ||
        { bad "$name" "client after hostile ones: exit $rc; $(head -30 "$tmp/$name.check" "$tmp/$name.txt")"; return; }
    grep -q ": $((n + 1)) connections served, 0 refused" "$tmp/$name.err" ||
        { bad "$name" "summary: $(tail -n 1 "$tmp/$name.err")"; return; }
    ok "$name"
}

# reset_job DRIVER: a client that resets mid-line is named for the reset,
# not for a missing newline, and only its connection is lost.
reset_job() {
    local d=$1 name=reset-$1 why
    serve "$name" --listen 127.0.0.1:0 --driver "$d" || { bad "$name" "$why"; return; }
    run "$PY" -c "
import socket, struct, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'PARAMS 1 5\\nNUMB')
time.sleep(0.2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()" "$port" || { stop "$name"; bad "$name" "the resetting client failed"; return; }
    run "$W" client --connect "$addr" --seed 1235 >"$tmp/$name.txt" 2>&1
    local rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    grep -q '^connection 1 (127.0.0.1:[0-9]*): connection reset by peer after "NUMB" (no final newline)$' \
        "$tmp/$name.err" || { bad "$name" "no reset named: $(tail -n 3 "$tmp/$name.err")"; return; }
    [ $rc -eq 0 ] || { bad "$name" "the next client failed: $(head -5 "$tmp/$name.txt")"; return; }
    ok "$name"
}

# reset_midgame_job DRIVER [PROFILE]: a client that resets
# (tests/reset_peer.py) with no line cut is named for the reset, not for a
# close; under book or book-asyncio in the book's words (docs/ERRORS.md).
reset_midgame_job() {
    local d=$1 profile=$2 name=reset-midgame-$1${2:+-$2} why want
    want='connection reset by peer mid-game (range \[1, 5\], guesses made: 1)'
    [ -n "$profile" ] && want="connection reset by peer: the book's server raises ConnectionResetError out of readline (its handler catches only EOFError)"
    serve "$name" --listen 127.0.0.1:0 --driver "$d" ${profile:+--profile "$profile"} ||
        { bad "$name" "$why"; return; }
    run "$PY" tests/reset_peer.py client "$port" ||
        { stop "$name"; bad "$name" "the resetting client failed"; return; }
    sleep 0.2 # the server reads the reset
    stop "$name" || { bad "$name" "$why"; return; }
    grep -q "^connection 1 (127.0.0.1:[0-9]*): $want\$" \
        "$tmp/$name.err" || { bad "$name" "no reset named: $(tail -n 3 "$tmp/$name.err")"; return; }
    ok "$name"
}

# peer_reset_job CMD [PARTIAL]: a server that resets (tests/reset_peer.py)
# after the client's NUMBER, with PARTIAL sent first if given: warmer client
# (CMD client; CMD book-client: client --profile book, the book's words) and
# replay --server --connect (CMD replay) name the reset.
peer_reset_job() {
    local cmd=$1 partial=$2 name=peer-reset-$1${2:+-partial} why want
    spawn "$name-peer" 's/^listening on //p' -- "$PY" tests/reset_peer.py server $partial ||
        { bad "$name" "$why"; return; }
    if [ "$cmd" = book-client ]; then
        run "$W" client --profile book --connect "$addr" >"$tmp/$name.txt" 2>&1
        want="C! error connection reset by peer: the book's client raises ConnectionResetError out of readline, then BrokenPipeError sending its finally's PARAMS 0 -1"
    elif [ "$cmd" = client ]; then
        run "$W" client --connect "$addr" >"$tmp/$name.txt" 2>&1
        want='C! error connection reset by peer while the client awaited a guess (game 1, guess 1)'
        [ -n "$partial" ] && want="C! error connection reset by peer after \"$partial\" (no final newline)"
    else
        run "$W" replay --server --connect "$addr" "$G/book.txt" >"$tmp/$name.txt" 2>&1
        want="FAIL $G/book.txt: connection 1: connection reset by peer"
    fi
    grep -qxF "$want" "$tmp/$name.txt" ||
        { bad "$name" "want '$want', got: $(grep -v '^[-+ @]' "$tmp/$name.txt" | head -n 8)"; return; }
    ok "$name"
}

# crowd_job DRIVER N: N concurrent clients all finish, and their transcripts
# are exactly the games of seeds S..S+N-1, one each, whatever the order.
crowd_job() {
    local d=$1 n=$2 name=crowd-$1 why i s=5000 pids=() failed=0
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --seed $s || { bad "$name" "$why"; return; }
    mkdir -p "$tmp/$name"
    for ((i = 0; i < n; i++)); do
        run "$W" client --connect "$addr" >"$tmp/$name/c$i" 2>"$tmp/$name/e$i" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { failed=$((failed + 1)); why="client $i: $(head -c 300 "$tmp/$name/e$i")"; }
    done
    local cwhy=$why
    stop "$name" || { bad "$name" "$why"; return; }
    [ $failed -eq 0 ] || { bad "$name" "$failed of $n clients failed; $cwhy"; return; }
    for ((i = 0; i < n; i++)); do
        grep -v '^# seed: ' "$tmp/$name/c$i" | cksum
    done | sort >"$tmp/$name.got"
    for ((i = 0; i < n; i++)); do
        "$W" run --seed $((s + i)) | grep -v '^# seed: ' | cksum
    done | sort >"$tmp/$name.want"
    cmp -s "$tmp/$name.got" "$tmp/$name.want" || { bad "$name" "transcripts are not seeds $s..$((s + n - 1))"; return; }
    grep -q "^connection " "$tmp/$name.err" && { bad "$name" "server errors: $(grep '^connection ' "$tmp/$name.err" | head -5)"; return; }
    grep -q ": $n connections served, 0 refused, 0 errors" "$tmp/$name.err" ||
        { bad "$name" "summary: $(tail -n 1 "$tmp/$name.err")"; return; }
    ok "$name"
}

# limits_job DRIVER: --max-connections refuses without using a seed; the
# seed range is enforced; --idle-timeout closes a silent connection; a
# connection open at shutdown is cut quietly.
limits_job() {
    local d=$1 name=limits-$1 why i
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --seed 7000 --max-connections 2 ||
        { bad "$name" "$why"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/$port" 4<>"/dev/tcp/127.0.0.1/$port"
    run "$W" client --connect "$addr" >/dev/null 2>&1 && { bad "$name" "a third connection was served"; return; }
    exec 3>&- 4>&-
    for ((i = 0; i < T * 10; i++)); do # until the server has seen both close
        run "$W" client --connect "$addr" --seed 7002 >"$tmp/$name.txt" 2>/dev/null && break
        sleep 0.1
    done
    stop "$name" || { bad "$name" "$why"; return; }
    grep -q "^refused connection from 127.0.0.1:[0-9]*: 2 connections open (--max-connections 2)$" "$tmp/$name.err" ||
        { bad "$name" "no refusal line: $(head -n 5 "$tmp/$name.err")"; return; }
    "$W" check "$tmp/$name.txt" >/dev/null 2>&1 || { bad "$name" "after refusals the seed was not 7002"; return; }

    name=seedmax-$d
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --seed 18446744073709551615 || { bad "$name" "$why"; return; }
    run "$W" client --connect "$addr" --seed 18446744073709551615 >"$tmp/$name.txt" 2>&1
    local rc=$?
    run "$W" client --connect "$addr" >/dev/null 2>&1 && { bad "$name" "seed 2^64 served twice"; return; }
    stop "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] && "$W" check "$tmp/$name.txt" >/dev/null 2>&1 || { bad "$name" "seed max game wrong"; return; }
    grep -q "^refused connection from .*: its seed would pass 2^64 - 1" "$tmp/$name.err" ||
        { bad "$name" "no seed refusal: $(tail -n 3 "$tmp/$name.err")"; return; }

    name=idle-$d
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --idle-timeout 1.5 || { bad "$name" "$why"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'PARAMS 1 5\n' >&3
    run cat <&3 >/dev/null 2>&1 || { bad "$name" "the idle connection was not closed"; return; }
    exec 3>&-
    exec 3<>"/dev/tcp/127.0.0.1/$port" # left open mid-game at shutdown
    printf 'PARAMS 1 5\nNUMBER\n' >&3
    read -r -t "$T" i <&3 # the server has the connection: its guess came back
    stop "$name" INT || { bad "$name" "$why"; return; }
    exec 3>&-
    grep -q "^connection 1 (127.0.0.1:[0-9]*): nothing received for 1.5 s (--idle-timeout), closing$" "$tmp/$name.err" ||
        { bad "$name" "no idle line: $(head -n 5 "$tmp/$name.err")"; return; }
    grep -q ": 2 connections served, 0 refused, 0 errors, 1 idle timeouts, 1 open at shutdown, 0 console lines dropped$" "$tmp/$name.err" ||
        { bad "$name" "summary: $(tail -n 1 "$tmp/$name.err")"; return; }
    ok "limits-$d"
}

# interop_job DRIVER: ci/refmodel.py's client against warmer serve.
interop_job() {
    local d=$1 name=interop-$1 why
    serve "$name" --listen 127.0.0.1:0 --driver "$d" || { bad "$name" "$why"; return; }
    run "$PY" ci/refmodel.py client --connect "$addr" >"$tmp/$name.txt" 2>&1
    local rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] && cmp -s "$tmp/$name.txt" "$G/book.txt" ||
        { bad "$name" "refmodel client exit $rc: $(diff "$G/book.txt" "$tmp/$name.txt" | head)"; return; }
    ok "$name"
}

# refmodel_job: warmer client against refmodel serve; warmer replay --client
# --listen with the refmodel client connecting.
refmodel_job() {
    local name=refmodel-serve why rc
    spawn "$name" 's/^refmodel serve: listening on //p' -- "$PY" ci/refmodel.py serve --listen 127.0.0.1:0 ||
        { bad "$name" "$why"; return; }
    run "$W" client --connect "$addr" >"$tmp/$name.txt" 2>&1
    rc=$?
    kill -TERM "$(cat "$tmp/pids/$name")" && wait "$(cat "$tmp/pids/$name")"
    rm -f "$tmp/pids/$name"
    [ $rc -eq 0 ] && cmp -s "$tmp/$name.txt" "$G/book.txt" ||
        { bad "$name" "exit $rc: $(diff "$G/book.txt" "$tmp/$name.txt" | head)"; return; }
    ok "$name"
    name=replay-client-listen
    spawn "$name" 's/^replay: listening on \([^ ]*\) .*/\1/p' -- run "$W" replay --client --listen 127.0.0.1:0 "$G/book.txt" ||
        { bad "$name" "$why"; return; }
    run "$PY" ci/refmodel.py client --connect "$addr" >"$tmp/$name.client" 2>&1
    wait "$(cat "$tmp/pids/$name")"
    rc=$?
    rm -f "$tmp/pids/$name"
    [ $rc -eq 0 ] || { bad "$name" "replay exit $rc: $(head -20 "$tmp/$name.out" "$tmp/$name.err")"; return; }
    ok "$name"
}

# naive_replay_job: replay --client --listen (the code of interop --client's
# server side, tests/interop.sh client_nagle) does not hold a client with
# Nagle on (REPORT and NUMBER two sends before a read) on a delayed ACK: 50
# guesses, the median under NAIVE_MS (30) ms, where the stall is 40 ms a
# guess (docs/DESIGN.md, "Delayed ACK"; tests/lib.sh no_delayed_ack).
naive_replay_job() {
    local name=naive-replay why rc game=1:1000000000:1000000000:50
    "$PY" ci/refmodel.py transcript --game $game >"$tmp/$name.txt"
    spawn "$name" 's/^replay: listening on \([^ ]*\) .*/\1/p' -- run "$W" replay --client --listen 127.0.0.1:0 \
        "$tmp/$name.txt" || { bad "$name" "$why"; return; }
    run "$PY" ci/refmodel.py client --nagle --timing --connect "$addr" --game $game \
        >/dev/null 2>"$tmp/$name.timing"
    wait "$(cat "$tmp/pids/$name")"
    rc=$?
    rm -f "$tmp/pids/$name"
    [ $rc -eq 0 ] || { bad "$name" "replay exit $rc: $(head -20 "$tmp/$name.out" "$tmp/$name.err")"; return; }
    no_delayed_ack "$tmp/$name.timing" || { bad "$name" "$why"; return; }
    ok "$name"
}

# tool_job DRIVER: the leak and race scenario, the server under TOOL: a
# silent connection (idle timeout), concurrent normal clients, refusals at
# --max-connections, every hostile fixture and a 2 MB line at once (some of
# them refused too), and a connection left open mid-game at SIGTERM.
tool_job() {
    local d=$1 name=tool-$1 why i pids=() f
    serve "$name" --listen 127.0.0.1:0 --driver "$d" --max-connections 8 --idle-timeout 3 ||
        { bad "$name" "$why"; return; }
    exec 5<>"/dev/tcp/127.0.0.1/$port" # silent: closed by the idle timeout
    for ((i = 0; i < 6; i++)); do
        run "$W" client --connect "$addr" >/dev/null 2>"$tmp/$name.c$i" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { bad "$name" "normal client $i failed: $(cat "$tmp/$name.c$i")"; return; }
    done
    for ((i = 6; i < 15; i++)); do # 9 > 8: the last one at least is refused
        eval "exec $i<>/dev/tcp/127.0.0.1/$port"
    done
    run cat <&14 >/dev/null 2>&1 # the refusal closes it while all are open
    for ((i = 6; i < 15; i++)); do
        eval "exec $i>&-"
    done
    pids=()
    for f in $(grep -l '^# client: script' fixtures/bad/*.txt); do
        run "$W" replay --server --connect "$addr" "$f" >/dev/null 2>&1 &
        pids+=($!)
    done
    long_line "$port" >/dev/null
    wait "${pids[@]}"
    run cat <&5 >/dev/null 2>&1 || { bad "$name" "the silent connection was not closed"; return; }
    exec 5>&-
    for ((i = 0; i < T * 10; i++)); do # open mid-game at shutdown (once not refused)
        exec 6<>"/dev/tcp/127.0.0.1/$port"
        printf 'PARAMS 1 5\nNUMBER\n' >&6
        read -r -t "$T" f <&6 && break
        exec 6>&-
        sleep 0.1
    done
    stop "$name" || { bad "$name" "$why"; return; }
    exec 6>&-
    grep -q "nothing received for 3 s" "$tmp/$name.err" || { bad "$name" "no idle timeout: $(tail -3 "$tmp/$name.err")"; return; }
    grep -q "^refused connection from .*(--max-connections 8)$" "$tmp/$name.err" ||
        { bad "$name" "no refusal: $(tail -3 "$tmp/$name.err")"; return; }
    grep -q " 1 open at shutdown, 0 console lines dropped$" "$tmp/$name.err" || { bad "$name" "$(tail -1 "$tmp/$name.err")"; return; }
    ok "$name"
}

# cli_job: serve's usage errors, --help, and a port already taken.
cli_job() {
    local name=cli-serve out rc
    expect_exit() { # WANT PATTERN ARGS...
        local want=$1 pat=$2
        shift 2
        out=$(run "$W" serve "$@" 2>&1)
        rc=$?
        [ $rc -eq "$want" ] && grep -q -- "$pat" <<<"$out" ||
            { why="serve $*: want exit $want and /$pat/, got $rc: $(head -c 300 <<<"$out")"; return 1; }
    }
    expect_exit 0 "usage: warmer serve" --help &&
        expect_exit 2 "--listen HOST:PORT is required" &&
        expect_exit 2 'got "fibers"' --listen 127.0.0.1:0 --driver fibers &&
        expect_exit 2 "max-connections must be 1..65536" --listen 127.0.0.1:0 --max-connections 0 &&
        expect_exit 2 'max-memory must be 1024..[0-9]*, got "10"' --listen 127.0.0.1:0 --max-memory 10 &&
        expect_exit 2 'console-queue must be 1024..1073741824' --listen 127.0.0.1:0 --console-queue 1k &&
        expect_exit 2 'got "-1"' --listen 127.0.0.1:0 --seed -1 &&
        expect_exit 2 'unknown option "--frob"' --listen 127.0.0.1:0 --frob &&
        expect_exit 2 "wants HOST:PORT" --listen 127.0.0.1 || { bad "$name" "$why"; return; }
    serve "$name" --listen 127.0.0.1:0 || { bad "$name" "$why"; return; }
    expect_exit 1 "cannot listen on $addr" --listen "$addr"
    rc=$?
    stop "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "$why"; return; }
    ok "$name"
}

# -- main ----------------------------------------------------------------

V6=
if [ -z "$TOOL" ]; then
    if serve v6probe --listen '[::1]:0' && stop v6probe; then
        V6=1
    else
        echo "net: [::1] unavailable, IPv4 only"
    fi
    n=0
    bg cli_job
    for d in $DRIVERS; do
        for f in "$G"/*.txt; do
            bg replay_job "$d" "$f" "$(host $n)"
            n=$((n + 1))
        done
        for f in $(grep -l '^# client: script' fixtures/bad/*.txt); do
            bg replay_job "$d" "$f" "$(host $n)"
            n=$((n + 1))
        done
        bg book_job "$d" 127.0.0.1
        [ -n "$V6" ] && bg book_job "$d" '[::1]'
        bg survive_job "$d"
        bg limits_job "$d"
    done
    join
    for d in $DRIVERS; do # one at a time: 200 processes each
        bg crowd_job "$d" 200
        join
    done
    if command -v "$PY" >/dev/null 2>&1; then
        for d in $DRIVERS; do
            bg interop_job "$d"
            bg reset_job "$d"
            bg reset_midgame_job "$d"
            bg reset_midgame_job "$d" book
            bg reset_midgame_job "$d" book-asyncio
        done
        bg peer_reset_job client
        bg peer_reset_job book-client
        bg peer_reset_job client 4
        bg peer_reset_job replay
        bg peer_reset_job replay 4
        bg refmodel_job
        bg naive_replay_job
        join
    else
        echo "net: $PY not found, interop with ci/refmodel.py skipped"
    fi
else
    for d in $DRIVERS; do
        bg tool_job "$d"
        join
    done
fi

lib_results
