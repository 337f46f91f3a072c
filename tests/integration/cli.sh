#!/usr/bin/env bash
# The program as a user runs it: options, exit codes, the text ladder,
# and an installed copy finding its data outside the build tree.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
expect_rc_shows=err
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

expect_rc 0 "--help" -- "$bin" --help
has "$tmp/out" '^Exit codes:' "--help lists exit codes"
has "$tmp/out" '--grace MS' "--help lists --grace"
expect_rc 0 "--version" -- "$bin" --version
has "$tmp/out" '^tlsladder [0-9]+\.[0-9]+' "version line"

# Every option --help names is in the man page's OPTIONS and README's Options,
# and the parser accepts it with a value of its argument. (tests/integration/
# test_cli.c checks the option table itself against --help, the docs and the
# parser, mode by mode.)
"$bin" --help >"$tmp/help"
sed -n '/^\.SH OPTIONS$/,/^\.SH [^O]/p' "$src/docs/tlsladder.1" >"$tmp/man-options"
sed -n '/^## Options$/,/^## Exit status$/p' "$src/README.md" >"$tmp/readme-options"
# one line per option: NAME [ARG] (the form with an argument wins)
grep -oE '(^|[ (,])--?[a-zA-Z0-9][a-zA-Z0-9.-]*( [A-Z][A-Z|]*)?' "$tmp/help" | sed -E 's/^[ (,]//' |
	awk '{ if (!($1 in arg) || $2 != "") arg[$1] = $2 } END { for (o in arg) print o, arg[o] }' | sort >"$tmp/help-options"
n=$(wc -l <"$tmp/help-options")
if [ "$n" -ge 38 ]; then ok "--help names $n options"; else bad "--help names only $n options:"; cat "$tmp/help-options"; fi
while read -r opt arg; do
	# a short name takes the argument of the long name beside it ("-p, --port PORT")
	[ -n "$arg" ] || arg=$(sed -nE "s/^  $opt, --[a-z0-9.-]+ ([A-Z|]+) .*/\1/p" "$tmp/help")
	roff=$(sed 's/-/\\\\-/g; s/\./\\./g' <<<"$opt")
	if grep -qP -- "(?<![A-Za-z0-9\\-])$roff(?![A-Za-z0-9.]|\\\\-)" "$tmp/man-options"; then ok "man page lists $opt"
	else bad "the man page's OPTIONS do not list $opt"; fi
	if grep -qP -- "(?<![A-Za-z0-9-])${opt//./\\.}(?![A-Za-z0-9.-])" "$tmp/readme-options"; then ok "README lists $opt"
	else bad "README's Options do not list $opt"; fi
	case "$arg" in
	SECONDS) value=5 ;; MS) value=100 ;; PORT) value=4443 ;; MODE) value=strict ;; "NAME|PATH") value=mono ;; N) value=20 ;; PROTO) value=smtp ;;
	"") value= ;; *) value=some-file ;;
	esac
	# --help last: what comes before it is parsed, then the help is printed
	expect_rc 0 "$opt${arg:+ $arg} is accepted" -- "$bin" "$opt" ${value:+"$value"} --help
done <"$tmp/help-options"
rm -f "$tmp/help" "$tmp/help-options" "$tmp/man-options" "$tmp/readme-options"
expect_rc 0 "demo --list" -- "$bin" demo --list
for sc in tls13 tls12-ecdhe tls12-rsa mtls13 mtls12 hrr resumption; do
	has "$tmp/out" "^  $sc " "scenario $sc listed"
done
expect_rc 2 "unknown scenario" -- "$bin" demo nosuch
has "$tmp/err" 'no demo scenario called "nosuch"' "unknown scenario named"
expect_rc 2 "unknown option" -- "$bin" --frobnicate
has "$tmp/err" 'unknown option --frobnicate' "unknown option named"
expect_rc 2 "a long option without its value" -- "$bin" demo --timeout
has "$tmp/err" '^tlsladder: option --timeout needs a value \(see --help\)$' "the missing value is named, not an unknown option"
expect_rc 2 "a short option without its value" -- "$bin" localhost -p
has "$tmp/err" '^tlsladder: option -p needs a value \(see --help\)$' "the missing value of -p is named"
expect_rc 2 "a value given to an option that takes none" -- "$bin" --text=yes demo
has "$tmp/err" '^tlsladder: option --text takes no value \(see --help\)$' "the value that is too much is named"
expect_rc 2 "bad timeout" -- "$bin" --timeout soon demo
has "$tmp/err" '--timeout must be a whole number' "bad timeout explained"
expect_rc 2 "cert without key" -- "$bin" --cert x.pem localhost
expect_rc 2 "bad --verify" -- "$bin" --verify maybe localhost
expect_rc 5 "missing demo certs dir" -- "$bin" demo --certs "$tmp/none"
has "$tmp/err" "$tmp/none" "the unusable file is named"

