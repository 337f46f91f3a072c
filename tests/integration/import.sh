#!/usr/bin/env bash
# --replay CAPTURE: a pcapng or pcap someone else took, shown as the ladder.
#  1. round trip: every demo scenario written with --pcap, then imported:
#     the same messages as the live run's text ladder (what is compared: the
#     ladder's message lines without their step number and time, per
#     connection and per sender, in order; the interleaving of the two
#     senders follows the capture's wire times, which the live ladder, stamped
#     when each message was hooked before its records left, may order
#     differently, so it is not compared);
#  2. dumpcap captures of tlsladder's client against gnutls-serv, openssl
#     s_server and nginx (TLS 1.3, 1.2), imported with the client's --keylog: the same
#     messages as the live run; without a key log TLS 1.3 shows ClientHello,
#     ServerHello, ChangeCipherSpec and encrypted records only; the same
#     capture rewritten as a classic pcap gives the same ladder;
#  3. --list of a capture of two connections, exactly;
#  4. a truncated or garbage file: one line, exit 5.
# Needs dumpcap, gnutls-serv, openssl and nginx for part 2 (each skipped without it).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"

# msgs FILE: the message lines of a text ladder, step and time cut off, each
# prefixed by its connection and its sender ("1 C |---- ClientHello ..."); sorted
# stably by connection and sender, so that each sender's order is kept.
msgs() {
	awk '/---- connection [0-9]+ ----/ { conn = $3 }
	     /^ +[0-9]+ +[0-9.]+  \|/ {
		line = $0; sub(/^ +[0-9]+ +[0-9.]+  /, "", line)
		from = (line ~ /^\|<[-=]/) ? "S" : "C"
		print (conn ? conn : 1), from, line }' "$1" | sort -s -k1,1n -k2,2
}
# msgs_conn FILE N: msgs of an imported connection, numbered N.
msgs_conn() { msgs "$1" | sed -E "s/^1 /$2 /"; }

# same WHAT LIVE IMPORTED...: the imported ladders' messages (connection k from
# the k-th file) are the live ladder's. With $late set, the server may have
# more at the end: what a real server sends after the client stopped reading
# (a second NewSessionTicket, its close_notify) is on the wire, not in the
# client's ladder; only those two kinds are allowed, and they are named.
same() {
	local what="$1" live="$2" k=0 f extra
	shift 2
	: >"$tmp/imported.msgs"
	for f in "$@"; do k=$((k + 1)); msgs_conn "$f" "$k" >>"$tmp/imported.msgs"; done
	msgs "$live" >"$tmp/live.msgs"
	if [ -n "${late:-}" ]; then
		# the server's lines past the live ones, when the live ones are their start
		extra=$(awk 'NR == FNR { if ($2 == "S") n++; next } $2 == "S" && ++m > n { sub(/^[0-9]+ S /, ""); print }' \
			"$tmp/live.msgs" "$tmp/imported.msgs")
		if [ -n "$extra" ] && ! grep -qvE 'NewSessionTicket|Alert warning close_notify' <<<"$extra"; then
			awk 'NR == FNR { if ($2 == "S") n++; next } !($2 == "S" && ++m > n)' "$tmp/live.msgs" "$tmp/imported.msgs" \
				>"$tmp/imported.cut" && mv "$tmp/imported.cut" "$tmp/imported.msgs"
			what="$what (and what the server sent after the client stopped reading: $(sed -E 's/^\|<[-=]+ //; s/ [-=]+\|.*//' <<<"$extra" | paste -sd, -))"
		fi
	fi
	if [ -s "$tmp/live.msgs" ] && diff "$tmp/live.msgs" "$tmp/imported.msgs" >"$tmp/diff"; then
		ok "$what: the same $(wc -l <"$tmp/live.msgs") messages as the live run"
	else
		bad "$what: the imported ladder differs from the live run's:"
		cat "$tmp/diff"
	fi
}

