#!/usr/bin/env python3
"""tests/bench/bench_serve.py: tlsladder serve under load, against gnutls-serv.

Informational benchmark, not a test. Loopback only. Both servers use the
same certificate: tlsladder serve's default (the demo ECDSA P-256 chain,
certs/server-ecdsa-chain.pem and certs/server-ecdsa.key) and gnutls-serv
given those two files. Every server is started on a free port of 127.0.0.1
and stopped by its pid (SIGTERM, then SIGKILL after 5 s).

  tlsladder    tlsladder serve --text -p PORT [--timeout S]  (stdout /dev/null)
  gnutls-serv  gnutls-serv -p PORT --x509certfile CHAIN --x509keyfile KEY
               --disable-client-cert                         (stdout /dev/null)

The clients are handshake_load (tests/bench/handshake_load.c), a GnuTLS load
generator: N clients in epoll loops, each doing complete handshakes back to
back (connect, handshake, close_notify, read to the server's close, close).

  (a) rate   handshakes/s at 1, 20 and 100 concurrent clients, a fixed time
             per run, median of several rounds; the order of the two servers
             alternates every round. Ratio tlsladder/gnutls-serv.
  (b) soak   N connections (default 100,000) against one fresh server each:
             the handshake rate of the first 10% vs the last 10%, and VmRSS
             (from /proc/PID/status) every 10%, growth per 10,000 connections
             after the first 10% (warm-up).
  (c) idle   one client's handshake latency (median of 50, verifying the chain
             against the demo root CA) with no idle sockets, then with 200
             idle sockets (connected, sending nothing) held open; the added
             milliseconds. tlsladder gets --timeout 300 so that it does not
             drop the idle sockets during the measurement.

Goals are printed next to the figures (informational, never a failure):
>= 1.0x gnutls-serv's rate at 100 clients; last 10% within 10% of the first
10%; RSS growth <= 1 MiB per 10,000 connections; idle sockets add < 50 ms.

Exit status: 0 when everything could be measured (whatever the figures),
1 when the setup failed or a server died during a run.
"""
import argparse
import hashlib
import os
import resource
import select
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SERVERS = ["tlsladder", "gnutls-serv"]
TICK = os.sysconf("SC_CLK_TCK")


def die(msg):
    print("bench_serve: " + msg, file=sys.stderr)
    sys.exit(1)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def div(x, y):
    """x / y, or NaN when y is zero or not a number."""
    return x / y if y and y == y else float("nan")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    """utime + stime of a process (all its threads), in seconds; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return None


def proc_rss_kb(pid):
    """VmRSS of a process in KiB, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine_idle():
    """(idle, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[3] + v[4], sum(v)


class Server:
    """One server process, started on a free port and stopped by its pid."""

    def __init__(self, a, name, tmp, extra=()):
        self.name, self.port = name, free_port()
        self.log = os.path.join(tmp, f"{name}-{self.port}.log")
        if name == "tlsladder":
            cmd = [a.tlsladder, "serve", "--text", "-p", str(self.port)] + list(extra)
        else:
            cmd = [a.gnutls_serv, "-p", str(self.port), "--disable-client-cert",
                   "--x509certfile", os.path.join(a.certs, "server-ecdsa-chain.pem"),
                   "--x509keyfile", os.path.join(a.certs, "server-ecdsa.key")]
        env = dict(os.environ, TLSLADDER_DATADIR=os.path.dirname(os.path.abspath(a.certs)))
        with open(self.log, "w") as log:
            self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=log, env=env)
        self.wait_ready()

    def wait_ready(self):
        """tlsladder says so on stderr (else, after 2 s, a probe); gnutls-serv is probed with connect()."""
        start = time.monotonic()
        while time.monotonic() < start + 10:
            if self.p.poll() is not None:
                die(f"{self.name} exited ({self.p.returncode}) at start; see {self.log}")
            if self.name == "tlsladder":
                with open(self.log, errors="replace") as f:
                    if "listening on" in f.read():
                        return
            if self.name != "tlsladder" or time.monotonic() > start + 2:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        self.stop()
        die(f"{self.name} did not start listening on port {self.port}; see {self.log}")

    def stop(self):
        """Stops it by its pid; returns its exit status (None if it had died before)."""
        died = self.p.poll()
        if died is None:
            os.kill(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait()
            return None
        return died


def loader_cmd(a, port, clients, extra):
    return [a.loader, "--clients", str(clients), "--threads", str(min(a.threads, clients))] + \
        [str(x) for x in extra] + ["127.0.0.1", str(port)]


def parse_loader(lines):
    """The loader's done and fail lines: a dict."""
    r = {"ok": 0, "fail": 0, "elapsed": 0.0, "median_ms": float("nan"), "p90_ms": float("nan"),
         "fails": []}
    for line in lines:
        w = line.split()
        if w and w[0] == "done" and len(w) >= 8:
            r.update(ok=int(w[1]), fail=int(w[2]), elapsed=int(w[3]) / 1e6,
                     median_ms=int(w[4]) / 1000, p90_ms=int(w[5]) / 1000)
        elif w and w[0] == "fail":
            r["fails"].append(" ".join(w[1:]))
    return r


