#!/bin/bash
# `warmer explore` (docs/EXPLORE.md) from the command line: every case has a
# stable name and runs alone with ONLY=name (tests/lib.sh). That it finds planted
# bugs is tests/mutants.sh.
#   bash tests/explore.sh WARMER     (WARMER may carry a wrapper: "valgrind ... build/warmer")
W=${1:-build/warmer}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init explore
# servers a case started and left running (pids, one a line)
lib_on_exit() { [ -f "$tmp/pids" ] && xargs kill <"$tmp/pids" 2>/dev/null; }

run() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    $W explore "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err")"
    return 1
}

case_runs_hold() {
    run $1 0 -- --runs 300 --seed 11 --out "$tmp/out" && has $1 "^explore: seed 11, 300 runs, all held$" &&
        { [ ! -e "$tmp/out" ] || { why="wrote $tmp/out without a failure"; return 1; }; }
}
# Same seed, same output, whatever -j (and nothing but the summary when piped).
case_same_seed_same_output() {
    run $1 0 -- --runs 200 --seed 5 -j 1 && cp "$tmp/$1.out" "$tmp/$1.j1" &&
        run $1 0 -- --runs 200 --seed 5 -j 4 &&
        { cmp -s "$tmp/$1.j1" "$tmp/$1.out" || { why="-j1 and -j4 differ"; return 1; }; } &&
        { [ ! -s "$tmp/$1.err" ] || { why="stderr when piped: $(head -c 200 "$tmp/$1.err")"; return 1; }; } &&
        run $1 0 -- --runs 200 --seed 6 &&
        { ! cmp -s "$tmp/$1.j1" "$tmp/$1.out" || { why="seeds 5 and 6 gave the same runs"; return 1; }; }
}
case_time_bound() {
    local s e
    s=$(date +%s)
    run $1 0 -- --time 2 --seed 3 && has $1 "^explore: seed 3, [0-9]* runs, all held$"
    e=$(date +%s)
    [ $((e - s)) -le 20 ] || { why="--time 2 took $((e - s)) s"; return 1; }
}
case_driver_forced() {
    run $1 0 -- --runs 40 --driver threads --faults none &&
        has $1 "drivers: sim 0, events 0, threads 40"
}
# Swarm: each kind is on in some runs and off in others; --faults limits them.
case_faults_swarm() {
    run $1 0 -- --runs 200 --seed 9 && has $1 "faults tried (runs): reset [1-9][0-9]*, half-close [1-9]" &&
        has $1 "stall [1-9][0-9]*, slow [1-9][0-9]*, delay [1-9][0-9]*, journal-limit [1-9][0-9]*, alloc-fail [1-9][0-9]*, split [1-9]" &&
        ! has $1 "reset 200" &&
        run $1 0 -- --runs 200 --seed 9 --faults reset,split &&
        has $1 "faults tried (runs): reset [1-9][0-9]*, half-close 0, stall 0, slow 0, delay 0, journal-limit 0, alloc-fail 0, split [1-9]" &&
        run $1 0 -- --runs 50 --faults none && has $1 "reset 0, half-close 0, stall 0, slow 0, delay 0, journal-limit 0, alloc-fail 0, split 0"
}
# Malformed input (docs/EXPLORE.md, "Malformed input"): strict warmer holds
# on the runs that corrupt a client line; --faults names it like the others.
# The book's sessions hold to what holds for them, games beyond int64 included
# (seed 2's run 1 has one: the oracle read its header as unreadable once).
case_book_profiles_hold() {
    run $1 0 -- --profile book --runs 200 --seed 2 && has $1 "^explore: seed 2, 200 runs, all held$" &&
        run $1 0 -- --profile book-asyncio --runs 200 --seed 3 && has $1 "^explore: seed 3, 200 runs, all held$"
}
# Without --profile every run draws its own (half strict, a quarter each
# book); --profile pins them all; --run K draws run K's profile again.
case_default_reaches_every_profile() {
    run $1 0 -- --runs 200 --seed 4 --json "$tmp/$1.json" && has $1 "^explore: seed 4, 200 runs, all held$" &&
        has $1 "^  profiles: strict [1-9][0-9]*, book [1-9][0-9]*, book-asyncio [1-9][0-9]*$" || return 1
    local k
    k=$(grep -o '"run": [0-9]*, "seed": 4, "scenario": "[^"]*profile book-asyncio' "$tmp/$1.json" | head -1 | sed 's/"run": \([0-9]*\),.*/\1/')
    [ -n "$k" ] || { why="no run of seed 4 drew book-asyncio"; return 1; }
    run $1 0 -- --seed 4 --run "$k" && has $1 "^  profiles: strict 0, book 0, book-asyncio 1$" &&
        run $1 0 -- --runs 50 --seed 4 --profile book && has $1 "^  profiles: strict 0, book 50, book-asyncio 0$" &&
        run $1 0 -- --runs 50 --seed 4 --profile strict && has $1 "^  profiles: strict 50, book 0, book-asyncio 0$"
}
# Run 1732 of seed 1: a book game of a 2^126 range under max-line 9, made
# malformed: its client lines are longer than a script's records may be
# (max-line + 64), so the script did not read back ("format", a false
# finding). Such a run stays well-formed.
case_book_long_lines_stay_well_formed() {
    run $1 0 -- --seed 1 --run 1732 && has $1 "^explore: seed 1, run 1732, all held$" &&
        has $1 "^  profiles: strict 0, book 1, book-asyncio 0$" && has $1 "small max-line 1,"
}
case_malformed_runs_hold() {
    run $1 0 -- --runs 600 --seed 12 --faults malformed -j 2 &&
        has $1 "^explore: seed 12, 600 runs, all held$" && has $1 "split 0, malformed [1-9][0-9]*$" &&
        run $1 0 -- --runs 100 --seed 12 --faults reset && has $1 "split 0, malformed 0$"
}
# A malformed run's file (a client script against warmer's server) replays
# under every driver, held to the classifier; a server script does not.
case_malformed_replay() {
    local f
    for f in params-leading-plus carriage-return empty-line line-too-long invalid-utf8 \
        params-beyond-int64 report-unknown-decision number-before-params; do
        run $1 0 -- --replay "fixtures/bad/$f.txt" || return 1
        has $1 "^ok fixtures/bad/$f.txt: the invariants hold under every " || return 1
    done
    printf '# warmer transcript v1\n# seed: 1\n# game: 1:5:3:5\n# client: script\n# server: script\nC: PARAMS 1 5\n' >"$tmp/both.txt"
    run $1 2 -- --replay "$tmp/both.txt"
}
# A connection that is not the malformed one is held to the classifier too,
# on its last client line the server could read: one sent after the
# server's end is not judged. Before, --replay of this file (a malformed
# run's of seed 1, with every connection judged as --replay does) failed:
# "line 12 is a too-long error, but the server did not end with an error".
case_malformed_replay_after_end() {
    printf '%s\n' '# warmer transcript v1' '# seed: 0' '# game: 0:0:0:0' '# connections: 2' \
        '# max-line: 8' '# client: script' 'C1:  PARAMS 0 0' \
        'S1! error line longer than 8 bytes: " PARAMS\x20"' 'C1! close' 'C2: PARAMS 0 0' \
        'S2! error line longer than 8 bytes: "PARAMS 0"' 'C2: PARAMS 0 -1' 'C2! close' >"$tmp/after.txt"
    run $1 0 -- --replay "$tmp/after.txt" && has $1 "^ok $tmp/after.txt: the invariants hold under every " &&
        run $1 0 -- --replay "$tmp/after.txt" --no-fork && has $1 "^ok $tmp/after.txt: "
}
# A corrupted guess (docs/EXPLORE.md, "A corrupted guess"): strict runs
# corrupt a server line too, and warmer's client holds; a file whose server
# side is a script replays, held to the client's classifier (before, explore
# refused it: "explore replays runs of sessions, not scripts").
case_server_malformed() {
    local f
    for f in server-non-integer server-out-of-range server-repeated-guess server-line-too-long; do
        run $1 0 -- --replay "fixtures/bad/$f.txt" &&
            has $1 "^ok fixtures/bad/$f.txt: the invariants hold under every " || return 1
    done
    run $1 0 -- --runs 300 --seed 21 --faults malformed -j 2 --json "$tmp/r.json" &&
        has $1 "^explore: seed 21, 300 runs, all held$" &&
        grep -q 'malformed: [a-z]*, server line' "$tmp/r.json" || { why="${why:-no run corrupted a server line}"; return 1; }
}
# Under a book profile too (docs/EXPLORE.md, "Under a book profile"): the
# book's server holds to the book's classifier on the runs that corrupt a
# client line and probe it with a NUMBER.
case_book_malformed_runs_hold() {
    run $1 0 -- --profile book --runs 300 --seed 1 --faults malformed -j 2 &&
        has $1 "^explore: seed 1, 300 runs, all held$" && has $1 "split 0, malformed [1-9][0-9]*$" &&
        run $1 0 -- --profile book-asyncio --runs 300 --seed 2 --faults malformed -j 2 &&
        has $1 "^explore: seed 2, 300 runs, all held$" && has $1 "split 0, malformed [1-9][0-9]*$"
}
# The book's client under test (docs/EXPLORE.md, "A corrupted guess for the
# book's client"): book runs corrupt a guess too, some cut before their
# newline, some on a rounding tie of a number moved past 2^85 (mal_tie.c),
# and the book's client holds to its model; a book file whose
# server side is a script replays, held to it (before, the strict client's
# classifier judged such a file and no book run corrupted a guess).
case_book_client_malformed() {
    run $1 0 -- --profile book --runs 300 --seed 21 --faults malformed -j 2 --json "$tmp/r.json" &&
        has $1 "^explore: seed 21, 300 runs, all held$" || return 1
    grep -q 'malformed: [a-z]*, server line [^"]*, cut before its newline)' "$tmp/r.json" ||
        { why="no book run corrupted a guess cut before its newline"; return 1; }
    grep -q '(number -2^[0-9]*)[^"]*malformed: tie, server line' "$tmp/r.json" ||
        { why="no book run put a guess on a rounding tie past 2^85"; return 1; }
    local f=$tmp/bcli.txt
    printf '# warmer transcript v1\n# seed: 1234\n# profile: book\n# game: 1:5:3:1\n# game: 10:15:12:2\n# server: script\nC: PARAMS 1 5\nC: NUMBER\nS! partial \\x0b3\\x0cx\nS! close\n' >"$f"
    run $1 0 -- --replay "$f" && has $1 "^ok $f: the invariants hold under every " || return 1
    printf '# warmer transcript v1\n# seed: 1234\n# profile: book-asyncio\n# game: 1:5:3:5\n# server: script\nC: PARAMS 1 5\nC: NUMBER\nS: \\xd9\\xa4\\x00\n' >"$f"
    run $1 0 -- --replay "$f" && has $1 "^ok $f: the invariants hold under every "
}
# A book malformed run's file replays, held to the book's classifier on
# every connection: fixtures/book's scripts, and one whose last line is a
# bad command (the strict classifier wants "unknown command": before the
# book's, this failed).
case_book_malformed_replay() {
    local f
    for f in fixtures/book/params-leading-plus.txt fixtures/book/carriage-return-asyncio.txt \
        fixtures/book/report-unknown-decision.txt fixtures/book/number-with-argument-asyncio.txt; do
        run $1 0 -- --replay "$f" && has $1 "^ok $f: the invariants hold under every " || return 1
    done
    printf '# warmer transcript v1\n# seed: 1234\n# profile: book\n# game: 1:5:3:5\n# client: script\nC: PARAMS +5 \\xd9\\xa5\nC: NUMBER\nS: 5\nC: GUESS\n' >"$tmp/mal.txt"
    run $1 0 -- --replay "$tmp/mal.txt" && has $1 "^ok $tmp/mal.txt: the invariants hold under every "
}
case_replay_goldens() {
    local f
    for f in fixtures/golden/book.txt fixtures/golden/full-int64.txt fixtures/golden/connections-3.txt \
        fixtures/golden/empty-range-game.txt fixtures/faults/combined.txt fixtures/faults/stall-server.txt; do
        run $1 0 -- --replay "$f" || return 1
        has $1 "^ok $f: the invariants hold under every " || return 1
    done
}
# --replay of a set (several, a DIR) with -k: the files selected, in order,
# then a summary; files with a script side skipped; nothing replayed is 2.
case_replay_set_keyword() {
    local want
    want=$(ls fixtures/golden/*connections*.txt | grep -v 16 | sed 's/^/ok /; s/$/: the invariants hold under every driver, transport and chunking/')
    run $1 0 -- --replay fixtures/golden -k connections -k '!16' || return 1
    [ "$(grep '^ok ' "$tmp/$1.out")" = "$want" ] || { why="ok lines: $(grep -c '^ok ' "$tmp/$1.out"), want $(echo "$want" | wc -l)"; return 1; }
    has $1 "^explore --replay: $(echo "$want" | wc -l) held, 0 failed, 0 skipped, $(($(ls fixtures/golden/*.txt | wc -l) - $(echo "$want" | wc -l))) deselected$" || return 1
    run $1 0 -- --replay fixtures/golden/book.txt --replay fixtures/golden/seed-zero.txt &&
        has $1 "^ok fixtures/golden/seed-zero.txt: " && has $1 "^explore --replay: 2 held, 0 failed, 0 skipped$" || return 1
    run $1 2 -- --replay fixtures/bad -k number && has $1 "^skip fixtures/bad/number-with-argument.txt: a side is a script" &&
        has $1 " (nothing replayed)$" || return 1
    run $1 2 -- --replay fixtures/golden -k zzz && grep -q -- "-k selects none of the" "$tmp/$1.err" || return 1
    run $1 2 -- -k book && grep -q -- "-k selects among --replay's files" "$tmp/$1.err"
}
# runs FILE: each JSON object's identity, one line per run in run order:
# `"run": K, "seed": S, "scenario": "..."` (the scenario comes from (S, K) alone).
runs() { grep -o '"run": [0-9]*, "seed": [0-9]*, "scenario": "[^"]*"' "$1" | sort -t, -k1.8n; }
# tried NAME: the summary's connections, games and guesses.
tried() { sed -n 's/^  tried: \([0-9]*\) connections, \([0-9]*\) games, \([0-9]*\) guesses$/\1 \2 \3/p' "$tmp/$1.out"; }

# Three shards of 60 runs make exactly the 60 runs of one machine: the same
# run indices with the same scenarios, each once, shard K the i = K - 1 (mod 3),
# and their tallies add up to the unsharded one's.
case_shards_are_the_runs() {
    run $1 0 -- --runs 60 --seed 21 --json "$tmp/all.json" && has $1 "^explore: seed 21, 60 runs, all held$" || return 1
    local whole k c=0 g=0 q=0 n
    whole=$(tried $1)
    runs "$tmp/all.json" >"$tmp/all.runs"
    [ "$(wc -l <"$tmp/all.runs")" -eq 60 ] || { why="the unsharded report lists $(wc -l <"$tmp/all.runs") runs, not 60"; return 1; }
    : >"$tmp/shards.runs"
    for k in 1 2 3; do
        run $1 0 -- --runs 60 --seed 21 --shard $k/3 --json "$tmp/s$k.json" -j 1 &&
            has $1 "^explore: seed 21, shard $k/3, 20 runs, all held$" || return 1
        runs "$tmp/s$k.json" >"$tmp/s$k.runs"
        n=$(sed 's/^"run": \([0-9]*\),.*/\1/' "$tmp/s$k.runs" | awk -v k=$k '$1 % 3 != k - 1' | head -1)
        [ -z "$n" ] || { why="shard $k/3 made run $n"; return 1; }
        cat "$tmp/s$k.runs" >>"$tmp/shards.runs"
        set -- $1 $(tried $1)
        c=$((c + $2)) g=$((g + $3)) q=$((q + $4))
        set -- $1
    done
    sort -t, -k1.8n "$tmp/shards.runs" | cmp -s - "$tmp/all.runs" ||
        { why="the shards' runs are not the unsharded runs: $(sort -t, -k1.8n "$tmp/shards.runs" | diff - "$tmp/all.runs" | head -4)"; return 1; }
    [ "$c $g $q" = "$whole" ] || { why="the shards tried $c $g $q (connections games guesses), one machine $whole"; return 1; }
}
# A failure found on a shard names its run; that one command, on a machine
# without the shard's files, fails the same way and writes the same shrunk
# case, and passes where the cause is gone. The cause here is real and needs
# no planted bug: with 20 open files at most, a run over socketpairs with
# enough connections cannot make them. (An unwritable $TMPDIR is no longer
# one: explore refuses it before any run, exit 2; see tmpdir_is_an_environment_error.)
case_shard_reproduce_line() {
    local abs # the program by its full path, so the reproduce line runs from anywhere
    abs=$(readlink -f "${W##* }") || return 1
    local W=$abs
    (ulimit -n 20 && exec $W explore --runs 60 --seed 7 --shard 2/3 --out "$tmp/ci" --json "$tmp/ci.json") >"$tmp/$1.out" 2>"$tmp/$1.err"
    local rc=$?
    [ $rc -eq 1 ] || { why="with 20 open files: want exit 1, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
    has $1 "^FAIL run [0-9]* of seed 7$" && has $1 "^  from the file: .* explore --replay $tmp/ci/explore-7-[0-9]*.txt$" &&
        has $1 "^  replayed the file (--replay): failed the same way$" &&
        has $1 "^explore: seed 7, shard 2/3, [0-9]* runs, 1 failed$" || return 1
    local cmd k found shrunk
    cmd=$(sed -n 's/^reproduce: //p' "$tmp/$1.out")
    k=$(sed -n 's/^FAIL run \([0-9]*\) of seed 7$/\1/p' "$tmp/$1.out")
    case "$cmd" in *" explore --seed 7 --run $k") ;; *) why="reproduce line: $cmd"; return 1 ;; esac
    [ $((k % 3)) -eq 1 ] || { why="shard 2/3 reported run $k"; return 1; }
    grep -q "\"run\": $k, .*\"file\": \"$tmp/ci/explore-7-$k.txt\", \"status\": \"failed\", .*\"reproduce\": \"${cmd//\//\\/}\", \"diff\": null, \"expected\": null, \"actual\": null}" "$tmp/ci.json" ||
        { why="no failed object for run $k in the JSON report"; return 1; }
    found=$(grep '^  found: ' "$tmp/$1.out") shrunk=$(grep '^  shrunk in ' "$tmp/$1.out")
    mkdir "$tmp/laptop" && (cd "$tmp/laptop" && ulimit -n 20 && eval "$cmd") >"$tmp/$1.rep" 2>&1
    rc=$?
    [ $rc -eq 1 ] || { why="the reproduce line exited $rc, want 1: $(head -c 300 "$tmp/$1.rep")"; return 1; }
    grep -qxF "FAIL run $k of seed 7" "$tmp/$1.rep" && grep -qxF -- "$found" "$tmp/$1.rep" &&
        grep -qxF -- "$shrunk" "$tmp/$1.rep" || { why="the reproducer failed otherwise: $(head -c 400 "$tmp/$1.rep")"; return 1; }
    cmp -s "$tmp/ci/explore-7-$k.txt" "$tmp/laptop/explore-out/explore-7-$k.txt" ||
        { why="the reproducer wrote another shrunk case"; return 1; }
    (cd "$tmp/laptop" && eval "$cmd") >"$tmp/$1.rep" 2>&1 || { why="the reproducer fails with no limit on open files"; return 1; }
    grep -qx "explore: seed 7, run $k, all held" "$tmp/$1.rep" || { why="$(head -c 300 "$tmp/$1.rep")"; return 1; }
}
# The reports: JUnit well-formed, one testcase per run; JSON one object per
# run, each with "run"; a failure a <failure> with its reproduce line; an
# empty shard an empty suite; a report that cannot be written exit 2 at once.
case_shard_reports() {
    run $1 0 -- --runs 20 --seed 3 --shard 2/3 --junit "$tmp/r.xml" --json "$tmp/r.json" || return 1
    grep -q '<testsuite name="warmer.explore" tests="7" failures="0" errors="0" skipped="0" time="[0-9.]*" timestamp="[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]" hostname="'"$(uname -n)"'">$' "$tmp/r.xml" &&
        [ "$(grep -c '<testcase classname="warmer.explore" name="run [0-9]* of seed 3" time="[0-9.]*"/>' "$tmp/r.xml")" -eq 7 ] &&
        [ "$(grep -c '^  {"run": [0-9]*, "seed": 3, ' "$tmp/r.json")" -eq 7 ] ||
        { why="reports: $(head -c 400 "$tmp/r.xml") $(head -c 300 "$tmp/r.json")"; return 1; }
    (ulimit -n 20 && $W explore --runs 20 --seed 3 --shard 2/3 --out "$tmp/fd" --junit "$tmp/f.xml" --json "$tmp/f.json" >"$tmp/$1.out" 2>&1)
    [ $? -eq 1 ] || { why="with 20 open files a socketpair run did not fail: $(head -c 300 "$tmp/$1.out")"; return 1; }
    grep -q 'tests="[0-9]*" failures="1" errors="0"' "$tmp/f.xml" && grep -q '<failure message="run: the run failed' "$tmp/f.xml" &&
        grep -q '^reproduce: .* explore --seed 3 --run [0-9]*$' "$tmp/f.xml" || { why="failure report: $(head -c 600 "$tmp/f.xml")"; return 1; }
    run $1 0 -- --runs 2 --shard 3/3 --junit "$tmp/e.xml" --json "$tmp/e.json" && has $1 "shard 3/3, 0 runs, all held" || return 1
    if command -v python3 >/dev/null; then
        local f
        for f in r f e; do
            python3 -c '
import json, sys, xml.dom.minidom
x = xml.dom.minidom.parse(sys.argv[1]).getElementsByTagName("testcase")
j = json.load(open(sys.argv[2]))
assert len(x) == len(j), (len(x), len(j))
assert all(isinstance(o["run"], int) and o["status"] in ("passed", "failed") for o in j), j
assert [o["run"] for o in j] == sorted(o["run"] for o in j)
' "$tmp/$f.xml" "$tmp/$f.json" 2>"$tmp/$1.py" || { why="$f: $(tail -3 "$tmp/$1.py")"; return 1; }
        done
    fi
    run $1 2 -- --runs 2 --junit /nonexistent/r.xml && grep -q 'cannot write /nonexistent/r.xml' "$tmp/$1.err" &&
        run $1 2 -- --runs 2 --json /nonexistent/r.json && [ ! -s "$tmp/$1.out" ] || { why="an unwritable report: $(cat "$tmp/$1.err")"; return 1; }
}
# "-" as a report's path is stdout: the report alone there, the summary on stderr.
case_report_to_stdout() {
    local rep
    for rep in json junit; do
        rm -f ./-
        run $1 0 -- --runs 20 --seed 3 --$rep - || return 1
        [ ! -e ./- ] || { rm -f ./-; why="--$rep - wrote a file named -"; return 1; }
        grep -q "^explore: seed 3, 20 runs, all held$" "$tmp/$1.err" || { why="--$rep -: stderr: $(head -c 300 "$tmp/$1.err")"; return 1; }
        command -v python3 >/dev/null || continue
        python3 -c '
import json, sys, xml.dom.minidom as m
if sys.argv[1] == "json":
    assert [o["run"] for o in json.load(open(sys.argv[2]))] == list(range(20))
else:
    assert len(m.parse(sys.argv[2]).getElementsByTagName("testcase")) == 20
' $rep "$tmp/$1.out" 2>"$tmp/$1.py" || { why="--$rep -: stdout is not the report: $(tail -n 1 "$tmp/$1.py")"; return 1; }
    done
    run $1 2 -- --runs 2 --junit - --json - && grep -q -- "only one report can go to stdout" "$tmp/$1.err" ||
        { why="two reports on stdout: $(cat "$tmp/$1.err")"; return 1; }
}
# No $TMPDIR (runs spool there) is the machine's fault, not a finding: exit
# 2 with the reason before any run, no FAIL, nothing written. The same for a
# report or --out that cannot be written (under a regular file).
case_tmpdir_is_an_environment_error() {
    # the binary alone here: a wrapper such as valgrind needs $TMPDIR itself
    local wrapped=$W W=${W##* }
    TMPDIR=/nonexistent run $1 2 -- --runs 60 --seed 7 --out "$tmp/env" &&
        grep -q "^warmer explore: cannot create a temporary file in /nonexistent: No such file or directory (runs spool there" "$tmp/$1.err" &&
        [ ! -s "$tmp/$1.out" ] && [ ! -e "$tmp/env" ] ||
        { why="TMPDIR=/nonexistent: ${why:-$(head -c 300 "$tmp/$1.err") / $(head -c 200 "$tmp/$1.out")}"; return 1; }
    TMPDIR=/nonexistent run $1 2 -- --replay fixtures/golden/connections-16.txt || { why="--replay: $why"; return 1; }
    W=$wrapped
    : >"$tmp/file"
    run $1 2 -- --runs 2 --junit "$tmp/file/r.xml" && grep -q "cannot write $tmp/file/r.xml: Not a directory" "$tmp/$1.err" &&
        run $1 2 -- --runs 2 --out "$tmp/file/out" && [ ! -s "$tmp/$1.out" ] || { why="under a file: ${why:-$(cat "$tmp/$1.err")}"; return 1; }
}
case_shard_usage() {
    local bad
    for bad in 0/3 4/3 x 3 1/0 /3 2/ -1/3 1/100001; do
        run $1 2 -- --runs 5 --shard "$bad" || { why="--shard $bad: $why"; return 1; }
        grep -q -- "--shard wants K/N with 1 <= K <= N <= 100000, got \"$bad\"" "$tmp/$1.err" || { why="--shard $bad: $(cat "$tmp/$1.err")"; return 1; }
    done
    run $1 2 -- --run 3 --shard 1/2 && run $1 2 -- --run 3 --runs 5 && run $1 2 -- --run 3 --time 5 &&
        run $1 2 -- --run x && run $1 2 -- --run 18446744073709551615 &&
        run $1 2 -- --replay fixtures/golden/book.txt --shard 1/2 &&
        run $1 2 -- --replay fixtures/golden/book.txt --json "$tmp/u.json" && [ ! -e "$tmp/u.json" ] &&
        run $1 0 -- --runs 3 --shard 1/1 && has $1 "^explore: seed 1, 3 runs, all held$" &&
        run $1 0 -- --run 0 --seed 2 && has $1 "^explore: seed 2, run 0, all held$"
}
# start NAME CMD...: a server in the background; sets addr from its "listening on" line.
start() {
    local name=$1
    shift
    : >"$tmp/$name.srv" # not the last server's address (a case starts several)
    "$@" >/dev/null 2>"$tmp/$name.srv" &
    echo $! >>"$tmp/pids"
    wait_addr "$tmp/$name.srv" 's/.*listening on \([^ ]*\).*/\1/p' 10 || { why="$name did not start"; return 1; }
}
stop_all() {
    [ -f "$tmp/pids" ] && kill $(cat "$tmp/pids") 2>/dev/null
    wait 2>/dev/null
    rm -f "$tmp/pids"
}

# --connect: a correct server holds; the reference's exhaustion hang is found,
# shrunk, and its reproducer fails on that server and passes on warmer's.
case_connect_live_server() {
    start $1 ${W##* } serve --listen 127.0.0.1:0 --seed 77 || return 1
    run $1 0 -- --connect "$addr" --server-seed 77 --runs 150 --seed 4 || { stop_all; return 1; }
    stop_all
    has $1 "^explore: seed 4, 150 runs, all held$" || return 1
    command -v python3 >/dev/null || return 0
    start $1 python3 ci/refmodel.py serve --lenient --listen 127.0.0.1:0 --seed 1234 || return 1
    run $1 1 -- --connect "$addr" --runs 50 --seed 6 --timeout 1 --out "$tmp/live" || { stop_all; return 1; }
    stop_all
    has $1 "^  shrunk in [0-9]* runs to: 1 connection, game" && has $1 "^reproduce: against a fresh server" &&
        has $1 "^  re-ran 3 times: failed every time$" || return 1
    local file seed
    file=$(sed -n 's/^reproduce: .* \([^ ]*\)$/\1/p' "$tmp/$1.out")
    seed=$(sed -n 's/^# seed: //p' "$file")
    start $1 python3 ci/refmodel.py serve --lenient --listen 127.0.0.1:0 --seed "$seed" || return 1
    ${W##* } replay --server --connect "$addr" --timeout 1 "$file" >"$tmp/$1.rep" 2>&1
    local lenient=$?
    stop_all
    start $1 ${W##* } serve --listen 127.0.0.1:0 --seed "$seed" || return 1
    ${W##* } replay --server --connect "$addr" "$file" >>"$tmp/$1.rep" 2>&1
    local real=$?
    stop_all
    [ $lenient -eq 1 ] && [ $real -eq 0 ] ||
        { why="reproducer: exit $lenient on the lenient server (want 1), $real on warmer's (want 0)"; return 1; }
}
# --connect --profile book: the book's hang on an exhausted range (the
# lenient reference model's) is expected, counted, not a finding.
case_connect_book_hang_expected() {
    command -v python3 >/dev/null || return 0
    start $1 python3 ci/refmodel.py serve --lenient --listen 127.0.0.1:0 --seed 1234 || return 1
    $W explore --connect "$addr" --runs 50 --seed 6 --timeout 1 --profile book --keep-going \
        --reruns 0 --out "$tmp/$1.dir" >"$tmp/$1.out" 2>&1
    stop_all
    has $1 "^  expected (the book's known behaviour): [1-9][0-9]* connections hung on an exhausted range$"
}
# --out is tried before the first run (a failure found after an hour must
# have somewhere to go), and trying it leaves nothing behind.
case_out_checked_first() {
    : >"$tmp/plainfile"
    run $1 2 -- --runs 2000 --seed 1 --out "$tmp/plainfile/sub" &&
        grep -q "^warmer explore: --out $tmp/plainfile/sub: cannot write there" "$tmp/$1.err" &&
        { [ ! -s "$tmp/$1.out" ] || { why="runs were made: $(head -c 200 "$tmp/$1.out")"; return 1; }; } || return 1
    run $1 0 -- --runs 2 --seed 1 --out "$tmp/new/a/b" &&
        { [ ! -e "$tmp/new" ] || { why="the check left $tmp/new behind"; return 1; }; }
}
# SIGINT to the whole process group (as a terminal's ^C: the runs' children
# get it too) and SIGTERM to explore alone (as a CI timeout), mid --time 30:
# the summary counts the runs made and says it was interrupted, the JUnit
# and JSON files parse and hold those runs, exit 130 or 143 at once, and no
# child is left (the --out path is unique to the case: children carry it).
case_signal_stops_cleanly() {
    command -v python3 >/dev/null && command -v setsid >/dev/null || return 0
    local run sig want to pid rc t0 took n left
    for run in INT:130:group TERM:143:pid; do
        sig=${run%%:*} want=${run#*:} to=${want#*:} want=${want%%:*}
        rm -f "$tmp/$1.xml" "$tmp/$1.json"
        # shellcheck disable=SC2086
        setsid $W explore --time 30 --seed 3 --out "$tmp/$1.dir" --junit "$tmp/$1.xml" --json "$tmp/$1.json" \
            >"$tmp/$1.out" 2>"$tmp/$1.err" &
        pid=$!
        echo $pid >>"$tmp/pids"
        sleep 1
        t0=$(date +%s%N)
        if [ $to = group ]; then kill -$sig -- -$pid; else kill -$sig $pid; fi
        wait $pid
        rc=$? took=$((($(date +%s%N) - t0) / 100000000))
        [ $rc -eq $want ] || { why="SIG$sig: want exit $want, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
        [ $took -lt 30 ] || { why="SIG$sig: explore took $took tenths of a second to end"; return 1; }
        left=$(pgrep -f -- "$tmp/$1.dir")
        [ -z "$left" ] || { kill $left; why="SIG$sig: children left: $left"; return 1; }
        n=$(sed -n "s/^explore: seed 3, \([0-9]*\) runs, all held, interrupted by SIG$sig$/\1/p" "$tmp/$1.out")
        [ -n "$n" ] && [ "$n" -gt 0 ] ||
            { why="SIG$sig: no summary \"explore: seed 3, N runs, all held, interrupted by SIG$sig\": $(head -n 1 "$tmp/$1.out")"; return 1; }
        why=$(python3 tests/reports_ok.py "$n" --junit "$tmp/$1.xml" --json "$tmp/$1.json") ||
            { why="SIG$sig: $why"; return 1; }
    done
}
# The watchdog's step budget: a run past --max-steps is a hang, shrunk, and
# its reproducers carry the budget (the time budget: tests/mutants.sh,
# loops-on-exhausted-range).
case_step_budget_is_a_hang() {
    run $1 1 -- --runs 20 --seed 4 --max-steps 50 --faults none --out "$tmp/$1.dir" --reruns 0 &&
        ! grep -q "re-ran" "$tmp/$1.out" &&
        has $1 "^  found: hang: the run was still going after 50 scheduler steps (--max-steps" &&
        has $1 "^  fails: hang: " && has $1 "^reproduce: .* explore --replay .* --max-steps 50$" &&
        has $1 "^  from the seed alone: .* explore --seed 4 --run [0-9]* --faults none --max-steps 50$" || return 1
    local cmd
    cmd=$(sed -n 's/^reproduce: //p' "$tmp/$1.out")
    eval "$cmd" >"$tmp/$1.rep" 2>&1
    [ $? -eq 1 ] && grep -q "fails: hang: " "$tmp/$1.rep" || { why="the reproducer: $(head -c 300 "$tmp/$1.rep")"; return 1; }
    run $1 2 -- --runs 1 --max-steps 0 && run $1 2 -- --runs 1 --run-timeout -1 &&
        run $1 2 -- --runs 1 --run-timeout 2592001 && run $1 2 -- --runs 1 --run-timeout autom &&
        run $1 0 -- --runs 2 --run-timeout auto --out "$tmp/$1.auto"
}
# --keep-going: a build with two planted bugs of two signatures
# (tests/mutants/: judge-equal-distance, a decision; summary-drops-last, a
# console summary), built once into $tmp/kg. Its path, or "" with why.
kg_mutant() {
    local src dir=$tmp/kg
    src=$(cd "$(dirname "$0")/.." && pwd)
    kg=$dir/build/warmer
    [ -x "$kg" ] && return 0
    mkdir -p "$dir" && cp -R "$src/proto" "$src/sim" "$src/Makefile" "$dir/" || { why="cannot copy to $dir"; return 1; }
    for p in judge-equal-distance summary-drops-last; do
        patch -p1 -N -f -s -d "$dir" -i "$src/tests/mutants/$p.patch" >"$dir/patch.log" 2>&1 ||
            { why="$p.patch does not apply: $(head -c 300 "$dir/patch.log")"; return 1; }
    done
    (unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$dir" -j2 build/warmer >"$dir/make.log" 2>&1) ||
        { why="the build failed: $(tail -c 300 "$dir/make.log")"; return 1; }
}
# Two bugs, two signatures: each shrunk once, its reproducer failing with the
# bugs and passing without them; the other runs counted per signature; one
# JSON object with a "file" per signature; without --keep-going the first
# failure stops explore as ever.
case_keep_going_two_signatures() {
    kg_mutant || return 1
    local real=${W##* } n r cmd
    $kg explore --seed 1 --runs 100 --out "$tmp/$1.dir" --keep-going --json "$tmp/$1.json" \
        --junit "$tmp/$1.xml" >"$tmp/$1.out" 2>"$tmp/$1.err"
    r=$?
    [ $r -eq 1 ] || { why="--keep-going: want exit 1, got $r: $(head -c 300 "$tmp/$1.err")"; return 1; }
    has $1 "^explore: seed 1, 100 runs, [0-9]* findings in 2 signatures$" &&
        has $1 "^  signature decision@C:REPORT: [0-9]* runs, run [0-9]* shrunk$" &&
        has $1 "^  signature summary@C!close: [0-9]* runs, run [0-9]* shrunk$" || return 1
    n=$(grep -c "^  shrunk in [0-9]* runs to: 1 connection" "$tmp/$1.out")
    [ "$n" -eq 2 ] || { why="$n findings shrunk to one connection, want 2"; return 1; }
    n=$(grep -c "^  re-ran 3 times: failed every time$" "$tmp/$1.out")
    [ "$n" -eq 2 ] || { why="$n shrunk cases re-ran 3 times and failed every time, want 2"; return 1; }
    n=$(grep -c "^  reproduce (not shrunk): .* explore --seed 1 --run [0-9]*$" "$tmp/$1.out")
    r=$(sed -n 's/^explore: seed 1, 100 runs, \([0-9]*\) findings.*/\1/p' "$tmp/$1.out")
    [ "$n" -eq $((r - 2)) ] || { why="$n runs told in short, want $r findings less the 2 shrunk"; return 1; }
    [ "$(grep -c '^reproduce: ' "$tmp/$1.out")" -eq 2 ] || { why="want 2 reproduce lines"; return 1; }
    while read -r cmd; do
        eval "$cmd" >"$tmp/$1.rep" 2>&1
        [ $? -eq 1 ] || { why="with the bugs, $cmd: $(head -c 300 "$tmp/$1.rep")"; return 1; }
        eval "${cmd/#$kg /$real }" >"$tmp/$1.rep" 2>&1
        [ $? -eq 0 ] || { why="without the bugs, ${cmd/#$kg /$real }: $(head -c 300 "$tmp/$1.rep")"; return 1; }
    done < <(sed -n 's/^reproduce: //p' "$tmp/$1.out")
    why=$(python3 - "$tmp/$1.json" "$r" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
bad = [o for o in runs if o["status"] == "failed"]
files = sorted(o["signature"] for o in bad if o["file"])
if len(runs) != 100 or len(bad) != int(sys.argv[2]) or files != ["decision@C:REPORT", "summary@C!close"] \
        or any("signature" not in o or not o["reproduce"] for o in bad):
    print("JSON: %d objects, %d failed, shrunk: %s" % (len(runs), len(bad), files))
PY
) && [ -z "$why" ] || return 1
    grep -q '<testsuite[^>]* tests="100" failures="'"$r"'"' "$tmp/$1.xml" || { why="JUnit: not 100 tests, $r failures"; return 1; }
    $kg explore --seed 1 --runs 100 --out "$tmp/$1.one" >"$tmp/$1.out" 2>&1
    [ $? -eq 1 ] && has $1 "^explore: seed 1, [0-9]* runs, 1 failed$" && ! grep -q "^  signature: " "$tmp/$1.out" &&
        [ "$(grep -c '^reproduce: ' "$tmp/$1.out")" -eq 1 ] || { why="without --keep-going: ${why:-not one finding}"; return 1; }
}
# --max-findings bounds the signatures reported in full; the runs of others
# are counted (which of the two comes first depends on the runs' profiles).
case_keep_going_max_findings() {
    kg_mutant || return 1
    $kg explore --seed 1 --runs 100 --out "$tmp/$1.dir" --keep-going --max-findings 1 >"$tmp/$1.out" 2>&1
    local rc=$?
    [ $rc -eq 1 ] || { why="want exit 1, got $rc: $(head -c 300 "$tmp/$1.out")"; return 1; }
    [ $rc -eq 1 ] && has $1 "^explore: seed 1, 100 runs, [0-9]* findings in 1 signature and more$" &&
        has $1 "^  past --max-findings 1: [0-9]* runs with further signatures, not shrunk$" &&
        has $1 "^FAIL run [0-9]* of seed 1 (signature \(decision@C:REPORT\|summary@C!close\), past --max-findings: not shrunk)$" &&
        [ "$(grep -c '^reproduce: ' "$tmp/$1.out")" -eq 1 ] || { why="${why:-want 1 reproduce line}"; return 1; }
    run $1 2 -- --runs 1 --max-findings 3 && run $1 2 -- --runs 1 --keep-going --max-findings 0 &&
        run $1 2 -- --runs 1 --keep-going --max-findings 1001 &&
        run $1 2 -- --keep-going --replay fixtures/golden/book.txt &&
        run $1 2 -- --runs 1 --reruns 101 && run $1 2 -- --runs 1 --reruns -1 &&
        run $1 0 -- --runs 20 --keep-going && has $1 "^explore: seed 1, 20 runs, all held$"
}
# --memcheck (docs/EXPLORE.md, "Memory errors"): tests/mutants/hist-overread
# reads one byte past a history block, which changes no output;
# events-leaks-table leaks a plain calloc the leak invariant does not count.
# Valgrind is slow: few runs.
# mc_mutant NAME (default hist-overread) builds tests/mutants/NAME into
# $tmp/mc-NAME: its path is $mc.
mc_mutant() {
    local src name=${1:-hist-overread} dir
    dir=$tmp/mc-$name
    src=$(cd "$(dirname "$0")/.." && pwd)
    mc=$dir/build/warmer
    [ -x "$mc" ] && return 0
    command -v valgrind >/dev/null || { why="no valgrind in PATH"; return 1; }
    mkdir -p "$dir" && cp -R "$src/proto" "$src/sim" "$src/Makefile" "$dir/" || { why="cannot copy to $dir"; return 1; }
    patch -p1 -N -f -s -d "$dir" -i "$src/tests/mutants/$name.patch" >"$dir/patch.log" 2>&1 ||
        { why="$name.patch does not apply: $(head -c 300 "$dir/patch.log")"; return 1; }
    (unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$dir" -j2 build/warmer >"$dir/make.log" 2>&1) ||
        { why="the build failed: $(tail -c 300 "$dir/make.log")"; return 1; }
}
# Without --memcheck the over-read is invisible: the same output as the
# faithful build's.
case_memcheck_bug_invisible() {
    mc_mutant || return 1
    run $1 0 -- --seed 1 --runs 30 -j 2 && cp "$tmp/$1.out" "$tmp/$1.real" &&
        "$mc" explore --seed 1 --runs 30 -j 2 >"$tmp/$1.out" 2>&1 ||
        { why="${why:-the mutant: exit $?}"; return 1; }
    cmp -s "$tmp/$1.out" "$tmp/$1.real" || { why="the mutant's output differs: $(diff "$tmp/$1.real" "$tmp/$1.out" | head -c 300)"; return 1; }
}
# With it, a run of seed 1 (run 2 under --profile strict) is found under valgrind, shrunk (its file
# replayed under valgrind) and re-run; the reproduce line fails under
# valgrind every time with the bug, and passes without it. About 3 minutes
# on 2 cores: each shrinking step replays a game of some 400 guesses under
# valgrind.
case_memcheck_finds_overread() {
    mc_mutant || return 1
    local real=${W##* } cmd r i
    "$mc" explore --seed 1 --runs 10 -j 2 --profile strict --memcheck 1 --reruns 2 --out "$tmp/$1.dir" >"$tmp/$1.out" 2>"$tmp/$1.err"
    r=$?
    [ $r -eq 1 ] || { why="want exit 1, got $r: $(head -c 300 "$tmp/$1.err")"; return 1; }
    has $1 "^FAIL run [0-9]* of seed 1$" &&
        has $1 "^  found: memory: InvalidRead in get_le (hist.c:[0-9]*): Invalid read of size 1$" &&
        has $1 "^  shrunk in [0-9]* runs to: 1 connection, game " &&
        has $1 "^  fails: memory: InvalidRead in get_le (hist.c:[0-9]*): Invalid read of size 1$" &&
        has $1 "^  re-ran 2 times: failed every time$" &&
        has $1 "^reproduce: valgrind .* explore --replay .* --no-fork$" || return 1
    ! grep -q "0x[0-9a-f]\|==[0-9]*==" "$tmp/$1.out" || { why="addresses or pids in the output"; return 1; }
    cmd=$(sed -n 's/^reproduce: //p' "$tmp/$1.out")
    for i in 1 2; do
        eval "$cmd" >"$tmp/$1.rep" 2>&1
        r=$?
        [ $r -eq 86 ] && grep -q "Invalid read of size 1" "$tmp/$1.rep" ||
            { why="with the bug, try $i, the reproducer exited $r: $(head -c 300 "$tmp/$1.rep")"; return 1; }
    done
    eval "${cmd/ $mc / $real }" >"$tmp/$1.rep" 2>&1
    r=$?
    [ $r -eq 0 ] || { why="without the bug, the reproducer exited $r: $(head -c 300 "$tmp/$1.rep")"; return 1; }
}
# A leak in the events driver: plain explore holds, --memcheck finds it in
# its second run (the first has a fault plan: the sim driver),
# Leak_DefinitelyLost in wm_events_run, and shrinks it.
case_memcheck_finds_leak() {
    mc_mutant events-leaks-table || return 1
    local real=${W##* } cmd r
    "$mc" explore --seed 1 --runs 10 --driver events >"$tmp/$1.out" 2>&1
    r=$?
    [ $r -eq 0 ] || { why="without --memcheck: want exit 0, got $r"; return 1; }
    "$mc" explore --seed 1 --runs 10 --driver events --memcheck 1 --reruns 1 --out "$tmp/$1.dir" \
        >"$tmp/$1.out" 2>"$tmp/$1.err"
    r=$?
    [ $r -eq 1 ] || { why="want exit 1, got $r: $(head -c 300 "$tmp/$1.err")"; return 1; }
    has $1 "^FAIL run [01] of seed 1$" &&
        has $1 "^  found: memory: Leak_DefinitelyLost in wm_events_run (drv_events.c:[0-9]*): " &&
        has $1 "^  shrunk in [0-9]* runs to: 1 connection, " &&
        has $1 "^  re-ran 1 times: failed every time$" &&
        has $1 "^  from the seed alone: valgrind .* explore --seed 1 --run [01] --driver events --no-fork$" || return 1
    cmd=$(sed -n 's/^reproduce: //p' "$tmp/$1.out")
    eval "$cmd" >"$tmp/$1.rep" 2>&1
    r=$?
    [ $r -eq 86 ] || { why="with the bug, the reproducer exited $r: $(head -c 300 "$tmp/$1.rep")"; return 1; }
    eval "${cmd/ $mc / $real }" >"$tmp/$1.rep" 2>&1
    r=$?
    [ $r -eq 0 ] || { why="without the bug, the reproducer exited $r: $(head -c 300 "$tmp/$1.rep")"; return 1; }
}
# The faithful build holds under the checker; a checker that does not run
# is an environment error said before any run.
case_memcheck_faithful_holds() {
    command -v valgrind >/dev/null || { why="no valgrind in PATH"; return 1; }
    run $1 0 -- --seed 1 --runs 6 -j 2 --memcheck 1 --out "$tmp/$1.dir" &&
        has $1 "^explore: seed 1, 6 runs, all held$" &&
        run $1 2 -- --runs 1 --memcheck 1 --memcheck-cmd /nonexistent/valgrind &&
        grep -q "^warmer explore: --memcheck: \`/nonexistent/valgrind\` was not found" "$tmp/$1.err" ||
        { why="${why:-no 'was not found': $(head -c 300 "$tmp/$1.err")}"; return 1; }
    run $1 2 -- --runs 1 --memcheck-cmd valgrind && run $1 2 -- --runs 1 --memcheck -1 &&
        run $1 2 -- --memcheck 1 --replay fixtures/golden/connections-3.txt
}
case_usage() {
    run $1 2 -- --runs 5 --time 5 && run $1 2 -- -j 0 && run $1 2 -- --frob &&
        run $1 2 -- --driver fibers &&
        run $1 2 -- --faults reset,fire && grep -q 'unknown kind "fire"' "$tmp/$1.err" &&
        run $1 2 -- --replay /nonexistent && run $1 0 -- --help && has $1 "usage: warmer explore"
}

lib_run_cases
