#!/usr/bin/env bash
# Why was the client certificate rejected? The diagnosis against three real
# mutual-TLS servers on loopback, TLS 1.2 and TLS 1.3 each, for every
# client-certificate cause:
#   gnutls-serv  --require-client-cert --verify-client-cert --x509cafile root-ca.pem
#   openssl s_server -Verify 1 -CAfile root-ca.pem -www
#   nginx        ssl_verify_client on; ssl_client_certificate root-ca.pem (client run with --http)
# Each server picks its own alert (or none: nginx answers HTTP 400); the
# diagnosis code, the exit code and the cited evidence must not depend on it.
# Then the TLS 1.3 race: a server that closes at once after its alert, so the
# alert is sometimes not read; the diagnosis must not change.
# Needs gnutls-serv, openssl, nginx, python3 (Debian packages gnutls-bin, openssl, nginx, python3).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

info() { echo "     $*"; }
PATH="$PATH:/usr/sbin"

# ---------------------------------------------------------------- servers
# run_gnutls PORT VERSION(1.2|1.3)
run_gnutls() {
	exec gnutls-serv -p "$1" --priority "NORMAL:-VERS-ALL:+VERS-TLS$2" \
		--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" \
		--require-client-cert --verify-client-cert --x509cafile "$certs/root-ca.pem"
}
# run_s_server and run_nginx are in common.bash. -Verify 1 alone (as
# run_s_server has it) refuses only a missing certificate: s_server logs a
# failed verification ("verify error:num=10:certificate has expired") and goes
# on ("verify return:1"). -verify_return_error makes it refuse with an alert,
# as the causes need.

# ---------------------------------------------------------------- checks
client=("$bin" --text --timeout 5)
ca=(--cafile "$certs/root-ca.pem")
cat "$certs/root-ca.pem" "$certs/intermediate-ca.pem" >"$tmp/bundle.pem"

# step PATTERN: the step number of the first ladder line matching PATTERN (or "")
step() { grep -E -- "^ *[0-9]+ +[0-9.]+ +.*$1" "$tmp/out" | head -n 1 | awk '{ print $1 }'; }
# evidence: the step numbers the primary diagnosis cites, one a line
evidence() {
	grep -m 1 '^diagnosis: ' "$tmp/out" | sed -nE 's/.*\(evidence: steps? ([0-9, ]+)\)$/\1/p' | tr -s ', ' '\n\n'
}
# cites PATTERN WHAT LABEL: the ladder has a line matching PATTERN and the
# primary diagnosis cites its step
cites() {
	local s
	s=$(step "$1")
	if [ -z "$s" ]; then
		bad "$3: no $2 in the ladder"
		cat "$tmp/out"
	elif evidence | grep -qx "$s"; then
		ok "$3: evidence cites the $2 (step $s)"
	else
		bad "$3: evidence does not cite the $2 (step $s):"
		grep '^diagnosis: ' "$tmp/out"
	fi
}

CR='CertificateRequest'
CLIENT_CERT='[-=]+ Certificate +[0-9]+ B [-=]+>\|'
PREFLIGHT='-- pre-flight \(client\)'
SERVER_ALERT='\|<[-=]+ Alert fatal'
HTTP_NOTE='the server answered: HTTP/'

# what_happened: how the server refused (for the log; the test does not depend on it)
what_happened() {
	local a h
	a=$(grep -oE 'Alert fatal [a-z_]+ \([0-9]+\)' "$tmp/out" | head -n 1)
	h=$(grep -oE 'the server answered: HTTP/[0-9.]+ [0-9]+' "$tmp/out" | head -n 1)
	echo "${a:-no alert read}${h:+; ${h#the server answered: }}"
}

