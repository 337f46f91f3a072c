#!/usr/bin/env bash
# End-to-end: the interactive ladder in a real terminal (tmux at a fixed
# size). Keys are sent, the pane is captured and checked. The exit code is
# read from a file the command writes, not from tmux's pane status.
set -u
bin="$1"
certs="${TLSLADDER_SRC:-$(dirname "$bin")}/certs"
. "$(dirname "${BASH_SOURCE[0]}")/../integration/common.bash"
sock="tlsladder-test-$$"
T() { LANG=C.UTF-8 LC_ALL=C.UTF-8 tmux -u -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; cleanup' EXIT
# a session that outlives the others: killing the last session would stop the
# tmux server, and a new session started meanwhile would race its exit
T new-session -d -s keep "sleep 600"

# every failure shows the screen
show_screen() { echo "---- screen ----"; T capture-pane -p -t ui 2>/dev/null; echo "----------------"; }
on_fail=show_screen

# start NAME COLSxROWS ENV COMMAND...: runs the command in a fresh session; its exit code goes to $tmp/NAME.rc
start() {
	local name="$1" size="$2" envs="$3"
	shift 3
	T kill-session -t ui 2>/dev/null
	rm -f "$tmp/$name.rc"
	T new-session -d -s ui -x "${size%x*}" -y "${size#*x}" \
		"env $envs $(printf '%q ' "$@"); echo \$? > $tmp/$name.rc; sleep 60"
}
# wait_for PATTERN DESCRIPTION [SECONDS]: until the screen matches (bounded)
wait_for() {
	local i limit=$(( ${3:-10} * 20 ))
	for ((i = 0; i < limit; i++)); do
		if T capture-pane -p -t ui 2>/dev/null | grep -qE -- "$1"; then ok "$2"; return 0; fi
		sleep 0.05
	done
	bad "$2: /$1/ never appeared"
	return 1
}
# absent PATTERN DESCRIPTION: the screen does not match (after a key, the
# redraw may lag on a loaded machine: waits up to 3 s for it to go)
absent() {
	local i
	for ((i = 0; i < 60; i++)); do
		T capture-pane -p -t ui | grep -qE -- "$1" || { ok "$2"; return 0; }
		sleep 0.05
	done
	bad "$2: /$1/ is on screen"
}
# gone PATTERN DESCRIPTION [SECONDS]: until the screen no longer matches
# (bounded): a key's effect shows on the next frame, not at once
gone() {
	local i limit=$(( ${3:-10} * 20 ))
	for ((i = 0; i < limit; i++)); do
		if ! T capture-pane -p -t ui 2>/dev/null | grep -qE -- "$1"; then ok "$2"; return 0; fi
		sleep 0.05
	done
	bad "$2: /$1/ is still on screen"
	return 1
}
# rc_is NAME WANT: waits (bounded) for the exit code file
rc_is() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$tmp/$1.rc" ] && break
		sleep 0.05
	done
	local rc
	rc=$(cat "$tmp/$1.rc" 2>/dev/null || echo none)
	if [ "$rc" = "$2" ]; then ok "$1 exited $2"; else bad "$1: exit code $rc, wanted $2"; fi
}
keys() { T send-keys -t ui "$@"; }

U="LANG=C.UTF-8 LC_ALL=C.UTF-8"

