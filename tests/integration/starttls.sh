#!/usr/bin/env bash
# --starttls PROTO against real servers on loopback, started and stopped
# here by pid: Postfix (SMTP), Dovecot (IMAP, POP3, ManageSieve, LMTP), each
# with the demo server certificate, and with a client certificate asked for;
# and fakes.py for FTP, XMPP, PostgreSQL, LDAP and every failure. Each check
# is an exact ladder row (times left out), an exact diagnosis line or an
# exact exit code.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

client=("$bin" --text --timeout 5 --cafile "$certs/root-ca.pem" --sni localhost)

# rows FILE: the ladder rows of FILE without their time column ("   4  |<... 220 ...|  plain 29 B")
rows() { sed -nE 's/^( *[0-9]+) +[0-9]+\.[0-9]{3}  (.*)$/\1  \2/p' "$1"; }
# row FILE LINE DESCRIPTION: that exact row is in FILE's ladder
row() {
	if rows "$1" | grep -qFx -- "$2"; then ok "$3"; else bad "$3: no row"; echo "  wanted: $2"; rows "$1"; fi
}
# inrow FILE LINE DESCRIPTION: that exact row, without its step number, is in FILE's ladder (rows whose place
# depends on when the server's NewSessionTicket comes)
inrow() {
	if rows "$1" | sed -E 's/^ *[0-9]+  //' | grep -qFx -- "$2"; then ok "$3"; else bad "$3: no row"; echo "  wanted: $2"; rows "$1"; fi
}
# line FILE LINE DESCRIPTION: that exact line is in FILE
line() { if grep -qFx -- "$2" "$1"; then ok "$3"; else bad "$3: no line"; echo "  wanted: $2"; cat "$1"; fi; }

# ---------------------------------------------------------------- Postfix
if [ "$(id -u)" != 0 ] || [ ! -x /usr/lib/postfix/sbin/master ]; then
	echo "skip postfix: needs root and the postfix package"
