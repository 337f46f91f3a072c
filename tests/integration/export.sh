#!/usr/bin/env bash
# --mermaid, --markdown and --svg as a user runs them: every demo scenario's
# exports agree with the text ladder the same run printed (export_compare.py)
# and its Mermaid passes the strict grammar check (mermaid_check.py), and
# Mermaid's own parser when TLSLADDER_MERMAID_MODULES names a node_modules
# with the npm packages mermaid and jsdom (mermaid_parse.mjs); "-" is
# stdout instead of the text ladder; serve writes one file per connection;
# a file that cannot be written is said before any handshake (exit 5).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/common.bash"
umask 022

scenarios=$("$bin" demo --list | sed -nE 's/^  ([a-z0-9-]+) .*/\1/p')
n=0
for sc in $scenarios; do
	n=$((n + 1))
	"$bin" demo "$sc" --mermaid "$tmp/$sc.mmd" --markdown "$tmp/$sc.md" --svg "$tmp/$sc.svg" >"$tmp/$sc.txt" 2>"$tmp/err" </dev/null
	rc=$?
	"$bin" demo "$sc" --text >/dev/null 2>&1 </dev/null
	if [ "$rc" -eq $? ]; then ok "$sc: the exports leave the exit code ($rc) as it was"; else bad "$sc: exit $rc with exports"; fi
	if python3 "$here/mermaid_check.py" "$tmp/$sc.mmd" 2>"$tmp/check"; then ok "$sc: the Mermaid passes the grammar check"
	else bad "$sc: the Mermaid fails the grammar check:"; cat "$tmp/check" "$tmp/$sc.mmd"; fi
	if python3 "$here/export_compare.py" "$tmp/$sc.txt" "$tmp/$sc.mmd" "$tmp/$sc.svg" "$tmp/$sc.md" 2>"$tmp/check"; then
		ok "$sc: Mermaid arrows, SVG messages and the Markdown ladder equal the text ladder"
	else bad "$sc: the exports differ from the ladder:"; cat "$tmp/check"; fi
	has "$tmp/$sc.mmd" '^    Note over C,S: (connection [0-9]+ )?diagnosis#58; [a-z-]+#58; ' "$sc: the Mermaid ends with the diagnosis"
	code=$(sed -nE 's/^diagnosis: ([a-z-]+): .*/\1/p' "$tmp/$sc.txt" | head -n 1)
	has "$tmp/$sc.md" "^\| \`$code\` \| " "$sc: the Markdown's diagnosis table names $code"
	has "$tmp/$sc.svg" "<text class=\"diagnosis\" [^>]*>(connection [0-9]+ )?diagnosis: $code: " "$sc: the SVG shows the diagnosis $code"
done
if [ "$n" -ge 19 ]; then ok "$n scenarios exported"; else bad "only $n scenarios"; fi
for f in "$tmp/tls13.mmd" "$tmp/tls13.md" "$tmp/tls13.svg"; do
	if [ "$(stat -c %a "$f")" = 644 ]; then ok "$(basename "$f") is created 0644 (umask 022)"; else bad "$f: mode $(stat -c %a "$f")"; fi
done
has "$tmp/tls13.mmd" '^    S-->>C: [0-9]+\. Certificate  [0-9]+ B \[encrypted, handshake keys\]$' "tls13: the encrypted Certificate is dotted and names its keys"
has "$tmp/tls13.mmd" '^    C->>S: 1\. ClientHello  [0-9]+ B$' "tls13: the ClientHello is a plain arrow with its size"
has "$tmp/resumption.mmd" '^    Note over C,S: connection 2$' "resumption: the second connection is marked"
has "$tmp/resumption.mmd" '^    Note over C,S: connection 2 diagnosis#58; ' "resumption: each connection's diagnosis"
has "$tmp/mtls-wrong-ca.mmd" "^    Note right of S: [0-9]+\. error \(server\)#58; the client's certificate did not verify" "mtls-wrong-ca: the server's error is a note on its side"

