#!/usr/bin/env bash
# Every way a client run can fail, against real misbehaving peers on
# loopback: the exact exit code, the one-line cause in plain words on
# stderr, and an end within the deadline.
#   fakes.py    servers that break the protocol (silent, HTTP, SSH, ...)
#   gnutls-serv real TLS servers with bad certificates or narrow priorities
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# fault WANT_RC MAX_SECONDS DESCRIPTION -- command...
# Runs the command (stdout $tmp/out, stderr $tmp/err), checks the exit code
# and that it ended within MAX_SECONDS (a generous bound, not a measurement).
fault() {
	local want="$1" max="$2" what="$3"
	shift 4
	local t0 t1 ms rc
	t0=$(date +%s%N)
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, wanted $want"; cat "$tmp/err"; fi
	if [ "$ms" -lt $((max * 1000)) ]; then ok "$what: ended in ${ms} ms (< ${max} s)"; else bad "$what: took ${ms} ms, limit ${max} s"; fi
}
# cause PHRASE DESCRIPTION: the last line on stderr is the cause, with PHRASE in it
cause() {
	local line
	line=$(tail -n 1 "$tmp/err")
	if grep -qF -- "$1" <<<"$line" && [[ "$line" == tlsladder:* ]]; then
		ok "$2: \"$1\""
	else
		bad "$2: last stderr line lacks \"$1\":"
		cat "$tmp/err"
	fi
}

# start_serv GNUTLS-SERV-ARGS...: a fresh gnutls-serv; sets sport and spid
start_serv() {
	sport=""
	if launch_server serv yes gnutls_serv --disable-client-cert "$@"; then
		sport=$port
		spid=$srv
		return 0
	fi
	bad "gnutls-serv $* did not start"
	cat "$tmp/serv.log"
	return 1
}

T=2        # --timeout for every case
LIMIT=4    # and the bound on its wall time
client=("$bin" --text --timeout "$T" --cafile "$certs/root-ca.pem")

# ---- peers that do not speak TLS, or stop ----

if start_fake silent; then
	fault 7 $LIMIT "silent server" -- "${client[@]}" 127.0.0.1 -p "$fport"
	cause "the server accepted the connection but never answered" "silent server"
	has "$tmp/out" "^diagnosis: timeout: " "silent server: diagnosis timeout"
	has "$tmp/err" 'waiting for the server: no answer for 1 s' "silent server: the wait is said on stderr"
	has "$tmp/out" 'note \(client\): waiting for the server' "silent server: the wait is a note in the ladder"
	stop_server "$fpid"
fi

# not_tls MODE DESCRIPTION SENTENCE: a fake that speaks MODE; exit 12, the cause on stderr,
# and the exact diagnosis line (starting with a capital letter)
not_tls() {
	if start_fake "$1"; then
		fault 12 $LIMIT "$2" -- "${client[@]}" 127.0.0.1 -p "$fport"
		local bare="${3%[.?]}"
		cause "$(tr 'A-Z' 'a-z' <<<"${bare:0:1}")${bare:1}" "$2"
		has "$tmp/out" "^diagnosis: not-tls: $(sed 's/[][().*?]/\\&/g' <<<"$3") \\(evidence" "$2: diagnosis not-tls, exact sentence"
		stop_server "$fpid"
	fi
}
not_tls http "plain HTTP server" "The server answered in plain HTTP (status 400), not TLS: this port serves HTTP without TLS; is this the HTTPS port?"
not_tls html "HTTP server answering with a bare HTML page" "The server answered with an HTML page and no HTTP status line, not TLS: a plain HTTP server took the ClientHello for an old-style (HTTP/0.9) request; is this the HTTPS port?"
not_tls ssh "SSH server" "The server speaks SSH, not TLS: it sent an SSH banner."
not_tls smtp "SMTP server" "The server greeted with an SMTP banner, not TLS: this is a mail server that speaks plain text first; TLS would start only after STARTTLS."
not_tls imap "IMAP server" "The server greeted with an IMAP banner, not TLS: this is a mail server (IMAP) that speaks plain text first; TLS would start only after STARTTLS."
not_tls pop3 "POP3 server" "The server greeted with a POP3 banner, not TLS: this is a mail server (POP3) that speaks plain text first; TLS would start only after STARTTLS (the STLS command)."
not_tls ftp "FTP server" "The server greeted with an FTP banner, not TLS: this is an FTP server that speaks plain text first; TLS would start only after the client asks for it (AUTH TLS, FTP's STARTTLS)."
if start_fake smtp; then
	fault 12 $LIMIT "SMTP server: the fix" -- "${client[@]}" 127.0.0.1 -p "$fport"
	has "$tmp/out" "^fix: Use the service's TLS port \\(465 for SMTP submission, 993 for IMAP, 995 for POP3, 990 for FTP\\), or STARTTLS on this port: --starttls smtp\\.$" "SMTP server: the fix names the TLS ports and --starttls"
	stop_server "$fpid"
