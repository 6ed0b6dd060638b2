#!/usr/bin/env python3
"""The book's server or client as tests/book_serve.py runs it, with one
deviation, for tests that `warmer explore --server/--client` finds it:

  python3 tests/deviant_peer.py colder-closes threaded --port PORT --seed SEED
  python3 tests/deviant_peer.py equal-is-colder client --port PORT [--game G]...
  python3 tests/deviant_peer.py shared-rng threaded --port PORT --seed SEED

colder-closes: the server closes the connection on `REPORT Colder`.
equal-is-colder: the client judges a guess as far off as the one before
Colder (the book says Unsure).
shared-rng: the book's threaded server as the book has it, not as
book_serve.py frames it: one generator for the whole process, seeded SEED
(so only a fresh process's first connection is seeded as warmer's model
says), and on an exhausted range the endless draw goes on drawing from it,
so every connection after a hang sees other guesses.
"""
import math
import random
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
import book_ref  # noqa: E402
import book_serve  # noqa: E402


def colder_closes():
    receive_report = book_ref.SessionLogic.receive_report

    def closing(self, parts):
        if parts[1:] == ["Colder"]:
            raise EOFError("deviation: closed on REPORT Colder")
        receive_report(self, parts)
    book_ref.SessionLogic.receive_report = closing


def equal_is_colder():
    def report_outcome(self, number):
        distance = math.fabs(number - self.secret)
        decision = book_ref.UNSURE
        if distance == 0:
            decision = book_ref.CORRECT
        elif self.last_distance is None:
            pass
        elif distance < self.last_distance:
            decision = book_ref.WARMER
        elif distance >= self.last_distance:  # the deviation: equal is not Unsure
            decision = book_ref.COLDER
        self.last_distance = distance
        self.send(f"REPORT {decision}")
        return decision
    book_ref.Client.report_outcome = report_outcome


def shared_rng():
    def serve(port, seed):
        listener = socket.create_server(("127.0.0.1", port))
        rng = random.Random(seed)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=book_ref.handle_connection, args=(conn, rng, lambda line: None),
                             daemon=True).start()

    next_guess = book_ref.SessionLogic.next_guess

    def endless(self):
        try:
            return next_guess(self)
        except book_ref.Hang:
            while True:  # the book's loop: every draw is a guess made before
                self.rng.randint(self.lower, self.upper)
                time.sleep(0.001)
    book_serve.serve_threaded = serve
    book_serve.hold_on_hang = endless


DEVIATIONS = {"colder-closes": colder_closes, "equal-is-colder": equal_is_colder,
              "shared-rng": shared_rng}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in DEVIATIONS:
        sys.exit(__doc__)
    DEVIATIONS[sys.argv.pop(1)]()
    sys.exit(book_serve.main())
