#!/usr/bin/env python3
"""The text ladder against Wireshark's dissector (for tests/integration/oracle.sh).

    python3 oracle.py wait PCAP PORT STREAMS SECONDS
        Waits (at most SECONDS) until the capture file PCAP holds STREAMS TCP
        connections to PORT on which the client sent data, each closed (a FIN
        from both ends, or a RST). dumpcap hands packets to its file in
        batches, so ending it at once loses the last ones. Exit 0 when they
        are all there, 1 otherwise (with what is there).

    python3 oracle.py compare JSON PORT INDEX LADDER [KEYLOG]
        JSON is `tshark -T json -x --no-duplicate-keys` of that capture,
        decrypted with the key log; PORT the server's port; INDEX (from 0)
        which of the capture's TLS connections (in the order they began) the
        ladder LADDER (the stdout of `tlsladder --text -v`) shows. KEYLOG,
        the key log that run wrote, if given, must name the same client random
        as that connection's ClientHello.
        Per direction, the handshake messages (name and body length),
        ChangeCipherSpec records and alerts (level and description) of the
        ladder must equal those tshark decodes, in order, and every Finished's
        verify_data must be the same bytes. Exit 0 when they agree, 1 with
        what differs.

Messages the server sent after the client closed its side (its close_notify
or fatal alert, FIN or RST), or after the server's own first fatal alert, may
be missing from the ladder, since the client no longer reads then (RFC 8446
6.2: a fatal alert closes the connection at once): the ladder must show a
prefix of them. A row the ladder
itself marks as not delivered is not expected on the wire. Nothing else is
excused.

The names below are the protocol's (RFC 8446, RFC 5246), kept here rather than
taken from tlsladder, so that a wrong name in tlsladder's tables shows.
"""
import difflib
import json
import re
import struct
import sys
import time

HANDSHAKE = {
    0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket",
    5: "EndOfEarlyData", 8: "EncryptedExtensions", 11: "Certificate",
    12: "ServerKeyExchange", 13: "CertificateRequest", 14: "ServerHelloDone",
    15: "CertificateVerify", 16: "ClientKeyExchange", 20: "Finished",
    22: "CertificateStatus", 24: "KeyUpdate",
}
ALERT_LEVEL = {1: "warning", 2: "fatal"}
ALERT = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
    40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
    44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
    47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
    51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
    80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
    100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
    112: "unrecognized_name", 113: "bad_certificate_status_response",
    115: "unknown_psk_identity", 116: "certificate_required", 120: "no_application_protocol",
}
# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"

C2S, S2C = "client->server", "server->client"


# ---------------------------------------------------------------- the ladder
ROW = re.compile(r"^\s*(\d+)\s+-?[0-9.]+\s+\|(.*)\|(.*)$")
STEP = re.compile(r"^\s*\d+\s+-?[0-9.]+\s+")
VERIFY = re.compile(r"^\s+verify_data:\s+((?:[0-9a-fA-F]{2}[: ]?){12,})\s*$")
UNDELIVERED = re.compile(r"not delivered|undelivered|never (?:sent|left|delivered|reached)|not sent|unsent|not written",
                         re.IGNORECASE)


def ladder_label(body):
    """(kind, name, value) of an arrow's label: kind hs (value: body length), ccs,
    alert (value: description number), or other (a label this parser does not
    know, compared as it is)."""
    label = re.sub(r"^[^A-Za-z]+", "", re.sub(r"[^A-Za-z0-9)]+$", "", body)).strip()
    m = re.fullmatch(r"Alert (\w+) (\w+) \((\d+)\)", label)
    if m:
        return ("alert", f"Alert {m.group(1)} {m.group(2)}", int(m.group(3)))
    if label == "ChangeCipherSpec":
        return ("ccs", "ChangeCipherSpec", None)
    m = re.fullmatch(r"(\w+)\s+(\d+) B", label)
    if m:
        return ("hs", m.group(1), int(m.group(2)))
    return ("other", label, None)


