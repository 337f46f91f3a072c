#!/usr/bin/env bash
# Real servers on loopback, each started here with its own configuration in a
# temporary directory and stopped by its own pid:
#   - nginx, TLS 1.2 and TLS 1.3, IPv4 and IPv6, with and without a required
#     client certificate, against the client (with --http);
#   - openssl s_server -www, TLS 1.2 and TLS 1.3, asking for a client certificate;
#   - tlsladder serve --once against curl, openssl s_client and its own client.
# Needs nginx, openssl, curl (Debian packages nginx, openssl, curl).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

skip() { echo "skip $*"; }

# Can ::1 be used? (No IPv6 loopback: the IPv6 cases are skipped.)
ipv6=no
grep -qi '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null && ipv6=yes
[ "$ipv6" = yes ] || skip "no IPv6 loopback address ::1: IPv6 cases skipped"

ca=(--cafile "$certs/root-ca.pem")
mine=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
client=("$bin" --text --timeout 10)

# ---------------------------------------------------------------- nginx
# (run_nginx, run_s_server, start_server and stop_server are in common.bash)
if have nginx; then
	PATH="$PATH:/usr/sbin"
	for v in 1.2 1.3; do
		# No client certificate asked for.
		if start_server nginx-$v yes run_nginx "TLSv$v" off "$ipv6"; then
			expect_rc 0 "nginx TLS $v IPv4 --http" -- "${client[@]}" "${ca[@]}" --http localhost -p "$port"
			has "$tmp/out" "version: +TLS $v\$" "nginx TLS $v IPv4: version"
			has "$tmp/out" 'server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "nginx TLS $v IPv4: server certificate verified"
			has "$tmp/out" 'client certificate: not requested' "nginx TLS $v IPv4: no client certificate asked for"
			has "$tmp/out" 'the server answered: HTTP/1.1 200' "nginx TLS $v IPv4: HTTP 200"
			if [ "$ipv6" = yes ]; then
				expect_rc 0 "nginx TLS $v IPv6 --http" -- "${client[@]}" "${ca[@]}" --http "[::1]:$port"
				has "$tmp/out" "connected to \[::1\] port $port" "nginx TLS $v IPv6: connected over IPv6"
				has "$tmp/out" "version: +TLS $v\$" "nginx TLS $v IPv6: version"
				has "$tmp/out" "server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches '::1'" "nginx TLS $v IPv6: verified for ::1"
				has "$tmp/out" 'the server answered: HTTP/1.1 200' "nginx TLS $v IPv6: HTTP 200"
			fi
			stop_server
		fi
		# ssl_verify_client on.
		if start_server nginx-$v-mtls yes run_nginx "TLSv$v" on "$ipv6"; then
			expect_rc 0 "nginx TLS $v mTLS IPv4 --http" -- "${client[@]}" "${ca[@]}" "${mine[@]}" --http localhost -p "$port"
			has "$tmp/out" "version: +TLS $v\$" "nginx TLS $v mTLS IPv4: version"
			has "$tmp/out" 'server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "nginx TLS $v mTLS IPv4: server certificate verified"
			has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "nginx TLS $v mTLS IPv4: chain sent"
			has "$tmp/out" 'the server answered: HTTP/1.1 200' "nginx TLS $v mTLS IPv4: HTTP 200"
			if [ "$ipv6" = yes ]; then
				expect_rc 0 "nginx TLS $v mTLS IPv6 --http" -- "${client[@]}" "${ca[@]}" "${mine[@]}" --http "[::1]:$port"
				has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "nginx TLS $v mTLS IPv6: chain sent"
				has "$tmp/out" 'the server answered: HTTP/1.1 200' "nginx TLS $v mTLS IPv6: HTTP 200"
			fi
			# No certificate: nginx still completes the handshake and
			# refuses only at the HTTP level; the diagnosis names the
			# cause and the exit code follows it (4: rejected).
			expect_rc 4 "nginx TLS $v mTLS, no client certificate, --http" -- "${client[@]}" "${ca[@]}" --http localhost -p "$port"
			has "$tmp/out" 'client certificate: requested, but none was sent' "nginx TLS $v mTLS: no certificate sent"
			has "$tmp/out" 'the server answered: HTTP/1.1 400 Bad Request' "nginx TLS $v mTLS: HTTP 400 shown"
			has "$tmp/out" 'outcome: +handshake completed' "nginx TLS $v mTLS: handshake completed"
			has "$tmp/out" '^diagnosis: client-cert-missing: .*refused the request at the HTTP level \(status 400\)' \
				"nginx TLS $v mTLS: diagnosis client-cert-missing, refused at the HTTP level"
			stop_server
			has "$tmp/nginx-TLSv$v-on/error.log" 'client sent no required SSL certificate' "nginx TLS $v: nginx logged the missing certificate"
		fi
	done