# check LABEL CODE RC [-- ...client args]: runs the client, then checks the
# exit code, the primary diagnosis code, and that every cited step exists.
check() {
	local label="$1" code="$2" want="$3" line s n=0 missing=""
	shift 4
	"${client[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	info "$label: exit $rc, $(what_happened)"
	if [ "$rc" -eq "$want" ]; then ok "$label: exit $rc"; else bad "$label: exit $rc, wanted $want"; cat "$tmp/out" "$tmp/err"; fi
	line=$(grep -m 1 '^diagnosis: ' "$tmp/out")
	if [[ "$line" == "diagnosis: $code: "* ]]; then
		ok "$label: diagnosis $code"
	else
		bad "$label: diagnosis is not $code: ${line:-none}"
		cat "$tmp/out"
	fi
	grep -q '^fix: ' "$tmp/out" || [ "$code" = ok ] || bad "$label: no fix line"
	[ "$code" = ok ] && return
	for s in $(evidence); do
		n=$((n + 1))
		grep -qE "^ *$s +[0-9.]+ " "$tmp/out" || missing="$missing $s"
	done
	if [ "$n" -gt 0 ] && [ -z "$missing" ]; then
		ok "$label: evidence lists $n steps, all in the ladder"
	else
		bad "$label: evidence steps missing or not in the ladder (${missing:-none listed}):"
		printf '%s\n' "$line"
	fi
}
# sentence PATTERN LABEL DESCRIPTION: the primary diagnosis sentence matches
sentence() {
	if grep -m 1 '^diagnosis: ' "$tmp/out" | grep -qE -- "$1"; then ok "$2: $3"; else
		bad "$2: $3: no /$1/ in:"
		grep '^diagnosis: ' "$tmp/out"
	fi
}
# cites_refusal LABEL: the alert and the HTTP refusal are cited when there is
# one; with neither (the server closed before its alert could be read, as
# gnutls-serv often does in TLS 1.2), the sentence says so.
cites_refusal() {
	local a h
	a=$(step "$SERVER_ALERT")
	h=$(step "$HTTP_NOTE")
	[ -n "$a" ] && cites "$SERVER_ALERT" "server's alert" "$1"
	[ -n "$h" ] && cites "$HTTP_NOTE" "HTTP answer" "$1"
	[ -z "$a$h" ] && sentence "alert was not readable: it (reset|closed) the connection at once" "$1" "no alert read, and it says so"
	return 0
}

# causes SERVER VERSION [EXTRA CLIENT ARGS]: every client-certificate cause
# against the server now running on $port.
causes() {
	local name="$1" v="$2" l
	shift 2
	local base=("$@" localhost -p "$port")

	l="$name TLS $v no certificate"
	check "$l" client-cert-missing 4 -- "${ca[@]}" "${base[@]}"
	has "$tmp/out" "version: +TLS $v\$" "$l: version"
	has "$tmp/out" 'client certificate: requested, but none was sent' "$l: nothing sent"
	hasnt "$tmp/out" 'rejected the certificate afterwards' "$l: no rejected certificate when none was sent"
	cites "$CR" CertificateRequest "$l"
	cites_refusal "$l"

	l="$name TLS $v certificate from another CA"
	check "$l" client-cert-untrusted-issuer 4 -- "${ca[@]}" \
		--cert "$certs/client-other-ca.pem" --key "$certs/client-other-ca.key" "${base[@]}"
	sentence "issued by '[^']*tlsladder Demo Other CA[^']*'.*'[^']*tlsladder Demo Root CA" "$l" "names both CAs"
	cites "$CR" CertificateRequest "$l"
	cites "$CLIENT_CERT" "client's Certificate" "$l"
	cites_refusal "$l"

	l="$name TLS $v leaf without its intermediate (--capath)"
	check "$l" client-cert-chain-incomplete 4 -- --capath "$certs" \
		--cert "$certs/client.pem" --key "$certs/client.key" "${base[@]}"
	sentence "tlsladder Demo Intermediate CA" "$l" "names the missing intermediate"
	has "$tmp/out" 'client certificate: requested; sent a chain of 1 certificate' "$l: the leaf alone was sent"
	cites "$PREFLIGHT" "pre-flight finding" "$l"
	cites "$CLIENT_CERT" "client's Certificate" "$l"
	cites_refusal "$l"

	l="$name TLS $v leaf without its intermediate (--cafile root+intermediate)"
	check "$l" client-cert-chain-incomplete 4 -- --cafile "$tmp/bundle.pem" \
		--cert "$certs/client.pem" --key "$certs/client.key" "${base[@]}"
	sentence "tlsladder Demo Intermediate CA" "$l" "names the missing intermediate"
	cites "$PREFLIGHT" "pre-flight finding" "$l"

	l="$name TLS $v leaf without its intermediate, which the client cannot see (--cafile root only)"
	check "$l" client-cert-untrusted-issuer 4 -- "${ca[@]}" \
		--cert "$certs/client.pem" --key "$certs/client.key" "${base[@]}"
	sentence "Only this one certificate was sent: if 'CN=tlsladder Demo Intermediate CA,O=tlsladder demo \(DEMO ONLY\)' is an intermediate CA issued by one of those, the chain is incomplete\." \
		"$l" "says the chain may be incomplete"
	has "$tmp/out" "^fix: If 'CN=tlsladder Demo Intermediate CA,O=tlsladder demo \(DEMO ONLY\)' is an intermediate below 'CN=tlsladder Demo Root CA,O=tlsladder demo \(DEMO ONLY\)', append its certificate to the certificate file" \
		"$l: the fix says to append the intermediate"

	l="$name TLS $v expired certificate"
	check "$l" client-cert-expired 4 -- "${ca[@]}" \
		--cert "$certs/client-expired-chain.pem" --key "$certs/client-expired.key" "${base[@]}"
	sentence "Demo Client \(expired\)' expired on 2021-01-01" "$l" "names the certificate and the date"
	cites "$PREFLIGHT" "pre-flight finding" "$l"
	cites_refusal "$l"

	l="$name TLS $v certificate without clientAuth"
	if [ "$name" = gnutls-serv ]; then
		# gnutls-serv --verify-client-cert does not check the purpose: it
		# accepts the certificate, the handshake succeeds (exit 0), and the
		# pre-flight finding follows "ok" as a secondary diagnosis.
		check "$l" ok 0 -- "${ca[@]}" \
			--cert "$certs/client-no-clientauth-chain.pem" --key "$certs/client-no-clientauth.key" "${base[@]}"
		has "$tmp/out" '^diagnosis: client-cert-wrong-usage: .*not meant for TLS clients.*\(evidence: step [0-9]+\)$' \
			"$l: wrong usage still reported, after ok"
		has "$tmp/out" 'outcome: +handshake completed' "$l: handshake completed"
	else
		check "$l" client-cert-wrong-usage 4 -- "${ca[@]}" \
			--cert "$certs/client-no-clientauth-chain.pem" --key "$certs/client-no-clientauth.key" "${base[@]}"
		sentence "not meant for TLS clients.*clientAuth" "$l" "says clientAuth is missing"
		cites "$PREFLIGHT" "pre-flight finding" "$l"
		cites_refusal "$l"
	fi

	l="$name TLS $v good certificate"
	check "$l" ok 0 -- "${ca[@]}" --cert "$certs/client-chain.pem" --key "$certs/client.key" "${base[@]}"
	has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "$l: chain sent"
	if [ "$(grep -c '^diagnosis: ' "$tmp/out")" -eq 1 ]; then ok "$l: a single diagnosis"; else
		bad "$l: more than one diagnosis:"
		grep '^diagnosis: ' "$tmp/out"
	fi
}

