#!/usr/bin/env python3
"""Mutation score of `warmer explore` over proto/*.c (issue 19, "Done when").

Every site of the classic operators in proto/*.c is listed (relational,
arithmetic, constant, logical, negated condition, deleted statement, swapped
return); a uniform sample of N of them, drawn with Python's random.Random(seed),
is built one mutant at a time (the mutated file compiled with the project's
flags, linked with the other objects of a base build) and explored alone:

    warmer explore --runs 3000 --seed 1 -j 1 --run-timeout 30     (--explore-args)

A mutant is killed at explore's first `  found:` line (or when explore
itself dies by SIGABRT, SIGSEGV, SIGBUS or SIGFPE: kind `explore-crash`,
the command failing loudly; a run's crash is a `crash` finding): explore is then
stopped, not left to shrink (--shrink lets it), which matters for a mutant
that hangs: each shrinking step would cost --run-timeout. A mutant that
does not compile is dropped; one whose object code (.text,
.rodata, .data) is byte-identical to the original's is equivalent (trivially:
the compiler made the same program) and dropped too. The score is

    killed / (sampled - equivalent - uncompilable)

printed as a figure, in all and per file. Results go to STATE/results.jsonl
as each mutant ends, so an interrupted measurement resumes where it stopped
(same seed and N and sources: the same sample); -j runs mutants at once.

    python3 ci/mutate.py [-n 90] [--seed 1] [-j 2] [--state build/mutation]
                         [--explore-args '--runs 3000 --seed 1'] [--list]
    make mutation-score [MUTATION_N=90 MUTATION_SEED=1 MUTATION_J=2]
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shlex
import selectors
import shutil
import signal
import subprocess
import sys
import time

TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<num>0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|/=|%=|&=|\|=|\^=|[-+*/%<>=!&|^~?:;,.(){}\[\]\#])
""", re.X | re.S)

TYPE_WORDS = {"int", "char", "unsigned", "signed", "long", "short", "double", "float",
              "void", "struct", "enum", "const", "static", "size_t", "ssize_t", "bool",
              "union", "register", "volatile", "typedef"}
FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
ARITH = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "++": "--", "--": "++",
         "+=": "-=", "-=": "+=", "<<": ">>", ">>": "<<"}
VALUE_END = {"num", "id"}


