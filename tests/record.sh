#!/bin/bash
# Live tests of `warmer record`, loopback only (127.0.0.1, port 0). Every
# wait is bounded; every process started is stopped or killed on the way out.
#
#   bash tests/record.sh WARMER
#       the book through the proxy (warmer and ci/refmodel.py peers), no
#       --seed, every client-script bad fixture, several connections,
#       SIGTERM, a line too long (and what precedes it relayed), a server
#       connection that cannot be made (delaying no other), close-wait, an unreachable server, usage,
#       scripted peers whose partial lines and far-ahead sides must replay,
#       naive peers (Nagle on) relayed without a delayed-ACK stall
#   bash tests/record.sh --tool "valgrind ..." WARMER
#       warmer record under the tool through full round trips, several
#       connections, a line too long (alone, and after lines in the same
#       read), SIGTERM and a book recording whose server hangs; the tool's exit status
#       (--error-exitcode) must be 0
#
# Env: REC_TIMEOUT (seconds per step, default 30; 120 with --tool),
# REC_JOBS (parallel jobs, default 8), PYTHON (default python3), ONLY (the
# jobs to run alone, each every time the suite starts it, e.g.
# ONLY=book_job; LIST=1 lists them: tests/lib.sh), NAIVE_MS (naive_job's
# bound on the median guess, ms, default 30), KEEP=1 (keep the scratch directory with
# every process's output).
TOOL=
if [ "$1" = --tool ]; then
    TOOL=$2
    shift 2
fi
W=${1:-build/warmer}
T=${REC_TIMEOUT:-$([ -n "$TOOL" ] && echo 120 || echo 30)}
JOBS=${REC_JOBS:-8}
PY=${PYTHON:-python3}
G=fixtures/golden
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init record
mkdir -p "$tmp/pids" "$tmp/results"

# Helpers that can fail set why and return 1.

# server NAME ARGS...: a warmer server; sets saddr.
server() {
    local name=$1
    shift
    spawn "$name" 's/^listening on //p' -- "$W" serve --listen 127.0.0.1:0 "$@" || return 1
    saddr=$addr
}

# refserver NAME ARGS...: ci/refmodel.py's server; sets saddr.
refserver() {
    local name=$1
    shift
    spawn "$name" 's/^refmodel serve: listening on //p' -- "$PY" ci/refmodel.py serve \
        --listen 127.0.0.1:0 "$@" || return 1
    saddr=$addr
}

# recorder NAME ARGS...: warmer record (under TOOL) in front of saddr; sets
# raddr. The recording is NAME.out.
recorder() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    spawn "$name" 's/^record: listening on //p' -- $TOOL "$W" record --listen 127.0.0.1:0 \
        --connect "$saddr" "$@" || return 1
    raddr=$addr
}

# finish NAME: waits (bounded) for NAME to exit by itself; sets rc.
finish() {
    local pid
    pid=$(cat "$tmp/pids/$1")
    if wait_gone "$pid" "$T"; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rm -f "$tmp/pids/$1"
        why="$1 did not exit within ${T}s: $(tail -n 5 "$tmp/$1.err")"
        return 1
    fi
    wait "$pid"
    rc=$?
    rm -f "$tmp/pids/$1"
}

# stop NAME [SIG]: signals NAME and waits (bounded); sets rc.
stop() {
    kill -"${2:-TERM}" "$(cat "$tmp/pids/$1")" 2>/dev/null
    finish "$1"
}

run() { timeout -k 5 "$T" "$@"; } # a bounded client command

# records FILE: the records of a transcript (no header, no comments).
records() { grep -v '^#' "$1"; }

# checked NAME FILE: `warmer check` passes on FILE.
checked() {
    "$W" check "$2" >"$tmp/$1.check" 2>&1 ||
        { why="warmer check failed: $(head -n 30 "$tmp/$1.check")"; return 1; }
}

# The book run as a recording shows it: each game's count is the NUMBERs
# sent (the client stops at Correct), so 1:5:3:5 reads 1:5:3:4.
book_recording() { "$W" run --game 1:5:3:4 --game 10:15:12:3; }

# -- jobs ---------------------------------------------------------------

