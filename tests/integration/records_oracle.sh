#!/usr/bin/env bash
# An independent witness for what each record carries: Wireshark's
# dissector. For demo scenarios, `--text --wire` names what each record
# carries (decrypted by tlsladder with the keys it derived from the key
# log), and `--pcap` writes the same run with its key log inside; tshark
# decrypts that file with its own code. Per direction, the sequence of
# handshake messages, ChangeCipherSpec, alerts and application data the
# ladder names must equal what tshark decrypts, record by record.
# Needs tshark (Debian package tshark) and python3; skipped without them.
set -u
bin="$1"
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"

if ! have tshark || ! have python3; then
	echo "skip records_oracle: tshark or python3 is not installed (Debian package tshark)"
	finish records_oracle
	exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare LADDER TSHARK: python prints "same N" or what differs
compare() {
	python3 - "$1" "$2" <<'EOF'
import re, sys
hs = {"HelloRequest": 0, "ClientHello": 1, "ServerHello": 2, "HelloRetryRequest": 2, "NewSessionTicket": 4,
      "EndOfEarlyData": 5, "EncryptedExtensions": 8, "Certificate": 11, "ServerKeyExchange": 12,
      "CertificateRequest": 13, "ServerHelloDone": 14, "CertificateVerify": 15, "ClientKeyExchange": 16,
      "Finished": 20, "KeyUpdate": 24}
ladder = {"c": [], "s": []}
for line in open(sys.argv[1]):
    m = re.match(r"^ +\d+ +[\d.]+  \|(.*)\|.*? = (.*)$", line.rstrip("\n"))
    if not m:
        continue
    d = "s" if m.group(1).lstrip().startswith("<") else "c"
    for item in m.group(2).split(", "):
        if item.startswith("Alert "):
            ladder[d].append("alert")
        elif item.startswith("application data"):
            ladder[d].append("app")
        elif item == "ChangeCipherSpec":
            ladder[d].append("ccs")
        else:
            ladder[d].append("hs%d" % hs[item.split(" ")[0]])
wire = {"c": [], "s": []}
client_port = None
for line in open(sys.argv[2]):
    port, ctypes, htypes = (line.rstrip("\n").split("|") + ["", "", ""])[:3]
    if not ctypes:
        continue
    if client_port is None:
        client_port = port           # the first record is the client's ClientHello
    d = "c" if port == client_port else "s"
    hts = [h for h in htypes.split(",") if h]
    for ct in ctypes.split(","):
        if ct == "22":
            wire[d].append("hs" + hts.pop(0) if hts else "hs?")
        elif ct == "20":
            wire[d].append("ccs")
        elif ct == "21":
            wire[d].append("alert")
        elif ct == "23":
            wire[d].append("app")
ok = True
for d in "cs":
    if ladder[d] != wire[d]:
        ok = False
        print("differ (%s): ladder %s, tshark %s" % ("client" if d == "c" else "server", ladder[d], wire[d]))
if ok:
    print("same %d" % (len(ladder["c"]) + len(ladder["s"])))
EOF
}

for sc in tls13 tls12-ecdhe mtls13 key-update hrr; do
	"$bin" demo "$sc" --text --wire --pcap "$tmp/$sc.pcapng" >"$tmp/ladder" 2>&1
	tshark -r "$tmp/$sc.pcapng" -Y tls -T fields -E separator='|' -E aggregator=',' \
		-e tcp.srcport -e tls.record.content_type -e tls.handshake.type >"$tmp/tshark" 2>/dev/null
	out=$(compare "$tmp/ladder" "$tmp/tshark")
	case "$out" in
	same\ [1-9]*) ok "demo $sc: each record carries what tshark decrypts from it ($out items)" ;;
	*) bad "demo $sc: the records' contents differ from tshark's: $out"; cat "$tmp/ladder" "$tmp/tshark" ;;
	esac
done
finish records_oracle
