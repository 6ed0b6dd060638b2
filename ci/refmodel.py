#!/usr/bin/env python3
"""Model of the reference guessing program, written from docs/PROTOCOL.md.

The server draws from CPython's own random.Random, so this is the yardstick the
C port's MT19937 is checked against. Where the reference breaks, the model does
what the port does instead (error + close, see docs/TRANSCRIPTS.md) unless an
option below says otherwise; only the breaks reachable from well-behaved games
matter in-process: NUMBER on an empty range and NUMBER after every value of the
range was guessed.

  refmodel.py transcript [--seed N] [--game LO:HI:SECRET:COUNT]... [--connections N]
  refmodel.py book       (same options)  the reference's console output
  refmodel.py serve --listen HOST:PORT [--seed N] [--lenient] [--keep-open] [--split]  threaded TCP server
  refmodel.py client --connect HOST:PORT [--game ...] [--seed N] [--lenient] [--nagle] [--timing]

The options stand in for the reference's own breaks, so the tests can show that
warmer's live replay fails a server or client that has them:
  serve --lenient    reads lines as the reference does (LenientServer): the last
                     byte dropped even when not a newline, UTF-8, int(), only the
                     first word looked at, no limit but a 64 MiB safety cap; any
                     exception ends the connection, NUMBER after every value was
                     guessed hangs it (never answers, reads or closes).
  serve --keep-open  never closes a connection's socket (after EOF, an empty line
                     or an error it only stops reading), as the asyncio reference on
                     CPython 3.8 to 3.12, whose handler never closes its writer.
  client --lenient   the reference client: int() of each reply with no other check,
                     any Python exception is a failure (exit 1).
Peers as naive as the book's for the delayed-ACK tests (docs/DESIGN.md, "Delayed ACK"):
  client --nagle     leaves Nagle on, as the book's threaded client: REPORT and the next
                     NUMBER are two small writes before a read, so the second waits for
                     the server's ACK of the first.
  client --timing    prints "refmodel client: N guesses, X ms a guess, median M ms" on stderr, from the
                     first NUMBER sent to the last guess read.
  serve --split      writes each reply as two sends (the number, then its newline), Nagle
                     on: the newline waits for the client's ACK of the number.
  (serve leaves Nagle on, as the book's server does.)
Seeding stays the port's (connection k gets seed + k), so goldens still match.
"""
import argparse
import math
import random
import re
import signal
import socket
import sys
import threading
import time

DECISIONS = ("Warmer", "Colder", "Unsure", "Correct")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_LINE = 1024
LENIENT_MAX_LINE = 64 * 2**20  # a safety cap only: the reference reads lines without bound
DEFAULT_SEED = 1234
DEFAULT_GAMES = [(1, 5, 3, 5), (10, 15, 12, 5)]
INTEGER = re.compile(r"0|-?[1-9][0-9]*")  # canonical decimal, as the port


class ProtocolError(Exception):
    """A side rejected what it saw; the message is the error reason."""


class UnknownCommandError(Exception):
    """What the reference's server raises on a command it does not know."""


class Hang(Exception):
    """Where the reference loops forever: the connection must never answer nor close."""


def parse_int64(text):
    if not INTEGER.fullmatch(text):
        raise ProtocolError(f"not an integer: {escape(text)}")
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ProtocolError(f"integer beyond signed 64 bits: {text}")
    return value


class Server:
    """One connection's server session, as the reference's Session class."""

    def __init__(self, seed, log):
        self.rng = random.Random(seed)
        self.log = log
        self.set_params(0, -1)  # before any PARAMS the range is empty

    def set_params(self, lower, upper):
        self.lower, self.upper = lower, upper
        self.secret = self.last = None
        self.guessed = set()

    def handle(self, line):
        """Handle one client line (without its newline); return the reply or None."""
        command, *args = line.split(" ")
        if "" in args:
            raise ProtocolError(f"extra space in line: {escape(line)}")
        if command == "PARAMS" and len(args) == 2:
            self.set_params(*map(parse_int64, args))
        elif command == "NUMBER" and not args:
            return str(self.next_guess())
        elif command == "REPORT" and len(args) == 1:
            self.report(args[0])
        else:
            raise ProtocolError(f"unknown command or wrong arity: {escape(line)}")
        return None

    def next_guess(self):
        if self.secret is not None:
            return self.secret
        lo, hi = self.lower, self.upper
        if lo > hi:
            raise ProtocolError(f"NUMBER with an empty range [{lo}, {hi}]")
        if len(self.guessed) == hi - lo + 1:
            raise ProtocolError(f"NUMBER after all {hi - lo + 1} values of [{lo}, {hi}] were guessed")
        guess = self.rng.randint(lo, hi)
        while guess in self.guessed:
            guess = self.rng.randint(lo, hi)
        self.guessed.add(guess)
        self.last = guess
        return guess

    def report(self, decision):
        if decision not in DECISIONS:
            raise ProtocolError(f"REPORT with an unknown decision: {escape(decision)}")
        if self.last is None:
            raise ProtocolError("REPORT before any NUMBER in the game")
        if decision == "Correct":
            self.secret = self.last
        self.log(f"Server: {self.last} is {decision}")