# A version mismatch: GnuTLS's handshake_failure (40) is named as GnuTLS's, next to what RFC 8446 asks
expect_rc 11 "demo version-mismatch --text" -- "$bin" demo version-mismatch --text
has "$tmp/out" "^diagnosis: protocol-version-mismatch: The two sides have no TLS version in common: the server accepts none of the versions the client offered\. This GnuTLS server answered with handshake_failure \(40\); RFC 8446 \(section 4\.2\.1\) asks for protocol_version \(70\) when no version is shared, which OpenSSL sends\. The server's own words: " \
	"version-mismatch: which implementation sent which alert, and what the RFC asks"
hasnt "$tmp/out" "handshake_failure \(40\): [^)]*protocol version" "alert 40's meaning does not mention the protocol version"
# The evidence is the row holding the server's words the sentence quotes, whichever side's error row
# comes first (the two sides' threads race for it): 8 runs
for i in 1 2 3 4 5 6 7 8; do
	"$bin" demo version-mismatch --text >"$tmp/out" 2>&1
	srow=$(grep -E '^ +[0-9]+ +[0-9.]+ +-- error \(server\)' "$tmp/out" | awk '{print $1}')
	arow=$(grep -E '^ +[0-9]+ +[0-9.]+ +\|<-+ Alert' "$tmp/out" | awk '{print $1}')
	if ! grep -qE "\(evidence: steps $arow, $srow\)\$" "$tmp/out"; then break; fi
done
has "$tmp/out" "\(evidence: steps $arow, $srow\)\$" "version-mismatch: the evidence is the alert and the server's own error row (steps $arow, $srow)"
# A key that is not the certificate's: the server refused the CertificateVerify, not the certificate
expect_rc 4 "demo mtls-key-mismatch --text" -- "$bin" demo mtls-key-mismatch --text
cv=$(grep -E '^ +[0-9]+ +[0-9.]+ +\|=+ CertificateVerify .*>\|' "$tmp/out" | awk '{print $1}')
has "$tmp/out" "their public keys differ\. Checked here: the client's CertificateVerify signature does not verify with the certificate's public key \(MISMATCH\)\. The handshake completed from the client's side; the server refused the client's CertificateVerify \(the signature proving it holds the certificate's key\) afterwards, as TLS 1\.3 allows\. \(evidence: steps 1, $cv, [0-9]+\)$" \
	"mtls-key-mismatch: the refusal named is the CertificateVerify's, whose check here is evidence (step $cv)"

# The classic RSA key exchange, in order, with directions.
expect_rc 0 "demo tls12-rsa --text" -- "$bin" demo tls12-rsa --text
grep -E '^ +[0-9]+ ' "$tmp/out" | sed -E 's/^ +[0-9]+ +[0-9.]+ +//' >"$tmp/ladder"
want='^\|-+ ClientHello .*>\|
^\|<-+ ServerHello .*\|
^\|<-+ Certificate .*\|
^\|<-+ ServerHelloDone .*\|
^\|-+ ClientKeyExchange .*>\|
^\|-+ ChangeCipherSpec -+>\|
^\|=+ Finished  12 B =+>\|  encrypted
^\|<-+ NewSessionTicket .*\|
^\|<-+ ChangeCipherSpec -+\|
^\|<=+ Finished  12 B =+\|  encrypted'
i=0
while IFS= read -r pattern; do
	i=$((i + 1))
	line=$(sed -n "${i}p" "$tmp/ladder")
	if grep -qE -- "$pattern" <<<"$line"; then ok "tls12-rsa line $i"; else bad "tls12-rsa line $i: '$line' !~ /$pattern/"; fi
done <<<"$want"
has "$tmp/out" 'cipher suite: +TLS_RSA_WITH_AES_' "RSA key exchange suite in the summary"
has "$tmp/out" 'server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA' "server certificate trusted"

