#!/bin/bash
# CLI contract tests (CLI.md): exit codes, --help, --version, the option rules
# (getopt_long: options anywhere, --, -j forms), numbers and ports checked
# strictly, usage errors name their input.
# usage: tests/cli.sh WARMER   (WARMER may carry a wrapper: "valgrind ... build/warmer")
#
# Under a wrapper every case is a valgrind process (about half a second), so
# make memcheck runs the parts below at once (ONLY=NAME: that part alone,
# tests/lib.sh; LIST=1 lists them), and a case marked native_only is left to the plain run: it takes,
# through warmer's own code, the path of a sibling case that does run under
# the wrapper (its input differs only in a spelling libc's getopt_long or one
# parser branch already run there handles). SKIP_CASES="NAME ..." leaves out
# those cases too (make memcheck passes the cli lines of tests/memcheck.skip).
W=${1:-build/warmer}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init cli
# The cases are the expectations (expect, stdout_has, same: each names one),
# in parts. ONLY names parts or expectations; LIST=1 prints PART/NAME of each.
parts=$(sed -n 's/^part //p' "$0")
by_name= # ONLY names an expectation: every part's setup runs, one check
for c in $ONLY; do grep -qx -- "$c" <<<"$parts" || by_name=1; done
case $W in *" "*) WRAPPED=1 ;; *) WRAPPED= ;; esac
PART=
part() { PART=$1; }
in_part() { [ -n "$LIST" ] || [ -n "$by_name" ] || lib_selected "$PART"; }
# picked NAME: 0 if the expectation NAME runs (under LIST: printed instead).
picked() {
    if [ -n "$LIST" ]; then
        echo "$PART/$1"
        return 1
    fi
    lib_selected "$PART" || { [ -n "$by_name" ] && lib_selected "$1"; }
}
native_only() {
    if [ -n "$WRAPPED" ]; then picked "$2" && repeats=$((repeats + 1)); else "$@"; fi
}
# left_out NAME: 0 (and counted) if SKIP_CASES names the case.
left_out() {
    case " $SKIP_CASES " in *" $1 "*) repeats=$((repeats + 1)) && return 0 ;; esac
    return 1
}

