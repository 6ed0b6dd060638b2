#!/usr/bin/env python3
"""The book's server or client (tests/book_ref.py, its code verbatim) as a
process for `warmer interop`:

  python3 tests/book_serve.py threaded|asyncio --port PORT --seed SEED [--deviate WHAT]
  python3 tests/book_serve.py client --port PORT [--game LO:HI:SECRET:COUNT]...

Only the frame is this file's: a listener on 127.0.0.1:PORT whose k-th
connection draws from random.Random(SEED + k) (the port's seeding), and the
book's endless draw, which book_ref raises as Hang, held here as the book
holds it: the handler never returns and the connection stays open.
--deviate makes a copy that differs from the book in one way, for tests
that such a copy fails: report-hot-closes (`REPORT Hot` closes the
connection), number-x-silent (`NUMBER x` is not answered), eof-closes (the
asyncio server closes after the client's EOF, which the book's never does).
"""
import argparse
import asyncio
import random
import socket
import sys
import threading

sys.dont_write_bytecode = True
import book_ref  # noqa: E402

_next_guess = book_ref.SessionLogic.next_guess


def hold_on_hang(self):
    """The book's server loops forever here: the handler blocks (in asyncio,
    the whole event loop, as the book's spin does)."""
    try:
        return _next_guess(self)
    except book_ref.Hang:
        threading.Event().wait()


def deviate(what):
    if what == "report-hot-closes":
        receive_report = book_ref.SessionLogic.receive_report

        def closing(self, parts):
            if parts[1:] == ["Hot"]:
                raise EOFError("deviation: closed on REPORT Hot")
            receive_report(self, parts)
        book_ref.SessionLogic.receive_report = closing
    elif what == "number-x-silent":
        receive, areceive = book_ref.Session.receive, book_ref.AsyncSession.receive

        def skip(line):
            return line.startswith("NUMBER ")

        def receive_skipping(self):
            while skip(line := receive(self)):
                pass
            return line

        async def areceive_skipping(self):
            while skip(line := await areceive(self)):
                pass
            return line
        book_ref.Session.receive = receive_skipping
        book_ref.AsyncSession.receive = areceive_skipping


def serve_threaded(port, seed):
    listener = socket.create_server(("127.0.0.1", port))
    k = 0
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=book_ref.handle_connection,
                         args=(conn, random.Random(seed + k), lambda line: None),
                         daemon=True).start()
        k += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=("threaded", "asyncio", "client"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--game", action="append", default=[])
    parser.add_argument("--deviate", choices=("report-hot-closes", "number-x-silent", "eof-closes"))
    args = sys.argv[1:]  # "--game -5:..." would read as an option: joined as --game=...
    for i in range(len(args) - 1, 0, -1):
        if args[i - 1] == "--game":
            args[i - 1:i + 1] = ["--game=" + args[i]]
    opts = parser.parse_args(args)
    book_ref.SessionLogic.next_guess = hold_on_hang
    if opts.deviate and opts.deviate != "eof-closes":
        deviate(opts.deviate)
    if opts.role == "threaded":
        serve_threaded(opts.port, opts.seed)
    elif opts.role == "asyncio":
        if opts.deviate == "eof-closes":
            loop = book_ref.AsyncSession.loop

            async def closing(self):
                try:
                    await loop(self)
                finally:
                    self.writer.close()
            book_ref.AsyncSession.loop = closing
        asyncio.run(book_ref.run_async_server("127.0.0.1", opts.port, opts.seed,
                                              log=lambda line: None))
    else:
        games = [tuple(int(v) for v in g.split(":")) for g in opts.game]
        conn = socket.create_connection(("127.0.0.1", opts.port))
        book_ref.run_client(conn, games, log=lambda line: None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