# The chain verdict: the Certificate message's details (-v) and the summary say
# the same true words, judged by the receiving side with its own trust store.
# chain_in FILE WHAT ARROW KEY WANT: ARROW "|<" is the server's Certificate, ">|" the client's.
chain_in() {
	local file="$1" what="$2" arrow="$3" key="$4" want="$5" details summary
	details=$(awk -v a="$arrow" '/^ +[0-9]+ +[0-9.]+ +\|/ { cert = index($0, " Certificate  ") && index($0, a) }
		cert && /^ +chain: / { sub(/^ +chain: /, ""); print; exit }' "$file")
	summary=$(sed -n "s/^  $key \+//p" "$file")
	if [ "$details" = "$want" ]; then ok "$what: the details say '$want'"; else bad "$what: the details say '$details', wanted '$want'"; fi
	if [ "$summary" = "$want" ]; then ok "$what: the summary says the same"; else bad "$what: the summary says '$summary', wanted '$want'"; fi
}
# chain_same SCENARIO ARROW KEY WANT: the same for a demo scenario
chain_same() {
	"$bin" demo "$1" --text -v >"$tmp/out" 2>&1 </dev/null
	chain_in "$tmp/out" "$@"
}
days=$((($(date +%s) - 1609459200) / 86400))      # since the expired demo certificates' notAfter, 2021-01-01
root='tlsladder Demo Root CA'
chain_same tls13 '|<' 'server certificate:' "trusted: 2 sent, path of 3 to $root, name matches 'localhost'"
chain_same server-untrusted '|<' 'server certificate:' \
	"NOT trusted: issuer 'CN=$root,O=tlsladder demo (DEMO ONLY)' unknown; 2 sent, no path to a trust anchor"
has "$tmp/out" "^ +trust store: CA file .*/other-ca.pem$" "server-untrusted: judged with the client's trust store"
has "$tmp/out" "^ +GnuTLS verification: The certificate is NOT trusted. The certificate issuer is unknown. \(status 0x42\)$" \
	"server-untrusted: GnuTLS's verification is the handshake's"
chain_same server-expired '|<' 'server certificate:' "NOT trusted: certificate 1 expired $days days ago; 2 sent, path of 3 to $root"
has "$tmp/out" "^ +GnuTLS verification: The certificate is NOT trusted. The certificate chain uses expired certificate. \(status 0x402\)$" \
	"server-expired: GnuTLS's verification says expired"
hasnt "$tmp/out" "The certificate is trusted" "server-expired: nothing says trusted"
chain_same mtls-expired '>|' 'client certificate:' "NOT trusted: certificate 1 expired $days days ago; 2 sent, path of 3 to $root"
has "$tmp/out" "judged by: the server, with the trust store and purpose \(clientAuth\) its handshake used" \
	"mtls-expired: the server judged the client's chain"
# serve: the client's chain is judged by the server with its client CAs, for a
# TLS client; the server's own certificate is the client's to judge.
run_serve_v() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text -v "$@"
}
if start_server serve no run_serve_v --require-client-cert --client-ca "$src/certs/root-ca.pem"; then
	"$bin" --text --timeout 5 --cafile "$src/certs/root-ca.pem" --cert "$src/certs/client-expired-chain.pem" \
		--key "$src/certs/client-expired.key" localhost -p "$port" >"$tmp/out" 2>&1 </dev/null
	wait_exit "$srv" 10
	cp "$tmp/serve.log" "$tmp/serve"
	chain_in "$tmp/serve" "serve, expired client certificate" '>|' 'client certificate:' \
		"NOT trusted: certificate 1 expired $days days ago; 2 sent, path of 3 to $root"
	has "$tmp/serve" "^ +trust store: CA file $src/certs/root-ca.pem$" "serve: judged with the server's client CAs"
	has "$tmp/serve" "^ +chain: not judged here$" "serve: the server's own certificate is not judged by the server"
	hasnt "$tmp/serve" "dates not included" "serve: GnuTLS's verification judged the dates"
	rm -f "$tmp/serve" "$tmp/serve.log"
fi

