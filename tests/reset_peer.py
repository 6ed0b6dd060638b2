#!/usr/bin/env python3
"""A peer that resets the connection (SO_LINGER 0, then close: an RST, not a FIN).

    reset_peer.py server [PARTIAL]   binds 127.0.0.1 on a free port ("listening on
                                     127.0.0.1:PORT" on stderr), takes one
                                     connection, reads up to the client's
                                     "NUMBER" line, sends PARTIAL (bytes with no
                                     newline) if given, and resets
    reset_peer.py client PORT        connects, sends "PARAMS 1 5" and "NUMBER",
                                     reads the guess, and resets

tests/net.sh uses them to show that every command names a peer's reset as a
reset ("connection reset by peer ..."), never as a clean end. Every wait is
bounded (5 s).
"""
import socket
import struct
import sys
import time


def reset(sock):
    time.sleep(0.1)  # what was sent is read before the RST arrives
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_until(sock, want):
    got = b""
    while want not in got:
        b = sock.recv(4096)
        if not b:
            sys.exit("reset_peer: the peer closed before %r" % want)
        got += b


def main():
    if sys.argv[1] == "server":
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        ls.settimeout(5)
        print("listening on 127.0.0.1:%d" % ls.getsockname()[1], file=sys.stderr, flush=True)
        conn, _ = ls.accept()
        conn.settimeout(5)
        read_until(conn, b"NUMBER\n")
        if len(sys.argv) > 2:
            conn.sendall(sys.argv[2].encode())
        reset(conn)
    else:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5)
        s.sendall(b"PARAMS 1 5\nNUMBER\n")
        read_until(s, b"\n")
        reset(s)


if __name__ == "__main__":
    main()
