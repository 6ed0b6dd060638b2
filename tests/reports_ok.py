"""Checks report files an interrupted run left (tests/*.sh): each parses and
holds N cases, the N the summary says ran.
  python3 tests/reports_ok.py N [--junit FILE] [--json FILE] [--tap FILE]
--tap FILE is stdout of a --tap run: its plan, N results, and a "Bail out!"
after them when N is short of the plan. Says what differs; exit 1 then."""
import json
import re
import sys
import xml.etree.ElementTree as ET


def junit(path, n):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = sum(len(s.findall("testcase")) for s in suites)
    told = sum(int(s.get("tests")) for s in suites)
    if cases != n or told != n:
        return f"{path}: {cases} testcases, tests=\"{told}\", want {n}"
    return None


def js(path, n):
    data = json.load(open(path))
    if not isinstance(data, list) or len(data) != n:
        return f"{path}: want an array of {n}, got {type(data).__name__} of {len(data)}"
    return None


def tap(path, n):
    lines = open(path).read().splitlines()
    if not lines or lines[0] != "TAP version 13":
        return f"{path}: no \"TAP version 13\" first"
    plan = [int(m.group(1)) for m in map(re.compile(r"^1\.\.(\d+)$").match, lines) if m]
    results = [i for i, l in enumerate(lines) if re.match(r"^(not )?ok \d+ ", l)]
    bail = [i for i, l in enumerate(lines) if l.startswith("Bail out!")]
    if len(plan) != 1:
        return f"{path}: {len(plan)} plan lines"
    if len(results) != n:
        return f"{path}: {len(results)} results, want {n}"
    if n < plan[0] and not (bail and (not results or bail[0] > results[-1])):
        return f"{path}: {n} of a plan of {plan[0]} and no \"Bail out!\" after them"
    if n == plan[0] and bail:
        return f"{path}: the whole plan ran, yet \"Bail out!\""
    return None


def main(argv):
    n = int(argv[1])
    checks = {"--junit": junit, "--json": js, "--tap": tap}
    bad = []
    for opt, path in zip(argv[2::2], argv[3::2]):
        try:
            why = checks[opt](path, n)
        except Exception as e:  # a parse error is the finding
            why = f"{path}: {type(e).__name__}: {e}"
        if why:
            bad.append(why)
    for why in bad:
        print(why)
    return 1 if bad else 0


sys.exit(main(sys.argv))
