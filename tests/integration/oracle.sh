#!/usr/bin/env bash
# An independent witness: Wireshark's dissector. Each server below runs on
# loopback with dumpcap capturing its port; the client connects with
# `--text -v --keylog FILE`, and tshark decodes the capture with that key
# log. Per direction, the handshake messages (name and length),
# ChangeCipherSpec records and alerts of the text ladder must equal what
# tshark decodes, in order, and every Finished's verify_data must be the same
# bytes (oracle.py says what differs).
#   gnutls-serv --require-client-cert (as in issue 9, 1b); the same with
#               only secp384r1 (a HelloRetryRequest); and with
#               --verify-client-cert --x509cafile root-ca.pem
#   openssl s_server -www -Verify 1 -verify_return_error -CAfile root-ca.pem
#   nginx       ssl_verify_client on, TLS 1.2 and TLS 1.3 each
#   --key-update: against s_server (sending a line) both KeyUpdates, against
#               gnutls-serv the client's; the alerts after them use the next secrets
#   Apache      TLS 1.3, a client certificate asked for after the handshake
#               (post-handshake auth): with one, and without
#   Apache      TLS 1.2, a location requiring a client certificate: renegotiation
#   --http: gnutls-serv --http answers and closes; the server's close_notify
#               (and, against Apache, what comes after the status line) is on the ladder
# TLS 1.2 and 1.3 against each: a client certificate (success), none, one from
# another CA, and an untrusted server certificate (--verify report).
# Capturing needs root or CAP_NET_RAW: without it (or without dumpcap or
# tshark) the test is skipped and says so.
# Needs tshark (Debian package tshark, with dumpcap from wireshark-common),
# gnutls-serv, openssl, nginx, apache2, python3.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
oracle="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/oracle.py"
PATH="$PATH:/usr/sbin"

skip() { echo "skip $*"; }
if ! have tshark; then
	skip "oracle: tshark is not installed (Debian package tshark): no capture to compare with"
	finish oracle
	exit
fi
if ! can_capture; then
	skip "oracle: $capture_why; the ladder is not compared with a capture"
	finish oracle
	exit
fi

ca=(--cafile "$certs/root-ca.pem")
otherca=(--cafile "$certs/other-ca.pem")
mine=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
theirs=(--cert "$certs/client-other-ca.pem" --key "$certs/client-other-ca.key")

# ---------------------------------------------------------------- servers
# oracle_gnutls PORT [ARGS]: gnutls-serv, the demo ECDSA chain, TLS 1.2 and 1.3
oracle_gnutls() {
	local p="$1"
	shift
	exec gnutls-serv -p "$p" --x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" "$@"
}
# oracle_s_server PORT: s_server -www, TLS 1.2 and 1.3, refusing a missing or
# unverifiable client certificate with an alert
oracle_s_server() {
	exec openssl s_server -accept "127.0.0.1:$1" -www \
		-cert "$certs/server-ecdsa.pem" -cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" \
		-CAfile "$certs/root-ca.pem" -Verify 1 -verify_return_error
}

# oracle_s_server_data PORT: s_server (no -www, TLS 1.3) that sends one line from its
# standard input 2 s after it starts (it reads it then), and keeps the input open
oracle_s_server_data() {
	exec openssl s_server -accept "127.0.0.1:$1" -tls1_3 \
		-cert "$certs/server-ecdsa.pem" -cert_chain "$certs/intermediate-ca.pem" -key "$certs/server-ecdsa.key" \
		< <(sleep 2; echo "data from s_server"; sleep 20)
}