# Resumption: each connection's summary says what is true of it.
expect_rc 0 "demo resumption --text" -- "$bin" demo resumption --text
sed -n '/^Summary of connection 2/,$p' "$tmp/out" >"$tmp/ladder"
has "$tmp/out" '^  server signature:   ecdsa_secp256r1_sha256$' "connection 1 names the server's signature"
has "$tmp/ladder" '^  server signature:   none in this connection; in connection 1 the server signed with ecdsa_secp256r1_sha256$' "connection 2: no signature, the one of connection 1 named"
has "$tmp/ladder" '^  resumed:            yes, the session of connection 1; no certificate was exchanged in this connection$' "connection 2 resumes connection 1"
has "$tmp/ladder" '^  client certificate: not requested, here or in connection 1$' "connection 2: no client certificate anywhere"
hasnt "$tmp/out" 'checked in the earlier connection' "no certificate claimed checked when none was sent"
"$bin" demo resumption --text -v >"$tmp/out" 2>&1
hasnt "$tmp/out" 'EARLY_TRAFFIC_SECRET|EARLY_EXPORTER_SECRET' "no early secrets without early data"
hasnt "$tmp/out" 'not captured' "no secret listed that the handshake does not have"
has "$tmp/out" '^ +early data: not offered: no early traffic secret is used in this handshake$' "the resumption says early data was not offered"
has "$tmp/out" '^ +early secret: \(secret; not shown\)$' "without --show-secrets a resumed early secret is not shown"
"$bin" demo resumption --text --show-secrets >"$tmp/out" 2>&1
has "$tmp/out" '^connection 2 key schedule: TLS 1.3, TLS_AES_256_GCM_SHA384, hash SHA-384$' "--show-secrets prints each key schedule"
has "$tmp/out" '^ +binder check: MATCH: the PSK, the early secret and the binder key above are right$' "the PSK binder recomputes"
has "$tmp/out" '^ +PSK from ticket: NewSessionTicket from the server, connection 1 \(step [0-9]+\)$' "the PSK links to its ticket's step"
has "$tmp/out" '^  resumption master secret: [0-9a-f]{96}$' "connection 1's resumption master secret, checked by the binder"
has "$tmp/out" '^  early secret: 7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e716971f9362f2c2fe2a76bfd78dfec4ea9b5$' "a full handshake's early secret is HKDF-Extract(0, 0)"

# HelloRetryRequest: the server's ChangeCipherSpec comes before any ServerHello.
"$bin" demo hrr --text -v >"$tmp/out" 2>&1
has "$tmp/out" 'The server sends it right after its HelloRetryRequest: nothing is encrypted yet, the second ClientHello and the ServerHello still travel in the clear; encryption starts after the ServerHello\.$' "the CCS after HelloRetryRequest says nothing is encrypted yet"

# TLS 1.2 key expansion: an AES-GCM suite has no MAC keys and a 4-byte implicit nonce.
"$bin" demo tls12-ecdhe --text -v >"$tmp/out" 2>&1
has "$tmp/out" '^ +client write implicit nonce \(salt\): \(secret; not shown\)$' "GCM: the implicit nonce is listed"
hasnt "$tmp/out" 'write MAC key' "GCM: no MAC keys"
has "$tmp/out" '^ +base secret: the master secret \(its key log label is CLIENT_RANDOM\)$' "the master secret is named as such"

# Not a tty: the text ladder without --text.
"$bin" demo tls13 >"$tmp/out" 2>&1 </dev/null
has "$tmp/out" 'EncryptedExtensions' "text ladder when stdout is not a terminal"
has "$tmp/out" 'version: +TLS 1.3' "summary names TLS 1.3"
has "$tmp/out" 'key exchange: +ECDHE, group x25519' "summary names x25519"

# Wire view: records with content types.
"$bin" demo tls13 --wire >"$tmp/out" 2>&1
has "$tmp/out" 'handshake\(22\) 0301' "ClientHello record version 0x0301"
has "$tmp/out" 'application_data\(23\) 0303 .*encrypted' "encrypted records as application_data"
has "$tmp/out" 'change_cipher_spec\(20\)' "ChangeCipherSpec record"
# each record names what it carries: decrypted with the keys derived from the key log
has "$tmp/out" '^ +[0-9]+ +[0-9.]+  \|<=+ application_data\(23\) 0303  29 B =+\|  encrypted = EncryptedExtensions$' \
	"the first encrypted record carries EncryptedExtensions"