class LenientServer:
    """One connection's server session exactly as the reference's Session: no checks.

    Bad input fails with the Python exception the reference raises (IndexError,
    AssertionError, ValueError, TypeError, UnknownCommandError); the caller ends
    the connection. Only the RNG's seeding is the port's.
    """

    def __init__(self, seed, log):
        self.rng = random.Random(seed)
        self.log = log
        self.clear_state(None, None)  # NUMBER before PARAMS: randint(None, None), a TypeError

    def clear_state(self, lower, upper):
        self.lower, self.upper = lower, upper
        self.secret = None
        self.guesses, self.seen = [], set()  # the reference's list; the set only speeds up `in`

    def handle(self, command):
        """Handle one command (the line less its last byte); return the reply or None."""
        parts = command.split(" ")
        if parts[0] == "PARAMS":
            if len(parts) != 3:  # the reference asserts; raising survives python -O
                raise AssertionError(f"PARAMS with {len(parts) - 1} arguments: {command!r}")
            self.clear_state(int(parts[1]), int(parts[2]))
        elif parts[0] == "NUMBER":  # any further words are ignored
            guess = self.next_guess()
            self.guesses.append(guess)
            self.seen.add(guess)
            return str(guess)
        elif parts[0] == "REPORT":
            if len(parts) != 2:
                raise AssertionError(f"REPORT with {len(parts) - 1} arguments: {command!r}")
            decision = parts[1]  # any word: only "Correct" means something
            last = self.guesses[-1]  # IndexError before any NUMBER in the game
            if decision == "Correct":
                self.secret = last
            self.log(f"Server: {last} is {decision}")
        else:
            raise UnknownCommandError(command)
        return None

    def next_guess(self):
        if self.secret is not None:
            return self.secret
        if self.seen and len(self.seen) == self.upper - self.lower + 1:
            raise Hang(f"NUMBER after all {len(self.seen)} values of [{self.lower}, {self.upper}]"
                       " were guessed: the reference redraws forever")
        while True:  # randint raises ValueError on an empty range
            guess = self.rng.randint(self.lower, self.upper)
            if guess not in self.seen:
                return guess


def judge(guess, secret, previous):
    """Return (distance, decision) the way the reference's client does."""
    distance = math.fabs(guess - secret)  # exact int difference, then a double
    if distance == 0:
        return distance, "Correct"
    if previous is None or distance == previous:
        return distance, "Unsure"
    return distance, "Warmer" if distance < previous else "Colder"


def check_guess(text, lo, hi, seen):
    """Parse a guess the server sent; the port's client rejects bad ones."""
    guess = parse_int64(text)
    if not lo <= guess <= hi:
        raise ProtocolError(f"server guessed {guess}, outside [{lo}, {hi}]")
    if guess in seen:
        raise ProtocolError(f"server repeated the guess {guess}")
    seen.add(guess)
    return guess


def play_client(games, send, recv, log, read_guess=check_guess):
    """Play every game; recv() returns the server's next line, or None once it closed."""
    results = []
    for game_no, (lo, hi, secret, count) in enumerate(games, 1):
        log(f"Guess a number between {lo} and {hi}! Shhhhh, it's {secret}.")
        send(f"PARAMS {lo} {hi}")
        previous, seen = None, set()
        try:
            for guess_no in range(1, count + 1):
                send("NUMBER")
                reply = recv()
                if reply is None:
                    raise ProtocolError("server closed the connection while the client awaited"
                                        f" a guess (game {game_no}, guess {guess_no})")
                guess = read_guess(reply, lo, hi, seen)
                previous, decision = judge(guess, secret, previous)
                send(f"REPORT {decision}")
                results.append((guess, decision))
                if decision == "Correct":
                    break
        finally:  # the reference client's game ends so even when it failed
            send("PARAMS 0 -1")
    for guess, decision in results:
        log(f"Client: {guess} is {decision}")