else
	bad "nginx is not installed (Debian package nginx)"
fi

# ---------------------------------------------------------------- openssl s_server
for v in 1.2 1.3; do
	if start_server s_server-$v yes run_s_server "$v"; then
		expect_rc 0 "s_server TLS $v -Verify 1 --http" -- "${client[@]}" "${ca[@]}" "${mine[@]}" --http localhost -p "$port"
		has "$tmp/out" "version: +TLS $v\$" "s_server TLS $v: version"
		has "$tmp/out" 'server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "s_server TLS $v: server certificate verified"
		has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "s_server TLS $v: chain sent"
		has "$tmp/out" 'the server answered: HTTP/1.0 200 ok' "s_server TLS $v: HTTP 200"
		# No certificate: OpenSSL refuses with an alert.
		expect_rc 4 "s_server TLS $v -Verify 1, no client certificate" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
		has "$tmp/out" 'client certificate: requested, but none was sent' "s_server TLS $v: no certificate sent"
		if [ "$v" = 1.3 ]; then
			has "$tmp/out" 'rejected the connection after the handshake completed: alert certificate_required \(116\)' \
				"s_server TLS 1.3: certificate_required after the handshake"
		else
			has "$tmp/out" 'ended the handshake with alert handshake_failure \(40\)' "s_server TLS 1.2: handshake_failure"
		fi
		stop_server
	fi
done

# ---------------------------------------------------------------- tlsladder serve
run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text "$@"
}
# serve_done DESCRIPTION WANT: waits for serve --once, checks its exit code;
# its ladder is then in $tmp/serve.
serve_done() {
	wait_exit "$srv" 10
	cp "$tmp/serve.log" "$tmp/serve"
	if [ "$rc" -eq "$2" ]; then ok "$1: serve exit $rc"; else bad "$1: serve exit $rc, wanted $2"; cat "$tmp/serve"; fi
}

# (a) curl with a client certificate.
if have curl; then
	# http:// to the TLS port: the server names the plain HTTP request
	if start_server serve no run_serve; then
		curl -s --max-time 5 "http://127.0.0.1:$port/" >/dev/null 2>&1
		serve_done "serve: curl http:// to the TLS port" 12
		has "$tmp/serve" '^diagnosis: not-tls: The client sent a plain HTTP request, not TLS: it used http:// on a TLS port\. \(evidence' \
			"serve: a plain HTTP request is named"
	fi
	if start_server serve no run_serve --require-client-cert; then
		expect_rc 0 "serve: curl with a client certificate" -- curl -sS --max-time 10 --cacert "$certs/root-ca.pem" \
			--cert "$certs/client-chain.pem" --key "$certs/client.key" -w '\nstatus %{http_code}\n' "https://localhost:$port/"
		has "$tmp/out" '^tlsladder: the TLS handshake is complete' "serve: curl got the body"
		has "$tmp/out" '^status 200$' "serve: curl got 200"
		serve_done "serve: curl" 0
		has "$tmp/serve" 'client certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "serve: curl's certificate verified"
		has "$tmp/serve" 'answered 200 OK' "serve: the HTTP request noted"
	fi
	# A certificate from a CA the server does not trust, sent regardless.
	if start_server serve no run_serve --require-client-cert; then
		# TLS 1.3: the alert comes after curl's handshake, so curl fails
		# with 56 (the alert read) or 55 (the socket already closed).
		curl -sS --max-time 10 --cacert "$certs/root-ca.pem" --cert "$certs/client-other-ca.pem" \
			--key "$certs/client-other-ca.key" "https://localhost:$port/" >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		case $rc in
		55 | 56) ok "serve: curl with an untrusted client certificate fails (exit $rc)" ;;
		*) bad "serve: curl with an untrusted client certificate: exit $rc, wanted 55 or 56"; cat "$tmp/err" ;;
		esac
		serve_done "serve: curl untrusted" 4
		has "$tmp/serve" 'client certificate: NOT trusted' "serve: untrusted curl certificate NOT verified"
	fi
else
	bad "curl is not installed (Debian package curl)"
fi

# (b) openssl s_client, no client certificate.
if start_server serve no run_serve; then
	expect_rc 0 "serve: openssl s_client" -- openssl s_client -connect "127.0.0.1:$port" -CAfile "$certs/root-ca.pem"
	has "$tmp/out" 'Verify return code: 0 \(ok\)' "serve: s_client verified the server"
	serve_done "serve: s_client" 0
	has "$tmp/serve" 'client certificate: not requested' "serve: no client certificate asked for"
	has "$tmp/serve" 'outcome: +handshake completed' "serve: s_client handshake completed"