has "$tmp/out" '\|-+ handshake\(22\) 0301  [0-9]+ B -+>\| = ClientHello$' "the first record carries the ClientHello"
has "$tmp/out" '\|=+ application_data\(23\) 0303  19 B =+>\|  encrypted = Alert close_notify$' \
	"the client's last record carries its close_notify"
if grep -q 'real type: hidden' "$tmp/out"; then bad "a record still says its real type is hidden"; else ok "no record hides its real type"; fi
"$bin" demo tls13 --wire -v >"$tmp/out" 2>&1
has "$tmp/out" '^ +real type: handshake \(22\), inside the encryption \(decrypted with the keys derived from the key log\)$' \
	"-v: the real type, decrypted"
has "$tmp/out" '^ +framing: EncryptedExtensions 8 B travels in 29 B = 8 \+ 4 handshake header \+ 1 inner type \+ 16 tag$' \
	"-v: the sizes of the EncryptedExtensions record add up"
has "$tmp/out" '^ +nonce: \(secret; not shown\)$' "-v: the nonce is a secret"
has "$tmp/out" '^ +additional data: 170303001d$' "-v: the additional data is the record header"
has "$tmp/out" '^ +verdict: tag MATCH$' "-v: the tag matches"

# Hostile text in the title/target is sanitized.
"$bin" $'bad\x1b[2Jhost' -p 9 --timeout 2 >"$tmp/out" 2>"$tmp/err"
if grep -q $'\x1b' "$tmp/out" "$tmp/err"; then bad "raw ESC reached the output"; else ok "ESC in a host name is escaped"; fi

# Key log: only when asked, NSS format, created 0600.
rm -f "$tmp/keys.log"
expect_rc 0 "demo with --keylog" -- "$bin" demo tls13 --keylog "$tmp/keys.log"
if [ "$(stat -c %a "$tmp/keys.log" 2>/dev/null)" = 600 ]; then ok "key log created with mode 0600"; else bad "key log mode: $(stat -c %a "$tmp/keys.log" 2>&1)"; fi
has "$tmp/keys.log" '^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{96}$' "TLS 1.3 handshake secret in NSS format"
has "$tmp/keys.log" '^SERVER_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{96}$' "TLS 1.3 traffic secret in NSS format"
SSLKEYLOGFILE="$tmp/env.log" "$bin" demo tls12-ecdhe >/dev/null 2>&1
has "$tmp/env.log" '^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$' "SSLKEYLOGFILE gets the TLS 1.2 master secret"
"$bin" demo tls13 >/dev/null 2>&1
[ -z "$(ls "$tmp" | grep -v -E '^(out|err|ladder|keys.log|env.log)$')" ] && ok "no key log unless asked" || bad "unexpected files: $(ls "$tmp")"

# Key log safety, checked before any network work (port 1 on loopback is
# closed: a run that got as far as connecting would exit 6, not 5).
ln -s "$tmp/keys-target.log" "$tmp/keys-link.log"
expect_rc 5 "--keylog through a symbolic link is refused" -- "$bin" --text --keylog "$tmp/keys-link.log" 127.0.0.1 -p 1
has "$tmp/err" "keys-link.log: the key log is a symbolic link; secrets are written only to a file named directly" \
	"the symbolic link: said why"
[ ! -e "$tmp/keys-target.log" ] && ok "the link's target was not created" || bad "the link's target was created"
printf 'old line\n' >"$tmp/keys-open.log"
chmod 644 "$tmp/keys-open.log"
expect_rc 5 "--keylog on a 0644 file is refused" -- "$bin" --text --keylog "$tmp/keys-open.log" 127.0.0.1 -p 1
has "$tmp/err" 'keys-open.log: the key log file is open to others \(mode 0644\), and its secrets decrypt the connection: run chmod 600 on it, or name a new file' \
	"the 0644 file: said why, and the fix"
