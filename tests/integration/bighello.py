#!/usr/bin/env python3
"""Sends one oversized ClientHello, for tests/integration/caps.sh.

    python3 bighello.py PORT [SUITES_BYTES EXTENSION_BYTES]

Connects to 127.0.0.1:PORT and sends a ClientHello whose body is
35 + (2 + SUITES_BYTES) + 2 + (2 + 4 + EXTENSION_BYTES) bytes (defaults
64,000 and 64,996: a body of 129,041 bytes): TLS_AES_128_GCM_SHA256
repeated in the cipher suite list, and one extension of an unassigned
type (0xabcd) holding zeros. The body is cut into records of at most
16,384 bytes. Then it reads what the server answers until it closes or
5 s pass, and closes. Prints the body's length on stdout.
"""
import socket
import struct
import sys
import time


def client_hello(suites_bytes, ext_bytes):
    suites = b"\x13\x01" * (suites_bytes // 2)
    ext = struct.pack("!HH", 0xABCD, ext_bytes) + b"\x00" * ext_bytes
    body = (b"\x03\x03" + b"\x11" * 32 + b"\x00"
            + struct.pack("!H", len(suites)) + suites
            + b"\x01\x00"
            + struct.pack("!H", len(ext)) + ext)
    return body


def main():
    port = int(sys.argv[1])
    suites_bytes = int(sys.argv[2]) if len(sys.argv) > 2 else 64000
    ext_bytes = int(sys.argv[3]) if len(sys.argv) > 3 else 64996
    body = client_hello(suites_bytes, ext_bytes)
    msg = b"\x01" + struct.pack("!I", len(body))[1:] + body
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    for i in range(0, len(msg), 16384):
        frag = msg[i:i + 16384]
        s.sendall(b"\x16\x03\x01" + struct.pack("!H", len(frag)) + frag)
    end = time.monotonic() + 5
    s.settimeout(0.5)
    while time.monotonic() < end:
        try:
            if not s.recv(65536):
                break
        except socket.timeout:
            continue
        except OSError:
            break
    s.close()
    print(len(body))


if __name__ == "__main__":
    main()