# expect NAME WANT_STATUS PATTERN -- ARGS...: PATTERN must appear in stdout+stderr.
expect() {
    picked "$1" || return 0
    left_out "$1" && return 0
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

part basics
expect help-top 0 "usage: warmer COMMAND" -- --help
expect no-command 2 "usage: warmer COMMAND" --
expect unknown-command 2 'unknown command "frob"' -- frob
expect run-book 0 "Client: 12 is Correct" -- run --format book
expect run-transcript 0 "# warmer transcript v1" -- run
expect run-bad-format 2 'got "json"' -- run --format json
expect run-bad-game 2 'bad game "1:5:x:5"' -- run --game 1:5:x:5
expect run-bad-seed 2 'got "-1"' -- run --seed -1
expect run-seed-overflow 2 "passes 2^64 - 1" -- run --seed 18446744073709551615 --connections 2
expect run-missing-value 2 "--seed needs a value" -- run --seed
expect run-unknown-option 2 'unknown option "--frob"' -- run --frob
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


# --- the option rules (docs/CLI.md, Conventions): getopt_long in every command.
part commands
cmds="run check replay client serve interop record explore load"
# stdout_has NAME PATTERN -- ARGS...: exit 0, and PATTERN on stdout alone.
stdout_has() {
    picked "$1" || return 0
    left_out "$1" && return 0
    name=$1 pat=$2
    shift 3
    # shellcheck disable=SC2086
    $W "$@" >"$tmp/out" 2>/dev/null
    got=$?
    if [ "$got" -eq 0 ] && grep -q -- "$pat" "$tmp/out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL cli/$name: want exit 0 and /$pat/ on stdout, got exit $got:"
        sed 's/^/    /' "$tmp/out" | head -20
    fi
}
# same NAME FILE1 FILE2: two outputs must be identical.
same() {
    picked "$1" || return 0
    if cmp -s "$2" "$3"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL cli/$1: outputs differ:"
        diff "$2" "$3" | head -20 | sed 's/^/    /'
    fi
}
# Every command leaves wm_opts_parse by one return whatever ended the parse
# (help, version, an unknown option), so under a wrapper each command runs
# --help and --frob, and the other ways out run for one command (run).
for c in $cmds; do
    stdout_has "help-long-$c" "^usage: warmer $c" -- "$c" --help
    native_only stdout_has "help-short-$c" "^usage: warmer $c" -- "$c" -h
    native_only stdout_has "help-after-operand-$c" "^usage: warmer $c" -- "$c" some-operand --help
    if [ "$c" = run ]; then v=; else v=native_only; fi
    $v stdout_has "version-$c" "^warmer 0\.9\.0" -- "$c" --version
    expect "unknown-option-$c" 2 "^warmer $c: unknown option \"--frob\" (try warmer $c --help)\$" -- "$c" --frob
    $v expect "abbreviation-$c" 2 "^warmer $c: unknown option \"--he\"" -- "$c" --he
    $v expect "unknown-short-$c" 2 "^warmer $c: unknown option \"-q\"" -- "$c" -q
done
stdout_has version-top "^warmer 0\.9\.0" -- --version
stdout_has version-top-short "^warmer 0\.9\.0" -- -V
stdout_has help-top-short "^usage: warmer COMMAND" -- -h
expect unknown-option-valued 2 'unknown option "--frob" (' -- run --frob=1
expect flag-with-value 2 '--chunking takes no value, got "--chunking=yes"' -- run --chunking=yes
expect missing-value-last 2 "--game needs a value" -- run --seed 1 --game
expect stray-operand-run 2 'unexpected argument "extra"' -- run --seed 3 extra --format book
expect stray-operand-replay 2 'unexpected argument "two.txt"' -- replay --server one.txt two.txt
expect stray-operand-serve 2 'unexpected argument "127.0.0.1:0"' -- serve 127.0.0.1:0

# Options after operands.
part operands
cp "$tmp/mut.txt" "$tmp/upd.txt"
expect check-update-after-file 0 "^updated $tmp/upd.txt\$" -- check "$tmp/upd.txt" --update
expect check-updated-passes 0 "^ok $tmp/upd.txt\$" -- check "$tmp/upd.txt"
expect check-driver-after-file 0 "^1 passed, 0 failed\$" -- check fixtures/golden/book.txt --driver events
expect replay-side-after-file 0 "^ok fixtures/golden/book.txt\$" -- replay fixtures/golden/book.txt --client
expect replay-options-around-file 0 "^ok fixtures/golden/book.txt\$" -- replay --timeout 0.5 fixtures/golden/book.txt --server --driver threads
expect run-options-any-order 0 "Client: 12 is Correct" -- run --format=book --seed=1234 --driver events
# A value is the next word whatever it starts with.
expect run-negative-game 0 "^C: PARAMS -5 -1\$" -- run --game -5:-1:-3:4
expect run-game-equals 0 "^C: PARAMS -5 -1\$" -- run --game=-5:-1:-3:4
# -- ends the options: what follows is an operand even if it looks like one.
expect check-dashdash 2 "check: --update: cannot open" -- check -- --update
expect replay-dashdash 2 "replay: -j2: cannot open" -- replay --server -- -j2
expect run-dashdash 2 'unexpected argument "--seed"' -- run -- --seed

# -j N in every form, where a command takes jobs; the output does not depend on it.
# (Under a wrapper one form: getopt_long hands each to the same handler.)
v=
for j in -j2 "-j 2" "--jobs 2" --jobs=2; do
    # shellcheck disable=SC2086
    $v expect "check-jobs-${j%% *}" 0 "^2 passed, 0 failed\$" -- check $j fixtures/golden/book.txt fixtures/golden/seed-zero.txt
    # shellcheck disable=SC2086
    $v expect "explore-jobs-${j%% *}" 0 "^explore: seed 1, 3 runs, all held\$" -- explore --runs 3 $j
    v=native_only
done
expect check-jobs-zero 2 '-j must be 1..256, got "0"' -- check -j0 fixtures/golden/book.txt
expect check-jobs-big 2 '--jobs must be 1..256, got "257"' -- check --jobs 257 fixtures/golden/book.txt
expect check-jobs-missing 2 "-j needs a value" -- check fixtures/golden/book.txt -j
expect run-no-jobs 2 'unknown option "-j"' -- run -j2
set -- fixtures/golden/book.txt "$tmp/mut.txt" fixtures/bad/empty-line.txt "$tmp/nope.txt" fixtures/golden/seed-zero.txt
if in_part; then
    $W check "$@" >"$tmp/j1.out" 2>"$tmp/j1.err"
    echo "exit $?" >>"$tmp/j1.out"
    $W check -j 4 "$@" >"$tmp/j4.out" 2>"$tmp/j4.err"
    echo "exit $?" >>"$tmp/j4.out"
fi
same check-jobs-same-stdout "$tmp/j1.out" "$tmp/j4.out"
same check-jobs-same-stderr "$tmp/j1.err" "$tmp/j4.err"

# Numbers: plain decimal within the option's range, the option named.
part numbers
expect num-leading-zero 2 '--seed must be 0..18446744073709551615 in plain decimal .*got "07"' -- run --seed 07
expect num-plus 2 '--connections must be 1..65536 in plain decimal .*got "+2"' -- run --connections +2
expect num-space 2 '--max-line must be 1..16777216 in plain decimal .*got " 5"' -- run --max-line " 5"
expect num-range 2 '--connections must be 1..65536, got "65537"' -- run --connections 65537
expect num-overflow 2 '--max-steps must be 0..18446744073709551615, got "18446744073709551616"' -- run --max-steps 18446744073709551616
expect num-serve 2 '--idle-timeout wants seconds, 0 or 0.01..86400 with up to 3 decimals, got "030"' -- serve --listen 127.0.0.1:0 --idle-timeout 030
expect num-record 2 '--close-wait wants seconds, 0 or 0.01..86400 with up to 3 decimals, got "-1"' -- record --listen 127.0.0.1:0 --connect 127.0.0.1:9 --close-wait -1
expect seconds-record-close-wait 2 'unknown option "--frob"' -- record --listen 127.0.0.1:0 --connect 127.0.0.1:9 --close-wait 0.5 --frob
expect num-explore 2 '--time must be at least 0.01 seconds, got "0"' -- explore --time 0
expect num-explore-max 2 '--time wants seconds, 0.01..2592000 with up to 3 decimals, got "2592000.001"' -- explore --time 2592000.001
# Every option that takes seconds takes decimals.
expect seconds-explore-time 0 "^explore: seed 1, [0-9]* runs, all held\$" -- explore --time 0.2
expect seconds-close-window 2 '--close-window must be 0 or at least 0.01 seconds, got "0.001"' -- replay --server --close-window 0.001 fixtures/golden/book.txt
expect close-window-off 0 "^ok fixtures/golden/book.txt\$" -- replay --server --close-window 0 fixtures/golden/book.txt
expect seconds-serve-idle 2 'unknown option "--frob"' -- serve --listen 127.0.0.1:0 --idle-timeout 0.25 --frob
expect num-load 2 '--connections must be 1..65536, got "0"' -- load --connect 127.0.0.1:9 --connections 0
expect seconds-leading-zero 2 '--timeout wants seconds' -- replay --server --timeout 00.5 fixtures/golden/book.txt
expect seconds-fraction 0 "^ok fixtures/golden/book.txt\$" -- replay --server --timeout 0.5 fixtures/golden/book.txt

# Ports: 1..65535 in plain decimal; 0 (any free port) only where warmer listens.
# A good address lets parsing go on to the next word (--frob); a bad one stops it.
# Every site parses with wm_net_parse, so under a wrapper the whole list runs
# at one site that listens (serve --listen) and one that connects (record
# --connect); elsewhere a good address and a bad one.
ports() { # NAME PORT_0_OK ARGS_BEFORE_ADDRESS...
    pname=$1 zero=$2
    shift 2
    case $pname in serve-listen | record-connect) v= ;; *) v=native_only ;; esac
    expect "$pname-1" 2 'unknown option "--frob"' -- "$@" "127.0.0.1:1" --frob
    $v expect "$pname-65535" 2 'unknown option "--frob"' -- "$@" "127.0.0.1:65535" --frob
    if [ "$zero" = yes ]; then
        $v expect "$pname-0" 2 'unknown option "--frob"' -- "$@" 127.0.0.1:0 --frob
        range="0..65535"
    else
        $v expect "$pname-0" 2 'the port must be 1..65535, got "0"' -- "$@" 127.0.0.1:0 --frob
        range="1..65535"
    fi
    w=
    for port in 65536 69857 04321 " 4321" "4321 " +4321 -1 x; do
        $w expect "$pname-bad-$(printf %s "$port" | tr ' ' _)" 2 "address \"127.0.0.1:$port\": the port must be $range.*got \"$port\"" -- "$@" "127.0.0.1:$port" --frob
        w=$v
    done
    $v expect "$pname-v6" 2 'address "\[::1\]:65537": the port must be' -- "$@" "[::1]:65537"
}
ports serve-listen yes serve --listen
ports record-listen yes record --connect 127.0.0.1:9 --listen
part ports
ports record-connect no record --listen 127.0.0.1:0 --connect
ports replay-listen yes replay --client fixtures/golden/book.txt --listen
ports replay-connect no replay --server fixtures/golden/book.txt --connect
ports client-connect no client --connect
ports explore-connect no explore --connect
ports load-connect no load --connect
expect port-names-option 2 "^warmer client: --connect: address" -- client --connect 127.0.0.1:65537

