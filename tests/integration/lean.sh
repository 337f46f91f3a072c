#!/usr/bin/env bash
# The client does no work it does not need, seen from outside with strace
# against a gnutls-serv on loopback that requires a client certificate:
#  - an address (127.0.0.1, or one of the other family with -6 / -4) is
#    converted in the calling thread: no thread (clone, clone3) is started;
#  - reads try the socket first: every wait for input (a poll on the
#    socket for POLLIN) follows a read that would have blocked (EAGAIN);
#  - a PKCS#12 file is read (and its keys derived) once, though the
#    pre-flight checks and the endpoint both load it;
#  - a PKCS#12 file that asks for more key-derivation rounds than the limit
#    is refused at once, without deriving, and says why.
# Needs strace, gnutls-serv and python3.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

if ! have strace; then
	bad "strace is not installed (Debian package strace)"
	finish lean
	exit
fi
# trace STRACE_ARGS...: strace, without LeakSanitizer (in the sanitizer
# build it cannot work under ptrace: it starts a thread of its own at exit,
# then stops the program); the untraced runs still check for leaks
trace() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }
ca=(--cafile "$certs/root-ca.pem")
mine=(--cert "$certs/client-chain.pem" --key "$certs/client.key")
printf 'demo\n' >"$tmp/pass"

# threads DESCRIPTION -- ARGS...: one traced client run; no clone/clone3 in it
threads() {
	local what="$1"
	shift 2
	trace -f -qq -e trace=clone,clone3 -o "$tmp/threads.trace" "$bin" --text "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	if grep -qE '^[0-9]+ +clone3?\(' "$tmp/threads.trace"; then
		bad "$what: a thread was started"
		cat "$tmp/threads.trace"
	else
		ok "$what: no thread"
	fi
}

# PKCS#12 with more rounds than allowed: the demo file with its MAC's
# iteration count rewritten to 2^31-1 (the outer lengths re-encoded); the MAC
# no longer matches, but it must be refused before anything is derived.
python3 - "$certs/client.p12" "$tmp/costly.p12" <<'EOF'
import sys

def tlv(b, i):
    tag, n = b[i], b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, i, n          # tag, start of the value, its length

def enc(tag, v):
    n = len(v)
    if n < 0x80:
        return bytes([tag, n]) + v
    L = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(L)]) + L + v

d = open(sys.argv[1], "rb").read()
_, s, n = tlv(d, 0)                        # PFX ::= SEQUENCE { version, authSafe, macData }
items, i = [], s
while i < s + n:
    _, vs, vn = tlv(d, i)
    items.append(d[i:vs + vn])
    i = vs + vn
mac = items[2]
_, ms, mn = tlv(mac, 0)                    # MacData ::= SEQUENCE { mac, macSalt, iterations }
parts, j = [], ms
while j < ms + mn:
    _, vs, vn = tlv(mac, j)
    parts.append(mac[j:vs + vn])
    j = vs + vn
parts[2] = enc(0x02, (2**31 - 1).to_bytes(4, "big"))
items[2] = enc(0x30, b"".join(parts))
open(sys.argv[2], "wb").write(enc(0x30, b"".join(items)))
EOF

if start_server gnutls-serv yes gnutls_serv --x509certfile "$certs/server-ecdsa-chain.pem" \
	--x509keyfile "$certs/server-ecdsa.key" --x509cafile "$certs/root-ca.pem" --require-client-cert \
	--verify-client-cert; then
	threads "127.0.0.1" -- "${ca[@]}" "${mine[@]}" 127.0.0.1 -p "$port"
	has "$tmp/out" 'outcome: +handshake completed' "127.0.0.1: the handshake completed"
	threads "-6 127.0.0.1 (an IPv4 address, IPv6 asked for)" -- -6 "${ca[@]}" 127.0.0.1 -p "$port"
	has "$tmp/out" 'error \(client\): the host name 127.0.0.1 does not resolve \(Address family for hostname not supported\)' \
		"-6 127.0.0.1: the same error as before"
	threads "-4 ::1 (an IPv6 address, IPv4 asked for)" -- -4 "${ca[@]}" ::1 -p "$port"

	# each signature checked once: callgrind counts the ECDSA verifications
	# (everything in the demo PKI is ECDSA P-256). With a client certificate: the
	# server's CertificateVerify, the server's chain (leaf by intermediate,
	# intermediate by the CA file's root; GnuTLS's check, not again link by
	# link), and the own chain in the pre-flight checks (leaf by intermediate,
	# intermediate by root): 5 (before: 8, with the chain judged twice and
	# GnuTLS's sign-and-verify test of the own key); then tlsladder's own
	# signature check (certverify.c), once per CertificateVerify when the
	# connection settles, the server's and the client's: 7. Not in the
	# sanitizer build.
	if have valgrind && ! ldd "$bin" 2>/dev/null | grep -q libasan; then
		verifies() {
			valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bin" --text "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
			python3 - "$tmp/cg.out" <<'PY'
import re, sys
names, cur, total = {}, None, 0
for line in open(sys.argv[1]):
    m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.strip())
    if m:
        if m.group(3):
            names[m.group(2)] = m.group(3)
        cur = names.get(m.group(2)) if m.group(1) == "cfn" else None
    elif line.startswith("calls=") and cur == "nettle_ecdsa_verify":
        total += int(line.split("=")[1].split()[0])
