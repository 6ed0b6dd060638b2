# shellcheck shell=bash
# Sourced by `sh tests/SUITE.sh` (dash): the suite again, under bash.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

# The shell test library: every tests/SUITE.sh sources it (bash only).
#
#   . "$(dirname "$0")/lib.sh"
#   lib_init SUITE          scratch dir $tmp, removed on exit (KEEP=1 keeps it)
#   case_NAME() { ...; }    a case: returns 0 (pass) or 1 with why="..." set
#   lib_run_cases           runs them (by name), prints FAIL lines and a
#                           summary, returns 1 if any failed
#
# One way to run one case (or a few) alone, for every suite:
#   ONLY="NAME..." bash tests/SUITE.sh build/warmer
# LIST=1 prints the suite's case names and exits; SKIP_CASES="NAME..." leaves
# cases out (make memcheck: tests/memcheck.skip); an ONLY name that is not a
# case is an error (exit 2) that lists the cases.
#
# Suites that run cases as parallel background jobs (net.sh, record.sh) use
# bg/join/ok/bad/lib_results instead: there a case is a *_job function, and
# ONLY names jobs (every call of a named job runs).

lib_suite=
tmp=
pass=0 fail=0 repeats=0 skip=0
why=""

# lib_init SUITE: the scratch directory and the exit trap. A suite may define
# lib_on_exit (servers to stop) before its first exit; it runs first.
lib_init() {
    lib_suite=$1
    tmp=$(mktemp -d) || exit 2
    trap lib_cleanup EXIT
    trap 'exit 130' INT TERM
}

lib_cleanup() {
    local f
    declare -F lib_on_exit >/dev/null && lib_on_exit
    for f in "$tmp"/pids/*; do # servers spawn started and nobody stopped
        [ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
    done
    for f in "$tmp"/pids/*; do
        [ -e "$f" ] && wait_gone "$(cat "$f")" 5 && kill -KILL "$(cat "$f")" 2>/dev/null
    done
    # shellcheck disable=SC2046
    kill $(jobs -p) 2>/dev/null
    if [ -n "$KEEP" ]; then echo "$lib_suite: kept $tmp"; else rm -rf "$tmp"; fi
}

# lib_cases: the suite's case names (the case_NAME functions, sorted);
# lib_call_case NAME: runs one. A suite whose cases are not functions (one
# per mutant patch) redefines both after sourcing this file.
lib_cases() { declare -F | sed -n 's/^declare -f case_//p'; }
lib_call_case() { "case_$1" "$1"; }

# lib_check_only NAMES: every name in ONLY must be one of NAMES (else exit 2).
lib_check_only() {
    local c
    for c in $ONLY; do
        grep -qx -- "$c" <<<"$1" && continue
        echo "$lib_suite: no case $c (cases: $(echo $1))" >&2
        exit 2
    done
}

# lib_selected NAME: 0 if NAME runs (ONLY empty or naming it).
lib_selected() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# lib_run_cases: the runner. Each case is called with its NAME; it sets why
# when it fails. A suite may define lib_after_case (run after every case)
# and set lib_skip_status (a case returning it is skipped, not failed).
# On failure the case's $tmp/NAME.out, if any, is shown (lib_fail_line).
lib_run_cases() {
    local cases c rc
    cases=$(lib_cases)
    if [ -n "$LIST" ]; then
        printf '%s\n' $cases
        exit 0
    fi
    lib_check_only "$cases"
    for c in $cases; do
        lib_selected "$c" || continue
        if [[ " $SKIP_CASES " == *" $c "* ]]; then
            repeats=$((repeats + 1))
            continue
        fi
        why=""
        lib_call_case "$c"
        rc=$?
        if [ $rc -eq 0 ]; then
            pass=$((pass + 1))
        elif [ -n "$lib_skip_status" ] && [ $rc -eq "$lib_skip_status" ]; then
            skip=$((skip + 1))
            echo "skip $lib_suite/$c: $why"
        else
            fail=$((fail + 1))
            lib_fail_line "$c" "$why"
        fi
        declare -F lib_after_case >/dev/null && lib_after_case "$c"
    done
    lib_summary
}

# lib_fail_line NAME WHY: the FAIL line and NAME's output: all of it when
# short; when long (a run of many files), its first FAIL lines with what
# follows each, then its end, so the line at fault is never cut off.
lib_fail_line() {
    local out=$tmp/$1.out
    echo "FAIL $lib_suite/$1: ${2:-failed}"
    [ -f "$out" ] || return 0
    if [ "$(wc -l <"$out")" -le 40 ] || ! grep -q 'FAIL' "$out"; then
        sed 's/^/    /' "$out" | head -40
        return 0
    fi
    grep -n -m 3 -A 8 'FAIL' "$out" | head -30 | sed 's/^/    /'
    echo "    ... (its last lines)"
    tail -n 8 "$out" | sed 's/^/    /'
}

# lib_summary: "SUITE: P passed, F failed[, N left out][, N skipped]";
# 1 if a case failed or none ran.
lib_summary() {
    echo "$lib_suite: $pass passed, $fail failed$([ $repeats -gt 0 ] && echo ", $repeats left out")$([ $skip -gt 0 ] && echo ", $skip skipped")"
    [ "$fail" -eq 0 ] && [ $((pass + skip + repeats)) -gt 0 ]
}

# has NAME PATTERN / lacks NAME PATTERN: PATTERN (grep) in $tmp/NAME.out or not.
# no_delayed_ack FILE: the --timing line of a refmodel client's 50 guesses
# (FILE) shows no delayed-ACK stall: its median round trip (NUMBER sent to
# guess read) under NAIVE_MS (default 30). A delayed ACK holds every guess
# 40 ms or more (Linux's minimum, docs/DESIGN.md "Delayed ACK"), so with the
# stall the median sits above the bound, while a loaded machine slows a few
# guesses, not the median. It checks the stall's absence, not a speed (make
# bench prints the figures). Sets why.
no_delayed_ack() {
    local median mean
    median=$(sed -n 's/^refmodel client: 50 guesses, .*, median \([0-9.]*\) ms$/\1/p' "$1")
    mean=$(sed -n 's/^refmodel client: 50 guesses, \([0-9.]*\) ms a guess, .*/\1/p' "$1")
    [ -n "$median" ] || { why="no timing from the client: $(head -c 300 "$1")"; return 1; }
    awk -v m="$median" -v max="${NAIVE_MS:-30}" 'BEGIN { exit !(m < max) }' ||
        { why="a naive peer's guesses took $median ms each (the median of 50; mean $mean ms; bound ${NAIVE_MS:-30} ms): a delayed ACK stall"; return 1; }
}
has() { grep -q -- "$2" "$tmp/$1.out" || { why="no /$2/ in the output"; return 1; }; }
lacks() { ! grep -q -- "$2" "$tmp/$1.out" || { why="unexpected /$2/ in the output"; return 1; }; }