# ---------------------------------------------------------------- 1. round trip
for sc in $("$bin" demo --list | awk '/^  [a-z]/ { print $1 }'); do
	"$bin" demo "$sc" --pcap "$tmp/$sc.pcapng" --keylog "$tmp/$sc.keys" --text >"$tmp/$sc.live" 2>/dev/null
	"$bin" --replay "$tmp/$sc.pcapng" --text >"$tmp/$sc.imp" 2>"$tmp/$sc.err"
	rc=$?
	[ "$rc" -eq 0 ] || bad "demo $sc: the import exits $rc: $(cat "$tmp/$sc.err")"
	if [ "$sc" = resumption ] || [ "$sc" = early-data ]; then
		"$bin" --replay "$tmp/$sc.pcapng" --conn 2 --text >"$tmp/$sc.imp2" 2>&1
		same "demo $sc (both connections)" "$tmp/$sc.live" "$tmp/$sc.imp" "$tmp/$sc.imp2"
	else
		same "demo $sc" "$tmp/$sc.live" "$tmp/$sc.imp"
	fi
done
# TLS 1.2's Finished travels encrypted: it shows only because the key block opened it
has "$tmp/tls12-ecdhe.imp" '\|=+ Finished  12 B =+>\|  encrypted' "TLS 1.2: the client's Finished decrypted with the master secret"
has "$tmp/tls13.imp" '\|<=+ Certificate  [0-9]+ B =+\|  encrypted' "TLS 1.3: the server's Certificate decrypted with the handshake secret"
has "$tmp/tls13.imp" '^capture .*tls13.pcapng, connection 1$' "the title names the capture and the connection"
hasnt "$tmp/tls13.imp" '^(Summary|  server certificate:|diagnosis: ok)' "no summary, no verdict the capture cannot show"
has "$tmp/mtls-wrong-ca.imp" '\|<=+ Alert fatal bad_certificate \(42\) =+\|' "the encrypted alert is read"
"$bin" --replay "$tmp/tls13.pcapng" --text -v >"$tmp/tls13.v" 2>&1
# saved as JSON, an imported connection says where it came from, and replays the same
"$bin" --replay "$tmp/tls13.pcapng" --text --json "$tmp/imp.json" >"$tmp/imp.txt" 2>&1
"$bin" --replay "$tmp/imp.json" --text >"$tmp/imp2.txt" 2>&1
has "$tmp/imp.json" '"mode": *"capture"' "a saved imported connection says mode capture"
if cmp -s "$tmp/imp.txt" "$tmp/imp2.txt"; then ok "its replay prints the same ladder"; else bad "the replay of a saved import differs"; diff "$tmp/imp.txt" "$tmp/imp2.txt" | head; fi
has "$tmp/tls13.v" 'MATCH' "the Finished check runs on the imported secrets"