# ---------------------------------------------------------------- one server, its runs
# begin NAME FUNC [ARGS]: starts the server (start_server) and its capture.
# ORACLE_ONLY=REGEX runs only the servers whose NAME matches.
nrun=0
begin() {
	name="$1"
	runs=()
	labels=()
	started=no
	[[ "$name" =~ ${ORACLE_ONLY:-.} ]] || return 1
	start_server "$1" no "${@:2}" || return 1
	start_capture "$port" "$tmp/$name.pcapng" || { stop_server; return 1; }
	dest=(--sni localhost "127.0.0.1:$port")
	started=yes
}
# run LABEL ARGS...: one client connection to the server begun last, its
# ladder in $tmp/runN.out (stderr in .err), its key log in $tmp/runN.keylog.
run() {
	local label="$1" r
	shift
	[ "$started" = yes ] || return 0
	nrun=$((nrun + 1))
	r="$tmp/run$nrun"
	"$bin" --text -v --timeout 10 --keylog "$r.keylog" "$@" >"$r.out" 2>"$r.err" </dev/null
	echo "$?" >"$r.rc"
	runs+=("$r")
	labels+=("$label")
}
# end: waits for the capture to hold every run, stops dumpcap and the server,
# decodes the capture with all the runs' key logs, and compares each run.
end() {
	local i r rc out json="$tmp/$name.json" keys="$tmp/$name.keylog"
	[ "$started" = yes ] || return 0
	python3 "$oracle" wait "$tmp/$name.pcapng" "$port" "${#runs[@]}" 10 || bad "$name: the capture is incomplete"
	stop_capture
	stop_server
	: >"$keys"
	for r in "${runs[@]}"; do cat "$r.keylog" >>"$keys" 2>/dev/null; done
	if ! tshark -n -r "$tmp/$name.pcapng" -o "tls.keylog_file:$keys" -d "tcp.port==$port,tls" \
		-T json -x --no-duplicate-keys -J "tcp tls" >"$json" 2>"$tmp/$name.tshark.err"; then
		bad "$name: tshark could not read the capture"
		cat "$tmp/$name.tshark.err"
		return
	fi
	for i in "${!runs[@]}"; do
		r="${runs[$i]}"
		rc=$(cat "$r.rc")
		if [ "$rc" -ge 124 ] || grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$r.err"; then
			bad "$name ${labels[$i]}: tlsladder exit $rc"
			cat "$r.err"
			continue
		fi
		if out=$(python3 "$oracle" compare "$json" "$port" "$i" "$r.out" "$r.keylog" 2>&1); then
			ok "$name ${labels[$i]} (exit $rc): ${out%%$'\n'*}"
			[ -n "$witness" ] || [ "$rc" -ne 0 ] || witness="$json $port $i $r"
		else
			bad "$name ${labels[$i]} (exit $rc): the ladder is not the wire: ${out%%$'\n'*}"
			printf '%s\n' "$out" | tail -n +2 | sed 's/^/     /'
		fi
	done
}

# closes_first: every run of the server begun last shows the server's
# close_notify (read: the client reads the answer to its end), then the client's.
closes_first() {
	local i order
	[ "$started" = yes ] || return 0
	for i in "${!runs[@]}"; do
		order=$(awk '/Alert warning close_notify/ { print (/\|<=/ ? "server" : "client") }' "${runs[$i]}.out" | paste -sd' ')
		if [ "$order" = "server client" ]; then
			ok "$name ${labels[$i]}: the server's close_notify, then the client's"
		else
			bad "$name ${labels[$i]}: close_notify rows: '$order', not 'server client'"
		fi
	done
}

# can_fail: the first successful run that matched, altered twice, must no
# longer match: one hex digit of the first verify_data changed, then the
# server's Certificate row taken out of the ladder.
witness=""
can_fail() {
	local json p i r out
	read -r json p i r <<<"$witness"
	[ "$nrun" -gt 0 ] || return 0
	if [ -z "$r" ]; then
		bad "no successful run matched the capture: the oracle's own check cannot run"
		return
	fi
	awk '!done && $1 == "verify_data:" && $2 ~ /^[0-9a-f]+$/ {
		sub(/verify_data: ./, "verify_data: " (substr($2, 1, 1) == "0" ? "1" : "0")); done = 1 } 1' "$r.out" >"$tmp/altered.out"
	out=$(python3 "$oracle" compare "$json" "$p" "$i" "$tmp/altered.out" 2>&1)
	if [ $? -eq 1 ] && grep -q 'verify_data differs' <<<"$out"; then
		ok "the oracle sees one changed verify_data digit"
	else
		bad "the oracle did not see a changed verify_data digit:"
		printf '%s\n' "$out"
	fi
	sed -E '0,/\|<[-=]+ Certificate /{/\|<[-=]+ Certificate /d}' "$r.out" >"$tmp/altered.out"
	out=$(python3 "$oracle" compare "$json" "$p" "$i" "$tmp/altered.out" 2>&1)
	if [ $? -eq 1 ] && grep -q 'wire only: Certificate' <<<"$out"; then
		ok "the oracle sees the server's Certificate missing from the ladder"
	else
		bad "the oracle did not see a missing Certificate:"
		printf '%s\n' "$out"
	fi
}