# -- processes and ports --------------------------------------------------

# wait_gone PID SECS: 0 if PID is still running after SECS (polling).
wait_gone() {
    local i=0
    while kill -0 "$1" 2>/dev/null; do
        [ $i -ge $(($2 * 20)) ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# A server started on port 0 says where it listens ("listening on
# HOST:PORT" on stderr): wait_addr reads it. A peer that must be given a
# port (tests/book_serve.py) gets free_port's, and wait_port waits for it.

# wait_addr FILE SED SECS [PID]: polls FILE until SED prints an address;
# sets addr (the first). 1 after SECS, or once PID has exited. Empty FILE
# before starting the server: its own redirection may come after the first
# poll, which would read a previous server's address.
wait_addr() {
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        addr=$(sed -n "$2" "$1" 2>/dev/null | head -n 1)
        [ -n "$addr" ] && return 0
        [ -n "$4" ] && ! kill -0 "$4" 2>/dev/null && break
        sleep 0.05
    done
    addr=""
    return 1
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now (the kernel's pick).
free_port() {
    "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port HOST PORT SECS: 0 once HOST:PORT accepts a connection (which the
# server sees, accepted and closed), 1 (why set) if not within SECS.
wait_port() {
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
        sleep 0.05
    done
    why="nothing accepted on $1:$2 within $3 s"
    return 1
}

# spawn NAME SED -- CMD...: runs CMD in the background (stdout NAME.out,
# stderr NAME.err, pid in $tmp/pids/NAME) until SED finds its address on
# stderr (within T seconds); sets addr.
spawn() {
    local name=$1 sedexpr=$2
    shift 3
    : >"$tmp/$name.err"
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    echo "$!" >"$tmp/pids/$name"
    wait_addr "$tmp/$name.err" "$sedexpr" "$T" "$!" && return 0
    why="$name did not start listening: $(head -c 600 "$tmp/$name.err")"
    return 1
}

# -- parallel jobs (net.sh, record.sh) -------------------------------------

# ok NAME / bad NAME WHY...: a job's result, one file per result name.
ok() { echo "ok" >"$tmp/results/$1"; }
bad() {
    local name=$1
    shift
    printf 'FAIL %s/%s: %s\n' "$lib_suite" "$name" "$*" >"$tmp/results/$name"
}

# bg FN ARGS...: runs job FN in a background subshell, at most JOBS at once
# (servers are the jobs' children, never this shell's); join waits for all.
# Each job writes exactly one result (ok or bad); one that dies without is
# counted as failed by lib_results.
# Under ONLY, a job whose FN ONLY does not name is not started; under LIST,
# no job starts and lib_results prints the job names instead.
jobpids=()
started=0
lib_jobs_seen=" "
bg() {
    [[ $lib_jobs_seen == *" $1 "* ]] || lib_jobs_seen="$lib_jobs_seen$1 "
    [ -n "$LIST" ] && return 0
    lib_selected "$1" || return 0
    while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-8}" ]; do
        wait -n
    done
    ("$@") &
    jobpids+=($!)
    started=$((started + 1))
}
join() {
    [ ${#jobpids[@]} -gt 0 ] && wait "${jobpids[@]}"
    jobpids=()
}

# lib_results: counts the jobs' results, prints the failed ones and the
# summary; a job that ended without a result counts as failed.
lib_results() {
    local r
    if [ -n "$LIST" ]; then
        printf '%s\n' $lib_jobs_seen
        exit 0
    fi
    lib_check_only "$(printf '%s\n' $lib_jobs_seen)"
    for r in "$tmp"/results/*; do
        [ -e "$r" ] || continue
        if [ "$(cat "$r")" = ok ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            cat "$r"
        fi
    done
    if [ $((pass + fail)) -lt $started ]; then
        echo "FAIL: $((started - pass - fail)) of $started jobs ended without a result"
        fail=$((fail + started - pass - fail))
    fi
    lib_summary
}
