#!/usr/bin/env python3
"""Cross-check the C warmer against ci/refmodel.py on generated scenarios.

For each scenario (seed, games, connections), from a fixed generator seed:
  - `warmer run ARGS` must print the model's transcript byte for byte, and exit
    1 when a session reported an error, else 0;
  - `warmer run ARGS --format book` must print the model's book output;
  - `warmer replay --server FILE` and `--client FILE` on the model's transcript
    must exit 0.
A mismatch prints the scenario, a unified diff and a command that reproduces it.
The last line is `N passed, N failed`; the exit status is 1 if any failed.
"""
import argparse
import concurrent.futures
import difflib
import os
import random
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
import refmodel  # noqa: E402

I64_MIN, I64_MAX = refmodel.INT64_MIN, refmodel.INT64_MAX
MODEL = os.path.relpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "refmodel.py"))
TIMEOUT = 30
MAX_DIFF = 80  # diff lines shown per mismatch


def outside(rng, lo, hi):
    """A secret outside [lo, hi] (the range is never the whole of int64 here)."""
    below = [v for v in (lo - 1, lo - rng.randint(2, 2**40)) if v >= I64_MIN]
    above = [v for v in (hi + 1, hi + rng.randint(2, 2**40)) if v <= I64_MAX]
    return rng.choice(below + above)


def small(rng):
    lo = rng.randint(-100, 100)
    width = rng.randint(0, 300)
    return lo, lo + width, rng.randint(lo, lo + width), rng.randint(0, width + 3)


def single(rng):
    value = rng.choice([I64_MIN, I64_MAX, 0, rng.randint(-1000, 1000)])
    secret = value if rng.random() < 0.5 else outside(rng, value, value)
    return value, value, secret, rng.randint(0, 3)


def unreachable(rng):  # secret in range, count too small to be sure to find it
    lo = rng.randint(-10**6, 10**6)
    width = rng.randint(10, 500)
    return lo, lo + width, rng.randint(lo, lo + width), rng.randint(1, width // 4)


def secret_outside(rng):  # count up to the range size + 1: the last NUMBER exhausts it
    lo = rng.randint(-10**9, 10**9)
    hi = lo + rng.randint(0, 100)
    return lo, hi, outside(rng, lo, hi), rng.randint(0, hi - lo + 2)


def negative(rng):
    lo = rng.randint(-10**12, -200)
    hi = min(-1, lo + rng.randint(0, 150))
    return lo, hi, rng.randint(lo - 10, hi), rng.randint(0, 160)


def full_range(rng):
    secret = rng.choice([I64_MIN, I64_MAX, 0, -1, rng.randint(I64_MIN, I64_MAX)])
    return I64_MIN, I64_MAX, secret, rng.randint(1, 60)


def above_32_bits(rng):
    lo = rng.choice([1, -1]) * rng.randint(2**32, 2**50)
    hi = lo + rng.randint(0, 2**36)
    secret = rng.choice([rng.randint(lo, hi), lo, hi, outside(rng, lo, hi)])
    return lo, hi, secret, rng.randint(1, 100)


def above_2_53(rng):
    """Distances near 2^53..2^63, where neighbouring distances round to one double."""
    distance = 2 ** rng.randint(53, 63)
    width, jitter = rng.randint(0, 200), rng.randint(0, 64)
    if rng.random() < 0.5:
        secret = rng.randint(I64_MIN, I64_MAX - distance - 300)
        lo = secret + distance - jitter
    else:
        secret = rng.randint(I64_MIN + distance + 300, I64_MAX)
        lo = secret - distance + jitter - width
    return lo, lo + width, secret, rng.randint(1, 60)


def empty(rng):  # lo > hi: the first NUMBER is an error; count 0 plays it quietly
    if rng.random() < 0.2:
        return I64_MAX, I64_MIN, 0, rng.randint(0, 2)
    hi = rng.randint(-10**6, 10**6)
    return hi + rng.randint(1, 10**6), hi, hi, rng.randint(0, 3)


def exhausted(rng):  # every value guessed, secret never found
    lo = rng.randint(-1000, 1000)
    hi = lo + rng.randint(0, 80)
    return lo, hi, outside(rng, lo, hi), hi - lo + 1 + rng.randint(1, 5)


def zero_count(rng):
    lo, hi, secret, _ = rng.choice([small, full_range, empty, above_2_53])(rng)
    return lo, hi, secret, 0


KINDS = [small, single, unreachable, secret_outside, negative, full_range,
         above_32_bits, above_2_53, empty, exhausted, zero_count]
BENIGN = [small, unreachable, full_range, above_32_bits, above_2_53, zero_count]  # never error
FIXED = [  # (seed, games, connections)
    (1234, refmodel.DEFAULT_GAMES, 1),
    (1234, refmodel.DEFAULT_GAMES, 8),
    (0, [(1, 1, 1, 1), (1, 1, 2, 2)], 1),
    (2**64 - 8, [(I64_MIN, I64_MAX, 0, 20), (5, 1, 3, 1)], 8),
    (4294967301, [(1, 2, 3, 0), (0, -1, 0, 0), (-3, 3, 0, 7)], 3),
]


def scenarios(seed, count):
    """FIXED, then generated scenarios; the same seed always gives the same list."""
    rng = random.Random(seed)
    result = FIXED[:count]
    for i in range(len(result), count):
        # one game of each kind in turn, among benign ones so that games after
        # an error stay rare; every tenth scenario plays many games
        extra = rng.randint(10, 40) if i % 10 == 9 else rng.randint(0, 2)
        games = [rng.choice(BENIGN)(rng) for _ in range(extra)]
        games.insert(rng.randint(0, len(games)), KINDS[i % len(KINDS)](rng))
        connections = rng.randint(2, 8) if i % 4 == 3 else 1
        base = rng.randint(2**32, 2**64 - connections) if i % 5 == 2 else rng.randint(0, 10**6)
        result.append((base, games, connections))
    return result


def run_args(seed, games, connections):
    args = ["--seed", str(seed)]
    for game in games:
        args += ["--game", refmodel.format_game(game)]
    return args + (["--connections", str(connections)] if connections != 1 else [])


def command_line(argv):
    return " ".join(shlex.quote(arg) for arg in argv)


def execute(argv):
    """Run argv; return (exit status, stdout bytes, stderr text)."""
    try:
        done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b"", f"timed out after {TIMEOUT} s"
    except OSError as error:
        return None, b"", str(error)
    return done.returncode, done.stdout, done.stderr.decode(errors="replace")


def compare(warmer, args, mode, expected, expected_status):
    """Check `warmer run` against the model; return a failure report or None."""
    extra = ["--format", "book"] if mode == "book" else []
    status, out, err = execute([warmer, "run", *args, *extra])
    if out == expected.encode() and status == expected_status:
        return None
    want, got = expected.splitlines(True), out.decode(errors="replace").splitlines(True)
    diff = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in difflib.unified_diff(want, got, f"refmodel {mode}", f"warmer run {mode}")]
    if len(diff) > MAX_DIFF:
        diff[MAX_DIFF:] = [f"... {len(diff) - MAX_DIFF} more diff lines\n"]
    first = next((i for i, pair in enumerate(zip(want + [""], got + [""])) if pair[0] != pair[1]), None)
    same = "matches" if first is None else (
        f"differs from line {first + 1}: {got[first].rstrip() if first < len(got) else '(end)'!r}"
        f" where the model has {want[first].rstrip() if first < len(want) else '(end)'!r}")
    return (f"  warmer run ({mode}): stdout {same}; exit {status} (expected {expected_status})\n"
            + (err and f"  stderr: {err.strip()}\n") + "".join(diff)
            + f"  reproduce: {command_line([warmer, 'run', *args, *extra])}"
            f" | diff - <(python3 {command_line([MODEL, mode, *args])})\n")


