#!/usr/bin/env bash
# TLS 1.3 post-handshake client authentication, against real servers on
# loopback:
#   - Apache (mod_ssl) whose location / requires a client certificate, asked
#     for after the handshake (run_apache PORT TLSv1.3): with the client
#     certificate (HTTP 200, the post-handshake flight on the ladder, its
#     Finished recomputed, Apache's own check of the certificate's subject),
#     without one (an empty Certificate, refused), with post-handshake auth
#     not offered (403, no request), a certificate Apache's rule refuses, and
#     a location that refuses everyone (http-refused);
#   - tlsladder serve --request-client-cert-later against gnutls-cli
#     --post-handshake-auth and openssl s_client -enable_pha (and both
#     without: the server cannot ask).
# A refusal after the handshake is never ok.
# Needs apache2, gnutls-bin, openssl (Debian packages apache2, gnutls-bin, openssl).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"

client=("$bin" --text --timeout 5 --cafile "$certs/root-ca.pem" --sni localhost --http)
mine=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
# the ladder rows after the handshake: step, then the message
row() { grep -E -- "^ *[0-9]+ +[0-9.]+ +.*$1" "$tmp/out" | head -n 1 | awk '{ print $1 }'; }

# ---------------------------------------------------------------- Apache
if ! have apache2; then
	echo "SKIP apache2 is not installed (Debian package apache2)"