# ---------------------------------------------------------------- gnutls-serv
if have gnutls-serv; then
	# As issue 9 (1b) has it: --require-client-cert, the certificate not verified.
	if begin gnutls-serv oracle_gnutls --require-client-cert; then
		for v in 1.2 1.3; do
			run "TLS $v client certificate" --tls$v "${ca[@]}" "${mine[@]}" "${dest[@]}"
			run "TLS $v untrusted server certificate, --verify report" --tls$v "${otherca[@]}" "${mine[@]}" --verify report "${dest[@]}"
			run "TLS $v no client certificate" --tls$v "${ca[@]}" "${dest[@]}"
		done
		# 1b: the client's ChangeCipherSpec/Finished, refused by the
		# closed connection in most runs, not all
		for i in 1 2 3 4 5; do
			run "TLS 1.2 no client certificate, localhost:PORT (1b, run $i of 5)" --tls1.2 "${ca[@]}" "localhost:$port"
		done
		end
	fi
	# A group the client offers but sends no key share for: HelloRetryRequest
	if begin gnutls-serv-hrr oracle_gnutls --require-client-cert --priority "NORMAL:-GROUP-ALL:+GROUP-SECP384R1"; then
		run "TLS 1.3 HelloRetryRequest (secp384r1 only), client certificate" --tls1.3 "${ca[@]}" "${mine[@]}" "${dest[@]}"
		end
	fi
	if begin gnutls-serv-verify oracle_gnutls --require-client-cert --verify-client-cert --x509cafile "$certs/root-ca.pem"; then
		for v in 1.2 1.3; do
			run "TLS $v client certificate from another CA" --tls$v "${ca[@]}" "${theirs[@]}" "${dest[@]}"
		done
		end
	fi
	# KeyUpdate: gnutls-serv answers it only with its next data (it sends none here), so
	# only the client's goes; Wireshark derives the next secret from CLIENT_TRAFFIC_SECRET_0
	# itself, and the client's close_notify after the update must decrypt
	# --http: the answer, then the server's close_notify, then the client's own
	if begin gnutls-serv-http oracle_gnutls --http; then
		for v in 1.2 1.3; do
			run "TLS $v --http, the server closes after its answer" --tls$v "${ca[@]}" --http "${dest[@]}"
		done
		end
		closes_first
	fi
	if begin gnutls-serv-echo oracle_gnutls; then
		run "TLS 1.3 --key-update (unanswered)" --tls1.3 "${ca[@]}" --key-update "${dest[@]}"
		end
	fi
else
	bad "gnutls-serv is not installed (Debian package gnutls-bin)"
fi

# ---------------------------------------------------------------- openssl s_server
if have openssl; then
	if begin s_server oracle_s_server; then
		for v in 1.2 1.3; do
			run "TLS $v client certificate" --tls$v "${ca[@]}" "${mine[@]}" "${dest[@]}"
			run "TLS $v untrusted server certificate, --verify report" --tls$v "${otherca[@]}" "${mine[@]}" --verify report "${dest[@]}"
			run "TLS $v no client certificate" --tls$v "${ca[@]}" "${dest[@]}"
			run "TLS $v client certificate from another CA" --tls$v "${ca[@]}" "${theirs[@]}" "${dest[@]}"
		done
		end
	fi
	# KeyUpdate both ways: s_server answers the client's (update_requested) with its own before
	# the line it then sends from its standard input; Wireshark derives the next secrets from
	# the *_TRAFFIC_SECRET_0 itself, and what follows the updates (the alerts) must decrypt
	if begin s_server-keyupdate oracle_s_server_data; then
		run "TLS 1.3 --key-update, the server's answer with its data" --tls1.3 "${ca[@]}" --key-update --grace 8000 "${dest[@]}"
		end
	fi
else
	bad "openssl is not installed (Debian package openssl)"
fi

# ---------------------------------------------------------------- nginx
if have nginx; then
	for v in 1.2 1.3; do
		if begin nginx-$v run_nginx "TLSv$v" on; then
			run "TLS $v client certificate" --tls$v "${ca[@]}" "${mine[@]}" "${dest[@]}"
			run "TLS $v untrusted server certificate, --verify report" --tls$v "${otherca[@]}" "${mine[@]}" --verify report "${dest[@]}"
			run "TLS $v no client certificate" --tls$v "${ca[@]}" "${dest[@]}"
			run "TLS $v client certificate from another CA" --tls$v "${ca[@]}" "${theirs[@]}" "${dest[@]}"
			end
		fi
	done
else
	bad "nginx is not installed (Debian package nginx)"
fi

# ---------------------------------------------------------------- Apache, TLS 1.3 post-handshake auth
# The CertificateRequest after the handshake and the client's answer
# (Certificate, CertificateVerify, Finished under the application keys).
if have apache2; then
	if begin apache-pha run_apache TLSv1.3; then
		run "TLS 1.3 post-handshake auth, client certificate" --http "${ca[@]}" "${mine[@]}" "${dest[@]}"
		run "TLS 1.3 post-handshake auth, no client certificate" --http "${ca[@]}" "${dest[@]}"
		end
	fi
	# TLS 1.2: the location / requires a client certificate: Apache sends a HelloRequest
	# after the request, and the second handshake runs encrypted under the first one's
	# keys; tshark opens it with the second CLIENT_RANDOM line. The answer, Apache's
	# close_notify and the client's own follow.
	if begin apache-1.2 run_apache TLSv1.2; then
		run "TLS 1.2 renegotiation, client certificate" --http "${ca[@]}" "${mine[@]}" "${dest[@]}"
		end
		closes_first
	fi
else
	bad "apache2 is not installed (Debian package apache2)"
fi

can_fail
finish oracle
