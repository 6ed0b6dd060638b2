#!/bin/bash
# `warmer check` as a CI test runner (docs/CLI.md): directories, -j, shards,
# JUnit/TAP/JSON reports, malformed files as failing cases. Every case has a
# stable name and runs alone with ONLY=name (tests/lib.sh); SKIP_CASES="NAME ..."
# leaves those out (make memcheck passes the check lines of
# tests/memcheck.skip).
#   bash tests/check.sh WARMER     (WARMER may carry a wrapper: "valgrind ... build/warmer")
W=${1:-build/warmer}
# Tenths of a second a command may take to end after a signal (a wrapper
# such as valgrind is slow to finish a case and to exit).
SIGNAL_LIMIT=30
case $W in *" "*) SIGNAL_LIMIT=300 ;; esac
PY=${PYTHON:-python3}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init check
# The last-failed cache of every run here (not the checkout's .warmer_cache).
export WARMER_CACHE_DIR=$tmp/cache

run() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    $W check "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err")"
    return 1
}

# A tree with transcripts at several depths, a non-transcript, a hidden file,
# one golden broken and one malformed file.
make_tree() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree/b/c" "$tmp/tree/a"
    cp fixtures/golden/book.txt "$tmp/tree/b/c/z.txt"
    cp fixtures/golden/single-value.txt "$tmp/tree/a/y"
    cp fixtures/golden/seed-zero.txt "$tmp/tree/a/x.txt"
    echo "not a transcript" >"$tmp/tree/b/notes.txt"
    cp fixtures/golden/book.txt "$tmp/tree/.hidden.txt"
}