else
	# Apache's rule for / : a verified client certificate whose CN is Demo Client (so a 200 proves
	# Apache itself checked the certificate it obtained after the handshake)
	loc() {
		echo "SSLVerifyClient require
		SSLVerifyDepth 3
		LogLevel ssl:debug
		Require expr \"%{SSL_CLIENT_VERIFY} == 'SUCCESS' && %{SSL_CLIENT_S_DN_CN} == '$1'\""
	}
	if start_server apache yes run_apache TLSv1.3 "$(loc 'Demo Client')"; then
		log="$tmp/apache-$port/error.log"
		expect_rc 0 "Apache TLS 1.3, with a client certificate" -- "${client[@]}" -v "${mine[@]}" "127.0.0.1:$port"
		has "$tmp/out" '^diagnosis: ok: The handshake completed and everything checked out\.$' "Apache with a certificate: ok"
		has "$tmp/out" '^  client certificate: requested after the handshake \(post-handshake auth\); sent a chain of 2 certificates; accepted \(HTTP 200\)$' \
			"Apache with a certificate: the summary says when it was asked and that it was accepted"
		has "$tmp/out" 'note \(server\): the server answered: HTTP/1\.1 200 OK' "Apache with a certificate: HTTP 200"
		has "$tmp/out" 'post_handshake_auth: the client accepts a CertificateRequest after the handshake' \
			"the ClientHello offers post_handshake_auth"
		# the order: the handshake, the request, then the post-handshake flight
		fin=$(grep -nE '^ *[0-9]+ .*\|=+ Finished  48 B =+>\|' "$tmp/out" | head -n 1 | cut -d: -f1)
		seq=$(awk -v from="$fin" 'NR > from && /^ *[0-9]+ +[0-9.]+ +[|-]/' "$tmp/out" |
			sed -nE 's/.*(note \(client\): sent an HTTP request|CertificateRequest|Certificate |CertificateVerify|Finished|HTTP\/1\.1 200 OK).*/\1/p' | tr '\n' ',')
		if [ "$seq" = "note (client): sent an HTTP request,CertificateRequest,Certificate ,CertificateVerify,Finished,HTTP/1.1 200 OK," ]; then
			ok "Apache: after the handshake: request, CertificateRequest, Certificate, CertificateVerify, Finished, 200"
		else
			bad "Apache: the rows after the handshake are: $seq"
			cat "$tmp/out"
		fi
		has "$tmp/out" '^ +[0-9]+ +[0-9.]+ +\|<=+ CertificateRequest  [0-9]+ B =+\|  encrypted$' "Apache: the CertificateRequest arrives encrypted"
		has "$tmp/out" '^ +certificate_request_context: 32 bytes$' "Apache: the late request's context (32 bytes), echoed by the Certificate"
		[ "$(grep -cE '^ +certificate_request_context: 32 bytes$' "$tmp/out")" = 2 ] &&
			ok "Apache: CertificateRequest and Certificate carry the same-sized context" ||
			bad "Apache: the context is not in both messages"
		[ "$(grep -c '^                Finished check: MATCH$' "$tmp/out")" = 3 ] &&
			ok "Apache: all three Finished recompute (the post-handshake one included)" ||
			{ bad "Apache: not three Finished MATCH"; grep 'Finished check' "$tmp/out"; }
		has "$tmp/out" '^ +covers: post-handshake authentication \(RFC 8446 4\.4\)' "Apache: the post-handshake Finished's transcript is named"
		has "$tmp/out" '^ +base secret: CLIENT_TRAFFIC_SECRET_0$' "Apache: the post-handshake Finished's key is the client application secret"
		has "$log" 'AH10129: verify client post handshake' "Apache's log: it asked for the certificate after the handshake"

		expect_rc 4 "Apache TLS 1.3, no client certificate" -- "${client[@]}" "127.0.0.1:$port"
		has "$tmp/out" "^diagnosis: client-cert-missing-after-handshake: The server asked for a client certificate after the handshake \(TLS 1\.3 post-handshake authentication\) and the client had none: it answered with an empty Certificate, and the server refused: it sent alert certificate_required \(116\)\. \(evidence: steps $(row CertificateRequest), $(row '=+ Certificate  [0-9]+ B =+>'), $(row 'Alert fatal certificate_required')\)$" \
			"Apache without a certificate: client-cert-missing-after-handshake, with its evidence"
		has "$tmp/out" '^  client certificate: requested after the handshake \(post-handshake auth\); answered with an empty Certificate \(none configured\); refused with an alert$' \
			"Apache without a certificate: the summary"
		has "$log" 'Client certificate missing' "Apache's log: the certificate was missing"

		expect_rc 4 "Apache TLS 1.3, post-handshake auth not offered" -- "${client[@]}" --no-post-handshake-auth "${mine[@]}" "127.0.0.1:$port"
		has "$tmp/out" "^diagnosis: post-handshake-auth-not-offered: The server answered the request with HTTP status 403 \(Forbidden\) without ever asking for a client certificate: this client did not offer post_handshake_auth, so a TLS 1\.3 server that wants a certificate only after the handshake \(as Apache does for a location with SSLVerifyClient require\) cannot ask for it\. That is the likely cause; the server's log says for certain\. \(evidence: steps $(row ClientHello), $(row 'HTTP/1.1 403')\)$" \
			"Apache, post-handshake auth not offered: post-handshake-auth-not-offered"
		hasnt "$tmp/out" 'CertificateRequest' "Apache, post-handshake auth not offered: no request"
		has "$log" 'AH10158: cannot perform post-handshake authentication' "Apache's log: it could not ask"
		stop_server
	fi
	# the same rule for another CN: Apache obtains and verifies the certificate, then its rule refuses it
	if start_server apache yes run_apache TLSv1.3 "$(loc 'Somebody Else')"; then
		expect_rc 4 "Apache TLS 1.3, a certificate its rule refuses" -- "${client[@]}" "${mine[@]}" "127.0.0.1:$port"
		has "$tmp/out" '^diagnosis: client-cert-rejected: The server refused a client certificate that passes every local check\. The TLS handshake itself completed; the server refused the request at the HTTP level \(status 403\)\.' \
			"Apache, refused certificate: client-cert-rejected at the HTTP level"
		has "$tmp/out" '^  client certificate: requested after the handshake \(post-handshake auth\); sent a chain of 2 certificates; refused \(HTTP 403\)$' \
			"Apache, refused certificate: the summary"
		stop_server
	fi
	# a location that refuses everyone, with no certificate involved: http-refused
	if start_server apache yes run_apache TLSv1.3 "Require all denied"; then
		expect_rc 4 "Apache, a location that refuses everyone" -- "${client[@]}" "127.0.0.1:$port"
		has "$tmp/out" "^diagnosis: http-refused: The TLS handshake completed, but the server refused the request: HTTP status 403 \(Forbidden\)\. \(evidence: step $(row 'HTTP/1.1 403')\)$" \
			"Apache 403 without a certificate request: http-refused"
		has "$tmp/out" "^fix: The server's access rules refuse this client: check its configuration and log" "http-refused: its fix"
		stop_server
	fi
fi

