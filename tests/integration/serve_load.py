#!/usr/bin/env python3
"""Load for tests/integration/serve_load.sh (loopback only; every loop bounded).

  serve_load.py idle PORT N SECONDS     opens N sockets that send nothing, prints
                                        "open N", holds them SECONDS, closes them
  serve_load.py bare PORT N THREADS     N connections that close at once (each waits
                                        for the server to close its side, at most 10 s)
  serve_load.py bighello PORT N PID     N ClientHellos of 130,580 bytes (the largest
                                        the handshake layer takes); prints VmRSS of PID
                                        in KiB after each tenth of them: "rss I KIB"
"""
import os
import socket
import struct
import sys
import threading
import time


def idle(port, n, seconds):
    socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
    print("open %d" % len(socks), flush=True)
    time.sleep(seconds)
    for s in socks:
        s.close()


def bare_one(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.shutdown(socket.SHUT_WR)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()


def bare(port, n, threads):
    def work(count):
        for _ in range(count):
            bare_one(port)
    per = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]
    ts = [threading.Thread(target=work, args=(c,)) for c in per]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("done %d" % n, flush=True)


def big_hello():
    suites = b"".join(struct.pack(">H", 0x1301 + (i % 3)) if i < 3 else struct.pack(">H", 0x0a0a + i % 7 * 0x1010)
                      for i in range(32500))
    ext_data = b"\0" * (65535 - 4 - 8)
    exts = struct.pack(">HH", 0xff77, len(ext_data)) + ext_data
    # supported_versions (TLS 1.2 only, so no key share is needed), signature_algorithms
    exts = struct.pack(">HHB", 43, 3, 2) + b"\x03\x03" + exts
    body = b"\x03\x03" + os.urandom(32) + b"\x00" + struct.pack(">H", len(suites)) + suites + b"\x01\x00"
    body += struct.pack(">H", len(exts)) + exts
    msg = b"\x01" + struct.pack(">I", len(body))[1:] + body
    recs = b""
    for i in range(0, len(msg), 16384):
        frag = msg[i:i + 16384]
        recs += b"\x16\x03\x01" + struct.pack(">H", len(frag)) + frag
    return len(body), recs


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def bighello(port, n, pid):
    size, recs = big_hello()
    print("body %d" % size, flush=True)
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(recs)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
        s.close()
        if (i + 1) % (n // 10) == 0:
            time.sleep(0.2)        # the server prints and frees the connection
            print("rss %d %d" % ((i + 1) // (n // 10), rss_kib(pid)), flush=True)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "idle":
        idle(port, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "bare":
        bare(port, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "bighello":
        bighello(port, int(sys.argv[3]), int(sys.argv[4]))


if __name__ == "__main__":
    main()