fi

# (c) tlsladder's own client.
if start_server serve no run_serve --require-client-cert; then
	expect_rc 0 "serve: tlsladder client with a certificate" -- "${client[@]}" "${ca[@]}" "${mine[@]}" localhost -p "$port"
	has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "serve: tlsladder client sent its chain"
	has "$tmp/out" 'server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "serve: tlsladder client verified the server"
	serve_done "serve: tlsladder client" 0
	has "$tmp/serve" 'client certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA$' "serve: tlsladder client's chain verified"
fi
if [ "$ipv6" = yes ] && start_server serve no run_serve --listen ::1 --require-client-cert; then
	expect_rc 0 "serve --listen ::1: tlsladder client over IPv6" -- "${client[@]}" "${ca[@]}" "${mine[@]}" "[::1]:$port"
	serve_done "serve --listen ::1" 0
	has "$tmp/serve" 'connection 1 from \[::1\] port' "serve: IPv6 peer named"
fi

# (d) a client certificate from another CA, sent anyway (openssl s_client):
# serve aborts with bad_certificate and exits 3.
if start_server serve no run_serve --require-client-cert; then
	openssl s_client -connect "127.0.0.1:$port" -CAfile "$certs/root-ca.pem" \
		-cert "$certs/client-other-ca.pem" -key "$certs/client-other-ca.key" </dev/null >"$tmp/out" 2>&1
	serve_done "serve: s_client untrusted certificate" 4
	has "$tmp/serve" 'client certificate: NOT trusted' "serve: untrusted certificate NOT verified"
	has "$tmp/serve" 'Alert fatal bad_certificate \(42\)' "serve: bad_certificate sent"
	has "$tmp/serve" "outcome: +the client's certificate did not verify" "serve: outcome names the client certificate"
fi
# The same certificate given to tlsladder's client: it sends it although its
# issuer is not among the server's certificate_authorities (GnuTLS alone would
# send none), so both sides can say why it was refused.
if start_server serve no run_serve --require-client-cert; then
	expect_rc 4 "serve: tlsladder client with an untrusted certificate" -- "${client[@]}" "${ca[@]}" \
		--cert "$certs/client-other-ca.pem" --key "$certs/client-other-ca.key" localhost -p "$port"
	# the client sends its certificate although its issuer is not listed, so the server's verdict shows
	has "$tmp/out" 'is not among the 1 CA name the server listed; sending it anyway' "serve: the client says it sends it anyway"
	has "$tmp/out" '^diagnosis: client-cert-untrusted-issuer: .*tlsladder Demo Other CA.*tlsladder Demo Root CA' \
		"serve: the client's diagnosis names both CAs"
	serve_done "serve: tlsladder client untrusted" 4
	has "$tmp/serve" 'client certificate: NOT trusted' "serve: the certificate was received and refused"
	has "$tmp/serve" '^diagnosis: client-cert-untrusted-issuer:' "serve: the server's diagnosis"
fi

# --request-client-cert: a client may send none, and that is fine
if start_server serve no run_serve --request-client-cert; then
	expect_rc 0 "serve --request-client-cert: a client without a certificate" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
	has "$tmp/out" 'client certificate: requested, but none was sent' "serve --request-client-cert: the client saw the request"
	serve_done "serve --request-client-cert: no certificate is fine" 0
	has "$tmp/serve" 'client certificate: the client sent no certificate' "serve --request-client-cert: the server says none came"
	has "$tmp/serve" '^diagnosis: ok:' "serve --request-client-cert: diagnosis ok"
fi

# ---------------------------------------------------------------- not TLS
# nginx serving plain HTTP on the port the client takes for TLS: it answers
# the ClientHello with "HTTP/1.1 400 Bad Request", named as such
run_nginx_plain() {
	exec_nginx "$tmp/nginx-plain" "server {
		        listen 127.0.0.1:$1;
		        location / { default_type text/plain; return 200 \"plain\n\"; }
		    }"
}
if have nginx; then
	PATH="$PATH:/usr/sbin"
	if start_server nginx-plain yes run_nginx_plain; then
		expect_rc 12 "nginx plain HTTP: not TLS, exit 12" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
		has "$tmp/out" '^diagnosis: not-tls: The server answered in plain HTTP \(status 400\), not TLS: this port serves HTTP without TLS; is this the HTTPS port\? \(evidence' \
			"nginx plain HTTP: the status line is named"
		stop_server
	fi
fi