elif start_server postfix yes run_postfix; then
	expect_rc 0 "postfix: STARTTLS and a TLS handshake" -- "${client[@]}" --starttls smtp \
		--pcap "$tmp/smtp.pcapng" --json "$tmp/smtp.json" "127.0.0.1:$port"
	cp "$tmp/out" "$tmp/smtp.txt"
	row "$tmp/smtp.txt" "   4  |<......... 220 mail.example.test ESMTP ...........|  plain 29 B" "postfix: greeting row"
	row "$tmp/smtp.txt" "   5  |................. EHLO tlsladder ................>|  plain 16 B" "postfix: EHLO row"
	row "$tmp/smtp.txt" "   6  |<............ 250-mail.example.test ..............|  plain 23 B" "postfix: EHLO reply, first line"
	row "$tmp/smtp.txt" "  11  |<................. 250-STARTTLS ..................|  plain 14 B" "postfix: 250-STARTTLS row"
	row "$tmp/smtp.txt" "  16  |<................. 250 CHUNKING ..................|  plain 14 B" "postfix: the reply's last line"
	row "$tmp/smtp.txt" "  17  |.................... STARTTLS ...................>|  plain 10 B" "postfix: STARTTLS row"
	row "$tmp/smtp.txt" "  18  |<......... 220 2.0.0 Ready to start TLS ..........|  plain 30 B" "postfix: its go-ahead"
	row "$tmp/smtp.txt" "  19  |--------------- ClientHello  386 B -------------->|" "postfix: then the ClientHello"
	line "$tmp/smtp.txt" "diagnosis: ok: The handshake completed and everything checked out." "postfix: diagnosis ok"
	# after the handshake: EHLO again, inside TLS (RFC 3207 4.2), its reply, and QUIT, as encrypted rows
	inrow "$tmp/smtp.txt" "|================= EHLO tlsladder ================>|  encrypted 16 B" "postfix: EHLO over TLS"
	inrow "$tmp/smtp.txt" "|<============ 250-mail.example.test ==============|  encrypted 23 B" "postfix: its reply over TLS"
	inrow "$tmp/smtp.txt" "|<================= 250 CHUNKING ==================|  encrypted 14 B" "postfix: the reply's last line over TLS"
	inrow "$tmp/smtp.txt" "|====================== QUIT =====================>|  encrypted 6 B" "postfix: QUIT over TLS"
	inrow "$tmp/smtp.txt" "|<================ 221 2.0.0 Bye ==================|  encrypted 15 B" "postfix: its goodbye over TLS"
	# the saved run replays to the same text
	expect_rc 0 "postfix: the saved run replays" -- "$bin" --text --replay "$tmp/smtp.json"
	if diff <(rows "$tmp/smtp.txt") <(rows "$tmp/out") >/dev/null; then ok "postfix: replay draws the same rows"
	else bad "postfix: replay differs"; diff <(rows "$tmp/smtp.txt") <(rows "$tmp/out"); fi
	# the capture: SMTP, then TLS on the same stream, as Wireshark reads it
	if have tshark; then
		tshark -r "$tmp/smtp.pcapng" -d "tcp.port==$port,smtp" -T fields -e frame.number -e _ws.col.Info \
			>"$tmp/tshark.txt" 2>/dev/null
		has "$tmp/tshark.txt" "C: EHLO tlsladder" "pcap: tshark reads the EHLO"
		has "$tmp/tshark.txt" "S: 220 2.0.0 Ready to start TLS" "pcap: tshark reads the go-ahead"
		has "$tmp/tshark.txt" "Client Hello" "pcap: tshark reads the ClientHello after it"
		# the EHLO over TLS travels in a TLS application-data record (23), which tshark decrypts
		# with the capture's secrets: once in clear, once inside TLS
		tshark -r "$tmp/smtp.pcapng" -d "tcp.port==$port,smtp" -T fields -e tls.record.content_type \
			-e _ws.col.Info -Y 'smtp.req.command == "EHLO"' >"$tmp/tshark-ehlo.txt" 2>/dev/null
		if [ "$(cut -f1 "$tmp/tshark-ehlo.txt" | tr '\n' ' ')" = " 23 " ]; then
			ok "pcap: the first EHLO in clear, the second inside a TLS record"
		else bad "pcap: EHLO records"; cat "$tmp/tshark-ehlo.txt"; fi
	fi
	stop_server
fi

# Postfix requiring a client certificate (smtpd_tls_req_ccert needs mandatory TLS)
if [ "$(id -u)" = 0 ] && [ -x /usr/lib/postfix/sbin/master ] && start_server postfix-ccert yes run_postfix \
	"smtpd_tls_security_level = encrypt