# The simulator's options under another driver are refused, in either order.
expect sim-only-transport 2 "--transport is the simulator's: it has no say under --driver threads" -- run --driver threads --transport memory
expect sim-only-max-steps 2 "--max-steps is the simulator's: it has no say under --driver events" -- run --max-steps 100 --driver events
expect sim-only-chunking 2 "--chunking is the simulator's" -- run --chunking --driver threads
expect sim-only-check 2 "--transport is the simulator's" -- check --driver events fixtures/golden/book.txt --transport socketpair
expect sim-only-replay 2 "--max-steps is the simulator's" -- replay --server --max-steps 9 --driver threads fixtures/golden/book.txt
# A reproduce line never combines them: the run alone of a chunking file under threads.
sed 's/^S: 4$/S: 2/' fixtures/golden/chunking-book.txt >"$tmp/chunk.txt"
expect run-alone-threads-no-chunking 1 "^the run alone: .* --game 10:15:12:5 --driver threads\$" -- check --driver threads "$tmp/chunk.txt"
expect run-alone-sim-chunking 1 "^the run alone: .* --game 10:15:12:5 --chunking\$" -- check "$tmp/chunk.txt"
expect sim-options-under-sim 0 "^1 passed, 0 failed\$" -- check --driver sim --transport memory --max-steps 100000 fixtures/golden/book.txt

