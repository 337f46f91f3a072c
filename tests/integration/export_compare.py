#!/usr/bin/env python3
"""Compares the exports of one run with its text ladder (printed by the same run).

Usage: export_compare.py TEXT MERMAID SVG MARKDOWN

- TEXT: the run's stdout (the text ladder: title, blank line, ladder, summary).
- MERMAID: one arrow per message of the ladder, in order, with its step,
  label (name and size), direction, encryption and delivery.
- SVG: valid XML; one <g class="message"> per message with the same step,
  label, encryption and delivery, and nothing else holding a label.
- MARKDOWN: its fenced code block is the text ladder, line for line.
Exit 0 when all agree; otherwise each difference on stderr and exit 1.
"""
import html
import re
import sys
import xml.etree.ElementTree as ET

SVGNS = "{http://www.w3.org/2000/svg}"


def ladder(text):
    """(step, from, label, encrypted, undelivered) of each arrow line of the text ladder."""
    rows = []
    for line in text.split("\n"):
        m = re.match(r"^ {0,3}(\d+) +[0-9.]+  \|(.{50})\|(.*)$", line)
        if not m:
            continue
        arrow = m.group(2)
        label = arrow.strip(" -=<>x")
        sender = "S" if "<" in arrow or arrow.lstrip(" ").startswith("x") else "C"
        rows.append((int(m.group(1)), sender, label, "  encrypted" in m.group(3), "x" in arrow.replace(label, "")))
    return rows


def mermaid(text):
    rows = []
    for line in text.split("\n"):
        m = re.match(r"^    ([CS])(->>|-->>|-x|--x)([CS]): (\d+)\. (.*)$", line)
        if not m:
            continue
        body = re.sub(r"#(\d+);", lambda e: chr(int(e.group(1))), m.group(5))
        label = body.split(" [")[0]
        rows.append((int(m.group(4)), m.group(1), label, m.group(2).startswith("--"), m.group(2).endswith("x")))
    return rows


def svg(path):
    root = ET.parse(path).getroot()
    rows = []
    for g in root.iter(SVGNS + "g"):
        classes = g.get("class", "").split()
        if "message" not in classes:
            continue
        labels = [t for t in g.iter(SVGNS + "text") if t.get("class") == "label"]
        line = g.find(SVGNS + "line")
        sender = "C" if int(line.get("x1")) < int(line.get("x2")) else "S"
        rows.append((int(g.get("data-step")), sender, labels[0].text if len(labels) == 1 else None,
                     "encrypted" in classes, "undelivered" in classes))
    all_labels = [t for t in root.iter(SVGNS + "text") if t.get("class") == "label"]
    return rows, len(all_labels)


def markdown_block(text):
    m = re.search(r"^(`{3,})text\n(.*?)^\1$", text, re.S | re.M)
    return m.group(2) if m else None


def main():
    text_path, mmd_path, svg_path, md_path = sys.argv[1:5]
    text = open(text_path, encoding="utf-8").read()
    want = ladder(text)
    errors = []
    if not want:
        errors.append("the text ladder has no arrow")
    got = mermaid(open(mmd_path, encoding="utf-8").read())
    if got != want:
        errors.append(f"mermaid arrows differ from the ladder:\n  ladder  {want}\n  mermaid {got}")
    rows, nlabels = svg(svg_path)
    if rows != want or nlabels != len(want):
        errors.append(f"svg messages differ from the ladder:\n  ladder {want}\n  svg    {rows}")
    block = markdown_block(open(md_path, encoding="utf-8").read())
    body = text.split("\n", 2)[2] if text.count("\n") >= 2 else ""
    if block is None or block.rstrip("\n") != body.rstrip("\n"):
        errors.append("the markdown code block is not the text ladder")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