print(total)
PY
		}
		n=$(verifies "${ca[@]}" "${mine[@]}" 127.0.0.1 -p "$port")
		[ "$n" = 7 ] && ok "with a client certificate: 7 signature checks" ||
			{ bad "with a client certificate: $n signature checks, wanted 7"; cat "$tmp/out"; }
		has "$tmp/out" "server certificate: trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches '127.0.0.1'" \
			"the chain's verdict is the same"
	else
		ok "signature checks not counted (no valgrind, or the sanitizer build)"
	fi

	# reads first, waits only when a read would block
	trace -f -qq -e trace=poll,ppoll,recvfrom,recvmsg,read -o "$tmp/reads.trace" "$bin" --text "${ca[@]}" "${mine[@]}" \
		127.0.0.1 -p "$port" >"$tmp/out" 2>"$tmp/err" </dev/null
	has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "traced run: the certificate was sent"
	waits=$(grep -cE 'poll\(\[\{fd=[0-9]+, events=POLLIN\}' "$tmp/reads.trace")
	blocked=$(grep -cE 'recvfrom\(.*= -1 EAGAIN' "$tmp/reads.trace")
	reads=$(grep -cE 'recvfrom\(.*= [0-9]+$' "$tmp/reads.trace")
	if [ "$reads" -gt 0 ] && [ "$waits" -le "$blocked" ]; then
		ok "every wait for input follows a read that would block ($waits waits, $blocked blocked reads, $reads reads)"
	else
		bad "waits for input without a blocked read first: $waits waits, $blocked blocked reads, $reads reads"
		grep -E 'poll|recvfrom' "$tmp/reads.trace"
	fi

	# one PKCS#12 derivation for the checks and the endpoint
	trace -f -qq -e trace=open,openat -o "$tmp/p12.trace" "$bin" --text "${ca[@]}" --p12 "$certs/client.p12" \
		--p12-pass-file "$tmp/pass" 127.0.0.1 -p "$port" >"$tmp/out" 2>"$tmp/err" </dev/null
	has "$tmp/out" 'client certificate: requested; sent a chain of 2 certificates' "--p12: the chain was sent"
	opened=$(grep -c 'client\.p12"' "$tmp/p12.trace")
	[ "$opened" -eq 1 ] && ok "the PKCS#12 file is read once" || { bad "the PKCS#12 file is read $opened times"; cat "$tmp/p12.trace"; }

	# too many rounds: refused at once (deriving 2^31-1 rounds would take minutes)
	expect_rc 5 "a PKCS#12 file asking for 2^31-1 rounds" -- timeout 30 "$bin" --text "${ca[@]}" --p12 "$tmp/costly.p12" \
		--p12-pass-file "$tmp/pass" 127.0.0.1 -p "$port"
	has "$tmp/err" 'costly\.p12: its key derivations ask for more than 16000000 rounds in all; export it again with fewer iterations' \
		"the refusal says why"
	has "$tmp/out" "The PKCS#12 file '.*costly\.p12' asks for more than 16000000 key-derivation rounds in all \(2147483647 counted\); it was not opened\." \
		"the pre-flight check says it too"
	stop_server
fi

finish lean
