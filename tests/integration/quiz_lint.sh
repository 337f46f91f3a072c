#!/usr/bin/env bash
# The quiz files (docs/quiz/SCENARIO.quiz) against real demo runs: each file
# is named after a scenario `demo --list` lists, holds well-formed questions,
# and each `at: SIDE NAME [N]` names a message of that scenario's text ladder
# (quiz_lint.py does the checking). Then the checker itself must refuse
# wrong files: a side that does not send that message, a count too high, a
# name that is no message, a file named after no scenario, a question
# without its answer. Last, docs/classroom.md has a lesson plan per scenario.
# Needs python3.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
expect_rc_shows=out
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
lint="$(dirname "${BASH_SOURCE[0]}")/quiz_lint.py"

if ! have python3; then
	bad "python3 is not installed (Debian package python3)"
	finish quiz_lint
	exit
fi

# Every scenario but tls13 (its file comes with the quiz format's README)
# has its file, and every file passes.
"$bin" demo --list | awk '/^  [a-z]/ { print $1 }' >"$tmp/scenarios"
n=$(wc -l <"$tmp/scenarios")
if [ "$n" -ge 27 ]; then ok "demo --list names $n scenarios"; else bad "demo --list names only $n scenarios"; fi
while read -r s; do
	[ "$s" = tls13 ] && continue
	[ -f "$src/docs/quiz/$s.quiz" ] || bad "no docs/quiz/$s.quiz"
done <"$tmp/scenarios"
expect_rc 0 "every docs/quiz/*.quiz names real messages" -- python3 "$lint" "$bin" "$src"/docs/quiz/*.quiz
cat "$tmp/out"

# wrong_file NAME WHAT PATTERN: a quiz file NAME with one bad question is
# refused (exit 1) with a line matching PATTERN; its body comes on stdin
# (from a process substitution, so that ok and bad count in this shell).
wrong_file() {
	mkdir -p "$tmp/wrong"
	cat >"$tmp/wrong/$1"
	expect_rc 1 "refused: $2" -- python3 "$lint" "$bin" "$tmp/wrong/$1"
	has "$tmp/out" "$3" "refused with the reason: $2"
	rm -f "$tmp/wrong/$1"
}
good='at: server Certificate
q: Which key protects this record?
a: The server handshake traffic key.
'
wrong_file hrr.quiz "a side that does not send that message" 'hrr.quiz:5: wants client HelloRetryRequest number 1; the run has 0' \
	< <(printf '%s\nat: client HelloRetryRequest\nq: x\na: y\n' "$good")
wrong_file hrr.quiz "a count higher than the run's" 'hrr.quiz:5: wants client ClientHello number 3; the run has 2' \
	< <(printf '%s\nat: client ClientHello 3\nq: x\na: y\n' "$good")
wrong_file mtls12.quiz "the server's second Certificate in a run with one" 'mtls12.quiz:5: wants server Certificate number 2; the run has 1' \
	< <(printf '%s\nat: server Certificate 2\nq: x\na: y\n' "$good")
wrong_file tls12-ecdhe.quiz "a TLS 1.3 message in a TLS 1.2 run" 'tls12-ecdhe.quiz:5: wants server EncryptedExtensions number 1; the run has 0' \
	< <(printf '%s\nat: server EncryptedExtensions\nq: x\na: y\n' "$good")
wrong_file tls12-rsa.quiz "a misspelt message name" "tls12-rsa.quiz:5: 'Certficate' is not a message name" \
	< <(printf '%s\nat: server Certficate\nq: x\na: y\n' "$good")
wrong_file tls12-rsa.quiz "an at: line without a name" "tls12-rsa.quiz:5: at: wants 'client|server NAME \[N\]'" \
	< <(printf '%s\nat: server\nq: x\na: y\n' "$good")
wrong_file tls12-rsa.quiz "a question without its answer" 'tls12-rsa.quiz:5: a question needs q: and a: lines' \
	< <(printf '%s\nat: client Finished\nq: x\n' "$good")
wrong_file tls14.quiz "a file named after no scenario" "'tls14.quiz' is not SCENARIO.quiz for a demo scenario" \
	< <(printf '%s' "$good")
# the same file under a real scenario's name passes: the refusals above are
# the bad line's, not the file's
mkdir -p "$tmp/right"
printf '%s\nat: client ClientHello 2   # the retry\nq: x\na: y\n\nat: end\nq: x\na: y\n' "$good" >"$tmp/right/hrr.quiz"
expect_rc 0 "a right file passes (a 2nd ClientHello in hrr with a comment, at: end)" -- python3 "$lint" "$bin" "$tmp/right/hrr.quiz"
# the renegotiation's second handshake ([2] on its rows) counts
printf 'at: server HelloRequest\nq: x\na: y\n\nat: client ClientHello 2\nq: x\na: y\n' >"$tmp/right/renegotiation.quiz"
expect_rc 0 "the rows of a renegotiation ([2] HelloRequest, [2] ClientHello) count" -- python3 "$lint" "$bin" "$tmp/right/renegotiation.quiz"

# docs/classroom.md has a lesson plan (a "### `SCENARIO`: ..." heading) for
# every scenario, and each of its in-page links leads to a heading.
while read -r s; do
	grep -q "^### \`$s\`: " "$src/docs/classroom.md" || bad "docs/classroom.md has no lesson plan for $s"
done <"$tmp/scenarios"
python3 - "$src/docs/classroom.md" >"$tmp/anchors" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
slug = lambda h: re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
heads = {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", text, re.M)}
for link in sorted(set(re.findall(r"\]\(#([^)]+)\)", text)) - heads):
    print(link)
PY
if [ -s "$tmp/anchors" ]; then bad "docs/classroom.md links to no heading:"; cat "$tmp/anchors"; else ok "docs/classroom.md: a lesson plan per scenario, every link leads to a heading"; fi

finish quiz_lint
