#!/usr/bin/env bash
# A revoked client certificate (certs/client-revoked*, listed by the
# intermediate's CRL certs/intermediate-ca.crl) against real servers that
# check CRLs, TLS 1.2 and TLS 1.3 each:
#   openssl s_server -CRL intermediate-ca.crl -crl_check -verify_return_error
#                    (alert certificate_revoked (44))
#   gnutls-serv      --x509crlfile intermediate-ca.crl (alert access_denied (49))
#   nginx            ssl_crl demo-crls.pem (both CRLs: nginx checks every CA
#                    of the chain); it completes the handshake and answers
#                    HTTP 400 (client run with --http)
#   tlsladder serve --crl, with gnutls-cli and openssl s_client as clients
# With --crl the client names the revocation before connecting, and that is
# the diagnosis whichever server and alert: client-cert-revoked, exit 4.
# Without it, only the alert 44 says so; the others stay client-cert-rejected.
# Then the CRL checks themselves: a stale CRL, a forged one, files that
# cannot be used (exit 5).
# Needs gnutls-serv, gnutls-cli, certtool, openssl, nginx (Debian packages
# gnutls-bin, openssl, nginx).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

info() { echo "     $*"; }
PATH="$PATH:/usr/sbin"

client=("$bin" --text --timeout 5 --cafile "$certs/root-ca.pem")
revoked=(--cert "$certs/client-revoked-chain.pem" --key "$certs/client-revoked.key")
good=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
crl=(--crl "$certs/intermediate-ca.crl")

