#!/usr/bin/env bash
# --pcap FILE: the run as a pcapng that Wireshark decrypts alone. For every
# demo scenario, a client run against gnutls-serv and against openssl
# s_server (IPv4 and IPv6), and serve with two clients, tshark reads the file
# with no key log option (-o tls.keylog_file is never given: the secrets are
# the file's Decryption Secrets Block) and must decode exactly the handshake
# messages expected, per connection and direction, Finished included (it
# travels encrypted: decoding it proves the secrets in the file work), and
# they must be the handshake messages the text ladder shows. Also: the file
# is created mode 0600, is never written through a symbolic link nor into a
# file open to others, and the addresses and ports are the connection's own.
# Needs tshark, gnutls-serv, openssl, python3.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"

if ! have tshark; then
	echo "skip pcap: tshark is not installed (Debian package tshark): the capture file cannot be read back"
	finish pcap
	exit
fi

# wire_msgs FILE SERVER_PORT: per connection (tshark's TCP stream) and
# direction, the handshake message types tshark decodes from FILE alone:
# "0 C 1 20" / "0 S 2 8 11 15 20 4 4", one line each, streams in order.
wire_msgs() {
	tshark -n -r "$1" -Y tls.handshake -T fields -e tcp.stream -e tcp.srcport -e tls.handshake.type 2>/dev/null |
		awk -v sp="$2" '{
			d = ($2 == sp) ? "S" : "C"; k = $1 " " d
			if (!(k in seen)) { seen[k] = 1; order[n++] = k }
			gsub(",", " ", $3); list[k] = list[k] " " $3
		} END { for (i = 0; i < n; i++) print order[i] list[order[i]] }' | sort -s -k1,1n -k2,2
}

# ladder_msgs FILE: the handshake messages of a text ladder per direction,
# as type numbers, all connections: "C 1 20 1 20" / "S 2 8 ...".
ladder_msgs() {
	awk '
	BEGIN {
		t["ClientHello"] = 1; t["ServerHello"] = 2; t["HelloRetryRequest"] = 2; t["NewSessionTicket"] = 4
		t["EncryptedExtensions"] = 8; t["Certificate"] = 11; t["ServerKeyExchange"] = 12
		t["CertificateRequest"] = 13; t["ServerHelloDone"] = 14; t["CertificateVerify"] = 15
		t["ClientKeyExchange"] = 16; t["Finished"] = 20; t["KeyUpdate"] = 24; t["EndOfEarlyData"] = 5; t["HelloRequest"] = 0
	}
	/\|[-=].*>\|/ || /\|<.*[-=]\|/ {
		d = /\|</ ? "S" : "C"
		for (i = 1; i <= NF; i++) if ($i in t) { out[d] = out[d] " " t[$i]; break }
	}
	END { print "C" out["C"]; print "S" out["S"] }' "$1"
}

# all_dirs WIRE_LINES: the wire's lists joined over connections, per direction (as ladder_msgs prints them).
all_dirs() {
	awk '{ d = $2; $1 = ""; $2 = ""; gsub(/^ +/, ""); out[d] = out[d] " " $0 } END { print "C" out["C"]; print "S" out["S"] }' <<<"$1"
}

# check NAME FILE SERVER_PORT LADDER EXPECTED: tshark's messages from FILE
# alone are EXPECTED, and the ladder's are the same.
check() {
	local name="$1" file="$2" sp="$3" ladder="$4" want="$5" got
	got=$(wire_msgs "$file" "$sp")
	if [ "$got" = "$want" ]; then ok "$name: tshark decodes from the file alone: $(tr '\n' ';' <<<"$got")"
	else
		bad "$name: tshark decodes"
		echo "     got:    $(tr '\n' ';' <<<"$got")"
		echo "     wanted: $(tr '\n' ';' <<<"$want")"
	fi
	if [ "$(all_dirs "$got")" = "$(ladder_msgs "$ladder")" ]; then ok "$name: the same messages as the ladder"
	else
		bad "$name: the ladder shows other messages than the capture"
		echo "     ladder:  $(ladder_msgs "$ladder" | tr '\n' ';')"
		echo "     capture: $(all_dirs "$got" | tr '\n' ';')"
	fi
}

