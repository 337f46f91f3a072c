#!/usr/bin/env python3
"""Writes hand-built seeds into tests/fuzz/corpus/decode/synthetic-*: messages
and extensions the demo scenarios never send (DHE and PSK key exchange, ALPN,
cookie, early_data, GREASE, OCSP in a Certificate entry, KeyUpdate, ...) and
bare DER Names, in fuzz_decode's input layout (fuzz_decode_types.h).
Built partly from the captured fixtures: run gen_fixtures first.

    python3 tests/fuzz/synthetic_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
OUT = os.path.join(HERE, "corpus", "decode")
TYPES = [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24, 25, 254, 1025, 99]
KX = {"unknown": 0, "ecdhe": 1, "dhe": 2, "rsa": 3, "psk": 4}


def ctx(version=0, kx="unknown", server=False, dn=False):
    v = {0: 0, 0x0303: 1, 0x0304: 2, 0x0301: 3}[version]
    return v | KX[kx] << 2 | (0x20 if server else 0) | (0x40 if dn else 0)


def vec(n, data):
    return len(data).to_bytes(n, "big") + data


def ext(t, data):
    return struct.pack(">HH", t, len(data)) + data


def seed(name, hs, c, body):
    with open(os.path.join(OUT, "synthetic-" + name), "wb") as f:
        f.write(bytes([TYPES.index(hs), c]) + body)


def fixture(path):
    with open(os.path.join(FIX, path), "rb") as f:
        return f.read()


def client_hello_parts(body):
    """Splits a ClientHello into (everything before the extensions, extension bytes)."""
    i = 2 + 32
    i += 1 + body[i]
    i += 2 + int.from_bytes(body[i:i + 2], "big")
    i += 1 + body[i]
    return body[:i], body[i + 2:]


def without_ext(exts, t):
    """The extension bytes without extension type t."""
    out, i = b"", 0
    while i + 4 <= len(exts):
        n = int.from_bytes(exts[i + 2:i + 4], "big")
        if int.from_bytes(exts[i:i + 2], "big") != t:
            out += exts[i:i + 4 + n]
        i += 4 + n
    return out


def name(*rdns):
    out = b""
    for oid, tag, value in rdns:
        atv = b"\x06" + bytes([len(oid)]) + oid + bytes([tag, len(value)]) + value
        out += b"\x31" + bytes([len(atv) + 2]) + b"\x30" + bytes([len(atv)]) + atv
    return b"\x30" + bytes([len(out)]) + out if len(out) < 128 else b"\x30\x81" + bytes([len(out)]) + out


def main():
    os.makedirs(OUT, exist_ok=True)
    cn = bytes([0x55, 4, 3])
    o = bytes([0x55, 4, 10])
    dn1 = name((bytes([0x55, 4, 6]), 0x13, b"US"), (o, 0x0c, b"Ex, Inc"), (cn, 0x1e, "hi\u20ac".encode("utf-16-be")))
    dn2 = name((bytes([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 9, 1]), 0x16, b"a@b"),
               (bytes([0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 1, 0x19]), 0x16, b"example"),
               (bytes([0x2b, 6, 1, 4, 1, 0x82, 0x37]), 0x04, b"\x01\x02"))
    seed("dn-1", 99, ctx(dn=True), dn1)
    seed("dn-2", 99, ctx(dn=True), dn2)

    # ClientHello with every extension the decoder knows
    pre, exts = client_hello_parts(fixture("resumption/09-client-ClientHello.bin"))
    psk = exts[exts.index(b"\x00\x29"):]          # pre_shared_key must stay last
    exts = exts[:exts.index(b"\x00\x29")]
    more = (ext(0x0a0a, b"") + ext(16, vec(2, vec(1, b"h2") + vec(1, b"http/1.1"))) + ext(44, vec(2, b"\xc0\x0c\x1e"))
            + ext(42, b"") + ext(21, b"\x00" * 5) + ext(49, b"") + ext(1, b"\x02") + ext(15, b"\x01")
            + ext(27, vec(1, b"\x00\x02")) + ext(50, vec(2, b"\x08\x04\x04\x03")) + ext(0x1234, b"\xab")
            + ext(47, vec(2, vec(2, dn1) + vec(2, dn2))) + ext(0xfe0d, b"\x00\x01"))
    seed("ch-all-extensions", 1, ctx(0x0304), pre + vec(2, more + exts + psk))

    # ServerHello / EncryptedExtensions answers
    ee = ext(0, b"") + ext(16, vec(2, vec(1, b"h2"))) + ext(42, b"") + ext(28, b"\x40\x01") + ext(0x3a3a, b"\x00")
    seed("ee", 8, ctx(0x0304, server=True), vec(2, ee))
    hrr = fixture("hrr/01-server-HelloRetryRequest.bin")
    fixed = 2 + 32 + 1 + hrr[34] + 2 + 1        # version, random, session id, suite, compression
    seed("hrr-cookie", 1025, ctx(0x0304, server=True),
         hrr[:fixed] + vec(2, hrr[fixed + 2:] + ext(44, vec(2, b"\x01" * 8))))

    # TLS 1.3 Certificate whose first entry carries an OCSP response
    cert = fixture("tls13/03-server-Certificate.bin")
    ctxlen = cert[0]
    lst = cert[1 + ctxlen + 3:]
    der_len = int.from_bytes(lst[0:3], "big")
    first = lst[:3 + der_len] + vec(2, ext(5, b"\x01" + vec(3, b"\x30\x03\x0a\x01\x00")) + ext(18, b"\x00"))
    rest = lst[3 + der_len + 2:]
    seed("cert13-ocsp", 11, ctx(0x0304, server=True), cert[:1 + ctxlen] + vec(3, first + rest))
    seed("cert13-empty", 11, ctx(0x0304), b"\x00\x00\x00\x00")
    seed("cert12-empty", 11, ctx(0x0303, "ecdhe"), b"\x00\x00\x00")

    # key exchanges the demo does not use
    p = b"\xff" * 256
    sig = b"\x08\x04" + vec(2, b"\x5a" * 256)
    seed("ske-dhe", 12, ctx(0x0303, "dhe", server=True), vec(2, p) + vec(2, b"\x02") + vec(2, b"\x11" * 256) + sig)
    seed("ske-psk-ecdhe", 12, ctx(0x0303, "psk", server=True), vec(2, b"hint") + b"\x03\x00\x1d" + vec(1, b"\x22" * 32))
    seed("ske-explicit", 12, ctx(0x0303, "ecdhe", server=True), b"\x01\x00\x17" + vec(1, b"\x04"))
    seed("cke-dhe", 16, ctx(0x0303, "dhe"), vec(2, b"\x33" * 256))
    seed("cke-psk", 16, ctx(0x0303, "psk"), vec(2, b"client1") + vec(1, b"\x44" * 32))
    seed("cke-unknown", 16, ctx(), vec(1, b"\x44" * 32))

    # TLS 1.3 post-handshake and rarer messages
    seed("nst13-early", 4, ctx(0x0304, server=True),
         struct.pack(">II", 7200, 0x01020304) + vec(1, b"\x00\x01") + vec(2, b"\x55" * 40) + vec(2, ext(42, struct.pack(">I", 16384))))
    seed("keyupdate-1", 24, ctx(0x0304), b"\x01")
    seed("keyupdate-0", 24, ctx(0x0304, server=True), b"\x00")
    seed("keyupdate-empty", 24, ctx(0x0304), b"")
    seed("keyupdate-invalid-2", 24, ctx(0x0304, server=True), b"\x02")
    seed("keyupdate-two-bytes", 24, ctx(0x0304), b"\x01\x00")
    seed("end-of-early-data", 5, ctx(0x0304), b"")
    seed("cert-status", 22, ctx(0x0303, server=True), b"\x01" + vec(3, b"\x30\x03\x0a\x01\x00"))
    seed("compressed-cert", 25, ctx(0x0304, server=True), b"\x00\x01" + b"\x00\x10\x00" + vec(3, b"\x78\x9c"))
    seed("message-hash", 254, ctx(0x0304), b"\x66" * 48)
    seed("cr12-any-ca", 13, ctx(0x0303, server=True), vec(1, b"\x01\x40") + vec(2, b"\x04\x03") + vec(2, b""))
    # TLS 1.3 post-handshake authentication: a CertificateRequest after the handshake carries a
    # non-empty certificate_request_context, which the client's Certificate echoes (empty or not)
    phactx = bytes(range(0x20, 0x40))
    seed("cr13-post-handshake", 13, ctx(0x0304, server=True),
         vec(1, phactx) + vec(2, ext(13, vec(2, b"\x04\x03\x08\x04")) +
                              ext(47, vec(2, vec(2, name((b"\x55\x04\x03", 0x0c, b"Demo Root")))))))
    seed("cert13-post-handshake-empty", 11, ctx(0x0304), vec(1, phactx) + vec(3, b""))
    seed("cert13-post-handshake-context-only", 11, ctx(0x0304), vec(1, phactx))

    # TLS 1.2 renegotiation: the HelloRequest, and renegotiation_info (RFC 5746) carrying the previous
    # Finished verify_data: 12 bytes from the client, 24 from the server, an odd length, and the SCSV
    seed("hello-request", 0, ctx(0x0303, server=True), b"")
    seed("hello-request-nonempty", 0, ctx(0x0303, server=True), b"\x00")
    pre, exts = client_hello_parts(fixture("tls12-ecdhe/00-client-ClientHello.bin"))
    exts = without_ext(exts, 0xff01)
    seed("ch-reneg-info", 1, ctx(0x0303), pre + vec(2, exts + ext(0xff01, vec(1, b"\x11" * 12))))
    i = 2 + 32 + 1 + pre[34]                      # the cipher suites: TLS_EMPTY_RENEGOTIATION_INFO_SCSV added
    suites = pre[i + 2:i + 2 + int.from_bytes(pre[i:i + 2], "big")]
    seed("ch-reneg-scsv", 1, ctx(0x0303), pre[:i] + vec(2, suites + b"\x00\xff") + pre[i + 2 + len(suites):] + vec(2, exts))
    sh = fixture("tls12-ecdhe/01-server-ServerHello.bin")
    fixed = 2 + 32 + 1 + sh[34] + 2 + 1
    sh_exts = without_ext(sh[fixed + 2:], 0xff01)
    seed("sh-reneg-info", 2, ctx(0x0303, server=True),
         sh[:fixed] + vec(2, sh_exts + ext(0xff01, vec(1, b"\x11" * 12 + b"\x22" * 12))))
    seed("sh-reneg-info-odd", 2, ctx(0x0303, server=True), sh[:fixed] + vec(2, sh_exts + ext(0xff01, vec(1, b"\x33" * 13))))


if __name__ == "__main__":
    main()
