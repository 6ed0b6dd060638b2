#!/usr/bin/env python3
"""Vectors of the book's sessions, from the book's own code (tests/book_ref.py)
run in process: tests/test_book_sessions.c checks proto/book_server.c and
proto/book_client.c against them (the differential test of the book profiles).

  python3 tests/gen_book_vectors.py [--cases N] [--seed S] > fixtures/book/vectors.txt
  python3 tests/gen_book_vectors.py --check fixtures/book/vectors.txt   (make check)

--check FILE regenerates FILE from its first line's options and fails, naming
the first line that differs, unless the book's code still gives every record.

Three kinds of case, each a block ending in "end":
  server: a scripted client's bytes (random lines, good and bad, and maybe an
          unfinished one) to the book's server, then the end of the stream;
  client: games, and a scripted server's bytes to the book's client, then the end;
  pair:   the book's client against the book's server, lockstep, from a seed.
A record is "K:TEXT" (K: S sent, L console line, E exception, H hang, C close),
TEXT and the scripted bytes escaped as docs/TRANSCRIPTS.md escapes lines; a
pair's records are the client's ("C K:TEXT"), then the server's ("S ...").
"""
import argparse
import queue
import random
import sys
import threading

sys.dont_write_bytecode = True
sys.set_int_max_str_digits(4300)  # CPython 3.11's default, whatever the environment says
import book_ref  # noqa: E402

ASYNCIO_NOTE = ("without closing its writer: the connection stays open "
                "(CPython 3.8-3.12; measured on 3.11.7)")


def escape(data):
    """wm_escape (proto/escape.c) of bytes."""
    body = data.rstrip(b" ")
    out = "".join("\\\\" if b == 0x5C else chr(b) if 0x20 <= b <= 0x7E else f"\\x{b:02x}"
                  for b in body)
    return out + "\\x20" * (len(data) - len(body))


ERR_ROOM = 511  # escaped bytes a transcript's error record holds (WM_ERR_MAX - 1)


def cut_error(data):
    """wm_book_error's cut (proto/book_text.c): the longest prefix whose escaped
    bytes and "..." fit, when the escaped whole does not."""
    if len(escape(data)) <= ERR_ROOM:
        return data
    n = esc = 0
    while n < len(data):
        k = 2 if data[n] == 0x5C else 1 if 0x20 <= data[n] <= 0x7E else 4
        if esc + k + 3 > ERR_ROOM:
            break
        esc, n = esc + k, n + 1
    return data[:n] + b"..."


class Stuck(BaseException):
    """The peer hangs: this side waits forever; nothing it does after counts."""


class Wire:
    """One direction of a connection: bytes, then None for the end (or STUCK)."""
    STUCK = object()

    def __init__(self):
        self.q = queue.Queue()


class Reader:
    def __init__(self, wire, owner):
        self.wire, self.owner, self.buf, self.ended = wire, owner, b"", False

    def readline(self):
        while b"\n" not in self.buf and not self.ended:
            chunk = self.wire.q.get(timeout=30)
            if chunk is Wire.STUCK:
                self.owner.frozen = True  # before any `finally` of the book's code runs
                raise Stuck()
            if chunk is None:
                self.ended = True
            else:
                self.buf += chunk
        i = self.buf.find(b"\n")
        line, self.buf = (self.buf[:i + 1], self.buf[i + 1:]) if i >= 0 else (self.buf, b"")
        return line


