"""Checks a page of --html / warmer report (tests/html.sh) with python's own
HTML parser: every element closed in order, ids unique, self-contained (one
inline <script>, no src=, no <link>, nothing fetched), the cases and their
verdicts, failing cases open and passing ones folded, and hostile text shown
as text (it appears in the page's text, and made no element).
  python3 tests/html_ok.py PAGE [--cases N] [--failed N] [--firstdiff N]
        [--text STRING]... [--no-text STRING]...
Says what is wrong; exit 1 then."""
import sys
from html.parser import HTMLParser

VOID = {"meta", "input", "br", "hr", "img", "link"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids = [], [], set()
        self.tags = {}
        self.details = []  # (status, open)
        self.firstdiff = 0
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        line = self.getpos()[0]
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"line {line}: id {a['id']!r} twice")
            self.ids.add(a["id"])
        for k in ("src", "srcset", "action", "formaction"):
            if k in a:
                self.errors.append(f"line {line}: <{tag} {k}=...>: a page fetches nothing")
        href = a.get("href")
        if href is not None and not href.startswith("#"):
            self.errors.append(f"line {line}: <{tag} href={href!r}>: only links inside the page")
        for k in a:
            if k.startswith("on"):
                self.errors.append(f"line {line}: <{tag} {k}=...>: an inline handler")
        if "data-status" in a and "hidden" in a:
            self.errors.append(f"line {line}: a case hidden without JS")
        if tag == "details" and "case" in (a.get("class") or "").split():
            self.details.append((a.get("data-status"), "open" in a))
        if tag == "tr" and "firstdiff" in (a.get("class") or "").split():
            self.firstdiff += 1
        if tag not in VOID:
            self.stack.append((tag, line))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if not self.stack:
            self.errors.append(f"line {line}: </{tag}> closes nothing")
        elif self.stack[-1][0] != tag:
            t, at = self.stack[-1]
            self.errors.append(f"line {line}: </{tag}> while <{t}> of line {at} is open")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack or self.stack[-1][0] not in ("script", "style"):
            self.text.append(data)


def main(argv):
    path, want = argv[0], {}
    texts, no_texts = [], []
    i = 1
    while i < len(argv):
        opt, val = argv[i], argv[i + 1]
        if opt == "--text":
            texts.append(val)
        elif opt == "--no-text":
            no_texts.append(val)
        else:
            want[opt[2:]] = int(val)
        i += 2
    src = open(path, encoding="ascii").read()  # the page is ASCII: bytes are \xNN
    p = Page()
    p.feed(src)
    p.close()
    errs = list(p.errors)
    errs += [f"<{t}> of line {at} never closed" for t, at in p.stack]
    if not src.startswith("<!DOCTYPE html>\n"):
        errs.append("no <!DOCTYPE html> first")
    if p.tags.get("script") != 1:
        errs.append(f"{p.tags.get('script', 0)} <script> elements, want ours alone")
    if p.tags.get("link"):
        errs.append("a <link> element: a page fetches nothing")
    for bad in ("@import", "url(", "http://", "https://"):
        if bad in src:
            errs.append(f"{bad!r} in the page: it fetches nothing")
    failing = [s for s, _ in p.details if s in ("failed", "malformed")]
    for s, is_open in p.details:
        if is_open != (s in ("failed", "malformed")):
            errs.append(f"a {s} case is {'open' if is_open else 'folded'}")
    if "cases" in want and len(p.details) != want["cases"]:
        errs.append(f"{len(p.details)} cases, want {want['cases']}")
    if "failed" in want and len(failing) != want["failed"]:
        errs.append(f"{len(failing)} failing cases, want {want['failed']}")
    if "firstdiff" in want and p.firstdiff != want["firstdiff"]:
        errs.append(f"{p.firstdiff} first differences marked, want {want['firstdiff']}")
    text = "".join(p.text)
    errs += [f"{t!r} not in the page's text" for t in texts if t not in text]
    errs += [f"{t!r} in the page's text" for t in no_texts if t in text]
    for e in errs[:12]:
        print(f"{path}: {e}")
    if len(errs) > 12:
        print(f"{path}: and {len(errs) - 12} more")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