smtpd_tls_ask_ccert = yes
smtpd_tls_req_ccert = yes
smtpd_tls_CAfile = $certs/root-ca.pem"; then
	expect_rc 0 "postfix, client certificate required: sent" -- "${client[@]}" --starttls smtp \
		--cert "$certs/client-chain.pem" --key "$certs/client.key" "127.0.0.1:$port"
	row "$tmp/out" "  24  |<========== CertificateRequest  121 B ============|  encrypted" "postfix: asks for a certificate"
	row "$tmp/out" "  28  |============== Certificate  1041 B ==============>|  encrypted" "postfix: the client's chain goes"
	line "$tmp/out" "  client certificate: requested; sent a chain of 2 certificates" "postfix: the summary says so"
	# the server waits for the client's certificate, so its ticket comes before the EHLO over TLS
	row "$tmp/out" "  32  |================= EHLO tlsladder ================>|  encrypted 16 B" "postfix: EHLO over TLS"
	row "$tmp/out" "  33  |<============ 250-mail.example.test ==============|  encrypted 23 B" "postfix: accepted, its reply"
	row "$tmp/out" "  42  |<================= 250 CHUNKING ==================|  encrypted 14 B" "postfix: the reply's last line"
	row "$tmp/out" "  43  |====================== QUIT =====================>|  encrypted 6 B" "postfix: QUIT over TLS"
	row "$tmp/out" "  44  |<================ 221 2.0.0 Bye ==================|  encrypted 15 B" "postfix: its goodbye"
	line "$tmp/out" "diagnosis: ok: The handshake completed and everything checked out." "postfix, with a certificate: ok"
	# without a certificate: the handshake completes, then Postfix refuses inside TLS: never ok
	expect_rc 4 "postfix, client certificate required, none sent: rejected" -- "${client[@]}" --starttls smtp \
		"127.0.0.1:$port"
	row "$tmp/out" "  28  |================ Certificate  4 B ===============>|  encrypted" \
		"postfix, client certificate required: none sent (empty Certificate)"
	line "$tmp/out" "  client certificate: requested, but none was sent (empty Certificate message)" \
		"postfix: the summary says none was sent"
	row "$tmp/out" "  30  |<=========== NewSessionTicket  229 B =============|  encrypted" "postfix: its ticket"
	row "$tmp/out" "  31  |================= EHLO tlsladder ================>|  encrypted 16 B" "postfix: EHLO over TLS"
	row "$tmp/out" "  32  |<= 421 4.7.1 mail.example.test Error: No client ==|  encrypted 68 B" "postfix: its refusal inside TLS"
	row "$tmp/out" "  33  |====================== QUIT =====================>|  encrypted 6 B" "postfix: QUIT over TLS"
	row "$tmp/out" "  34  |<======== Alert warning close_notify (0) =========|  encrypted" "postfix: then it closes"
	line "$tmp/out" "diagnosis: client-cert-missing: The server asked for a client certificate and none was sent (the Certificate message is empty). The TLS handshake itself completed; then the server refused after the handshake, inside TLS, in SMTP: 421 4.7.1 mail.example.test Error: No client certificate presented. (evidence: steps 24, 28, 32)" \
		"postfix: the diagnosis quotes the refusal after the handshake"
	stop_server
fi

# ---------------------------------------------------------------- Dovecot
# start_dovecot NAME [CONF LINES]: Dovecot on four ports in a row; one of them
# may be taken (an ephemeral port of another test's connection), and Dovecot
# then stops after it listened on the first: it is started again elsewhere.
start_dovecot() {
	local name="$1" try
	shift
	for try in 1 2 3 4 5; do
		if launch_server "$name" no run_dovecot "$@"; then
			sleep 0.5
			kill -0 "$srv" 2>/dev/null && return 0
			stop_server
		fi
	done
	bad "$name did not start"
	cat "$tmp/$name.log"
	return 1
}
if [ "$(id -u)" != 0 ] || ! have dovecot; then
	echo "skip dovecot: needs root and dovecot"