# book_job: warmer serve + warmer record + warmer client: the client sees
# the book; the recording is the book run byte for byte and checks.
book_job() {
    local name=book why rc crc
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 || { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >"$tmp/$name.client" 2>&1
    crc=$?
    finish "$name" || { bad "$name" "$why"; return; }
    [ $crc -eq 0 ] && cmp -s "$tmp/$name.client" "$G/book.txt" ||
        { bad "$name" "client through the proxy: exit $crc: $(diff "$G/book.txt" "$tmp/$name.client" | head)"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    book_recording | cmp -s - "$tmp/$name.out" ||
        { bad "$name" "recording: $(book_recording | diff - "$tmp/$name.out" | head -20)"; return; }
    "$W" run | records /dev/stdin | cmp -s - <(records "$tmp/$name.out") ||
        { bad "$name" "records differ from warmer run"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    grep -q "^warmer record: 1 connection recorded, 0 failed; client games, server rng, verified$" "$tmp/$name.err" ||
        { bad "$name" "summary: $(tail -n 2 "$tmp/$name.err")"; return; }
    [ "$(grep -c 'listening on' "$tmp/$name.err")" -eq 1 ] || { bad "$name" "not one listening line"; return; }
    ok "$name"
}

# refmodel_job: the same between ci/refmodel.py's server and client.
refmodel_job() {
    local name=refmodel why rc
    refserver "$name-srv" --seed 1234 && recorder "$name" --seed 1234 || { bad "$name" "$why"; return; }
    run "$PY" ci/refmodel.py client --connect "$raddr" >"$tmp/$name.client" 2>&1
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    book_recording | cmp -s - "$tmp/$name.out" ||
        { bad "$name" "recording: $(book_recording | diff - "$tmp/$name.out" | head -20)"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# noseed_job: without --seed the server side is scripted and still checks.
noseed_job() {
    local name=noseed why rc
    server "$name-srv" --seed 77 && recorder "$name" || { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >/dev/null 2>&1
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -qx '# server: script' "$tmp/$name.out" && grep -qx '# seed: 0' "$tmp/$name.out" &&
        grep -q '^# recorded without --seed' "$tmp/$name.out" ||
        { bad "$name" "header: $(grep '^#' "$tmp/$name.out")"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# bad_job FIXTURE: its client side replayed through the proxy to a fresh
# server: the replay passes as without a proxy, the recording holds the
# client's bytes exactly as the fixture's C records (escaped), and checks.
bad_job() {
    local f=$1 name why rc seed ml
    name=bad-$(basename "$f" .txt)
    seed=$(sed -n 's/^# seed: //p' "$f")
    ml=$(sed -n 's/^# max-line: //p' "$f")
    server "$name-srv" --seed "$seed" ${ml:+--max-line "$ml"} &&
        recorder "$name" --seed "$seed" ${ml:+--max-line "$ml"} || { bad "$name" "$why"; return; }
    run "$W" replay --server --connect "$raddr" "$f" >"$tmp/$name.replay" 2>&1
    local prc=$?
    finish "$name" || { bad "$name" "$why"; return; }
    [ $prc -eq 0 ] || { bad "$name" "replay through the proxy: exit $prc: $(head -n 20 "$tmp/$name.replay")"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    cmp -s <(grep -E '^C(: |:$|! partial )' "$f") <(grep -E '^C(: |:$|! partial )' "$tmp/$name.out") ||
        { bad "$name" "client bytes: $(diff <(grep '^C' "$f") <(grep '^C' "$tmp/$name.out") | head)"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# scripted_job NAME [MAX_LINE [any]]: $tmp/NAME.txt (both sides scripted)
# played through the proxy by its two scripts (replay --client --listen as
# the server, replay --server --connect as the client): both replays pass,
# the recording is verified, its records are the file's exactly (unless
# "any": then only verified), and it checks.
scripted_job() {
    local name=rec-$1 ml=$2 any=$3 f=$tmp/$1.txt why rc src crc
    # run's bound guards against a hang, not a speed: a file of megabytes
    # (pipelined 25 MB, ten-mb) gets four times it, since with the other
    # jobs beside it a loaded machine took it past 30 s (about 5 s alone)
    [ "$(stat -c %s "$f")" -lt 1000000 ] || local T=$((T * 4))
    spawn "$name-srv" 's/^replay: listening on \([^ ]*\) .*/\1/p' -- run "$W" replay --client \
        --listen 127.0.0.1:0 "$f" && saddr=$addr &&
        recorder "$name" ${ml:+--max-line "$ml"} || { bad "$name" "$why"; return; }
    run "$W" replay --server --connect "$raddr" "$f" >"$tmp/$name.client" 2>&1
    crc=$?
    finish "$name-srv" || { bad "$name" "$why"; return; }
    src=$rc
    finish "$name" || { bad "$name" "$why"; return; }
    [ $crc -eq 0 ] && [ $src -eq 0 ] ||
        { bad "$name" "replays: client $crc, server $src: $(head -c 600 "$tmp/$name.client" "$tmp/$name-srv.out")"; return; }
    [ $rc -eq 0 ] && grep -q "verified$" "$tmp/$name.err" ||
        { bad "$name" "record exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    [ -n "$any" ] || cmp -s <(records "$f") <(records "$tmp/$name.out") ||
        { bad "$name" "records: $(diff <(records "$f") <(records "$tmp/$name.out") | head -c 600)"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# livepair_job NAME SRV_TIMEOUT CLI_TIMEOUT: $tmp/NAME.txt's two scripts
# against each other, no proxy: both pass. For a partial line left open with
# no close shown, the side with the shorter --timeout ends the pair quietly
# and the other takes that close as implied too.
livepair_job() {
    local name=pair-$1-$2-$3 f=$tmp/$1.txt why rc crc
    spawn "$name-srv" 's/^replay: listening on \([^ ]*\) .*/\1/p' -- run "$W" replay --client \
        --listen 127.0.0.1:0 --timeout "$2" "$f" || { bad "$name" "$why"; return; }
    run "$W" replay --server --connect "$addr" --timeout "$3" "$f" >"$tmp/$name.client" 2>&1
    crc=$?
    finish "$name-srv" || { bad "$name" "$why"; return; }
    [ $crc -eq 0 ] && [ $rc -eq 0 ] ||
        { bad "$name" "replays: client $crc, server $rc: $(head -c 600 "$tmp/$name.client" "$tmp/$name-srv.out")"; return; }
    ok "$name"
}

# rawbytes_job SEED: 20 connections of random bytes both ways
# (tests/rawpeers.py: lines, partial lines, any byte, half-closes at random
# moments) through the proxy: every recording is verified and checks.
rawbytes_job() {
    local name=rawbytes-$1 why rc
    spawn "$name-srv" 's/^listening on //p' -- run "$PY" tests/rawpeers.py server 127.0.0.1:0 "$1" 20 &&
        saddr=$addr && recorder "$name" --connections 20 || { bad "$name" "$why"; return; }
    run "$PY" tests/rawpeers.py client "$raddr" "$1" 20 >/dev/null 2>&1 || { bad "$name" "client failed"; return; }
    finish "$name-srv" || { bad "$name" "$why"; return; }
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] && grep -q "^warmer record: 20 connections recorded, 0 failed; .*, verified$" "$tmp/$name.err" ||
        { bad "$name" "record exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# reset_job: a server that resets (tests/reset_peer.py, SO_LINGER 0) is
# recorded as closing, and named for its reset, in the words every command
# uses; the proxy passes the reset on as one (the client names a reset).
reset_job() {
    local name=reset why rc
    spawn "$name-srv" 's/^listening on //p' -- run "$PY" tests/reset_peer.py server &&
        saddr=$addr && recorder "$name" --connections 1 || { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >"$tmp/$name.client" 2>&1
    finish "$name-srv" || { bad "$name" "$why"; return; }
    finish "$name" || { bad "$name" "$why"; return; }
    grep -qxF 'warmer record: connection 1: the server: connection reset by peer (recorded as its close, passed on as a reset)' \
        "$tmp/$name.err" || { bad "$name" "no reset named (record exit $rc): $(tail -n 3 "$tmp/$name.err")"; return; }
    # passed on as a reset, not a close: the client names it so
    grep -qxF 'C! error connection reset by peer while the client awaited a guess (game 1, guess 1)' \
        "$tmp/$name.client" || { bad "$name" "the client was not reset: $(grep '!' "$tmp/$name.client" | head -n 3)"; return; }
    ok "$name"
}

# client_reset_job: a client that resets (tests/reset_peer.py) through the
# proxy: the reset is passed on as one, so warmer serve names a reset
# mid-game, not the client's close.
client_reset_job() {
    local name=client-reset why
    server "$name-srv" && recorder "$name" --connections 1 || { bad "$name" "$why"; return; }
    run "$PY" tests/reset_peer.py client "${raddr##*:}" ||
        { bad "$name" "the resetting client failed"; return; }
    finish "$name" || { bad "$name" "$why"; return; }
    sleep 0.2 # the server reads the reset
    stop "$name-srv" || { bad "$name" "$why"; return; }
    grep -qxF 'warmer record: connection 1: the client: connection reset by peer (recorded as its close, passed on as a reset)' \
        "$tmp/$name.err" || { bad "$name" "no reset named: $(tail -n 3 "$tmp/$name.err")"; return; }
    grep -q '^connection 1 (127.0.0.1:[0-9]*): connection reset by peer mid-game (range \[1, 5\], guesses made: 1)$' \
        "$tmp/$name-srv.err" || { bad "$name" "the server was not reset: $(tail -n 3 "$tmp/$name-srv.err")"; return; }
    ok "$name"
}

# The recordings of issue 17 that did not replay: a partial line followed by
# the other side's bytes or close, and sides far ahead of their peer.
scripted_files() {
    local h='# warmer transcript v1\n# seed: 0\n# client: script\n# server: script\n'
    { printf "$h"; printf '%s\n' 'C: PARAMS 1 5' 'S! partial x' 'C! partial y' 'C! close'; } \
        >"$tmp/partial-partial.txt"
    { printf "$h"; printf '%s\n' 'C: PARAMS 1 5' 'S! partial x' 'C! close'; } >"$tmp/partial-close.txt"
    { printf "$h"; printf '%s\n' 'C: PARAMS 1 5' 'C: NUMBER' 'S: 3' 'C: REPORT Unsure' \
        'S! partial 4' 'C! close'; } >"$tmp/report-partial.txt"
    { printf "$h"; printf '%s\n' 'C: a\x01\xff' 'S! partial \x00\\' 'C: b' 'C! partial \x7f' \
        'C! close'; } >"$tmp/bytes.txt"
    # The proxy counts a partial line as passed on only at its side's end,
    # so it writes this server close before the client's partial: another
    # order, which replays as written.
    { printf "$h"; printf '%s\n' 'C: a' 'C! partial \x7f' 'S! close'; } >"$tmp/partial-then-peer-close.txt"
    { printf "$h"; printf '%s\n' 'C: PARAMS 1 5' 'S! partial x' 'C! partial y'; } >"$tmp/left-open.txt"
    { printf "$h"'# max-line: 16777216\nC: '; head -c 10000000 /dev/zero | tr '\0' A
        printf '\nC! close\n'; } >"$tmp/ten-mb.txt"
    { printf "$h"; seq -f 'C: NUMBER %08g ........................................................................................' 230000
        printf 'C! close\n'; } >"$tmp/pipelined.txt"
}

# conns_job: three clients one after another: C1..C3, the records of
# `warmer run --connections 3`, and it checks.
conns_job() {
    local name=conns why rc i
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 --connections 3 ||
        { bad "$name" "$why"; return; }
    for i in 1 2 3; do
        run "$W" client --connect "$raddr" >/dev/null 2>&1 || { bad "$name" "client $i failed"; return; }
    done
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -qx '# connections: 3' "$tmp/$name.out" && grep -q '^C1: ' "$tmp/$name.out" &&
        grep -q '^C2: ' "$tmp/$name.out" && grep -qx 'C3! close' "$tmp/$name.out" ||
        { bad "$name" "$(head -n 20 "$tmp/$name.out")"; return; }
    "$W" run --connections 3 | records /dev/stdin | cmp -s - <(records "$tmp/$name.out") ||
        { bad "$name" "records differ from warmer run --connections 3"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# sigterm_job: SIGTERM with one connection done and one open mid-game
# (with bytes of an unfinished line): a valid transcript of both, the open
# client written as closing there. Then SIGTERM with no connection at all.
sigterm_job() {
    local name=sigterm why rc g want
    want=$("$W" run --seed 1235 | sed -n 's/^S: //p' | head -n 1) # connection 2's first guess
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 --connections 3 ||
        { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >/dev/null 2>&1 || { bad "$name" "client failed"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/${raddr##*:}"
    printf 'PARAMS 1 5\nNUMBER\nREPO' >&3 # one write: read at once, so once the guess is back
    read -r -t "$T" g <&3                  # the proxy has the unfinished line too
    stop "$name" || { bad "$name" "$why"; return; }
    exec 3>&-
    [ "$g" = "$want" ] || { bad "$name" "connection 2's first guess: '$g', want '$want'"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -qx '# connections: 2' "$tmp/$name.out" && grep -qx 'C1! close' "$tmp/$name.out" &&
        grep -qx 'C2! partial REPO' "$tmp/$name.out" && tail -n 1 "$tmp/$name.out" | grep -qx 'C2! close' ||
        { bad "$name" "$(cat "$tmp/$name.out")"; return; }
    grep -q "stopped by SIGTERM: 1 open connection cut" "$tmp/$name.err" ||
        { bad "$name" "stderr: $(tail -n 3 "$tmp/$name.err")"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    name=sigterm-empty
    recorder "$name" || { bad "$name" "$why"; return; }
    stop "$name" INT || { bad "$name" "$why"; return; }
    [ $rc -eq 1 ] && [ ! -s "$tmp/$name.out" ] && grep -q "no connection was recorded" "$tmp/$name.err" ||
        { bad "$name" "exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    ok sigterm
}

# long_job: a line longer than max-line + 64 cuts the connection with a
# warning; its first max-line + 64 bytes are a partial; it checks.
long_job() {
    local name=long why rc
    server "$name-srv" && recorder "$name" --seed 1234 --max-line 100 || { bad "$name" "$why"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/${raddr##*:}"
    printf 'PARAMS 1 5\n' >&3
    head -c 5000 /dev/zero | tr '\0' A >&3 2>/dev/null
    run cat <&3 >/dev/null 2>&1
    exec 3>&-
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -q "connection 1: the client sent a line longer than 164 bytes (--max-line 100 + 64)" "$tmp/$name.err" ||
        { bad "$name" "no warning: $(tail -n 3 "$tmp/$name.err")"; return; }
    grep -qx "C! partial $(printf 'A%.0s' $(seq 164))" "$tmp/$name.out" && grep -qx 'C! close' "$tmp/$name.out" &&
        grep -qx '# max-line: 100' "$tmp/$name.out" || { bad "$name" "$(cut -c 1-100 "$tmp/$name.out")"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# relay_long_job: lines that arrive in the same read as a line too long are
# relayed before that side ends (it used to journal them and cut the
# connection unsent): the server answers the NUMBER, the client gets the
# guess, and the recording says exactly that.
relay_long_job() {
    local name=relay-long why rc got want
    want=$("$W" run --seed 1234 | sed -n 's/^S: //p' | head -n 1)
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 || { bad "$name" "$why"; return; }
    got=$(run "$PY" -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'PARAMS 1 5\nNUMBER\n' + b'X' * 2000 + b'\n')
d = b''
while True:
    x = s.recv(4096)
    if not x:
        break
    d += x
print(repr(d))" "${raddr##*:}" 2>&1)
    finish "$name" || { bad "$name" "$why"; return; }
    [ "$got" = "b'$want\n'" ] || { bad "$name" "the client got $got, want b'$want\n'"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    records "$tmp/$name.out" | cut -c 1-13 | tr '\n' '|' |
        grep -qx "C: PARAMS 1 5|C: NUMBER|C! partial XX|C! close|S: $want|" ||
        { bad "$name" "$(cut -c 1-60 "$tmp/$name.out")"; return; }
    grep -qx "C! partial $(printf 'X%.0s' $(seq 1088))" "$tmp/$name.out" ||
        { bad "$name" "the partial is not the first 1088 bytes"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# stall_job: one client's server connection that cannot be made (the
# server's accept queue full: its SYNs are dropped) delays no other
# connection: an open one's line is relayed at once, and the stuck one
# fails after --connect-timeout, reported like an unreachable server. The
# server is Python's own socket: it accepts the first connection, then
# fills its backlog and accepts no more.
stall_job() {
    local name=stall why out rc
    out=$(run "$PY" - "$W" "$tmp/$name" <<'PYEOF' 2>&1
import socket, subprocess, sys, time
w, base = sys.argv[1], sys.argv[2]
ls = socket.socket()
ls.bind(('127.0.0.1', 0))
ls.listen(1)
port = ls.getsockname()[1]
rec = subprocess.Popen([w, 'record', '--listen', '127.0.0.1:0', '--connect', '127.0.0.1:%d' % port,
                        '--connections', '2', '--connect-timeout', '1.5'],
                       stdout=open(base + '.out', 'w'), stderr=subprocess.PIPE)
line = rec.stderr.readline().decode()
assert line.startswith('record: listening on '), line
rport = int(line.rsplit(':', 1)[1])
c0 = socket.create_connection(('127.0.0.1', rport))
up0, _ = ls.accept()
up0.settimeout(10)
fill = []
for i in range(8):  # the accept queue fills; later SYNs are dropped
    d = socket.socket()
    d.setblocking(False)
    d.connect_ex(('127.0.0.1', port))
    fill.append(d)
time.sleep(0.3)
a = socket.create_connection(('127.0.0.1', rport))  # its server connection hangs
time.sleep(0.3)
t0 = time.monotonic()
c0.sendall(b'PARAMS 1 5\n')
try:
    got = up0.recv(100)
except socket.timeout:
    got = b'(nothing)'
waited = time.monotonic() - t0
if got != b'PARAMS 1 5\n' or waited > 1.0:
    print('connection 1: the server got %r after %.2f s, want the line at once' % (got, waited))
    rec.kill()
    sys.exit(1)
up0.sendall(b'3\n')
c0.settimeout(10)
print('c0 got', c0.recv(100))
c0.close()
up0.recv(100)  # the client's close reached the server before the server closes
up0.close()
a.settimeout(10)
try:
    print('the stuck client got', a.recv(100))
except Exception as e:
    print('the stuck client:', e)
err = rec.stderr.read().decode()
sys.stdout.write(err)
print('record exit', rec.wait(timeout=20))
PYEOF
)
    rc=$?
    [ $rc -eq 0 ] || { bad "$name" "$out"; return; }
    grep -qF "c0 got b'3\\n'" <<<"$out" && grep -q "^the stuck client got b''" <<<"$out" &&
        grep -q "cannot connect to 127.0.0.1:[0-9]*: no answer within 1.5 s (--connect-timeout); closed it (not numbered)" <<<"$out" &&
        grep -q "^record exit 1$" <<<"$out" || { bad "$name" "$out"; return; }
    records "$tmp/$name.out" | tr '\n' '|' | grep -qx "C: PARAMS 1 5|S: 3|C! close|" ||
        { bad "$name" "$(cat "$tmp/$name.out")"; return; }
    ok "$name"
}

# pipeline_job: a client that sends every line before reading a reply
# scripts the server, and the comment says the true reason (the same
# records in another order), not a hidden error.
pipeline_job() {
    local name=pipeline why rc got
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 || { bad "$name" "$why"; return; }
    got=$(run "$PY" -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'PARAMS 1 5\nNUMBER\nREPORT Unsure\nNUMBER\nREPORT Unsure\nPARAMS 0 -1\n')
d = b''
while d.count(b'\n') < 2:
    x = s.recv(4096)
    if not x:
        break
    d += x
s.close()
print(repr(d))" "${raddr##*:}" 2>&1)
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc ($got): $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -q "^# the server side did not re-run from seed 1234 (it gives the same records, but not in the order seen" "$tmp/$name.out" ||
        { bad "$name" "$(grep '^#' "$tmp/$name.out")"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# naive_job client|server: a peer as naive as the book's on one side of
# the proxy plays 50 guesses at well under a millisecond each: the proxy
# acknowledges each line at once (docs/DESIGN.md, "Delayed ACK"), where a
# delayed ACK would hold the peer's next send 40 ms (Linux). client: a
# client with Nagle on writing REPORT and NUMBER as two sends, to warmer
# serve; server: a server writing each reply as two sends, Nagle on
# (refmodel.py serve --split), from a TCP_NODELAY client. The median
# guess is bound (tests/lib.sh no_delayed_ack); the recording checks.
naive_job() {
    local name=naive-$1 why rc crc
    local game=1:1000000000:1000000000:50 nagle=--nagle
    if [ "$1" = client ]; then
        server "$name-srv" --seed 1234 || { bad "$name" "$why"; return; }
    else
        refserver "$name-srv" --seed 1234 --split || { bad "$name" "$why"; return; }
        nagle=
    fi
    recorder "$name" --seed 1234 || { bad "$name" "$why"; return; }
    run "$PY" ci/refmodel.py client $nagle --timing --connect "$raddr" --game $game \
        >"$tmp/$name.client" 2>"$tmp/$name.timing"
    crc=$?
    finish "$name" || { bad "$name" "$why"; return; }
    [ $crc -eq 0 ] || { bad "$name" "client exit $crc: $(head -c 300 "$tmp/$name.timing")"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    no_delayed_ack "$tmp/$name.timing" || { bad "$name" "through the proxy: $why"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# memory_job: 23 MB of lines a client pipelines to an echo server, through
# the proxy: record's peak RSS (its own, read by a wrapper from wait4) stays
# under 64 MiB, and the recording checks. Record held every record until
# the end and re-ran the candidates in memory: 340 MB.
memory_job() {
    local name=memory why rc got peak
    spawn "$name-srv" 's/^echo: listening on //p' -- "$PY" -c "
import socket, sys
ls = socket.socket()
ls.bind(('127.0.0.1', 0))
ls.listen(1)
print('echo: listening on 127.0.0.1:%d' % ls.getsockname()[1], file=sys.stderr, flush=True)
c, _ = ls.accept()
while True:
    b = c.recv(65536)
    if not b:
        break
    c.sendall(b)
c.close()" || { bad "$name" "$why"; return; }
    saddr=$addr
    spawn "$name" 's/^record: listening on //p' -- "$PY" -c "
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
print('peak rss: %d KiB' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(rc)" "$W" record --listen 127.0.0.1:0 --connect "$saddr" --connections 1 ||
        { bad "$name" "$why"; return; }
    raddr=$addr
    got=$(run "$PY" -c "
import socket, sys, threading
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
data = b''.join(b'NUMBER %08d %80s\n' % (i, b'x') for i in range(250000))
got = [0]
def rd():
    while got[0] < len(data):
        b = s.recv(65536)
        if not b:
            break
        got[0] += len(b)
t = threading.Thread(target=rd)
t.start()
s.sendall(data)
t.join()
s.close()
print(got[0] == len(data))" "${raddr##*:}" 2>&1)
    finish "$name" || { bad "$name" "$why"; return; }
    stop "$name-srv"
    [ $rc -eq 0 ] && [ "$got" = True ] ||
        { bad "$name" "record exit $rc, client $got: $(tail -n 5 "$tmp/$name.err")"; return; }
    peak=$(sed -n 's/^peak rss: \([0-9]*\) KiB$/\1/p' "$tmp/$name.err")
    [ -n "$peak" ] && [ "$peak" -lt 65536 ] ||
        { bad "$name" "record's peak RSS ${peak:-unknown} KiB, bound 65536 KiB (64 MiB)"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# closewait_job: a server that never closes after the client's close (the
# asyncio reference on CPython 3.8 to 3.12; refmodel serve --keep-open):
# --close-wait 1 ends the connection, named on stderr, and the recording is
# still the book run.
closewait_job() {
    local name=closewait why rc
    refserver "$name-srv" --seed 1234 --keep-open && recorder "$name" --seed 1234 --close-wait 0.8 ||
        { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >/dev/null 2>&1
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 0 ] || { bad "$name" "record exit $rc: $(tail -n 5 "$tmp/$name.err")"; return; }
    grep -q "connection 1: the server did not close within 0.8 s (--close-wait) of the client's close" "$tmp/$name.err" ||
        { bad "$name" "no close-wait line: $(tail -n 3 "$tmp/$name.err")"; return; }
    book_recording | cmp -s - "$tmp/$name.out" ||
        { bad "$name" "recording: $(book_recording | diff - "$tmp/$name.out" | head -20)"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# maxconn_job: with --max-connections 1 a second client waits in the
# backlog until the first ends, and is connection 2.
maxconn_job() {
    local name=maxconn why rc g bpid brc
    server "$name-srv" --seed 1234 && recorder "$name" --seed 1234 --max-connections 1 --connections 2 ||
        { bad "$name" "$why"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/${raddr##*:}"
    printf 'PARAMS 1 5\nNUMBER\n' >&3
    read -r -t "$T" g <&3
    run "$W" client --connect "$raddr" >"$tmp/$name.client" 2>&1 3>&- & # not holding fd 3
    bpid=$!
    sleep 1
    kill -0 "$bpid" 2>/dev/null || { bad "$name" "the second client ended while the first was open"; return; }
    exec 3>&- # connection 1 ends; the second is accepted
    wait "$bpid"
    brc=$?
    finish "$name" || { bad "$name" "$why"; return; }
    [ $brc -eq 0 ] && [ $rc -eq 0 ] || { bad "$name" "client exit $brc, record exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    records "$tmp/$name.out" | head -n 4 | tr '\n' '|' | grep -qx "C1: PARAMS 1 5|C1: NUMBER|S1: $g|C1! close|" ||
        { bad "$name" "connection 1: $(head -n 12 "$tmp/$name.out")"; return; }
    "$W" run --seed 1235 | records /dev/stdin | sed 's/^\([CS]\)/\12/' | cmp -s - <(records "$tmp/$name.out" | sed 1,4d) ||
        { bad "$name" "connection 2 is not the run of seed 1235"; return; }
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}

# journal_job: --max-journal hit: a clear error, exit 1, and what was
# recorded is still a transcript that parses.
journal_job() {
    local name=journal why rc
    server "$name-srv" && recorder "$name" --seed 1234 --max-journal 2000 || { bad "$name" "$why"; return; }
    exec 3<>"/dev/tcp/127.0.0.1/${raddr##*:}"
    yes 'PARAMS 1 5' | head -n 200 >&3 2>/dev/null # not a builtin: a cut cannot SIGPIPE us
    run cat <&3 >/dev/null 2>&1
    exec 3>&-
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 1 ] && grep -q "connection 1: the client's records passed --max-journal (2000 bytes)" "$tmp/$name.err" ||
        { bad "$name" "exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    "$W" check "$tmp/$name.out" >/dev/null 2>&1
    [ $? -le 1 ] && grep -q '^C: PARAMS 1 5$' "$tmp/$name.out" || { bad "$name" "$(head -n 12 "$tmp/$name.out")"; return; }
    ok "$name"
}

# unreachable_job: no server behind the proxy: the client is closed, not
# numbered, and the run fails.
unreachable_job() {
    local name=unreachable why rc
    saddr=127.0.0.1:1 # nothing listens on tcpmux: connecting is refused
    recorder "$name" || { bad "$name" "$why"; return; }
    run "$W" client --connect "$raddr" >/dev/null 2>&1 && { bad "$name" "the client succeeded"; return; }
    finish "$name" || { bad "$name" "$why"; return; }
    [ $rc -eq 1 ] && grep -q "cannot connect to $saddr.*(not numbered)" "$tmp/$name.err" ||
        { bad "$name" "exit $rc: $(tail -n 3 "$tmp/$name.err")"; return; }
    ok "$name"
}

# usage_job: exit 2 for bad usage and no $TMPDIR, --help on stdout, a taken port exits 1.
usage_job() {
    local name=usage out rc why
    expect_exit() { # WANT PATTERN ARGS...
        local want=$1 pat=$2
        shift 2
        out=$(run "$W" record "$@" 2>&1)
        rc=$?
        [ $rc -eq "$want" ] && grep -q -- "$pat" <<<"$out" ||
            { why="record $*: want exit $want and /$pat/, got $rc: $(head -c 300 <<<"$out")"; return 1; }
    }
    local c=(--connect 127.0.0.1:9)
    [ "$("$W" record --help 2>/dev/null | head -n 1 | cut -c 1-21)" = "usage: warmer record " ] ||
        { bad "$name" "--help does not print usage to stdout"; return; }
    expect_exit 0 "usage: warmer record" --help &&
        expect_exit 2 "are required" "${c[@]}" &&
        expect_exit 2 "are required" --listen 127.0.0.1:0 &&
        expect_exit 2 'unknown option "--frob"' --listen 127.0.0.1:0 "${c[@]}" --frob &&
        expect_exit 2 "wants HOST:PORT" --listen 127.0.0.1 "${c[@]}" &&
        expect_exit 2 "wants HOST:PORT" --listen 127.0.0.1:0 --connect nowhere &&
        expect_exit 2 'got "-1"' --listen 127.0.0.1:0 "${c[@]}" --seed -1 &&
        expect_exit 2 'got "x"' --listen 127.0.0.1:0 "${c[@]}" --connections x &&
        expect_exit 2 "max-connections must be 1..4096" --listen 127.0.0.1:0 "${c[@]}" --max-connections 0 &&
        expect_exit 2 "max-line must be 1..16777216" --listen 127.0.0.1:0 "${c[@]}" --max-line 0 &&
        expect_exit 2 "--seed needs a value" --listen 127.0.0.1:0 "${c[@]}" --seed &&
        expect_exit 2 "connect-timeout must be at least 0.01" --listen 127.0.0.1:0 "${c[@]}" --connect-timeout 0 &&
        expect_exit 2 "connect-timeout wants seconds" --listen 127.0.0.1:0 "${c[@]}" --connect-timeout 1s ||
        { bad "$name" "$why"; return; }
    # no $TMPDIR to spool in: an environment error, said before listening
    out=$(TMPDIR=/nonexistent run "$W" record --listen 127.0.0.1:0 "${c[@]}" 2>&1)
    rc=$?
    [ $rc -eq 2 ] && grep -q "^warmer record: cannot create a temporary file in /nonexistent: No such file or directory (runs spool there" <<<"$out" &&
        ! grep -q "listening" <<<"$out" ||
        { bad "$name" "TMPDIR=/nonexistent: want exit 2 before listening, got $rc: $(head -c 300 <<<"$out")"; return; }
    server "$name-srv" || { bad "$name" "$why"; return; }
    expect_exit 1 "cannot listen on $saddr" --listen "$saddr" "${c[@]}"
    rc=$?
    stop "$name-srv"
    [ $rc -eq 0 ] || { bad "$name" "$why"; return; }
    ok "$name"
}

# bookserver NAME ROLE ARGS...: the book's code as a server (tests/book_serve.py
# threaded|asyncio, on a port it is given); sets saddr.
bookserver() {
    local name=$1 role=$2 port
    shift 2
    port=$(free_port)
    "$PY" tests/book_serve.py "$role" --port "$port" --seed 1234 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    echo $! >"$tmp/pids/$name"
    saddr=127.0.0.1:$port
    wait_port 127.0.0.1 "$port" "$T" || { why="$name did not listen"; return 1; }
    # that probe was the server's connection 1 (seed 1234): the recording's starts at 1235
}

# lenient ADDR LINE...: a client the book takes and strict does not; a LINE
# ending in ? waits (1 s at most) for the answer.
lenient() {
    "$PY" - "$@" <<'PYEOF'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
f = s.makefile("rb")
s.settimeout(1.0)
for line in sys.argv[2:]:
    s.sendall(line.rstrip("?").encode() + b"\n")
    if line.endswith("?"):
        try:
            f.readline()
        except socket.timeout:
            pass
s.close()
PYEOF
}

# profile_job NAME ROLE PROFILE WANT [DEVIATE] -- LINE...: LINEs through
# warmer record --profile PROFILE to the book's server (ROLE, a copy
# deviating in DEVIATE's way if given): the recording checks, and its server
# side is re-run from the seed (WANT rng: no "# server: script") or, when the
# profile's server would not have behaved so, a script (WANT script).
profile_job() {
    local name=prof-$1 role=$2 prof=$3 want=$4 dev=$5 why rc
    shift 5
    [ "$1" = -- ] && shift
    bookserver "$name-srv" "$role" ${dev:+--deviate "$dev"} &&
        recorder "$name" --seed 1235 --profile "$prof" || { bad "$name" "$why"; return; }
    lenient "$raddr" "$@"
    sleep 0.5 # the recorder has the client's close
    stop "$name" || { bad "$name" "$why"; return; }
    local rrc=$rc
    stop "$name-srv"
    [ $rrc -eq 0 ] && [ -s "$tmp/$name.out" ] ||
        { bad "$name" "record exit $rrc: $(tail -n 3 "$tmp/$name.err")"; return; }
    if [ "$want" = rng ]; then
        ! grep -qx '# server: script' "$tmp/$name.out" &&
            grep -q "server rng, verified$" "$tmp/$name.err" ||
            { bad "$name" "want the server re-run from the seed: $(grep '^#' "$tmp/$name.out" | head -8)"; return; }
    else
        grep -qx '# server: script' "$tmp/$name.out" ||
            { bad "$name" "want the server as a script: $(grep '^#' "$tmp/$name.out" | head -8)"; return; }
    fi
    checked "$name" "$tmp/$name.out" || { bad "$name" "$why"; return; }
    ok "$name"
}
LENIENT=("PARAMS +1 5" "NUMBER x?" "REPORT Hot" "NUMBER?" "REPORT Correct")
EXHAUST=("PARAMS 1 2" "NUMBER?" "REPORT Unsure" "NUMBER?" "REPORT Colder" "NUMBER?")
profile_jobs() {
    bg profile_job book threaded book rng "" -- "${LENIENT[@]}"
    bg profile_job strict threaded strict script "" -- "${LENIENT[@]}"
    bg profile_job deviating threaded book script report-hot-closes -- "${LENIENT[@]}"
    bg profile_job asyncio asyncio book-asyncio rng "" -- "${LENIENT[@]}"
    bg profile_job exhausted threaded book rng "" -- "${EXHAUST[@]}"
}

# -- main ----------------------------------------------------------------

if [ -z "$TOOL" ]; then
    bg book_job
    bg noseed_job
    bg conns_job
    bg sigterm_job
    bg long_job
    bg unreachable_job
    bg maxconn_job
    bg journal_job
    bg usage_job
    for f in $(grep -l '^# client: script' fixtures/bad/*.txt); do
        bg bad_job "$f"
    done
    scripted_files
    for f in partial-partial partial-close report-partial bytes pipelined; do
        bg scripted_job $f
    done
    bg scripted_job ten-mb 16777216
    bg scripted_job partial-then-peer-close "" any
    bg livepair_job left-open 3 0.5
    bg livepair_job left-open 0.5 3
    if command -v "$PY" >/dev/null 2>&1; then
        bg refmodel_job
        bg closewait_job
        bg relay_long_job
        bg stall_job
        bg pipeline_job
        bg naive_job client
        bg naive_job server
        bg memory_job
        bg rawbytes_job 1
        bg rawbytes_job 2
        bg reset_job
        bg client_reset_job
        profile_jobs
    else
        echo "record: $PY not found, ci/refmodel.py peers, close-wait and raw bytes skipped"
    fi
    join
else # one at a time: the tool is slow
    for j in book_job conns_job long_job relay_long_job sigterm_job "bad_job fixtures/bad/nul-byte.txt" \
        'profile_job exhausted threaded book rng "" -- "${EXHAUST[@]}"'; do
        eval "bg $j"
        join
    done
fi

lib_results
