#!/usr/bin/env python3
"""htmldom.py TEXT DOM [STEP NEEDLE...]: compares the ladder a browser built
from a --html page (DOM: chromium --dump-dom) with the text ladder of the
same run (TEXT: --text -v output).

Checks, and says each failure on one line (exit 1 on any):
- the rows: the same step numbers and labels ("ServerHello  118 B",
  "note (client): ..."), in the same order;
- each row's field tree (its list items, hex dumps aside) equals the lines
  -v prints under that row, indentation included;
- every message row opens to an explanation;
- no element loads anything or carries an event handler, no script inside
  the ladder;
- NEEDLE: the fields or the explanation of row STEP contain this text.
Prints "rows: N" on success.
"""
import html.parser
import re
import sys


class Dom(html.parser.HTMLParser):
    """The rows of the page: step, label, explanation, tree lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []
        self.stack = []          # (tag, classes) of open elements
        self.lis = []            # open tree items: [depth, text, hidden], in the row's tree unless hidden
        self.ul_depth = 0
        self.loads = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        for k in ("src", "href", "action", "poster", "data"):
            v = a.get(k)
            if v is not None and not v.startswith("#"):
                self.loads.append(f"<{tag} {k}={v}>")
        if tag in ("img", "link", "iframe", "object", "embed", "audio", "video", "source"):
            self.loads.append(f"<{tag}>")
        for k, v in attrs:
            if k.startswith("on"):
                self.loads.append(f"<{tag} {k}={v}>")
        if tag == "script" and self.rows:
            self.loads.append("<script> in the ladder")
        if tag == "details" and "ev" in cls:
            self.rows.append({"step": a.get("data-step"), "label": "", "explain": "", "tree": [],
                              "kind": a.get("data-kind")})
        if tag == "ul" and self.rows:
            self.ul_depth += 1
        if tag == "li" and self.rows:
            hidden = "hex" in cls or any(li[2] for li in self.lis)
            self.lis.append([self.ul_depth - 1, "", hidden])
            if not hidden:
                self.rows[-1]["tree"].append(self.lis[-1])     # in document order, its text filled in later
        self.stack.append((tag, cls))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == "li" and self.lis:
                self.lis.pop()
            if t == "ul":
                self.ul_depth -= 1
            if t == tag:
                break

    def handle_data(self, data):
        if not self.rows:
            return
        if any("label" in c for _, c in self.stack):
            self.rows[-1]["label"] += data
        elif any("explain" in c for _, c in self.stack):
            self.rows[-1]["explain"] += data
        elif self.lis:
            # text of a nested list belongs to its own item, opened later
            self.lis[-1][1] += data


ROW = re.compile(r"^ *(\d+) +-?[0-9.]+  (.*)$")


def text_rows(path):
    """The rows of the text ladder: (step, label, [tree lines as (depth, text)])."""
    rows = []
    for line in open(path, encoding="utf-8", errors="replace").read().split("\n"):
        m = ROW.match(line)
        if m:
            rest = m.group(2)
            if rest.startswith("-- "):
                label = rest[3:]
            else:
                arrow = rest[1:rest.index("|", 1)]
                label = arrow.strip(" -=<>x")
            rows.append([m.group(1), label, []])
        elif re.match(r"^ {16}---- connection \d+ ----$", line):
            continue
        elif rows and line.startswith(" " * 16) and line.strip():
            body = line[16:]
            depth = (len(body) - len(body.lstrip(" "))) // 2
            rows[-1][2].append((depth, body.lstrip(" ")))
        elif line.startswith("Summary") or line.startswith("diagnosis:"):
            break
    return rows


def main():
    text, dom_path = sys.argv[1], sys.argv[2]
    needles = sys.argv[3:]
    dom = Dom()
    dom.feed(open(dom_path, encoding="utf-8").read())
    want = text_rows(text)
    got = dom.rows
    for r in got:
        r["tree"] = [(li[0], li[1]) for li in r["tree"]]
    errors = []
    if [(r[0], r[1]) for r in want] != [(r["step"], r["label"]) for r in got]:
        errors.append("the rows differ:\n  text: %r\n  page: %r" % ([(r[0], r[1]) for r in want],
                                                                 [(r["step"], r["label"]) for r in got]))
    for w, g in zip(want, got):
        tree = g["tree"]
        if w[2] != tree:
            for a, b in zip(w[2], tree):
                if a != b:
                    errors.append(f"step {w[0]}: the tree differs first at: text {a!r}, page {b!r}")
                    break
            else:
                errors.append(f"step {w[0]}: the tree has {len(w[2])} lines in text, {len(tree)} on the page")
        if g["kind"] == "message" and not g["explain"].strip():
            errors.append(f"step {g['step']}: no explanation")
    for i in range(0, len(needles) - 1, 2):
        step, needle = needles[i], needles[i + 1]
        row = next((r for r in got if r["step"] == step), None)
        hay = "" if row is None else row["explain"] + "\n" + "\n".join(t for _, t in row["tree"])
        if needle not in hay:
            errors.append(f"step {step}: {needle!r} is not in its fields or explanation")
    if dom.loads:
        errors.append("the page loads or runs something: " + ", ".join(dom.loads))
    if not got:
        errors.append("no rows on the page")
    for e in errors:
        print(e)
    if errors:
        return 1
    print(f"rows: {len(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
