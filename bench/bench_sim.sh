#!/bin/sh
# The simulator's speed as ratios against baselines measured in the same run
# (docs/DESIGN.md, "Speed"): figures only, never a pass or fail.
#   sh bench/bench_sim.sh [WARMER] [BENCH_DIR]
W=${1:-build/warmer}
B=${2:-build/bench}
python3 - "$W" "$B" <<'PY'
import os, re, subprocess, sys, tempfile, time
w, bdir = sys.argv[1], sys.argv[2]
LONG = ["--seed", "3", "--game", "1:1000000000000:0:2000000"]

def timed(cmd, **kw):
    start = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, **kw)
    return time.monotonic() - start

def best(cmd, n=2):
    return min(timed(cmd) for _ in range(n))

out = subprocess.run([os.path.join(bdir, "pingpong")], capture_output=True, text=True,
                     check=True).stdout
pingpong = float(re.search(r"(\d+) lines/s", out).group(1))
print(f"baseline: raw one-thread socketpair ping-pong, {pingpong:,.0f} round trips/s")
for transport in ("memory", "socketpair"):
    t = best([w, "run", *LONG, "--transport", transport])
    rate = 2e6 / t
    print(f"  sim over {transport:10}  one game of 2,000,000 guesses: {t:6.2f} s, "
          f"{rate:10,.0f} guesses/s, {rate / pingpong:5.2f}x the ping-pong")
SHORT = ["--seed", "3", "--game", "1:1000000000000:0:200000"]
for driver in ("threads", "events"):
    t = best([w, "run", *SHORT, "--driver", driver], 1)
    rate = 2e5 / t
    print(f"  --driver {driver:8}     one game of 200,000 guesses:   {t:6.2f} s, "
          f"{rate:10,.0f} guesses/s, {rate / pingpong:5.2f}x the ping-pong")
with tempfile.TemporaryDirectory() as tmp:
    golden = os.path.join(tmp, "large.txt")
    with open(golden, "w") as f:
        subprocess.run([w, "run", *SHORT], stdout=f, check=True)
    t = best([w, "check", golden])
    print(f"  check of a {os.path.getsize(golden) / 1e6:.1f} MB golden (200,000 guesses): {t:6.2f} s, "
          f"{2e5 / t:10,.0f} guesses/s, {2e5 / t / pingpong:5.2f}x the ping-pong")
# The Python model of the reference, the same short games in one process each.
CONNS = ["--seed", "3", "--connections", "3000"]
py = timed([sys.executable, "ci/refmodel.py", "transcript", *CONNS])
sim = best([w, "run", *CONNS, "--transport", "memory"])
same = subprocess.run([sys.executable, "ci/refmodel.py", "transcript", *CONNS], capture_output=True,
                      check=True).stdout == subprocess.run([w, "run", *CONNS, "--transport", "memory"],
                                                           capture_output=True).stdout
print(f"baseline: ci/refmodel.py transcript, 3000 connections of the book's games: {py:.2f} s")
print(f"  warmer run --transport memory, the same: {sim:.3f} s, {py / sim:.0f}x the model "
      f"(transcripts {'identical' if same else 'DIFFER'})")
PY