for v in 1.2 1.3; do
	if have gnutls-serv; then
		if start_server gnutls-serv-$v yes run_gnutls "$v"; then
			causes gnutls-serv "$v"
			stop_server
		fi
	else
		bad "gnutls-serv is not installed (Debian package gnutls-bin)"
	fi
	if have openssl; then
		if start_server s_server-$v yes run_s_server "$v" -verify_return_error; then
			causes s_server "$v"
			stop_server
		fi
		# Without -verify_return_error s_server accepts a certificate
		# that fails verification: the handshake succeeds, so the
		# primary diagnosis is ok (exit 0) and the local finding follows.
		if start_server s_server-lax-$v yes run_s_server "$v"; then
			l="s_server (no -verify_return_error) TLS $v expired certificate, accepted"
			check "$l" ok 0 -- "${ca[@]}" \
				--cert "$certs/client-expired-chain.pem" --key "$certs/client-expired.key" localhost -p "$port"
			has "$tmp/out" '^diagnosis: client-cert-expired: .*expired on 2021-01-01.*\(evidence: step [0-9]+\)$' \
				"$l: expiry still reported, after ok"
			stop_server
			has "$tmp/s_server-lax-$v.log" 'verify error:num=10:certificate has expired' "$l: s_server logged the failure"
		fi
	else
		bad "openssl is not installed (Debian package openssl)"
	fi
	if have nginx; then
		if start_server nginx-$v yes run_nginx "TLSv$v" on; then
			causes nginx "$v" --http
			stop_server
			has "$tmp/nginx-TLSv$v-on/error.log" 'client sent no required SSL certificate' "nginx TLS $v: nginx logged the missing certificate"
		fi
	else
		bad "nginx is not installed (Debian package nginx)"
	fi
done

