#!/usr/bin/env bash
# The signature checks of CertificateVerify and ServerKeyExchange as a user
# sees them: a saved run replays with the same verdicts, in the text ladder
# and in the HTML explanation (MISMATCH for a client signing with another
# key than its certificate's); against OpenSSL's s_server on loopback
# (another implementation signs), TLS 1.3 RSA-PSS and ECDSA, and the TLS
# 1.2 ServerKeyExchange, every signature is MATCH.
# Needs openssl (Debian package openssl) for the second part.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# ---------------------------------------------------------------- a saved run
"$bin" demo mtls-key-mismatch --text -v --json "$tmp/run.json" >"$tmp/live.txt" 2>&1 </dev/null
grep -E '^ +signature check: ' "$tmp/live.txt" >"$tmp/live.checks"
has "$tmp/live.checks" "^ +signature check: MISMATCH$" "live run: the client's CertificateVerify is MISMATCH"
has "$tmp/live.checks" "^ +signature check: MATCH$" "live run: the server's CertificateVerify is MATCH"
"$bin" --replay "$tmp/run.json" --text -v --html "$tmp/replay.html" >"$tmp/replay.txt" 2>&1 </dev/null
grep -E '^ +signature check: ' "$tmp/replay.txt" >"$tmp/replay.checks"
if cmp -s "$tmp/live.checks" "$tmp/replay.checks"; then ok "replay: the same signature verdicts as the live run"
else bad "replay: verdicts differ"; diff "$tmp/live.checks" "$tmp/replay.checks"; fi
has "$tmp/replay.html" "Checked here, the signature does not verify with the public key of the client&#39;s certificate \(MISMATCH\)" \
	"replay: the explanation says MISMATCH"
has "$tmp/replay.html" "Checked here: the signature verifies with the public key of the server&#39;s certificate \(MATCH\)" \
	"replay: the explanation says MATCH"

# ---------------------------------------------------------------- OpenSSL signs
# s_server_cv PORT VERSION(1.2|1.3) KEY(rsa|ecdsa)
s_server_cv() {
	exec openssl s_server -accept "127.0.0.1:$1" -"tls1_${2#1.}" -www \
		-cert "$certs/server-$3-chain.pem" -key "$certs/server-$3.key"
}
if ! have openssl; then
	bad "openssl is missing (Debian package openssl)"
else
	for c in "1.3 rsa rsa_pss_rsae_sha(256|384|512)" "1.3 ecdsa ecdsa_secp256r1_sha256" "1.2 rsa rsa_(pss_rsae|pkcs1)_sha(256|384|512)"; do
		read -r v key scheme <<<"$c"
		if start_server "s_server-$v-$key" yes s_server_cv "$v" "$key"; then
			"$bin" --text -v --timeout 10 --cafile "$certs/root-ca.pem" localhost -p "$port" >"$tmp/out" 2>&1 </dev/null
			grep -E -A30 '^ +signature check: ' "$tmp/out" >"$tmp/checks"
			has "$tmp/checks" "^ +signature check: MATCH$" "OpenSSL TLS $v $key: signature check MATCH"
			hasnt "$tmp/checks" "signature check: (MISMATCH|cannot)" "OpenSSL TLS $v $key: no other verdict"
			has "$tmp/checks" "signature scheme: $scheme " "OpenSSL TLS $v $key: the scheme"
			stop_server "$srv"
		fi
	done
fi

finish certverify
