#!/usr/bin/env bash
# Delivered or only attempted: a message is drawn as sent only when all of
# its records were written; one that was not is marked, with the cause.
#
# gnutls-serv --require-client-cert over TLS 1.2, and a client with no
# certificate: the server sends its alert decode_error (50) as soon as it
# reads the empty Certificate and closes, often while the client is still
# writing ChangeCipherSpec and Finished (the write fails with EPIPE; GnuTLS
# writes the ChangeCipherSpec a second time and never writes the Finished).
# The race goes either way, so the client runs ten times; in every run:
#   - one ChangeCipherSpec from the client (a retried write is one event);
#   - when it was not sent, neither was the Finished behind it, for the same
#     cause, and both are marked, never drawn as normal arrows;
#   - the server's alert is in the ladder (read from the socket after the
#     failed write, as gnutls-cli reads it), the outcome is that alert (not
#     a reset), and the diagnosis is client-cert-missing without "the alert
#     was not readable";
#   - in the wire view: at most one ChangeCipherSpec record from the client,
#     and nothing written after a record that was not sent.
# Last, a record that arrives cut short is marked incomplete in the wire view.
# Then the same outcome made certain: a relay in front of gnutls-serv passes
# the server's first flight, adds the alert right after the ServerHelloDone
# and resets the connection at once; the client uses DHE, whose
# ClientKeyExchange takes milliseconds to make, so by then the reset has
# arrived and its writes fail (ECONNRESET, or EPIPE): its Finished is never
# written and must be marked so, in the ladder and on the wire.
# Needs gnutls-serv and python3 (Debian packages gnutls-bin, python3).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"

RUNS=10
client=("$bin" --text --timeout 5 --cafile "$certs/root-ca.pem")
tls12=(--tls1.2)
NOT_SENT='x +\|  (encrypted  )?not sent: the server had (closed the connection \(EPIPE\)|reset the connection \(ECONNRESET\))$'

# the ladder line of the client's message NAME (the first one)
line_of() { grep -E -- "^ *[0-9]+ +[0-9.]+ +\|[-=]+ $1 " "$tmp/out" | head -n 1; }
# the cause on a marked line ("" for a normal arrow)
cause_of() { sed -nE 's/.*not sent: (.*)$/\1/p' <<<"$1"; }

# messages RUN: the checks on the message ladder in $tmp/out
messages() {
	local l="run $1" ccs fin n
	n=$(grep -cE -- '^ *[0-9]+ +[0-9.]+ +\|-+ ChangeCipherSpec -*' "$tmp/out")
	if [ "$n" -eq 1 ]; then ok "$l: one ChangeCipherSpec from the client"; else
		bad "$l: $n ChangeCipherSpec lines from the client:"
		cat "$tmp/out"
	fi
	ccs=$(line_of ChangeCipherSpec)
	fin=$(line_of 'Finished  12 B')
	if [ -z "$fin" ]; then
		bad "$l: no client Finished in the ladder"
		cat "$tmp/out"
	elif grep -qE -- "$NOT_SENT" <<<"$ccs"; then
		if grep -qE -- "$NOT_SENT" <<<"$fin" && [ "$(cause_of "$ccs")" = "$(cause_of "$fin")" ]; then
			ok "$l: ChangeCipherSpec not sent ($(cause_of "$ccs")), and the Finished behind it marked not sent too"
		else
			bad "$l: ChangeCipherSpec not sent, but the Finished is drawn as: $fin"
		fi
	elif grep -qE -- '-+>\|$' <<<"$ccs" && grep -qE -- '=+>\|  encrypted$' <<<"$fin"; then
		ok "$l: ChangeCipherSpec and Finished written (normal arrows)"
	else
		bad "$l: unexpected ChangeCipherSpec/Finished lines:"
		printf '%s\n%s\n' "$ccs" "$fin"
	fi
	has "$tmp/out" '^ *[0-9]+ +[0-9.]+ +\|<-+ Alert fatal decode_error \(50\) -+\|$' "$l: the server's alert decode_error (50) is in the ladder"
	has "$tmp/out" '^diagnosis: client-cert-missing: ' "$l: diagnosis client-cert-missing"
	hasnt "$tmp/out" 'not readable' "$l: the diagnosis does not say the alert was not readable"
	has "$tmp/out" '^ +outcome: +the server ended the handshake with alert decode_error \(50\)' \
		"$l: the outcome is the server's alert, not a reset (the write failed after the alert arrived)"
}