def read_ladder(path):
    """Per direction, the messages the ladder draws: dicts with text, step, and for
    a Finished its verify_data (hex, or None when the ladder shows none)."""
    out = {C2S: [], S2C: []}
    undelivered = []
    last = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = ROW.match(line)
            if m:
                last = None
                body, marker = m.group(2), m.group(3)
                if body.startswith("<"):
                    way = S2C
                elif body.endswith(">"):
                    way = C2S
                else:
                    continue
                kind, name, value = ladder_label(body)
                text = describe(kind, name, value)
                if UNDELIVERED.search(marker) or UNDELIVERED.search(body):
                    undelivered.append(f"{way} step {m.group(1)}: {text}")
                    continue
                last = {"text": text, "step": int(m.group(1)), "verify": None, "finished": name == "Finished"}
                out[way].append(last)
                continue
            if STEP.match(line):
                last = None
                continue
            v = VERIFY.match(line)
            if v and last is not None and last["finished"] and last["verify"] is None:
                last["verify"] = re.sub(r"[: ]", "", v.group(1)).lower()
    return out, undelivered


def describe(kind, name, value):
    if kind == "hs":
        return f"{name} {value} B"
    if kind == "alert":
        return f"{name} ({value})"
    return name


# ---------------------------------------------------------------- tshark's view
def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def records(obj):
    """TLS records (dicts) under obj, in document order."""
    if isinstance(obj, list):
        for x in obj:
            yield from records(x)
    elif isinstance(obj, dict):
        if "tls.record.content_type" in obj or "tls.record.opaque_type" in obj:
            yield obj
            return
        for k, v in obj.items():
            if not k.endswith("_raw"):
                yield from records(v)


def record_events(rec):
    """(text, verify_data) for each message a record carries, as the ladder would name it."""
    ct = rec.get("tls.record.content_type")
    if ct is None:
        return [("record tshark could not decrypt (opaque type %s)" % rec.get("tls.record.opaque_type"), None)]
    if ct == "20":
        return [("ChangeCipherSpec", None)]
    if ct == "21":
        events = []
        for a in as_list(rec.get("tls.alert_message")):
            if not isinstance(a, dict):
                events.append(("alert tshark could not decrypt", None))
                continue
            lvl, desc = int(a["tls.alert_message.level"]), int(a["tls.alert_message.desc"])
            events.append((f"Alert {ALERT_LEVEL.get(lvl, lvl)} {ALERT.get(desc, 'unknown')} ({desc})", None))
        return events
    if ct == "22":
        events = []
        for h in as_list(rec.get("tls.handshake")):
            if not isinstance(h, dict) or "tls.handshake.type" not in h:
                events.append(("handshake message tshark could not decrypt", None))
                continue
            t = int(h["tls.handshake.type"])
            name = HANDSHAKE.get(t, f"handshake type {t}")
            if t == 2 and h.get("tls.handshake.random", "").replace(":", "").lower() == HRR_RANDOM:
                name = "HelloRetryRequest"
            vd = None
            if t == 20:
                raw = h.get("tls.handshake.verify_data_raw")
                vd = raw[0].lower() if isinstance(raw, list) and raw else ""
            events.append((f"{name} {int(h.get('tls.handshake.length', -1))} B", vd))
        return events
    return []


def layer(pkt, name):
    return pkt.get("_source", {}).get("layers", {}).get(name)


def flag(tcp, name):
    v = tcp.get(name)
    if v is None:
        v = tcp.get("tcp.flags_tree", {}).get(name)
    return v in ("1", "True", "true")


def wire_streams(packets, port):
    """The TLS connections in the capture, in the order they began: dicts with
    "hello" (the ClientHello's random, hex), "events" ([(way, text, verify_data,
    frame)]) and "closed" (the frame, counted within the connection, where the
    client closed its side, or None)."""
    streams = {}
    order = []
    for pkt in packets:
        tcp = layer(pkt, "tcp")
        if not isinstance(tcp, dict):
            continue
        sid = tcp.get("tcp.stream")
        way = S2C if tcp.get("tcp.srcport") == str(port) else C2S
        s = streams.get(sid)
        tls = layer(pkt, "tls")
        if s is None:
            if tls is None:
                continue
            s = streams[sid] = {"hello": None, "events": [], "closed": None, "n": 0}
            order.append(sid)
        s["n"] += 1
        frame = s["n"]
        for rec in records(tls):
            for text, vd in record_events(rec):
                s["events"].append((way, text, vd, frame))
                if s["hello"] is None and text.startswith("ClientHello"):
                    s["hello"] = client_random(rec)
                if way == C2S and s["closed"] is None and (text.startswith("Alert fatal") or "close_notify" in text):
                    s["closed"] = frame
        if way == C2S and s["closed"] is None and (flag(tcp, "tcp.flags.fin") or flag(tcp, "tcp.flags.reset")):
            s["closed"] = frame
    return [streams[sid] for sid in order]


