#!/bin/sh
# CLI contract tests (CLI.md): exit codes, --help, usage errors name their input.
# usage: tests/cli.sh WARMER   (WARMER may carry a wrapper: "valgrind ... build/warmer")
W=${1:-build/warmer}
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# expect NAME WANT_STATUS PATTERN -- ARGS...: PATTERN must appear in stdout+stderr.
expect() {
    name=$1 want=$2 pat=$3
    shift 4
    # shellcheck disable=SC2086
    $W "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL cli/$name: want exit $want and /$pat/, got exit $got:"
        sed 's/^/    /' "$tmp/out" | head -20
    fi
}

expect help-top 0 "usage: warmer COMMAND" -- --help
expect no-command 2 "usage: warmer COMMAND" --
expect unknown-command 2 'unknown command "frob"' -- frob
for c in run check replay; do
    expect "help-$c" 0 "usage: warmer $c" -- "$c" --help
done
expect run-book 0 "Client: 12 is Correct" -- run --format book
expect run-transcript 0 "# warmer transcript v1" -- run
expect run-bad-format 2 'got "json"' -- run --format json
expect run-bad-game 2 'bad game "1:5:x:5"' -- run --game 1:5:x:5
expect run-bad-seed 2 'got "-1"' -- run --seed -1
expect run-seed-overflow 2 "passes 2^64 - 1" -- run --seed 18446744073709551615 --connections 2
expect run-missing-value 2 "--seed needs a value" -- run --seed
expect run-unknown-option 2 'unknown argument "--frob"' -- run --frob
expect run-bad-driver 2 'got "fibers"' -- run --driver fibers
expect run-zero-connections 2 "connections must be 1..65536" -- run --connections 0
expect run-session-error 1 "NUMBER with an empty range" -- run --game 5:1:3:2
expect run-max-steps 1 "max-steps" -- run --max-steps 10
expect run-threads-too-many 2 "at most 512 connections" -- run --driver threads --connections 600
expect run-driver-threads 0 "C2! close" -- run --driver threads --connections 2
expect run-driver-events 0 "C2! close" -- run --driver events --connections 2
expect replay-timeout-zero 2 "at least 0.01 seconds" -- replay --server --connect 127.0.0.1:9 --timeout 0 fixtures/golden/book.txt
expect replay-listen-needs-client 2 "--connect goes with --server" -- replay --server --listen 127.0.0.1:0 fixtures/golden/book.txt
expect update-stdin 2 "cannot rewrite standard input" -- check --update -
expect check-no-files 2 "no transcript files" -- check
expect check-missing-file 2 "$tmp/nope.txt: cannot open" -- check "$tmp/nope.txt"
printf '# warmer transcript v1\n# seed: 1\nX: what\n' >"$tmp/bad.txt"
expect check-malformed 2 "$tmp/bad.txt:3: expected a record" -- check "$tmp/bad.txt"
printf 'hello\n' >"$tmp/nomagic.txt"
expect check-no-magic 2 "$tmp/nomagic.txt:1: expected the first line" -- check "$tmp/nomagic.txt"
expect replay-no-side 2 "say which side" -- replay fixtures/golden/book.txt
expect replay-server-ok 0 "ok fixtures/golden/book.txt" -- replay --server fixtures/golden/book.txt
expect replay-client-ok 0 "ok fixtures/golden/book.txt" -- replay --client fixtures/golden/book.txt
sed 's/^S: 4$/S: 2/' fixtures/golden/book.txt >"$tmp/mut.txt"
expect check-mismatch 1 "first difference: $tmp/mut.txt:7" -- check "$tmp/mut.txt"
expect replay-mismatch 1 "reproduce: .* replay --server $tmp/mut.txt" -- replay --server "$tmp/mut.txt"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
