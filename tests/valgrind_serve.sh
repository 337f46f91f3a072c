#!/bin/bash
# tlsladder serve under valgrind (run by scripts/test, not by ctest): four
# clients at once, one that connects and closes, then SIGTERM. Fails on any
# valgrind error or leak, or when a connection is not reported.
set -u
bin="$1"
certs="$(cd "$(dirname "${BASH_SOURCE[0]}")/../certs" && pwd)"
tmp=$(mktemp -d)
trap 'kill "$vpid" 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 "$bin" serve --text --timeout 60 "$port" >"$tmp/out" 2>"$tmp/err" &
vpid=$!
for ((i = 0; i < 600; i++)); do grep -q 'listening on' "$tmp/err" && break; sleep 0.1; done
cpids=()
for i in 1 2 3 4; do
	"$bin" --text --timeout 60 --cafile "$certs/root-ca.pem" localhost -p "$port" >"$tmp/c$i" 2>&1 &
	cpids+=($!)
done
python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=10).close()"
rcs=0
for p in "${cpids[@]}"; do wait "$p" || rcs=$((rcs + 1)); done
for ((i = 0; i < 600; i++)); do [ "$(grep -c '^tlsladder serve: connection' "$tmp/out")" -ge 5 ] && break; sleep 0.1; done
kill -TERM "$vpid"
wait "$vpid"
rc=$?
cat "$tmp/err"
echo "clients failed: $rcs; connections reported: $(grep -c '^tlsladder serve: connection' "$tmp/out"); serve exit: $rc"
grep -q '^tlsladder: 5 connections: 4 ok, 1 failed, 0 refused$' "$tmp/err" ||
	cat "$tmp/out"
[ "$rc" -ne 99 ] && ! grep -q '^==[0-9]*== ' "$tmp/err" && [ "$rcs" -eq 0 ] &&
	grep -q '^tlsladder: 5 connections: 4 ok, 1 failed, 0 refused$' "$tmp/err"
