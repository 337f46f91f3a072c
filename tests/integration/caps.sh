#!/usr/bin/env bash
# What a connection stores is bounded (timeline.h), and what was cut is said.
#
# 1. A client sends a ClientHello of 129,041 bytes (bighello.py: 32,000
#    cipher suites and a 64,996-byte unknown extension) to
#    "serve --once --text -v": its ladder line and its tree say that only
#    the first 65,536 bytes were kept, decoding stops there without calling
#    the message malformed, and the connection's note says one event was cut.
# 2. A real handshake with a chain of five RSA-4096 certificates
#    (gnutls-serv) is kept whole: nothing is marked stored in part.
# Needs python3, certtool and gnutls-serv (Debian gnutls-bin).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

run_serve_v() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text -v --timeout 10 "$@"
}
if start_server serve no run_serve_v; then
	n=$(timeout 20 python3 "$here/bighello.py" "$port")
	wait_exit "$srv" 15
	cp "$tmp/serve.log" "$tmp/out"
	if [ "$n" = 129041 ]; then ok "the client sent a ClientHello body of 129,041 bytes"; else
		bad "bighello.py said '$n'"
	fi
	has "$tmp/out" '^ +[0-9]+ +[0-9.]+  \|-+ ClientHello  129041 B -+>\|  stored: the first 65,536 of 129,041 bytes; the rest was not kept$' \
		"the ladder line gives the whole size and says what was kept"
	has "$tmp/out" '^ {16}stored: the first 65,536 of 129,041 bytes; the rest was not kept$' \
		"the tree says what was kept"
	has "$tmp/out" '^ {18}decoded: up to offset 64041: the fields from there on lie in the bytes not kept$' \
		"the tree says where decoding stopped"
	has "$tmp/out" '^ {16}cipher suites: 32000 suites$' "the fields in the kept bytes are decoded"
	hasnt "$tmp/out" 'malformed|trailing data' "a body kept in part is not called malformed"
	has "$tmp/out" '^note \(connection 1\): 1 event kept only the first part of its body or text \(limits 65,536 bytes per message, 262,144 per connection\)$' \
		"the connection says one event was kept in part"
fi

# A chain of five RSA-4096 certificates: root, three intermediates, the
# server's (one 4096-bit key for all five: the sizes are those of five keys,
# for a fifth of the key generation's CPU time).
certtool --generate-privkey --key-type rsa --bits 4096 --outfile "$tmp/rsa4096.key" 2>/dev/null
mk() {   # mk NAME SIGNER TEMPLATE-LINES...
	local name="$1" signer="$2"
	shift 2
	printf '%s\n' "$@" >"$tmp/$name.tmpl"
	cp "$tmp/rsa4096.key" "$tmp/$name.key" 2>/dev/null || return 1
	if [ "$signer" = self ]; then
		certtool --generate-self-signed --load-privkey "$tmp/$name.key" --template "$tmp/$name.tmpl" \
			--outfile "$tmp/$name.pem" 2>/dev/null
	else
		certtool --generate-certificate --load-privkey "$tmp/$name.key" --load-ca-certificate "$tmp/$signer.pem" \
			--load-ca-privkey "$tmp/$signer.key" --template "$tmp/$name.tmpl" --outfile "$tmp/$name.pem" 2>/dev/null
	fi
}
ca=('ca' 'cert_signing_key' 'expiration_days = 30')
if mk root self 'cn = "Caps Root"' "${ca[@]}" && mk int1 root 'cn = "Caps Int 1"' "${ca[@]}" &&
	mk int2 int1 'cn = "Caps Int 2"' "${ca[@]}" && mk int3 int2 'cn = "Caps Int 3"' "${ca[@]}" &&
	mk leaf int3 'cn = "localhost"' 'dns_name = "localhost"' 'tls_www_server' 'signing_key' \
		'encryption_key' 'expiration_days = 30'; then
	cat "$tmp/leaf.pem" "$tmp/int3.pem" "$tmp/int2.pem" "$tmp/int1.pem" "$tmp/root.pem" >"$tmp/chain.pem"
	if start_server gnutls-serv yes gnutls_serv --x509certfile "$tmp/chain.pem" --x509keyfile "$tmp/leaf.key"; then
		expect_rc 0 "a handshake with a chain of five RSA-4096 certificates" -- \
			"$bin" --text -v --timeout 10 --cafile "$tmp/root.pem" localhost -p "$port"
		has "$tmp/out" '^ +[0-9]+ +[0-9.]+  \|<=+ Certificate  [0-9]{4,5} B =+\|  encrypted$' \
			"the Certificate line is a plain one"
		has "$tmp/out" '^ {16}certificates: 5 certificates' "all five certificates are decoded"
		has "$tmp/out" 'server certificate: +trusted: 5 sent' "the chain is judged whole"
		hasnt "$tmp/out" 'stored: |not kept|not stored|kept only' "nothing of the handshake was cut"
		stop_server
	fi
else
	bad "certtool could not make the RSA-4096 chain"
fi
finish caps