def play_connection(seed, games, log):
    """Run client and server of one connection in process; return its records.

    A record is (side, mark, text): ("C", ":", line) or ("S", "!", "error ...").
    The protocol is lockstep, so the order of the calls is the transcript order.
    """
    records, replies = [], []
    server = Server(seed, log)
    server_open = True

    def send(line):
        nonlocal server_open
        records.append(("C", ":", line))
        if not server_open:
            return
        try:
            reply = server.handle(line)
        except ProtocolError as error:
            records.append(("S", "!", f"error {error}"))
            server_open = False
            return
        if reply is not None:
            records.append(("S", ":", reply))
            replies.append(reply)

    def recv():
        return replies.pop(0) if replies else None

    try:
        play_client(games, send, recv, log)
        records.append(("C", "!", "close"))
    except ProtocolError as error:
        records.append(("C", "!", f"error {error}"))
    return records


def exception_text(error):
    """A Python exception as record text: its name and message, as UTF-8 bytes in latin-1."""
    return f"{type(error).__name__}: {error}".encode("utf-8", "backslashreplace").decode("latin-1")


def escape(text):
    """Escape a line for a transcript (docs/TRANSCRIPTS.md); text holds bytes as latin-1."""
    body = text.rstrip(" ")
    out = "".join("\\\\" if c == "\\" else c if " " <= c <= "~" else f"\\x{ord(c):02x}"
                  for c in body)
    return out + "\\x20" * (len(text) - len(body))


def format_record(side, mark, text):
    return f"{side}{mark} {escape(text)}" if text else f"{side}{mark}"


def format_game(game):
    return ":".join(map(str, game))


def transcript_header(seed, games, connections=1):
    lines = ["# warmer transcript v1", f"# seed: {seed}"]
    lines += [f"# game: {format_game(game)}" for game in games]
    if connections != 1:
        lines.append(f"# connections: {connections}")
    return lines


def run(seed, games, connections=1):
    """Simulate every connection; return (transcript text, book text)."""
    book, lines = [], transcript_header(seed, games, connections)
    for n in range(1, connections + 1):
        tag = str(n) if connections > 1 else ""
        for side, mark, text in play_connection(seed + n - 1, games, book.append):
            lines.append(format_record(side + tag, mark, text))
    return "".join(line + "\n" for line in lines), "".join(line + "\n" for line in book)


def read_line(rfile):
    """Read one line as latin-1 text, with its "\\n" if it has one ("" at EOF)."""
    raw = rfile.readline(MAX_LINE + 1)
    if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
        raise ProtocolError(f"line longer than {MAX_LINE} bytes")
    return raw.decode("latin-1")


kept = []  # --keep-open: every connection's socket, never closed, alive until the process exits
never = threading.Event()  # never set: a hung connection waits on it without burning CPU


def send_reply(conn, reply, split):
    """One reply line; split: the number and its newline as two sends."""
    if split:
        conn.sendall(reply.encode())
        conn.sendall(b"\n")
    else:
        conn.sendall(reply.encode() + b"\n")


def serve_strict(conn, rfile, seed, log, split=False):
    """The port's rules: a line is printable ASCII ended by "\\n", parsed by Server."""
    server = Server(seed, log)
    while (raw := read_line(rfile)) not in ("", "\n"):  # EOF or empty line: quiet end
        if not raw.endswith("\n"):
            raise ProtocolError(f"incomplete line at end of stream: {escape(raw)}")
        line = raw[:-1]
        if not all(" " <= c <= "~" for c in line):
            raise ProtocolError(f"control or non-ASCII byte in line: {escape(line)}")
        reply = server.handle(line)
        if reply is not None:
            send_reply(conn, reply, split)


def serve_lenient(conn, rfile, seed, log, split=False):
    """The reference's Session.loop() and receive(), over LenientServer."""
    server = LenientServer(seed, log)
    while raw := rfile.readline(LENIENT_MAX_LINE + 1):  # EOF: the reference's EOFError, caught
        if len(raw) > LENIENT_MAX_LINE and not raw.endswith(b"\n"):
            raise ProtocolError(f"line longer than {LENIENT_MAX_LINE} bytes (the model's safety cap)")
        command = raw[:-1].decode()  # drops the last byte even when it is not "\n"
        if not command:
            break  # an empty command ends the reference's `while command := ...` quietly
        try:
            reply = server.handle(command)
        except Hang as why:
            print(f"refmodel serve: connection seeded {seed}: hangs: {why}", file=sys.stderr, flush=True)
            never.wait()
        else:
            if reply is not None:
                send_reply(conn, reply, split)


