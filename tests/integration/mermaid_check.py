#!/usr/bin/env python3
"""A strict checker of the Mermaid subset tlsladder writes (--mermaid FILE).

Every line must be one of:
    %% TEXT                                  (first line only: the title)
    sequenceDiagram                          (first, or after the title)
    participant C as Client | participant S as Server   (both, before anything else)
    FROM ARROW TO: TEXT                      FROM, TO: C or S, not the same;
                                             ARROW: ->> -->> -x --x
    Note left of C: TEXT | Note right of S: TEXT | Note over C,S: TEXT
TEXT holds only letters, digits, non-ASCII (UTF-8), space, the marks
.,()[]_+-*'/=!?@^~|{} and entity codes #N; -- so no ; # : % < > " & $
backslash or line break is left for Mermaid to read as syntax; a note's
TEXT may be broken into lines by <br> (between two non-empty parts). Anything
else is rejected, with its line number.

Usage: mermaid_check.py FILE...   (exit 0: all valid; 1: a line was rejected)
Prints, per file, one line per arrow: "FROM ARROW TO<TAB>TEXT" with -v.
"""
import re
import sys

TEXT = r"(?:[A-Za-z0-9 .,()\[\]_+\-*'/=!?@^~|{}\u0080-\U0010ffff]|#[0-9]+;)+"
TITLE = re.compile(r"%% " + TEXT + r"\Z")
ARROW = re.compile(r"    ([CS])(->>|-->>|-x|--x)([CS]): (" + TEXT + r")\Z")
NOTE = re.compile(r"    Note (left of C|right of S|over C,S): (" + TEXT + r"(?:<br>" + TEXT + r")*)\Z")
PARTICIPANTS = ["    participant C as Client", "    participant S as Server"]


def check(path, verbose):
    """Returns the list of errors in the file at path."""
    errors = []
    with open(path, encoding="utf-8") as f:
        data = f.read()
    if not data.endswith("\n"):
        errors.append(f"{path}: does not end with a line break")
    lines = data.split("\n")[:-1]
    i = 0
    if lines and lines[0].startswith("%%"):
        if not TITLE.match(lines[0]):
            errors.append(f"{path}:1: bad title comment: {lines[0]!r}")
        i = 1
    if lines[i:i + 1] != ["sequenceDiagram"]:
        errors.append(f"{path}:{i + 1}: expected sequenceDiagram")
    if lines[i + 1:i + 3] != PARTICIPANTS:
        errors.append(f"{path}:{i + 2}: expected the two participants")
    arrows = 0
    for n, line in enumerate(lines[i + 3:], start=i + 4):
        m = ARROW.match(line)
        if m:
            if m.group(1) == m.group(3):
                errors.append(f"{path}:{n}: an arrow from a side to itself: {line!r}")
            arrows += 1
            if verbose:
                print(f"{m.group(1)} {m.group(2)} {m.group(3)}\t{m.group(4)}")
            continue
        if NOTE.match(line):
            continue
        errors.append(f"{path}:{n}: not in the grammar: {line!r}")
    if arrows == 0:
        errors.append(f"{path}: no message arrow")
    return errors


def main():
    verbose = "-v" in sys.argv[1:]
    files = [a for a in sys.argv[1:] if a != "-v"]
    errors = []
    for path in files:
        errors += check(path, verbose)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors or not files else 0


if __name__ == "__main__":
    sys.exit(main())
