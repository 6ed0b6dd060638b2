#!/bin/bash
# early_close.sh WARMER PYTHON FILE MODE: replays FILE's client side against
# tests/early_server.py MODE (--early: the server closes one client line
# before the file's close; --exact: where the file says). Prints one line:
# "ok FILE MODE [named]", "skip FILE MODE" (no early variant), or "FAIL FILE
# MODE: what happened". --early must fail ("named" when the verdict names
# the early close); --exact must pass.
W=$1 PY=$2 f=$3 mode=$4
exec 3< <("$PY" tests/early_server.py "$mode" "$f"; echo "exit $?")
read -r -t 10 port <&3
case $port in
"exit 3") echo "skip $f $mode"; exit 0 ;;
[0-9]*) ;;
*) echo "FAIL $f $mode: the early server did not start: $port"; exit 0 ;;
esac
out=$($W replay --server --connect "127.0.0.1:$port" --timeout 5 "$f" 2>&1)
rc=$?
# EARLY_SAVE=DIR keeps each replay's report (interop.sh headline_is_first_difference)
[ -n "$EARLY_SAVE" ] && printf '%s\n' "$out" >"$EARLY_SAVE/${f//\//_}$mode"
read -r -t 35 ended <&3
if [ "$mode" = --early ]; then
    # a close before a line the file shows the server sending is a missing
    # line in the diff; a close where the file shows none due, named so
    [ $rc -eq 1 ] && grep -q "expected the server to close .*; it closed " <<<"$out" &&
        { echo "ok $f $mode named"; exit 0; }
    [ $rc -eq 1 ] && { echo "ok $f $mode"; exit 0; }
else
    [ $rc -eq 0 ] && { echo "ok $f $mode"; exit 0; }
fi
echo "FAIL $f $mode: replay exit $rc, server $ended: $(head -c 400 <<<"$out" | tr '\n' '|')"
