#!/usr/bin/env bash
# --resume against real servers on loopback, each started here and stopped by
# its own pid:
#   - gnutls-serv, TLS 1.3 tickets, TLS 1.2 session tickets (RFC 5077), and
#     TLS 1.2 session IDs (--noticket); TLS 1.3 with --noticket: no ticket, no
#     second connection;
#   - openssl s_server -no_ticket -no_cache: TLS 1.3 tickets it cannot
#     resume (a full handshake, and the summary says why), TLS 1.2 with
#     neither ticket nor session ID;
#   - early data (0-RTT): openssl s_server -early_data prints the bytes it
#     read; without -early_data it rejects them.
# What connection 2 offered is checked against connection 1's messages by a
# parser of its own (resume_check.py) in the saved JSON.
# Needs gnutls-serv and openssl (Debian packages gnutls-bin, openssl).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
check="$(dirname "${BASH_SOURCE[0]}")/resume_check.py"

ca=(--cafile "$certs/root-ca.pem" --sni localhost)
client=("$bin" --text --timeout 5 --resume)
gserv=(--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key")

# s_server PORT ARGS...: openssl s_server -www with the demo chain
s_server() {
	local p="$1"
	shift
	exec openssl s_server -accept "127.0.0.1:$p" -www -cert "$certs/server-ecdsa.pem" \
		-cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" "$@"
}
# s_server_early PORT ARGS...: openssl s_server, TLS 1.3, not -www (with -early_data it prints
# the early data it read); its terminal is the FIFO $tmp/stdin, opened read-write so it never ends
s_server_early() {
	local p="$1"
	shift
	exec openssl s_server -accept "127.0.0.1:$p" -cert "$certs/server-ecdsa.pem" \
		-cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" -tls1_3 "$@" <>"$tmp/stdin"
}

# ---------------------------------------------------------------- usage
expect_rc 2 "--early-data without --resume" -- "$bin" --text --early-data x 127.0.0.1:1
has "$tmp/err" '^tlsladder: --early-data needs --resume: early data rides on a resumed session$' "--early-data without --resume: says why"
expect_rc 2 "--resume in serve" -- "$bin" serve --resume
has "$tmp/err" '^tlsladder: --resume and --early-data are for the client \(HOST\[:PORT\]\)$' "--resume in serve: says why"
expect_rc 5 "--early-data @missing" -- "$bin" --text --resume --early-data "@$tmp/none" 127.0.0.1:1
has "$tmp/err" "^tlsladder: --early-data: cannot read $tmp/none: No such file or directory\$" "--early-data @missing: says why"
head -c 16385 /dev/zero >"$tmp/big"
expect_rc 5 "--early-data @too-big" -- "$bin" --text --resume --early-data "@$tmp/big" 127.0.0.1:1
has "$tmp/err" "^tlsladder: --early-data: $tmp/big is larger than 16384 bytes\$" "--early-data @too-big: says why"

# ---------------------------------------------------------------- gnutls-serv
# TLS 1.3: the ticket of connection 1 resumes connection 2.
if start_server gnutls-13 yes gnutls_serv "${gserv[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3; then
	expect_rc 0 "gnutls-serv TLS 1.3 --resume" -- "${client[@]}" "${ca[@]}" --json "$tmp/r13.json" 127.0.0.1 -p "$port"
	has "$tmp/out" '^Summary of connection 2 \(resumed\)$' "TLS 1.3: connection 2 resumed"
	has "$tmp/out" 'note \(client\): a new connection to the same address: the client offers the session ticket from connection 1 \(TLS 1.3: a pre_shared_key identity\)$' "TLS 1.3: connection 2 announced"
	has "$tmp/out" '^  resumed: +yes, the session of connection 1; no certificate was exchanged in this connection$' "TLS 1.3: summary says resumed"
	has "$tmp/out" '^  key exchange: +PSK with ECDHE' "TLS 1.3: PSK with ECDHE"
	if python3 "$check" "$tmp/r13.json" ticket13 >"$tmp/chk" 2>&1; then
		ok "TLS 1.3: the PSK identity is the ticket of a NewSessionTicket of connection 1 ($(cat "$tmp/chk"))"
		read -r nst age elapsed life < <(sed 's/[a-z_]*=//g' "$tmp/chk")
		has "$tmp/out" "^  ticket: +the PSK identity offered is the ticket of NewSessionTicket $nst of connection 1 \\(lifetime $life s\\); ticket age $age ms \\(obfuscated_ticket_age - ticket_age_add, mod 2\\^32\\)" "TLS 1.3: the summary names that ticket and its age"
		if awk -v a="$age" -v e="$elapsed" 'BEGIN { exit !(a >= 0 && a <= e + 1) }'; then
			ok "TLS 1.3: ticket age $age ms is within the $elapsed ms elapsed on the timeline"
		else bad "TLS 1.3: ticket age $age ms is not within the $elapsed ms elapsed"; fi
	else bad "TLS 1.3: $(cat "$tmp/chk")"; fi
	stop_server
fi
# TLS 1.2 session tickets (RFC 5077).
if start_server gnutls-12 yes gnutls_serv "${gserv[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2; then
	expect_rc 0 "gnutls-serv TLS 1.2 tickets --resume" -- "${client[@]}" "${ca[@]}" --json "$tmp/r12.json" 127.0.0.1 -p "$port"
	has "$tmp/out" 'the client offers the session ticket from connection 1 \(TLS 1.2: the SessionTicket extension\)$' "TLS 1.2 ticket: connection 2 announced"
	has "$tmp/out" '^  key exchange: +resumed \(abbreviated handshake\)$' "TLS 1.2 ticket: abbreviated handshake"
	has "$tmp/out" '^  resumed: +yes, the session of connection 1' "TLS 1.2 ticket: summary says resumed"
	has "$tmp/out" '^  ticket: +the SessionTicket offered is the ticket of NewSessionTicket 1 of connection 1 \(lifetime hint 21600 s\)$' "TLS 1.2 ticket: the summary names the ticket"
	if python3 "$check" "$tmp/r12.json" ticket12 >"$tmp/chk" 2>&1; then ok "TLS 1.2 ticket: the SessionTicket extension carries connection 1's ticket"
	else bad "TLS 1.2 ticket: $(cat "$tmp/chk")"; fi
	stop_server
fi
# TLS 1.2 session IDs: no tickets.
if start_server gnutls-12-sid yes gnutls_serv "${gserv[@]}" --noticket --priority NORMAL:-VERS-ALL:+VERS-TLS1.2; then
	expect_rc 0 "gnutls-serv TLS 1.2 --noticket --resume" -- "${client[@]}" "${ca[@]}" --json "$tmp/rsid.json" 127.0.0.1 -p "$port"
	has "$tmp/out" 'the client offers the session ID from connection 1$' "session ID: connection 2 announced"
	has "$tmp/out" '^  resumed: +yes, the session of connection 1' "session ID: summary says resumed"
	has "$tmp/out" "^  session ID: +the ClientHello offered the session ID of connection 1's ServerHello; the server echoed it\$" "session ID: echoed"
	hasnt "$tmp/out" 'NewSessionTicket' "session ID: no ticket anywhere"
	if python3 "$check" "$tmp/rsid.json" sid >"$tmp/chk" 2>&1; then ok "session ID: the ClientHello's session_id is connection 1's ServerHello's"
	else bad "session ID: $(cat "$tmp/chk")"; fi
	stop_server
fi
# TLS 1.3 without tickets: nothing to resume, no second connection.
if start_server gnutls-13-none yes gnutls_serv "${gserv[@]}" --noticket --priority NORMAL:-VERS-ALL:+VERS-TLS1.3; then
	expect_rc 0 "gnutls-serv TLS 1.3 --noticket --resume" -- "${client[@]}" --timeout 2 "${ca[@]}" 127.0.0.1 -p "$port"
	has "$tmp/out" 'note \(client\): the server sent no session ticket; nothing to resume with$' "no ticket: noted"
	has "$tmp/out" '^  resumption: +nothing to resume: the server sent no session ticket; no second connection$' "no ticket: summary says so"
	hasnt "$tmp/out" 'connection 2' "no ticket: no second connection"
	stop_server
fi

# ---------------------------------------------------------------- openssl s_server
# TLS 1.3, stateful tickets and no session cache: the ticket cannot be resumed.
if start_server s-13-nocache yes s_server -tls1_3 -no_ticket -no_cache; then
	expect_rc 0 "s_server TLS 1.3 -no_cache --resume" -- "${client[@]}" "${ca[@]}" 127.0.0.1 -p "$port"
	has "$tmp/out" '^Summary of connection 2$' "s_server no cache: connection 2 not resumed"
	has "$tmp/out" '^  resumed: +no: the server ignored the ticket and did a full handshake$' "s_server no cache: summary says why"
	has "$tmp/out" '^  ticket: +the PSK identity offered is the ticket of NewSessionTicket [12] of connection 1' "s_server no cache: the ticket offered is named"
	stop_server
fi
# TLS 1.2, neither tickets nor a session cache: no session ID either.
if start_server s-12-nocache yes s_server -tls1_2 -no_ticket -no_cache; then
	expect_rc 0 "s_server TLS 1.2 -no_cache --resume" -- "${client[@]}" "${ca[@]}" 127.0.0.1 -p "$port"
	has "$tmp/out" 'note \(client\): the server sent no session ticket and no session ID; nothing to resume with$' "s_server TLS 1.2 nothing: noted"
	has "$tmp/out" '^  resumption: +nothing to resume: the server sent no session ticket and no session ID; no second connection$' "s_server TLS 1.2 nothing: summary says so"
	stop_server
fi

# One connection only (-naccept 1): connection 2 fails, and the run's exit code is its failure
# (reset or refused, depending on how fast s_server goes), not connection 1's success.
if start_server s-once no s_server -tls1_3 -naccept 1; then
	"${client[@]}" "${ca[@]}" 127.0.0.1 -p "$port" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" -eq 13 ] || [ "$rc" -eq 6 ]; then ok "connection 2 fails: the run exits $rc, the worse of the two"
	else bad "connection 2 fails: exit $rc, wanted 13 (reset) or 6 (refused)"; cat "$tmp/out" "$tmp/err"; fi
	has "$tmp/out" '^diagnosis: ok: ' "connection 2 fails: connection 1 was ok"
	has "$tmp/out" '^diagnosis: connection-(reset|refused)' "connection 2 fails: its diagnosis says how"
	wait_exit "$srv" 5
fi

# ---------------------------------------------------------------- early data (0-RTT)
# s_server reads its terminal: a FIFO opened read-write never ends, so it stays up.
mkfifo "$tmp/stdin"
early="tlsladder-0rtt-$$-early"
# -early_data: it accepts the early data and prints the bytes it read.
if start_server s-early yes s_server_early -early_data; then
	capture=no
	if have tshark && can_capture; then
		start_capture "$port" "$tmp/early.pcapng" && capture=yes
	fi
	expect_rc 0 "s_server -early_data --resume --early-data" -- "${client[@]}" "${ca[@]}" --keylog "$tmp/early.keylog" --early-data "$early" 127.0.0.1 -p "$port"
	has "$tmp/out" "note \\(client\\): the client sent ${#early} bytes of early data \\(0-RTT\\), encrypted with the client_early_traffic_secret, before any answer from the server\$" "early data: sent, noted"
	has "$tmp/out" '\|============== EndOfEarlyData  0 B ==============>\|  encrypted$' "early data: EndOfEarlyData on the ladder"
	has "$tmp/out" "^  early data: +offered \\(${#early} bytes sent\\) and accepted \\(early_data in EncryptedExtensions\\); the client ended it with EndOfEarlyData\$" "early data: summary says accepted"
	has "$tmp/out" '^  ticket: +the PSK identity offered is the ticket of NewSessionTicket [12] of connection 1 \(lifetime 7200 s, early data up to 16384 bytes\)' "early data: the ticket allows 16384 bytes"
	has "$tmp/early.keylog" '^CLIENT_EARLY_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{96}$' "early data: the key log holds CLIENT_EARLY_TRAFFIC_SECRET"
	sleep 0.3
	if [ "$(grep -a -c -- "$early" "$tmp/s-early.log")" = 1 ] && grep -a -q '^Early data received:$' "$tmp/s-early.log"; then
		ok "early data: s_server read exactly \"$early\""
	else bad "early data: s_server did not print \"$early\" once:"; cat -A "$tmp/s-early.log" | head -40; fi
	if [ "$capture" = yes ]; then
		sleep 1
		stop_capture
		# tshark, with the key log, decrypts the early data and sees EndOfEarlyData
		tshark -n -r "$tmp/early.pcapng" -o "tls.keylog_file:$tmp/early.keylog" -d "tcp.port==$port,tls" \
			-Y 'tls' -T fields -e tcp.stream -e tls.handshake.type -e tls.app_data \
			>"$tmp/early.tshark" 2>&1
		hex=$(printf '%s' "$early" | od -An -tx1 | tr -d ' \n')
		# (without CLIENT_EARLY_TRAFFIC_SECRET in the key log tshark shows no such data)
		if tshark -n -r "$tmp/early.pcapng" -o "tls.keylog_file:$tmp/early.keylog" -d "tcp.port==$port,tls" \
			-T fields -e data.data -e tls.segment.data -Y 'tls' 2>/dev/null | grep -q "$hex"; then
			ok "tshark decrypts the early data with the key log: \"$early\""
		else bad "tshark did not decrypt the early data:"; head -20 "$tmp/early.tshark"; fi
		has "$tmp/early.tshark" '^1[[:space:]]+([0-9,]*,)?5(,|[[:space:]]|$)' "tshark sees EndOfEarlyData (type 5) in connection 2"
		# and the same handshake messages as the ladder, per connection and direction
		wire=$(tshark -n -r "$tmp/early.pcapng" -o "tls.keylog_file:$tmp/early.keylog" -d "tcp.port==$port,tls" \
			-Y tls.handshake -T fields -e tcp.stream -e tcp.srcport -e tls.handshake.type 2>/dev/null | tee "$tmp/early.hs" |
			awk -v sp="$port" '{ d = ($2 == sp) ? "S" : "C"; gsub(",", " ", $3); l[$1 " " d] = l[$1 " " d] " " $3 }
				END { for (k in l) print k l[k] }' | sort)
		ladder=$(awk 'BEGIN { t["ClientHello"] = 1; t["ServerHello"] = 2; t["NewSessionTicket"] = 4; t["EndOfEarlyData"] = 5
				t["EncryptedExtensions"] = 8; t["Certificate"] = 11; t["CertificateRequest"] = 13
				t["CertificateVerify"] = 15; t["Finished"] = 20 }
			BEGIN { c = 0 } /---- connection 2 ----/ { c = 1 }
			/\|[-=].*>\|/ || /\|<.*[-=]\|/ { d = /\|</ ? "S" : "C"
				for (i = 1; i <= NF; i++) if ($i in t) { l[c " " d] = l[c " " d] " " t[$i]; break } }
			END { for (k in l) print k l[k] }' "$tmp/out" | sort)
		# (a server's NewSessionTickets after the client's Finished may come after the client
		# stopped reading: on the wire, not read; the trailing ones are left out on both sides)
		wire=$(sed -E 's/( 4)+$//' <<<"$wire")
		ladder=$(sed -E 's/( 4)+$//' <<<"$ladder")
		if [ -n "$wire" ] && [ "$wire" = "$ladder" ]; then ok "tshark sees the ladder's messages: $(tr '\n' ';' <<<"$wire")"
		else bad "tshark's messages differ from the ladder's:"; echo "wire:   $wire"; echo "ladder: $ladder"; cat "$tmp/early.hs"; fi
	fi
	stop_server
fi
# Tickets that allow early data, but a server that does not read it: rejected, skipped.
if start_server s-early-rejected yes s_server_early -max_early_data 16384; then
	expect_rc 0 "s_server -max_early_data (no -early_data) --resume --early-data" -- "${client[@]}" "${ca[@]}" --early-data "$early" 127.0.0.1 -p "$port"
	has "$tmp/out" "^  early data: +offered \\(${#early} bytes sent\\) and rejected: no early_data in EncryptedExtensions; the server skipped it unread\$" "early data rejected: summary says so"
	hasnt "$tmp/out" 'EndOfEarlyData' "early data rejected: no EndOfEarlyData"
	has "$tmp/out" '^Summary of connection 2 \(resumed\)$' "early data rejected: the resumption itself was accepted"
	sleep 0.3
	hasnt "$tmp/s-early-rejected.log" "$early" "early data rejected: s_server never read it"
	stop_server
fi
# Tickets without early_data: nothing is sent, and the ClientHello does not offer it.
if start_server s-early-none yes s_server_early; then
	expect_rc 0 "s_server (no early data in tickets) --resume --early-data" -- "${client[@]}" "${ca[@]}" --early-data "$early" 127.0.0.1 -p "$port"
	has "$tmp/out" 'note \(client\): no early data sent: the ticket allows none \(its NewSessionTicket carried no early_data extension\)$' "no early data in the ticket: noted"
	hasnt "$tmp/out" '^  early data:' "no early data in the ticket: none offered"
	stop_server
fi

finish resume