# the sentence of the local finding, as the pre-flight line and the diagnosis give it
SUBJECT="'CN=Demo Client \(revoked\),O=tlsladder demo \(DEMO ONLY\)'"
INTERMEDIATE="'CN=tlsladder Demo Intermediate CA,O=tlsladder demo \(DEMO ONLY\)'"
SERIAL=$(openssl x509 -in "$certs/client-revoked.pem" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f' | sed 's/../&:/g; s/:$//')
LOCAL="The client certificate $SUBJECT \(serial $SERIAL\) was revoked on 2024-06-01: the CRL of $INTERMEDIATE \([^)]*intermediate-ca\.crl, issued 2024-01-01\) lists it\."
FIX_LOCAL='^fix: Ask the CA for a new client certificate \(with a new key if the old one may have leaked\): a revoked certificate stays revoked\.$'

# ---------------------------------------------------------------- servers
# run_gnutls_crl PORT VERSION(1.2|1.3)
run_gnutls_crl() {
	exec gnutls-serv -p "$1" --priority "NORMAL:-VERS-ALL:+VERS-TLS$2" \
		--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" \
		--require-client-cert --verify-client-cert --x509cafile "$certs/root-ca.pem" \
		--x509crlfile "$certs/intermediate-ca.crl"
}
# run_nginx_crl PORT PROTOCOL: nginx requiring a client certificate, with ssl_crl
run_nginx_crl() {
	exec_nginx "$tmp/nginx-crl-$2" "server {
		        listen 127.0.0.1:$1 ssl;
		        ssl_certificate $certs/server-ecdsa-chain.pem;
		        ssl_certificate_key $certs/server-ecdsa.key;
		        ssl_protocols $2;
		        ssl_verify_client on;
		        ssl_client_certificate $certs/root-ca.pem;
		        ssl_verify_depth 3;
		        ssl_crl $certs/demo-crls.pem;
		        location / { default_type text/plain; return 200 \"tlsladder test\n\"; }
		    }"
}
# run_serve_crl PORT VERSION: tlsladder serve --crl, one connection
run_serve_crl() {
	exec "$bin" serve --text --once --timeout 10 --require-client-cert --tls"$2" \
		--crl "$certs/intermediate-ca.crl" "$1"
}

# ---------------------------------------------------------------- checks
# check LABEL CODE RC -- CLIENT ARGS: the exit code and the primary diagnosis code
check() {
	local label="$1" code="$2" want="$3" line
	shift 4
	"${client[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	info "$label: exit $rc, $(grep -oE 'Alert fatal [a-z_]+ \([0-9]+\)|the server answered: HTTP/[0-9.]+ [0-9]+' "$tmp/out" | head -n 1)"
	if [ "$rc" -eq "$want" ]; then ok "$label: exit $rc"; else bad "$label: exit $rc, wanted $want"; cat "$tmp/out" "$tmp/err"; fi
	line=$(grep -m 1 '^diagnosis: ' "$tmp/out")
	if [[ "$line" == "diagnosis: $code: "* ]]; then ok "$label: diagnosis $code"; else
		bad "$label: diagnosis is not $code: ${line:-none}"
		cat "$tmp/out"
	fi
}
# step PATTERN: the step number of the first ladder line matching PATTERN
step() { grep -E -- "^ *[0-9]+ +[0-9.]+ +.*$1" "$tmp/out" | head -n 1 | awk '{ print $1 }'; }
# cites PATTERN LABEL: the primary diagnosis cites the step of the line matching PATTERN
cites() {
	local s
	s=$(step "$1")
	if [ -n "$s" ] && grep -m 1 '^diagnosis: ' "$tmp/out" | grep -qE "\(evidence: steps? ([0-9]+, )*$s(, [0-9]+)*\)$"; then
		ok "$2: cites step $s"
	else
		bad "$2: does not cite /$1/ (step ${s:-none}):"
		cat "$tmp/out"
	fi
}

# with_crl SERVER VERSION [ARGS]: the revoked certificate, the client given the CRL
with_crl() {
	local l="$1 TLS $2 revoked certificate, client with --crl"
	shift 2
	check "$l" client-cert-revoked 4 -- "${crl[@]}" "${revoked[@]}" "$@" localhost -p "$port"
	has "$tmp/out" "^ +1 +[0-9.]+ +-- pre-flight \(client\): $LOCAL\$" "$l: the pre-flight line names it before connecting"
	has "$tmp/out" "^diagnosis: client-cert-revoked: $LOCAL" "$l: the diagnosis is the local finding"
	has "$tmp/out" "$FIX_LOCAL" "$l: the fix"
	cites '-- pre-flight \(client\)' "$l: the pre-flight finding"
	if [ -n "$(step '\|<[-=]+ Alert fatal')" ]; then
		cites '\|<[-=]+ Alert fatal' "$l: the server's alert"
	fi
	if [ -n "$(step 'the server answered: HTTP/')" ]; then
		cites 'the server answered: HTTP/' "$l: the HTTP answer"
	fi
	[ "$(grep -c '^diagnosis: ' "$tmp/out")" -eq 1 ] && ok "$l: one diagnosis" || bad "$l: more than one diagnosis"
}

for v in 1.2 1.3; do
	if have openssl && start_server s_server-crl-$v yes run_s_server "$v" -CRL "$certs/intermediate-ca.crl" -crl_check -verify_return_error; then
		with_crl s_server "$v"
		has "$tmp/out" 'Alert fatal certificate_revoked \(44\)' "s_server TLS $v: the alert is certificate_revoked (44)"
		has "$tmp/out" "^diagnosis: .* The server's alert certificate_revoked \(44\) says the same\." "s_server TLS $v: the alert agrees"
		l="s_server TLS $v revoked certificate, no --crl"
		check "$l" client-cert-revoked 4 -- "${revoked[@]}" localhost -p "$port"
		has "$tmp/out" "^diagnosis: client-cert-revoked: The server says the client certificate $SUBJECT is revoked \(alert certificate_revoked \(44\)\): its CA withdrew it before its expiry date, and the server found it in a revocation list \(CRL\) or an OCSP answer\." "$l: the alert alone names it"
		has "$tmp/out" '^fix: Ask the CA for a new client certificate\. To see the revocation here, give the CA.s CRL with --crl FILE\.$' "$l: the fix suggests --crl"
		cites '\|<[-=]+ Alert fatal certificate_revoked' "$l: the alert"
		check "s_server TLS $v good certificate with --crl" ok 0 -- "${crl[@]}" "${good[@]}" localhost -p "$port"
		stop_server
	fi
	if have gnutls-serv && start_server gnutls-serv-crl-$v yes run_gnutls_crl "$v"; then
		with_crl gnutls-serv "$v"
		has "$tmp/out" "^diagnosis: .* The server refused it; its alert does not say why, and this revocation explains it\." "gnutls-serv TLS $v: its alert says less"
		# gnutls-serv says access_denied (49): without the CRL the client cannot know more
		check "gnutls-serv TLS $v revoked certificate, no --crl" client-cert-rejected 4 -- "${revoked[@]}" localhost -p "$port"
		check "gnutls-serv TLS $v good certificate with --crl" ok 0 -- "${crl[@]}" "${good[@]}" localhost -p "$port"
		stop_server
	fi
	if have nginx && start_server nginx-crl-$v yes run_nginx_crl "TLSv$v"; then
		with_crl nginx "$v" --http
		has "$tmp/out" 'the server answered: HTTP/1.1 400 Bad Request' "nginx TLS $v: HTTP 400"
		has "$tmp/out" "^diagnosis: .*The TLS handshake itself completed; the server refused the request at the HTTP level \(status 400\)\." "nginx TLS $v: the HTTP refusal is evidence"
		[ "$v" = 1.3 ] && cp "$tmp/out" "$tmp/nginx-crl-1.3.out"
		l="nginx TLS $v revoked certificate, no --crl"
		check "$l" client-cert-rejected 4 -- "${revoked[@]}" --http localhost -p "$port"
		has "$tmp/out" "^diagnosis: client-cert-rejected: The server refused a client certificate that passes every local check\. .*status 400" "$l: nothing local explains it"
		check "nginx TLS $v good certificate with --crl" ok 0 -- "${crl[@]}" "${good[@]}" --http localhost -p "$port"
		has "$tmp/out" 'the server answered: HTTP/1.1 200 OK' "nginx TLS $v: the good certificate passes both CRLs"
		stop_server
		has "$tmp/nginx-crl-TLSv$v/error.log" 'certificate revoked' "nginx TLS $v: nginx logged the revocation"
	fi
done
[ -f "$tmp/nginx-crl-1.3.out" ] && { info "nginx TLS 1.3 with --crl:"; sed 's/^/     | /' "$tmp/nginx-crl-1.3.out"; }

# ---------------------------------------------------------------- serve --crl
# tlsladder serve with the CRL, other clients presenting the revoked certificate:
# the server's diagnosis is client-cert-revoked, and it sends certificate_revoked (44)
serve_check() {
	local l="$1" what="$2"
	wait_exit "$srv" 10
	if [ "$rc" -eq 4 ]; then ok "$l: serve exits 4"; else bad "$l: serve exit $rc, wanted 4"; cat "$tmp/serve.log"; fi
	has "$tmp/serve.log" "^diagnosis: client-cert-revoked: The client's certificate is revoked: a CRL given with --crl lists it \(" "$l: serve's diagnosis"
	has "$tmp/serve.log" '\|<[-=]+ Alert fatal certificate_revoked \(44\)' "$l: serve sent certificate_revoked (44)"
	has "$tmp/$what" 'certificate[ _]revoked|Certificate is revoked|revoked' "$l: the client heard it was revoked"
}
for v in 1.2 1.3; do
	if have gnutls-cli && launch_server serve no run_serve_crl "$v"; then
		sleep 1 | timeout 10 gnutls-cli --x509cafile "$certs/root-ca.pem" --x509certfile "$certs/client-revoked-chain.pem" \
			--x509keyfile "$certs/client-revoked.key" -p "$port" localhost >"$tmp/gcli.out" 2>&1
		serve_check "serve --crl TLS $v, gnutls-cli" gcli.out
	fi
	if have openssl && launch_server serve no run_serve_crl "$v"; then
		# stdin stays open a second: in TLS 1.3 the alert comes after the client's Finished
		sleep 1 | timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$certs/root-ca.pem" \
			-cert "$certs/client-revoked.pem" -cert_chain "$certs/intermediate-ca.pem" \
			-key "$certs/client-revoked.key" >"$tmp/scli.out" 2>&1
		serve_check "serve --crl TLS $v, openssl s_client" scli.out
	fi
	if launch_server serve no run_serve_crl "$v"; then
		l="serve --crl TLS $v, tlsladder"
		check "$l" client-cert-revoked 4 -- "${revoked[@]}" localhost -p "$port"
		has "$tmp/out" 'Alert fatal certificate_revoked \(44\)' "$l: the client read certificate_revoked (44)"
		serve_check "$l" out
	fi
done

# ---------------------------------------------------------------- the CRLs themselves
mk_crl() {     # mk_crl OUT ISSUER_CERT ISSUER_KEY NEXT_UPDATE [CERT TO REVOKE]
	local out="$1" load=()
	[ $# -ge 5 ] && load=(--load-certificate "$5")
	printf 'crl_number = 7\ncrl_this_update_date = "2024-01-01 00:00:00 UTC"\ncrl_next_update_date = "%s"\ncrl_revocation_date = "2024-06-01 00:00:00 UTC"\n' "$4" >"$tmp/crl.tmpl"
	certtool --generate-crl --load-ca-certificate "$2" --load-ca-privkey "$3" "${load[@]}" \
		--template "$tmp/crl.tmpl" --outfile "$out" >/dev/null 2>&1
}
if have certtool; then
	# stale: its next update passed in 2025
	mk_crl "$tmp/stale.crl" "$certs/intermediate-ca.pem" "$certs/intermediate-ca.key" "2025-01-01 00:00:00 UTC" "$certs/client-revoked.pem"
	l="a stale CRL that lists the certificate"
	if start_server s_server-stale yes run_s_server 1.3 -CRL "$certs/intermediate-ca.crl" -crl_check -verify_return_error; then
		check "$l" client-cert-revoked 4 -- --crl "$tmp/stale.crl" "${revoked[@]}" localhost -p "$port"
		has "$tmp/out" "^diagnosis: client-cert-revoked: The client certificate $SUBJECT .*stale\.crl" "$l: the revocation still counts"
		has "$tmp/out" "^diagnosis: crl-unusable: The CRL of $INTERMEDIATE in [^ ]*stale\.crl is stale: its next update was due on 2025-01-01, [0-9]+ days ago\. \(evidence: step [0-9]+\)\$" "$l: the stale CRL is named, after the primary cause"
		has "$tmp/out" '^fix: Fetch the CA.s current CRL: servers check against a newer one, which may say otherwise\.$' "$l: its fix"
		stop_server
	fi
	# forged: made with the other CA's key under the intermediate's name
	printf 'organization = "tlsladder demo (DEMO ONLY)"\ncn = "tlsladder Demo Intermediate CA"\nca\ncrl_signing_key\ncert_signing_key\n' >"$tmp/forger.tmpl"
	certtool --generate-self-signed --load-privkey "$certs/other-ca.key" --template "$tmp/forger.tmpl" --outfile "$tmp/forger.pem" >/dev/null 2>&1
	mk_crl "$tmp/forged.crl" "$tmp/forger.pem" "$certs/other-ca.key" "2049-12-31 23:59:59 UTC" "$certs/client-revoked.pem"
	l="a CRL that does not verify under the intermediate's key"
	if start_server s_server-plain yes run_s_server 1.3; then
		check "$l" ok 0 -- --crl "$tmp/forged.crl" "${revoked[@]}" localhost -p "$port"
		has "$tmp/out" "^diagnosis: crl-unusable: The CRL of $INTERMEDIATE in [^ ]*forged\.crl does not verify under that CA.s key, so it was not used\." "$l: named, and not used"
		hasnt "$tmp/out" 'client-cert-revoked' "$l: no revocation from a forged CRL"
		stop_server
	fi
	# the server's chain is checked against the CRLs too
	mk_crl "$tmp/server.crl" "$certs/intermediate-ca.pem" "$certs/intermediate-ca.key" "2049-12-31 23:59:59 UTC" "$certs/server-ecdsa.pem"
	l="a CRL that lists the server's certificate"
	if start_server s_server-plain yes run_s_server 1.3; then
		check "$l" server-cert-revoked 3 -- --crl "$tmp/server.crl" "${good[@]}" localhost -p "$port"
		has "$tmp/out" "^diagnosis: server-cert-revoked: The server's certificate is revoked: a CRL given with --crl lists it \(NOT trusted.*revoked" "$l: the sentence"
		check "$l, without --crl" ok 0 -- "${good[@]}" localhost -p "$port"
		stop_server
	fi
else
	bad "certtool is not installed (Debian package gnutls-bin)"
fi

# files that cannot be used: exit 5, one clear line
expect_rc 5 "--crl with a missing file" -- "$bin" --text --crl "$tmp/none.crl" localhost -p 1
has "$tmp/err" "^tlsladder: $tmp/none.crl: the CRL file cannot be read: No such file or directory\$" "a missing CRL file: one line"
expect_rc 5 "--crl with a certificate, not a CRL" -- "$bin" --text --crl "$certs/root-ca.pem" localhost -p 1
has "$tmp/err" "root-ca.pem: no CRL could be read from this file: it holds no PEM \"X509 CRL\" block and is not one DER CRL\$" "a file without a CRL: one line"
expect_rc 5 "serve --crl with a missing file" -- "$bin" serve --text --once --crl "$tmp/none.crl" 1
has "$tmp/err" "none.crl: the CRL file cannot be read" "serve: a missing CRL file"
expect_rc 2 "--crl in the demo" -- "$bin" demo --crl "$certs/intermediate-ca.crl"
has "$tmp/err" '^tlsladder: --crl is for the client \(HOST\) and for tlsladder serve$' "--crl in the demo: usage"

finish revoke
