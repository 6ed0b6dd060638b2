#!/bin/bash
# make check-html: the HTML report in a real browser. Headless Chromium
# renders a page of four cases (three failing: a fault plan over two
# connections, a long file of 16, a hostile file name and record); the DOM
# it dumps after running the page's script must hold every case, the
# failing ones open, the first difference marked, our one script and no
# other (the hostile text stayed text), the filter shown and a copy button
# per reproduce line; with #show=failed the passing case hidden. A screenshot of one failing case's page is kept as
# $B/report.png (the README's docs/report.png is a copy of it).
#   bash tests/html_browser.sh WARMER [B]
W=${1:-build/warmer}
B=${2:-build}
PY=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null 2>&1 ||
    { echo "check-html: no $CHROMIUM (apt-get install chromium, or WITH_CHROMIUM=1 sh ci/deps.sh)" >&2; exit 2; }
# One scenario, not cases: each step needs the one before (tests/lib.sh for
# the scratch directory).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init check-html
mkdir -p "$B" "$tmp/cases/<script>alert(1)<"
sed 's/^S2: 1$/S2: 2/' fixtures/faults/combined.txt >"$tmp/cases/fault.txt"
awk 'NR == 350 { sub(/NUMBER/, "NUMBR") } 1' fixtures/golden/connections-16.txt >"$tmp/cases/long.txt"
{ head -4 fixtures/golden/seed-zero.txt; printf 'C: </pre><script>alert(2)</script>\nS! close\n'; } \
    >"$tmp/cases/<script>alert(1)</script>.txt"
cp fixtures/golden/book.txt "$tmp/cases/ok.txt"

# (root in a container: Chromium's sandbox needs namespaces it may lack)
chromium() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.err"
}
fail() {
    echo "FAIL check-html: $*"
    tail -5 "$tmp/chromium.err" 2>/dev/null | sed 's/^/    chromium: /'
    exit 1
}

$W check --html "$B/report.html" "$tmp/cases" >"$tmp/check.out" 2>&1
[ $? -eq 1 ] || fail "check --html did not exit 1: $(head -c 300 "$tmp/check.out")"
chromium --dump-dom "file://$(realpath "$B/report.html")" >"$tmp/dom.html" ||
    fail "chromium --dump-dom failed"
$PY - "$tmp/dom.html" <<'EOF' || fail "the rendered DOM (above)"
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.details, self.scripts, self.buttons, self.repros = [], 0, 0, 0
        self.firstdiff, self.marks, self.filter_hidden = 0, 0, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "details" and "case" in cls:
            self.details.append((a.get("data-status"), "open" in a))
        self.scripts += tag == "script"
        self.buttons += tag == "button" and "copy" in cls
        self.repros += tag == "pre" and (a.get("id") or "").endswith("-repro")
        self.firstdiff += tag == "tr" and "firstdiff" in cls
        self.marks += tag == "mark" and "diffmark" in cls
        if a.get("id") == "filter":
            self.filter_hidden = "hidden" in a

d = Dom()
d.feed(open(sys.argv[1]).read())
errs = []
if len(d.details) != 4:
    errs.append(f"{len(d.details)} cases rendered, want 4")
bad = [o for s, o in d.details if s == "failed"]
if len(bad) != 3 or not all(bad):
    errs.append(f"failing cases open: {bad}, want 3 open")
if any(o for s, o in d.details if s == "passed"):
    errs.append("a passing case is open")
if d.firstdiff != 3 or d.marks != 3:
    errs.append(f"{d.firstdiff} rows and {d.marks} marks of a first difference, want 3 each")
if d.scripts != 1:
    errs.append(f"{d.scripts} <script> elements in the DOM: the hostile text made markup")
if d.filter_hidden is not False:
    errs.append("the verdict filter is not shown: the page's script did not run")
if d.buttons != d.repros or d.repros < 3:
    errs.append(f"{d.buttons} copy buttons for {d.repros} reproduce lines, want one each, 3 at least")
for e in errs:
    print(f"rendered DOM: {e}")
sys.exit(1 if errs else 0)
EOF

# The filter, preset from the address (#show=failed): the passing case's
# row and section are hidden, the failing ones not.
chromium --dump-dom "file://$(realpath "$B/report.html")#show=failed" >"$tmp/dom-failed.html" ||
    fail "chromium --dump-dom #show=failed failed"
$PY - "$tmp/dom-failed.html" <<'EOF' || fail "the filtered DOM (above)"
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-status" in a:
            self.seen.append((tag, a["data-status"], "hidden" in a))

d = Dom()
d.feed(open(sys.argv[1]).read())
wrong = [(t, s, h) for t, s, h in d.seen if h != (s == "passed")]
if len(d.seen) != 8 or wrong:
    print(f"filtered DOM: {len(d.seen)} rows and sections (want 8); shown or hidden wrongly: {wrong}")
    sys.exit(1)
EOF

# One failing case's page, for people to look at (a path under $B, so the
# picture names no temporary directory).
mkdir -p "$B/report-case"
cp "$tmp/cases/fault.txt" "$B/report-case/fault.txt"
$W check --html "$B/report-case.html" "$B/report-case/fault.txt" >/dev/null 2>&1
rm -f "$B/report.png"
chromium --window-size=1100,1000 --screenshot="$(realpath "$B")/report.png" \
    "file://$(realpath "$B/report-case.html")" >/dev/null || fail "chromium --screenshot failed"
[ -s "$B/report.png" ] || fail "no $B/report.png"
echo "check-html: the page rendered in $("$CHROMIUM" --version 2>/dev/null | head -1):" \
    "4 cases, 3 failing open, 3 first differences marked; screenshot $B/report.png"
