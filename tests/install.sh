#!/bin/bash
# What `make install` puts in place (the binary, man/warmer.1, the bash
# completion), that the man page and the completion name every command and
# option the program and docs/CLI.md name, the static build of the
# Dockerfile, and that valgrind reads the binary's debug info (a clang
# build: `make CC=clang check` runs this suite on it). Every case has a
# stable name and runs alone with ONLY=name (tests/lib.sh).
#   bash tests/install.sh build/warmer     (from the top of the tree)
W=${1:-build/warmer}
B=$(dirname "$W")
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init install
PREFIX=/usr/local
ROOT=$tmp/root

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    why="$1 not found (apt-get install -y $2, or sh ci/deps.sh)"
    return 1
}

# make install into $ROOT, once for the cases that read what it installed.
installed() {
    [ -x "$ROOT$PREFIX/bin/warmer" ] && return 0
    make --no-print-directory B="$B" DESTDIR="$ROOT" PREFIX=$PREFIX install >"$tmp/install.log" 2>&1 ||
        { why="make install failed: $(tail -5 "$tmp/install.log")"; return 1; }
}
MAN=$ROOT$PREFIX/share/man/man1/warmer.1
COMP=$ROOT$PREFIX/share/bash-completion/completions/warmer

# The commands `warmer --help` lists.
commands() { $W --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'; }

# The long options `warmer CMD --help` names: those in its usage lines, and
# those that start its indented option lines (not the options of other
# programs in its examples).
help_opts() {
    $W "$1" --help | awk '
        /^usage:/ { u = 1 }
        u && !/^usage:/ && !/^ +(\[|warmer|FILE)/ { u = 0 }
        u { s = $0; while (match(s, /--[a-z][a-z-]*/)) { print substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) } next }
        /^ +-/ { for (i = 1; i <= NF; i++) {
                     w = $i; if (w ~ /^--?[a-z]/) { sub(/[,:=].*$/, "", w); if (w ~ /^--/) print w; continue }
                     if (w ~ /^[A-Z][A-Z\/]*,?$/) continue
                     break } }' | sort -u
}

# The long options docs/CLI.md gives command $1: in its section's synopsis,
# tables and bullets, and in the shared table's rows that name it.
doc_opts() {
    sed 's/\\|/ /g' docs/CLI.md | awk -v cmd="$1" '
        /^## / { sec = $2; shared = ($0 ~ /^## Options shared/) }
        function opts(s) { while (match(s, /--[a-z][a-z-]*/)) { print substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) } }
        shared && /^\| `-/ { n = split($0, f, "|"); if (f[5] ~ ("`" cmd "`")) { match(f[2], /--[a-z][a-z-]*/); print substr(f[2], RSTART, RLENGTH) } }
        sec == cmd && (/^    (warmer|  +\[)/ || /^\| `-/ || /^- `-/) { if (/^\|/) { split($0, f, "|"); opts(f[2]) } else opts($0) }' | sort -u
}

# The text of the man page's section for command $1 (.SS $1 up to the next
# heading), with groff's escapes for - and fonts taken out.
man_section() {
    sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(aq/'"'"'/g' "$1" |
        awk -v cmd="$2" '/^\.S[SH]/ { on = ($0 == ".SS " cmd); next } on'
}

# Completion: COMPREPLY for the words given (the last is being completed).
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _warmer; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@" 2>&1
}

case_files_installed() {
    installed || return 1
    local f
    for f in bin/warmer share/man/man1/warmer.1 share/bash-completion/completions/warmer; do
        [ -f "$ROOT$PREFIX/$f" ] || { why="$PREFIX/$f not installed under DESTDIR"; return 1; }
    done
    [ -x "$ROOT$PREFIX/bin/warmer" ] || { why="bin/warmer is not executable"; return 1; }
    [ "$(stat -c %a "$MAN")" = 644 ] || { why="warmer.1 has mode $(stat -c %a "$MAN")"; return 1; }
    "$ROOT$PREFIX/bin/warmer" --version | grep -q '^warmer [0-9]' ||
        { why="the installed binary does not say its version"; return 1; }
    cmp -s man/warmer.1 "$MAN" || { why="the installed man page is not man/warmer.1"; return 1; }
}
case_prefix_and_uninstall() {
    local r=$tmp/r2
    make --no-print-directory B="$B" DESTDIR="$r" PREFIX=/opt/w install >"$tmp/i2.log" 2>&1 ||
        { why="make install PREFIX=/opt/w failed: $(tail -3 "$tmp/i2.log")"; return 1; }
    [ -x "$r/opt/w/bin/warmer" ] && [ -f "$r/opt/w/share/man/man1/warmer.1" ] &&
        [ -f "$r/opt/w/share/bash-completion/completions/warmer" ] ||
        { why="not installed under DESTDIR/opt/w: $(cd "$r" && find . -type f | tr '\n' ' ')"; return 1; }
    make --no-print-directory B="$B" DESTDIR="$r" PREFIX=/opt/w uninstall >>"$tmp/i2.log" 2>&1 ||
        { why="make uninstall failed: $(tail -3 "$tmp/i2.log")"; return 1; }
    local left
    left=$(cd "$r" && find . -type f)
    [ -z "$left" ] || { why="make uninstall left: $left"; return 1; }
}
case_man_groff_clean() {
    need groff groff-base || return 1
    installed || return 1
    groff -man -ww -Tutf8 "$MAN" >"$tmp/man.txt" 2>"$tmp/groff.err" ||
        { why="groff failed: $(head -5 "$tmp/groff.err")"; return 1; }
    [ ! -s "$tmp/groff.err" ] || { why="groff -ww warns: $(head -5 "$tmp/groff.err")"; return 1; }
}
case_man_warmer_from_install() {
    need man man-db || return 1
    installed || return 1
    MANPATH=$ROOT$PREFIX/share/man MANPAGER=cat MANWIDTH=80 man warmer >"$tmp/man.out" 2>"$tmp/man.err" ||
        { why="man warmer failed: $(head -3 "$tmp/man.err")"; return 1; }
    grep -q '^WARMER(1)' "$tmp/man.out" && grep -q 'warmer check' "$tmp/man.out" ||
        { why="man warmer printed: $(head -3 "$tmp/man.out")"; return 1; }
    man -l "$MAN" 2>&1 | grep -q '^EXIT STATUS' || { why="man -l does not render EXIT STATUS"; return 1; }
}
# Every command `warmer --help` lists has its section, and every long option
# its --help or docs/CLI.md gives it is in that section.
case_man_names_every_option() {
    local c o missing=""
    for c in $(commands); do
        man_section man/warmer.1 "$c" >"$tmp/sec"
        [ -s "$tmp/sec" ] || { missing="$missing (no .SS $c)"; continue; }
        for o in $( (help_opts "$c"; doc_opts "$c") | sort -u); do
            grep -qE -- "$o([^a-z-]|$)" "$tmp/sec" || missing="$missing $c:$o"
        done
    done
    [ -z "$missing" ] || { why="man/warmer.1 lacks:$missing"; return 1; }
}
# The reverse: every option a command's section names is one the command
# takes (`warmer CMD --OPT=@@ -h` is not "unknown option").
case_man_options_exist() {
    local c o bad=""
    for c in $(commands); do
        for o in $(man_section man/warmer.1 "$c" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
            if $W "$c" "$o=@@" -h 2>&1 >/dev/null | grep -q 'unknown option'; then
                bad="$bad $c:$o"
            fi
        done
    done
    [ -z "$bad" ] || { why="man/warmer.1 names options the program does not take:$bad"; return 1; }
}
case_completion_syntax() {
    installed || return 1
    bash -n "$COMP" 2>"$tmp/n.err" || { why="bash -n: $(head -3 "$tmp/n.err")"; return 1; }
}
case_completion_offers_commands() {
    installed || return 1
    local got c missing=""
    got=$(complete_words warmer "")
    for c in $(commands); do grep -qx "$c" <<<"$got" || missing="$missing $c"; done
    [ -z "$missing" ] || { why="warmer <TAB> lacks:$missing (got: $(echo $got))"; return 1; }
    got=$(complete_words warmer ch)
    [ "$got" = check ] || { why="warmer ch<TAB> gave: $(echo $got)"; return 1; }
}
# Each command's options: every one its --help or docs/CLI.md names, from
# `warmer CMD --`.
case_completion_offers_options() {
    installed || return 1
    local c o got missing=""
    for c in $(commands); do
        got=$(complete_words warmer "$c" --)
        for o in $( (help_opts "$c"; doc_opts "$c") | sort -u); do grep -qx -- "$o" <<<"$got" || missing="$missing $c:$o"; done
    done
    [ -z "$missing" ] || { why="the completion lacks:$missing"; return 1; }
    got=$(complete_words warmer check --ju)
    [ "$got" = --junit ] || { why="warmer check --ju<TAB> gave: $(echo $got)"; return 1; }
}
case_completion_values() {
    installed || return 1
    local c got
    for c in run check replay interop explore record serve client; do
        got=$(complete_words warmer "$c" --profile "" | tr '\n' ' ')
        [ "$got" = "strict book book-asyncio " ] || { why="$c --profile <TAB> gave: $got"; return 1; }
    done
    got=$(complete_words warmer serve --driver "" | tr '\n' ' ')
    [ "$got" = "threads events " ] || { why="serve --driver <TAB> gave: $got"; return 1; }
    got=$(complete_words warmer run --format=b | tr '\n' ' ')
    [ "$got" = "--format=book " ] || { why="run --format=b<TAB> gave: $got"; return 1; }
}
# Transcripts: files and folders as operands, after options with values.
case_completion_files() {
    installed || return 1
    mkdir -p "$tmp/tx/golden" && cp fixtures/golden/book.txt "$tmp/tx/golden/book.txt"
    local got
    got=$(complete_words warmer check -j 2 "$tmp/tx/golden/bo")
    [ "$got" = "$tmp/tx/golden/book.txt" ] || { why="check -j 2 FILE<TAB> gave: $got"; return 1; }
    got=$(complete_words warmer replay --server "$tmp/tx/go")
    [ "$got" = "$tmp/tx/golden" ] || { why="replay --server DIR<TAB> gave: $got"; return 1; }
    got=$(complete_words warmer check --shard "")
    [ -z "$got" ] || { why="check --shard <TAB> offered: $(echo $got)"; return 1; }
}
# The Dockerfile's runtime binary: linked statically (pthreads included), it
# plays the book run.
case_static_book_run() {
    make --no-print-directory B="$B" "$B/warmer-static" >"$tmp/static.log" 2>&1 ||
        { why="make $B/warmer-static failed: $(tail -5 "$tmp/static.log")"; return 1; }
    if readelf -l "$B/warmer-static" | grep -q INTERP; then
        why="$B/warmer-static has a program interpreter: not static"
        return 1
    fi
    "$B/warmer-static" run --format book | cmp - fixtures/book.out >"$tmp/cmp" 2>&1 ||
        { why="the static book run differs: $(cat "$tmp/cmp")"; return 1; }
    "$B/warmer-static" check fixtures/golden/book.txt >/dev/null 2>&1 ||
        { why="the static binary's check of book.txt failed"; return 1; }
}
# The runtime image as the Dockerfile lays it out (/warmer, /tmp, /work;
# no libc, no shell, user nobody), in a chroot: check of a mounted folder
# passes, a numeric address connects, an environment error is exit 2. Needs
# root (chroot); docker is not needed.
case_static_alone_as_in_image() {
    [ "$(id -u)" -eq 0 ] || { echo "  (install/static_alone_as_in_image: needs root for chroot)"; return 0; }
    make --no-print-directory B="$B" "$B/warmer-static" >"$tmp/static.log" 2>&1 ||
        { why="make $B/warmer-static failed: $(tail -5 "$tmp/static.log")"; return 1; }
    local r=$tmp/image out rc
    mkdir -p "$r/tmp" "$r/work" && chmod 755 "$r" && chmod 1777 "$r/tmp" &&
        cp "$B/warmer-static" "$r/warmer" && cp -r fixtures/golden "$r/work/" && chmod -R a+rX "$r/work" ||
        { why="cannot lay out $r"; return 1; }
    out=$(chroot --userspec=65534:65534 "$r" /warmer check /work/golden 2>&1)
    rc=$?
    [ $rc -eq 0 ] && grep -q '^[1-9][0-9]* passed, 0 failed' <<<"$out" ||
        { why="check /work/golden in the image: exit $rc: $(tail -3 <<<"$out")"; return 1; }
    out=$(chroot --userspec=65534:65534 "$r" /warmer client --connect 127.0.0.1:1 --timeout 2 2>&1)
    grep -q 'Connection refused' <<<"$out" ||
        { why="client --connect 127.0.0.1:1 in the image: $out"; return 1; }
    chmod 755 "$r/tmp"
    out=$(chroot --userspec=65534:65534 "$r" /warmer check /work/golden 2>&1)
    rc=$?
    [ $rc -eq 2 ] || { why="check with /tmp not writable: want exit 2, got $rc: $(tail -2 <<<"$out")"; return 1; }
}
# Valgrind reads the binary's debug info (Debian 12's 3.19 gives up on
# clang 14's default DWARF 5; the Makefile asks clang for DWARF 4).
case_valgrind_reads_binary() {
    need valgrind valgrind || return 1
    valgrind --quiet --error-exitcode=99 "$W" run --format book >"$tmp/vg.out" 2>"$tmp/vg.err"
    local rc=$?
    [ $rc -eq 0 ] && [ ! -s "$tmp/vg.err" ] && cmp -s "$tmp/vg.out" fixtures/book.out || {
        why="valgrind $W run --format book: exit $rc, stderr: $(grep -v '^###' "$tmp/vg.err" | head -4)"
        why="$why (debug info: $(readelf --debug-dump=info "$W" 2>/dev/null | grep -m1 -o 'Version: *[0-9]*'))"
        return 1
    }
}

lib_run_cases