# The open-file limit (issue 10): a low soft limit is raised as far as the
# run needs; a hard limit too low fails at once, exit 2, saying how to raise it.
# Valgrind shows its client a hard limit equal to the soft one, less the
# descriptors it keeps for itself: under a wrapper no raise can be seen, and
# the hard limit named is that lower one.
W_PLAIN=$W
printf '#!/bin/sh\nulimit %s "$1" || exit 99\nshift\nexec "$@"\n' -Sn >"$tmp/soft.sh"
printf '#!/bin/sh\nulimit %s "$1" || exit 99\nshift\nexec "$@"\n' -n >"$tmp/both.sh"
hard=200
[ -n "$WRAPPED" ] && hard='[12][0-9][0-9]'
W="sh $tmp/soft.sh 200 $W_PLAIN"
[ -z "$WRAPPED" ] && expect fd-soft-limit-raised 0 "^C600! close$" -- run --connections 600 --game 1:5:3:1
W="sh $tmp/both.sh 200 $W_PLAIN"
expect fd-hard-limit-run 2 "a run of 600 connections needs 1232 open files, and the hard limit is $hard " -- run --connections 600 --game 1:5:3:1
expect fd-memory-transport-needs-none 0 "^C600! close$" -- run --connections 600 --game 1:5:3:1 --transport memory
in_part && $W_PLAIN run --connections 100 --game 1:5:3:1 >"$tmp/c100.txt"
W="sh $tmp/both.sh 100 $W_PLAIN"
expect fd-hard-limit-check 2 "^FAIL $tmp/c100.txt: a run of 100 connections needs 232 open files" -- check "$tmp/c100.txt"
W=$W_PLAIN