fi

# Python's own http.server answers a ClientHello with an HTML page and no status line
if command -v python3 >/dev/null; then
	hroot="$tmp/httproot"
	mkdir -p "$hroot"
	hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$hroot" "$hport" >"$tmp/httpserver.log" 2>&1 &
	hpid=$!
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$hport") 2>/dev/null && break
		sleep 0.1
	done
	fault 12 $LIMIT "python3 -m http.server" -- "${client[@]}" 127.0.0.1 -p "$hport"
	has "$tmp/out" "^diagnosis: not-tls: The server answered with an HTML page and no HTTP status line, not TLS: " "python3 -m http.server: a bare HTML page, named as such"
	kill "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
fi

if start_fake garbage; then
	fault 12 $LIMIT "server answering random bytes" -- "${client[@]}" 127.0.0.1 -p "$fport"
	cause "the server answered with something that is not TLS (first byte 0x" "server answering random bytes"
	has "$tmp/out" "^diagnosis: not-tls: The server answered with something that is not TLS \\(first byte 0x[89a-f][0-9a-f]\\)\\. " "server answering random bytes: diagnosis not-tls"
	stop_server "$fpid"
fi

if start_fake close; then
	fault 1 $LIMIT "server closing after the ClientHello" -- "${client[@]}" 127.0.0.1 -p "$fport"
	cause "the server closed the connection without answering" "server closing after the ClientHello"
	has "$tmp/out" "^diagnosis: connection-closed: " "server closing after the ClientHello: diagnosis connection-closed"
	stop_server "$fpid"
fi

if start_fake reset; then
	fault 13 $LIMIT "server resetting after the ClientHello" -- "${client[@]}" 127.0.0.1 -p "$fport"
	cause "the server reset the connection" "server resetting after the ClientHello"
	has "$tmp/out" "^diagnosis: connection-reset: " "server resetting after the ClientHello: diagnosis connection-reset"
	stop_server "$fpid"
fi

# A real server behind a proxy that passes on only its first record.
if start_serv --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key"; then
	if start_fake stall "$sport"; then
		fault 7 $LIMIT "server stalling after its ServerHello" -- "${client[@]}" 127.0.0.1 -p "$fport"
		cause "the server stopped answering after its ServerHello" "server stalling after its ServerHello"
		has "$tmp/out" "^diagnosis: timeout: " "server stalling after its ServerHello: diagnosis timeout"
		has "$tmp/out" '\|<-+ ServerHello .*\|' "stalling server: its ServerHello is on the ladder"
		has "$tmp/out" 'note \(client\): waiting for the server' "stalling server: the wait is a note in the ladder"
		stop_server "$fpid"
	fi
	# ... and behind one that flips a bit in its first encrypted record: a record
	# that fails decryption is said as such, not as an encrypted key file
	if start_fake corrupt "$sport"; then
		fault 1 $LIMIT "a record altered on the way" -- "${client[@]}" 127.0.0.1 -p "$fport"
		cause "handshake failed: a record from the peer failed decryption (its integrity check did not pass): the two sides derived different keys, or the record was altered on the way" \
			"a record altered on the way"
		hasnt "$tmp/out" 'key file' "a record altered on the way: no key file mentioned"
		has "$tmp/out" "^diagnosis: record-integrity: A record from the server failed its integrity check, so this side could not decrypt it and ended the handshake: the two sides derived different keys, or something on the way altered the record\. \(evidence" \
			"a record altered on the way: diagnosis record-integrity"
		stop_server "$fpid"
	fi
	stop_server "$spid"
fi

# ---- before any TLS: name, connection ----

fault 10 $LIMIT "name that does not resolve" -- "${client[@]}" nonexistent.invalid -p 443
cause "the host name nonexistent.invalid does not resolve" "name that does not resolve"
has "$tmp/out" "^diagnosis: dns-failure: " "name that does not resolve: diagnosis dns-failure"

closed=$(free_port)
fault 6 $LIMIT "closed port" -- "${client[@]}" 127.0.0.1 -p "$closed"
cause "connection refused: nothing listens on 127.0.0.1 port $closed" "closed port"
has "$tmp/out" "^diagnosis: connection-refused: " "closed port: diagnosis connection-refused"