elif start_dovecot dovecot; then
	expect_rc 0 "dovecot imap: STARTTLS and a handshake" -- "${client[@]}" --starttls imap "127.0.0.1:$port"
	row "$tmp/out" "   5  |................. a1 CAPABILITY .................>|  plain 15 B" "imap: CAPABILITY row"
	row "$tmp/out" "   8  |.................. a2 STARTTLS ..................>|  plain 13 B" "imap: STARTTLS row"
	row "$tmp/out" "   9  |<....... a2 OK Begin TLS negotiation now. ........|  plain 34 B" "imap: the go-ahead"
	line "$tmp/out" "diagnosis: ok: The handshake completed and everything checked out." "imap: diagnosis ok"
	expect_rc 0 "dovecot pop3: STLS and a handshake" -- "${client[@]}" --starttls pop3 "127.0.0.1:$((port + 1))"
	row "$tmp/out" "   5  |...................... CAPA .....................>|  plain 6 B" "pop3: CAPA row"
	row "$tmp/out" "  13  |<..................... STLS ......................|  plain 6 B" "pop3: STLS offered"
	row "$tmp/out" "  18  |<........ +OK Begin TLS negotiation now. .........|  plain 32 B" "pop3: the go-ahead"
	line "$tmp/out" "diagnosis: ok: The handshake completed and everything checked out." "pop3: diagnosis ok"
	expect_rc 0 "dovecot managesieve: STARTTLS and a handshake" -- "${client[@]}" --starttls sieve \
		"127.0.0.1:$((port + 2))"
	row "$tmp/out" "   8  |<.................. \"STARTTLS\" ...................|  plain 12 B" "sieve: STARTTLS offered in the greeting"
	row "$tmp/out" "  11  |.................... STARTTLS ...................>|  plain 10 B" "sieve: STARTTLS row"
	expect_rc 0 "dovecot lmtp: STARTTLS and a handshake" -- "${client[@]}" --starttls lmtp "127.0.0.1:$((port + 3))"
	row "$tmp/out" "   5  |................. LHLO tlsladder ................>|  plain 16 B" "lmtp: LHLO row"
	row "$tmp/out" "  13  |<..... 220 2.0.0 Begin TLS negotiation now. ......|  plain 38 B" "lmtp: the go-ahead"
	inrow "$tmp/out" "|================= LHLO tlsladder ================>|  encrypted 16 B" "lmtp: LHLO again, over TLS"
	stop_server
fi
# Dovecot asking for a client certificate (verified against the demo root)
if [ "$(id -u)" = 0 ] && have dovecot && start_dovecot dovecot-ccert "ssl_ca = <$certs/root-ca.pem
ssl_verify_client_cert = yes
auth_ssl_require_client_cert = yes"; then
	expect_rc 0 "dovecot imap, client certificate: sent" -- "${client[@]}" --starttls imap \
		--cert "$certs/client-chain.pem" --key "$certs/client.key" "127.0.0.1:$port"
	has "$tmp/out" "CertificateRequest" "dovecot: asks for a certificate"
	line "$tmp/out" "  client certificate: requested; sent a chain of 2 certificates" "dovecot: the chain was sent"
	"${client[@]}" --starttls imap "127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err" </dev/null
	line "$tmp/out" "  client certificate: requested, but none was sent (empty Certificate message)" \
		"dovecot: without one, the summary says none was sent"
	stop_server
fi

# ---------------------------------------------------------------- fakes: the other protocols
if start_fake starttls-ftp; then
	expect_rc 0 "ftp: AUTH TLS and a handshake" -- "${client[@]}" --starttls ftp "127.0.0.1:$fport"
	row "$tmp/out" "   5  |...................... FEAT .....................>|  plain 6 B" "ftp: FEAT row"
	row "$tmp/out" "   7  |<..................  AUTH TLS ....................|  plain 11 B" "ftp: AUTH TLS offered"
	row "$tmp/out" "  12  |.................... AUTH TLS ...................>|  plain 10 B" "ftp: AUTH TLS row"
	row "$tmp/out" "  13  |<........ 234 Proceed with negotiation. ..........|  plain 31 B" "ftp: the go-ahead"
	stop_server "$fpid"
fi
if start_fake starttls-xmpp; then
	expect_rc 0 "xmpp: <starttls/> and a handshake" -- "${client[@]}" --starttls xmpp --xmpp-host chat.example.test \
		--json "$tmp/xmpp.json" "127.0.0.1:$fport"
	row "$tmp/out" "   8  |<. <starttls xmlns='urn:ietf:params:xml:ns:xmpp ..|  plain 50 B" "xmpp: <starttls> offered"
	row "$tmp/out" "  15  |<.............. </stream:features> ...............|  plain 18 B" "xmpp: the features end"
	row "$tmp/out" "  16  |.. <starttls xmlns='urn:ietf:params:xml:ns:xmpp .>|  plain 51 B" "xmpp: the request"
	row "$tmp/out" "  17  |<. <proceed xmlns='urn:ietf:params:xml:ns:xmpp- ..|  plain 50 B" "xmpp: <proceed/>"
	has "$tmp/xmpp.json" "to='chat.example.test' version='1.0'>\"" "xmpp: --xmpp-host names the stream's to="
	stop_server "$fpid"
