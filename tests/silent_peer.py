#!/usr/bin/env python3
"""A peer that falls silent where its transcript needs a line from it.

    silent_peer.py server    binds 127.0.0.1 on a free port, prints the port on
                             stdout, reads one connection's lines and never
                             answers (nor closes) until its client closes
    silent_peer.py client PORT
                             connects, sends "PARAMS 1 5" and "NUMBER", reads
                             the guess and sends nothing more (no REPORT) until
                             the server closes
    silent_peer.py client -  the same, the port read from a line of stdin: a
                             test starts the interpreter first, so its start
                             (seconds on a loaded machine) is not counted in
                             the harness's wait for a connection

tests/interop.sh uses them to show that a missing answer is named with the
line that needed it ("no answer to `NUMBER` (line 6) within S s").
"""
import socket
import sys


def main():
    if sys.argv[1] == "server":
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        print(ls.getsockname()[1], flush=True)
        conn, _ = ls.accept()
        rfile = conn.makefile("rb")
        while rfile.readline():  # reads until the client's close, answers nothing
            pass
        conn.close()
        return 0
    port = sys.stdin.readline() if sys.argv[2] == "-" else sys.argv[2]
    conn = socket.create_connection(("127.0.0.1", int(port)))
    conn.sendall(b"PARAMS 1 5\nNUMBER\n")
    rfile = conn.makefile("rb")
    rfile.readline()  # the guess; no REPORT follows
    while rfile.readline():
        pass
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
