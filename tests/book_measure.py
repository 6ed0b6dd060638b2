#!/usr/bin/env python3
"""Measures, over TCP on 127.0.0.1, when the book's servers (tests/book_ref.py)
close their end: after the client's EOF, after an empty line, after an
exception in the handler, and on a line beyond asyncio's 64 KiB readline limit.

  python3 tests/book_measure.py [--wait SECONDS]

Prints one line per case and server: what the client saw within the wait
("EOF after N ms", "open", or the bytes received) and the handler's exception.
docs/PROTOCOL.md, "Profiles", quotes its output and the CPython version.
"""
import argparse
import asyncio
import platform
import random
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
import book_ref  # noqa: E402

CASES = [  # name, bytes sent, then the client half-closes (1) or stays open (0)
    ("eof-after-a-game", b"PARAMS 1 5\nNUMBER\nREPORT Unsure\n", 1),
    ("eof-at-once", b"", 1),
    ("empty-line", b"\n", 0),
    ("exception (UnknownCommandError)", b"HELLO\n", 0),
    ("exception (ValueError of int())", b"PARAMS x 5\n", 0),
    ("line of 70000 bytes and its newline", b"A" * 70000 + b"\n", 0),
    ("line of 70000 bytes, no newline", b"A" * 70000, 0),
    ("line of 70000 bytes, no newline, then EOF", b"A" * 70000, 1),
    ("tail at EOF: 'NUMBERx' (after PARAMS 1 5)", b"PARAMS 1 5\nNUMBERx", 1),
]


def start_threaded(errors):
    listener = socket.create_server(("127.0.0.1", 0))
    k = 0

    def serve(conn, seed):
        try:
            book_ref.handle_connection(conn, random.Random(seed), log=lambda line: None)
        except Exception as error:  # the book's thread dies with it: the `with` closed the socket
            errors.append(book_ref.exception_text(error))

    def accept():
        nonlocal k
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, 1234 + k), daemon=True).start()
            k += 1

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()


def start_asyncio(errors):
    ready = threading.Event()
    where = []

    def listening(address):
        where.append(address)
        ready.set()

    def run():
        asyncio.run(book_ref.run_async_server("127.0.0.1", 0, 1234, log=lambda line: None,
                                              on_listen=listening,
                                              on_error=lambda e: errors.append(
                                                  book_ref.exception_text(e))))

    threading.Thread(target=run, daemon=True).start()
    ready.wait(10)
    return where[0]


def probe(address, data, half_close, wait):
    """Sends data, half-closes if asked, and reads until EOF or the wait is over."""
    with socket.create_connection(address) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        start = time.monotonic()
        got = b""
        sock.settimeout(0.05)
        while time.monotonic() - start < wait:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return got, f"reset after {(time.monotonic() - start) * 1000:.0f} ms"
            if not chunk:
                return got, f"EOF after {(time.monotonic() - start) * 1000:.0f} ms"
            got += chunk
        return got, f"open after {wait:g} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", type=float, default=3.0)
    opts = parser.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()}")
    for name, start in (("threaded", start_threaded), ("asyncio", start_asyncio)):
        errors = []
        address = start(errors)
        for case, data, half_close in CASES:
            before = len(errors)
            got, seen = probe(address, data, half_close, opts.wait)
            time.sleep(0.1)
            raised = "; ".join(errors[before:]) or "-"
            raised = raised if len(raised) <= 80 else raised[:77] + "..."
            print(f"{name:8} | {case:45} | received {got!r:12} | {seen:18} | raised: {raised}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