fi
if start_fake starttls-postgres; then
	expect_rc 0 "postgres: SSLRequest and a handshake" -- "${client[@]}" --starttls postgres "127.0.0.1:$fport"
	row "$tmp/out" "   4  |...... SSLRequest (length 8, code 80877103) .....>|  plain 8 B" "postgres: SSLRequest row"
	row "$tmp/out" "   5  |<.............. S (will speak TLS) ...............|  plain 1 B" "postgres: S row"
	stop_server "$fpid"
fi
if start_fake starttls-ldap; then
	expect_rc 0 "ldap: StartTLS and a handshake" -- "${client[@]}" --starttls ldap "127.0.0.1:$fport"
	row "$tmp/out" "   4  |.. ExtendedRequest StartTLS (1.3.6.1.4.1.1466.2 .>|  plain 31 B" "ldap: ExtendedRequest row"
	row "$tmp/out" "   5  |<........ ExtendedResponse: success (0) ..........|  plain 14 B" "ldap: ExtendedResponse row"
	stop_server "$fpid"
fi

# ---------------------------------------------------------------- fakes: failures
# failure MODE PROTO WANT_RC DIAGNOSIS_LINE DESCRIPTION
failure() {
	if start_fake "$1"; then
		expect_rc "$3" "$5" -- "${client[@]}" --timeout 2 --starttls "$2" "127.0.0.1:$fport"
		line "$tmp/out" "$4" "$5: the diagnosis"
		stop_server "$fpid"
	fi
}
failure smtp-no-starttls smtp 12 "diagnosis: starttls-not-offered: The SMTP server did not offer STARTTLS: its capabilities (PIPELINING, SIZE 10240000, 8BITMIME) do not include STARTTLS, so the connection cannot be upgraded to TLS. (evidence: steps 6, 10)" "smtp, STARTTLS not offered"
row "$tmp/out" "  11  |...................... QUIT .....................>|  plain 6 B" "smtp, not offered: QUIT"
row "$tmp/out" "  12  |<................ 221 2.0.0 Bye ..................|  plain 15 B" "smtp, not offered: the server's goodbye"
failure smtp-refuse smtp 12 "diagnosis: starttls-refused: The SMTP server refused to start TLS: it answered STARTTLS with \"454 4.7.0 TLS not available due to local problem\". (evidence: steps 11, 12)" "smtp, STARTTLS refused"
failure smtp-refuse-in-tls smtp 4 "diagnosis: starttls-refused-after-handshake: The TLS handshake completed, but then the server refused after the handshake, inside TLS, in SMTP: 554 5.7.1 <tlsladder>: Helo command rejected: Access denied. (evidence: step 22)" "smtp, refused inside TLS"
row "$tmp/out" "  21  |================= EHLO tlsladder ================>|  encrypted 16 B" "smtp, refused inside TLS: EHLO"
row "$tmp/out" "  22  |<= 554 5.7.1 <tlsladder>: Helo command rejected ==|  encrypted 61 B" "smtp, refused inside TLS: the reply"
row "$tmp/out" "  23  |====================== QUIT =====================>|  encrypted 6 B" "smtp, refused inside TLS: QUIT"
failure smtp-bad-greeting smtp 1 "diagnosis: starttls-unexpected-reply: The server's reply makes no sense for SMTP at that point: \"554 5.3.2 No service here\". (evidence: steps 4, 5)" "smtp, a greeting that is not 220"
failure smtp-endless smtp 1 "diagnosis: starttls-unexpected-reply: The server's SMTP reply went on past 64 lines without an end (the last read: \"250-LINE63\"); SMTP servers end their replies well before that. (evidence: steps 69, 70)" "smtp, a reply without end"
failure postgres-refuse postgres 12 "diagnosis: starttls-refused: The PostgreSQL server refused to start TLS: it answered SSLRequest with \"N (will not speak TLS)\". (evidence: steps 5, 6)" "postgres, N"
failure postgres-error postgres 1 "diagnosis: starttls-unexpected-reply: The server's reply makes no sense for PostgreSQL at that point: \"E (an ErrorResponse, not an answer to SSLRequest)\". (evidence: steps 5, 6)" "postgres, an ErrorResponse"
failure ldap-refuse ldap 12 "diagnosis: starttls-refused: The LDAP server refused to start TLS: it answered the StartTLS request with \"ExtendedResponse: unavailable (52): TLS is not configured\". (evidence: steps 5, 6)" "ldap, unavailable"
row "$tmp/out" "   7  |................. UnbindRequest .................>|  plain 7 B" "ldap, refused: UnbindRequest"
failure xmpp-failure xmpp 12 "diagnosis: starttls-refused: The XMPP server refused to start TLS: it answered <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/> with \"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\". (evidence: steps 17, 18)" "xmpp, <failure/>"
# a server that greets and then goes silent: the deadline ends it (exit 7), within --timeout 2
if start_fake smtp-mute; then
	t0=$(date +%s%N)
	expect_rc 7 "smtp, silent after its greeting" -- "${client[@]}" --timeout 2 --starttls smtp "127.0.0.1:$fport"
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -ge 1900 ] && [ "$ms" -lt 4000 ]; then ok "smtp, silent: ended by the deadline (${ms} ms)"
	else bad "smtp, silent: took ${ms} ms, wanted about 2 s"; fi
	line "$tmp/out" "diagnosis: timeout: The SMTP server sent no answer to EHLO within 2 s. (evidence: step 6)" \
		"smtp, silent: the diagnosis"
	stop_server "$fpid"
