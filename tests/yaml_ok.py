"""Every YAML text the repo shows parses (make check): each ```yaml block of
README.md and docs/*.md, and each ci/*.yml and ci/*.yaml. A Kubernetes Job's
podFailurePolicy is held to the API's rules a schema validator checks.
  python3 tests/yaml_ok.py [ROOT]
Says which text fails and why; exit 1 then."""
import glob
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("tests/yaml_ok.py: no PyYAML: sh ci/deps.sh installs it (python3-yaml)")
    sys.exit(1)

FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def texts(root):
    """(file, line, text) of every YAML text, line its first line in file."""
    for md in [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        body = open(md, encoding="utf-8").read()
        for m in FENCE.finditer(body):
            line = body.count("\n", 0, m.start()) + 2  # the block's first line
            yield os.path.relpath(md, root), line, m.group(1)
    for f in sorted(glob.glob(os.path.join(root, "ci", "*.yml")) + glob.glob(os.path.join(root, "ci", "*.yaml"))):
        yield os.path.relpath(f, root), 1, open(f, encoding="utf-8").read()


# batch/v1 PodFailurePolicyRule: an action, and exactly one of onExitCodes
# (operator In or NotIn, values non-zero) or onPodConditions (each a type and
# a status, one of the condition status strings).
ACTIONS = {"FailJob", "FailIndex", "Ignore", "Count"}
STATUSES = {"True", "False", "Unknown"}


def pod_failure_policy(doc):
    bad = []
    policy = (doc.get("spec") or {}).get("podFailurePolicy")
    if policy is None:
        return bad
    for i, rule in enumerate(policy.get("rules") or []):
        where = f"podFailurePolicy.rules[{i}]"
        if rule.get("action") not in ACTIONS:
            bad.append(f"{where}: action {rule.get('action')!r} not one of {sorted(ACTIONS)}")
        if ("onExitCodes" in rule) == ("onPodConditions" in rule):
            bad.append(f"{where}: wants exactly one of onExitCodes and onPodConditions")
        codes = rule.get("onExitCodes")
        if codes is not None:
            if codes.get("operator") not in ("In", "NotIn"):
                bad.append(f"{where}.onExitCodes: operator {codes.get('operator')!r}")
            vals = codes.get("values") or []
            if not vals or any(not isinstance(v, int) or v == 0 for v in vals):
                bad.append(f"{where}.onExitCodes: values {vals!r} (non-zero integers)")
        for j, cond in enumerate(rule.get("onPodConditions") or []):
            if not isinstance(cond.get("type"), str):
                bad.append(f"{where}.onPodConditions[{j}]: no type")
            if cond.get("status") not in STATUSES:
                bad.append(f"{where}.onPodConditions[{j}]: status {cond.get('status')!r}, "
                           f"want one of the strings {sorted(STATUSES)} (quoted: \"True\")")
    return bad


def main(argv):
    root = argv[1] if len(argv) > 1 else "."
    bad, failed, n = [], set(), 0
    for path, line, text in texts(root):
        n += 1
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            at = line + mark.line if mark else line
            bad.append(f"{path}:{at}: not YAML: {' '.join(str(e).split())}")
            failed.add((path, line))
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "Job":
                whys = pod_failure_policy(doc)
                bad += [f"{path}:{line}: {why}" for why in whys]
                if whys:
                    failed.add((path, line))
    for why in bad:
        print(f"FAIL yaml: {why}")
    print(f"yaml: {n - len(failed)} passed, {len(failed)} failed (YAML texts of README.md, docs/, ci/)")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