def tokens(src):
    """(kind, text, start, end) over src, preprocessor lines skipped."""
    out, pos, line_start = [], 0, True
    while pos < len(src):
        if line_start:
            m = re.match(r"[ \t]*#", src[pos:])
            if m:  # a directive, with its continuation lines
                end = pos
                while True:
                    nl = src.find("\n", end)
                    if nl < 0:
                        end = len(src)
                        break
                    if src[nl - 1] != "\\":
                        end = nl
                        break
                    end = nl + 1
                pos = end
                continue
        m = TOKEN.match(src, pos)
        if not m:
            raise SystemExit(f"mutate: cannot read the C at offset {pos}")
        kind = m.lastgroup
        if kind == "ws" or kind == "comment":
            text = m.group()
            if "\n" in text:
                line_start = True
            pos = m.end()
            continue
        line_start = False
        out.append((kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return out


def match_paren(toks, i):
    """The index of the ')' closing toks[i] == '('."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] == "(":
            depth += 1
        elif toks[j][1] == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def sites(path, src):
    """Every mutation site of src: (op, start, end, replacement)."""
    toks = tokens(src)
    found = []
    depth = 0
    for i, (kind, text, s, e) in enumerate(toks):
        prev = toks[i - 1] if i else ("", "", 0, 0)
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "", 0, 0)
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
        if depth == 0:
            continue  # only inside functions (and initializers): code that runs
        binary = prev[0] in VALUE_END or prev[1] in (")", "]")
        if kind == "op" and text in FLIP and binary:
            found.append(("relational", s, e, FLIP[text]))
        elif kind == "op" and text in ("&&", "||"):
            found.append(("logical", s, e, "||" if text == "&&" else "&&"))
        elif kind == "op" and text in ARITH:
            if text in ("++", "--", "+=", "-="):
                found.append(("arithmetic", s, e, ARITH[text]))
            elif text == "*" and not (prev[0] == "num" or prev[1] in (")", "]") or nxt[0] == "num"):
                pass  # a pointer, most likely
            elif binary:
                found.append(("arithmetic", s, e, ARITH[text]))
        elif kind == "num":
            digits = re.match(r"(0[xX][0-9a-fA-F]+|\d+)(.*)", text)
            value = int(digits.group(1), 0)
            suffix = digits.group(2)
            if prev[1] == "[" and nxt[1] == "]" and toks[i - 2][0] == "id" and \
                    any(t[1] in TYPE_WORDS for t in toks[max(0, i - 6):i]):
                continue  # an array's size in a declaration
            repl = "1" if value == 0 else "0" if value == 1 else str(value + 1)
            found.append(("constant", s, e, repl + suffix))
        elif kind == "id" and text in ("if", "while") and nxt[1] == "(":
            close = match_paren(toks, i + 1)
            if close is not None:
                found.append(("negated-condition", toks[i + 1][3], toks[close][2],
                              "!(" + src[toks[i + 1][3]:toks[close][2]] + ")"))
        elif kind == "id" and text == "return" and nxt[1] != ";":
            end = i + 1
            while end < len(toks) and toks[end][1] != ";":
                end += 1
            expr = src[nxt[2]:toks[end][2]]
            swap = {"0": "1", "1": "0", "-1": "0"}.get(expr.strip(), "!(" + expr + ")")
            found.append(("swapped-return", nxt[2], toks[end][2], swap))
    # deleted statements: an expression statement that begins a line and ends on it
    for m in re.finditer(r"(?m)^([ \t]+)([^\n]*;)[ \t]*$", src):
        stmt = m.group(2)
        first = re.match(r"[A-Za-z_]\w*|\*|\(|\+\+|--", stmt)
        if not first or first.group() in TYPE_WORDS or \
                first.group() in ("return", "break", "continue", "goto", "case", "default",
                                  "if", "while", "for", "do", "else", "switch"):
            continue
        if re.match(r"[A-Za-z_]\w*\s+\**[A-Za-z_]", stmt):
            continue  # `type name ...`: a declaration
        if stmt.count("(") != stmt.count(")") or stmt.rstrip(";").rstrip().endswith(","):
            continue
        start = m.start(2)
        if in_function(toks, start):
            found.append(("deleted-statement", start, m.end(2), ";"))
    return found


def in_function(toks, offset):
    depth = 0
    for kind, text, s, e in toks:
        if s >= offset:
            break
        depth += text == "{"
        depth -= text == "}"
    return depth > 0


def line_of(src, offset):
    return src.count("\n", 0, offset) + 1


def all_sites(root):
    out = []
    for name in sorted(os.listdir(os.path.join(root, "proto"))):
        if not name.endswith(".c"):
            continue
        path = os.path.join("proto", name)
        with open(os.path.join(root, path)) as f:
            src = f.read()
        for op, s, e, repl in sites(path, src):
            out.append({"file": path, "line": line_of(src, s), "op": op, "start": s, "end": e,
                        "from": src[s:e], "to": repl,
                        "id": f"{path}:{s}:{e}:{op}:{hashlib.sha1(repl.encode()).hexdigest()[:8]}"})
    return out


def run(cmd, timeout, cwd=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as t:
        return None, (t.stdout or b"").decode("utf-8", "replace")


def explore_until_found(cmd, timeout, cwd):
    """run(), but a mutant is killed once explore prints its first `  found:`:
    explore is then stopped (its process group), not left to shrink, which
    costs --run-timeout a step for a mutant that hangs."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf, deadline, rc = b"", time.time() + timeout, None
    while True:
        left = deadline - time.time()
        if left <= 0:
            break
        if not sel.select(min(left, 1.0)):
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            rc = p.wait()
            break
        buf += chunk
        if re.search(rb"^  found: .*\n", buf, re.M):
            rc = 1
            break
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    sel.close()
    p.stdout.close()
    return rc, buf.decode("utf-8", "replace")


def code_of(obj):
    """The bytes of obj's code and data sections, for equivalence."""
    rc, out = run(["objdump", "-s", obj], 120)
    keep, take = [], False
    for line in out.splitlines():
        m = re.match(r"Contents of section (\S+):", line)
        if m:
            name = m.group(1)
            take = name.startswith((".text", ".rodata", ".data"))
            keep.append(line if take else "")
        elif take:
            keep.append(line)
    return "\n".join(keep)


class Lab:
    def __init__(self, a, root):
        self.a, self.root = a, root
        self.base = os.path.join(a.state, "base")

    def build_base(self):
        """A build of the tree to link mutants against (make B=STATE/base)."""
        rc, out = run(["make", "-s", f"-j{self.a.jobs}", f"B={self.base}", f"{self.base}/warmer"],
                      1800, cwd=self.root)
        if rc != 0:
            raise SystemExit("mutate: the base build failed:\n" + out[-2000:])
        self.objs = [os.path.join(self.base, "sim/cli/main.o")]
        for d in ["proto"] + self.a.sim_dirs:
            for n in sorted(os.listdir(os.path.join(self.root, d))):
                if n.endswith(".c") and not (d == "sim/cli" and n == "main.c"):
                    self.objs.append(os.path.join(self.base, d, n[:-2] + ".o"))

    def mutant(self, m):
        work = os.path.join(self.a.state, "work", re.sub(r"[^\w.-]", "_", m["id"]))
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        with open(os.path.join(self.root, m["file"])) as f:
            src = f.read()
        mutated = src[:m["start"]] + m["to"] + src[m["end"]:]
        c = os.path.join(work, os.path.basename(m["file"]))
        with open(c, "w") as f:
            f.write(mutated)
        obj = c[:-2] + ".o"
        t0 = time.time()
        cc = shlex.split(self.a.cc) + shlex.split(self.a.cflags) + ["-c", c, "-o", obj]
        rc, out = run(cc, 600, cwd=self.root)
        res = dict(m)
        if rc != 0:
            res.update(status="uncompilable", detail=out.strip().splitlines()[-1:] if out else [])
            return res
        base_obj = os.path.join(self.base, m["file"][:-2] + ".o")
        if code_of(obj) == code_of(base_obj):
            res.update(status="equivalent")
            shutil.rmtree(work, ignore_errors=True)
            return res
        exe = os.path.join(work, "warmer")
        objs = [obj if o == base_obj else o for o in self.objs]
        rc, out = run(shlex.split(self.a.cc) + shlex.split(self.a.ldflags) + ["-o", exe] + objs +
                      ["-pthread"], 600)
        if rc != 0:
            res.update(status="uncompilable", detail=out.strip().splitlines()[-1:])
            return res
        args = shlex.split(self.a.explore_args) + ["--out", os.path.join(work, "out")]
        rc, out = (run if self.a.shrink else explore_until_found)([exe, "explore"] + args,
                                                                  self.a.timeout, cwd=work)
        found = re.search(r"^  found: ([a-z-]+)", out, re.M)
        if rc == 1:
            res.update(status="killed", kind=found.group(1) if found else
                       ("out of memory" if "out of memory" in out else "?"))
        elif rc == 0:
            res.update(status="survived")
        elif rc < 0 and -rc in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE):
            # explore itself died (it draws its runs with proto/'s code):
            # the command fails loudly, as a CI job would see it
            res.update(status="killed", kind="explore-crash",
                       detail=[f"explore died by signal {-rc}: " + out[-300:]])
        else:
            res.update(status="survived", detail=[f"explore exited {rc}: " + out[-300:]])
        res["seconds"] = round(time.time() - t0, 1)
        shutil.rmtree(work, ignore_errors=True)
        return res


def score(results, sample_n, sites_n, a):
    counted = [r for r in results if r["status"] in ("killed", "survived")]
    killed = sum(r["status"] == "killed" for r in counted)
    unc = sum(r["status"] == "uncompilable" for r in results)
    eq = sum(r["status"] == "equivalent" for r in results)
    pct = 100.0 * killed / len(counted) if counted else 0.0
    print(f"mutation score: {killed}/{len(counted)} = {pct:.1f}% killed by "
          f"`explore {a.explore_args}` alone")
    print(f"  sample: {len(results)} of {sample_n} mutants done (seed {a.seed}, from {sites_n} "
          f"sites in proto/*.c); {unc} uncompilable, {eq} equivalent, dropped")
    files = sorted({r["file"] for r in results})
    for f in files:
        rs = [r for r in counted if r["file"] == f]
        k = sum(r["status"] == "killed" for r in rs)
        print(f"  {f:22} {k}/{len(rs)}" + (f"  ({100.0 * k / len(rs):.0f}%)" if rs else ""))
    ops = sorted({r["op"] for r in counted})
    print("  by operator: " + ", ".join(
        f"{o} {sum(r['status'] == 'killed' for r in counted if r['op'] == o)}/"
        f"{sum(r['op'] == o for r in counted)}" for o in ops))
    for r in counted:
        if r["status"] == "survived":
            print(f"  survived: {r['file']}:{r['line']} {r['op']}: {r['from']!r} -> {r['to']!r}"
                  + (f" ({r['detail'][0][:120]})" if r.get("detail") else ""))
    return pct


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=90, help="mutants in the sample (default 90)")
    p.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="mutants at once (default 2)")
    p.add_argument("--state", default="build/mutation", help="results, base build, work dirs")
    # A mutant that loops forever is a hang after 30 s (runs take well under
    # a second), not after explore's default 120 s a shrinking step.
    p.add_argument("--explore-args", default="--runs 3000 --seed 1 -j 1 --run-timeout 30")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per mutant's explore")
    p.add_argument("--shrink", action="store_true",
                   help="let explore shrink a finding (default: stopped at its first `found:`)")
    p.add_argument("--cc", default=os.environ.get("CC", "cc"))
    p.add_argument("--cflags", default=None,
                   help="the compile flags (make mutation-score passes the Makefile's; "
                   "default: the Makefile's warnings, -I each source folder, -O2 -g)")
    p.add_argument("--ldflags", default="-O2 -g")
    p.add_argument("--exclude", action="append", default=[],
                   help="leave out proto/NAME.c (repeatable), e.g. code no profile explores runs")
    p.add_argument("--only", action="append", default=[],
                   help="sample only proto/NAME.c (repeatable), e.g. the framer's and parser's")
    p.add_argument("--list", action="store_true", help="print the sample and stop")
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Every folder under sim/ that holds sources, the layers' subfolders too.
    a.sim_dirs = sorted(os.path.relpath(d, root) for d, _, fs in os.walk(os.path.join(root, "sim"))
                        if any(f.endswith(".c") for f in fs))
    if a.cflags is None:
        a.cflags = ("-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes "
                    "-D_POSIX_C_SOURCE=200809L -Iproto "
                    + " ".join("-I" + d for d in a.sim_dirs) + " -O2 -g")
    a.state = os.path.abspath(a.state)
    every = [m for m in all_sites(root) if os.path.basename(m["file"]) not in a.exclude
             and (not a.only or os.path.basename(m["file"]) in a.only)]
    rng = random.Random(a.seed)
    sample = rng.sample(every, min(a.n, len(every)))
    if a.list:
        for m in sample:
            print(f"{m['file']}:{m['line']} {m['op']}: {m['from']!r} -> {m['to']!r}")
        return 0
    # Resumable: the results of this very sample (the same seed, N and
    # explore options, and the same sources: proto/ mutated, sim/ exploring).
    h = hashlib.sha1(json.dumps([a.seed, a.n, a.explore_args, [m["id"] for m in sample]]).encode())
    for d in ["proto"] + a.sim_dirs:
        for n in sorted(os.listdir(os.path.join(root, d))):
            if n.endswith((".c", ".h")):
                with open(os.path.join(root, d, n), "rb") as f:
                    h.update(n.encode() + f.read())
    h = h.hexdigest()
    os.makedirs(a.state, exist_ok=True)
    rpath = os.path.join(a.state, f"results-{h[:12]}.jsonl")
    done = {}
    if os.path.exists(rpath):
        with open(rpath) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    done[r["id"]] = r
    todo = [m for m in sample if m["id"] not in done]
    print(f"mutate: {len(sample)} mutants sampled of {len(every)} sites; {len(done)} done "
          f"before ({rpath}), {len(todo)} to go, -j {a.jobs}", flush=True)
    lab = Lab(a, root)
    if todo:
        lab.build_base()
    with open(rpath, "a") as out, concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for r in pool.map(lab.mutant, todo):
            done[r["id"]] = r
            out.write(json.dumps(r) + "\n")
            out.flush()
            print(f"  {r['status']:12} {r['file']}:{r['line']} {r['op']}: {r['from']!r} -> "
                  f"{r['to']!r}" + (f" [{r['kind']}]" if r.get("kind") else "") +
                  (f" {r['seconds']} s" if r.get("seconds") else ""), flush=True)
    score([done[m["id"]] for m in sample if m["id"] in done], len(sample), len(every), a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