fi

# q in the interactive ladder stops a run waiting on a silent server (exit 8), long before its deadline
if have tmux && start_fake smtp-mute; then
	sock="tlsladder-starttls-$$"
	tmux -L "$sock" new-session -d -x 120 -y 40 \
		"$(printf '%q ' "$bin" --timeout 30 --starttls smtp "127.0.0.1:$fport"); echo \$? >$tmp/q.rc; sleep 30"
	for ((i = 0; i < 100; i++)); do
		tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q "EHLO tlsladder" && break
		sleep 0.05
	done
	t0=$(date +%s%N)
	tmux -L "$sock" send-keys q
	for ((i = 0; i < 100; i++)); do [ -s "$tmp/q.rc" ] && break; sleep 0.05; done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$(cat "$tmp/q.rc" 2>/dev/null)" = 8 ] && [ "$ms" -lt 3000 ]; then ok "q stops the exchange with a silent server (exit 8, ${ms} ms)"
	else bad "q did not stop the exchange: exit '$(cat "$tmp/q.rc" 2>/dev/null)' after ${ms} ms"; tmux -L "$sock" capture-pane -p; fi
	tmux -L "$sock" kill-server 2>/dev/null
	stop_server "$fpid"
fi

# ---------------------------------------------------------------- the command line
expect_rc 2 "--starttls takes a known protocol" -- "$bin" --starttls gopher localhost
line "$tmp/err" "tlsladder: --starttls takes smtp, lmtp, imap, pop3, ftp, xmpp, postgres, ldap, sieve, not \"gopher\"" \
	"--starttls gopher: the message"
expect_rc 2 "--xmpp-host goes with --starttls xmpp" -- "$bin" --starttls smtp --xmpp-host x localhost
expect_rc 2 "--starttls is for the client" -- "$bin" serve --starttls smtp

finish starttls