# wire RUN: the checks on the wire view in $tmp/out
wire() {
	local l="run $1 (wire)" n after
	n=$(grep -cE -- '^ *[0-9]+ +[0-9.]+ +\|-+ change_cipher_spec\(20\)' "$tmp/out")
	if [ "$n" -le 1 ]; then ok "$l: at most one ChangeCipherSpec record from the client ($n)"; else
		bad "$l: $n ChangeCipherSpec records from the client:"
		cat "$tmp/out"
	fi
	# client records (arrows starting at the client's lifeline) after the first one not sent
	after=$(awk '/^ *[0-9]+ +[0-9.]+ +\|[-=]/ { if (cut) print; if ($0 ~ /not sent: /) cut = 1 }' "$tmp/out")
	if [ -z "$after" ]; then ok "$l: nothing from the client after a record that was not sent"; else
		bad "$l: client records after one that was not sent:"
		printf '%s\n' "$after"
	fi
	has "$tmp/out" '^ *[0-9]+ +[0-9.]+ +\|<-+ alert\(21\) 0303  2 B -+\| = Alert [a-z_]+$' "$l: the server's alert record"
}

if ! have gnutls-serv; then
	bad "gnutls-serv is not installed (Debian package gnutls-bin)"
elif start_server gnutls-serv yes gnutls_serv --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" \
	--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" --require-client-cert; then
	cut=0
	for ((i = 1; i <= RUNS; i++)); do
		expect_rc 4 "run $i: no client certificate" -- "${client[@]}" "${tls12[@]}" localhost -p "$port"
		grep -qE -- "$NOT_SENT" "$tmp/out" && cut=$((cut + 1))
		messages "$i"
	done
	echo "     the client's ChangeCipherSpec was not sent in $cut of $RUNS runs"
	for ((i = 1; i <= RUNS; i++)); do
		expect_rc 4 "run $i (wire): no client certificate" -- "${client[@]}" "${tls12[@]}" --wire localhost -p "$port"
		wire "$i"
	done
	stop_server
fi

# ---------------------------------------------------------------- made certain

if have gnutls-serv && have python3 && start_server gnutls-serv-relayed yes gnutls_serv \
	--priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" --x509certfile "$certs/server-rsa-chain.pem" \
	--x509keyfile "$certs/server-rsa.key" --require-client-cert &&
	start_fake alert-after-done "$port"; then
	l="closed before the client's flight"
	dhe=(--priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA")
	expect_rc 4 "$l" -- "${client[@]}" "${dhe[@]}" localhost -p "$fport"
	fin=$(line_of 'Finished  12 B')
	if grep -qE -- "$NOT_SENT" <<<"$fin" && grep -qE -- '  encrypted  not sent' <<<"$fin"; then
		ok "$l: the Finished is marked not sent ($(cause_of "$fin"))"
	else
		bad "$l: the Finished is drawn as: ${fin:-nothing}"
		cat "$tmp/out"
	fi
	has "$tmp/out" '^ *[0-9]+ +[0-9.]+ +\|-+ ChangeCipherSpec -+x +\|  not sent: the server had (closed|reset) the connection' \
		"$l: the ChangeCipherSpec is marked not sent"
	has "$tmp/out" '^ *[0-9]+ +[0-9.]+ +\|<-+ Alert fatal decode_error \(50\) -+\|$' "$l: the alert waiting in the socket was read"
	has "$tmp/out" '^diagnosis: client-cert-missing: ' "$l: diagnosis client-cert-missing"
	hasnt "$tmp/out" 'not readable' "$l: the diagnosis does not say the alert was not readable"
	expect_rc 4 "$l (wire)" -- "${client[@]}" "${dhe[@]}" --wire localhost -p "$fport"
	has "$tmp/out" "$NOT_SENT" "$l (wire): a record from the client is marked not sent"
	wire "relayed"
	hasnt "$tmp/out" '^ *[0-9]+ +[0-9.]+ +\|=+ handshake\(22\)' "$l (wire): no encrypted handshake record (Finished) from the client"
else
	have gnutls-serv && have python3 || bad "gnutls-serv or python3 is not installed (Debian packages gnutls-bin, python3)"
fi

# ---------------------------------------------------------------- cut short
# A server that answers the ClientHello with the first 15 bytes of a 69-byte
# record and closes: the wire view shows the record, cut short.
cat >"$tmp/cut.py" <<'PY'
import socket
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
c, _ = ls.accept()
ls.settimeout(10)
c.settimeout(10)
c.recv(4096)
c.sendall(bytes([22, 3, 3, 0, 64]) + bytes(10))
c.close()
PY
if have python3 && start_helper "the cutting server" cut python3 "$tmp/cut.py"; then
	expect_rc 1 "a record cut short" -- "${client[@]}" --wire 127.0.0.1 -p "$hport"
	has "$tmp/out" '^ *5 +[0-9.]+ +\| +x-+ handshake\(22\) 0303  64 B -+\|  incomplete: the connection ended after 15 of its 69 bytes$' \
		"a record cut short: marked incomplete, right after the ClientHello"
	stop_server "$hpid"
fi

finish delivery
