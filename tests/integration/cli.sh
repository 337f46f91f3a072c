#!/usr/bin/env bash
# The program as a user runs it: options, exit codes, the text ladder,
# and an installed copy finding its data outside the build tree.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# expect_rc WANT DESCRIPTION -- command...
expect_rc() {
	local want="$1" what="$2"
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, wanted $want"; cat "$tmp/err"; fi
}
# has FILE PATTERN DESCRIPTION
has() { if grep -qE -- "$2" "$1"; then ok "$3"; else bad "$3: no /$2/ in:"; cat "$1"; fi; }

expect_rc 0 "--help" -- "$bin" --help
has "$tmp/out" '^Exit codes:' "--help lists exit codes"
has "$tmp/out" '--grace MS' "--help lists --grace"
expect_rc 0 "--version" -- "$bin" --version
has "$tmp/out" '^tlsladder [0-9]+\.[0-9]+' "version line"
expect_rc 0 "demo --list" -- "$bin" demo --list
for sc in tls13 tls12-ecdhe tls12-rsa mtls13 mtls12 hrr resumption; do
	has "$tmp/out" "^  $sc " "scenario $sc listed"
done
expect_rc 2 "unknown scenario" -- "$bin" demo nosuch
has "$tmp/err" 'no demo scenario called "nosuch"' "unknown scenario named"
expect_rc 2 "unknown option" -- "$bin" --frobnicate
has "$tmp/err" 'unknown option --frobnicate' "unknown option named"
expect_rc 2 "bad timeout" -- "$bin" --timeout soon demo
has "$tmp/err" '--timeout must be a whole number' "bad timeout explained"
expect_rc 2 "cert without key" -- "$bin" --cert x.pem localhost
expect_rc 2 "bad --verify" -- "$bin" --verify maybe localhost
expect_rc 5 "missing demo certs dir" -- "$bin" demo --certs "$tmp/none"
has "$tmp/err" "$tmp/none" "the unusable file is named"

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
has "$tmp/out" 'server certificate: verified' "server certificate verified"

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

# Hostile text in the title/target is sanitized.
"$bin" $'bad\x1b[2Jhost' -p 9 --timeout 2 >"$tmp/out" 2>"$tmp/err"
if grep -q $'\x1b' "$tmp/out" "$tmp/err"; then bad "raw ESC reached the output"; else ok "ESC in a host name is escaped"; fi

# Installed copy: finds certs without the build tree or TLSLADDER_DATADIR.
builddir=$(dirname "$bin")
if cmake --install "$builddir" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
	ok "cmake --install"
	(cd / && env -u TLSLADDER_DATADIR "$tmp/prefix/bin/tlsladder" demo tls13 --text) >"$tmp/out" 2>&1
	has "$tmp/out" 'server certificate: verified' "installed binary runs the demo"
	[ -f "$tmp/prefix/share/tlsladder/certs/root-ca.pem" ] && ok "certs installed" || bad "certs not installed"
	[ -f "$tmp/prefix/share/man/man1/tlsladder.1" ] && ok "man page installed" || bad "man page not installed"
else
	bad "cmake --install failed"
	cat "$tmp/install.log"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