[ "$(cat "$tmp/keys-open.log")" = "old line" ] && ok "the 0644 file is left as it was" || bad "the 0644 file changed"
SSLKEYLOGFILE="$tmp/keys-open.log" expect_rc 5 "SSLKEYLOGFILE on a 0644 file is refused" -- "$bin" --text 127.0.0.1 -p 1
expect_rc 5 "--keylog in a missing directory fails before connecting" -- "$bin" --text --keylog "$tmp/no/such/dir/k.log" 127.0.0.1 -p 1
has "$tmp/err" 'k.log: the key log file cannot be written: No such file or directory' "the missing directory: said why"
chmod 600 "$tmp/keys-open.log"
expect_rc 0 "--keylog on an existing 0600 file" -- "$bin" demo tls13 --keylog "$tmp/keys-open.log"
has "$tmp/keys-open.log" '^old line$' "the 0600 file is appended to (its old line kept)"
has "$tmp/keys-open.log" '^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{96}$' "the 0600 file gets the secrets"

# A real server on loopback: PKCS#12 credentials, ALPN, a wrong password.
certs="$src/certs"
if start_server gnutls-serv yes gnutls_serv --x509certfile "$certs/server-ecdsa-chain.pem" \
	--x509keyfile "$certs/server-ecdsa.key" --x509cafile "$certs/root-ca.pem" --require-client-cert \
	--verify-client-cert --alpn h2; then
	printf 'demo\n' >"$tmp/pass"
	expect_rc 0 "--p12 with --p12-pass-file and --alpn" -- "$bin" --cafile "$certs/root-ca.pem" --p12 "$certs/client.p12" \
		--p12-pass-file "$tmp/pass" --alpn h2,http/1.1 localhost -p "$port"
	has "$tmp/out" 'application: +h2' "ALPN result in the summary"
	has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "the PKCS#12 chain was sent"
	expect_rc 0 "TLSLADDER_P12_PASSWORD" -- env TLSLADDER_P12_PASSWORD=demo "$bin" --cafile "$certs/root-ca.pem" \
		--p12 "$certs/client.p12" "localhost:$port"
	expect_rc 5 "wrong PKCS#12 password" -- env TLSLADDER_P12_PASSWORD=wrong "$bin" --cafile "$certs/root-ca.pem" \
		--p12 "$certs/client.p12" "localhost:$port"
	has "$tmp/err" 'wrong password for this PKCS#12 file' "wrong password said in plain words"
	expect_rc 2 "no password source and no terminal" -- "$bin" --p12 "$certs/client.p12" "localhost:$port"
	has "$tmp/err" 'needs a password: use --p12-pass-file' "how to give the password"
	# Deriving a PKCS#12 key is local work: the network deadline starts after
	# it. This file takes about 1 s per derivation here (4,000,000 iterations),
	# more than --timeout 1 allows (before, that was exit 7, "the peer did not
	# answer before the deadline", which was false).
	if openssl pkcs12 -export -in "$certs/client-chain.pem" -inkey "$certs/client.key" -passout pass:demo \
		-iter 4000000 -out "$tmp/slow.p12" >/dev/null 2>&1; then
		expect_rc 0 "--p12 with a slow key derivation and --timeout 1" -- "$bin" --text --timeout 1 \
			--cafile "$certs/root-ca.pem" --p12 "$tmp/slow.p12" --p12-pass-file "$tmp/pass" localhost -p "$port"
	else
		bad "openssl could not make a PKCS#12 file (Debian package openssl)"
	fi
	mkdir -p "$tmp/noca"
	expect_rc 5 "--capath with no CA in it" -- "$bin" --capath "$tmp/noca" "localhost:$port"
	expect_rc 0 "--capath with the demo CA" -- "$bin" --capath "$certs" --p12 "$certs/client.p12" --p12-pass-file "$tmp/pass" "localhost:$port"
	# The endpoint loads its certificate and key with the same loader as the pre-flight checks: DER files too.
	if certtool -i --infile "$certs/client.pem" --outder --outfile "$tmp/client.der" >/dev/null 2>&1 &&
		certtool -k --infile "$certs/client.key" --outder --outfile "$tmp/client.key.der" >/dev/null 2>&1; then
		"$bin" --text --cafile "$certs/root-ca.pem" --cert "$tmp/client.der" --key "$tmp/client.key.der" \
			"localhost:$port" >"$tmp/out" 2>"$tmp/err"
		hasnt "$tmp/err" 'no PEM (certificate|private key) in this file' "--cert and --key as DER files are read"
		has "$tmp/out" 'client certificate: requested; sent a chain of 1 certificate$' "the DER certificate was sent"
	else
		bad "certtool could not write DER copies of the demo client certificate and key"
	fi
	stop_server
fi

