#!/usr/bin/env bash
# Data after the handshake: tlsladder serve --once reads what a client sends
# until the client closes or the deadline passes, with no cap on the count,
# and says how many bytes it read and how reading ended:
#   - a 64 MiB upload, then close_notify: every byte counted, exit 0;
#   - a client still sending when --timeout 2 passes: "stopped reading after
#     the time limit", the bytes read, exit 7 (the deadline passed);
#   - a client that sent a little and then nothing, without closing: the
#     deadline (--timeout 3) ends it, nothing was cut, exit 0.
# The clients are Python's ssl module (OpenSSL), on loopback.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# The client: connects to PORT, trusts the demo root CA, then by MODE
#   size N   sends exactly N bytes, then close_notify (and reads the server's)
#   flood S  sends for at most S seconds (until the server goes away); prints
#            the bytes its sends accepted
#   idle N S sends N bytes, then waits S seconds and closes with close_notify
cat >"$tmp/client.py" <<'EOF'
import socket, ssl, sys, time
port, ca, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30), server_hostname="localhost")
chunk = b"u" * 65536
if mode == "size":
    left = int(sys.argv[4])
    while left > 0:
        n = min(left, len(chunk))
        t.sendall(chunk[:n])
        left -= n
    t.unwrap()
elif mode == "flood":
    sent, end = 0, time.monotonic() + float(sys.argv[4])
    try:
        while time.monotonic() < end:
            sent += t.send(chunk[:16384])
    except (OSError, ssl.SSLError):
        pass
    print(sent)
    sys.exit(0)
else:
    t.sendall(chunk[:int(sys.argv[4])])
    time.sleep(float(sys.argv[5]))
    t.unwrap()
t.close()
EOF

run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --once --text "$@"
}
# serve_done DESCRIPTION WANT: waits for serve --once, checks its exit code;
# its ladder is then in $tmp/serve.
serve_done() {
	wait_exit "$srv" 40
	cp "$tmp/serve.log" "$tmp/serve"
	if [ "$rc" -eq "$2" ]; then ok "$1: serve exit $rc"; else bad "$1: serve exit $rc, wanted $2"; cat "$tmp/serve"; fi
}
# commas N: N with a comma between groups of three digits
commas() { sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta' <<<"$1"; }

# (a) 64 MiB, then close_notify: more than the 10,000 reads serve once stopped at.
if start_server serve no run_serve --timeout 30; then
	expect_rc 0 "upload: the client sends 64 MiB and closes" -- python3 "$tmp/client.py" "$port" "$certs/root-ca.pem" size 67108864
	serve_done "upload: 64 MiB" 0
	has "$tmp/serve" '^ +[0-9]+ +[0-9.]+  -- note \(server\): the client sent 67,108,864 bytes of application data, then closed the connection$' \
		"upload: every byte of the 64 MiB counted"
	has "$tmp/serve" '^  outcome: +handshake completed, closed cleanly$' "upload: the connection ended cleanly"
	has "$tmp/serve" '^diagnosis: ok:' "upload: diagnosis ok"
	hasnt "$tmp/serve" 'stopped reading' "upload: reading did not stop early"
fi

# (b) Still sending when the deadline passes: said, with the count, and not ok.
if start_server serve no run_serve --timeout 2; then
	python3 "$tmp/client.py" "$port" "$certs/root-ca.pem" flood 15 >"$tmp/sent" 2>"$tmp/err" </dev/null
	sent=$(head -n 1 "$tmp/sent")
	serve_done "upload: still sending at the deadline" 7
	line='^ +[0-9]+ +[0-9.]+  -- error \(server\): stopped reading after the time limit: ([0-9,]+) bytes read; the client was still sending$'
	has "$tmp/serve" "$line" "upload: stopped reading after the time limit, the client still sending"
	read_bytes=$(sed -nE "s/$line/\1/p" "$tmp/serve" | tr -d ,)
	if [[ "$read_bytes" =~ ^[0-9]+$ && "$sent" =~ ^[0-9]+$ ]] && [ "$read_bytes" -gt 0 ] && [ "$read_bytes" -le "$sent" ]; then
		ok "upload: $(commas "$read_bytes") bytes read, of the $(commas "$sent") the client's sends accepted"
	else
		bad "upload: bytes read '${read_bytes:-}', client sent '${sent:-}'"
		cat "$tmp/err"
	fi
	has "$tmp/serve" "^  outcome: +stopped reading after the time limit: $(commas "${read_bytes:-x}") bytes read; the client was still sending\$" \
		"upload: the outcome says it stopped"
	has "$tmp/serve" '^diagnosis: timeout: Stopped reading after the time limit: [0-9,]+ bytes read; the client was still sending\.' \
		"upload: diagnosis timeout"
	has "$tmp/serve" '^fix: The handshake completed; data was still arriving when the deadline passed: --timeout gives it longer\.$' \
		"upload: the fix names --timeout"
	has "$tmp/serve" '^tlsladder serve: connection 1 \(exit code 7\)$' "upload: the connection's exit code is 7"
fi

# (c) 1,000 bytes, then nothing until after the deadline: nothing was cut
# (data in the last second before the deadline would count as still sending:
# --timeout 3 leaves a slow handshake room).
if start_server serve no run_serve --timeout 3; then
	python3 "$tmp/client.py" "$port" "$certs/root-ca.pem" idle 1000 4.5 >/dev/null 2>&1 </dev/null &
	cpid=$!
	pids+=("$cpid")
	serve_done "upload: idle at the deadline" 0
	has "$tmp/serve" '^ +[0-9]+ +[0-9.]+  -- note \(server\): stopped reading after the time limit: 1,000 bytes read; the client had stopped sending but had not closed the connection$' \
		"upload: an idle client at the deadline is named, with the count"
	has "$tmp/serve" '^diagnosis: ok:' "upload: idle at the deadline: diagnosis ok"
	wait_exit "$cpid" 10
fi

finish upload
