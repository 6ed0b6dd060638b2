#!/usr/bin/env python3
"""A server that plays connection 1 of a transcript's S records, reading the
client's lines as the file orders them, and closes one client item earlier
than the file says (--early), or exactly where it says (--exact).

    early_server.py --early|--exact FILE

Binds 127.0.0.1 on a free port, prints the port on stdout, serves one
connection and exits. Exit 3 (printing nothing) when the file has no early
variant: the server's end comes before any client item, or a client partial
line comes before it. tests/interop.sh uses it to show that a close one line
early fails and the same server closing on time passes.
"""
import re
import socket
import sys

REC = re.compile(r"^([CS])(1?)(:|!) ?(.*)$")


def unescape(t):
    out, i = bytearray(), 0
    while i < len(t):
        if t[i] == "\\" and t[i + 1] == "x":
            out.append(int(t[i + 2:i + 4], 16))
            i += 4
        elif t[i] == "\\":
            out.append(ord(t[i + 1]))
            i += 2
        else:
            out.append(ord(t[i]))
            i += 1
    return bytes(out)


def records(path):
    """Connection 1's records in file order: (side, kind, bytes)."""
    recs = []
    for line in open(path, encoding="ascii").read().split("\n"):
        m = REC.match(line)
        if not m or line.startswith("#"):
            continue
        side, _, mark, text = m.groups()
        if mark == ":":
            recs.append((side, "line", unescape(text)))
        elif text.startswith("partial "):
            recs.append((side, "partial", unescape(text[len("partial "):])))
        else:  # close, error: the server's error is a close on the wire
            recs.append((side, "close", b""))
    return recs


def main():
    mode, path = sys.argv[1], sys.argv[2]
    recs = records(path)
    # The server's end: its first close or partial, or the client's close
    # (a server's quiet close answers it).
    end = next((i for i, r in enumerate(recs) if r[0] == "S" and r[1] != "line"), None)
    if end is None:
        end = next((i for i, r in enumerate(recs) if r[0] == "C" and r[1] == "close"), len(recs))
    client_items = [i for i, r in enumerate(recs[:end + 1]) if r[0] == "C"]
    if any(recs[i][1] == "partial" for i in client_items) or not client_items:
        sys.exit(3)
    # --exact stops where the file's end comes; --early one client item before.
    stop_before = client_items[-1] if mode == "--early" else end + 1
    if mode == "--exact" and recs[min(end, len(recs) - 1)][0] == "C":
        stop_before = len(recs)  # read the client's close, then close
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    print(ls.getsockname()[1], flush=True)
    ls.settimeout(30)
    c, _ = ls.accept()
    c.settimeout(30)
    f = c.makefile("rb", buffering=0)
    for side, kind, text in recs[:stop_before]:
        if side == "S":
            if kind == "close":
                break
            c.sendall(text + (b"\n" if kind == "line" else b""))
        elif kind == "line":
            f.readline()
        else:
            f.read()  # the client's close
    c.close()


if __name__ == "__main__":
    main()