# ---------------------------------------------------------------- legacy protocols
# A TLS 1.0 / 1.1 server, or a CBC suite with SHA-1, is a warning (exit 0 in
# report mode, as documented) and a failure under --verify strict (exit 14).
# (Debian's openssl s_server -tls1 closes without an alert: gnutls-serv it is.)
LEGACY_TLS10="diagnosis: legacy-protocol: Warning: the handshake completed and verified, but with TLS 1.0, a legacy protocol version that RFC 8996 deprecates: its handshake signatures and Finished rely on MD5 and SHA-1. Its cipher suite TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA protects records with CBC and an HMAC-SHA-1 (MAC, then encrypt), not an AEAD cipher. (evidence: step "
if have gnutls-serv; then
	rsa=(--disable-client-cert --x509certfile "$certs/server-rsa-chain.pem" --x509keyfile "$certs/server-rsa.key")
	ecdsa=(--disable-client-cert --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key")
	if start_server gnutls-serv-tls10 yes gnutls_serv "${rsa[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.0; then
		expect_rc 0 "TLS 1.0 server: a warning, exit 0" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
		has "$tmp/out" "version: +TLS 1.0\$" "TLS 1.0 server: version"
		has "$tmp/out" "^  server signature: +RSA over MD5\+SHA-1 \(fixed in TLS 1.0/1.1: no algorithm is negotiated\)\$" \
			"TLS 1.0 server: the signature is named, not unknown"
		grep -qF -- "$LEGACY_TLS10" "$tmp/out" && ok "TLS 1.0 server: the exact warning" || { bad "TLS 1.0 server: no exact warning in:"; cat "$tmp/out"; }
		expect_rc 0 "TLS 1.0 server -v" -- "${client[@]}" "${ca[@]}" -v localhost -p "$port"
		has "$tmp/out" '^ +signature algorithm: none on the wire in TLS 1\.0/1\.1: RSA signs MD5\+SHA-1, DSA and ECDSA sign SHA-1$' \
			"TLS 1.0 server -v: the ServerKeyExchange has no algorithm field, and says so"
		hasnt "$tmp/out" 'malformed' "TLS 1.0 server -v: the ServerKeyExchange decodes whole"
		expect_rc 14 "TLS 1.0 server, --verify strict: exit 14" -- "${client[@]}" "${ca[@]}" --verify strict localhost -p "$port"
		has "$tmp/err" '^tlsladder: --verify strict: the handshake used a legacy protocol version or cipher suite' \
			"TLS 1.0 server, --verify strict: said on stderr"
		stop_server
	fi
	if start_server gnutls-serv-tls11 yes gnutls_serv "${ecdsa[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.1; then
		expect_rc 0 "TLS 1.1 ECDSA server: a warning, exit 0" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
		has "$tmp/out" "^  server signature: +ECDSA over SHA-1 \(fixed in TLS 1.0/1.1: no algorithm is negotiated\)\$" \
			"TLS 1.1 ECDSA server: the signature is ECDSA over SHA-1"
		has "$tmp/out" "^diagnosis: legacy-protocol: Warning: the handshake completed and verified, but with TLS 1\.1, " "TLS 1.1 server: legacy-protocol"
		stop_server
	fi
	if start_server gnutls-serv-cbcsha yes gnutls_serv "${rsa[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1; then
		expect_rc 0 "TLS 1.2 server with only CBC-SHA suites: a warning, exit 0" -- "${client[@]}" "${ca[@]}" localhost -p "$port"
		has "$tmp/out" "^diagnosis: legacy-protocol: Warning: the handshake completed and verified, but the cipher suite TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA protects records with CBC and an HMAC-SHA-1 \(MAC, then encrypt\), not an AEAD cipher\. " \
			"TLS 1.2 CBC-SHA suite: legacy-protocol"
		expect_rc 14 "TLS 1.2 CBC-SHA, --verify strict: exit 14" -- "${client[@]}" "${ca[@]}" --verify strict localhost -p "$port"
		stop_server
	fi
	if start_server gnutls-serv-tls12 yes gnutls_serv "${rsa[@]}" --priority NORMAL:-VERS-ALL:+VERS-TLS1.2; then
		expect_rc 0 "TLS 1.2 AEAD server, --verify strict: exit 0" -- "${client[@]}" "${ca[@]}" --verify strict localhost -p "$port"
		has "$tmp/out" '^diagnosis: ok: ' "TLS 1.2 AEAD server: diagnosis ok"
		expect_rc 0 "TLS 1.2 DHE-RSA" -- "${client[@]}" "${ca[@]}" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA" \
			localhost -p "$port"
		has "$tmp/out" '^  key exchange: +DHE, a 2048-bit prime the server chose$' "TLS 1.2 DHE-RSA: the prime's size"
		has "$tmp/out" '^  server signature: +rsa_pkcs1_sha256$' "TLS 1.2 DHE-RSA: the server's signature"
		stop_server
	fi
fi

finish servers