class Conn:
    """A socket as the book uses it: makefile('rb'), send(), close() via `with`."""

    def __init__(self, inbox, outbox, records):
        self.inbox, self.outbox, self.records, self.frozen = inbox, outbox, records, False

    def makefile(self, mode):
        return Reader(self.inbox, self)

    def send(self, data):
        assert data.endswith(b"\n")
        if not self.frozen:
            self.records.append("S:" + escape(data[:-1]))
            if self.outbox:
                self.outbox.q.put(data)
        return len(data)

    def record(self, kind, text=""):
        if not self.frozen:
            data = text.encode("utf-8", "surrogateescape")
            self.records.append(f"{kind}:{escape(cut_error(data) if kind == 'E' else data)}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.outbox:
            self.outbox.q.put(None)
        return False


def run_server(conn, seed, profile):
    """handle_connection, saying how it ended (the asyncio one's handler never closes)."""
    session = book_ref.Session(conn, random.Random(seed), log=lambda line: conn.record("L", line))
    try:
        try:
            session.loop()
            how = "on an empty line"
        except EOFError:
            how = "at the client's EOF"
    except book_ref.Hang as why:
        conn.record("H", str(why))
        if conn.outbox:
            conn.outbox.q.put(Wire.STUCK)
        return
    except Stuck:
        return
    except Exception as error:  # the thread dies; `with connection` closed the socket
        conn.record("E", book_ref.exception_text(error))
        if conn.outbox:
            conn.outbox.q.put(None)
        return
    if profile == "book-asyncio":
        conn.record("H", f"the book's asyncio handler returned {how} {ASYNCIO_NOTE}")
        if conn.outbox:
            conn.outbox.q.put(Wire.STUCK)
    else:
        conn.record("C")
        if conn.outbox:
            conn.outbox.q.put(None)


def run_client(conn, games):
    """run_client and main's summary; an exception fails the client after the `finally`."""
    try:
        book_ref.run_client(conn, games, log=lambda line: conn.record("L", line))
    except Stuck:
        conn.frozen = True
        return
    except Exception as error:
        conn.record("E", book_ref.exception_text(error))
        return
    conn.record("C")


def server_case(seed, profile, data):
    inbox = Wire()
    inbox.q.put(data)
    inbox.q.put(None)
    records = []
    run_server(Conn(inbox, None, records), seed, profile)
    return records


def client_case(games, data):
    inbox = Wire()
    inbox.q.put(data)
    inbox.q.put(None)
    records = []
    run_client(Conn(inbox, None, records), games)
    return records


def pair_case(seed, games):
    to_server, to_client = Wire(), Wire()
    crec, srec = [], []
    sconn = Conn(to_server, to_client, srec)
    thread = threading.Thread(target=run_server, args=(sconn, seed, "book"))
    thread.start()
    cconn = Conn(to_client, to_server, crec)
    run_client(cconn, games)
    thread.join(60)
    assert not thread.is_alive()
    return ["C " + r for r in crec] + ["S " + r for r in srec]


# ---- random inputs -----------------------------------------------------------

BIG = [2**64, 2**64 + 1, -(2**64) - 7, 10**30, 2**100 + 12345, -(2**127)]


def rand_int_text(rng):
    """An integer as a client might write it, Python's int() taking it or not."""
    v = rng.choice([rng.randint(-3, 8), rng.randint(-10**6, 10**6), rng.choice(BIG)])
    text = str(v)
    r = rng.random()
    if r < 0.08:
        text = ("+" + text) if v >= 0 else text
    elif r < 0.14:
        text = rng.choice([" ", "\t", "\r", "\x0b"]) + text + rng.choice(["", " ", "\r", "\x0c"])
    elif r < 0.2 and len(text.lstrip("-")) > 1:
        i = rng.randint(1 + text.startswith("-"), len(text) - 1)
        text = text[:i] + "_" + text[i:]
    elif r < 0.24:
        text = text.translate({ord(str(d)): chr(0x0660 + d) for d in range(10)})  # Arabic-Indic
    elif r < 0.3:
        text = rng.choice(["x", "", "1__0", "1_", "_1", "+-1", "0x10", "1e3", "١٢", "5 ", "  "])
    elif r < 0.32:
        text = "1" * rng.choice([4300, 4301])
    return text


def rand_command(rng):
    r = rng.random()
    if r < 0.3:
        return f"PARAMS {rand_int_text(rng)} {rand_int_text(rng)}"
    if r < 0.36:
        return rng.choice(["PARAMS", "PARAMS 1", "PARAMS 1 2 3", "PARAMS  1 2", "PARAMS 1 2 "])
    if r < 0.62:
        return rng.choice(["NUMBER"] * 6 + ["NUMBER x", "NUMBER ", "NUMBER\r", "NUMBERS"])
    if r < 0.85:
        word = rng.choice(["Warmer", "Colder", "Unsure", "Correct", "Correct", "Hot", "",
                           "é", "Correct\r", "correct"])
        return rng.choice([f"REPORT {word}"] * 8 + ["REPORT", "REPORT a b"])
    if r < 0.95:
        return rng.choice(["", "HELLO", "\r", "number", " NUMBER", "P\x00RAMS", "\x7f"])
    return rng.choice(["HELLO", "\x01", "é", " "]) * rng.randint(100, 700)  # cut to fit a record


def rand_server_input(rng):
    lines = []
    small = rng.random() < 0.6
    if small:  # a small range, so that games end, hang, and are cleared
        lo = rng.randint(-3, 5)
        lines.append(f"PARAMS {lo} {lo + rng.randint(-1, 4)}")
    for _ in range(rng.randint(0, 14)):
        if rng.random() < 0.3:
            lines.append(rand_command(rng))
        elif lines and lines[-1].startswith("NUMBER"):  # a fair client's next line
            lines.append(rng.choice(["REPORT Unsure", "REPORT Warmer", "REPORT Correct"]))
        else:
            lines.append("NUMBER")
    data = b"".join(line.encode() + b"\n" for line in lines)
    r = rng.random()
    if r < 0.1:
        data += rng.choice([b"\xff\n", b"NUMBER \xc3\n", b"REPORT \xe2\x82\n", b"\xed\xa0\x80\n"])
    elif r < 0.3:  # an unfinished line at the end
        data += rng.choice([b"NUMBER", b"NUMBERx", b"x", b"REPORT Hot!", b"PARAMS 1 55", b"\xc3\xa9",
                            b"NUMBER\xc3\xa9", b"\r"])
    return data


def rand_game(rng):
    r = rng.random()
    if r < 0.6:
        lo = rng.randint(-5, 20)
        hi = lo + rng.randint(-1, 8)
    elif r < 0.8:
        lo = rng.choice(BIG) + rng.randint(-3, 3)
        hi = lo + rng.randint(0, 6)
    else:
        lo = rng.choice([0, -(2**70), 2**63 - 2])
        hi = lo + rng.choice([2**64, 2**90, 2**200])
    secret = rng.choice([rng.randint(min(lo, hi), max(lo, hi)), lo - 1, hi + 1, lo, hi])
    return lo, hi, secret, rng.randint(0, max(0, hi - lo) + 3) if hi - lo < 100 else rng.randint(0, 9)


def rand_client_input(rng, games):
    out = []
    for lo, hi, secret, count in games:
        for _ in range(count):
            r = rng.random()
            if r < 0.6:
                v = rng.randint(min(lo, hi), max(lo, hi))
                out.append(str(v).encode())
            elif r < 0.7:
                out.append(str(secret).encode())
            elif r < 0.8:
                out.append(rand_int_text(rng).encode())
            elif r < 0.85:
                out.append(str(secret + rng.choice([2**53 + 1, 2**53, -(2**53) - 1, 2**1024,
                                                    -(2**1030), 2**1024 - 2**970])).encode())
            else:
                out.append(rng.choice([b"", b"\xff", b"4\r", b" 4 ", b"x", b"\xd9\xa5"]))
    data = b"".join(v + b"\n" for v in out[:rng.randint(0, len(out) + 1)])
    if rng.random() < 0.25:
        data += rng.choice([b"4", b"12x", b"x", b"\xc3\xa9"])
    return data


def game_text(game):
    return ":".join(map(str, game))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--check", metavar="FILE")
    opts = parser.parse_args()
    if opts.check:
        with open(opts.check, encoding="ascii") as f:
            have = f.read().splitlines()
        made = have[0].split()  # "# generated by ... --cases N --seed S"
        opts.cases, opts.seed = int(made[made.index("--cases") + 1]), int(made[made.index("--seed") + 1])
    rng = random.Random(opts.seed)
    out = [f"# generated by tests/gen_book_vectors.py --cases {opts.cases} --seed {opts.seed}"]
    for n in range(opts.cases):
        kind = ("server", "client", "pair")[n % 3]
        out.append(f"case {kind}-{n}")
        if kind == "server":
            seed, profile = rng.randint(0, 2**32), rng.choice(["book", "book", "book-asyncio"])
            data = rand_server_input(rng)
            out += [f"profile {profile}", f"seed {seed}", f"in {escape(data)}", "expect"]
            out += server_case(seed, profile, data)
        else:
            games = [rand_game(rng) for _ in range(rng.randint(0, 3))]
            out += [f"game {game_text(g)}" for g in games]
            if kind == "client":
                data = rand_client_input(rng, games)
                out += [f"in {escape(data)}", "expect"]
                out += client_case(games, data)
            else:
                seed = rng.randint(0, 2**32)
                out += [f"seed {seed}", "expect"]
                out += pair_case(seed, games)
        out.append("end")
    if opts.check:
        for n, (want, got) in enumerate(zip(out + [None], have + [None]), 1):
            if want != got:
                print(f"{opts.check}:{n}: the book's code now gives {repr(want)[:200]}, the file "
                      f"has {repr(got)[:200]}"
                      f" (python3 tests/gen_book_vectors.py --cases {opts.cases} --seed {opts.seed}"
                      f" > {opts.check})", file=sys.stderr)
                return 1
        print(f"{opts.check}: the book's code gives every record ({opts.cases} cases)")
        return 0
    sys.stdout.write("".join(line + "\n" for line in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
