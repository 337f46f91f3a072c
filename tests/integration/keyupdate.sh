#!/usr/bin/env bash
# --key-update (TLS 1.3 KeyUpdate) against real servers on loopback, each
# started here and stopped by its own pid:
#   - openssl s_server -www: it answers the client's KeyUpdate (update_requested)
#     with its own before its next application data, the HTTP response (--http);
#   - gnutls-serv --http: the same; gnutls-serv (echo): it sends no data, so
#     no answer comes, and the note says so;
#   - TLS 1.2: a note (negotiated), a usage error (--tls1.2).
# Each KeyUpdate is its own row; the records after one are protected with the
# next application traffic secret (its generation on the row).
# Needs openssl and gnutls-serv (Debian packages openssl, gnutls-bin).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

ca=(--cafile "$certs/root-ca.pem")
mine=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
client=("$bin" --text --timeout 10)

# The rows, as the text ladder draws them (time column left out).
ku_out='\|================= KeyUpdate  1 B ================>\|  encrypted$'
ku_in='\|<================ KeyUpdate  1 B =================\|  encrypted$'
close_out='\|========= Alert warning close_notify \(0\) ========>\|  encrypted \(client_application_traffic_secret_1\)$'

# in_order FILE DESCRIPTION REGEX...: each REGEX matches a line after the previous one's
in_order() {
	local f="$1" what="$2" n=0 re
	shift 2
	for re in "$@"; do
		n=$(awk -v start="$n" -v re="$re" 'NR > start && $0 ~ re { print NR; exit }' "$f")
		if [ -z "$n" ]; then
			bad "$what: no /$re/ in order in:"
			cat "$f"
			return
		fi
	done
	ok "$what"
}

# gnutls_serv_13 PORT ARGS...: gnutls-serv, the demo ECDSA chain, TLS 1.3 only
gnutls_serv_13() {
	local p="$1"
	shift
	exec gnutls-serv -p "$p" --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3" "$@"
}

# ---------------------------------------------------------------- openssl s_server
if have openssl; then
	if start_server s_server13 yes run_s_server 1.3; then
		expect_rc 0 "s_server TLS 1.3 --key-update --http" -- "${client[@]}" -v "${ca[@]}" "${mine[@]}" --key-update --http \
			--sni localhost "127.0.0.1:$port"
		in_order "$tmp/out" "s_server: the client's KeyUpdate, the server's answer, the response, then the next secret" \
			"$ku_out" '^ +request_update: update_requested: the peer updates its keys too \(1\)$' \
			'^ +protected with: client_application_traffic_secret_0$' \
			'^ +sender.s next secret: client_application_traffic_secret_1 = HKDF-Expand-Label\(client_application_traffic_secret_0, "traffic upd", "", Hash.length\)$' \
			'-- note \(client\): sent an HTTP request: GET / HTTP/1.1$' \
			"$ku_in" '^ +request_update: update_not_requested \(0\)$' \
			'^ +protected with: server_application_traffic_secret_0$' \
			'-- note \(server\): the server answered: HTTP/1.0 200 ok$' "$close_out"
		has "$tmp/out" '^ +verdict: MATCH$' "s_server: the Finished check leaves the KeyUpdates out and matches"
		hasnt "$tmp/out" 'verdict: (MISMATCH|cannot)' "s_server: no Finished check fails"
		expect_rc 0 "s_server TLS 1.3 --key-update --http --wire" -- "${client[@]}" --wire "${ca[@]}" "${mine[@]}" \
			--key-update --http --sni localhost "127.0.0.1:$port"
		has "$tmp/out" '\|<=+ application_data\(23\) 0303  [0-9]+ B =+\|  encrypted \(server_application_traffic_secret_1\) = application data [0-9]+ B$' \
			"s_server --wire: the HTTP response comes under server_application_traffic_secret_1, decrypted with the keys derived from it"
		has "$tmp/out" '\|=+ application_data\(23\) 0303  [0-9]+ B =+>\|  encrypted \(client_application_traffic_secret_1\) = application data 77 B$' \
			"s_server --wire: the request goes under client_application_traffic_secret_1, decrypted with the keys derived from it"
		stop_server
	fi
	if start_server s_server12 yes run_s_server 1.2; then
		expect_rc 0 "s_server TLS 1.2 --key-update" -- "${client[@]}" "${ca[@]}" "${mine[@]}" --key-update \
			--sni localhost "127.0.0.1:$port"
		has "$tmp/out" '-- note \(client\): TLS 1.2 has no KeyUpdate; --key-update did nothing \(TLS 1.2 gets new keys only by a new handshake\)$' \
			"TLS 1.2 negotiated: a note, no KeyUpdate"
		hasnt "$tmp/out" 'KeyUpdate  1 B' "TLS 1.2: no KeyUpdate row"
		stop_server
	fi
else
	bad "openssl is not installed (Debian package openssl)"
fi

# ---------------------------------------------------------------- gnutls-serv
if have gnutls-serv; then
	if start_server gnutls-http yes gnutls_serv_13 --http; then
		expect_rc 0 "gnutls-serv --http: --key-update --http" -- "${client[@]}" "${ca[@]}" --key-update --http \
			--sni localhost "127.0.0.1:$port"
		in_order "$tmp/out" "gnutls-serv: the client's KeyUpdate, then the server's with its response" \
			"$ku_out" '-- note \(client\): sent an HTTP request: GET / HTTP/1.1$' "$ku_in" \
			'-- note \(server\): the server answered: HTTP/1.0 200 OK$'
		stop_server
	fi
	if start_server gnutls-echo yes gnutls_serv_13; then
		expect_rc 0 "gnutls-serv (echo): --key-update" -- "${client[@]}" "${ca[@]}" --key-update --grace 300 \
			--sni localhost "127.0.0.1:$port"
		in_order "$tmp/out" "gnutls-serv (echo): the client's KeyUpdate goes unanswered, and the note says why" \
			"$ku_out" '-- note \(server\): the server did not answer the KeyUpdate with its own before the grace period ended \(RFC 8446 lets it wait until it next sends application data, as GnuTLS and OpenSSL do; --http makes a web server send some\)$' \
			"$close_out"
		hasnt "$tmp/out" "$ku_in" "gnutls-serv (echo): no KeyUpdate from the server"
		stop_server
	fi
else
	bad "gnutls-serv is not installed (Debian package gnutls-bin)"
fi

# ---------------------------------------------------------------- the command line
expect_rc 2 "--key-update --tls1.2" -- "$bin" --text --key-update --tls1.2 127.0.0.1 -p 1
has "$tmp/err" '^tlsladder: --key-update needs TLS 1.3: TLS 1.2 has no KeyUpdate \(drop --tls1.2\)$' "--tls1.2: the usage error says why"
expect_rc 2 "--key-update in serve" -- "$bin" serve --text --key-update --once
has "$tmp/err" '^tlsladder: --key-update is for the client \(the demo has the scenario key-update\)$' "serve: the usage error says why"

finish keyupdate