# ---- the server's certificate ----

# check_cert DESCRIPTION VERDICT-PHRASE CAFILE GNUTLS-SERV-ARGS...
check_cert() {
	local what="$1" verdict="$2" ca="$3" diag="$4"
	shift 4
	start_serv "$@" || return
	fault 3 $LIMIT "$what" -- "$bin" --text --timeout "$T" --cafile "$ca" 127.0.0.1 -p "$sport"
	cause "the server's certificate did not verify: NOT trusted: " "$what"
	has "$tmp/out" "server certificate: +NOT trusted: .*$verdict" "$what: the verdict says \"$verdict\""
	has "$tmp/out" 'outcome: +handshake completed' "$what: report mode finishes the handshake"
	has "$tmp/out" "^diagnosis: $diag: " "$what: diagnosis $diag"
	fault 3 $LIMIT "$what, --verify strict" -- "$bin" --text --timeout "$T" --cafile "$ca" --verify strict 127.0.0.1 -p "$sport"
	cause "the server's certificate did not verify, so the handshake was aborted" "$what, --verify strict"
	has "$tmp/out" "server certificate: +NOT trusted: .*$verdict" "$what, --verify strict: the verdict says \"$verdict\""
	has "$tmp/out" '\|=+ Alert fatal bad_certificate \(42\) =+>\|' "$what, --verify strict: the client aborts with bad_certificate"
	hasnt "$tmp/out" '\|[-=]+ Finished .*>\|' "$what, --verify strict: the client sends no Finished"
	stop_server "$spid"
}
# the control: the same server setup with a good certificate
if start_serv --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key"; then
	fault 0 $LIMIT "good certificate (control)" -- "${client[@]}" 127.0.0.1 -p "$sport"
	has "$tmp/out" "server certificate: +trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches '127.0.0.1'" \
		"good certificate trusted"
	stop_server "$spid"
fi
check_cert "expired server certificate" "certificate 1 expired [0-9]+ days ago" "$certs/root-ca.pem" server-cert-expired \
	--x509certfile "$certs/server-expired-chain.pem" --x509keyfile "$certs/server-expired.key"
check_cert "self-signed server certificate" "self-signed and not in the trust store" "$certs/root-ca.pem" server-cert-self-signed \
	--x509certfile "$certs/server-selfsigned.pem" --x509keyfile "$certs/server-selfsigned.key"
check_cert "server certificate from an unknown CA" "issuer 'CN=tlsladder Demo Root CA.*' unknown" "$certs/other-ca.pem" server-cert-untrusted \
	--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key"
check_cert "server certificate for another name" "name mismatch: certificate 1 is for wrong.example, not '127.0.0.1'" "$certs/root-ca.pem" server-cert-name-mismatch \
	--x509certfile "$certs/server-wrong-name-chain.pem" --x509keyfile "$certs/server-wrong-name.key"

# ---- nothing in common ----

