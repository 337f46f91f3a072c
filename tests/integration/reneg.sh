#!/usr/bin/env bash
# TLS 1.2 renegotiation against Apache (mod_ssl) whose location / requires a
# client certificate after the handshake (run_apache PORT TLSv1.2): the
# server sends a HelloRequest after the client's request and asks for the
# certificate in a second handshake inside the encrypted connection.
#  - with the client certificate: the nested flight is on the ladder, the
#    server answers 200, the summary says accepted, exit 0;
#  - without: client-cert-missing naming the renegotiation, exit 4, never ok.
# Then openssl s_server -tls1_2 in its interactive mode: its 'R' command
# (typed on its standard input, here a fifo) renegotiates asking for a
# client certificate (SSL_VERIFY_PEER), and a line typed after it goes to
# the client as data.
# Needs apache2 (mod_ssl) and openssl (Debian packages apache2, openssl).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

start_server apache no run_apache TLSv1.2 || { finish reneg; exit 1; }
alog="$tmp/apache-$port/error.log"
client=("$bin" --text --timeout 10 --cafile "$certs/root-ca.pem" --sni localhost --http)

# ---------------------------------------------------------------- with a certificate
expect_rc 0 "with a certificate" -- "${client[@]}" --cert "$certs/client-chain.pem" --key "$certs/client.key" "127.0.0.1:$port"
has "$tmp/out" '^ +[0-9]+ +[0-9.]+ +-- note \(client\): renegotiation \(handshake 2, inside the encrypted connection\)$' "the nested flight's header row"
# the second handshake's rows, in order, each encrypted under the first handshake's keys
want=(HelloRequest ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone
	Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished ChangeCipherSpec Finished)
got=$(sed -n '/renegotiation (handshake 2/,$p' "$tmp/out" | grep -E '^ +[0-9]+ +[0-9.]+ +\|' |
	grep -oE '(HelloRequest|ClientHello|ServerHello|Certificate|ServerKeyExchange|CertificateRequest|ServerHelloDone|ClientKeyExchange|CertificateVerify|ChangeCipherSpec|Finished)( |$)' | tr -d ' ' | tr '\n' ' ')
if [ "$got" = "${want[*]} " ]; then ok "the renegotiation's 14 messages, in order"; else bad "renegotiation rows: got '$got', wanted '${want[*]} '"; cat "$tmp/out"; fi
n=$(grep -cE '^ +[0-9]+ +[0-9.]+ +\|<?=+ \[2\] .*=+>?\| +encrypted$' "$tmp/out")
if [ "$n" -eq 14 ]; then ok "14 rows marked [2], all encrypted (= arrows)"; else bad "$n rows marked [2] and encrypted, wanted 14"; cat "$tmp/out"; fi
has "$tmp/out" '\|<=+ \[2\] HelloRequest  0 B =+\|  encrypted$' "the HelloRequest comes from the server, encrypted, marked as handshake 2"
has "$tmp/out" '\|=+ \[2\] Certificate  1036 B =+>\|  encrypted$' "the client's certificate goes in the renegotiation"
has "$tmp/out" '^ +[0-9]+ +[0-9.]+ +-- note \(server\): the server answered: HTTP/1.1 200 OK$' "Apache answers 200"
has "$tmp/out" '^  renegotiation: +the server asked \(HelloRequest\) after the handshake; a second handshake with a client certificate: accepted$' "summary: accepted"
has "$tmp/out" "^  RFC 5746: +renegotiation_info in both hellos of the renegotiation carries the first handshake's Finished verify_data: MATCH$" "summary: RFC 5746 MATCH"
has "$tmp/out" '^  client certificate: +not requested in the first handshake; requested in the renegotiation \(handshake 2\): sent$' "summary: the certificate was asked for in the renegotiation"
has "$tmp/out" '^diagnosis: ok: ' "diagnosis ok"
has "$alog" 'AH02221: Requesting connection re-negotiation' "Apache asked for the renegotiation"
hasnt "$alog" 'Re-negotiation handshake failed' "Apache's renegotiation succeeded"

# both handshakes' Finished recompute (each over its own transcript, the second with the new master secret)
expect_rc 0 "with a certificate (saved)" -- "${client[@]}" --cert "$certs/client-chain.pem" --key "$certs/client.key" --json "$tmp/run.json" "127.0.0.1:$port"
python3 - "$tmp/run.json" >"$tmp/fin" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
evs = {e["seq"]: e for e in d["events"]}
for f in d["finished"]:
    e = evs[f["index"]]
    print(e["from"], e.get("handshake"), f["verdict"], len(f["msgs"]) if "msgs" in f else "")
