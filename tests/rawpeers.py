"""Peers that send random bytes, for tests/record.sh's rawbytes_job.

    rawpeers.py server HOST:PORT SEED N   accepts N connections (port 0: a
                                          free one, "listening on HOST:PORT"
                                          on stderr), one thread each
    rawpeers.py client HOST:PORT SEED N   makes N connections, one after another

Each side of a connection, seeded from SEED and its number, sends chunks of
1..12 random bytes (half of them ending in a newline, so lines, partial
lines and bytes of any value) at random moments while it reads, half-closes
at a random point (within 0.3 s), and reads until its peer's end. Every
bound is small: a test, not a load generator.
"""
import random
import select
import socket
import sys
import threading
import time


def chunk(r):
    b = bytes(r.randrange(256) for _ in range(r.randint(1, 12)))
    return b + b"\n" if r.random() < 0.5 else b


def play(sock, r):
    sock.setblocking(False)
    end = time.time() + 0.3
    shut = False
    while True:
        ready, _, _ = select.select([sock], [], [], r.random() * 0.02)
        if ready:
            try:
                if not sock.recv(4096):
                    break
            except ConnectionResetError:
                break
        if not shut:
            k = r.random()
            try:
                if k < 0.5:
                    sock.sendall(chunk(r))
                elif k < 0.55 or time.time() > end:
                    sock.shutdown(socket.SHUT_WR)
                    shut = True
            except OSError:
                break
    sock.close()


def main():
    mode, addr, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    host, port = addr.rsplit(":", 1)
    if mode == "server":
        ls = socket.socket()
        ls.bind((host, int(port)))
        ls.listen(64)
        print("listening on %s:%d" % ls.getsockname(), file=sys.stderr, flush=True)
        threads = []
        for i in range(n):
            c, _ = ls.accept()
            t = threading.Thread(target=play, args=(c, random.Random(seed * 1000 + i)))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
    else:
        for i in range(n):
            play(socket.create_connection((host, int(port))), random.Random(seed * 7919 + i))


if __name__ == "__main__":
    main()
