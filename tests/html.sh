#!/bin/bash
# The HTML report (docs/CLI.md, "The HTML report"): --html on check, interop
# and explore, and warmer report, each page checked by tests/html_ok.py
# (parsed, self-contained, cases and verdicts, escaping). Every case has a
# stable name and runs alone with ONLY=name (tests/lib.sh).
#   bash tests/html.sh WARMER [PEER]   (WARMER may carry a wrapper: "valgrind ... build/warmer";
#                                       PEER: the plain binary interop starts as a server)
W=${1:-build/warmer}
BIN=${2:-${W##* }}
PY=${PYTHON:-python3}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init html

# `warmer ARGS...` in case $1, exit status wanted $2.
run() {
    local name=$1 want=$2
    shift 2
    # shellcheck disable=SC2086
    $W "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && return 0
    why="want exit $want, got $got: $(head -c 300 "$tmp/$name.err")"
    return 1
}
page_ok() {
    local out
    out=$($PY tests/html_ok.py "$@") || { why="$out"; return 1; }
}
has() { grep -q -- "$2" "$1" || { why="no /$2/ in $1"; return 1; }; }

HOSTILE_NAME='<script>alert(1)</script>.txt'
HOSTILE_REC='</pre><script>alert(2)</script>'
# Three failing cases (a fault plan of two connections, a long file of 16,
# a hostile name and record) and a passing one, under $tmp/cases.
make_cases() {
    rm -rf "$tmp/cases"
    mkdir -p "$tmp/cases/<script>alert(1)<"
    sed 's/^S2: 1$/S2: 2/' fixtures/faults/combined.txt >"$tmp/cases/fault.txt"
    awk 'NR == 350 { sub(/NUMBER/, "NUMBR") } 1' fixtures/golden/connections-16.txt >"$tmp/cases/long.txt"
    { head -4 fixtures/golden/seed-zero.txt; printf 'C: %s\nS! close\n' "$HOSTILE_REC"; } \
        >"$tmp/cases/$HOSTILE_NAME"
    cp fixtures/golden/book.txt "$tmp/cases/ok.txt"
}

case_check_page() {
    make_cases
    run $1 1 check --html "$tmp/p.html" "$tmp/cases" &&
        page_ok "$tmp/p.html" --cases 4 --failed 3 --firstdiff 3 \
            --text "$tmp/cases/$HOSTILE_NAME" --text "C: $HOSTILE_REC" --text "check --html"
}
# The fault plan, closes and errors are labelled, not coloured alone.
case_faults_closes_errors_labelled() {
    make_cases
    run $1 1 check --html "$tmp/p.html" "$tmp/cases/fault.txt" &&
        page_ok "$tmp/p.html" --cases 1 --failed 1 --firstdiff 1 --text $'\u26a1 fault reset S2 at 2' \
            --text $'\u26a1 fault stall C1 at 12' --text $'\u25a0 close' --text $'\u2716 error timed out' \
            --text $'\u25d0 partial N' --text 'expected: S2: 2' --text 'actual: S2: 1' \
            --text 'conn 2 '$'\u26a1'' fault'
}
# A long transcript is cut to WM_HTML_CONTEXT (100) records each side of the
# first difference, and what was left out is counted.
case_long_transcript_elided() {
    make_cases
    local before after
    before=$(awk '/^[CS][0-9]*[:!]/ && NR < 350 { n++ } END { print n - 100 }' "$tmp/cases/long.txt")
    after=$(awk '/^[CS][0-9]*[:!]/ && NR > 350 { n++ } END { print n - 100 }' "$tmp/cases/long.txt")
    run $1 1 check --html "$tmp/p.html" "$tmp/cases/long.txt" &&
        page_ok "$tmp/p.html" --cases 1 --failed 1 --firstdiff 1 \
            --text "$before records before left out" --text "$after records after left out" &&
        [ "$(grep -c '<tr class="rec' "$tmp/p.html")" -eq 201 ] ||
        { why="${why:-$(grep -c '<tr class="rec' "$tmp/p.html") records drawn, want 201}"; return 1; }
}
# A record longer than WM_HTML_TEXT_MAX (300) is cut, the rest counted.
case_long_record_cut() {
    mkdir -p "$tmp/lr"
    { head -4 fixtures/golden/seed-zero.txt; printf 'C: %01000d\n' 0; } >"$tmp/lr/r.txt"
    run $1 1 check --html "$tmp/p.html" "$tmp/lr/r.txt" &&
        page_ok "$tmp/p.html" --cases 1 --failed 1 --text "C1 $(printf '%0300d' 0) "$'\u22ef 700 more bytes'
}
# warmer report of check's JSON draws the same page, head aside.
case_report_same_as_check() {
    make_cases
    run $1 1 check --html "$tmp/p.html" --json "$tmp/p.json" "$tmp/cases" &&
        run $1 0 report --html "$tmp/r.html" "$tmp/p.json" &&
        page_ok "$tmp/r.html" --cases 4 --failed 3 --firstdiff 3 --text "$tmp/p.json (4 cases)" &&
        { cmp -s <(sed -n '/^<nav id="filter"/,$p' "$tmp/p.html") <(sed -n '/^<nav id="filter"/,$p' "$tmp/r.html") ||
            { why="the pages' cases differ: $(diff <(sed -n '/^<nav/,$p' "$tmp/p.html") <(sed -n '/^<nav/,$p' "$tmp/r.html") | head -5)"; return 1; }; }
}
# N explore shards make one page, with check's cases beside them.
case_report_merges_shards() {
    make_cases
    run $1 0 explore --runs 12 --seed 5 --shard 1/2 --json "$tmp/a.json" --out "$tmp/xo" &&
        run $1 0 explore --runs 12 --seed 5 --shard 2/2 --json "$tmp/b.json" --out "$tmp/xo" &&
        run $1 1 check --json "$tmp/c.json" "$tmp/cases/fault.txt" &&
        run $1 0 report --html "$tmp/r.html" "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" &&
        page_ok "$tmp/r.html" --cases 13 --failed 1 --firstdiff 1 --text "run 11 of seed 5" \
            --text "$tmp/a.json (6 cases), $tmp/b.json (6 cases), $tmp/c.json (1 case)" ||
        { why="$why; the reports hold runs: $($PY -c 'import json, sys
for p in sys.argv[1:]: print(p, [o.get("run", o.get("file")) for o in json.load(open(p))])' \
            "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" 2>&1 | tr '\n' ' ')"; return 1; }
}
# A transcript gone since: the case keeps the report's diff and says so.
case_report_file_gone() {
    make_cases
    run $1 1 check --json "$tmp/p.json" "$tmp/cases/fault.txt" && rm "$tmp/cases/fault.txt" &&
        run $1 0 report --html "$tmp/r.html" "$tmp/p.json" &&
        page_ok "$tmp/r.html" --cases 1 --failed 1 --firstdiff 0 \
            --text "$tmp/cases/fault.txt cannot be read (No such file or directory)" \
            --text "-S2: 2" --text "+S2: 1" --text "first difference at $tmp/cases/fault.txt:12"
}
# A malformed file is a failing case: open, its message shown, its
# records drawn as the lenient scan reads them.
case_malformed_case_open() {
    mkdir -p "$tmp/mal"
    printf '# warmer transcript v1\n# seed: 1\n# seed: 2\nC: <b>\n' >"$tmp/mal/m.txt"
    run $1 2 check --html "$tmp/p.html" "$tmp/mal/m.txt" fixtures/golden/book.txt &&
        page_ok "$tmp/p.html" --cases 2 --failed 1 --text "C1 <b>" \
            --text $'\u26a0 MALFORMED' --text "'seed' given twice"
}
# A FIFO (and stdin) was read once, by the run: the page does not wait on it.
case_fifo_not_read_again() {
    mkdir -p "$tmp/fifo" && rm -f "$tmp/fifo/f.txt" && mkfifo "$tmp/fifo/f.txt" || return 1
    sed 's/^S2: 1$/S2: 2/' fixtures/faults/combined.txt >"$tmp/fifo/f.txt" &
    timeout -k 5 20 $W check --html "$tmp/p.html" "$tmp/fifo/f.txt" >"$tmp/$1.out" 2>"$tmp/$1.err"
    local rc=$?
    wait
    [ $rc -eq 1 ] || { why="want exit 1, got $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
    page_ok "$tmp/p.html" --cases 1 --failed 1 --firstdiff 0 \
        --text "$tmp/fifo/f.txt cannot be read (not a regular file: it was read once)" &&
        sed 's/^S2: 1$/S2: 2/' fixtures/faults/combined.txt |
        $W check --html "$tmp/p.html" - >"$tmp/$1.out" 2>"$tmp/$1.err"
    [ $? -eq 1 ] || { why="stdin: want exit 1: $(head -c 300 "$tmp/$1.err")"; return 1; }
    page_ok "$tmp/p.html" --cases 1 --failed 1 --text "- cannot be read (standard input was read once)"
}
case_report_stdin_and_stdout() {
    make_cases
    run $1 1 check --json "$tmp/p.json" "$tmp/cases/ok.txt" "$tmp/cases/fault.txt" &&
        $W report --html - - <"$tmp/p.json" >"$tmp/r.html" 2>"$tmp/$1.err" &&
        page_ok "$tmp/r.html" --cases 2 --failed 1
}
case_explore_page() {
    run $1 0 explore --runs 8 --seed 2 --html "$tmp/e.html" --out "$tmp/xo" &&
        page_ok "$tmp/e.html" --cases 8 --failed 0 --text "run 7 of seed 2" --text "explore --runs 8"
}
case_interop_page() {
    local serve="$BIN serve --listen {host}:{port} --seed {seed}"
    make_cases
    sed '0,/^S: /s/^S: .*/S: 99/' fixtures/golden/book.txt >"$tmp/cases/bad.txt"
    run $1 1 interop --server "$serve" --html "$tmp/i.html" "$tmp/cases/ok.txt" "$tmp/cases/bad.txt" &&
        page_ok "$tmp/i.html" --cases 2 --failed 1 --text "interop --server"
}
# A JSON member warmer does not know is skipped; one of the wrong type, a
# status warmer never writes, or a broken array is bad input (exit 2).
case_report_bad_input() {
    printf '[{"file": "x.txt", "status": "passed", "more": {"a": [1, {"b": null}]}, "seconds": 0.5}]' >"$tmp/ok.json"
    printf '[{"file": 3, "status": "passed"}]' >"$tmp/b1.json"
    printf '[{"file": "x", "status": "great"}]' >"$tmp/b2.json"
    printf '[{"file": "x", "status": "passed"} {"file": "y"}]' >"$tmp/b3.json"
    run $1 0 report --html "$tmp/r.html" "$tmp/ok.json" && page_ok "$tmp/r.html" --cases 1 --failed 0 &&
        run $1 2 report --html "$tmp/r.html" "$tmp/b1.json" && has "$tmp/$1.err" 'b1.json:1: "file" wants a string or null' &&
        run $1 2 report --html "$tmp/r.html" "$tmp/b2.json" && has "$tmp/$1.err" '"status" is not one warmer writes' &&
        run $1 2 report --html "$tmp/r.html" "$tmp/b3.json" && has "$tmp/$1.err" "b3.json:1: ',' or ']' expected, found '{'" &&
        run $1 2 report --html "$tmp/r.html" "$tmp/none.json" && has "$tmp/$1.err" 'cannot read' &&
        run $1 2 report "$tmp/ok.json" && has "$tmp/$1.err" 'say where the page goes'
}
case_usage() {
    run $1 2 check --html - fixtures/golden/book.txt && has "$tmp/$1.err" 'the page cannot go to stdout' &&
        run $1 2 explore --html - --runs 1 && run $1 2 interop --html - --server x fixtures/golden/book.txt &&
        run $1 2 explore --replay fixtures/golden/book.txt --html "$tmp/x.html" &&
        run $1 2 check --html "$tmp/no/such/dir/p.html" fixtures/golden/book.txt &&
        has "$tmp/$1.err" "cannot write $tmp/no/such/dir/p.html" &&
        { [ ! -s "$tmp/$1.out" ] || { why="a case ran: $(head -c 200 "$tmp/$1.out")"; return 1; }; }
}

lib_run_cases