def replay(warmer, args, side, transcript, tmpdir):
    """Replay the model's transcript against one side of warmer; a report or None."""
    fd, path = tempfile.mkstemp(suffix=".wt", dir=tmpdir)
    with os.fdopen(fd, "w") as f:
        f.write(transcript)
    status, out, err = execute([warmer, "replay", f"--{side}", path])
    os.unlink(path)
    if status == 0:
        return None
    output = (out.decode(errors="replace") + err).strip()
    return (f"  warmer replay --{side}: exit {status}, expected 0\n"
            + "".join(f"    {line}\n" for line in output.splitlines()[:20])
            + f"  reproduce: python3 {command_line([MODEL, 'transcript', *args])} > /tmp/crosscheck.wt"
            f" && {command_line([warmer, 'replay', f'--{side}', '/tmp/crosscheck.wt'])}\n")


def check(warmer, number, scenario, tmpdir):
    """Run every check of one scenario; return '' if all passed, else a report."""
    seed, games, connections = scenario
    args = run_args(*scenario)
    transcript, book = refmodel.run(seed, games, connections)
    session_failed = any(line[1:].lstrip("0123456789").startswith("! error")
                         for line in transcript.splitlines())
    reports = [compare(warmer, args, "transcript", transcript, int(session_failed)),
               compare(warmer, args, "book", book, int(session_failed)),
               replay(warmer, args, "server", transcript, tmpdir),
               replay(warmer, args, "client", transcript, tmpdir)]
    failures = "".join(report for report in reports if report)
    if not failures:
        return ""
    return (f"FAIL scenario {number}: seed {seed}, connections {connections}, "
            f"games {' '.join(map(refmodel.format_game, games))}\n{failures}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmer", default="build/warmer", help="the binary under test")
    parser.add_argument("--count", type=int, default=200, help="number of scenarios")
    parser.add_argument("--seed", type=int, default=1, help="seed of the scenario generator")
    opts = parser.parse_args()
    if not os.access(opts.warmer, os.X_OK):
        print(f"crosscheck: {opts.warmer}: not an executable (build it with make)", file=sys.stderr)
        return 2
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmpdir, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check, opts.warmer, n, s, tmpdir)
                for n, s in enumerate(scenarios(opts.seed, opts.count))]
        for job in jobs:
            report = job.result()
            if report:
                failed += 1
                print(report, flush=True)
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