PY
want_fin="client 0 match
server 0 match
client 2 match
server 2 match"
if [ "$(cut -d' ' -f1-3 "$tmp/fin")" = "$want_fin" ]; then
	ok "Finished MATCH in both handshakes; the saved run keeps the handshake number"
else
	bad "saved Finished checks:"; cat "$tmp/fin"
fi
"$bin" --text --replay "$tmp/run.json" >"$tmp/replay" 2>&1
has "$tmp/replay" 'renegotiation: +the server asked \(HelloRequest\) after the handshake; a second handshake with a client certificate: accepted$' "the replay keeps the renegotiation"

# ---------------------------------------------------------------- without a certificate
: >"$alog"
expect_rc 4 "without a certificate" -- "${client[@]}" "127.0.0.1:$port"
has "$tmp/out" '^diagnosis: client-cert-missing: The server asked for a client certificate during a renegotiation \(handshake 2, after the handshake completed: it sent a HelloRequest, as a web server does for a directory that requires one\) and none was sent \(the Certificate message is empty\)\.' "diagnosis names the renegotiation"
hasnt "$tmp/out" '^diagnosis: ok' "never ok"
has "$tmp/out" '^  renegotiation: +the server asked \(HelloRequest\) after the handshake; a second handshake without a client certificate \(the server asked for one; the Certificate message is empty\): refused$' "summary: refused"
has "$tmp/out" '\|=+ \[2\] Certificate  3 B =+>\|  encrypted$' "the empty Certificate in the renegotiation"
has "$alog" 'Re-negotiation handshake failed' "Apache: the renegotiation failed"

# ---------------------------------------------------------------- openssl s_server 'R'
# s_server_fifo PORT FIFO: interactive s_server (no -www), its commands read from FIFO
s_server_fifo() {
	exec 3<>"$2"
	exec openssl s_server -accept "127.0.0.1:$1" -tls1_2 -cert "$certs/server-ecdsa.pem" \
		-cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" -CAfile "$certs/root-ca.pem" <&3
}
mkfifo "$tmp/cmd"
exec 4<>"$tmp/cmd"            # held open here too, so s_server never reads end of file
if start_server s_server no s_server_fifo "$tmp/cmd"; then
	"${client[@]}" --cert "$certs/client-chain.pem" --key "$certs/client.key" "127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err" </dev/null &
	cli=$!
	pids+=("$cli")
	# once the request arrived: renegotiate asking for a certificate, then answer
	for ((i = 0; i < 100; i++)); do grep -q '^GET / HTTP/1.1' "$tmp/s_server.log" && break; sleep 0.05; done
	printf 'R\n' >&4
	for ((i = 0; i < 100; i++)); do grep -q '^SSL_do_handshake -> 1' "$tmp/s_server.log" && break; sleep 0.05; done
	printf 'HTTP/1.0 200 OK\n' >&4
	wait_exit "$cli" 15
	if [ "$rc" -eq 0 ]; then ok "s_server R: exit 0"; else bad "s_server R: exit $rc"; cat "$tmp/out" "$tmp/err"; fi
	has "$tmp/out" '\|<=+ \[2\] HelloRequest  0 B =+\|  encrypted$' "s_server R: the HelloRequest"
	has "$tmp/out" '\|<=+ \[2\] CertificateRequest  [0-9]+ B =+\|  encrypted$' "s_server R: the certificate request in the renegotiation"
	has "$tmp/out" '^  renegotiation: +the server asked \(HelloRequest\) after the handshake; a second handshake with a client certificate: accepted$' "s_server R: accepted"
	has "$tmp/out" "^  RFC 5746: +renegotiation_info in both hellos of the renegotiation carries the first handshake's Finished verify_data: MATCH$" "s_server R: RFC 5746 MATCH"
	has "$tmp/out" '^ +[0-9]+ +[0-9.]+ +-- note \(server\): the server answered: HTTP/1.0 200 OK$' "s_server R: the line typed after it arrives"
	has "$tmp/s_server.log" '^depth=0 O = tlsladder demo \(DEMO ONLY\), CN = Demo Client$' "s_server R: s_server got the client certificate"
	stop_server
fi

finish reneg
