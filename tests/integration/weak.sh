#!/usr/bin/env bash
# The causes servers keep to themselves: a client key under what OpenSSL's
# default security level 2 accepts (RSA 1024), a client certificate signed
# with SHA-1, and a client key the server's CertificateRequest accepts no
# signature scheme for (Ed25519 against rsa_pss_rsae_sha256 and
# ecdsa_secp256r1_sha256). Against real servers on loopback, TLS 1.2 and
# TLS 1.3 each:
#   openssl s_server -Verify 1 -verify_return_error (Debian: security level 2),
#                    and -client_sigalgs for the key type
#   nginx            ssl_verify_client on, its defaults (client run with --http),
#                    and ssl_conf_command ClientSignatureAlgorithms for the key type
#   gnutls-serv      --verify-client-cert, with %PROFILE_MEDIUM for the key size
#                    and -SIGN-ALL:+SIGN-... for the key type (ECDSA-SHA256 is the
#                    TLS 1.2 name of the same wire code 0x0403 as ECDSA-SECP256R1-SHA256)
# Each server refuses in its own way (bad_certificate, certificate_required,
# handshake_failure, HTTP 400); the diagnosis code and the exit code must be
# the same whichever server and alert. A certificate that was configured but
# not sent is never called missing.
# Needs gnutls-serv, openssl, nginx (Debian packages gnutls-bin, openssl, nginx).
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
PATH="$PATH:/usr/sbin"

SCHEMES="rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256"
client=("$bin" --text --timeout 5 --cafile "$certs/root-ca.pem")
weak=(--cert "$certs/client-weak-key-chain.pem" --key "$certs/client-weak-key.key")
sha1=(--cert "$certs/client-sha1-chain.pem" --key "$certs/client-sha1.key")
ed=(--cert "$certs/client-ed25519-chain.pem" --key "$certs/client-ed25519.key")

WEAK_KEY="^diagnosis: client-cert-weak-key: The client certificate 'CN=Demo Client \(RSA 1024\)' has a 1024-bit RSA key\. OpenSSL's default security level 2, used by Debian, Ubuntu and RHEL, refuses RSA and DSA keys under 2048 bits, so servers there reject it \('EE certificate key too weak' in their log\)\."
WEAK_SIG="^diagnosis: client-cert-weak-signature: The client certificate 'CN=Demo Client \(SHA-1 signature\)' is signed with SHA-1 \(ECDSA-SHA1\) by 'CN=tlsladder Demo Intermediate CA,O=tlsladder demo \(DEMO ONLY\)'\. OpenSSL's default security level 2, used by Debian, Ubuntu and RHEL, refuses SHA-1 and MD5 signatures on every certificate but the trust anchor, so servers there reject it \('CA signature digest algorithm too weak' in their log\)\."
NOT_ACCEPTED="^diagnosis: client-cert-key-not-accepted: The server does not accept the client's Ed25519 key: its CertificateRequest lists only rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, and an Ed25519 key can sign with none of them, so the configured certificate was not sent \(an empty Certificate, not a missing certificate\)\."
NOTE="-- note \(client\): the client's Ed25519 key can make none of the signature schemes the server's CertificateRequest accepts \(rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256\), so the client cannot sign its CertificateVerify and sends an empty Certificate$"
PREFLIGHT='-- pre-flight \(client\)'

# step PATTERN: the step number of the first ladder line matching PATTERN (or "")
step() { grep -E -- "^ *[0-9]+ +[0-9.]+ +.*$1" "$tmp/out" | head -n 1 | awk '{ print $1 }'; }
# cited PATTERN LABEL: the primary diagnosis cites the step of the ladder line matching PATTERN
cited() {
	local s
	s=$(step "$1")
	if [ -n "$s" ] && grep -m 1 '^diagnosis: ' "$tmp/out" | grep -qE "\(evidence: steps? ([0-9]+, )*$s(, [0-9]+)*\)$"; then
		ok "$2: evidence cites step $s"
	else
		bad "$2: evidence does not cite /$1/ (step ${s:-none}):"
		cat "$tmp/out"
	fi
}
# run LABEL CODE RC -- CLIENT ARGS: the exit code and the primary diagnosis code, exactly
run() {
	local label="$1" code="$2" want="$3" rc line
	shift 4
	"${client[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	line=$(grep -m 1 '^diagnosis: ' "$tmp/out")
	echo "     $label: exit $rc, $(grep -oE 'Alert fatal [a-z_]+ \([0-9]+\)|the server answered: HTTP/[0-9.]+ [0-9]+' "$tmp/out" | head -n 1)"
	if [ "$rc" -eq "$want" ] && [[ "$line" == "diagnosis: $code: "* ]]; then
		ok "$label: $code, exit $rc"
	else
		bad "$label: exit $rc (wanted $want), ${line:-no diagnosis} (wanted $code)"
		cat "$tmp/out" "$tmp/err"
	fi
}
# weak_cases NAME VERSION [CLIENT ARGS]: the RSA-1024 key and the SHA-1 signature, against the server on $port
weak_cases() {
	local name="$1" v="$2" l
	shift 2
	l="$name TLS $v RSA-1024 client key"
	run "$l" client-cert-weak-key 4 -- --tls"$v" "${weak[@]}" "$@" localhost -p "$port"
	has "$tmp/out" "$WEAK_KEY" "$l: the exact sentence"
	has "$tmp/out" "^fix: Make a new key \(ECDSA P-256, or RSA of 2048 bits or more\) and have the CA issue the certificate again for it\.$" "$l: the fix"
	cited "$PREFLIGHT" "$l"
	hasnt "$tmp/out" '^diagnosis: client-cert-rejected' "$l: never the generic refusal"

	l="$name TLS $v SHA-1 signature"
	run "$l" client-cert-weak-signature 4 -- --tls"$v" "${sha1[@]}" "$@" localhost -p "$port"
	has "$tmp/out" "$WEAK_SIG" "$l: the exact sentence"
	has "$tmp/out" "^fix: Have the CA issue the certificate again with a SHA-256 signature\.$" "$l: the fix"
	cited "$PREFLIGHT" "$l"
}
# key_case NAME VERSION [CLIENT ARGS]: the Ed25519 key against a server that accepts only $SCHEMES
key_case() {
	local name="$1" v="$2" l
	shift 2
	l="$name TLS $v Ed25519 key, server accepts $SCHEMES"
	run "$l" client-cert-key-not-accepted 4 -- --tls"$v" "${ed[@]}" "$@" localhost -p "$port"
	has "$tmp/out" "$NOT_ACCEPTED" "$l: the exact sentence"
	has "$tmp/out" "^fix: Use a client certificate whose key the server accepts \(for rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256: an ECDSA P-256 or RSA key\), or have the server accept Ed25519 signatures\.$" "$l: the fix"
	has "$tmp/out" "$NOTE" "$l: the note says why it was not sent"
	hasnt "$tmp/out" 'client-cert-missing|Give the client a certificate' "$l: never called missing"
	has "$tmp/out" "$PREFLIGHT: Warning: the client certificate 'CN=Demo Client \(Ed25519\)' has an Ed25519 key\. Many servers do not accept Ed25519 or Ed448 client keys" "$l: the pre-flight warning"
	cited "$NOTE" "$l"
	cited '\|<[-=]+ CertificateRequest ' "$l"
}