# -vvv: each message's bytes, header first, the fields' bytes named, the same bytes the fields show.
"$bin" --text -vvv demo tls13 >"$tmp/vvv" 2>&1
has "$tmp/vvv" '^ {16}bytes: 122 B = 4 header \+ 118 body$' "-vvv: the ServerHello's bytes add up (4 header + 118 body)"
has "$tmp/vvv" '^ {18}random: bytes 6\.\.37 \(32 B\)$' "-vvv: the legend gives the random's bytes, counted from the header"
has "$tmp/vvv" '^ {16}0000  0200 0076 0303 [0-9a-f]{4} .*  handshake header, legacy_version, random$' \
	"-vvv: the first line is the header (ServerHello, 118) and names its fields"
has "$tmp/vvv" '^ {16}0000  0100  +\.\. +level, description$' "-vvv: an alert's two bytes (warning, close_notify)"
hasnt "$tmp/vvv" 'no bytes' "-vvv: every message has its bytes"
if python3 - "$tmp/vvv" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if "ServerHello  118 B" in l)
block = lines[start + 1:]
random = next(l for l in block if l.startswith("                random: ")).split(": ", 1)[1].replace(" ", "")
dump = ""
for l in block:
    m = re.match(r"^ {16}([0-9a-f]{4})  ((?:[0-9a-f]{2,4} ?)+)", l)
    if m:
        dump += m.group(2).replace(" ", "")
        if len(dump) >= 2 * 122:
            break
sys.exit(0 if dump[12:76] == random and len(random) == 64 else 1)
PY
then ok "-vvv: bytes 6..37 of the dump are the random the fields show"; else bad "-vvv: the dump's random differs"; fi
"$bin" --text -vv demo tls13 >"$tmp/vv" 2>&1
hasnt "$tmp/vv" 'bytes: 122 B' "-vv: no byte dump"
"$bin" --text -vvv --wire demo tls13 >"$tmp/vvvw" 2>&1
sed -nE '/= EncryptedExtensions$/,/^ +[0-9]+ +[0-9.]+ +\|<=+ application_data.* = Certificate$/p' "$tmp/vvvw" >"$tmp/vv"
has "$tmp/vv" "^ {16}bytes: 34 B$" "-vvv --wire: the EncryptedExtensions record is 34 B with its header"
has "$tmp/vv" "^ {18}framing/header: bytes 0\.\.4 \(5 B\)$" "-vvv --wire: its 5-byte header comes first"
has "$tmp/vv" "^ {18}framing/ciphertext: bytes 5\.\.17 \(13 B\)$" "-vvv --wire: 13 B of ciphertext (8 body + 4 header + 1 inner type)"
has "$tmp/vv" "^ {18}framing/tag: bytes 18\.\.33 \(16 B\)$" "-vvv --wire: the last 16 B are the tag"
has "$tmp/vv" "^ {16}0000  1703 0300 1d[0-9a-f]{2} .*  header, ciphertext$" "-vvv --wire: the dump starts with the header 17 0303 001d"
tag=$(grep -m1 -E '^ {18}tag: [0-9a-f]{32}$' "$tmp/vv" | awk '{print $2}')
dumped=$(grep -E '^ {16}00[0-9a-f]{2}  ' "$tmp/vv" | cut -c23-61 | tr -d ' \n' | tail -c 32)
if [ -n "$tag" ] && [ "$tag" = "$dumped" ]; then ok "-vvv --wire: the dump's last 16 bytes are the tag the framing names"
else bad "-vvv --wire: tag $tag, dump ends $dumped"; fi
rm -f "$tmp/vv"

# Installed copy: finds certs without the build tree or TLSLADDER_DATADIR.
builddir=$(dirname "$bin")
if cmake --install "$builddir" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
	ok "cmake --install"
	(cd / && env -u TLSLADDER_DATADIR "$tmp/prefix/bin/tlsladder" demo tls13 --text) >"$tmp/out" 2>&1
	has "$tmp/out" 'server certificate: trusted' "installed binary runs the demo"
	[ -f "$tmp/prefix/share/tlsladder/certs/root-ca.pem" ] && ok "certs installed" || bad "certs not installed"
	[ -f "$tmp/prefix/share/man/man1/tlsladder.1" ] && ok "man page installed" || bad "man page not installed"
else
	bad "cmake --install failed"
	cat "$tmp/install.log"
fi

finish cli