# ---------------------------------------------------------------- the TLS 1.3 race
# In TLS 1.3 the server judges the client's certificate after the client's
# Finished; a server that closes at once after its alert may have it read by
# the client, or lost. The cause is the same either way.
#
# (1) gnutls-serv itself, ten times: on loopback the alert is usually read.
# (2) The worst case, made certain: a relay in front of gnutls-serv passes
#     every record but the first alert (a plain alert record, or a TLS 1.3
#     encrypted record of 19 bytes: 2 + content type + 16-byte tag), then
#     resets or closes the client's connection at once.
# start_relay UPSTREAM MODE: the proxy that loses the first alert (fakes.py
# lose-alert-MODE); sets $relay and $rport
start_relay() {
	local r
	start_fake "lose-alert-$2" "$1"
	r=$?
	relay=$fpid
	rport=$fport
	return $r
}

if have gnutls-serv && start_server gnutls-serv-race yes run_gnutls 1.3; then
	read_alert=0
	lost=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		l="race $i: gnutls-serv TLS 1.3 certificate from another CA"
		"${client[@]}" "${ca[@]}" --cert "$certs/client-other-ca.pem" --key "$certs/client-other-ca.key" \
			localhost -p "$port" >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		line=$(grep -m 1 '^diagnosis: ' "$tmp/out")
		if [[ "$line" == "diagnosis: client-cert-untrusted-issuer: "*"tlsladder Demo Other CA"*"tlsladder Demo Root CA"* ]] &&
			[ "$rc" -eq 4 ]; then
			ok "$l: client-cert-untrusted-issuer, exit 4"
		else
			bad "$l: exit $rc, ${line:-no diagnosis}"
			cat "$tmp/out" "$tmp/err"
		fi
		if [ -n "$(step "$SERVER_ALERT")" ]; then
			read_alert=$((read_alert + 1))
			cites "$SERVER_ALERT" "server's alert" "$l"
		else
			lost=$((lost + 1))
			sentence "alert was not readable" "$l" "says the alert was not readable"
		fi
	done
	info "race: alert read $read_alert times, not read $lost times"

	if have python3; then
		for mode in reset close; do
			start_relay "$port" "$mode" || continue
			l="TLS 1.3 alert lost ($mode): certificate from another CA"
			check "$l" client-cert-untrusted-issuer 4 -- "${ca[@]}" \
				--cert "$certs/client-other-ca.pem" --key "$certs/client-other-ca.key" localhost -p "$rport"
			sentence "tlsladder Demo Other CA.*tlsladder Demo Root CA" "$l" "names both CAs"
			sentence "alert was not readable: it (reset|closed) the connection at once" "$l" "says the alert was not readable"
			cites "$CLIENT_CERT" "client's Certificate" "$l"
			l="TLS 1.3 alert lost ($mode): no certificate"
			check "$l" client-cert-missing 4 -- "${ca[@]}" localhost -p "$rport"
			sentence "alert was not readable: it (reset|closed) the connection at once" "$l" "says the alert was not readable"
			l="TLS 1.3 through the relay ($mode): good certificate"
			check "$l" ok 0 -- "${ca[@]}" --cert "$certs/client-chain.pem" --key "$certs/client.key" localhost -p "$rport"
			stop_server "$relay"
		done
	else
		bad "python3 is not installed (Debian package python3)"
	fi
	stop_server
fi

# tlsladder's own server requiring a certificate, TLS 1.3, a client with none:
# the server judges the empty Certificate after the client's Finished
l="tlsladder serve --require-client-cert, TLS 1.3, no certificate"
sport=$(free_port)
"$bin" serve --text --once --require-client-cert --timeout 10 "$sport" >"$tmp/tlserve.out" 2>&1 </dev/null &
tlserve=$!
pids+=("$tlserve")
for _ in $(seq 1 50); do listening "$tlserve" "$sport" && break; sleep 0.1; done
check "$l" client-cert-missing 4 -- "${ca[@]}" --tls1.3 localhost -p "$sport"
has "$tmp/out" "^diagnosis: client-cert-missing: The server asked for a client certificate and none was sent \(the Certificate message is empty\)\. The handshake completed from the client's side; the server judged the empty Certificate afterwards and ended the connection, as TLS 1\.3 allows\. \(evidence: steps [0-9, ]+\)$" \
	"$l: the exact sentence, no certificate said to be rejected"
wait_exit "$tlserve" 10

finish mtls