# run_gnutls PORT VERSION PRIORITY-TAIL: gnutls-serv requiring and verifying a client certificate
run_gnutls() {
	exec gnutls-serv -p "$1" --priority "NORMAL:-VERS-ALL:+VERS-TLS$2$3" \
		--x509certfile "$certs/server-ecdsa-chain.pem" --x509keyfile "$certs/server-ecdsa.key" \
		--require-client-cert --verify-client-cert --x509cafile "$certs/root-ca.pem"
}
# run_nginx_conf PORT VERSION EXTRA: nginx requiring a client certificate (its defaults otherwise)
run_nginx_conf() {
	exec_nginx "$tmp/nginx-$1" "server {
		        listen 127.0.0.1:$1 ssl;
		        ssl_certificate $certs/server-ecdsa-chain.pem;
		        ssl_certificate_key $certs/server-ecdsa.key;
		        ssl_protocols TLSv$2;
		        ssl_verify_client on;
		        ssl_client_certificate $certs/root-ca.pem;
		        $3
		        location / { default_type text/plain; return 200 \"tlsladder test\n\"; }
		    }"
}

for v in 1.2 1.3; do
	if have openssl; then
		if start_server s_server-$v yes run_s_server "$v" -verify_return_error; then
			weak_cases s_server "$v"
			stop_server
			has "$tmp/s_server-$v.log" 'EE certificate key too weak' "s_server TLS $v: it logged the weak key"
			has "$tmp/s_server-$v.log" 'CA signature digest algorithm too weak' "s_server TLS $v: it logged the SHA-1 signature"
		fi
		if start_server s_server-sigalgs-$v yes run_s_server "$v" -client_sigalgs "$SCHEMES"; then
			key_case s_server "$v"
			stop_server
		fi
	else
		bad "openssl is not installed (Debian package openssl)"
	fi
	if have nginx; then
		if start_server nginx-$v yes run_nginx_conf "$v" ""; then
			weak_cases nginx "$v" --http
			has "$tmp/out" 'the server answered: HTTP/1.1 400' "nginx TLS $v: it answered HTTP 400"
			l="nginx TLS $v Ed25519 key, nginx's default schemes"
			run "$l" ok 0 -- --tls"$v" --http "${ed[@]}" localhost -p "$port"
			hasnt "$tmp/out" 'client-cert-key-not-accepted' "$l: a key the server accepts is not said to be refused"
			stop_server
			has "$tmp/nginx-$port/error.log" 'key too weak' "nginx TLS $v: it logged the weak key"
		fi
		if start_server nginx-sigalgs-$v yes run_nginx_conf "$v" "ssl_conf_command ClientSignatureAlgorithms $SCHEMES;"; then
			key_case nginx "$v" --http
			has "$tmp/out" 'the server answered: HTTP/1.1 400' "nginx TLS $v: it answered HTTP 400"
			stop_server
		fi
	else
		bad "nginx is not installed (Debian package nginx)"
	fi
	if have gnutls-serv; then
		if start_server gnutls-serv-medium-$v yes run_gnutls "$v" ":%PROFILE_MEDIUM"; then
			weak_cases gnutls-serv "$v"
			stop_server
		fi
		if start_server gnutls-serv-sigalgs-$v yes run_gnutls "$v" \
			":-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SHA256"; then
			key_case gnutls-serv "$v"
			stop_server
		fi
	else
		bad "gnutls-serv is not installed (Debian package gnutls-bin)"
	fi
done

finish weak