def run_loader(a, srv, clients, extra, on_mark=None, limit_s=60):
    """Runs handshake_load against srv; returns its result, with the CPU shares of the run."""
    cmd = loader_cmd(a, srv.port, clients, extra)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, idle0 = proc_cpu(srv.p.pid), machine_idle()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    lines, buf, deadline = [], "", time.monotonic() + limit_s + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(p.stdout.fileno(), 65536).decode()
        if not chunk:
            break
        buf += chunk
        while "\n" in buf:
            line, buf = buf.split("\n", 1)
            lines.append(line)
            if on_mark and line.startswith("mark "):
                on_mark(*[int(x) for x in line.split()[1:4]])
    if p.poll() is None:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1, idle1 = proc_cpu(srv.p.pid), machine_idle()
    r = parse_loader(lines)
    span = max(r["elapsed"], 1e-3)
    r["srv_cpu"] = (cpu1 - cpu0) / span if cpu0 is not None and cpu1 is not None else float("nan")
    r["cpu_ms"] = r["srv_cpu"] * span * 1000 / r["ok"] if r["ok"] else float("nan")
    r["load_cpu"] = (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / span
    r["idle"] = (idle1[0] - idle0[0]) / max(1, idle1[1] - idle0[1])
    r["rate"] = r["ok"] / span
    if p.returncode != 0:
        die(f"handshake_load exited {p.returncode}: {' '.join(cmd)}")
    return r


def same_certificate(a, tmp):
    """Connects to both servers with Python's ssl and the demo root CA; compares their certificates."""
    ctx = ssl.create_default_context(cafile=os.path.join(a.certs, "root-ca.pem"))
    der = {}
    for name in SERVERS:
        srv = Server(a, name, tmp)
        try:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
                with ctx.wrap_socket(s, server_hostname="localhost") as t:
                    der[name] = t.getpeercert(binary_form=True)
        except (OSError, ssl.SSLError) as e:
            die(f"{name}: a handshake verifying against the demo root CA failed: {e}")
        finally:
            srv.stop()
    if der["tlsladder"] != der["gnutls-serv"]:
        die("tlsladder serve and gnutls-serv present different certificates: check --certs")
    return hashlib.sha256(der["tlsladder"]).hexdigest()[:16]


class Failures:
    """Server deaths during the runs: reported at the end, make the exit status 1."""

    def __init__(self):
        self.items = []

    def check(self, srv, what):
        st = srv.stop()
        if st is not None:
            self.items.append(f"{srv.name} exited {st} during {what}; see {srv.log}")
            print(f"  !! {self.items[-1]}")


def fmt_fails(r):
    return "; ".join(r["fails"]) if r["fails"] else "-"


# ---------------------------------------------------------------- (a) rate


def section_rate(a, tmp, fails):
    """Handshakes/s of both servers at each concurrency, alternating which runs first."""
    levels = [int(x) for x in a.clients.split(",") if x]
    print(f"\n=============== (a) handshakes/s: {a.seconds} s per run, median of {a.rounds} rounds, "
          f"the order alternates ===============")
    print("  one fresh server per run; each client verifies nothing but the handshake's own signatures")
    print(f"  {'':7} {'handshakes/s':>22} {'':13}   {'CPU ms/handshake':>16}   {'CPU use':>20}")
    print(f"  {'clients':>7} {'tlsladder':>10} {'gnutls-serv':>11} {'ratio':>6} {'paired':>6}   "
          f"{'tl':>5} {'gs':>5} {'ratio':>5}   {'tl':>4} {'gs':>4} {'load':>4} {'idle':>4}   failed tl / gs")
    results = {}
    for li, c in enumerate(levels):
        runs = {n: [] for n in SERVERS}
        for r in range(a.rounds):
            order = SERVERS if (r + li) % 2 == 0 else SERVERS[::-1]
            for name in order:
                srv = Server(a, name, tmp)
                res = run_loader(a, srv, c, ["--seconds", a.seconds, "--timeout", 10000],
                                 limit_s=a.seconds)
                fails.check(srv, f"(a) at {c} clients")
                runs[name].append(res)
        rate = {n: med([x["rate"] for x in runs[n]]) for n in SERVERS}
        paired = med([t["rate"] / g["rate"] for t, g in zip(runs["tlsladder"], runs["gnutls-serv"])
                      if g["rate"] > 0])
        ratio = div(rate["tlsladder"], rate["gnutls-serv"])
        cpu = {n: med([x["srv_cpu"] for x in runs[n]]) for n in SERVERS}
        ms = {n: med([x["cpu_ms"] for x in runs[n]]) for n in SERVERS}
        load = med([x["load_cpu"] for x in runs["tlsladder"] + runs["gnutls-serv"]])
        idle = med([x["idle"] for x in runs["tlsladder"] + runs["gnutls-serv"]])
        nfail = {n: sum(x["fail"] for x in runs[n]) for n in SERVERS}
        print(f"  {c:7d} {rate['tlsladder']:10.1f} {rate['gnutls-serv']:11.1f} {ratio:6.2f} {paired:6.2f}   "
              f"{ms['tlsladder']:5.2f} {ms['gnutls-serv']:5.2f} {div(ms['tlsladder'], ms['gnutls-serv']):5.2f}   "
              f"{cpu['tlsladder']:4.0%} {cpu['gnutls-serv']:4.0%} {load:4.0%} {idle:4.0%}   "
              f"{nfail['tlsladder']} / {nfail['gnutls-serv']}")
        for n in SERVERS:
            kinds = sorted({k for x in runs[n] for k in x["fails"]})
            if kinds:
                print(f"  {'':7} {n} failures: {'; '.join(kinds)}")
        results[c] = ratio
    if 100 in results:
        print(f"  goal: >= 1.0x gnutls-serv's rate at 100 clients: "
              f"{'MET' if results[100] >= 1.0 else 'MISSED'} ({results[100]:.2f}x)")
    print("  CPU ms/handshake: the server's CPU time (all threads) per successful handshake; it moves")
    print("  less than handshakes/s when other work shares the machine. CPU use: of one CPU by each server")
    print("  and by handshake_load (load), and how idle the whole machine was: a one-thread server near 100%")
    print("  is at its limit; idle near 0% means the machine is.")
    return results


def section_loader(a, tmp, fails):
    """Is handshake_load the limit? gnutls-serv at the top concurrency with 1 and 2 event loops."""
    c = max(int(x) for x in a.clients.split(",") if x)
    print(f"\n=============== handshake_load check: gnutls-serv at {c} clients, 1 vs 2 event loops, "
          f"median of {a.rounds} ===============")
    keep, runs = a.threads, {1: [], 2: []}
    try:
        for r in range(a.rounds):
            for t in ([1, 2] if r % 2 == 0 else [2, 1]):
                a.threads = t
                srv = Server(a, "gnutls-serv", tmp)
                runs[t].append(run_loader(a, srv, c, ["--seconds", a.seconds, "--timeout", 10000],
                                          limit_s=a.seconds))
                fails.check(srv, "the handshake_load check")
    finally:
        a.threads = keep
    for t in (1, 2):
        x = runs[t]
        print(f"  {t} loop(s): {med([y['rate'] for y in x]):8.1f} hs/s   gnutls-serv cpu "
              f"{med([y['srv_cpu'] for y in x]):4.0%}   handshake_load cpu {med([y['load_cpu'] for y in x]):4.0%}"
              f"   machine idle {med([y['idle'] for y in x]):4.0%}")
    gain = med([y["rate"] for y in runs[2]]) / max(1e-9, med([y["rate"] for y in runs[1]]))
    idle = med([y["idle"] for y in runs[1] + runs[2]])
    verdict = "one loop held the server back: use --threads 2" if gain > 1.1 else "one loop is not the limit"
    if idle < 0.1:
        verdict += "; but the machine had no idle CPU, so this says little"
    print(f"  2 loops / 1 loop: {gain:.2f}x  ({verdict})")


# ---------------------------------------------------------------- (b) soak


def soak_one(a, tmp, fails, name):
    """One server over a.conns connections: the time and VmRSS at every 0.1% of them."""
    srv = Server(a, name, tmp)
    step = max(1, a.conns // 1000)
    marks = [(0, 0, 0.0, proc_rss_kb(srv.p.pid) or 0, proc_cpu(srv.p.pid) or 0.0)]

    def on_mark(done, ok, t_us):
        marks.append((done, ok, t_us / 1e6, proc_rss_kb(srv.p.pid) or 0, proc_cpu(srv.p.pid) or 0.0))

    res = run_loader(a, srv, a.soak_clients,
                     ["--count", a.conns, "--seconds", a.soak_limit, "--mark", step, "--timeout", 10000,
                      "--max-fail", max(1000, a.conns // 10)],
                     on_mark=on_mark, limit_s=a.soak_limit)
    fails.check(srv, "(b) soak")
    return sorted(marks), res


def soak_tenths(marks):
    """The marks nearest each tenth of the connections done: 11 of them, or None if too few."""
    total = marks[-1][0]
    if len(marks) < 21 or total <= 0:
        return None
    pts, j = [], 0
    for k in range(11):
        while j < len(marks) - 1 and marks[j][0] < total * k / 10:
            j += 1
        pts.append(marks[j])
    return pts


def soak_figures(pts):
    """Rate of the first and of the last tenth, and RSS growth per 10,000 after the first tenth."""
    nan = float("nan")
    if not pts:
        return {"first": nan, "last": nan, "growth": nan, "cpu_first": nan, "cpu_last": nan}
    (d0, ok0, t0, r0, c0), (d1, ok1, t1, r1, c1) = pts[0], pts[1]
    (d9, ok9, t9, r9, c9), (d10, ok10, t10, r10, c10) = pts[9], pts[10]
    return {"first": ok1 / t1 if t1 > 0 else nan,
            "last": (ok10 - ok9) / (t10 - t9) if t10 > t9 else nan,
            "growth": (r10 - r1) / 1024 / ((d10 - d1) / 10000) if d10 > d1 else nan,
            "cpu_first": (c1 - c0) * 1000 / (ok1 - ok0) if ok1 > ok0 else nan,
            "cpu_last": (c10 - c9) * 1000 / (ok10 - ok9) if ok10 > ok9 else nan}


def soak_table(names, data):
    """Every tenth of each server's connections: count, time, rate over the tenth, RSS."""
    print("  " + "".join(f"{n:>45} " for n in names))
    print("  " + "".join(f"{'tenth':>5} {'conns':>8} {'s':>7} {'hs/s':>6} {'cpu ms':>6} {'RSS MiB':>8} "
                         for _ in names))
    for k in range(11):
        row = "  "
        for n in names:
            pts = data[n][1]
            if not pts:
                row += f"{k * 10:4d}% {'-':>8} {'-':>7} {'-':>6} {'-':>6} {'-':>8} "
                continue
            d, ok, t, rss, cpu = pts[k]
            _, ok_p, t_p, _, cpu_p = pts[k - 1] if k else pts[0]
            rate = f"{(ok - ok_p) / (t - t_p):6.0f}" if t > t_p else f"{'-':>6}"
            cms = f"{(cpu - cpu_p) * 1000 / (ok - ok_p):6.2f}" if ok > ok_p else f"{'-':>6}"
            row += f"{k * 10:4d}% {d:8d} {t:7.1f} {rate} {cms} {rss / 1024:8.1f} "
        print(row.rstrip())
    print("  s: seconds since the start; hs/s and cpu ms (the server's CPU time per handshake): over the")
    print("  preceding tenth; RSS: VmRSS at that point")


def section_soak(a, tmp, fails):
    """The handshake rate and RSS of each server over a.conns connections."""
    names = SERVERS if a.soak_reference else ["tlsladder"]
    print(f"\n=============== (b) {a.conns:,} connections, {a.soak_clients} clients, at most "
          f"{a.soak_limit} s per server ===============")
    data = {}
    for name in names:
        marks, res = soak_one(a, tmp, fails, name)
        data[name] = (marks, soak_tenths(marks), res)
    soak_table(names, data)
    for n in names:
        marks, pts, res = data[n]
        f, done = soak_figures(pts), marks[-1][0]
        note = "" if done >= a.conns else \
            f"  (the time limit stopped it after {done:,} of {a.conns:,}: tenths of those)"
        ratio = div(f["last"], f["first"])
        print(f"  {n}: first 10% {f['first']:.0f} hs/s, last 10% {f['last']:.0f} hs/s, ratio {ratio:.2f}"
              f"  goal within 10% (0.90..1.10): {'MET' if 0.9 <= ratio <= 1.1 else 'MISSED'}{note}")
        print(f"  {n}: CPU per handshake: first 10% {f['cpu_first']:.2f} ms, last 10% {f['cpu_last']:.2f} ms, "
              f"ratio {div(f['cpu_last'], f['cpu_first']):.2f}  (for reference: a busy machine moves it less)")
        print(f"  {n}: RSS {marks[0][3] / 1024:.1f} -> {marks[-1][3] / 1024:.1f} MiB; growth after the first 10%: "
              f"{f['growth']:.2f} MiB per 10,000 connections  goal <= 1 MiB: "
              f"{'MET' if f['growth'] <= 1 else 'MISSED'}; failed {res['fail']}"
              f"{' (' + fmt_fails(res) + ')' if res['fail'] else ''}")
    return data


# ---------------------------------------------------------------- (c) idle sockets


def open_idle(port, n, wait_s):
    """n TCP connections to port that send nothing; returns (sockets, how many are connected)."""
    socks, pending = [], {}
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        pending[s.fileno()] = s
    connected, deadline = 0, time.monotonic() + wait_s
    while pending and time.monotonic() < deadline:
        _, w, _ = select.select([], list(pending.values()), [], 0.1)
        for s in w:
            del pending[s.fileno()]
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected += 1
    return socks, connected


def latency(a, srv):
    """One client's handshakes one after the other, verifying the chain: the loader's result."""
    return run_loader(a, srv, 1, ["--count", a.latency_n, "--seconds", a.latency_n * 3 + 5,
                                  "--timeout", a.latency_timeout, "--max-fail", 3,
                                  "--cafile", os.path.join(a.certs, "root-ca.pem")],
                      limit_s=a.latency_n * 3 + 5)


def lat_text(r, a):
    if r["ok"] == 0 or r["fail"] * 2 > r["ok"] + r["fail"]:
        return f"> {a.latency_timeout} (timed out)", float("inf")
    return f"{r['median_ms']:.2f}", r["median_ms"]


def section_idle(a, tmp, fails):
    """A client's handshake latency without and with a.idle idle sockets open, per server."""
    print(f"\n=============== (c) one client's handshake latency, median of {a.latency_n}, "
          f"with {a.idle} idle sockets vs none ===============")
    print(f"  tlsladder runs with --timeout {a.idle_timeout}; each handshake gives up after "
          f"{a.latency_timeout} ms, the run after 3 such failures")
    print(f"  {'server':<12} {'no idle ms':>10} {f'{a.idle} idle ms':>22} {'added ms':>9} "
          f"{'connected':>9}   goal < 50 ms")
    out = {}
    for name in SERVERS:
        srv = Server(a, name, tmp, ["--timeout", str(a.idle_timeout)] if name == "tlsladder" else [])
        base = latency(a, srv)
        socks, connected = open_idle(srv.port, a.idle, 5)
        try:
            time.sleep(0.2)
            loaded = latency(a, srv)
        finally:
            for s in socks:
                s.close()
        fails.check(srv, "(c) idle sockets")
        bt, bv = lat_text(base, a)
        lt, lv = lat_text(loaded, a)
        added = lv - bv
        verdict = "MET" if added < 50 else "MISSED"
        added_t = f"{added:9.2f}" if added != float("inf") else f"{'> ' + str(a.latency_timeout):>9}"
        print(f"  {name:<12} {bt:>10} {lt:>22} {added_t} {connected:5d}/{a.idle:<3}   {verdict}"
              f"{'  (' + fmt_fails(loaded) + ')' if loaded['fail'] else ''}")
        out[name] = added
    return out


# ---------------------------------------------------------------- main


def build_loader(a, tmp):
    """The handshake_load next to the build's tests, or compiled into tmp."""
    if a.loader and os.access(a.loader, os.X_OK):
        return os.path.abspath(a.loader)
    out = os.path.join(tmp, "handshake_load")
    src = os.path.join(ROOT, "tests", "bench", "handshake_load.c")
    cc = os.environ.get("CC", "cc")
    if subprocess.run([cc, "-std=c11", "-O2", "-pthread", "-I", os.path.dirname(src), "-o", out, src,
                       "-lgnutls"]).returncode != 0:
        die("could not compile handshake_load (needs libgnutls28-dev)")
    return out


def options():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tlsladder", default=os.path.join(ROOT, "build", "tlsladder"))
    ap.add_argument("--loader", default=os.path.join(ROOT, "build", "tests", "handshake_load"),
                    help="handshake_load binary (compiled into a temporary directory if missing)")
    ap.add_argument("--certs", default=os.path.join(ROOT, "certs"))
    ap.add_argument("--quick", action="store_true",
                    help="1 s runs, 10,000 connections, 20 latency samples (under 2 minutes)")
    ap.add_argument("--sections", default="rate,soak,idle",
                    help="comma-separated: rate,soak,idle (and loader: is handshake_load the limit?)")
    ap.add_argument("--clients", default="1,20,100", help="(a) concurrency levels")
    ap.add_argument("--seconds", type=int, help="(a) seconds per run (3; --quick 1)")
    ap.add_argument("--rounds", type=int, default=3, help="(a) rounds per level")
    ap.add_argument("--threads", type=int, default=max(1, (os.cpu_count() or 2) // 2),
                    help="handshake_load event loops (default: half the CPUs)")
    ap.add_argument("--conns", type=int, help="(b) connections per server (100000; --quick 10000)")
    ap.add_argument("--soak-clients", type=int, default=10, help="(b) concurrent clients")
    ap.add_argument("--soak-limit", type=int, help="(b) at most this many seconds per server (90; --quick 40)")
    ap.add_argument("--no-soak-reference", dest="soak_reference", action="store_false",
                    help="(b) run tlsladder only, not gnutls-serv as well")
    ap.add_argument("--idle", type=int, default=200, help="(c) idle sockets")
    ap.add_argument("--latency-n", type=int, help="(c) handshakes per median (50; --quick 20)")
    ap.add_argument("--latency-timeout", type=int, default=3000, help="(c) ms before a handshake gives up")
    ap.add_argument("--idle-timeout", type=int, default=300, help="(c) tlsladder serve --timeout, seconds")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (server logs)")
    a = ap.parse_args()
    for name, full, quick in (("seconds", 3, 1), ("conns", 100000, 10000), ("soak_limit", 90, 40),
                              ("latency_n", 50, 20)):
        if getattr(a, name) is None:
            setattr(a, name, quick if a.quick else full)
    a.sections = [s for s in a.sections.split(",") if s]
    for s in a.sections:
        if s not in ("loader", "rate", "soak", "idle"):
            die(f"unknown section {s}")
    if a.rounds < 1 or a.seconds < 1 or a.conns < 100 or a.soak_limit < 1 or a.latency_n < 1:
        die("--rounds, --seconds, --soak-limit, --latency-n must be >= 1 and --conns >= 100")
    return a


def header(a, cert):
    ver = subprocess.run([a.gnutls_serv, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout.splitlines()
    i0, t0 = machine_idle()
    time.sleep(0.5)
    i1, t1 = machine_idle()
    busy = 1 - (i1 - i0) / max(1, t1 - t0)
    print(f"== tlsladder serve vs {ver[0] if ver else 'gnutls-serv'}: {os.cpu_count()} CPUs, "
          f"{os.uname().sysname} {os.uname().release}, loopback")
    print(f"   same server certificate (demo ECDSA chain, sha256 {cert}...); handshake_load with "
          f"{a.threads} event loop(s)")
    print(f"   CPU busy before the start: {busy:.0%} of all CPUs" +
          ("  (other work is running: the figures will be noisy)" if busy > 0.15 else ""))


def main():
    a = options()
    sys.stdout.reconfigure(line_buffering=True)
    a.gnutls_serv = shutil.which("gnutls-serv")
    if not a.gnutls_serv:
        die("gnutls-serv not found (Debian: gnutls-bin)")
    if not os.access(a.tlsladder, os.X_OK):
        die(f"{a.tlsladder}: not an executable (build first)")
    a.tlsladder, a.certs = os.path.abspath(a.tlsladder), os.path.abspath(a.certs)
    tmp = tempfile.mkdtemp(prefix="bench_serve.")
    fails = Failures()
    t0 = time.monotonic()
    try:
        a.loader = build_loader(a, tmp)
        header(a, same_certificate(a, tmp))
        if "loader" in a.sections:
            section_loader(a, tmp, fails)
        if "rate" in a.sections:
            section_rate(a, tmp, fails)
        if "soak" in a.sections:
            section_soak(a, tmp, fails)
        if "idle" in a.sections:
            section_idle(a, tmp, fails)
    finally:
        if a.keep:
            print(f"  logs in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n  ({time.monotonic() - t0:.0f} s in all; goals are informational)")
    for f in fails.items:
        print(f"!! {f}")
    return 1 if fails.items else 0


if __name__ == "__main__":
    sys.exit(main())