# ---------------------------------------------------------------- the demo
# Every scenario: the messages each side sent, per connection (connection,
# direction, types in order). Finished is 20.
declare -A want=(
	[tls13]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4'
	[tls12-ecdhe]=$'0 C 1 16 20\n0 S 2 11 12 14 4 20'
	[tls12-rsa]=$'0 C 1 16 20\n0 S 2 11 14 4 20'
	[mtls13]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20 4 4'
	[mtls12]=$'0 C 1 11 16 15 20\n0 S 2 11 12 13 14 4 20'
	[hrr]=$'0 C 1 1 20\n0 S 2 2 8 11 15 20 4 4'
	[resumption]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4\n1 C 1 20\n1 S 2 8 20 4 4'
	[key-update]=$'0 C 1 20 24\n0 S 2 8 11 15 20 4 4 24'
	[post-handshake-auth]=$'0 C 1 20 11 15 20\n0 S 2 8 11 15 20 4 4 13'
	[early-data]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4\n1 C 1 5 20\n1 S 2 8 20 4 4'
	[renegotiation]=$'0 C 1 16 20 1 11 16 15 20\n0 S 2 11 12 14 4 20 0 2 11 12 13 14 20'
	[mtls-wrong-ca]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-no-cert]=$'0 C 1 11 20\n0 S 2 8 13 11 15 20'
	[mtls12-no-cert]=$'0 C 1 11 16 20\n0 S 2 11 12 13 14'
	[mtls-expired]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-missing-intermediate]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-wrong-usage]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-key-mismatch]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[server-untrusted]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4'
	[server-expired]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4'
	[server-name-mismatch]=$'0 C 1 20\n0 S 2 8 11 15 20 4 4'
	[version-mismatch]=$'0 C 1'
	[no-shared-cipher]=$'0 C 1'
	[mtls-revoked]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-weak-key]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-sha1-signature]=$'0 C 1 11 15 20\n0 S 2 8 13 11 15 20'
	[mtls-key-not-accepted]=$'0 C 1 11 20\n0 S 2 8 13 11 15 20'
)
scenarios=$("$bin" demo --list | awk '/^  [a-z]/ { print $1 }')
for s in $scenarios; do
	[ -n "${want[$s]:-}" ] || { bad "demo $s: no expected messages in this test"; continue; }
	"$bin" demo "$s" --text --pcap "$tmp/$s.pcapng" >"$tmp/$s.out" 2>"$tmp/$s.err" </dev/null
	check "demo $s (exit $?)" "$tmp/$s.pcapng" 443 "$tmp/$s.out" "${want[$s]}"
done

# The demo's made-up ends: 127.0.0.1, the client on port 50000 + connection, the server on 443.
ends=$(tshark -n -r "$tmp/resumption.pcapng" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
	-e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport 2>/dev/null | tr '\t\n' ' ;')
[ "$ends" = "127.0.0.1 50000 127.0.0.1 443;127.0.0.1 50001 127.0.0.1 443;" ] &&
	ok "demo: made-up loopback ends, one TCP connection per TLS connection" ||
	bad "demo: the connections' ends are: $ends"
comment=$(tshark -n -r "$tmp/tls13.pcapng" -Y frame.comment -T fields -e frame.comment 2>/dev/null)
[ "$comment" = "tlsladder: connection 1 of the run. Addresses and ports made up: the demo joins client and server by a socket pair." ] &&
	ok "demo: the first packet says the addresses are made up" || bad "demo: the first packet's comment: $comment"
for s in tls13 tls12-ecdhe resumption mtls-wrong-ca; do
	flagged=$(tshark -n -r "$tmp/$s.pcapng" -Y 'tcp.analysis.flags || tcp.checksum.status == 0 || ip.checksum.status == 0' \
		-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null)
	[ -z "$flagged" ] && ok "demo $s: tshark's TCP analysis and checksums find nothing wrong" ||
		{ bad "demo $s: tshark flags segments:"; echo "$flagged"; }
done
mode=$(stat -c %a "$tmp/tls13.pcapng")
[ "$mode" = 600 ] && ok "the capture file is created mode 0600" || bad "the capture file has mode $mode"

