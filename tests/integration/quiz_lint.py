#!/usr/bin/env python3
"""Checks quiz files (docs/quiz/SCENARIO.quiz) against real demo runs.

    quiz_lint.py TLSLADDER FILE.quiz...

For each file: its name (without .quiz) must be a scenario that
`tlsladder demo --list` lists; it must hold questions in the quiz format
(blank lines separate questions; `#` starts a comment line, and on an
`at:` line a comment after the words; each question
has one `at:` line, then `q:` and `a:` lines, several of each joining with
a space); and every `at: SIDE NAME [N]` must name a message that occurs in
that scenario's text ladder (`tlsladder demo SCENARIO --text`): the Nth
(default 1) row sent by SIDE whose label starts with NAME, counted over the
whole run (every connection, and the second handshake of a renegotiation,
whose labels start with `[2] `). `at: end` is always valid.

Prints one line per problem (FILE:LINE: what) and one `ok` line per good
file; exits 1 when any problem was found, 2 on a usage error.
"""
import re
import subprocess
import sys
from pathlib import Path

# The message names the quiz format knows (the ladder's labels start so).
NAMES = {
    "ClientHello", "HelloRetryRequest", "ServerHello", "EncryptedExtensions",
    "Certificate", "CertificateRequest", "CertificateVerify",
    "ServerKeyExchange", "ServerHelloDone", "ClientKeyExchange",
    "ChangeCipherSpec", "Finished", "NewSessionTicket", "KeyUpdate",
    "EndOfEarlyData", "HelloRequest", "Alert", "ApplicationData",
}

# A message row of the text ladder: step, time, then an arrow between bars.
# The client sends `|----- label ---->|`, the server `|<---- label -----|`
# (`=` instead of `-` when encrypted).
ROW = re.compile(r"^\s*\d+\S*\s+[0-9.]+\s+\|(<?)[-=]+ (.*?) [-=]+(>?)\|")
HANDSHAKE_NO = re.compile(r"^\[\d+\] ")


def scenarios(tlsladder):
    """The scenario names `tlsladder demo --list` prints."""
    out = subprocess.run([tlsladder, "demo", "--list"], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    return {m.group(1) for m in re.finditer(r"^  ([a-z0-9][a-z0-9-]*) ", out, re.M)}


def ladder(tlsladder, scenario):
    """The (side, name) of each message row of one text run, in order."""
    res = subprocess.run([tlsladder, "demo", scenario, "--text"],
                         capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    rows = []
    for line in res.stdout.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        left, label, right = m.groups()
        if bool(left) == bool(right):
            continue
        label = HANDSHAKE_NO.sub("", label.strip())
        rows.append(("server" if left else "client", label.split()[0]))
    return rows


def questions(path):
    """The questions of one file: lists of (line number, key, text)."""
    blocks, cur = [], []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if cur:
                blocks.append(cur)
            cur = []
            continue
        key, sep, text = line.partition(":")
        cur.append((no, key if sep else "", text.strip()))
    if cur:
        blocks.append(cur)
    return blocks


def check_block(block, rows, say):
    """Checks one question's form and its at: line against the rows."""
    first = block[0][0]
    keys = [k for _, k, _ in block]
    for no, key, text in block:
        if key not in ("at", "q", "a"):
            say(no, f"not an at:, q: or a: line: {key!r}")
        elif not text:
            say(no, f"empty {key}:")
    if keys.count("at") != 1 or keys[0] != "at":
        say(first, "a question starts with exactly one at: line")
    if "q" not in keys or "a" not in keys:
        say(first, "a question needs q: and a: lines")
    elif keys.index("a") < keys.index("q") or "q" in keys[keys.index("a"):]:
        say(first, "the q: lines come before the a: lines")
    for no, key, text in block:
        if key == "at":
            check_at(no, text, rows, say)


def check_at(no, text, rows, say):
    """Checks that `at: SIDE NAME [N]` names a row of the run."""
    words = text.split("#", 1)[0].split()
    if words == ["end"]:
        return
    if len(words) not in (2, 3) or words[0] not in ("client", "server"):
        say(no, f"at: wants 'client|server NAME [N]' or 'end', not {text!r}")
        return
    side, name = words[0], words[1]
    if name not in NAMES:
        say(no, f"{name!r} is not a message name of the quiz format")
        return
    if len(words) == 3 and not (words[2].isdigit() and int(words[2]) >= 1):
        say(no, f"N must be a number from 1, not {words[2]!r}")
        return
    nth = int(words[2]) if len(words) == 3 else 1
    have = sum(1 for r in rows if r == (side, name))
    if have < nth:
        say(no, f"wants {side} {name} number {nth}; the run has {have}")


def lint(tlsladder, files):
    """Checks every file; returns the number of problems."""
    known = scenarios(tlsladder)
    problems = 0
    for f in files:
        path = Path(f)
        found = []

        def say(no, what, path=path, found=found):
            found.append(f"{path}:{no}: {what}")
        scenario = path.name[:-len(".quiz")] if path.name.endswith(".quiz") else ""
        if scenario not in known:
            say(0, f"{path.name!r} is not SCENARIO.quiz for a demo scenario")
        else:
            blocks = questions(path)
            if not blocks:
                say(0, "no questions")
            rows = ladder(tlsladder, scenario)
            if not rows:
                say(0, f"no message rows in `demo {scenario} --text`")
            for block in blocks:
                check_block(block, rows, say)
        for line in found:
            print(line)
        if not found:
            print(f"ok   {path}")
        problems += len(found)
    return problems


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if lint(sys.argv[1], sys.argv[2:]) else 0)
