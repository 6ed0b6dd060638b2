#!/bin/bash
# A naive client's pace (docs/DESIGN.md, "Delayed ACK"): milliseconds a
# guess for ci/refmodel.py's client with Nagle left on (as the book's
# client: REPORT and NUMBER are two small writes before a read) against
# every path where warmer serves or relays, and against the book-shaped
# server of ci/refmodel.py as the reference's figure. Figures only, never
# assertions (tests/serve.sh, record.sh and interop.sh bound them).
#   bash bench/bench_naive.sh [WARMER]
# Env: NAIVE_BENCH_GUESSES (one game of that many guesses, default 200).
W=${1:-build/warmer}
PY=${PYTHON:-python3}
N=${NAIVE_BENCH_GUESSES:-200}
GAME=1:1000000000:1000000000:$N # never Correct: every guess is played
command -v "$PY" >/dev/null || { echo "naive client: skipped (no $PY)"; exit 0; }
tmp=$(mktemp -d) || exit 1
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# start NAME SED COMMAND...: a listener in the background; sets addr from
# the line SED finds on its stderr (5 s at most).
start() {
    local name=$1 sedexpr=$2
    shift 2
    "$@" >/dev/null 2>"$tmp/$name.err" &
    pids+=($!)
    addr=""
    for _ in $(seq 50); do
        addr=$(sed -n "$sedexpr" "$tmp/$name.err" 2>/dev/null | head -n 1)
        [ -n "$addr" ] && return 0
        sleep 0.1
    done
    echo "bench: $name did not print its address: $(head -c 300 "$tmp/$name.err")" >&2
    return 1
}
stop_all() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    pids=()
}
# client ADDR [--nagle]: one game; the client's "X ms a guess".
client() {
    "$PY" ci/refmodel.py client --timing --connect "$@" --game "$GAME" 2>&1 >/dev/null |
        sed -n 's/^refmodel client: .*, \([0-9.]*\) ms a guess, .*/\1/p'
}
row() { printf '  %-64s %9s ms a guess\n' "$1" "${2:--}"; }

echo "a client with Nagle on (REPORT and NUMBER two writes before a read), one game of $N guesses:"
SERVE='s/^listening on //p'
for d in events threads; do
    start serve "$SERVE" "$W" serve --listen 127.0.0.1:0 --driver $d &&
        row "warmer serve --driver $d" "$(client "$addr" --nagle)"
    stop_all
done
if start serve "$SERVE" "$W" serve --listen 127.0.0.1:0 &&
    start record 's/^record: listening on //p' "$W" record --listen 127.0.0.1:0 --connect "$addr"; then
    row "warmer record in front of warmer serve" "$(client "$addr" --nagle)"
fi
stop_all
"$PY" ci/refmodel.py transcript --game "$GAME" >"$tmp/game.txt"
if start replay 's/^replay: listening on \([^ ]*\) .*/\1/p' "$W" replay --client --listen 127.0.0.1:0 \
    "$tmp/game.txt"; then
    row "warmer replay --client --listen (interop --client's server)" "$(client "$addr" --nagle)"
fi
stop_all
start model 's/^refmodel serve: listening on //p' "$PY" ci/refmodel.py serve --listen 127.0.0.1:0 &&
    row "python3 ci/refmodel.py serve (the book's server, the reference)" "$(client "$addr" --nagle)"
stop_all
echo "a server that writes each reply as two sends, Nagle on (refmodel.py serve --split):"
if start model 's/^refmodel serve: listening on //p' "$PY" ci/refmodel.py serve --split \
    --listen 127.0.0.1:0 &&
    start record 's/^record: listening on //p' "$W" record --listen 127.0.0.1:0 --connect "$addr"; then
    row "warmer record in front of it, a TCP_NODELAY client" "$(client "$addr")"
fi
stop_all
if start serve "$SERVE" "$W" serve --listen 127.0.0.1:0; then
    row "for scale: warmer serve, a TCP_NODELAY client" "$(client "$addr")"
fi
stop_all