# ---------------------------------------------------------------- refusals
ln -s "$tmp/target.pcapng" "$tmp/link.pcapng"
expect_rc 5 "--pcap through a symbolic link is refused" -- "$bin" demo tls13 --text --pcap "$tmp/link.pcapng"
has "$tmp/err" "link.pcapng: the capture file is a symbolic link" "the refusal names the link"
[ ! -e "$tmp/target.pcapng" ] && ok "nothing was written through the link" || bad "the link's target was written"
: >"$tmp/open.pcapng"
chmod 644 "$tmp/open.pcapng"
expect_rc 5 "--pcap on a 0644 file is refused" -- "$bin" --text --pcap "$tmp/open.pcapng" 127.0.0.1 -p 1
has "$tmp/err" "open to others \(mode 0644\)" "the refusal says why"
expect_rc 5 "--pcap in a missing directory fails before connecting" -- \
	"$bin" --text --pcap "$tmp/no/such/dir/x.pcapng" 127.0.0.1 -p 1
hasnt "$tmp/err" "connect" "nothing was connected to"

# ---------------------------------------------------------------- real servers
ca=(--cafile "$certs/root-ca.pem" --sni localhost)
run_gnutls() {
	local p="$1"
	shift
	exec gnutls-serv -p "$p" --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" "$@"
}
run_ossl() {
	exec openssl s_server -accept "$1" -"$2" -www -naccept 1 \
		-cert "$certs/server-ecdsa.pem" -cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key"
}
# client NAME HOST WANT [ARGS]: one client run against the server started last, checked.
client() {
	local name="$1" host="$2" wanted="$3" ip
	shift 3
	"$bin" --text --timeout 10 "${ca[@]}" "$@" --pcap "$tmp/$name.pcapng" "$host" -p "$port" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	check "$name (exit $?)" "$tmp/$name.pcapng" "$port" "$tmp/$name.out" "$wanted"
	ip=$(tshark -n -r "$tmp/$name.pcapng" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
		-e ip.dst -e ipv6.dst -e tcp.dstport 2>/dev/null | awk -F '\t' '{ print $1 $2 " " $3 }')
	[ "$ip" = "$host $port" ] && ok "$name: the real server address and port ($ip)" ||
		bad "$name: the SYN goes to '$ip', not '$host $port'"
}
if have gnutls-serv && start_server gnutls-serv yes run_gnutls; then
	# --http: the client reads until the answer (the echo of its request), so
	# every ticket before it was read, and is in the file
	client "gnutls-serv TLS 1.3" 127.0.0.1 $'0 C 1 11 20\n0 S 2 8 13 11 15 20 4 4' --http
	client "gnutls-serv TLS 1.3 over IPv6" ::1 $'0 C 1 11 20\n0 S 2 8 13 11 15 20 4 4' --http
	stop_server
fi
if have gnutls-serv && start_server gnutls-serv12 yes run_gnutls --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'; then
	client "gnutls-serv TLS 1.2" 127.0.0.1 $'0 C 1 11 16 20\n0 S 2 11 12 13 14 4 20' --http
	stop_server
fi
if have openssl && start_server s_server no run_ossl tls1_3; then
	client "openssl s_server TLS 1.3" 127.0.0.1 $'0 C 1 20\n0 S 2 8 11 15 20 4 4' --http
	stop_server
fi

# ---------------------------------------------------------------- serve
# Two clients; each connection is appended as it ends, with its own secrets.
run_serve() { exec "$bin" serve --text --pcap "$tmp/serve.pcapng" "$1"; }
if start_server serve no run_serve; then
	"$bin" --text "${ca[@]}" 127.0.0.1 -p "$port" >"$tmp/c1.out" 2>&1 </dev/null
	"$bin" --text "${ca[@]}" --tls1.2 127.0.0.1 -p "$port" >"$tmp/c2.out" 2>&1 </dev/null
	sleep 0.3
	stop_server
	check "serve, two clients (TLS 1.3, then 1.2)" "$tmp/serve.pcapng" "$port" "$tmp/serve.log" \
		$'0 C 1 20\n0 S 2 8 11 15 20 4 4\n1 C 1 16 20\n1 S 2 11 12 14 4 20'
	comments=$(tshark -n -r "$tmp/serve.pcapng" -Y frame.comment -T fields -e frame.comment 2>/dev/null | tr '\n' ';')
	[ "$comments" = "tlsladder serve: connection 1.;tlsladder serve: connection 2.;" ] &&
		ok "serve: each connection's first packet names it" || bad "serve: the comments are: $comments"
fi

finish pcap