# --- profiles (issue 18): --profile on every command that plays or judges
# sessions; a transcript names a non-strict profile in its header.
part profiles
for c in run check replay client serve interop record explore; do
    expect "profile-unknown-$c" 2 "^warmer $c: --profile wants strict, book or book-asyncio, got \"loose\" (try" -- "$c" --profile loose
done
expect profile-run-header 0 "^# profile: book\$" -- run --profile book
expect profile-run-asyncio 0 "^# profile: book-asyncio\$" -- run --seed 9 --profile=book-asyncio
if in_part; then
    $W run --profile strict >"$tmp/pstrict.txt" 2>&1
    $W run >"$tmp/pnone.txt" 2>&1
    $W run --profile book >"$tmp/pbook.txt" 2>&1
    sed 's/^S: 4$/S: 2/' "$tmp/pbook.txt" >"$tmp/pbook-mut.txt"
fi
same profile-strict-writes-none "$tmp/pnone.txt" "$tmp/pstrict.txt"
expect profile-header-roundtrip 0 "^ok $tmp/pbook.txt\$" -- check "$tmp/pbook.txt"
expect profile-run-alone 1 "^the run alone: .* run --seed 1234 --profile book --game 1:5:3:5 " -- check "$tmp/pbook-mut.txt"
expect profile-check-reproduce 1 "^reproduce: .* check --profile book-asyncio $tmp/pbook-mut.txt\$" -- check --profile book-asyncio "$tmp/pbook-mut.txt"
expect profile-replay-header-wins 0 "^ok $tmp/pbook.txt\$" -- replay --server --profile strict "$tmp/pbook.txt"
expect profile-client 2 "^warmer client: --connect HOST:PORT is required" -- client --profile book
expect profile-serve 2 "^warmer serve: --listen HOST:PORT is required" -- serve --profile book-asyncio
expect profile-record 2 "^warmer record: --listen HOST:PORT and --connect" -- record --profile book
expect profile-interop 2 "^warmer interop: say what to test" -- interop --profile book fixtures/golden
expect profile-explore 0 "^explore: seed 1, 3 runs, all held\$" -- explore --profile book --runs 3
# A game beyond int64: strict refuses it naming its limit; a book profile
# takes it, whichever of --game and --profile comes first.
expect profile-strict-refuses-big 2 "^warmer run: game 1:18446744073709551616:5:3 is beyond int64 (-9223372036854775808..9223372036854775807), the strict profile's limit (--profile book, or '# profile: book' in a file, takes it)" -- run --game 1:18446744073709551616:5:3
expect profile-book-big-header 0 "^# game: 1:18446744073709551616:5:3\$" -- run --game 1:18446744073709551616:5:3 --profile book
expect profile-book-big-plays 0 "^C: PARAMS 1 18446744073709551616\$" -- run --profile book --game 1:18446744073709551616:5:3
expect profile-bad-big 2 'bad game "1:018446744073709551616:5:3"' -- run --profile book --game 1:018446744073709551616:5:3
# check: a file's header wins; --profile is the profile of files naming none.
if in_part; then
    $W run --profile book --game 1:18446744073709551616:5:3 >"$tmp/pbig.txt" 2>&1
    grep -v '^# profile: ' "$tmp/pbig.txt" >"$tmp/pbig-none.txt"
fi
expect profile-check-header-wins 0 "^ok $tmp/pbig.txt\$" -- check --profile strict "$tmp/pbig.txt"
expect profile-check-default-strict 2 "$tmp/pbig-none.txt:[0-9]*: game 1:18446744073709551616:5:3 is beyond int64" -- check "$tmp/pbig-none.txt"
expect profile-check-default-book 0 "^ok $tmp/pbig-none.txt\$" -- check --profile book "$tmp/pbig-none.txt"

[ -n "$LIST" ] && exit 0
if [ -n "$ONLY" ] && [ $((pass + fail + repeats)) -eq 0 ]; then
    echo "cli: no case $ONLY (parts: $(echo $parts); LIST=1 lists the cases)" >&2
    exit 2
fi
lib_summary