tls=(--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key")
# GnuTLS servers answer every mismatch with handshake_failure (40)
if start_serv "${tls[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2; then
	fault 11 $LIMIT "TLS 1.2 server, TLS 1.3 client" -- "${client[@]}" --tls1.3 127.0.0.1 -p "$sport"
	cause "the server found nothing in common with the offer" "TLS 1.2 server, TLS 1.3 client"
	has "$tmp/out" '\|<-+ Alert fatal handshake_failure \(40\) -+\|' "TLS 1.2 server, TLS 1.3 client: the server's alert on the ladder"
	stop_server "$spid"
fi
if start_serv "${tls[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3; then
	fault 11 $LIMIT "TLS 1.3 server, TLS 1.2 client" -- "${client[@]}" --tls1.2 127.0.0.1 -p "$sport"
	cause "the server found nothing in common with the offer" "TLS 1.3 server, TLS 1.2 client"
	has "$tmp/out" "^diagnosis: no-shared-cipher: The server found nothing in common with the client's offer, and its alert handshake_failure \(40\) does not say what: a TLS version, a cipher suite, a key exchange group or a signature algorithm\. For a version mismatch RFC 8446 asks for protocol_version \(70\), which OpenSSL sends; GnuTLS servers send handshake_failure \(40\) for it too\. \(evidence" \
		"TLS 1.3 server, TLS 1.2 client: handshake_failure (40) is not taught as a version alert"
	stop_server "$spid"
fi
if start_serv "${tls[@]}" --priority NORMAL:-CIPHER-ALL:+AES-128-GCM; then
	fault 11 $LIMIT "no cipher suite in common" -- "${client[@]}" --priority NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305 127.0.0.1 -p "$sport"
	cause "the server found nothing in common with the offer, without saying what: a TLS version, cipher suite, group or signature algorithm (alert handshake_failure (40)" "no cipher suite in common"
	stop_server "$spid"
fi
# OpenSSL answers a version mismatch with protocol_version (70)
if command -v openssl >/dev/null; then
	# s_server_12 PORT: for launch_server
	s_server_12() {
		exec openssl s_server -quiet -accept "$1" -cert "$certs/server-ecdsa-chain.pem" -key "$certs/server-ecdsa.key" -tls1_2
	}
	if launch_server serv yes s_server_12; then
		sport=$port
		spid=$srv
		fault 11 $LIMIT "TLS 1.2 OpenSSL server, TLS 1.3 client" -- "${client[@]}" --tls1.3 127.0.0.1 -p "$sport"
		cause "the server accepts none of the TLS versions offered" "TLS 1.2 OpenSSL server, TLS 1.3 client"
		has "$tmp/out" "^diagnosis: protocol-version-mismatch: " "TLS 1.2 OpenSSL server, TLS 1.3 client: diagnosis protocol-version-mismatch"
		stop_server "$spid"
	else
		bad "openssl s_server did not start"
		cat "$tmp/serv.log"
	fi
fi

# ---- local files (all fail before connecting: port 9 is never reached) ----

printf 'this is not a certificate\n' >"$tmp/junk.pem"
printf 'wrong\n' >"$tmp/wrong-pass"
fault 5 $LIMIT "--cafile that does not exist" -- "$bin" --text --timeout "$T" --cafile "$tmp/missing.pem" 127.0.0.1 -p 9
cause "$tmp/missing.pem: no CA certificate could be read from this file: the file could not be read" "--cafile that does not exist"
fault 5 $LIMIT "--cafile that is not PEM" -- "$bin" --text --timeout "$T" --cafile "$tmp/junk.pem" 127.0.0.1 -p 9
cause "$tmp/junk.pem: no CA certificate could be read from this file" "--cafile that is not PEM"
fault 5 $LIMIT "--cert and --key that do not exist" -- "${client[@]}" --cert "$tmp/missing.pem" --key "$tmp/missing.key" 127.0.0.1 -p 9
cause "$tmp/missing.pem: the certificate file could not be read" "--cert and --key that do not exist"
has "$tmp/err" "$tmp/missing.pem" "--cert that does not exist: the file is named"
fault 5 $LIMIT "--key that does not exist" -- "${client[@]}" --cert "$certs/client.pem" --key "$tmp/missing.key" 127.0.0.1 -p 9
cause "$tmp/missing.key: the key file could not be read" "--key that does not exist"
has "$tmp/err" "$tmp/missing.key" "--key that does not exist: the file is named"
fault 5 $LIMIT "--cert that is not PEM" -- "${client[@]}" --cert "$tmp/junk.pem" --key "$certs/client.key" 127.0.0.1 -p 9
cause "$tmp/junk.pem: no PEM certificate in this file" "--cert that is not PEM"
fault 5 $LIMIT "--key that is not PEM" -- "${client[@]}" --cert "$certs/client.pem" --key "$tmp/junk.pem" 127.0.0.1 -p 9
cause "$tmp/junk.pem: no PEM private key in this file" "--key that is not PEM: the file is named"
fault 5 $LIMIT "--key of another certificate" -- "${client[@]}" --cert "$certs/client.pem" --key "$certs/server-ecdsa.key" 127.0.0.1 -p 9
cause "server-ecdsa.key does not belong to $certs/client.pem: the key and certificate do not match" "--key of another certificate"
fault 5 $LIMIT "--p12 with a wrong password" -- "${client[@]}" --p12 "$certs/client.p12" --p12-pass-file "$tmp/wrong-pass" 127.0.0.1 -p 9
cause "client.p12: wrong password for this PKCS#12 file" "--p12 with a wrong password"
fault 5 $LIMIT "--p12 that does not exist" -- "${client[@]}" --p12 "$tmp/missing.p12" --p12-pass-file "$tmp/wrong-pass" 127.0.0.1 -p 9
cause "$tmp/missing.p12: the file could not be read" "--p12 that does not exist"
fault 5 $LIMIT "--p12 that is not PKCS#12" -- "${client[@]}" --p12 "$tmp/junk.pem" --p12-pass-file "$tmp/wrong-pass" 127.0.0.1 -p 9
cause "$tmp/junk.pem: not a PKCS#12 file" "--p12 that is not PKCS#12"

finish faults
