#!/usr/bin/env python3
"""Checks a --resume run's JSON (tlsladder --json FILE) on its own, with a
parser of its own: what connection 2's ClientHello offered is what
connection 1's server issued.

  resume_check.py FILE ticket13   the pre_shared_key identity equals the ticket
                                  of a TLS 1.3 NewSessionTicket of connection 1;
                                  prints "nst=N age_ms=A elapsed_ms=E" where
                                  age = obfuscated_ticket_age - ticket_age_add
                                  mod 2^32 and E the timeline's time between
  resume_check.py FILE ticket12   the SessionTicket extension carries the
                                  ticket of connection 1's NewSessionTicket
  resume_check.py FILE sid        the ClientHello's session_id equals
                                  connection 1's ServerHello's (non-empty)
Exit 0 when it holds, 1 (with the reason) when not.
"""
import json
import sys


def u(b, i, n):
    return int.from_bytes(b[i:i + n], "big")


def hello_parts(body, client):
    """(session_id, {ext type: data}) of a ClientHello or ServerHello body."""
    i = 2 + 32
    sid = body[i + 1:i + 1 + body[i]]
    i += 1 + body[i]
    if client:
        i += 2 + u(body, i, 2)          # cipher suites
        i += 1 + body[i]                # compression methods
    else:
        i += 3                          # cipher suite, compression
    exts = {}
    if i + 2 <= len(body):
        end = i + 2 + u(body, i, 2)
        i += 2
        while i + 4 <= end:
            t, n = u(body, i, 2), u(body, i + 2, 2)
            exts[t] = body[i + 4:i + 4 + n]
            i += 4 + n
    return sid, exts


def nst13(body):
    """(lifetime, age_add, ticket) of a TLS 1.3 NewSessionTicket body."""
    nonce = body[8]
    i = 9 + nonce
    return u(body, 0, 4), u(body, 4, 4), body[i + 2:i + 2 + u(body, i, 2)]


def main():
    doc = json.load(open(sys.argv[1]))
    kind = sys.argv[2]
    hs = [e for e in doc["events"] if e["kind"] == "handshake"]
    ch = [e for e in hs if e["conn"] == 1 and e["hs_type"] == 1]
    nsts = [e for e in hs if e["conn"] == 0 and e["hs_type"] == 4]
    sh1 = [e for e in hs if e["conn"] == 0 and e["hs_type"] == 2]
    if not ch:
        sys.exit("no ClientHello in connection 2")
    body = bytes.fromhex(ch[0]["body"])
    sid, exts = hello_parts(body, True)
    if kind == "ticket13":
        psk = exts.get(41)
        if psk is None:
            sys.exit("the ClientHello has no pre_shared_key")
        ident = psk[4:4 + u(psk, 2, 2)]
        obf = u(psk, 4 + len(ident), 4)
        for n, e in enumerate(nsts, 1):
            life, add, ticket = nst13(bytes.fromhex(e["body"]))
            if ticket == ident:
                age = (obf - add) % 2**32
                elapsed = (ch[0]["t_us"] - e["t_us"]) / 1000.0
                print("nst=%d age_ms=%d elapsed_ms=%.3f lifetime=%d" % (n, age, elapsed, life))
                return
        sys.exit("the PSK identity is none of connection 1's tickets")
    if kind == "ticket12":
        t = exts.get(35)
        for n, e in enumerate(nsts, 1):
            b = bytes.fromhex(e["body"])
            if t and b[6:6 + u(b, 4, 2)] == t:
                print("nst=%d" % n)
                return
        sys.exit("the SessionTicket extension carries none of connection 1's tickets")
    if kind == "sid":
        sid1, _ = hello_parts(bytes.fromhex(sh1[0]["body"]), False)
        if sid and sid == sid1:
            print("sid=%s" % sid.hex())
            return
        sys.exit("session_id %s is not connection 1's %s" % (sid.hex(), sid1.hex()))
    sys.exit("unknown check " + kind)


main()
