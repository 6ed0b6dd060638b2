#!/bin/sh
# Simulator throughput: the memory pipe against the socketpair baseline, same run.
W=${1:-build/warmer}
python3 - "$W" <<'PY'
import subprocess, sys, time
w = sys.argv[1]
args = ["run", "--seed", "3", "--game", "1:100000:0:100000", "--connections", "4"]
def t(transport):
    start = time.monotonic()
    subprocess.run([w, *args, "--transport", transport], stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - start
sp, mem = t("socketpair"), t("memory")
print(f"sim 4 x 100000 guesses: socketpair {sp:.3f} s, memory {mem:.3f} s, socketpair/memory {sp / mem:.1f}x")
PY