# --- step through mtls12 at 140x40 (TLS 1.2: flights strictly alternate, so
# the order is fixed; in TLS 1.3 the client's ChangeCipherSpec races) --------
start mtls12 140x40 "$U" "$bin" demo mtls12 --keylog "$tmp/mtls12.keys"
wait_for 'step 16/16 +DONE' "mtls12 runs to the end and says DONE"
wait_for 'tlsladder . demo mtls12 . TLS 1.2 . TLS_ECDHE_' "header names version and suite"
wait_for 'CLIENT +SERVER' "lifeline labels"
keys g
wait_for 'step 1/16' "g goes to the first step"
wait_for '─ ClientHello ─' "the first message is ClientHello"
keys n n
wait_for 'step 3/16' "n steps forward"
wait_for '─ Certificate ─' "the details show the server's Certificate"
wait_for 'server sends its certificate chain' "the explanation pane explains it"
keys Enter
wait_for 'certificates' "Enter opens the Certificate's fields"
keys Left Left Left Left
keys p
wait_for 'step 2/16' "p steps back"
keys End
wait_for 'step 16/16' "End goes to the last step"
keys k k k k k
wait_for 'step 11/16' "k moves up"
wait_for '─ Finished ─' "the client's Finished is selected"
keys Enter
wait_for 'verify_data|verify data' "the Finished opens to its verify_data"
wait_for 'verdict: MATCH' "the Finished recomputes to MATCH"
wait_for 'master secret: \(secret; not shown\)' "secrets are hidden until asked"
T capture-pane -p -t ui >"$tmp/hidden.txt"
keys s
wait_for 'secrets shown' "s shows the secrets"
wait_for 'master secret: ([0-9a-f]{4} ){9}[0-9a-f]{4}' "the master secret appears, in groups of 2 bytes"
T capture-pane -p -t ui >"$tmp/shown.txt"
keys s
wait_for 'master secret: \(secret; not shown\)' "s hides them again"
keys Left Left Left Left
wait_for 'step 11/16' "still on the client's Finished"
keys w
wait_for 'Wire: TLS records' "w switches to the wire view"
wait_for '─ handshake\(22\) 40 B ─' "... selecting the record that carries the Finished"
keys w
wait_for 'step 11/16' "w back selects the Finished again"
keys w
wait_for 'handshake\(22\) 40 B: Finished' "TLS 1.2: the encrypted Finished is a handshake record"
wait_for 'handshake\(22\) [0-9]+ B: ClientHello' "the ClientHello record says what it carries"
keys w
wait_for 'Ladder: messages' "w switches back"
keys '?'
wait_for 'tlsladder keys' "? opens the help"
wait_for 'wire view: TLS records instead of messages' "help text comes from the action table"
keys z
gone 'tlsladder keys' "any key closes the help"
keys t
wait_for 'theme: light' "t cycles to the light theme"
keys t t t
wait_for 'theme: default' "t cycles back to default"
keys g / C e r t i f i c a t e V Enter
wait_for 'found "CertificateV"' "/ finds a message by name"
wait_for 'step 9/16' "... the client's CertificateVerify"
T resize-window -t ui -x 80 -y 24
wait_for 'Ladder: messages' "resize to 80x24: the ladder alone"
gone '─ Details|Details' "narrow: the details are behind Tab"
keys Tab
wait_for '─ CertificateVerify ─' "Tab switches to the details"
T resize-window -t ui -x 50 -y 12
wait_for 'terminal too small \(need 60x16\)' "below the minimum size it says so"
T resize-window -t ui -x 140 -y 40
wait_for 'step [0-9]+/16' "back to full size"
keys q
rc_is mtls12 0
full=$(awk '/^CLIENT_RANDOM / { print $3 }' "$tmp/mtls12.keys" 2>/dev/null | head -n 1)
# the groups on the master secret's first line, spaces removed, begin the key log's master secret
ms=$(grep -oE 'master secret: ([0-9a-f]{4} ?)+' "$tmp/shown.txt" | head -n 1 | sed 's/^master secret: //; s/ //g')
if [ ${#ms} -ge 32 ] && [ "${full:0:${#ms}}" = "$ms" ]; then ok "the secret shown is the key log's master secret"; else bad "master secret '$ms' is not the key log's '$full'"; fi
# no piece of it while hidden, not even a wrapped continuation line
leak=0
for ((i = 0; i + 10 <= ${#full}; i += 6)); do
	tr -d ' \n' <"$tmp/hidden.txt" | grep -q "${full:i:10}" && leak=1
done
if [ ${#full} -eq 96 ] && [ $leak -eq 0 ]; then
	ok "no piece of the master secret on screen while hidden"
else
	bad "the master secret leaked while hidden"
fi

# --- a failure: the diagnosis banner, the d panel, the evidence ---------------
start wrongca 140x40 "$U" "$bin" demo mtls-wrong-ca
wait_for 'FAILED' "mtls-wrong-ca ends FAILED"
wait_for '✗ client-cert-untrusted-issuer: The server does not trust the issuer' "the diagnosis banner names the cause"
wait_for '─ server cert verified' "the header says whose certificate it verified (the server's), beside the client-certificate banner"
absent '─ verified' "no bare 'verified' in the header"
wait_for '^ +[0-9]+!│◀═+ CertificateRequest' "the CertificateRequest is marked as evidence"
wait_for '^ +[0-9]+!│◀═+ Alert fatal bad_certificate' "the alert is marked as evidence"
keys d
wait_for 'Diagnosis \(any key closes this\)' "d opens the diagnosis panel"
wait_for 'fix: If .CN=tlsladder Demo Other CA,O=tlsladder demo \(DEMO ONLY\). is an intermediate below' "the panel gives the fix"
wait_for 'evidence: step [0-9]+, [0-9]+, [0-9]+' "the panel lists the evidence steps"
keys z
gone 'Diagnosis \(any key' "any key closes it"
wait_for '─ CertificateRequest ─' "d jumped to the first piece of evidence"
keys q
rc_is wrongca 4

# --- ASCII when the locale is not UTF-8 ---------------------------------------
start ascii 120x30 "LANG=C LC_ALL=C" "$bin" demo tls12-rsa
wait_for 'DONE' "tls12-rsa in the C locale"
wait_for '\|-+ ClientHello 1[0-9]+ B -+>\|' "ASCII arrows"
wait_for '\|=+ Finished 12 B =+>\| enc' "encrypted Finished drawn with ="
keys q
rc_is ascii 0

# --- step-gated mode: pause, go, quit mid-handshake --------------------------
start step 120x30 "$U" "$bin" demo tls13 --step
wait_for 'the client is about to send ClientHello' "--step: the client waits before its first flight"
wait_for 'WAITING' "status says WAITING"
absent 'ClientHello [0-9]+ B' "nothing was sent yet"
keys Space
wait_for 'ClientHello [0-9]+ B' "Space lets the ClientHello go"
wait_for 'the server is about to send ServerHello' "then the server waits"
keys Space
wait_for 'the client is about to send ChangeCipherSpec' "TLS 1.3: the client's ChangeCipherSpec waits too"
keys Space
wait_for 'the client is about to send Finished' "then the client's Finished"
keys Space
wait_for 'step [0-9]+/[0-9]+ +DONE' "the handshake completes one flight at a time"
keys q
rc_is step 0

start step2 120x30 "$U" "$bin" demo tls13 --step
wait_for 'the client is about to send ClientHello' "--step again"
keys Space
wait_for 'the server is about to send ServerHello' "the server waits"
keys q
rc_is step2 8

# --- a real server: the client's ladder against gnutls-serv on loopback ------
start_server gserv yes gnutls_serv --x509certfile "$certs/server-ecdsa-chain.pem" \
	--x509keyfile "$certs/server-ecdsa.key" --disable-client-cert
start real 120x30 "$U" "$bin" --cafile "$certs/root-ca.pem" localhost -p "$port"
wait_for 'step [0-9]+/[0-9]+ +DONE' "client against gnutls-serv: DONE"
wait_for 'localhost port [0-9]+ . TLS 1.3 . TLS_' "client: the header names the target, version and suite"
wait_for 'verified' "client: the server certificate is verified"
keys q
rc_is real 0
stop_server

# --- a TLS 1.0 server: the legacy-protocol warning is a warning (!), exit 0 ---
start_server gserv10 yes gnutls_serv --x509certfile "$certs/server-rsa-chain.pem" \
	--x509keyfile "$certs/server-rsa.key" --disable-client-cert --priority NORMAL:-VERS-ALL:+VERS-TLS1.0
start legacy 160x30 "$U" "$bin" --cafile "$certs/root-ca.pem" localhost -p "$port"
wait_for 'step [0-9]+/[0-9]+ +DONE' "client against a TLS 1.0 server: DONE"
wait_for '^ ! legacy-protocol: Warning: the handshake completed and verified, but with TLS 1\.0' \
	"TLS 1.0 server: the banner is a warning (!), not a failure"
wait_for '─ TLS 1\.0 ─ .* ─ server cert verified' "TLS 1.0 server: the header says the server's certificate verified"
keys q
rc_is legacy 0
stop_server

# --- quit mid-handshake against a silent server (q unblocks the capture) ------
start_fake silent
start silent 120x30 "$U" "$bin" --timeout 20 --cafile "$certs/root-ca.pem" 127.0.0.1 -p "$fport"
wait_for 'LIVE' "client waits for a silent server (LIVE)"
wait_for 'connecting to 127.0.0.1 port' "it says where it is connecting"
keys q
rc_is silent 8
stop_server "$fpid"

# --- server mode: one connection at a time, [ and ] switch -----------------
sport=$(free_port)
start serve 140x40 "$U" "$bin" serve "$sport" --require-client-cert
wait_for 'listening on 127.0.0.1 port' "serve: listening"
for ((i = 0; i < 2; i++)); do
	"$bin" --text --cafile "$certs/root-ca.pem" --cert "$certs/client-chain.pem" --key "$certs/client.key" localhost -p "$sport" \
		>"$tmp/c$i.out" 2>&1 </dev/null
done
wait_for 'connection 2 of 2' "serve: the newest connection is shown"
wait_for 'Certificate 1041 B' "serve: the client's certificate is on the ladder"
keys '['
wait_for 'connection 1 of 2' "[ goes to the previous connection"
keys ']'
wait_for 'connection 2 of 2' "] goes to the next one"
keys q
rc_is serve 0

# --- server mode keeps the last --keep connections in full --------------------
sport=$(free_port)
start servekeep 140x40 "$U" "$bin" serve "$sport" --keep 2
wait_for 'listening on 127.0.0.1 port' "serve --keep 2: listening"
for ((i = 0; i < 3; i++)); do
	"$bin" --text --cafile "$certs/root-ca.pem" localhost -p "$sport" >"$tmp/k$i.out" 2>&1 </dev/null
done
wait_for 'connection 3 of 3' "serve --keep 2: the newest of 3 is shown"
keys '['
wait_for 'connection 2 of 3' "[ goes to connection 2, kept"
wait_for 'connection 2 from 127.0.0.1' "its ladder is its own"
keys '['
wait_for 'connection 1 and older are no longer kept \(--keep 2\)' "connection 1 is no longer kept, and the status line says so"
keys ']'
wait_for 'connection 3 of 3' "] goes back to the newest"
keys q
rc_is servekeep 0

# --- serve --step: one handshake at the gate, the next waits its turn ----------
sport=$(free_port)
start servestep 140x40 "$U" "$bin" serve "$sport" --step --timeout 30
wait_for 'listening on 127.0.0.1 port' "serve --step: listening"
"$bin" --text --timeout 30 --cafile "$certs/root-ca.pem" localhost -p "$sport" >"$tmp/s1.out" 2>&1 </dev/null &
c1=$!
wait_for 'the server is about to send ServerHello: Space lets it go' "the first client's handshake waits at the gate"
"$bin" --text --timeout 30 --cafile "$certs/root-ca.pem" localhost -p "$sport" >"$tmp/s2.out" 2>&1 </dev/null &
c2=$!
wait_for 'connection 2 of 2 ─ 2 in flight' "the second connection waits its turn"
for ((i = 0; i < 12; i++)); do keys Space; sleep 0.3; kill -0 "$c2" 2>/dev/null || break; done
wait "$c1"; r1=$?
wait "$c2"; r2=$?
if [ "$r1" = 0 ] && [ "$r2" = 0 ]; then ok "both clients were served, one after the other (exit 0, 0)"
else bad "serve --step: clients exited $r1 and $r2"; cat "$tmp/s1.out" "$tmp/s2.out"; fi
keys q
rc_is servestep 0

# --- server mode: a connection beyond --max-conns is refused, and said so -------
sport=$(free_port)
start servecap 140x40 "$U" "$bin" serve "$sport" --max-conns 1 --timeout 120
wait_for 'listening on 127.0.0.1 port' "serve --max-conns 1: listening"
python3 -c "import socket, time; s = socket.create_connection(('127.0.0.1', $sport)); time.sleep(120)" &
idle=$!
pids+=("$idle")
wait_for '1 in flight' "the silent connection is in flight"
"$bin" --text --timeout 3 --cafile "$certs/root-ca.pem" localhost -p "$sport" >"$tmp/r.out" 2>&1 </dev/null
wait_for 'connection 2 from 127\.0\.0\.1 port [0-9]+ refused: 1 connection is in flight, the most allowed \(--max-conns 1\)' \
	"the refusal and its reason are on the status line"
wait_for 'connection 1 of 2 ─ 1 in flight ─ 1 refused' "the header counts it"
keys q
rc_is servecap 8
stop_server "$idle"

# --- a bad theme file: file:line message, default theme, no crash -----------
printf 'color header red default\ncolour arrow blue default\n' >"$tmp/bad.theme"
start badtheme 120x30 "$U" "$bin" demo tls13 --theme "$tmp/bad.theme"
wait_for 'bad.theme:2: unknown command "colour"' "bad theme: file:line: message"
wait_for 'DONE' "the demo still runs"
keys q
rc_is badtheme 0

# --- NO_COLOR --------------------------------------------------------------
start nocolor 120x30 "$U NO_COLOR=1" "$bin" demo hrr --wire
wait_for 'Wire: TLS records' "--wire opens the wire view"
keys w
wait_for 'HelloRetryRequest' "NO_COLOR: the ladder draws"
keys w
wait_for 'application_data\(23\) [0-9]+ B: Certificate' "TLS 1.3: the Certificate travels as application_data"
keys q
rc_is nocolor 0

# --- the byte view: x shows the message's bytes; the cursor and the fields follow each other ---
start bytes 80x24 "$U" "$bin" demo tls13
wait_for 'step [0-9]+/[0-9]+ +DONE' "tls13 for the byte view"
keys g n
wait_for 'step 2/[0-9]+' "the second step: the ServerHello"
keys Enter
wait_for '─ ServerHello ─' "Enter opens its fields"
wait_for 'legacy_version: TLS 1.2' "... from the legacy version on"
keys j
keys x
wait_for '─ Bytes: ServerHello, 122 B = 4 header \+ 118 body ─' "x opens the byte view, the message framed with its header"
wait_for '^ random: bytes 6\.\.37 \(32 B\)$' "the random's bytes are highlighted and named"
wait_for '^ 0000  0200 0076 0303 ' "the first bytes are the header: ServerHello (02), length 118 (000076)"
keys h h h
wait_for '^ handshake header/length: bytes 1\.\.3 \(3 B\)$' "the byte cursor moved left from byte 6 to 3: the header's length field"
keys k
wait_for '^ handshake header/msg_type: byte 0 \(1 B\)$' "up a line: clamped at byte 0, the message type"
keys l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l l
wait_for '^ session id/hex: bytes 39\.\.70 \(32 B\)$' "moving the byte cursor right selects the session id's bytes"
keys Tab j
wait_for '^ cipher suite: bytes 71\.\.72 \(2 B\)$' "Tab, then j in the fields: the highlight moves to the cipher suite"
keys x
gone '─ Bytes: ' "x closes the byte view"
keys q
rc_is bytes 0

# --- the byte view of a record (wire view): its bytes as they travelled, named by its framing ---
start recbytes 100x30 "$U" "$bin" demo tls13
wait_for 'step [0-9]+/[0-9]+ +DONE' "tls13 for the record byte view"
keys w
wait_for '─ Wire: TLS records ─' "w: the records"
keys / E n c r y p t e d E x t Enter
wait_for 'application_data\(23\) 29 B: EncryptedEx' "the record carrying EncryptedExtensions is found"
keys x
wait_for '─ Bytes: a record, 34 B = 5 header \+ 29 payload ─' "x: the record's 34 bytes, 5 of header and 29 of payload"
wait_for '^ 0000  1703 0300 1d' "its first bytes are the header: application_data (17), 0303, length 29 (001d)"
wait_for '^ content type: byte 0 \(1 B\)$' "the cursor starts on the content type"
keys l l l l l l
wait_for '^ framing/ciphertext/content: bytes 5\.\.16 \(12 B\)$' "byte 6: the encrypted content (8 B body and its 4 B header)"
keys l l l l l l l l l l l l
wait_for '^ framing/tag: bytes 18\.\.33 \(16 B\)$' "byte 18 on: the 16-byte tag"
keys q
rc_is recbytes 0
# --- --step: the user's time at the gate is nobody's silence ------------------
# (each Space comes 1.5 s after the gate closed: the peer's "no answer for 1 s"
# must not count it; the selection lands on the first message of the flight
# let go, so step numbers are the messages' own; --timeout 2 does not run
# while the user decides)
start steptime 120x30 "$U" "$bin" demo tls13 --step --timeout 2
wait_for 'the client is about to send ClientHello' "--step --timeout 2: the client waits"
sleep 1.5
keys Space
wait_for 'step 1/1 +WAITING' "after Space: ClientHello is step 1 of 1, selected"
wait_for 'the server is about to send ServerHello' "the server waits"
sleep 1.5
keys Space
wait_for 'the client is about to send ChangeCipherSpec' "the server's flight went"
wait_for 'step 2/9 +WAITING' "the selection is on ServerHello, the first message of the flight, step 2 of 9"
wait_for '─ ServerHello ─' "the details show ServerHello"
absent 'no answer for 1 s' "no 'waiting for ...: no answer for 1 s' row for the time at the gate"
sleep 1.5
keys Space
wait_for 'the client is about to send Finished' "the client's ChangeCipherSpec went"
keys Space
wait_for 'step 11/13 +DONE' "4.5 s at the gate with --timeout 2: the run ends DONE, on the client's Finished"
keys q
rc_is steptime 0

# --- --play: one step every 0.5 s from the first; Space pauses and resumes ----
start play 120x30 "$U" "$bin" demo tls13 --play 0.5
wait_for 'step 1/13 +PLAYING +DONE' "--play 0.5 starts at the first step, PLAYING"
wait_for '^ Space pause  n next' "the status bar says what Space does while playing: pause"
t0=$(date +%s%N)
wait_for 'step 4/13 +PLAYING' "three periods later: step 4" 6
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$ms" -ge 950 ] && [ "$ms" -le 5000 ]; then ok "step 1 to step 4 took $ms ms (3 periods of 500 ms, the first partly gone)"
else bad "step 1 to step 4 took $ms ms, not 1000-1500"; fi
keys Space
wait_for 'step [0-9]+/13 +PAUSED +DONE' "Space pauses: PAUSED"
wait_for '^ Space play  n next' "... and the status bar says Space plays again"
n=$(T capture-pane -p -t ui | grep -oE 'step [0-9]+/13 +PAUSED' | grep -oE '[0-9]+' | head -1)
sleep 1.6
wait_for "step $n/13 +PAUSED" "1.6 s paused: still step $n" 1
keys Space
wait_for "step $((n + 1))/13 +PLAYING" "Space resumes: step $((n + 1)) after one period"
wait_for 'step 13/13 +PLAYING' "autoplay walks to the last step" 10
keys q
rc_is play 0

start playstep 120x30 "$U" "$bin" demo tls13 --play 0.3 --step
wait_for 'step 1/1 +PLAYING +WAITING' "--play --step: autoplay lets ClientHello go"
wait_for 'step 2/9 +PLAYING +WAITING' "... then the server's flight, landing on ServerHello" 4
wait_for 'step 13/13 +PLAYING +DONE' "... and walks the run to its end" 15
absent 'no answer for 1 s' "no waiting notes"
keys q
rc_is playstep 0
"$bin" demo tls12-rsa --json "$tmp/play.json" --text >/dev/null 2>&1
start playreplay 120x30 "$U" "$bin" --replay "$tmp/play.json" --play 0.2 --quiz
wait_for '^   1 │─+ \? ─+▶│' "--replay --quiz --play: the first message hidden"
wait_for '^   1 │─+ ClientHello 141 B ─+▶│' "... autoplay reveals it"
wait_for 'quiz: that was all; the whole run is shown' "... and plays the quiz to its end" 20
wait_for 'step 12/12 +PLAYING +DONE' "... every row shown"
keys q
rc_is playreplay 0
expect_rc 2 "--play 0.05 is refused" -- "$bin" demo tls13 --play 0.05
if grep -qx 'tlsladder: --play must be a number of seconds from 0.1 to 3600 (such as 1.5), not "0.05"' "$tmp/err"; then
	ok "--play out of range: one line"; else bad "--play out of range: $(cat "$tmp/err")"; fi

# --- --quiz: one flight at a time, "?" until Space, the file's questions -------
start quiz 120x30 "$U" "$bin" demo tls13 --quiz
wait_for '^   1 │─+ \? ─+▶│' "--quiz: the first message is drawn as ?"
wait_for 'What comes next\? The client sends its next flight' "the explanation pane asks what comes next"
wait_for 'hidden until the answer' "its fields are hidden"
absent 'ClientHello|TLS 1\.3|x25519' "no name, no summary in the header"
wait_for 'step 1/1 ' "one row shown"
wait_for '^ Space reveal  n next' "the status bar says Space reveals"
absent 'w wire|/ find|d diagnosis' "... and offers no wire view, search or diagnosis during the quiz"
keys Space
wait_for '^   1 │─+ ClientHello 316 B ─+▶│' "Space reveals the name"
wait_for 'Answer: ClientHello\.' "... and the pane gives the answer, then the explanation"
wait_for '^ Space go on  n next' "once the answer shows, Space goes on"
keys Space
wait_for '^   2 │◀─+ \? ─+│' "the server's flight: ServerHello hidden"
wait_for 'What will the server answer with\?' "the quiz file's question at ServerHello comes first"
keys a
wait_for 'Answer: One key share, x25519' "a reveals the file's answer; the row stays hidden"
wait_for '^   2 │◀─+ \? ─+│' "... still ?"
keys Space
wait_for 'What comes next\? The server sends its next flight' "then the automatic question"
keys Space
wait_for '^   2 │◀─+ ServerHello 118 B' "Space names ServerHello"
keys w
wait_for 'quiz: the wire view, search and diagnosis open once every message is revealed' "no wire view during the quiz"
# the pane wraps its text: look at the screen as one line
joined() { T capture-pane -p -t ui | tr '\n' ' ' | tr -s ' '; }
# Space until the at: end answer shows (about 20 presses; bounded)
for ((i = 0; i < 40; i++)); do
	joined | grep -q 'Answer: One: ClientHello out' && break
	keys Space
	sleep 0.15
done
if joined | grep -q 'How many round trips did this handshake take .* Answer: One: ClientHello out'; then
	ok "the at: end question and its answer come last (after $i presses)"
else bad "the at: end answer never showed"; show_screen; fi
wait_for 'step 13/13 ' "by then every row is shown"
keys Space
wait_for 'quiz: that was all; the whole run is shown' "the quiz ends"
wait_for 'TLS 1\.3 ─ TLS_AES_256_GCM_SHA384' "the header's summary is back"
wait_for 'step [0-9]+/13 ' "all 13 rows are shown"
keys q
rc_is quiz 0
printf 'at: server Certificate\nq: Why?\n\n' >"$tmp/bad.quiz"
expect_rc 5 "--quiz-file with a q: without a:" -- "$bin" demo tls13 --quiz-file "$tmp/bad.quiz"
if grep -qx "tlsladder: $tmp/bad.quiz:2: q: without a:" "$tmp/err"; then ok "FILE:LINE: why, one line"
else bad "bad quiz file: $(cat "$tmp/err")"; fi

# --- 80x24, as a new user first sees it: the screen fits what it shows ------
start small 80x24 "$U" "$bin" demo tls13
wait_for 'step 13/13 +DONE' "80x24: the demo runs to the end"
wait_for ' \? help +q quit +step 13/13 +DONE$' "80x24: the status bar keeps ? help and q quit beside the step and DONE"
wait_for '^ n next +p prev +Enter open +d diagnosis +\? help' "80x24: the hints of least use are dropped first"
keys '?'
wait_for 'tlsladder keys' "? opens the help"
keys q
gone 'tlsladder keys' "q in the help closes the help"
wait_for 'Ladder: messages' "... the ladder is back"
sleep 0.3
if [ ! -e "$tmp/small.rc" ]; then ok "... and the program still runs"; else bad "q in the help quit the program"; fi
keys g
wait_for '─ What is happening ─+ ▼ more: J ─' "a long explanation says there is more below"
absent 'many sites\.' "... its end is not on screen yet"
keys J
wait_for '^  extension, so that one address can host many sites\.$' "J scrolls the explanation to its end"
wait_for '─ What is happening ─+ ▲ K ─' "... the title says there is more above, nothing more below"
keys K
wait_for '^  The client opens the handshake by listing what it can do' "K scrolls back to the start"
gone '▲ K' "... and the mark above goes"
keys n p J
wait_for 'many sites\.$' "J scrolls the message selected by the keys before it"
keys n
wait_for 'step 2/13' "n: the next message"
keys p
wait_for '^  The client opens the handshake' "... and back: its explanation starts at its top again"
keys q
rc_is small 0

start step80 80x24 "$U" "$bin" demo tls13 --step
wait_for '^ tlsladder ─ [^ ]+…[^ ]+  the client is about to send ClientHello: Space lets it go$' \
	"80x24 --step: the target makes room for what waits, elided in the middle, not cut under it"
keys q
rc_is step80 8

start wide 120x40 "$U" "$bin" demo tls13 --step
wait_for 'WAITING' "120x40: the step gate waits"
wait_for '^ Space send  n next  p prev  Enter open  w wire  / find  d diagnosis  t theme  \? help  q quit +step' \
	"120x40: every hint shows"
keys q
rc_is wide 8

# the diagnosis panel (d) at 80x24: a clean box from the top line to the status bar
start diag80 80x24 "$U" "$bin" demo mtls-wrong-ca
wait_for 'step [0-9]+/[0-9]+ +FAILED' "80x24: mtls-wrong-ca ends FAILED"
keys d
wait_for '^┌─ Diagnosis \(any key closes this\) ─+┐$' "d opens the diagnosis in a box under the top line"
T capture-pane -p -t ui >"$tmp/diag80.txt"
inside=$(sed -n '3,22p' "$tmp/diag80.txt" | LC_ALL=C.UTF-8 grep -cvE '^│.{78}│$')
if [ "$inside" = 0 ] && sed -n 23p "$tmp/diag80.txt" | grep -qE '^└─+┘$'; then
	ok "... every row of it is inside the frame, nothing of the ladder or the explanation left over"
else bad "the diagnosis panel is not a clean frame:"; cat "$tmp/diag80.txt"; fi
wait_for '^│  fix: If .CN=tlsladder Demo Other CA' "... the fix inside it"
keys q
gone 'Diagnosis \(any key' "q closes the diagnosis panel"
sleep 0.3
if [ ! -e "$tmp/diag80.rc" ]; then ok "... and only the panel"; else bad "q in the diagnosis panel quit the program"; fi
keys q
rc_is diag80 4

# the classroom theme paints every cell: blank cells far right are black too
start classroom 80x24 "$U" "$bin" demo tls13 --theme classroom
wait_for 'step 13/13 +DONE' "80x24: the classroom theme"
T capture-pane -p -e -N -t ui >"$tmp/classroom.txt"
for row in 17 23; do
	line=$(sed -n "${row}p" "$tmp/classroom.txt")
	if [[ $line =~ $'\e'\[([0-9\;]*)m(\ +)$ ]] && [ "${BASH_REMATCH[1]}" = 40 ] && [ ${#BASH_REMATCH[2]} -ge 5 ]; then
		ok "classroom: the blank cells at the right end of row $row have the black background"
	else
		bad "classroom: row $row ends without the theme's background: $(printf '%q' "${line: -40}")"
	fi
done
keys q
rc_is classroom 0

# names, paths and labels too long for their place say so (…), no word cut unseen
mkdir -p "$tmp/a-rather-long-directory-name-for-captures/another-level"
cap_file="$tmp/a-rather-long-directory-name-for-captures/another-level/classroom-session-monday.pcapng"
"$bin" demo tls13 --text --pcap "$cap_file" >/dev/null 2>&1 </dev/null
start longpath 80x24 "$U" "$bin" --replay "$cap_file"
wait_for 'step [0-9]+/[0-9]+ +DONE' "80x24: a capture under a long path"
wait_for '^ tlsladder ─ /tmp[^ ]*…[^ ]*day\.pcapng, connection 1 \(capture\) ─ TLS 1\.3 ─ …$' \
	"the title bar keeps the path's start and its file name, elided in the middle, and leaves out whole words with …"
keys q
rc_is longpath 0
start longnames 80x24 "$U" "$bin" demo mtls-missing-intermediate
wait_for 'step [0-9]+/[0-9]+ +FAILED' "80x24: mtls-missing-intermediate"
wait_for '^ tlsladder ─ demo mtls-missing-intermediate ─ TLS 1\.3 ─ …$' \
	"a title bar too long ends in … after a whole word"
wait_for "^ ✗ client-cert-chain-incomplete: The certificate file holds only 'CN=Demo Clien…$" "the banner ends in …"
wait_for "^ +[0-9]+ ● note: the certificate's issuer 'CN=tlsladder Demo Intermediate CA,O=tls…$" "a note too long for its row ends in …"
keys q
rc_is longnames 4
start wirelabels 100x30 "$U" "$bin" demo tls13 --wire
wait_for 'step 13/13 +DONE' "100x30: the wire view beside the details"
wait_for '^ +[0-9]+ │◀ application_data\(23\) [0-9]+ B: [A-Za-z]+… ═│ enc' "a wire label too long for its arrow ends in …"
keys q
rc_is wirelabels 0

# long hex in the details at 80x24: groups of 2 bytes, wrapped between groups only
start hex80 80x24 "$U" "$bin" demo tls13
wait_for 'step 13/13 +DONE' "80x24: hex in the details"
keys g Enter
wait_for '^   random: ([0-9a-f]{4} )+[0-9a-f]{4}$' "the ClientHello's random, in groups of 2 bytes"
T capture-pane -p -t ui >"$tmp/hex80.txt"
next=$(grep -A1 -E '^   random: ' "$tmp/hex80.txt" | tail -n 1)
if [[ $next =~ ^\ {5}([0-9a-f]{4}\ )*[0-9a-f]{4}$ ]]; then ok "... its next line goes on with whole groups, under the value"
else bad "the random's continuation is not whole groups: '$next'"; fi
keys Left g / F i n i s h e d Enter
wait_for 'found "Finished"' "the server's Finished"
keys Enter
wait_for '^     verify_data: ([0-9a-f]{4} )+[0-9a-f]{4}$' "the Finished check's verify_data in groups of 2 bytes"
T capture-pane -p -t ui >"$tmp/hex80.txt"
bad_lines=0
for label in verify_data 'transcript hash'; do
	next=$(grep -A1 -E "^ +(▾ )?$label: " "$tmp/hex80.txt" | tail -n 1)
	[[ $next =~ ^\ +([0-9a-f]{4}\ )*[0-9a-f]{4}$ ]] || { bad_lines=1; echo "not whole groups after $label: '$next'"; }
done
if [ $bad_lines = 0 ]; then ok "verify_data and the transcript hash wrap between groups, never inside one"
else bad "hex wrapped inside a group"; fi
keys q
rc_is hex80 0

# the Finished check opens expanded, its MATCH and values in sight, also after Left closed it
start fin80 80x24 "$U" "$bin" demo tls12-ecdhe
wait_for 'step [0-9]+/[0-9]+ +DONE' "80x24: tls12-ecdhe"
keys g / F i n i s h e d Enter
wait_for 'found "Finished"' "the client's Finished"
keys Enter
wait_for '^ ▾ Finished check: MATCH$' "Enter: the Finished check is open"
wait_for '^     verify_data: ([0-9a-f]{4} ){5}[0-9a-f]{4}$' "... its verify_data in sight without another key"
keys Left
wait_for '^ ▸ Finished check: MATCH$' "Left on it closes it"
keys Left
wait_for 'Ladder: messages' "Left again: back to the ladder"
keys Enter
wait_for '^ ▾ Finished check: MATCH$' "opening the message again shows the check open again"
wait_for '^     verify_data: ([0-9a-f]{4} ){5}[0-9a-f]{4}$' "... with its values"
keys q
rc_is fin80 0
start fin120 120x40 "$U" "$bin" demo tls12-ecdhe
wait_for 'step [0-9]+/[0-9]+ +DONE' "120x40: tls12-ecdhe"
keys g / F i n i s h e d Enter
wait_for '│ ▾ Finished check: MATCH$' "120x40: selecting a Finished shows its check open beside the ladder"
wait_for '│     verdict: MATCH' "... down to its verdict"
keys q
rc_is fin120 0

finish tmux