# out of order and retransmitted: the server's Certificate segment arrives
# after its CertificateVerify, and the EncryptedExtensions segment twice
if have editcap; then
	editcap -F pcap "$tmp/tls13.pcapng" "$tmp/tls13.pcap" >/dev/null 2>&1
	python3 - "$tmp/tls13.pcap" "$tmp/shuffled.pcap" <<-'PY'
		import struct, sys
		d = open(sys.argv[1], "rb").read()
		big = d[:4] == b"\xa1\xb2\xc3\xd4"
		recs, at = [], 24
		while at < len(d):
		    cl = struct.unpack((">" if big else "<") + "I", d[at + 8:at + 12])[0]
		    recs.append(d[at:at + 16 + cl]); at += 16 + cl
		# the server's encrypted flight: the first segments with more than 1000 bytes and the one after it
		cert = next(i for i, r in enumerate(recs) if len(r) > 1000)
		recs[cert], recs[cert + 1] = recs[cert + 1], recs[cert]
		recs.insert(cert + 2, recs[cert - 1])
		open(sys.argv[2], "wb").write(d[:24] + b"".join(recs))
	PY
	# a classic pcap has no Decryption Secrets Block: the key log comes from the file
	"$bin" --replay "$tmp/shuffled.pcap" --keylog "$tmp/tls13.keys" --text >"$tmp/shuffled.imp" 2>&1
	same "segments out of order and retransmitted (classic pcap)" "$tmp/tls13.live" "$tmp/shuffled.imp"
	has "$tmp/shuffled.imp" 'Certificate  [0-9]+ B' "the late Certificate is in the ladder"
	# other link types and file variants, made from the same packets: Linux cooked
	# (SLL, SLL2), Ethernet with an 802.1Q tag, IPv6, a big-endian pcap with
	# nanosecond times
	python3 - "$tmp/tls13.pcap" "$tmp/variant" <<-'PY'
		import struct, sys
		d = open(sys.argv[1], "rb").read()
		e = ">" if d[:4] == b"\xa1\xb2\xc3\xd4" else "<"
		pkts, at = [], 24
		while at < len(d):
		    s, us, cl, ol = struct.unpack(e + "IIII", d[at:at + 16])
		    pkts.append((s, us, d[at + 16:at + 16 + cl])); at += 16 + cl
		def v6(p):
		    ihl = (p[0] & 15) * 4
		    tcp = p[ihl:struct.unpack(">H", p[2:4])[0]]
		    return struct.pack(">IHBB", 6 << 28, len(tcp), 6, 64) + b"\0" * 15 + b"\1" + b"\0" * 15 + b"\1" + tcp
		def write(name, link, wrap, big=False, nano=False):
		    o = ">" if big else "<"
		    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
		    out = struct.pack(o + "IHHiIII", magic, 2, 4, 0, 0, 65535, link)
		    for s, us, p in pkts:
		        q = wrap(p)
		        out += struct.pack(o + "IIII", s, us * 1000 if nano else us, len(q), len(q)) + q
		    open(sys.argv[2] + "-" + name + ".pcap", "wb").write(out)
		write("sll", 113, lambda p: struct.pack(">HHH8sH", 0, 772, 6, b"\0" * 8, 0x0800) + p)
		write("sll2", 276, lambda p: struct.pack(">HHIHBB8s", 0x0800, 0, 1, 772, 0, 6, b"\0" * 8) + p)
		write("vlan", 1, lambda p: b"\0" * 12 + struct.pack(">HHH", 0x8100, 5, 0x0800) + p)
		write("ipv6", 1, lambda p: b"\0" * 12 + struct.pack(">H", 0x86DD) + v6(p))
		write("be-ns", 101, lambda p: p, big=True, nano=True)
	PY
	for v in sll sll2 vlan ipv6 be-ns; do
		"$bin" --replay "$tmp/variant-$v.pcap" --keylog "$tmp/tls13.keys" --text >"$tmp/variant-$v.imp" 2>&1
		same "the same packets as $v" "$tmp/tls13.live" "$tmp/variant-$v.imp"
	done
	"$bin" --replay "$tmp/variant-ipv6.pcap" --keylog "$tmp/tls13.keys" --list >"$tmp/v6.list" 2>&1
	has "$tmp/v6.list" '^1  \[::1\]:50000 -> \[::1\]:443  TLS 1.3  13 messages$' "IPv6 addresses in --list"
	"$bin" --replay "$tmp/variant-ipv6.pcap" --list >"$tmp/v6.list" 2>&1
	has "$tmp/v6.list" '^1  \[::1\]:50000 -> \[::1\]:443  TLS 1.3  4 messages$' "--list without the key log counts the messages it can read"
	# without a key log (a classic pcap carries none) nothing protected is read, and the ladder says so
	editcap -F pcap "$tmp/tls12-ecdhe.pcapng" "$tmp/tls12.pcap" >/dev/null 2>&1
	"$bin" --replay "$tmp/tls12.pcap" --text >"$tmp/tls12.nokey" 2>&1
	has "$tmp/tls12.nokey" "^ +[0-9]+ +[0-9.]+  -- note \(client\): the client's encrypted handshake message \(40 bytes on the wire; TLS 1.2 sends its Finished first after ChangeCipherSpec\) is not decrypted: the key log has no secret for this connection \(--keylog FILE\)$" \
		"TLS 1.2 without the key log: the encrypted Finished is named as unread"
	hasnt "$tmp/tls12.nokey" 'Finished  ' "TLS 1.2 without the key log: no Finished is made up"
	"$bin" --replay "$tmp/tls13.pcap" --text >"$tmp/tls13.nokey" 2>&1
	has "$tmp/tls13.nokey" "-- note \(server\): the server's encrypted records are not decrypted: the key log has no secret for this connection \(--keylog FILE\)$" \
		"TLS 1.3 without the key log: the ladder says why the rest is unread"
	echo "CLIENT_RANDOM $(printf '%064d' 0) $(printf '%096d' 0)" >"$tmp/other.keys"
	"$bin" --replay "$tmp/tls13.pcapng" --keylog "$tmp/other.keys" --text >"$tmp/other.imp" 2>&1
	same "--keylog of another connection, and the pcapng's own key log" "$tmp/tls13.live" "$tmp/other.imp"
	SSLKEYLOGFILE="$tmp/browser.keys" "$bin" --replay "$tmp/tls13.pcap" --text >"$tmp/env.imp" 2>&1
	has "$tmp/env.imp" "the key log has no secret for this connection" "\$SSLKEYLOGFILE naming no file yet: no error"
	[ ! -e "$tmp/browser.keys" ] && ok "\$SSLKEYLOGFILE is not created" || bad "\$SSLKEYLOGFILE was created"
	expect_rc 5 "--keylog naming no file" -- "$bin" --replay "$tmp/tls13.pcap" --keylog "$tmp/no-such.keys" --text
	has "$tmp/err" '^tlsladder: .*no-such.keys: cannot be read: No such file or directory$' "the missing key log is named"
	[ ! -e "$tmp/no-such.keys" ] && ok "the key log is read, not created" || bad "--keylog created $tmp/no-such.keys"