def serve_connection(conn, seed, log, lenient=False, keep_open=False, split=False):
    """Serve one connection, then close it as the threaded reference's `with connection`.

    With keep_open it is never closed, only no longer read: the asyncio reference's
    handler never closes its writer, so on CPython 3.8 to 3.12 its end stays open
    (CLOSE-WAIT once the client has gone) until the process exits.
    """
    failures = Exception if lenient else (ProtocolError, OSError)  # the reference: any exception
    try:
        rfile = conn.makefile("rb")
        try:
            (serve_lenient if lenient else serve_strict)(conn, rfile, seed, log, split)
        finally:
            if keep_open:
                kept.append((conn, rfile))
            else:
                rfile.close()
                conn.close()
    except failures as error:
        text = escape(exception_text(error)) if lenient else error
        print(f"refmodel serve: connection seeded {seed}: error {text}", file=sys.stderr, flush=True)


def serve(host, port, seed, lenient=False, keep_open=False, split=False):
    print_lock = threading.Lock()
    if lenient:  # a REPORT's decision is any text the client sent
        sys.stdout.reconfigure(errors="backslashreplace")

    def log(line):
        with print_lock:
            print(line, flush=True)

    stopping = threading.Event()
    # The handlers only set a flag: an exception raised wherever the main
    # thread happens to be (inside Thread.start, say) could escape as a crash.
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    with socket.create_server((host, port)) as listener:
        bound = listener.getsockname()
        print(f"refmodel serve: listening on {bound[0]}:{bound[1]}", file=sys.stderr, flush=True)
        # A signal the kernel hands to a connection's thread only sets a flag
        # for the main thread, which a blocking accept() would never look at:
        # wake up often enough to see it.
        listener.settimeout(0.1)
        k = 0
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            conn.settimeout(None)
            threading.Thread(target=serve_connection, args=(conn, seed + k, log, lenient, keep_open, split),
                             daemon=True).start()
            k += 1


def client(host, port, games, lenient=False, nagle=False, timing=False):
    """Play the games against a live server; return the records of what crossed the wire.

    lenient plays as the reference client: each reply is the line less its last byte,
    decoded as UTF-8 and passed to int(), with no other check; any exception fails.
    nagle leaves Nagle on, as the book's client; timing prints the time a guess took.
    """
    records = []
    clock = {"first": None, "last": None, "guesses": 0, "asked": None, "each": []}
    with socket.create_connection((host, port)) as sock, sock.makefile("rb") as rfile:
        # REPORT and NUMBER go as two small writes: without this, Nagle holds
        # the second until the server's ACK of the first, which a server that
        # delays its ACKs sends 40 ms later (on Linux).
        if not nagle:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def send(line):
            if line == "NUMBER":
                clock["asked"] = time.monotonic()
                if clock["first"] is None:
                    clock["first"] = clock["asked"]
            records.append(("C", ":", line))
            try:
                sock.sendall(line.encode() + b"\n")
            except OSError:  # the server has gone: reading will show it
                pass

        def recv():
            try:
                raw = read_line(rfile)
            except ConnectionError:
                raw = ""
            if not raw:
                records.append(("S", "!", "close"))
                return None
            if not raw.endswith("\n"):
                records.append(("S", "!", f"partial {raw}"))
                raise ProtocolError("server sent an incomplete line and closed")
            records.append(("S", ":", raw[:-1]))
            clock["last"], clock["guesses"] = time.monotonic(), clock["guesses"] + 1
            if clock["asked"] is not None:  # a guess's own round trip, NUMBER to reply
                clock["each"].append(clock["last"] - clock["asked"])
                clock["asked"] = None
            return raw[:-1]

        def recv_lenient():
            try:
                raw = rfile.readline(LENIENT_MAX_LINE + 1)
            except ConnectionError:
                raw = b""
            text = raw.decode("latin-1")
            if not raw:
                records.append(("S", "!", "close"))
                raise EOFError("Connection closed")
            if len(raw) > LENIENT_MAX_LINE and not raw.endswith(b"\n"):
                raise ProtocolError(f"line longer than {LENIENT_MAX_LINE} bytes (the model's safety cap)")
            records.append(("S", ":", text[:-1]) if text.endswith("\n") else ("S", "!", f"partial {text}"))
            return raw[:-1].decode()

        try:
            if lenient:
                play_client(games, send, recv_lenient, lambda line: None, lambda text, *_: int(text))
            else:
                play_client(games, send, recv, lambda line: None)
            records.append(("C", "!", "close"))
        except (Exception if lenient else ()) as error:  # the reference client fails on any
            records.append(("C", "!", f"error {exception_text(error)}"))
        except ProtocolError as error:
            records.append(("C", "!", f"error {error}"))
        except OSError as error:
            records.append(("C", "!", f"error connection failed: {error.strerror or error}"))
    if timing and clock["guesses"] > 0:
        ms = (clock["last"] - clock["first"]) * 1000 / clock["guesses"]
        each = sorted(clock["each"]) or [0.0]
        median = each[len(each) // 2] * 1000
        print(f"refmodel client: {clock['guesses']} guesses, {ms:.3f} ms a guess, median {median:.3f} ms",
              file=sys.stderr)
    return records


def parse_game(text):
    parts = text.split(":")
    try:
        if len(parts) != 4:
            raise ProtocolError("need LO:HI:SECRET:COUNT")
        lo, hi, secret = map(parse_int64, parts[:3])
        count = parse_uint(parts[3], 0, 2**64 - 1, "COUNT")
    except (ProtocolError, argparse.ArgumentTypeError) as error:
        raise argparse.ArgumentTypeError(f"bad game {text!r}: {error}")
    return lo, hi, secret, count


def parse_uint(text, low, high, what):
    if not INTEGER.fullmatch(text) or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(f"{what} must be an integer in [{low}, {high}], not {text!r}")
    return int(text)


def parse_seed(text):
    return parse_uint(text, 0, 2**64 - 1, "seed")


def parse_connections(text):
    return parse_uint(text, 1, 2**32, "connections")


def parse_address(text):
    host, sep, port = text.rpartition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"bad address {text!r}: need HOST:PORT")
    if host.startswith("[") and host.endswith("]"):  # [::1]:4321
        host = host[1:-1]
    return host, parse_uint(port, 0, 65535, "port")


