#!/usr/bin/env bash
# Saved runs: --json, --json-secrets, --replay, --summary-json.
#   - every demo scenario, saved and replayed: the text ladder is the live
#     run's line for line (times included), with --wire, and with -v / -vv
#     when the secrets were saved; the exit code is the live run's;
#   - a real server (gnutls-serv on loopback) and tlsladder serve (one line
#     per connection, --conn N);
#   - every saved file matches docs/tlsladder-run.schema.json (python3-jsonschema);
#   - secrets only with --json-secrets, and then the file is 0600 and no symlink;
#   - another format version, or a malformed file: one line and exit 5;
#   - --summary-json: exact values, exit code unchanged;
#   - the interactive replay (tmux): the saved ladder and its diagnosis.
set -u
bin="$1"
src="${TLSLADDER_SRC:?}"
certs="$src/certs"
schema="$src/docs/tlsladder-run.schema.json"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

export TLSLADDER_DATADIR="$src"
scenarios=$("$bin" demo --list | awk '/^  [a-z]/ { print $1 }')
[ -n "$scenarios" ] && ok "the demo lists its scenarios" || bad "no demo scenarios listed"

# same NAME LIVE REPLAY: the two outputs are equal line for line
same() {
	if [ ! -s "$2" ]; then bad "$1: the live run printed nothing"
	elif cmp -s "$2" "$3"; then ok "$1"; else bad "$1: the replay differs:"; diff "$2" "$3" | head -20; fi
}
# valid FILE...: every document matches the schema
valid() {
	local what="$1"
	shift
	if python3 - "$schema" "$@" >"$tmp/schema.out" 2>&1 <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for n, line in enumerate(open(path), 1):
        if line.strip():
            for e in v.iter_errors(json.loads(line)):
                print(f"{path}:{n}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
                bad += 1
sys.exit(1 if bad else 0)
EOF
	then ok "$what match the schema"; else bad "$what do not match the schema:"; head -20 "$tmp/schema.out"; fi
}

# ---------------------------------------------------------------- every demo scenario
for sc in $scenarios; do
	# with the secrets: every view
	for opts in "" "--wire" "-v" "-vv" "--wire -vv"; do
		"$bin" demo "$sc" --text $opts --json "$tmp/$sc.json" --json-secrets >"$tmp/live" 2>"$tmp/live.err"
		live_rc=$?
		"$bin" --replay "$tmp/$sc.json" --text $opts >"$tmp/replay" 2>"$tmp/replay.err"
		rc=$?
		[ -s "$tmp/$sc.json" ] && [ "$live_rc" -ne 2 ] || bad "demo $sc ${opts}: nothing saved (exit $live_rc)"
		same "demo $sc ${opts:-(messages)}: replay = live" "$tmp/live" "$tmp/replay"
		[ "$rc" -eq "$live_rc" ] && ok "demo $sc ${opts}: replay exits $rc like the live run" ||
			bad "demo $sc ${opts}: replay exits $rc, the live run $live_rc"
	done
	# without: the ladder and the summary, messages and records
	for opts in "" "--wire"; do
		"$bin" demo "$sc" --text $opts --json "$tmp/$sc-plain.json" >"$tmp/live" 2>/dev/null
		"$bin" --replay "$tmp/$sc-plain.json" --text $opts >"$tmp/replay" 2>/dev/null
		same "demo $sc ${opts:-(messages)} without secrets: replay = live" "$tmp/live" "$tmp/replay"
	done
done
valid "every demo scenario's saved runs" "$tmp"/*.json

# A replay days later says the day counts of the run: a certificate's dates
# are judged at the moment its verdict was reached, never at rendering.
if have faketime; then
	"$bin" demo tls13 --text -v --json "$tmp/later.json" >"$tmp/live" 2>/dev/null
	# (a sanitizer build must accept faketime's library loaded before its runtime)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f '+3d' "$bin" --replay "$tmp/later.json" --text -v >"$tmp/replay" 2>"$tmp/replay.err"
	days=$(grep -m1 -oE 'validity: valid for [0-9]+ more days' "$tmp/live")
	[ -n "$days" ] && [ "$(grep -c -- "$days" "$tmp/replay")" = "$(grep -c -- "$days" "$tmp/live")" ] &&
		ok "a replay 3 days later: '$days', as in the run" ||
		{ bad "a replay 3 days later changed the day counts: $(grep -m1 -oE 'validity: .*' "$tmp/replay") (run: $days)"; head -5 "$tmp/replay.err"; }
else
	echo "skip faketime is not installed (Debian package faketime)"
fi

# ---------------------------------------------------------------- secrets
"$bin" demo tls13 --json "$tmp/plain.json" >/dev/null
"$bin" demo tls13 --json "$tmp/secret.json" --json-secrets >/dev/null
mode=$(stat -c %a "$tmp/secret.json")
[ "$mode" = 600 ] && ok "--json-secrets: the file is created 0600" || bad "--json-secrets: the file is mode $mode"
has "$tmp/secret.json" '"secrets":\[\{"side":"(client|server)","conn":0,"label":"CLIENT_HANDSHAKE_TRAFFIC_SECRET"' \
	"--json-secrets: the key log's secrets are in the file"
hasnt "$tmp/plain.json" '"secret":|"key":|"key_len":' "without --json-secrets: no secret, no finished key"
has "$tmp/plain.json" '"secrets_included":false' "without --json-secrets: the file says so"
has "$tmp/plain.json" '"label":"CLIENT_HANDSHAKE_TRAFFIC_SECRET","client_random":"[0-9a-f]{64}","len":48,"withheld":true' \
	"without --json-secrets: each secret is listed as withheld"
# a replay without the secrets says they were captured and left out, and derives nothing from them
"$bin" --replay "$tmp/plain.json" --text -vv >"$tmp/replay"
has "$tmp/replay" '^ +CLIENT_HANDSHAKE_TRAFFIC_SECRET: captured, but not in this saved run \(it was saved without --json-secrets\)$' \
	"replay without secrets: the key schedule says the secret was left out"
hasnt "$tmp/replay" 'not captured|record key:|finished key:' "replay without secrets: nothing claimed missing, nothing derived"
"$bin" demo tls12-ecdhe --json "$tmp/plain12.json" >/dev/null
"$bin" --replay "$tmp/plain12.json" --text -vv >"$tmp/replay"
has "$tmp/replay" '^ +master secret: captured, but not in this saved run' "replay without secrets (TLS 1.2): the master secret was left out"
has "$tmp/replay" '^ +keys: not shown: the master secret is captured, but not in this saved run' "... and no record keys come from it"
# the key log of a replay: the saved secrets, or none
"$bin" demo tls13 --keylog "$tmp/live.keys" --json "$tmp/keys.json" --json-secrets >/dev/null
"$bin" --replay "$tmp/keys.json" --text --keylog "$tmp/replay.keys" >/dev/null
same "--replay --keylog writes the live run's key log" "$tmp/live.keys" "$tmp/replay.keys"
"$bin" --replay "$tmp/plain.json" --text --keylog "$tmp/none.keys" >/dev/null
[ ! -s "$tmp/none.keys" ] && ok "--replay --keylog of a run saved without secrets writes no line" ||
	{ bad "a key log line from withheld secrets:"; cat "$tmp/none.keys"; }
ln -s "$tmp/target.json" "$tmp/link.json"
expect_rc 5 "--json-secrets refuses a symbolic link" -- "$bin" demo tls13 --json "$tmp/link.json" --json-secrets
has "$tmp/err" '^tlsladder: .*link\.json: the JSON file is a symbolic link' "... and says why"
[ ! -e "$tmp/target.json" ] && ok "... and writes nothing through it" || bad "the link's target was written"
touch "$tmp/open.json" && chmod 644 "$tmp/open.json"
expect_rc 5 "--json-secrets refuses an existing file open to others" -- "$bin" demo tls13 --json "$tmp/open.json" --json-secrets
expect_rc 0 "--json - writes the document to stdout" -- "$bin" demo tls13 --json -
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "--json -: one line, no ladder" || bad "--json -: $(wc -l <"$tmp/out") lines"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["format_version"]==1 and d["mode"]=="demo"' "$tmp/out" &&
	ok "--json -: a JSON document of format version 1" || bad "--json -: not a version 1 document"

# ---------------------------------------------------------------- refusals
printf '{"format":"tlsladder-run","format_version":2,"events":[]}\n' >"$tmp/v2.json"
expect_rc 5 "a file of format version 2 is refused" -- "$bin" --replay "$tmp/v2.json" --text
has "$tmp/err" '^tlsladder: .*v2\.json: format version 2; this tlsladder reads version 1$' "... with one line saying so"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] && ok "... and nothing else" || bad "more than one line"
head -c 2000 "$tmp/plain.json" >"$tmp/cut.json"
expect_rc 5 "a cut file is refused" -- "$bin" --replay "$tmp/cut.json" --text
has "$tmp/err" '^tlsladder: .*cut\.json: not valid JSON \(line 1: ' "... as not valid JSON"
sed 's/"kind":"handshake"/"kind":"handshaking"/' "$tmp/plain.json" >"$tmp/kind.json"
expect_rc 5 "an unknown event kind is refused" -- "$bin" --replay "$tmp/kind.json" --text
has "$tmp/err" 'kind\.json: not a valid tlsladder run: event 0: event\.kind: not one of the names the format defines$' \
	"... naming the event and the member"
sed 's/"hash_len":48/"hash_len":480/' "$tmp/plain.json" >"$tmp/len.json"
expect_rc 5 "a length beyond its buffer is refused" -- "$bin" --replay "$tmp/len.json" --text
has "$tmp/err" 'len\.json: not a valid tlsladder run: finished 0: finished\.hash_len: out of range|finished\.transcript_hash' \
	"... naming the Finished check"
echo '{"a":1}' >"$tmp/other.json"
expect_rc 5 "a JSON file of something else is refused" -- "$bin" --replay "$tmp/other.json" --text
has "$tmp/err" 'other\.json: not a valid tlsladder run: it is not a tlsladder run' "... as not a tlsladder run"
expect_rc 5 "a missing file" -- "$bin" --replay "$tmp/none.json" --text
expect_rc 2 "--json-secrets without --json" -- "$bin" demo --json-secrets --text
has "$tmp/err" '^tlsladder: --json-secrets goes with --json FILE$' "... is a usage error"
expect_rc 2 "--replay with a scenario" -- "$bin" --replay "$tmp/plain.json" demo tls12-rsa
expect_rc 2 "--conn without --replay" -- "$bin" --conn 2 --text
expect_rc 2 "--json onto the file --replay reads" -- "$bin" --replay "$tmp/plain.json" --json "$tmp/plain.json"
[ -s "$tmp/plain.json" ] && ok "... leaves it whole" || bad "the replayed file was emptied"

# a replay saved again is the same run
"$bin" --replay "$tmp/secret.json" --json "$tmp/again.json" --json-secrets >/dev/null
cmp -s "$tmp/secret.json" "$tmp/again.json" && ok "a replay saved again gives the same document" ||
	bad "a replay saved again differs"

# ---------------------------------------------------------------- --summary-json
# summary SCENARIO EXIT EXPECTED-PYTHON-DICT: the object, exactly (the chain
# words are checked apart, without the day counts that follow the date)
summary() {
	local sc="$1" want_rc="$2" want="$3"
	expect_rc "$want_rc" "--summary-json demo $sc: the exit code is unchanged" -- "$bin" demo "$sc" --summary-json
	if python3 - "$tmp/out" "$want" <<'EOF'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "not one line: %r" % lines
got = json.loads(lines[0])
want = eval(sys.argv[2])
for k in ("server_certificate", "client_certificate"):
    c = got["chains"][k]
    if c is not None:
        c["words"] = re.sub(r"\d+ days", "N days", c["words"])
got.pop("tlsladder_version")
if got != want:
    print("got ", got)
    print("want", want)
    sys.exit(1)
EOF
	then ok "--summary-json demo $sc: the exact object"; else bad "--summary-json demo $sc: not the object wanted"; fi
}
trusted="{'verdict': 'trusted', 'words': \"trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'\"}"
summary tls13 0 "{'mode': 'demo', 'target': 'demo tls13', 'outcome': 'completed', 'diagnosis': ['ok'], 'exit_code': 0,
	'version': 'TLS 1.3', 'suite': 'TLS_AES_256_GCM_SHA384',
	'chains': {'server_certificate': $trusted, 'client_certificate': None}}"
summary mtls-wrong-ca 4 "{'mode': 'demo', 'target': 'demo mtls-wrong-ca', 'outcome': 'rejected-after-handshake',
	'diagnosis': ['client-cert-untrusted-issuer'], 'exit_code': 4, 'version': 'TLS 1.3', 'suite': 'TLS_AES_256_GCM_SHA384',
	'chains': {'server_certificate': $trusted, 'client_certificate': {'verdict': 'not_trusted',
	'words': \"NOT trusted: issuer 'CN=tlsladder Demo Other CA,O=tlsladder demo (DEMO ONLY)' unknown; 1 sent, no path to a trust anchor\"}}}"
summary version-mismatch 11 "{'mode': 'demo', 'target': 'demo version-mismatch', 'outcome': 'failed',
	'diagnosis': ['protocol-version-mismatch'], 'exit_code': 11, 'version': None, 'suite': None,
	'chains': {'server_certificate': None, 'client_certificate': None}}"
summary server-expired 3 "{'mode': 'demo', 'target': 'demo server-expired', 'outcome': 'completed',
	'diagnosis': ['server-cert-expired'], 'exit_code': 3, 'version': 'TLS 1.3', 'suite': 'TLS_AES_256_GCM_SHA384',
	'chains': {'server_certificate': {'verdict': 'not_trusted', 'words': 'NOT trusted: certificate 1 expired N days ago; 2 sent, path of 3 to tlsladder Demo Root CA'},
	'client_certificate': None}}"
summary tls12-rsa 0 "{'mode': 'demo', 'target': 'demo tls12-rsa', 'outcome': 'completed', 'diagnosis': ['ok'], 'exit_code': 0,
	'version': 'TLS 1.2', 'suite': 'TLS_RSA_WITH_AES_256_GCM_SHA384',
	'chains': {'server_certificate': {'verdict': 'trusted', 'words': \"trusted: 2 sent, path of 3 to tlsladder Demo Root CA, name matches 'localhost'\"}, 'client_certificate': None}}"
"$bin" demo mtls-wrong-ca --summary-json >"$tmp/sum-live"
"$bin" demo mtls-wrong-ca --json "$tmp/wrong.json" >/dev/null
expect_rc 4 "--replay --summary-json: the saved run's exit code" -- "$bin" --replay "$tmp/wrong.json" --summary-json
same "--replay --summary-json gives the live run's object" "$tmp/sum-live" "$tmp/out"

# ---------------------------------------------------------------- a real server
if have gnutls-serv; then
	if start_server gnutls-serv yes gnutls_serv --x509certfile "$certs/server-ecdsa-chain.pem" \
		--x509keyfile "$certs/server-ecdsa.key" --disable-client-cert; then
		for opts in "" "--wire" "-vv"; do
			"$bin" --text $opts --cafile "$certs/root-ca.pem" localhost -p "$port" --json "$tmp/real.json" --json-secrets \
				>"$tmp/live" 2>/dev/null
			live_rc=$?
			"$bin" --replay "$tmp/real.json" --text $opts >"$tmp/replay" 2>/dev/null
			rc=$?
			has "$tmp/live" '^  version: +TLS 1\.3' "gnutls-serv ${opts}: a TLS 1.3 handshake"
			same "gnutls-serv ${opts:-(messages)}: replay = live" "$tmp/live" "$tmp/replay"
			[ "$rc" -eq "$live_rc" ] && ok "gnutls-serv ${opts}: replay exits $rc like the live run" ||
				bad "gnutls-serv: replay exits $rc, the live run $live_rc"
		done
		valid "the real server's saved run" "$tmp/real.json"
		stop_server
	fi
else
	echo "skip gnutls-serv is not installed"
fi

# ---------------------------------------------------------------- serve: one line per connection
run_serve() {
	local p="$1"
	shift
	exec "$bin" serve "$p" --text --json "$tmp/serve.jsonl" "$@"
}
if start_server serve no run_serve; then
	for i in 1 2; do
		"$bin" --text --cafile "$certs/root-ca.pem" localhost -p "$port" >/dev/null 2>&1
	done
	for ((i = 0; i < 100; i++)); do
		[ "$(wc -l <"$tmp/serve.jsonl")" -ge 2 ] && break
		sleep 0.05
	done
	kill -INT "$srv"
	wait_exit "$srv" 5
	[ "$(wc -l <"$tmp/serve.jsonl")" -eq 2 ] && ok "serve --json: one line per connection" ||
		bad "serve --json: $(wc -l <"$tmp/serve.jsonl") lines"
	valid "serve's lines" "$tmp/serve.jsonl"
	grep -v '^tlsladder: ' "$tmp/serve.log" >"$tmp/serve-live"
	"$bin" --replay "$tmp/serve.jsonl" --text >"$tmp/replay1"
	"$bin" --replay "$tmp/serve.jsonl" --conn 2 --text >"$tmp/replay2"
	cat "$tmp/replay1" "$tmp/replay2" >"$tmp/replay"
	same "serve: the replays of connections 1 and 2 = the live ladders" "$tmp/serve-live" "$tmp/replay"
	has "$tmp/replay2" '^tlsladder serve: connection 2 \(exit code 0\)$' "--conn 2 is serve's connection 2"
	expect_rc 5 "--conn 3 of a file with two connections" -- "$bin" --replay "$tmp/serve.jsonl" --conn 3 --text
	has "$tmp/err" 'serve\.jsonl: holds no connection 3$' "... says there is none"
fi

# ---------------------------------------------------------------- the interactive replay
if have tmux; then
	sock="tlsladder-json-$$"
	T() { LANG=C.UTF-8 LC_ALL=C.UTF-8 tmux -u -L "$sock" "$@"; }
	"$bin" demo mtls-wrong-ca --json "$tmp/ui.json" >/dev/null
	T new-session -d -s ui -x 140 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TLSLADDER_DATADIR=$src $(printf '%q' "$bin") --replay $(printf '%q' "$tmp/ui.json"); echo \$? >$tmp/ui.rc; sleep 60"
	screen() { T capture-pane -p -t ui 2>/dev/null; }
	wait_screen() {
		local i
		for ((i = 0; i < 200; i++)); do screen | grep -qE -- "$1" && { ok "$2"; return 0; }; sleep 0.05; done
		bad "$2: /$1/ never appeared"; screen
	}
	wait_screen 'demo mtls-wrong-ca \(replay\)' "interactive replay: the header names the saved run"
	wait_screen 'step ([0-9]+)/\1 +FAILED' "interactive replay: the whole run, at its last step, FAILED"
	wait_screen '^ . client-cert-untrusted-issuer: The server does not trust the issuer of the client certificate' \
		"interactive replay: the diagnosis of the saved run"
	screen | grep -A1 -- '─ What is happening' | tail -1 | grep -q '[a-z]' &&
		ok "interactive replay: the explanation of the last step" || { bad "interactive replay: no explanation"; screen; }
	T send-keys -t ui p
	for ((i = 0; i < 200; i++)); do screen | grep -qE 'step ([0-9]+)/\1 ' || break; sleep 0.05; done
	screen | grep -qE 'step ([0-9]+)/([0-9]+) ' && ! screen | grep -qE 'step ([0-9]+)/\1 ' &&
		ok "interactive replay: p steps back from the last step" || { bad "interactive replay: p did not step back"; screen; }
	T send-keys -t ui q
	for ((i = 0; i < 100; i++)); do [ -s "$tmp/ui.rc" ] && break; sleep 0.05; done
	[ "$(cat "$tmp/ui.rc" 2>/dev/null)" = 4 ] && ok "interactive replay exits 4, the saved run's code" ||
		bad "interactive replay exit code $(cat "$tmp/ui.rc" 2>/dev/null)"
	# a serve file: the server's view of the connection asked for
	if [ -s "$tmp/serve.jsonl" ]; then
		T kill-session -t ui 2>/dev/null
		T new-session -d -s ui -x 160 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TLSLADDER_DATADIR=$src $(printf '%q' "$bin") --replay $(printf '%q' "$tmp/serve.jsonl") --conn 2; sleep 60"
		wait_screen 'serve 127\.0\.0\.1 port [0-9]+, connection 2 \(replay\)' "interactive replay of serve: the header names connection 2"
		wait_screen '^ +1 . note: connection 2 from 127\.0\.0\.1' "interactive replay of serve: connection 2's ladder"
		T send-keys -t ui q
	fi
	T kill-server 2>/dev/null
else
	echo "skip tmux is not installed"
fi

finish json