case_dir_walk_sorted() {
    make_tree
    run $1 0 -- "$tmp/tree" &&
        { [ "$(sed -n 's/^ok //p' "$tmp/$1.out" | tr '\n' ' ')" = "$tmp/tree/a/x.txt $tmp/tree/a/y $tmp/tree/b/c/z.txt " ] ||
            { why="order: $(tr '\n' ' ' <"$tmp/$1.out")"; return 1; }; } &&
        has $1 "^3 passed, 0 failed (1 non-transcript file ignored)$"
}
case_jobs_same_output() {
    run $1 0 -- -j1 fixtures/ && cp "$tmp/$1.out" "$tmp/$1.j1" && run $1 0 -- fixtures/ -j 4 &&
        { cmp -s "$tmp/$1.j1" "$tmp/$1.out" || { why="-j1 and -j4 differ"; return 1; }; } &&
        run $1 0 -- --jobs=3 fixtures/golden/book.txt
}
case_shards_cover_each_case_once() {
    run $1 0 -- fixtures/ && sed -n 's/^ok //p' "$tmp/$1.out" | sort >"$tmp/all" || return 1
    : >"$tmp/union"
    for k in 1 2 3 4; do
        run $1 0 -- --shard $k/4 fixtures/ || return 1
        sed -n 's/^ok //p' "$tmp/$1.out" >>"$tmp/union"
    done
    sort "$tmp/union" >"$tmp/union.sorted"
    cmp -s "$tmp/all" "$tmp/union.sorted" || { why="the 4 shards do not run each case once"; return 1; }
    [ "$(wc -l <"$tmp/all")" -gt 70 ] || { why="only $(wc -l <"$tmp/all") cases"; return 1; }
    run $1 2 -- --shard 5/4 fixtures/ && run $1 2 -- --shard 0/2 fixtures/ && run $1 2 -- --shard x fixtures/
}
# A malformed file is a failing case on stdout, counted, and 2 wins over 1.
case_malformed_is_a_case() {
    make_tree
    printf '# warmer transcript v1\n# seed: 1\n# seed: 2\n' >"$tmp/tree/a/w.txt"
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 2 -- "$tmp/tree" &&
        has $1 "^FAIL $tmp/tree/a/w.txt: malformed: $tmp/tree/a/w.txt:3: 'seed' given twice" &&
        has $1 "^FAIL $tmp/tree/b/c/z.txt$" && has $1 "^first difference: $tmp/tree/b/c/z.txt:7$" &&
        has $1 "^2 passed, 2 failed (1 malformed; 1 non-transcript file ignored)$" &&
        run $1 1 -- "$tmp/tree/b" && has $1 "^0 passed, 1 failed (1 non-transcript file ignored)$"
}
case_junit_report() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    printf '# warmer transcript v1\n# seed: x\n' >"$tmp/tree/a/w.txt"
    local t0 t1 ts
    t0=$(date -u +%s)
    run $1 2 -- --junit "$tmp/r.xml" "$tmp/tree" || return 1
    t1=$(date -u +%s)
    grep -q '<testsuite name="warmer.check" tests="4" failures="1" errors="1"' "$tmp/r.xml" &&
        grep -q "<testcase classname=\"warmer.check\" name=\"$tmp/tree/b/c/z.txt\"" "$tmp/r.xml" &&
        grep -q '^-S: 5$' "$tmp/r.xml" && grep -q '^reproduce: .* check .*z.txt$' "$tmp/r.xml" &&
        grep -q "<error message=\"$tmp/tree/a/w.txt:2: " "$tmp/r.xml" &&
        grep -q "^reproduce: .* check $tmp/tree/a/w.txt$" "$tmp/r.xml" ||
        { why="report: $(head -c 600 "$tmp/r.xml")"; return 1; }
    # when (the run's start, UTC, no zone suffix: the JUnit schema's pattern) and where
    ts=$(sed -n 's/.*<testsuite .* timestamp="\([0-9-]*T[0-9:]*\)" hostname="\([^"]*\)">$/\1 \2/p' "$tmp/r.xml")
    [ "${ts#* }" = "$(uname -n)" ] && [ "$(date -u -d "${ts% *}" +%s)" -ge "$t0" ] &&
        [ "$(date -u -d "${ts% *}" +%s)" -le "$t1" ] ||
        { why="timestamp and hostname, want $t0..$t1 on $(uname -n): $(grep '<testsuite ' "$tmp/r.xml")"; return 1; }
    if command -v "$PY" >/dev/null; then
        "$PY" -c "import sys,xml.dom.minidom as m; d=m.parse(sys.argv[1]); assert len(d.getElementsByTagName('testcase'))==4" "$tmp/r.xml" ||
            { why="not well-formed XML"; return 1; }
    fi
}
case_tap_report() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 1 -- --tap "$tmp/tree" &&
        { [ "$(head -n 2 "$tmp/$1.out" | tr '\n' ' ')" = "TAP version 13 1..3 " ] || { why="head: $(head -n 2 "$tmp/$1.out")"; return 1; }; } &&
        has $1 "^ok 1 - $tmp/tree/a/x.txt$" && has $1 "^not ok 3 - $tmp/tree/b/c/z.txt$" &&
        has $1 "^  ---$" && has $1 "^  first_difference: 7$" && has $1 '^  reproduce: ".* check .*z.txt"$' &&
        has $1 "^  \.\.\.$" && has $1 "^# 2 passed, 1 failed (1 non-transcript file ignored)$"
}
# prove (Debian's perl: Test::Harness 3.44, which refuses "TAP version 14")
# reads --tap with no parse error, all-pass as PASS, the failures as the
# cases that failed; its own YAML reader, and PyYAML, read each diagnostics
# block back to the values written.
case_tap_read_by_prove() {
    command -v prove >/dev/null || { why="no prove: sh ci/deps.sh installs it (perl)"; return 1; }
    run $1 0 -- --tap fixtures/golden/ || return 1
    prove --exec cat "$tmp/$1.out" >"$tmp/$1.prove" 2>&1 && grep -q '^Result: PASS$' "$tmp/$1.prove" ||
        { why="prove of an all-pass run: $(tail -n 6 "$tmp/$1.prove" | tr '\n' ' ')"; return 1; }
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    printf '# warmer transcript v1\n# seed: x\n' >"$tmp/tree/a/w.txt"
    run $1 2 -- --tap "$tmp/tree" || return 1
    prove --exec cat "$tmp/$1.out" >"$tmp/$1.prove" 2>&1
    [ $? -eq 1 ] && grep -q '^  Failed tests:  1, 4$' "$tmp/$1.prove" && grep -q '^Result: FAIL$' "$tmp/$1.prove" &&
        ! grep -q 'Parse errors' "$tmp/$1.prove" ||
        { why="prove of cases 1 and 4 failing: $(tail -n 8 "$tmp/$1.prove" | tr '\n' ' ')"; return 1; }
    local got
    got=$(perl -MTAP::Parser -e '
        open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!";
        my $p = TAP::Parser->new({ tap => do { local $/; <$f> } });
        while (my $r = $p->next) { print $r->data->{severity}, "|", $r->data->{reproduce} // "", "\n" if $r->is_yaml }
        print "parse error: $_\n" for $p->parse_errors;' "$tmp/$1.out")
    [ "$got" = "malformed|${W##* } check $tmp/tree/a/w.txt
fail|${W##* } check $tmp/tree/b/c/z.txt" ] || { why="TAP::Parser read the YAML blocks as: $got"; return 1; }
    "$PY" - "$tmp/$1.out" 2>"$tmp/$1.py" <<'PYEOF' || { why="PyYAML: $(tail -n 1 "$tmp/$1.py")"; return 1; }
import re, sys, yaml
blocks = re.findall(r"^  ---\n(.*?)^  \.\.\.$", open(sys.argv[1]).read(), re.S | re.M)
docs = [yaml.safe_load(b) for b in blocks]
assert [d["severity"] for d in docs] == ["malformed", "fail"], docs
assert docs[1]["first_difference"] == 7 and docs[1]["report"].startswith("FAIL "), docs[1]
PYEOF
}
case_json_report() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 1 -- --json "$tmp/r.json" "$tmp/tree" || return 1
    command -v "$PY" >/dev/null || { grep -q '"status": "failed"' "$tmp/r.json"; return; }
    "$PY" - "$tmp/r.json" "$tmp/tree/b/c/z.txt" <<'PYEOF' || { why="json: $(head -c 400 "$tmp/r.json")"; return 1; }
import json, sys
cases = json.load(open(sys.argv[1]))
assert [c["status"] for c in cases] == ["passed", "passed", "failed"], cases
bad = cases[2]
assert bad["file"] == sys.argv[2] and bad["first_difference"] == 7, bad
assert "check" in bad["reproduce"] and bad["seconds"] >= 0, bad
# the diff as the human report prints it, and the first differing line of each side
assert bad["expected"] == "S: 5" and bad["actual"] == "S: 4", bad
assert bad["diff"].startswith("--- " + sys.argv[2] + " (expected)\n+++ actual\n@@ "), bad
assert "\n-S: 5\n+S: 4\n" in bad["diff"] and bad["diff"].endswith("\n"), bad
assert all(c[k] is None for c in cases[:2] for k in ("diff", "expected", "actual")), cases
PYEOF
}
# --color: always colours the verdict words and the diff's lines (never the
# reports), never and auto off a terminal leave the text plain, auto on a
# terminal colours unless NO_COLOR is set, and an option given beats NO_COLOR.
case_color() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    local esc=$'\033'
    run $1 1 -- --color always --json "$tmp/r.json" --junit "$tmp/r.xml" "$tmp/tree" || return 1
    has $1 "^${esc}\[1m${esc}\[31mFAIL${esc}\[0m $tmp/tree/b/c/z.txt$" &&
        has $1 "^${esc}\[31m-S: 5${esc}\[0m$" && has $1 "^${esc}\[32m+S: 4${esc}\[0m$" &&
        has $1 "^${esc}\[36m@@ " && has $1 "^${esc}\[32mok${esc}\[0m $tmp/tree/a/x.txt$" &&
        has $1 "^ C: NUMBER$" || return 1
    ! grep -q "$esc" "$tmp/r.json" "$tmp/r.xml" || { why="colour in a report file"; return 1; }
    NO_COLOR=1 run $1 1 -- --color=always "$tmp/tree" && has $1 "${esc}\[31m-S: 5" || return 1
    local mode
    for mode in "--color never" "--color auto" ""; do
        # shellcheck disable=SC2086
        run $1 1 -- $mode "$tmp/tree" || return 1
        ! grep -q "$esc" "$tmp/$1.out" || { why="colour with '$mode' off a terminal"; return 1; }
    done
    command -v script >/dev/null || return 0
    # on a terminal (script(1) gives one): auto colours, NO_COLOR stops it
    script -qec "$W check $tmp/tree" /dev/null >"$tmp/$1.tty" 2>&1
    grep -q "${esc}\[31m-S: 5" "$tmp/$1.tty" || { why="auto on a terminal: no colour"; return 1; }
    NO_COLOR=1 script -qec "$W check $tmp/tree" /dev/null >"$tmp/$1.tty" 2>&1
    ! grep -q "${esc}\[31m" "$tmp/$1.tty" || { why="auto on a terminal with NO_COLOR: coloured"; return 1; }
    run $1 2 -- --color sometimes "$tmp/tree" && grep -q -- '--color wants auto, always or never, got "sometimes"' "$tmp/$1.err" ||
        { why="bad --color: $(cat "$tmp/$1.err")"; return 1; }
}
# Off a terminal, a progress line on stderr at most every --progress seconds
# once a run has taken that long (cases of a few tenths of a second each
# here); none with --progress 0, none from a short run by default (10 s).
case_progress_off_a_terminal() {
    mkdir -p "$tmp/slow"
    $W run --connections 300 --game 1:100000:5:200 >"$tmp/slow/a.txt" || { why="run"; return 1; }
    local k
    for k in b c d; do cp "$tmp/slow/a.txt" "$tmp/slow/$k.txt"; done
    run $1 0 -- -j1 --progress 0.01 "$tmp/slow" || return 1
    grep -Eq "^warmer check: [1-3] of 4 cases done, 0 failed, [0-9]+ s$" "$tmp/$1.err" &&
        ! grep -q "4 of 4" "$tmp/$1.err" || { why="progress lines: $(cat "$tmp/$1.err")"; return 1; }
    run $1 0 -- -j1 --progress 0 "$tmp/slow" && [ ! -s "$tmp/$1.err" ] || { why="--progress 0: $(cat "$tmp/$1.err")"; return 1; }
    run $1 0 -- fixtures/golden/book.txt && [ ! -s "$tmp/$1.err" ] || { why="default: $(cat "$tmp/$1.err")"; return 1; }
    run $1 2 -- --progress -1 fixtures/golden/book.txt
}
# --durations N: the N slowest cases after the summary, slowest first (a case
# a hundred times slower than the others leads); 0 lists all.
case_durations() {
    mkdir -p "$tmp/dur"
    $W run --connections 300 --game 1:100000:5:200 >"$tmp/dur/slow.txt" || { why="run"; return 1; }
    cp fixtures/golden/book.txt "$tmp/dur/a.txt"
    cp fixtures/golden/seed-zero.txt "$tmp/dur/b.txt"
    run $1 0 -- --durations 2 "$tmp/dur" || return 1
    [ "$(sed -n '/^3 passed, 0 failed$/,$p' "$tmp/$1.out" | sed -E 's/^ +[0-9]+\.[0-9]{3} s  /T /' | head -n 3 | tr '\n' '|')" = \
        "3 passed, 0 failed|slowest 2 of 3 cases:|T $tmp/dur/slow.txt|" ] || { why="durations: $(tr '\n' '|' <"$tmp/$1.out")"; return 1; }
    [ "$(grep -c "^ .* s  $tmp/dur/" "$tmp/$1.out")" = 2 ] || { why="not 2 lines: $(cat "$tmp/$1.out")"; return 1; }
    run $1 0 -- --durations 0 --tap "$tmp/dur" && has $1 "^# slowest 3 of 3 cases:$" &&
        [ "$(grep -c "^# .* s  $tmp/dur/" "$tmp/$1.out")" = 3 ] || { why="--durations 0 --tap: $(cat "$tmp/$1.out")"; return 1; }
    run $1 0 -- "$tmp/dur" && ! has $1 slowest || { why="slowest without --durations"; return 1; }
}
# "-" as a report's path is stdout: the report alone there, the human text on
# stderr, no file named "-"; one report at most on stdout, and not with --tap.
case_report_to_stdout() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    local rep
    for rep in json junit; do
        rm -f ./-
        run $1 1 -- --$rep - "$tmp/tree" || return 1
        [ ! -e ./- ] || { rm -f ./-; why="--$rep - wrote a file named -"; return 1; }
        grep -q "^FAIL $tmp/tree/b/c/z.txt$" "$tmp/$1.err" && grep -q "^2 passed, 1 failed" "$tmp/$1.err" ||
            { why="--$rep -: the human text is not on stderr: $(head -c 300 "$tmp/$1.err")"; return 1; }
        "$PY" - $rep "$tmp/$1.out" 2>"$tmp/$1.py" <<'PYEOF' || { why="--$rep -: stdout is not the report: $(tail -n 1 "$tmp/$1.py")"; return 1; }
import json, sys, xml.dom.minidom as m
if sys.argv[1] == "json":
    assert [c["status"] for c in json.load(open(sys.argv[2]))] == ["passed", "passed", "failed"]
else:
    assert len(m.parse(sys.argv[2]).getElementsByTagName("testcase")) == 3
PYEOF
    done
    run $1 2 -- --junit - --json - "$tmp/tree" && grep -q -- "--junit - and --json -: only one report can go to stdout" "$tmp/$1.err" &&
        run $1 2 -- --tap --json - "$tmp/tree" && grep -q -- "--tap and --json -: both would go to stdout" "$tmp/$1.err" &&
        [ ! -s "$tmp/$1.out" ] || { why="two reports on stdout: $(cat "$tmp/$1.err")"; return 1; }
}
# What is wrong with the machine, not the code, exits 2 with the reason: no
# $TMPDIR (runs spool there), a report path that cannot be written (a path
# under a regular file: unwritable even as root).
case_environment_errors() {
    # the binary alone here: a wrapper such as valgrind needs $TMPDIR itself
    local wrapped=$W W=${W##* }
    TMPDIR=/nonexistent run $1 2 -- fixtures/golden/book.txt fixtures/golden/connections-16.txt &&
        grep -q "^warmer check: cannot create a temporary file in /nonexistent: No such file or directory (runs spool there: set TMPDIR to a writable directory)$" "$tmp/$1.err" &&
        [ ! -s "$tmp/$1.out" ] || { why="TMPDIR=/nonexistent: ${why:-$(head -c 300 "$tmp/$1.err") / $(head -c 100 "$tmp/$1.out")}"; return 1; }
    W=$wrapped
    : >"$tmp/file"
    local rep
    for rep in junit json; do
        run $1 2 -- --$rep "$tmp/file/r" fixtures/golden/book.txt &&
            grep -q "^warmer check: cannot write $tmp/file/r: Not a directory$" "$tmp/$1.err" &&
            { [ ! -s "$tmp/$1.out" ] || { why="a case ran before the report path was tried"; false; }; } ||
            { why="--$rep $tmp/file/r: ${why:-$(head -c 300 "$tmp/$1.err")}"; return 1; }
    done
}
# A folder with no transcript is an error, not a pass: a CI job pointed at the
# wrong folder must not go green. Beside files that are not transcripts.
case_no_transcripts_is_an_error() {
    rm -rf "$tmp/none" && mkdir -p "$tmp/none/sub" && echo "notes" >"$tmp/none/sub/readme" || return 1
    cp fixtures/golden/book.txt "$tmp/none/.hidden.txt"
    run $1 2 -- "$tmp/none" && grep -q "^warmer check: no transcripts in $tmp/none$" "$tmp/$1.err" ||
        { why="${why:-stderr: $(cat "$tmp/$1.err")}"; return 1; }
    [ ! -s "$tmp/$1.out" ] || { why="stdout: $(head -c 200 "$tmp/$1.out")"; return 1; }
    # one empty folder among good operands still fails
    run $1 2 -- fixtures/golden/book.txt "$tmp/none" || return 1
}
# A first line that nearly is the magic line is a malformed case inside a
# folder, not a file silently skipped.
case_near_miss_first_line_is_malformed() {
    make_tree
    printf '# warmer transcript V1\n# seed: 0\n' >"$tmp/tree/a/upper.txt"
    printf '#warmer transcript v1\n# seed: 0\n' >"$tmp/tree/a/nospace.txt"
    printf '\n# warmer transcript v1\n# seed: 0\n' >"$tmp/tree/a/blank.txt"
    printf '\xef\xbb\xbf# warmer transcript v1\n# seed: 0\n' >"$tmp/tree/a/bom.txt"
    printf '# warmer transcript v1\r\n# seed: 0\r\n' >"$tmp/tree/a/crlf.txt"
    printf '# warmer transcript v2\n# seed: 0\n' >"$tmp/tree/a/v2.txt"
    printf '# a transcript of warmer\n' >"$tmp/tree/a/other.txt"
    printf '# warmer transcripts (format v1)\n\nThe format.\n' >"$tmp/tree/a/README.md"
    run $1 2 -- "$tmp/tree" || return 1
    for f in upper nospace blank bom crlf v2; do
        has $1 "^FAIL $tmp/tree/a/$f.txt: malformed: $tmp/tree/a/$f.txt:1: " || return 1
    done
    has $1 "^3 passed, 6 failed (6 malformed; 3 non-transcript files ignored)$"
}
# A named pipe is read as a stream: its writer may come after check opened it.
case_fifo_is_a_stream() {
    rm -f "$tmp/fifo" && mkfifo "$tmp/fifo" || return 1
    # (the writer gives up after 10 s, so a check that never reads cannot hang the test)
    (sleep 0.5 && exec timeout 10 sh -c 'exec cat fixtures/golden/book.txt >"$1"' sh "$tmp/fifo") &
    run $1 0 -- "$tmp/fifo" && has $1 "^ok $tmp/fifo$"
    local rc=$?
    wait
    return $rc
}
# Options anywhere, -- ends them; update counts apart from passes.
case_options_and_update_counts() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 0 -- "$tmp/tree" --update && has $1 "^2 passed, 1 updated, 0 failed (1 non-transcript file ignored)$" &&
        has $1 "^updated $tmp/tree/b/c/z.txt$" && has $1 "^-S: 5$" &&
        run $1 0 -- -- "$tmp/tree/b/c/z.txt" && has $1 "^1 passed, 0 failed$"
}
# The header comment forms docs/TRANSCRIPTS.md gives ('# word - ...',
# '#: ...') pass check and stay as written through --update.
case_header_comments_kept() {
    mkdir -p "$tmp/hc" && sed '2a # Note - why this file: the book\n#: Todo: more games' fixtures/golden/book.txt >"$tmp/hc/a.txt" &&
        sed -i 's/^S: 4$/S: 5/' "$tmp/hc/a.txt" || return 1
    run $1 1 -- "$tmp/hc/a.txt" && run $1 0 -- --update "$tmp/hc/a.txt" && run $1 0 -- "$tmp/hc/a.txt" || return 1
    [ "$(sed -n 3,4p "$tmp/hc/a.txt")" = "# Note - why this file: the book
#: Todo: more games" ] || { why="the comments after --update: $(head -n 5 "$tmp/hc/a.txt")"; return 1; }
}

# -k PATTERN: a shell pattern matched anywhere in the path, repeats OR'ed,
# !PATTERN leaves out; the others counted as deselected; selecting nothing
# is exit 2; the shards of a selection run each selected case once.
case_keyword_selects() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 0 -- -k /a/ "$tmp/tree" && has $1 "^2 passed, 0 failed, 1 deselected (1 non-transcript file ignored)$" &&
        has $1 "^ok $tmp/tree/a/x.txt$" && has $1 "^ok $tmp/tree/a/y$" || return 1
    run $1 1 -- -k x.txt --keyword=c/z "$tmp/tree" && has $1 "^1 passed, 1 failed, 1 deselected" || return 1
    run $1 0 -- -k '!tree/b/' "$tmp/tree" && has $1 "^2 passed, 0 failed, 1 deselected" || return 1
    run $1 0 -- -k 'tree/*/[xy]' -k '!tree/a/y' "$tmp/tree" && has $1 "^1 passed, 0 failed, 2 deselected" &&
        has $1 "^ok $tmp/tree/a/x.txt$" || return 1
    run $1 2 -- -k nothing-like-it "$tmp/tree" &&
        grep -q "^warmer check: -k selects none of the 3 cases" "$tmp/$1.err" && [ ! -s "$tmp/$1.out" ] ||
        { why="-k nothing-like-it: ${why:-$(head -c 300 "$tmp/$1.err")}"; return 1; }
    run $1 2 -- -k '' "$tmp/tree" || return 1
    run $1 0 -- -k .txt --json "$tmp/$1.json" fixtures/golden && sed -n 's/^ok //p' "$tmp/$1.out" | sort >"$tmp/$1.all" || return 1
    : >"$tmp/$1.union"
    local k
    for k in 1 2 3; do
        run $1 0 -- -k .txt --shard $k/3 fixtures/golden && sed -n 's/^ok //p' "$tmp/$1.out" >>"$tmp/$1.union" || return 1
    done
    sort "$tmp/$1.union" | cmp -s - "$tmp/$1.all" || { why="-k with 3 shards does not run each selected case once"; return 1; }
}
# --last-failed: the failing and malformed cases of the last runs, merged
# per case, in $WARMER_CACHE_DIR (or --cache-dir); all when none failed.
case_last_failed() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    printf '# warmer transcript v1\n# seed: x\n' >"$tmp/tree/a/w.txt"
    local c=$tmp/cache/check-lastfailed
    rm -rf "$tmp/cache"
    run $1 2 -- "$tmp/tree" || return 1
    [ "$(cat "$c" 2>&1)" = "# warmer last-failed v1
$tmp/tree/a/w.txt
$tmp/tree/b/c/z.txt" ] || { why="the cache after a run: $(cat "$c" 2>&1)"; return 1; }
    grep -qx '\*' "$tmp/cache/.gitignore" || { why="no .gitignore of * in the cache"; return 1; }
    run $1 2 -- --last-failed "$tmp/tree" && has $1 "^0 passed, 2 failed, 2 deselected (1 malformed; 1 non-transcript file ignored)$" &&
        lacks $1 "^ok " || return 1
    cp fixtures/golden/book.txt "$tmp/tree/b/c/z.txt"
    run $1 0 -- --last-failed -k z.txt "$tmp/tree" && has $1 "^1 passed, 0 failed, 3 deselected" || return 1
    [ "$(tail -n +2 "$c")" = "$tmp/tree/a/w.txt" ] || { why="z.txt passed and stays in the cache: $(cat "$c")"; return 1; }
    rm "$tmp/tree/a/w.txt"
    run $1 0 -- --last-failed "$tmp/tree" && has $1 "^3 passed, 0 failed (1 non-transcript file ignored)$" &&
        grep -q "^warmer check: --last-failed: none of these 3 cases failed last time ($c): running them all$" "$tmp/$1.err" ||
        { why="${why:-stderr: $(cat "$tmp/$1.err")}"; return 1; }
    # --cache-dir wins over the variable; --no-cache writes nothing and reads nothing
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    run $1 1 -- --cache-dir "$tmp/cd" "$tmp/tree" && grep -qx "$tmp/tree/b/c/z.txt" "$tmp/cd/check-lastfailed" ||
        { why="${why:---cache-dir: $(cat "$tmp/cd/check-lastfailed" 2>&1)}"; return 1; }
    rm -rf "$tmp/cache" && run $1 1 -- --no-cache "$tmp/tree" && [ ! -e "$tmp/cache" ] ||
        { why="${why:---no-cache made $tmp/cache}"; return 1; }
    run $1 2 -- --no-cache --last-failed "$tmp/tree" && grep -q -- "--no-cache leaves the cache alone" "$tmp/$1.err" || return 1
    # the default: .warmer_cache in the current directory
    # (the binary alone, by its absolute path: a wrapper's path may be relative)
    local bin=${W##* }
    bin=$(cd "$(dirname "$bin")" && pwd)/${bin##*/}
    mkdir -p "$tmp/cwd" && (cd "$tmp/cwd" && env -u WARMER_CACHE_DIR "$bin" check "$tmp/tree" >/dev/null 2>&1)
    grep -qx "$tmp/tree/b/c/z.txt" "$tmp/cwd/.warmer_cache/check-lastfailed" ||
        { why="no .warmer_cache/check-lastfailed in the current directory: $(ls -a "$tmp/cwd")"; return 1; }
    # a cache that cannot be written is a warning, not a failure
    : >"$tmp/plain"
    run $1 0 -- --cache-dir "$tmp/plain/sub" fixtures/golden/book.txt &&
        grep -q "^warmer check: warning: the last-failed cache not written: " "$tmp/$1.err" ||
        { why="${why:-unwritable cache: $(cat "$tmp/$1.err")}"; return 1; }
}
# Shards merge into one cache: each run takes out and puts in its own cases.
# (Which shard a case falls in hangs on its path, here under a random $tmp:
# a shard may hold no failure, so a shard's exit may be 0 or 1.)
case_last_failed_shards_merge() {
    rm -rf "$tmp/sh" "$tmp/cache" && mkdir -p "$tmp/sh" || return 1
    local f k rc
    for f in fixtures/golden/*.txt; do
        sed '0,/^S[0-9]*: [0-9]/s/^\(S[0-9]*\): \([0-9]*\)$/\1: 9\2/' "$f" >"$tmp/sh/${f##*/}"
    done
    run $1 1 -- "$tmp/sh" || return 1
    cp "$tmp/cache/check-lastfailed" "$tmp/$1.whole" 2>/dev/null || { why="no cache file after a run"; return 1; }
    [ "$(wc -l <"$tmp/$1.whole")" -gt 30 ] || { why="only $(wc -l <"$tmp/$1.whole") lines in the cache"; return 1; }
    rm -rf "$tmp/cache"
    for k in 1 2 3; do
        $W check --shard $k/3 "$tmp/sh" >"$tmp/$1.out" 2>"$tmp/$1.err"
        rc=$?
        [ $rc -le 1 ] || { why="shard $k/3: exit $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
    done
    cmp -s "$tmp/cache/check-lastfailed" "$tmp/$1.whole" ||
        { why="3 shards' cache differs from one run's: $(diff "$tmp/$1.whole" "$tmp/cache/check-lastfailed" 2>&1 | head -5)"; return 1; }
    # shard 1's failures fixed and run again: its cases leave, the others' stay
    $W check --shard 1/3 "$tmp/sh" >"$tmp/$1.out" 2>&1
    sed -n "s|^FAIL $tmp/sh/||p" "$tmp/$1.out" >"$tmp/$1.s1"
    for f in $(cat "$tmp/$1.s1"); do cp "fixtures/golden/$f" "$tmp/sh/$f"; done
    run $1 0 -- --shard 1/3 "$tmp/sh" || return 1
    for f in $(cat "$tmp/$1.s1"); do
        ! grep -qx "$tmp/sh/$f" "$tmp/cache/check-lastfailed" || { why="$f passed in shard 1 and stays"; return 1; }
    done
    [ "$(($(wc -l <"$tmp/$1.whole") - $(wc -l <"$tmp/$1.s1")))" -eq "$(wc -l <"$tmp/cache/check-lastfailed")" ] ||
        { why="the other shards' failures were not kept"; return 1; }
}
# --update --dry-run: the diffs and "would update FILE", each such file a
# failure, and not a byte or an mtime changed.
case_update_dry_run() {
    make_tree
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    touch -d '2001-02-03 04:05:06' "$tmp/tree/b/c/z.txt"
    cp -p "$tmp/tree/b/c/z.txt" "$tmp/$1.before"
    local m0
    m0=$(stat -c %Y "$tmp/tree/b/c/z.txt")
    run $1 1 -- --update --dry-run "$tmp/tree" && has $1 "^would update $tmp/tree/b/c/z.txt$" && has $1 "^-S: 5$" &&
        has $1 "^+S: 4$" && has $1 "^2 passed, 1 failed (1 non-transcript file ignored)$" && lacks $1 "^updated " || return 1
    cmp -s "$tmp/$1.before" "$tmp/tree/b/c/z.txt" || { why="--dry-run changed the file"; return 1; }
    [ "$(stat -c %Y "$tmp/tree/b/c/z.txt")" = "$m0" ] || { why="--dry-run changed the mtime"; return 1; }
    [ -z "$(find "$tmp/tree" -name '.warmer-update-*')" ] || { why="--dry-run left a temporary file"; return 1; }
    # what it printed is what --update then applies
    sed -n '/^--- /,/^would update/p' "$tmp/$1.out" | sed '$d' >"$tmp/$1.dry"
    [ -s "$tmp/$1.dry" ] || { why="no diff before would update"; return 1; }
    run $1 2 -- --dry-run "$tmp/tree" && grep -q -- "--dry-run goes with --update" "$tmp/$1.err" || return 1
    run $1 0 -- --update "$tmp/tree" && sed -n '/^--- /,/^updated/p' "$tmp/$1.out" | sed '$d' | cmp -s - "$tmp/$1.dry" ||
        { why="${why:-the diff of the dry run is not the one --update applies}"; return 1; }
}

# review: $W review ARGS with the answers in $REVIEW_IN on stdin.
review() {
    local name=$1 want=$2
    shift 3
    # shellcheck disable=SC2086
    printf "$REVIEW_IN" | $W review "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err") / $(tail -n 2 "$tmp/$name.out")"
    return 1
}
# Three differing goldens: accept, skip, quit from a pipe. The accepted file
# is byte for byte what check --update makes of it; the others unchanged.
case_review_accept_skip_quit() {
    rm -rf "$tmp/rv" && mkdir -p "$tmp/rv" "$tmp/rv.upd" || return 1
    local f
    for f in book connections-3 seed-zero single-value; do
        sed '0,/^S[0-9]*: [0-9]/s/^\(S[0-9]*\): \([0-9]*\)$/\1: 9\2/' "fixtures/golden/$f.txt" >"$tmp/rv/$f.txt"
    done
    cp fixtures/golden/book.txt "$tmp/rv/0-ok.txt"
    cp "$tmp/rv/"*.txt "$tmp/rv.upd/" && cp -r "$tmp/rv" "$tmp/rv.orig" || return 1
    $W check --update "$tmp/rv.upd" >/dev/null 2>&1
    run $1 1 -- "$tmp/rv.orig" && [ "$(grep -c '^FAIL ' "$tmp/$1.out")" -ge 3 ] || { why="${why:-fewer than 3 differing files}"; return 1; }
    REVIEW_IN='a\ns\nq\n' review $1 1 -- "$tmp/rv" || return 1
    has $1 "^ok $tmp/rv/0-ok.txt$" && has $1 "^updated $tmp/rv/book.txt$" && has $1 "^-S: 94$" &&
        has $1 "^accept, skip or quit? \[a/s/q\] a$" && has $1 "^accept, skip or quit? \[a/s/q\] s$" &&
        has $1 "^1 passed, 1 accepted, 1 skipped, 0 failed, 2 not reviewed$" || return 1
    cmp -s "$tmp/rv/book.txt" "$tmp/rv.upd/book.txt" || { why="the accepted file is not what check --update writes"; return 1; }
    for f in connections-3 seed-zero single-value; do
        cmp -s "$tmp/rv/$f.txt" "$tmp/rv.orig/$f.txt" || { why="$f.txt changed without an accept"; return 1; }
    done
    # a wrong answer asks again; the end of input quits
    REVIEW_IN='yes\n' review $1 1 -- "$tmp/rv/seed-zero.txt" "$tmp/rv/single-value.txt" &&
        has $1 "^answer a (accept), s (skip) or q (quit)$" && has $1 "(end of input: quit)$" &&
        has $1 "^0 passed, 0 accepted, 0 skipped, 0 failed, 2 not reviewed$" || return 1
    # every one accepted: exit 0, and check then passes
    REVIEW_IN='A\n accept \na\n' review $1 0 -- "$tmp/rv" && has $1 "^2 passed, 3 accepted, 0 skipped, 0 failed$" &&
        run $1 0 -- "$tmp/rv" || return 1
    for f in connections-3 seed-zero single-value; do
        cmp -s "$tmp/rv/$f.txt" "$tmp/rv.upd/$f.txt" || { why="accepted $f.txt is not what check --update writes"; return 1; }
    done
}
# What cannot be accepted is reported, not asked about; -k and usage.
case_review_malformed_and_usage() {
    make_tree
    printf '# warmer transcript v1\n# seed: x\n' >"$tmp/tree/a/w.txt"
    sed -i 's/^S: 4$/S: 5/' "$tmp/tree/b/c/z.txt"
    REVIEW_IN='s\n' review $1 2 -- "$tmp/tree" && has $1 "^FAIL $tmp/tree/a/w.txt: malformed: " &&
        has $1 "^2 passed, 0 accepted, 1 skipped, 1 failed$" && [ "$(grep -c '^accept, skip' "$tmp/$1.out")" -eq 1 ] || return 1
    REVIEW_IN='a\n' review $1 0 -- -k z.txt "$tmp/tree" && has $1 "^0 passed, 1 accepted, 0 skipped, 0 failed, 3 deselected$" || return 1
    REVIEW_IN='' review $1 2 -- - && grep -q 'cannot review "-"' "$tmp/$1.err" || return 1
    REVIEW_IN='' review $1 2 -- && REVIEW_IN='' review $1 2 -- --update "$tmp/tree" || return 1
}

# slow_tree N: N names (hard links, no disk) of one transcript that takes a
# tenth of a second or more to check, in $tmp/slow.
slow_tree() {
    rm -rf "$tmp/slow" && mkdir -p "$tmp/slow" || return 1
    ${W##* } run --seed 5 --game 1:1000000:7:600 --connections 40 >"$tmp/slow/000.txt" || return 1
    local k
    for ((k = 1; k < $1; k++)); do ln "$tmp/slow/000.txt" "$tmp/slow/$(printf %03d $k).txt" || return 1; done
}
# SIGINT (130) and SIGTERM (143) stop a run of many cases: the cases done are
# reported, the summary says it was interrupted and how many ran, the JUnit
# and JSON files parse and hold those cases, TAP bails out after them; and
# it ends at once (the case running finishes, no new one starts).
case_signal_stops_cleanly() {
    slow_tree 60 || { why="cannot make the slow tree"; return 1; }
    local run sig want tap pid rc t0 took n i
    for run in INT:130:--tap TERM:143:; do
        sig=${run%%:*} want=${run#*:} tap=${want#*:} want=${want%%:*}
        rm -f "$tmp/$1.xml" "$tmp/$1.json"
        # shellcheck disable=SC2086
        $W check -j1 $tap --junit "$tmp/$1.xml" --json "$tmp/$1.json" "$tmp/slow" >"$tmp/$1.out" 2>"$tmp/$1.err" &
        pid=$!
        for ((i = 0; i < 600; i++)); do grep -q "^ok " "$tmp/$1.out" && break; sleep 0.05; done
        t0=$(date +%s%N)
        kill -$sig $pid
        wait $pid
        rc=$? took=$((($(date +%s%N) - t0) / 100000000))
        [ $rc -eq $want ] || { why="SIG$sig: want exit $want, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
        [ $took -lt $SIGNAL_LIMIT ] || { why="SIG$sig: check took $took tenths of a second to end"; return 1; }
        n=$(sed -n "s/^\(# \)\{0,1\}\([0-9]*\) passed, 0 failed, interrupted by SIG$sig: \2 of 60 cases ran$/\2/p" "$tmp/$1.out")
        [ -n "$n" ] && [ "$n" -lt 60 ] || { why="SIG$sig: no summary \"N passed, 0 failed, interrupted by SIG$sig: N of 60 cases ran\" with N < 60: $(tail -n 2 "$tmp/$1.out")"; return 1; }
        command -v "$PY" >/dev/null || continue
        why=$("$PY" tests/reports_ok.py "$n" --junit "$tmp/$1.xml" --json "$tmp/$1.json" ${tap:+--tap "$tmp/$1.out"}) ||
            { why="SIG$sig: $why"; return 1; }
    done
}

lib_run_cases
