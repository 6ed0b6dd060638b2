#!/bin/bash
# Live replay against any server implementation: for each transcript, start
# a fresh server with the transcript's seed, run `warmer replay --server
# --connect` against it, stop it. Files that are not `client: script` or
# plain runs (a `server: script` header) are skipped, and so are files whose
# max-line or max-guesses header the command has no placeholder for.
#
#   ci/interop.sh [-w WARMER] [-j JOBS] [-t SECS] 'SERVER COMMAND' FILE...
#
# The command is run by bash after replacing {seed}, {max-line} and
# {max-guesses}; it must listen on a free port and print a line containing
# "listening on HOST:PORT" to stderr. Examples:
#   ci/interop.sh 'build/warmer serve --listen 127.0.0.1:0 --seed {seed} --max-line {max-line} --max-guesses {max-guesses}' fixtures/golden/*.txt fixtures/bad/*.txt
#   ci/interop.sh 'python3 ci/refmodel.py serve --listen 127.0.0.1:0 --seed {seed}' fixtures/golden/*.txt
# Ends with "N passed, N failed"; exit 1 if any failed.
W=build/warmer JOBS=8 T=30
while getopts w:j:t: opt; do
    case $opt in
    w) W=$OPTARG ;;
    j) JOBS=$OPTARG ;;
    t) T=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,18s/^# \{0,1\}//p' "$0" >&2; exit 2; }
CMD=$1
shift
tmp=$(mktemp -d) || exit 2
trap 'for f in "$tmp"/*.pid; do [ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done; kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

header() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

one() {
    local f=$1 id=$2 cmd=$CMD v pid addr i=0 rc
    [ "$(header server "$f")" = script ] && { echo skip >"$tmp/$id.res"; return; }
    cmd=${cmd//\{seed\}/$(header seed "$f")}
    for key in max-line max-guesses; do
        v=$(header "$key" "$f")
        if [[ $cmd == *"{$key}"* ]]; then
            [ -n "$v" ] || v=$([ $key = max-line ] && echo 1024 || echo 4194304)
            cmd=${cmd//\{$key\}/$v}
        elif [ -n "$v" ]; then
            echo skip >"$tmp/$id.res"
            return
        fi
    done
    bash -c "exec $cmd" >/dev/null 2>"$tmp/$id.err" &
    pid=$!
    echo "$pid" >"$tmp/$id.pid"
    until addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$tmp/$id.err" 2>/dev/null | head -n 1); [ -n "$addr" ]; do
        if ! kill -0 "$pid" 2>/dev/null || [ $i -ge $((T * 20)) ]; then
            printf 'FAIL %s: the server did not start: %s\n' "$f" "$(head -c 400 "$tmp/$id.err")" >"$tmp/$id.res"
            kill -KILL "$pid" 2>/dev/null
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    timeout -k 5 "$T" "$W" replay --server --connect "$addr" "$f" >"$tmp/$id.out" 2>&1
    rc=$?
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < T * 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$tmp/$id.pid"
    if [ $rc -eq 0 ]; then
        echo ok >"$tmp/$id.res"
    else
        { echo "FAIL $f (replay exit $rc)"; head -n 40 "$tmp/$id.out"; } >"$tmp/$id.res"
    fi
}

n=0
for f in "$@"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    one "$f" $n &
    n=$((n + 1))
done
wait
pass=0 fail=0 skip=0
for ((i = 0; i < n; i++)); do
    case $(head -n 1 "$tmp/$i.res" 2>/dev/null) in
    ok) pass=$((pass + 1)) ;;
    skip) skip=$((skip + 1)) ;;
    *) fail=$((fail + 1)); cat "$tmp/$i.res" 2>/dev/null || echo "FAIL job $i: no result" ;;
    esac
done
echo "$skip skipped (a scripted server, or a limit the command cannot take)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