def client_random(rec):
    for h in as_list(rec.get("tls.handshake")):
        if isinstance(h, dict) and "tls.handshake.random" in h:
            return h["tls.handshake.random"].replace(":", "").lower()
    return None


# ---------------------------------------------------------------- comparison
def compare_way(way, lad, wire, closed, problems):
    """Compares one direction; appends what differs to problems."""
    want = [e["text"] for e in lad]
    cut = len(wire)
    if way == S2C:
        for i, (_, text, _, frame) in enumerate(wire):
            if closed is not None and frame > closed:
                cut = i
                break
            if text.startswith("Alert fatal"):
                cut = i + 1
                break
    need = [e[1] for e in wire[:cut]]
    tail = [e[1] for e in wire[cut:]]
    excused = []
    if len(want) >= len(need) and want[:len(need)] == need:
        extra = want[len(need):]
        if extra == tail[:len(extra)]:
            excused = tail[len(extra):]
            need = need + extra
    if want != need:
        lines = [f"{way}: the ladder and the wire differ"]
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=want, b=need, autojunk=False).get_opcodes():
            if op in ("delete", "replace"):
                for e in lad[a1:a2]:
                    lines.append(f"  ladder only (step {e['step']}): {e['text']}")
            if op in ("insert", "replace"):
                for t in need[b1:b2]:
                    lines.append(f"  wire only: {t}")
        lines.append("  ladder: " + ", ".join(want))
        lines.append("  wire:   " + ", ".join(need))
        if tail:
            lines.append("  (then, after the connection closed: " + ", ".join(tail) + ")")
        problems.append("\n".join(lines))
    # Finished verify_data, the k-th Finished of the ladder against the k-th on the wire
    lf = [e for e in lad if e["finished"]]
    wf = [vd for (_, text, vd, _) in wire if text.startswith("Finished ")]
    for e, vd in zip(lf, wf):
        if e["verify"] is None:
            problems.append(f"{way}: Finished (step {e['step']}): the ladder shows no verify_data")
        elif e["verify"] != vd:
            problems.append(f"{way}: Finished (step {e['step']}): verify_data differs:\n"
                            f"  ladder: {e['verify']}\n  wire:   {vd or '(none decoded)'}")
    return len(want), excused, sum(1 for e in lf if e["verify"])


def after_post_handshake_finished(way, lad, wire):
    """Wireshark restarts the client's record sequence number at a second client Finished (a TLS 1.3
    post-handshake authentication), so it cannot decrypt the client's records that follow. Those records,
    as many as the ladder's messages after that Finished, stand for them; returns the wire with the
    ladder's names put in, and how many (0: nothing to excuse)."""
    fins = [i for i, e in enumerate(wire) if e[1].startswith("Finished ")]
    lfins = [i for i, e in enumerate(lad) if e["finished"]]
    if way != C2S or len(fins) < 2 or len(lfins) < 2:
        return wire, 0
    rest, lrest = wire[fins[1] + 1:], lad[lfins[1] + 1:]
    if not rest or len(rest) != len(lrest) or any(not e[1].startswith("record tshark could not decrypt") for e in rest):
        return wire, 0
    return wire[:fins[1] + 1] + [(w[0], le["text"], w[2], w[3]) for w, le in zip(rest, lrest)], len(rest)


