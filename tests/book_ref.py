#!/usr/bin/env python3
"""The book's code (Effective Python, 2nd ed., item 62), threaded and asyncio,
as close to the book's text as runs here: the yardstick of proto/book_server.c
and proto/book_client.c (docs/PROTOCOL.md, "Profiles").

What differs from the book's text, each marked "port:" below:
  - seeding is the port's: connection k's session draws from
    random.Random(seed + k), not from the module's one stream;
  - the client plays a list of games (LO, HI, SECRET, COUNT), not the book's two;
  - the server's endless draw (NUMBER once every value of the range was
    guessed) raises Hang instead of spinning, so a run can say so and go on.

Imported by tests/book_measure.py (live, over TCP) and tests/gen_book_vectors.py
(in process, the vectors tests/test_book_sessions.c checks the C sessions with).
"""
import asyncio
import contextlib
import math
import random

WARMER, COLDER, UNSURE, CORRECT = "Warmer", "Colder", "Unsure", "Correct"


class UnknownCommandError(Exception):
    pass


class Hang(Exception):
    """port: where the book's server loops forever (every value of the range was guessed)."""


def short(value):
    """str(value) cut to 40 characters with "...", as the C sessions name a range."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def hang_text(count, lower, upper):
    return (f"NUMBER after all {count} values of [{short(lower)}, {short(upper)}] were guessed: "
            "the book's server draws forever")


class ConnectionBase:
    def __init__(self, connection):
        self.connection = connection
        self.file = connection.makefile("rb")

    def send(self, command):
        line = command + "\n"
        data = line.encode()
        self.connection.send(data)

    def receive(self):
        line = self.file.readline()
        if not line:
            raise EOFError("Connection closed")
        return line[:-1].decode()


class SessionLogic:
    """The book's Session less its I/O (shared by the threaded and asyncio versions)."""

    def _clear_state(self, lower, upper):
        self.lower = lower
        self.upper = upper
        self.secret = None
        self.guesses = []

    def set_params(self, parts):
        assert len(parts) == 3
        lower = int(parts[1])
        upper = int(parts[2])
        self._clear_state(lower, upper)

    def next_guess(self):
        if self.secret is not None:
            return self.secret
        if (self.lower is not None and self.upper is not None and self.lower <= self.upper
                and len(set(self.guesses)) == self.upper - self.lower + 1):  # port: Hang
            raise Hang(hang_text(len(set(self.guesses)), self.lower, self.upper))
        while True:
            guess = self.rng.randint(self.lower, self.upper)  # port: self.rng
            if guess not in self.guesses:
                return guess

    def receive_report(self, parts):
        assert len(parts) == 2
        decision = parts[1]
        last = self.guesses[-1]
        if decision == CORRECT:
            self.secret = last
        self.log(f"Server: {last} is {decision}")


class Session(ConnectionBase, SessionLogic):
    def __init__(self, connection, rng, log=print):
        super().__init__(connection)
        self.rng, self.log = rng, log  # port: a generator per connection
        self._clear_state(None, None)

    def loop(self):
        while command := self.receive():
            parts = command.split(" ")
            if parts[0] == "PARAMS":
                self.set_params(parts)
            elif parts[0] == "NUMBER":
                self.send_number()
            elif parts[0] == "REPORT":
                self.receive_report(parts)
            else:
                raise UnknownCommandError(command)

    def send_number(self):
        guess = self.next_guess()
        self.guesses.append(guess)
        self.send(format(guess))


def handle_connection(connection, rng, log=print):
    with connection:
        session = Session(connection, rng, log)
        try:
            session.loop()
        except EOFError:
            pass


class Client(ConnectionBase):
    def __init__(self, *args, log=print):
        super().__init__(*args)
        self.log = log
        self._clear_state()

    def _clear_state(self):
        self.secret = None
        self.last_distance = None

    @contextlib.contextmanager
    def session(self, lower, upper, secret):
        self.log(f"Guess a number between {lower} and {upper}!"
                 f" Shhhhh, it's {secret}.")
        self.secret = secret
        self.send(f"PARAMS {lower} {upper}")
        try:
            yield
        finally:
            self._clear_state()
            self.send("PARAMS 0 -1")

    def request_numbers(self, count):
        for _ in range(count):
            self.send("NUMBER")
            data = self.receive()
            yield int(data)
            if self.last_distance == 0:
                return

    def report_outcome(self, number):
        new_distance = math.fabs(number - self.secret)
        decision = UNSURE
        if new_distance == 0:
            decision = CORRECT
        elif self.last_distance is None:
            pass
        elif new_distance < self.last_distance:
            decision = WARMER
        elif new_distance > self.last_distance:
            decision = COLDER
        self.last_distance = new_distance
        self.send(f"REPORT {decision}")
        return decision


def run_client(connection, games, log=print):
    """port: the book's run_client over a list of games, then main's summary."""
    with connection:
        client = Client(connection, log=log)
        results = []
        for lower, upper, secret, count in games:
            with client.session(lower, upper, secret):
                for number in client.request_numbers(count):
                    outcome = client.report_outcome(number)
                    results.append((number, outcome))
    for number, outcome in results:
        log(f"Client: {number} is {outcome}")
    return results


# ---- the asyncio version (the book's run_async_server) ----------------------

class AsyncSession(SessionLogic):
    def __init__(self, reader, writer, rng, log=print):
        self.reader, self.writer = reader, writer
        self.rng, self.log = rng, log
        self._clear_state(None, None)

    async def send(self, command):
        line = command + "\n"
        data = line.encode()
        self.writer.write(data)
        await self.writer.drain()

    async def receive(self):
        line = await self.reader.readline()
        if not line:
            raise EOFError("Connection closed")
        return line[:-1].decode()

    async def loop(self):
        while command := await self.receive():
            parts = command.split(" ")
            if parts[0] == "PARAMS":
                self.set_params(parts)
            elif parts[0] == "NUMBER":
                await self.send_number()
            elif parts[0] == "REPORT":
                self.receive_report(parts)
            else:
                raise UnknownCommandError(command)

    async def send_number(self):
        guess = self.next_guess()
        self.guesses.append(guess)
        await self.send(format(guess))


async def run_async_server(host, port, seed, log=print, on_listen=None, on_error=None):
    k = 0

    async def handle_async_connection(reader, writer):
        nonlocal k
        session = AsyncSession(reader, writer, random.Random(seed + k), log)  # port: seed + k
        k += 1
        try:
            await session.loop()
        except EOFError:
            pass
        except Exception as error:  # port: reported, then raised on as in the book
            if on_error:
                on_error(error)
            raise

    server = await asyncio.start_server(handle_async_connection, host, port)
    if on_listen:
        on_listen(server.sockets[0].getsockname())
    async with server:
        await server.serve_forever()


def exception_text(error):
    """A Python exception as the sessions' error text: "Name: message", or "Name"."""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