# "-": the export instead of the text ladder on stdout
expect_rc 0 "demo tls13 --mermaid -" -- "$bin" demo tls13 --mermaid -
has "$tmp/out" '^%% tlsladder demo tls13#58; ' "--mermaid -: the diagram on stdout"
hasnt "$tmp/out" '^Summary' "--mermaid -: no text ladder mixed in"
cp "$tmp/out" "$tmp/stdout.mmd"
if python3 "$here/mermaid_check.py" "$tmp/stdout.mmd"; then ok "--mermaid -: valid"; else bad "--mermaid -: invalid"; fi
# Mermaid's own parser too, when its npm packages are at hand (Debian has none)
if [ -n "${TLSLADDER_MERMAID_MODULES:-}" ] && have node; then
	if node "$here/mermaid_parse.mjs" "$TLSLADDER_MERMAID_MODULES" "$tmp"/*.mmd >"$tmp/parse" 2>&1; then
		ok "Mermaid's parser: $(tail -n 1 "$tmp/parse")"
	else bad "Mermaid's parser rejects:"; cat "$tmp/parse"; fi
else
	echo "skip Mermaid's own parser (TLSLADDER_MERMAID_MODULES: a node_modules with mermaid and jsdom)"
fi
expect_rc 0 "demo tls13 --svg -" -- "$bin" demo tls13 --svg -
if python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/out"; then ok "--svg -: one XML document"
else bad "--svg -: not XML"; fi
expect_rc 2 "two exports to stdout" -- "$bin" demo tls13 --mermaid - --svg -
has "$tmp/err" '^tlsladder: only one of --mermaid, --markdown and --svg can write to standard output \(-\)$' "two exports to stdout refused"
expect_rc 5 "an export that cannot be written" -- "$bin" demo tls13 --svg "$tmp/no/such/dir/x.svg"
has "$tmp/err" "^tlsladder: $tmp/no/such/dir/x.svg: cannot be written: No such file or directory$" "the unwritable export is named"
if [ ! -s "$tmp/out" ]; then ok "nothing ran before the file was checked"; else bad "the demo ran: $(head -n 3 "$tmp/out")"; fi

# A message that never left: a relay in front of gnutls-serv resets the
# connection after the server's first flight, before the DHE client's
# Finished is written (as tests/integration/delivery.sh makes certain).
# Its arrow is a cross in Mermaid and stops short in the SVG.
certs="$src/certs"
PATH="$PATH:/usr/sbin"
if have gnutls-serv && start_server gnutls-serv-relayed yes gnutls_serv \
	--priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" --x509certfile "$certs/server-rsa-chain.pem" \
	--x509keyfile "$certs/server-rsa.key" --require-client-cert &&
	start_fake alert-after-done "$port"; then
	"$bin" --text --timeout 5 --cafile "$certs/root-ca.pem" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA" \
		localhost -p "$fport" --mermaid "$tmp/cut.mmd" --svg "$tmp/cut.svg" --markdown "$tmp/cut.md" >"$tmp/cut.txt" 2>/dev/null </dev/null
	has "$tmp/cut.txt" 'Finished  12 B =+x +\|  encrypted  not sent: ' "the client's Finished was not sent"
	has "$tmp/cut.mmd" '^    C--xS: [0-9]+\. Finished  12 B \[encrypted, TLS 1\.2 session keys\] \[not sent#58; the server had (closed|reset) the connection' \
		"Mermaid: the Finished that was not sent is a cross, with what became of it"
	has "$tmp/cut.svg" '<g class="message encrypted undelivered" ' "SVG: the Finished stops short"
	if python3 "$here/export_compare.py" "$tmp/cut.txt" "$tmp/cut.mmd" "$tmp/cut.svg" "$tmp/cut.md" 2>"$tmp/check" &&
		python3 "$here/mermaid_check.py" "$tmp/cut.mmd" 2>>"$tmp/check"; then
		ok "a run with an undelivered message: the exports equal its ladder"
	else bad "a run with an undelivered message:"; cat "$tmp/check" "$tmp/cut.txt"; fi
	stop_server "$fpid"
	stop_server
fi

# serve: one file per connection, its number before the extension
run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --timeout 10 --mermaid "$tmp/serve.mmd" --svg "$tmp/serve.svg" --markdown "$tmp/serve.md"
}
if start_server serve no run_serve; then
	"$bin" --text --timeout 5 --cafile "$src/certs/root-ca.pem" localhost -p "$port" >"$tmp/client.out" 2>&1 </dev/null
	wait_exit "$srv" 10
	if [ "$rc" -eq 0 ]; then ok "serve --once with exports (exit 0)"; else bad "serve: exit $rc"; cat "$tmp/serve.log"; fi
	for f in serve-1.mmd serve-1.svg serve-1.md; do
		if [ -s "$tmp/$f" ]; then ok "serve wrote $f"; else bad "serve did not write $f"; ls "$tmp"; fi
	done
	if python3 "$here/mermaid_check.py" "$tmp/serve-1.mmd"; then ok "serve's Mermaid is valid"; else bad "serve's Mermaid"; fi
	has "$tmp/serve-1.md" '^# tlsladder serve\\: connection 1 \\\(exit code 0\\\)$' "serve's Markdown is headed by its connection"
	has "$tmp/serve-1.md" '^Summary of connection 1$' "serve's Markdown holds the connection's summary"
	sed -n '/^tlsladder serve: connection 1/,$p' "$tmp/serve.log" | grep -v '^tlsladder: ' >"$tmp/serve.txt"
	if python3 "$here/export_compare.py" "$tmp/serve.txt" "$tmp/serve-1.mmd" "$tmp/serve-1.svg" "$tmp/serve-1.md" 2>"$tmp/check"; then
		ok "serve's exports equal its text ladder"
	else bad "serve's exports differ:"; cat "$tmp/check" "$tmp/serve.log"; fi
fi

finish export
