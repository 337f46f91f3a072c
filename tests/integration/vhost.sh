#!/usr/bin/env bash
# tlsladder serve as a virtual-hosting server: several --cert/--key pairs,
# the certificate chosen by the client's SNI (SAN DNS names, wildcards too;
# the first pair without SNI or without a match), and --alpn in the server's
# order of preference (a client offering none of them goes on without ALPN).
# Each case is one `serve --once --text`, started here and stopped by its
# pid, against gnutls-cli or openssl s_client; the serve ladder's note and
# summary lines are asserted exactly, and so is what the client received.
# Needs gnutls-cli and openssl (Debian packages gnutls-bin, openssl).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

pairs=(--cert "$certs/server-ecdsa-chain.pem" --key "$certs/server-ecdsa.key"
	--cert "$certs/server-wrong-name-chain.pem" --key "$certs/server-wrong-name.key"
	--cert "$certs/server-wildcard-chain.pem" --key "$certs/server-wildcard.key")
org="O=tlsladder demo (DEMO ONLY)"

run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text "$@"
}
# serve_done DESCRIPTION: waits for serve --once (exit 0); its ladder is then in $tmp/serve.
serve_done() {
	wait_exit "$srv" 10
	cp "$tmp/serve.log" "$tmp/serve"
	if [ "$rc" -eq 0 ]; then ok "$1: serve exit $rc"; else bad "$1: serve exit $rc, wanted 0"; cat "$tmp/serve"; fi
}
# line FILE EXACT DESCRIPTION: FILE has EXACT as a whole line, after the step and time columns for a row
line() {
	if sed -E 's/^ +[0-9]+ +[0-9.]+  //' "$1" | grep -qxF -- "$2"; then ok "$3"; else
		bad "$3: no line \"$2\" in:"
		cat "$1"
	fi
}

if have gnutls-cli; then
	# a wildcard name, and ALPN chosen by the server's preference (h2 over the client's first, http/1.1)
	if start_server serve no run_serve --alpn h2,http/1.1 "${pairs[@]}"; then
		gnutls-cli -p "$port" --x509cafile "$certs/root-ca.pem" --sni-hostname www.vhost.example \
			--verify-hostname www.vhost.example --alpn http/1.1 --alpn h2 127.0.0.1 </dev/null >"$tmp/cli" 2>&1
		serve_done "gnutls-cli, SNI www.vhost.example"
		line "$tmp/serve" "-- note (server): SNI www.vhost.example matched certificate 3 (CN=*.vhost.example,$org)" \
			"SNI www.vhost.example: the wildcard certificate 3, and why"
		line "$tmp/serve" "  application:        h2" "gnutls-cli: serve's summary names h2"
		has "$tmp/cli" "^- Application protocol: h2$" "gnutls-cli got h2"
		has "$tmp/cli" "subject \`CN=\*\.vhost\.example,O=tlsladder demo \(DEMO ONLY\)'" "gnutls-cli got the wildcard certificate"
	fi
else
	bad "gnutls-cli is not installed (Debian package gnutls-bin)"
fi

if have openssl; then
	# an exact name; the client offers only http/1.1
	if start_server serve no run_serve --alpn h2,http/1.1 "${pairs[@]}"; then
		openssl s_client -connect "127.0.0.1:$port" -servername wrong.example -alpn http/1.1 \
			-CAfile "$certs/root-ca.pem" </dev/null >"$tmp/cli" 2>&1
		serve_done "s_client, SNI wrong.example"
		line "$tmp/serve" "-- note (server): SNI wrong.example matched certificate 2 (CN=wrong.example,$org)" \
			"SNI wrong.example: certificate 2, and why"
		line "$tmp/serve" "  application:        http/1.1" "s_client: serve's summary names http/1.1"
		has "$tmp/cli" "^ALPN protocol: http/1.1$" "s_client got http/1.1"
		has "$tmp/cli" "^subject=O = tlsladder demo \(DEMO ONLY\), CN = wrong.example$" "s_client got certificate 2"
	fi
	# no SNI: the first pair
	if start_server serve no run_serve --alpn h2 "${pairs[@]}"; then
		openssl s_client -connect "127.0.0.1:$port" -noservername -CAfile "$certs/root-ca.pem" </dev/null >"$tmp/cli" 2>&1
		serve_done "s_client, no SNI"
		line "$tmp/serve" "-- note (server): no SNI: the first certificate (CN=localhost,$org)" "no SNI: the first certificate"
		line "$tmp/serve" "-- note (server): the client offered no ALPN: no application protocol agreed (this server accepts h2)" \
			"no ALPN offered: said so"
		hasnt "$tmp/serve" "application:" "no ALPN: no application line"
		has "$tmp/cli" "^subject=O = tlsladder demo \(DEMO ONLY\), CN = localhost$" "s_client got certificate 1"
	fi
	# a name no certificate has, and ALPN with nothing in common
	if start_server serve no run_serve --alpn h2 "${pairs[@]}"; then
		openssl s_client -connect "127.0.0.1:$port" -servername other.example -alpn spdy/3,http/1.1 \
			-CAfile "$certs/root-ca.pem" </dev/null >"$tmp/cli" 2>&1
		serve_done "s_client, SNI other.example"
		line "$tmp/serve" "-- note (server): SNI other.example matched none of the 3 certificates: the first one (CN=localhost,$org)" \
			"SNI other.example: no match, the first certificate"
		line "$tmp/serve" "-- note (server): the client offered ALPN spdy/3,http/1.1, none of this server's (h2): it went on without ALPN, as nginx and openssl s_server do" \
			"ALPN with nothing in common: the handshake goes on, and the note says what was offered"
		has "$tmp/cli" "^No ALPN negotiated$" "s_client: no ALPN negotiated"
	fi
else
	bad "openssl is not installed (Debian package openssl)"
fi

# ---------------------------------------------------------------- the command line
expect_rc 2 "two pairs in client mode" -- "$bin" --text --cert a --key b --cert c --key d 127.0.0.1 -p 1
has "$tmp/err" '^tlsladder: several --cert/--key pairs are for tlsladder serve \(a certificate per server name\)$' \
	"client mode: the usage error says why"
expect_rc 2 "serve: a --cert without its --key" -- "$bin" serve --text --once "${pairs[@]}" --cert x 1
has "$tmp/err" '^tlsladder: --cert and --key go together$' "serve: unpaired --cert refused"
expect_rc 2 "serve: an empty ALPN name" -- "$bin" serve --text --once --alpn h2,,x 1
has "$tmp/err" 'the ALPN list "h2,,x" is not valid' "serve: a bad ALPN list refused"

finish vhost