fi

# ---------------------------------------------------------------- 3. --list
expect_rc 0 "--list of a capture of two connections" -- "$bin" --replay "$tmp/resumption.pcapng" --list
printf '%s\n' "1  127.0.0.1:50000 -> 127.0.0.1:443  TLS 1.3  13 messages" \
	"2  127.0.0.1:50001 -> 127.0.0.1:443  TLS 1.3  11 messages" >"$tmp/list.want"
if diff "$tmp/list.want" "$tmp/out" >"$tmp/diff"; then ok "--list: one exact line per connection"
else bad "--list differs:"; cat "$tmp/diff"; fi
expect_rc 5 "--conn past the last connection" -- "$bin" --replay "$tmp/resumption.pcapng" --conn 3 --text
has "$tmp/err" '^tlsladder: .*: there is no TLS connection 3 in the capture \(it has 2; see --list\)$' "--conn 3 is named"
"$bin" demo tls13 --json "$tmp/tls13.json" >/dev/null 2>&1
expect_rc 2 "--list with a saved run" -- "$bin" --replay "$tmp/tls13.json" --list
has "$tmp/err" '^tlsladder: --list with --replay lists the connections of a capture \(pcapng or pcap\), not of a saved run$' "--list with a saved run: said why"

# ---------------------------------------------------------------- 4. damaged files
size=$(stat -c %s "$tmp/tls13.pcapng")
head -c $((size - 7)) "$tmp/tls13.pcapng" >"$tmp/cut.pcapng"
expect_rc 5 "a pcapng cut short" -- "$bin" --replay "$tmp/cut.pcapng" --text
has "$tmp/err" '^tlsladder: .*cut.pcapng: not a capture that can be read: the file ends inside the block at byte [0-9]+ \(cut short\)$' "the cut is named in one line"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok "one line" || bad "more than one line: $(cat "$tmp/err")"
{ printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00'; head -c 300 /dev/urandom; } >"$tmp/garbage.pcap"
expect_rc 5 "a pcap of garbage" -- "$bin" --replay "$tmp/garbage.pcap" --text
has "$tmp/err" '^tlsladder: .*garbage.pcap: not a capture that can be read: ' "garbage: one clear line"
printf '\x0a\x0d\x0d\x0a\xff\xff\xff\xff' >"$tmp/tiny.pcapng"
expect_rc 5 "a pcapng with an impossible block length" -- "$bin" --replay "$tmp/tiny.pcapng" --text
has "$tmp/err" 'declares a length of|cut short|byte-order' "the block length is named"

# ---------------------------------------------------------------- 2. real servers
# real NAME FUNC VERSION [SERVER ARGS]: a dumpcap capture of the client against
# the server, imported with and without the client's key log.
real() {
	local name="$1" fn="$2" v="$3" i
	start_server "$name" no "$fn" "${@:4}" || return 1
	for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
	start_capture "$port" "$tmp/$name.pcapng" || { stop_server; return 1; }
	# dumpcap may still miss the first packets: a bare TCP probe (no TLS: the import
	# skips it) until the file shows one, at most 5 s
	for ((i = 0; i < 50; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
		sleep 0.1
		[ -n "$(tshark -n -r "$tmp/$name.pcapng" -c 1 2>/dev/null)" ] && break
	done
	"$bin" --text --timeout 10 --tls"$v" --cafile "$certs/root-ca.pem" --keylog "$tmp/$name.keys" \
		--sni localhost "127.0.0.1:$port" >"$tmp/$name.live" 2>&1 </dev/null
	if ! python3 "$src/tests/integration/oracle.py" wait "$tmp/$name.pcapng" "$port" 1 10; then
		bad "$name: the capture is incomplete; the client's run was:"
		cat "$tmp/$name.live"
	fi
	stop_capture
	stop_server
	"$bin" --replay "$tmp/$name.pcapng" --keylog "$tmp/$name.keys" --text >"$tmp/$name.imp" 2>&1
	same "$name TLS $v (dumpcap, --keylog)" "$tmp/$name.live" "$tmp/$name.imp"
	if [ "$v" = 1.3 ]; then
		"$bin" --replay "$tmp/$name.pcapng" --text >"$tmp/$name.nokey" 2>&1
		msgs "$tmp/$name.nokey" | cut -d' ' -f3- | grep -vE '^\|(-+ (ClientHello|ChangeCipherSpec) .*-+>|<-+ (ServerHello|ChangeCipherSpec) .*-+)\|' >"$tmp/extra"
		if [ ! -s "$tmp/extra" ] && grep -q 'ServerHello' "$tmp/$name.nokey"; then
			ok "$name without the key log: ClientHello, ServerHello, ChangeCipherSpec only"
		else bad "$name without the key log shows more:"; cat "$tmp/$name.nokey"; fi
		"$bin" --replay "$tmp/$name.pcapng" --text --wire >"$tmp/$name.nokey-wire" 2>&1
		has "$tmp/$name.nokey-wire" 'application_data\(23\).*encrypted' "$name without the key log: the encrypted records show with --wire"
	fi
	if have editcap; then
		editcap -F pcap "$tmp/$name.pcapng" "$tmp/$name.pcap" >/dev/null 2>&1
		"$bin" --replay "$tmp/$name.pcap" --keylog "$tmp/$name.keys" --text >"$tmp/$name.pcap.imp" 2>&1
		same "$name TLS $v as a classic pcap" "$tmp/$name.live" "$tmp/$name.pcap.imp"
	fi
}
late=yes
if ! have tshark; then
	echo "skip import of real captures: tshark is not installed (Debian package tshark)"
elif ! can_capture; then
	echo "skip import of real captures: $capture_why"
else
	if have gnutls-serv; then
		real gnutls13 gnutls_serv 1.3 --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key"
		real gnutls12 gnutls_serv 1.2 --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key"
	else
		echo "skip gnutls-serv: not installed (Debian package gnutls-bin)"
	fi
	if have openssl; then
		real s_server13 run_s_server 1.3 1.3
		real s_server12 run_s_server 1.2 1.2
	else
		echo "skip openssl s_server: not installed"
	fi
	if have nginx; then
		real nginx13 run_nginx 1.3 TLSv1.3 off
		real nginx12 run_nginx 1.2 TLSv1.2 off
	else
		echo "skip nginx: not installed"
	fi
fi

finish import