# ---------------------------------------------------------------- tlsladder serve --request-client-cert-later
run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text --timeout 8 --request-client-cert-later "$@"
}
serve_done() {
	wait_exit "$srv" 10
	cp "$tmp/serve.log" "$tmp/serve"
	if [ "$rc" -eq "$2" ]; then ok "$1: serve exit $rc"; else bad "$1: serve exit $rc, wanted $2"; cat "$tmp/serve"; fi
}
request() { printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n'; sleep 2; }
LATER_OK='^  client certificate: requested after the handshake \(post-handshake auth\); sent a chain of 2 certificates; trusted: 2 sent, path of 3 to tlsladder Demo Root CA$'
NOT_OFFERED='^diagnosis: post-handshake-auth-not-offered: The client did not offer post_handshake_auth in its ClientHello, so this server \(--request-client-cert-later\) could not ask for its certificate after the handshake, and refused it with alert certificate_required \(116\)\.'

if have gnutls-cli; then
	gcli=(gnutls-cli --x509cafile "$certs/root-ca.pem" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.3")
	if start_server serve no run_serve; then
		request | timeout 10 "${gcli[@]}" --post-handshake-auth --x509certfile "$certs/client-chain.pem" \
			--x509keyfile "$certs/client.key" -p "$port" localhost >"$tmp/gcli" 2>&1
		serve_done "serve --request-client-cert-later: gnutls-cli --post-handshake-auth" 0
		has "$tmp/serve" "$LATER_OK" "serve later, gnutls-cli: the certificate obtained after the handshake, verified"
		has "$tmp/serve" '^diagnosis: ok:' "serve later, gnutls-cli: ok"
		has "$tmp/serve" 'the client sent an HTTP request; answered 200 OK' "serve later, gnutls-cli: the request answered after it"
		has "$tmp/gcli" 'HTTP/1.1 200 OK' "gnutls-cli got 200"
	fi
	if start_server serve no run_serve; then
		request | timeout 10 "${gcli[@]}" -p "$port" localhost >"$tmp/gcli" 2>&1
		serve_done "serve --request-client-cert-later: gnutls-cli without post-handshake auth" 4
		has "$tmp/serve" "$NOT_OFFERED" "serve later, gnutls-cli without it: post-handshake-auth-not-offered"
	fi
fi
if have openssl; then
	scli=(openssl s_client -connect "127.0.0.1:PORT" -servername localhost -CAfile "$certs/root-ca.pem" -tls1_3 -quiet)
	if start_server serve no run_serve; then
		request | timeout 10 "${scli[@]/PORT/$port}" -enable_pha -cert "$certs/client.pem" -key "$certs/client.key" \
			-cert_chain "$certs/intermediate-ca.pem" >"$tmp/scli" 2>&1
		serve_done "serve --request-client-cert-later: openssl s_client -enable_pha" 0
		has "$tmp/serve" "$LATER_OK" "serve later, s_client: the certificate obtained after the handshake, verified"
		has "$tmp/scli" 'HTTP/1.1 200 OK' "s_client got 200"
	fi
	if start_server serve no run_serve; then
		request | timeout 10 "${scli[@]/PORT/$port}" >"$tmp/scli" 2>&1
		serve_done "serve --request-client-cert-later: openssl s_client without -enable_pha" 4
		has "$tmp/serve" "$NOT_OFFERED" "serve later, s_client without it: post-handshake-auth-not-offered"
	fi
	# s_client offers it but has no certificate: an empty Certificate, refused
	if start_server serve no run_serve; then
		request | timeout 10 "${scli[@]/PORT/$port}" -enable_pha >"$tmp/scli" 2>&1
		serve_done "serve --request-client-cert-later: s_client -enable_pha without a certificate" 4
		has "$tmp/serve" '^diagnosis: client-cert-missing-after-handshake: The client answered this server.s request for a certificate after the handshake \(TLS 1\.3 post-handshake authentication\) with an empty Certificate: it has none, and this server requires one\.' \
			"serve later, s_client without a certificate: client-cert-missing-after-handshake"
	fi
fi
# tlsladder's own client: without --http it sends nothing, so nothing is asked (as with Apache)
if start_server serve no run_serve; then
	expect_rc 0 "serve later: tlsladder without --http" -- "$bin" --text --timeout 5 --cafile "$certs/root-ca.pem" --sni localhost "127.0.0.1:$port"
	serve_done "serve later: a client that sends no request" 0
	hasnt "$tmp/serve" 'CertificateRequest' "serve later: no request, no CertificateRequest"
fi

finish pha
