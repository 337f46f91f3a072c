#!/bin/bash
# tlsladder serve under load (loopback only): idle sockets do not hold up a
# handshake; the cap on connections in flight refuses with a logged reason;
# a stream of the largest ClientHellos leaves memory flat; connection
# numbers go past 65,536 and each connection is still reported with its own
# number, summary and exit code.
# Needs python3.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
load="$(dirname "${BASH_SOURCE[0]}")/serve_load.py"

# serve_text PORT ARGS...: tlsladder serve --text (for start_server)
serve_text() {
	local p="$1"
	shift
	exec "$bin" serve --text "$@" "$p"
}
ca=(--cafile "$certs/root-ca.pem")

# ---------------------------------------------------------------- idle sockets
# 200 clients connect and send nothing for 20 s (serve's --timeout is 30):
# served one at a time, the next handshake would wait for all of them.
if start_server idle no serve_text --timeout 30; then
	python3 "$load" idle "$port" 200 20 >"$tmp/idle.out" 2>"$tmp/idle.err" &
	ipid=$!
	pids+=("$ipid")
	for ((i = 0; i < 100; i++)); do grep -q '^open' "$tmp/idle.out" && break; sleep 0.05; done
	has "$tmp/idle.out" '^open 200$' "200 idle sockets are open"
	expect_rc 0 "a handshake while 200 idle sockets are open finishes within its own 3 s" -- \
		"$bin" --text --timeout 3 "${ca[@]}" localhost -p "$port"
	has "$tmp/out" 'server certificate: trusted: 2 sent' "... and is complete"
	stop_server "$ipid"
	stop_server
	has "$tmp/idle.log" '^tlsladder serve: connection 201 \(exit code 0\)$' "the server reports it as connection 201, ok"
	has "$tmp/idle.log" '^tlsladder: 201 connections: 1 ok, 200 failed, 0 refused$' "the count on stopping"
fi

# ---------------------------------------------------------------- the cap
# --max-conns 3: three idle sockets fill it; the fourth is refused, logged.
if start_server cap no serve_text --timeout 30 --max-conns 3; then
	python3 "$load" idle "$port" 3 20 >"$tmp/cap.out" 2>&1 &
	ipid=$!
	pids+=("$ipid")
	for ((i = 0; i < 100; i++)); do grep -q '^open' "$tmp/cap.out" && break; sleep 0.05; done
	sleep 0.3
	# closed at once: whether the kernel says FIN or RST depends on whether the
	# ClientHello had arrived, so either is right; each is said as what it was
	"$bin" --text --timeout 3 "${ca[@]}" localhost -p "$port" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	case $rc in
	1) has "$tmp/out" '^diagnosis: connection-closed: The server closed the connection without answering\.' "a fourth client is refused: closed (exit 1)" ;;
	13) has "$tmp/out" '^diagnosis: connection-reset: The server reset the connection without answering\.' "a fourth client is refused: reset (exit 13)" ;;
	*) bad "a fourth client is refused: exit $rc, wanted 1 or 13"; cat "$tmp/out" ;;
	esac
	has "$tmp/cap.log" '^tlsladder: connection 4 from 127\.0\.0\.1 port [0-9]+ refused: 3 connections are in flight, the most allowed \(--max-conns 3\)$' \
		"the refusal is logged with its reason"
	stop_server "$ipid"
	# the idle ones have ended: there is room again
	for ((i = 0; i < 400; i++)); do [ "$(grep -c '(exit code' "$tmp/cap.log")" -ge 3 ] && break; sleep 0.05; done
	expect_rc 0 "once they have gone, a client is served" -- "$bin" --text --timeout 3 "${ca[@]}" localhost -p "$port"
	stop_server
	has "$tmp/cap.log" '^tlsladder: 5 connections: 1 ok, 3 failed, 1 refused$' "the count on stopping"
fi

# ---------------------------------------------------------------- the largest ClientHellos
# (AddressSanitizer holds freed memory in quarantine: RSS says nothing there)
if grep -q __asan_init "$bin"; then
	echo "skip the RSS check: this tlsladder is built with AddressSanitizer"
elif start_server big no serve_text --timeout 10; then
	python3 "$load" bighello "$port" 400 "$srv" >"$tmp/big.out" 2>&1
	has "$tmp/big.out" '^body 130575$' "ClientHellos of 130,575 bytes were sent"
	has "$tmp/big.log" 'ClientHello  130575 B' "the server took them whole"
	first=$(awk '$1 == "rss" && $2 == 2 { print $3 }' "$tmp/big.out")
	last=$(awk '$1 == "rss" && $2 == 10 { print $3 }' "$tmp/big.out")
	echo "     RSS after 80 ClientHellos: ${first:-?} KiB; after 400: ${last:-?} KiB"
	# kept, 320 of them would add 40 MB; freed, RSS only steps up (a few MiB
	# each) while the workers' malloc arenas (at most 4) reach their high-water mark
	if [ -n "$first" ] && [ -n "$last" ] && ((last - first < 16384)); then
		ok "320 more of the largest ClientHellos add less than 16 MiB ($((last - first)) KiB)"
	else
		bad "memory grew with the ClientHellos: ${first:-?} -> ${last:-?} KiB"
		cat "$tmp/big.out"
	fi
	stop_server
fi

# ---------------------------------------------------------------- connection numbers past 65,536
# 65,540 connections that close at once, then a real handshake and one more
# that closes: both are reported with their own number, summary and exit code.
# stdout to a file (about 26 MB), of which only the end is looked at
many() { exec "$bin" serve --text --timeout 10 "$1" >"$tmp/many.out"; }
if start_server many no many; then
	timeout 300 python3 "$load" bare "$port" 65540 4 >"$tmp/bare.out" 2>&1
	has "$tmp/bare.out" '^done 65540$' "65,540 connections came and went"
	expect_rc 0 "connection 65,541 is a full handshake" -- "$bin" --text --timeout 5 "${ca[@]}" localhost -p "$port"
	python3 "$load" bare "$port" 1 1 >/dev/null 2>&1
	for ((i = 0; i < 200; i++)); do grep -q '^tlsladder serve: connection 65542 ' "$tmp/many.out" && break; sleep 0.05; done
	stop_server
	tail -n 80 "$tmp/many.out" >"$tmp/many.tail"
	rm -f "$tmp/many.out"
	has "$tmp/many.tail" '^tlsladder serve: connection 65541 \(exit code 0\)$' "connection 65,541 is reported ok"
	has "$tmp/many.tail" '^Summary of connection 65541$' "... with its summary under its own number"
	has "$tmp/many.tail" '^tlsladder serve: connection 65542 \(exit code 1\)$' "connection 65,542, which closed at once, is not reported ok"
	has "$tmp/many.tail" '^diagnosis: connection-closed: The client closed the connection without answering\. \(evidence: step 2\)$' "... and has its diagnosis"
	has "$tmp/many.tail" "^fix: Check the client's log: it ended the connection without saying why\\.$" "... whose fix points at the client, which closed it"
	has "$tmp/many.log" '^tlsladder: 65542 connections: 1 ok, 65541 failed, 0 refused$' "the count on stopping"
fi

finish serve_load