def compare(argv):
    jpath, port, index, ladder = argv[0], int(argv[1]), int(argv[2]), argv[3]
    keylog = argv[4] if len(argv) > 4 else None
    with open(jpath, encoding="utf-8") as f:
        packets = json.load(f)
    streams = wire_streams(packets, port)
    if index >= len(streams):
        print(f"the capture holds {len(streams)} TLS connections; connection {index + 1} is not there")
        return 1
    s = streams[index]
    problems = []
    if keylog:
        randoms = set()
        with open(keylog, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and not line.startswith("#"):
                    randoms.add(parts[1].lower())
        if randoms and s["hello"] not in randoms:
            problems.append(f"the capture's connection {index + 1} (client random {s['hello']}) is not this run's "
                            f"(its key log names {', '.join(sorted(randoms))})")
    lad, undelivered = read_ladder(ladder)
    counts = []
    for way in (C2S, S2C):
        wire = [e for e in s["events"] if e[0] == way]
        wire, unread = after_post_handshake_finished(way, lad[way], wire)
        if unread:
            counts.append(f"{unread} record(s) after the client's post-handshake Finished that tshark cannot "
                          f"decrypt (it restarts the client's sequence number there)")
        n, excused, nv = compare_way(way, lad[way], wire, s["closed"], problems)
        counts.append(f"{way} {n}")
        if excused:
            counts.append(f"sent after the connection closed, not read: {', '.join(excused)}")
    for u in undelivered:
        counts.append(f"marked not delivered: {u}")
    nfin = sum(1 for w in (C2S, S2C) for e in lad[w] if e["finished"] and e["verify"])
    counts.append(f"{nfin} verify_data equal" if not problems else f"{nfin} verify_data in the ladder")
    print("; ".join(counts))
    for p in problems:
        print(p)
    return 1 if problems else 0


# ---------------------------------------------------------------- waiting for the capture
def pcapng_packets(data):
    """Yields the packet bytes of each Enhanced/Simple Packet Block in data
    (a pcapng file, perhaps still being written)."""
    pos, endian = 0, "<"
    while pos + 12 <= len(data):
        btype = struct.unpack_from(endian + "I", data, pos)[0]
        if btype == 0x0A0D0D0A:
            magic = data[pos + 8:pos + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack_from(endian + "I", data, pos + 4)[0]
        if blen < 12 or pos + blen > len(data):
            return
        if btype == 6 and blen >= 28:
            caplen = struct.unpack_from(endian + "I", data, pos + 20)[0]
            yield data[pos + 28:pos + 28 + caplen]
        pos += blen


def tcp_of(frame):
    """(sport, dport, flags, payload length) of an Ethernet frame, or None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack_from("!H", frame, 12)[0]
    ip = frame[14:]
    if etype == 0x0800 and len(ip) >= 20 and ip[9] == 6:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        tcp, iplen = ip[ihl:], total - ihl
    elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 6:
        tcp, iplen = ip[40:], struct.unpack_from("!H", ip, 4)[0]
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport = struct.unpack_from("!HH", tcp, 0)
    off = (tcp[12] >> 4) * 4
    return sport, dport, tcp[13], iplen - off


def capture_state(path, port):
    """{client port: {"data": bool, "fin_c", "fin_s", "rst"}}."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return {}
    conns = {}
    for frame in pcapng_packets(data):
        t = tcp_of(frame)
        if t is None:
            continue
        sport, dport, flags, plen = t
        if port not in (sport, dport):
            continue
        cport = dport if sport == port else sport
        c = conns.setdefault(cport, {"data": False, "fin_c": False, "fin_s": False, "rst": False})
        if sport == cport and plen > 0:
            c["data"] = True
        if flags & 0x04:
            c["rst"] = True
        if flags & 0x01:
            c["fin_c" if sport == cport else "fin_s"] = True
    return conns


def wait(argv):
    path, port, want, seconds = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    end = time.monotonic() + seconds
    while True:
        conns = [c for c in capture_state(path, port).values() if c["data"]]
        done = [c for c in conns if c["rst"] or (c["fin_c"] and c["fin_s"])]
        if len(done) >= want and len(done) == len(conns):
            return 0
        if time.monotonic() >= end:
            print(f"after {seconds:g} s the capture holds {len(conns)} TLS connections to port {port}, "
                  f"{len(done)} of them closed; {want} expected")
            return 1
        time.sleep(0.05)


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "wait":
        return wait(sys.argv[2:])
    if len(sys.argv) >= 6 and sys.argv[1] == "compare":
        return compare(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