def main(argv):
    # `--game -5:-1:-3:4` must work as with the C program; argparse would take the
    # value for an option, so glue it to its option.
    glued, args = [], iter(argv)
    for arg in args:
        glued.append(f"--game={next(args, '')}" if arg == "--game" else arg)

    seed = argparse.ArgumentParser(add_help=False)
    seed.add_argument("--seed", type=parse_seed, default=DEFAULT_SEED)
    games = argparse.ArgumentParser(add_help=False)
    games.add_argument("--game", type=parse_game, action="append", dest="games")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("transcript", "book"):
        sub = commands.add_parser(name, parents=[seed, games])
        sub.add_argument("--connections", type=parse_connections, default=1)
    serve_cmd = commands.add_parser("serve", parents=[seed])
    serve_cmd.add_argument("--listen", type=parse_address, required=True)
    serve_cmd.add_argument("--lenient", action="store_true",
                           help="parse client lines as the reference does, not by the port's rules")
    serve_cmd.add_argument("--keep-open", action="store_true",
                           help="never close a connection, as the asyncio reference on CPython 3.8-3.12")
    serve_cmd.add_argument("--split", action="store_true",
                           help="write each reply as two sends, the number then its newline")
    client_cmd = commands.add_parser("client", parents=[seed, games])
    client_cmd.add_argument("--connect", type=parse_address, required=True)
    client_cmd.add_argument("--lenient", action="store_true",
                            help="use every reply as the reference client does, unchecked")
    client_cmd.add_argument("--nagle", action="store_true",
                            help="leave Nagle on, as the book's client (two small writes before a read)")
    client_cmd.add_argument("--timing", action="store_true",
                            help="print the milliseconds a guess took on stderr")
    opts = parser.parse_args(glued)
    games = getattr(opts, "games", None) or DEFAULT_GAMES

    if opts.command in ("transcript", "book"):
        if opts.seed + opts.connections - 1 >= 2**64:
            parser.error(f"seed {opts.seed} + {opts.connections} connections passes 2^64 - 1")
        transcript, book = run(opts.seed, games, opts.connections)
        sys.stdout.write(transcript if opts.command == "transcript" else book)
    elif opts.command == "serve":
        serve(*opts.listen, opts.seed, opts.lenient, opts.keep_open, opts.split)
    else:
        records = client(*opts.connect, games, opts.lenient, opts.nagle, opts.timing)
        lines = transcript_header(opts.seed, games) + [format_record(*r) for r in records]
        sys.stdout.write("".join(line + "\n" for line in lines))
        return 1 if records[-1][2].startswith("error") else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
