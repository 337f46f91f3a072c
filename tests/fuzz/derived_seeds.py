#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_peek, fuzz_chain, fuzz_theme and
fuzz_creds from real data: the handshake bodies in corpus/decode (captured
from the demo scenarios by gen_fixtures), the demo certificates, keys and
PKCS#12 file in certs/, and the shipped themes in themes/.

    python3 tests/fuzz/derived_seeds.py

Run it again after certs/gen.sh or gen_fixtures. Input layouts: see the
comment at the top of each fuzz_<name>.c.
"""
import base64
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CERTS = os.path.join(ROOT, "certs")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def pem_ders(name):
    """The DER bytes of every certificate in a PEM file of certs/."""
    text = read(os.path.join(CERTS, name)).decode()
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return [base64.b64decode("".join(b.split())) for b in blocks]


def peek_seeds():
    """fuzz_peek: flag byte (bit 0: TLS 1.3) + body."""
    src = os.path.join(HERE, "corpus", "decode")
    for name in sorted(os.listdir(src)):
        if name.endswith("-v0") or name.startswith("synthetic"):
            continue
        data = read(os.path.join(src, name))
        tls13 = 1 if (data[1] & 3) == 2 else 0
        write("peek", name, bytes([tls13]) + data[2:])
    for name in ("server-rsa.pem", "client.pem", "root-ca.pem"):
        write("peek", "der-" + name[:-4], b"\0" + pem_ders(name)[0])


def chain_input(flags, ders, host, trust):
    out = bytes([flags, len(ders)])
    for d in ders:
        out += struct.pack(">H", len(d)) + d
    out += bytes([len(host)]) + host
    return out + trust


def chain_seeds():
    """fuzz_chain: flags, certificates, host name, trust file."""
    root = read(os.path.join(CERTS, "root-ca.pem"))
    other = read(os.path.join(CERTS, "other-ca.pem"))
    server, client, host, trust = 1, 0, 2, 4
    cases = [
        ("server-rsa", server | host | trust, "server-rsa-chain.pem", b"localhost", root),
        ("server-ecdsa", server | host | trust, "server-ecdsa-chain.pem", b"localhost", root),
        ("server-expired", server | host | trust, "server-expired-chain.pem", b"localhost", root),
        ("server-wrong-name", server | host | trust, "server-wrong-name-chain.pem", b"localhost", root),
        ("server-selfsigned", server | host | trust, "server-selfsigned.pem", b"localhost", root),
        ("server-rsa-untrusted", server | host | trust, "server-rsa-chain.pem", b"localhost", other),
        ("server-rsa-no-trust", server | host, "server-rsa-chain.pem", b"localhost", b""),
        ("client", client | trust, "client-chain.pem", b"", root),
        ("client-expired", client | trust, "client-expired-chain.pem", b"", root),
        ("client-no-clientauth", client | trust, "client-no-clientauth-chain.pem", b"", root),
        ("client-other-ca", client | trust, "client-other-ca.pem", b"", other + root),
        ("client-leaf-only", client | trust, "client.pem", b"", root),
    ]
    for name, flags, pem, h, t in cases:
        write("chain", name, chain_input(flags, pem_ders(pem), h, t))
    full = pem_ders("server-rsa-chain.pem") + pem_ders("root-ca.pem")
    write("chain", "server-rsa-with-root", chain_input(server | host | trust, full, b"localhost", root))


def theme_seeds():
    """fuzz_theme: the shipped theme files as they are."""
    d = os.path.join(ROOT, "themes")
    for name in sorted(os.listdir(d)):
        if name.endswith(".theme"):
            write("theme", name[:-6], read(os.path.join(d, name)))


def creds_input(mode, a, b, ca):
    return bytes([mode]) + struct.pack(">H", len(a)) + a + struct.pack(">H", len(b)) + b + ca


def creds_seeds():
    """fuzz_creds: mode, certificate or PKCS#12 file, key or password, CA file."""
    c = lambda n: read(os.path.join(CERTS, n))
    p12, key, ca = 1, 2, 4
    cas = c("root-ca.pem") + c("intermediate-ca.pem")
    cases = [
        ("pem-client-chain", key | ca, c("client-chain.pem"), c("client.key"), cas),
        ("pem-client-leaf", key | ca, c("client.pem"), c("client.key"), cas),   # intermediate missing
        ("pem-client-expired", key, c("client-expired-chain.pem"), c("client-expired.key"), b""),
        ("pem-client-no-clientauth", key, c("client-no-clientauth-chain.pem"), c("client-no-clientauth.key"), b""),
        ("pem-client-other-ca", key | ca, c("client-other-ca.pem"), c("client-other-ca.key"), c("other-ca.pem")),
        ("pem-key-mismatch", key, c("client.pem"), c("server-rsa.key"), b""),
        ("pem-ecdsa-no-key", 0, c("server-ecdsa-chain.pem"), b"", b""),
        ("der-client", key, pem_ders("client.pem")[0], c("client.key"), b""),
        ("p12-client", p12 | ca, c("client.p12"), b"demo", cas),
        ("p12-wrong-password", p12, c("client.p12"), b"wrong", b""),
        ("p12-pem", p12, b"-----BEGIN PKCS12-----\n" + base64.encodebytes(c("client.p12")) +
         b"-----END PKCS12-----\n", b"demo", b""),
    ]
    for name, mode, a, b, ca_bytes in cases:
        write("creds", name, creds_input(mode, a, b, ca_bytes))


if __name__ == "__main__":
    peek_seeds()
    chain_seeds()
    theme_seeds()
    creds_seeds()
