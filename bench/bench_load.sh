#!/bin/bash
# Network figures, each a ratio against a baseline measured in this run;
# figures only, never assertions (the machine may be shared).
#   1. the raw one-thread socketpair ping-pong (bench/pingpong.c);
#   2. `warmer load` against bench/minserver.c beside a bare epoll loop doing
#      the same games (bench/bare_load.c): the load generator's own cost;
#   3. servers under `warmer load`, against minserver as the ceiling.
# Every load figure is the best of ROUNDS runs of SECONDS, alternated (in 3,
# every server, minserver included, once per round).
#   bash bench/bench_load.sh [WARMER] [BENCH_DIR]
W=${1:-build/warmer}
BD=${2:-build/bench}
PY=${PYTHON:-python3}
SECONDS_EACH=${LOAD_BENCH_SECONDS:-2}
ROUNDS=${LOAD_BENCH_ROUNDS:-2}
CONNS=50
GAME=1:1000
tmp=$(mktemp -d) || exit 1
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# start NAME COMMAND...: runs a server in the background, sets addr from its
# "listening on HOST:PORT" line on stderr (5 s at most).
start() {
    local name=$1
    shift
    rm -f "$tmp/$name.err" # the last server's address must not be read before the redirection empties it
    "$@" >/dev/null 2>"$tmp/$name.err" &
    server_pid=$!
    addr=""
    for _ in $(seq 50); do
        addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$tmp/$name.err" 2>/dev/null | head -n 1)
        [ -n "$addr" ] && return 0
        sleep 0.1
    done
    echo "bench: $name did not print 'listening on': $(head -c 300 "$tmp/$name.err")" >&2
    return 1
}
stop() {
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
}
# load_gps: warmer load's guesses/s against $addr (a note on stderr for errors).
load_gps() {
    "$W" load --connect "$addr" --connections $CONNS --game $GAME --duration "$SECONDS_EACH" \
        >"$tmp/load.out" 2>"$tmp/load.err" ||
        echo "bench: warmer load against $addr: $(tail -n 1 "$tmp/load.err")" >&2
    sed -n 's/^throughput: \([0-9]*\) guesses\/s.*/\1/p' "$tmp/load.out"
}
bare_gps() {
    "$BD/bare_load" "$addr" $CONNS "$SECONDS_EACH" "${GAME%%:*}" "${GAME##*:}" 2>"$tmp/bare.err" |
        sed -n 's/^bare_load: \([0-9]*\) guesses\/s.*/\1/p'
}
max() { [ "${1:-0}" -ge "${2:-0}" ] && echo "${1:-0}" || echo "${2:-0}"; }
# fmin A B: the smaller of two decimals, either of which may be empty.
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" ? b : b == "" ? a : (a + 0 < b + 0 ? a : b)) }'; }
# cpu_ticks: the server's user + system time so far, in clock ticks (from
# Linux's /proc; empty elsewhere). The fields after the command's name.
cpu_ticks() {
    [ -r "/proc/$server_pid/stat" ] && sed 's/.*) //' "/proc/$server_pid/stat" | awk '{ print $12 + $13 }'
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

"$BD/pingpong" 1

echo "warmer load against minserver beside a bare epoll loop ($CONNS connections, games $GAME, best of $ROUNDS x $SECONDS_EACH s):"
start minserver "$BD/minserver" || exit 1
bare=0 load=0
for _ in $(seq "$ROUNDS"); do
    bare=$(max "$bare" "$(bare_gps)")
    load=$(max "$load" "$(load_gps)")
done
stop
printf '  %-34s %8s guesses/s\n' "bare epoll loop" "$bare"
printf '  %-34s %8s guesses/s  %sx the bare loop (goal >= 0.8x)\n' "warmer load" "$load" "$(ratio "$load" "$bare")"

echo "servers under warmer load ($CONNS connections, games $GAME, best of $ROUNDS x $SECONDS_EACH s), against minserver:"
# The servers take turns within each round, minserver among them, so that a
# machine shared with other work loads them all alike: the ratios compare
# figures measured side by side. Beside each, the least CPU time the server
# spent per guess (user + system, kernel network work included), which other
# work on the machine moves much less than it moves throughput.
labels=("minserver" "warmer serve --driver events" "warmer serve --driver threads")
command -v "$PY" >/dev/null && labels+=("python3 ci/refmodel.py serve")
start_nth() { # N: starts the N-th server of labels
    case $1 in
    0) start server "$BD/minserver" ;;
    1) start server "$W" serve --listen 127.0.0.1:0 --driver events ;;
    2) start server "$W" serve --listen 127.0.0.1:0 --driver threads ;;
    3) start server "$PY" ci/refmodel.py serve --listen 127.0.0.1:0 ;;
    esac
}
best=() cpu=()
for _ in $(seq "$ROUNDS"); do
    for i in "${!labels[@]}"; do
        start_nth "$i" || continue
        t0=$(cpu_ticks)
        best[$i]=$(max "${best[$i]}" "$(load_gps)")
        t1=$(cpu_ticks)
        n=$(sed -n 's/^guesses: \([0-9]*\).*/\1/p' "$tmp/load.out")
        cpu[$i]=$(fmin "${cpu[$i]}" "$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" -v hz="$HZ" \
            'BEGIN { if (a != "" && b != "" && n > 0) printf "%.1f", (b - a) / hz * 1e6 / n }')")
        stop
    done
done
ceiling=${best[0]:-0}
for i in "${!labels[@]}"; do
    what=$([ "$i" -eq 0 ] && echo "1.00x (the ceiling)" || echo "$(ratio "${best[$i]:-0}" "$ceiling")x")
    printf '  %-34s %8s guesses/s  %-19s CPU %s us/guess\n' "${labels[$i]}" "${best[$i]:-0}" "$what" "${cpu[$i]:--}"
done
command -v "$PY" >/dev/null || echo "  python3 ci/refmodel.py serve: skipped (no $PY)"
