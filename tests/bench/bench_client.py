#!/usr/bin/env python3
"""tests/bench/bench_client.py: handshake-and-quit against a local gnutls-serv.

Informational benchmark, not a test. For each case (TLS 1.3 / 1.2, with and
without a client certificate) it starts gnutls-serv on 127.0.0.1, then runs
in round-robin (the order rotates every round):

  tlsladder   tlsladder --text --cafile CA [--cert C --key K] localhost -p PORT
  gnutls-cli  gnutls-cli --x509cafile CA [--x509certfile C --x509keyfile K]
                         -p PORT localhost --logfile=/dev/null
  openssl     openssl s_client -connect 127.0.0.1:PORT -CAfile CA
                         -servername localhost -brief [-cert C -key K -cert_chain I]
  minimal     minimal_client [--cert C --key K] CA localhost PORT
  (floor      /bin/true: spawn, exit and reap; for reference only)
  (tl-base    with --baseline PATH: another tlsladder build, e.g. the commit
              before a change, run in the same rounds so that both see the
              same machine load)

stdin, stdout and stderr of every client are /dev/null. Each run is spawned
by a tiny C runner (compiled on the fly) that times fork..wait4 with
CLOCK_MONOTONIC and reports the child's ru_maxrss and CPU time (user +
system, from the same wait4): spawning straight from
Python would charge Python's own resident set to the child, since Linux
carries the old address space's peak across exec.

Then one `tlsladder --text` run per case: the largest gap between
consecutive ladder events ("time ms" column), and the wait after the
client's Finished (tickets / the server's verdict, up to the 300 ms grace).
With --syscalls (needs strace), one `strace -f -c` run of tlsladder, minimal
(and tl-base) per case: system calls in all, waits (poll/ppoll) and reads
(recvfrom/read), and threads started (clone/clone3).

Exit status: 0 when every run succeeded (targets are informational),
1 when a run failed or the setup did not work.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RUNNER_C = r"""
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* runner TIMEOUT_MS CMD ARGS...: prints "wall_ns maxrss_kb status cpu_us" */
static pid_t child;
static void on_alarm(int s) { (void)s; if (child > 0) kill(child, SIGKILL); }
int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int st, nul = open("/dev/null", O_RDWR);
	if (argc < 3 || nul < 0) return 2;
	signal(SIGALRM, on_alarm);
	clock_gettime(CLOCK_MONOTONIC, &a);
	child = fork();
	if (child == 0) {
		dup2(nul, 0); dup2(nul, 1); dup2(nul, 2);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (child < 0) return 2;
	long ms = atol(argv[1]);
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	while (wait4(child, &st, 0, &ru) < 0) ;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld %ld %d %ld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec),
	       ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return 0;
}
"""

CASES = {
    # name: (gnutls-serv priority, client certificate?)
    "tls13": ("NORMAL", False),
    "tls13-cert": ("NORMAL", True),
    "tls12": ("NORMAL:-VERS-TLS1.3", False),
    "tls12-cert": ("NORMAL:-VERS-TLS1.3", True),
}
CLIENTS = ["tlsladder", "gnutls-cli", "openssl", "minimal", "floor"]
TARGET_OSSL, TARGET_MIN = 0.70, 1.10      # tlsladder's wall time against openssl s_client, minimal
LADDER_RE = re.compile(r"^\s*(\d+)\s+(\d+\.\d+)\s+(.*?)\s*$")


def die(msg):
    print("bench_client: " + msg, file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def commands(a, port, cert):
    c = a.certs
    ca = os.path.join(c, "root-ca.pem")
    chain, key = os.path.join(c, "client-chain.pem"), os.path.join(c, "client.key")
    tl = [a.tlsladder, "--text", "--cafile", ca]
    gc = [shutil.which("gnutls-cli"), "--x509cafile", ca]
    os_ = [shutil.which("openssl"), "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", ca,
           "-servername", "localhost", "-brief"]
    mc = [a.minimal]
    if cert:
        tl += ["--cert", chain, "--key", key]
        gc += ["--x509certfile", chain, "--x509keyfile", key]
        os_ += ["-cert", os.path.join(c, "client.pem"), "-key", key,
                "-cert_chain", os.path.join(c, "intermediate-ca.pem")]
        mc += ["--cert", chain, "--key", key]
    tl += ["localhost", "-p", str(port)]
    gc += ["-p", str(port), "localhost", "--logfile=/dev/null"]
    mc += [ca, "localhost", str(port)]
    cmds = {"tlsladder": tl, "gnutls-cli": gc, "openssl": os_, "minimal": mc, "floor": ["/bin/true"]}
    if a.baseline:
        cmds["tl-base"] = [a.baseline] + tl[1:]
    return cmds


def start_server(a, port, prio, cert, log):
    c = a.certs
    cmd = [shutil.which("gnutls-serv"), "-p", str(port), "--priority", prio,
           "--x509certfile", os.path.join(c, "server-ecdsa-chain.pem"),
           "--x509keyfile", os.path.join(c, "server-ecdsa.key")]
    if cert:
        cmd += ["--require-client-cert", "--verify-client-cert",
                "--x509cafile", os.path.join(c, "root-ca.pem")]
    else:
        cmd += ["--disable-client-cert"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if p.poll() is not None:
            die(f"gnutls-serv exited ({p.returncode}); see {log.name}")
        # gnutls-serv prints this once it listens; probing with connect() would
        # give it a failed handshake to log.
        with open(log.name, errors="replace") as f:
            if re.search(r"listening on .*done", f.read()):
                return p
        time.sleep(0.02)
    stop_server(p)
    die(f"gnutls-serv did not start listening on port {port}; see {log.name}")


def stop_server(p):
    if p.poll() is None:
        os.kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()


def run_once(runner, cmd, timeout_ms):
    """One run: wall ms, max RSS KB, exit status, CPU ms."""
    out = subprocess.run([runner, str(timeout_ms)] + cmd, stdout=subprocess.PIPE, check=True).stdout
    ns, rss, st, cpu = out.split()
    return int(ns) / 1e6, int(rss), int(st), int(cpu) / 1e3


def syscalls(cmd, tmp):
    """One `strace -f -c` run: (all calls, waits, reads, threads started), or None."""
    out = os.path.join(tmp, "strace.txt")
    p = subprocess.run(["strace", "-f", "-qq", "-c", "-o", out] + cmd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    if p.returncode != 0 or not os.path.exists(out):
        return None
    calls = {}
    with open(out) as f:
        for line in f:
            m = re.match(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\S+)\s*$", line)
            if m:
                calls[m.group(2)] = int(m.group(1))
    get = lambda *names: sum(calls.get(n, 0) for n in names)
    return calls.get("total", 0), get("poll", "ppoll"), get("recvfrom", "read"), get("clone", "clone3")


def ladder(cmd):
    """One tlsladder --text run: [(step, t_ms, label)], exit code."""
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True, timeout=15)
    ev = []
    for line in p.stdout.splitlines():
        m = LADDER_RE.match(line)
        if m:
            label = re.sub(r"[-=|<>]{2,}", " ", m.group(3))
            ev.append((int(m.group(1)), float(m.group(2)), " ".join(label.split())))
    return ev, p.returncode, p.stdout


def cpu_busy(seconds=0.5):
    """Percent of all CPUs busy over a short interval (from /proc/stat), or None."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    try:
        i0, t0 = sample()
        time.sleep(seconds)
        i1, t1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=2, help="unmeasured rounds per case")
    ap.add_argument("--tlsladder", default=os.path.join(root, "build", "tlsladder"))
    ap.add_argument("--minimal", default=os.path.join(root, "build", "tests", "minimal_client"))
    ap.add_argument("--certs", default=os.path.join(root, "certs"))
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ",".join(CASES))
    ap.add_argument("--timeout-ms", type=int, default=10000, help="per run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    ap.add_argument("--baseline", help="another tlsladder build, run in the same rounds (tl-base)")
    ap.add_argument("--syscalls", action="store_true", help="count system calls once per case (needs strace)")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    for tool in ("gnutls-serv", "gnutls-cli", "openssl"):
        if not shutil.which(tool):
            die(f"{tool} not found (Debian: gnutls-bin / openssl)")
    for f in (a.tlsladder, a.minimal) + ((a.baseline,) if a.baseline else ()):
        if not os.access(f, os.X_OK):
            die(f"{f}: not an executable")
    if a.syscalls and not shutil.which("strace"):
        die("--syscalls needs strace (Debian: strace)")
    a.tlsladder, a.minimal = os.path.abspath(a.tlsladder), os.path.abspath(a.minimal)
    if a.baseline:
        a.baseline = os.path.abspath(a.baseline)
    cases = [c for c in a.cases.split(",") if c]
    for c in cases:
        if c not in CASES:
            die(f"unknown case {c}")

    tmp = tempfile.mkdtemp(prefix="bench_client.")
    try:
        return run_cases(a, cases, tmp)
    finally:
        if a.keep:
            print(f"  logs in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run_cases(a, cases, tmp):
    runner = os.path.join(tmp, "runner")
    with open(runner + ".c", "w") as f:
        f.write(RUNNER_C)
    cc = os.environ.get("CC", "cc")
    if subprocess.run([cc, "-O2", "-o", runner, runner + ".c"]).returncode != 0:
        die("could not compile the runner")

    print(f"== client handshake-and-quit benchmark: {os.cpu_count()} CPUs, {os.uname().sysname} "
          f"{os.uname().release}, {a.rounds} rounds (+{a.warmup} warm-up) per case, round-robin")
    print("   wall = fork..wait4 of the client; RSS = its ru_maxrss; medians over rounds")
    busy = cpu_busy()
    if busy is not None:
        print(f"   CPU busy before the start: {busy:.0f}% of all CPUs" +
              ("  (other work is running: the numbers will be noisy; rerun when idle)" if busy > 15 else ""))
    failures = 0
    summary = []
    clients = CLIENTS + (["tl-base"] if a.baseline else [])
    for case in cases:
        prio, cert = CASES[case]
        port = free_port()
        log = open(os.path.join(tmp, f"serv-{case}.log"), "w")
        srv = start_server(a, port, prio, cert, log)
        try:
            cmds = commands(a, port, cert)
            # sanity: every client completes once, tlsladder says so in words
            ev, rc, text = ladder(cmds["tlsladder"])
            ver = re.search(r"version:\s+(\S+ \S+)", text)
            outcome = re.search(r"outcome:\s+(.*)", text)
            if rc != 0 or not outcome or "handshake completed" not in outcome.group(1):
                print(f"!! {case}: tlsladder exit {rc}: {outcome.group(1) if outcome else text[-300:]}")
                failures += 1
            for name in clients:
                _, _, st, _ = run_once(runner, cmds[name], a.timeout_ms)
                if st != 0:
                    print(f"!! {case}: {name} exited {st}: {' '.join(cmds[name])}")
                    failures += 1
            wall = {n: [] for n in clients}
            rss = {n: [] for n in clients}
            cpu = {n: [] for n in clients}
            bad = {n: 0 for n in clients}
            by_round = {n: {} for n in clients}
            for r in range(-a.warmup, a.rounds):
                order = clients[r % len(clients):] + clients[:r % len(clients)]
                for name in order:
                    ms, kb, st, cms = run_once(runner, cmds[name], a.timeout_ms)
                    if st != 0:
                        bad[name] += 1
                        continue
                    if r >= 0:
                        wall[name].append(ms)
                        rss[name].append(kb)
                        cpu[name].append(cms)
                        by_round[name][r] = ms
            # one more ladder for the timeline facts (after the warm-up)
            ev, rc2, _ = ladder(cmds["tlsladder"])
            counts = {n: syscalls(cmds[n], tmp) for n in ("tlsladder", "minimal", "tl-base")
                      if a.syscalls and n in cmds}
        finally:
            stop_server(srv)
            log.close()

        print()
        print(f"=============== {case}: {ver.group(1) if ver else '?'}, "
              f"{'client certificate required' if cert else 'no client certificate'} ===============")
        print(f"  {'client':<11} {'wall ms':>8} {'p90':>8} {'min':>7} {'cpu ms':>7} {'RSS KB':>7}  failed")
        for n in clients:
            w = sorted(wall[n])
            p90 = w[int(0.9 * (len(w) - 1))] if w else float("nan")
            print(f"  {n:<11} {med(w):8.3f} {p90:8.3f} {min(w) if w else float('nan'):7.3f} "
                  f"{med(cpu[n]):7.3f} {med(rss[n]):7.0f}  {bad[n]}")
            failures += bad[n]
        t = med(wall["tlsladder"])
        r_os = t / med(wall["openssl"])
        r_mc = t / med(wall["minimal"])
        r_gc = t / med(wall["gnutls-cli"])
        rss_t, rss_g = med(rss["tlsladder"]), med(rss["gnutls-cli"])

        def paired(base):
            tl_r, b_r = by_round["tlsladder"], by_round[base]
            return med([tl_r[r] / b_r[r] for r in tl_r if r in b_r])

        print(f"  tlsladder/openssl    wall {r_os:5.2f}  (paired {paired('openssl'):5.2f})  "
              f"target <= {TARGET_OSSL:.2f}: {'PASS' if r_os <= TARGET_OSSL else 'over target'}")
        print(f"  tlsladder/minimal    wall {r_mc:5.2f}  (paired {paired('minimal'):5.2f})  "
              f"target <= {TARGET_MIN:.2f}: {'PASS' if r_mc <= TARGET_MIN else 'over target'}")
        if a.baseline:
            b = med(wall["tl-base"])
            print(f"  tl-base/openssl      wall {b / med(wall['openssl']):5.2f}  "
                  f"tl-base/minimal wall {b / med(wall['minimal']):5.2f}  "
                  f"tlsladder/tl-base wall {t / b:5.2f} (paired {paired('tl-base'):5.2f})  "
                  f"cpu {med(cpu['tlsladder']) / med(cpu['tl-base']):5.2f}")
        for n, c in counts.items():
            if c:
                print(f"  system calls, {n:<9}  {c[0]:4d} in all: {c[1]:3d} waits (poll), {c[2]:3d} reads, "
                      f"{c[3]} threads started")
        print(f"  tlsladder/gnutls-cli wall {r_gc:5.2f}  (paired {paired('gnutls-cli'):5.2f})  (for reference)")
        print(f"  tlsladder/gnutls-cli RSS  {rss_t / rss_g:5.2f}  ({rss_t:.0f} vs {rss_g:.0f} KB)  "
              f"target <= 1.00: {'PASS' if rss_t <= rss_g else 'over target'}")
        gap, at = 0.0, "-"
        if ev:
            for (s0, t0, l0), (s1, t1, l1) in zip(ev, ev[1:]):
                if t1 - t0 > gap:
                    gap, at = t1 - t0, f"steps {s0}->{s1}: {l0} -> {l1}"
            span = ev[-1][1]
            fins = [(s, t) for s, t, l in ev if l.startswith("Finished")]
            close = [(s, t) for s, t, l in ev if "close_notify" in l]
            print(f"  one ladder: {len(ev)} events over {span:.3f} ms (exit {rc2}); "
                  f"largest gap {gap:.3f} ms  target < 5 ms: {'PASS' if gap < 5 else 'over target'}")
            print(f"    at {at}")
            if fins and close:
                last_fin = max(fins, key=lambda x: x[1])
                print(f"    last Finished (step {last_fin[0]}) to close_notify: "
                      f"{close[0][1] - last_fin[1]:.3f} ms (grace 300 ms; ends early on tickets/verdict)")
            print(f"    wall median minus ladder span: {t - span:.3f} ms "
                  f"(process start, set-up, printing, exit)")
        else:
            print("  one ladder: no events parsed")
            failures += 1
        summary.append((case, t, med(wall["gnutls-cli"]), med(wall["openssl"]), med(wall["minimal"]),
                        r_os, r_mc, rss_t, rss_g, gap,
                        med(wall["tl-base"]) if a.baseline else None))

    print()
    print("=============== summary (medians) ===============")
    print(f"  {'case':<11} {'tl ms':>7} {'gc ms':>7} {'ossl ms':>7} {'min ms':>7} "
          f"{'tl/ossl':>7} {'tl/min':>7} {'tl KB':>6} {'gc KB':>6} {'gap ms':>7}")
    for c, t, g, o, m, ro, rm, rt, rg, gap, b in summary:
        print(f"  {c:<11} {t:7.3f} {g:7.3f} {o:7.3f} {m:7.3f} {ro:7.2f} {rm:7.2f} {rt:6.0f} {rg:6.0f} {gap:7.3f}")
    print(f"  targets: tl/ossl <= {TARGET_OSSL:.2f}, tl/min <= {TARGET_MIN:.2f}, tl KB <= gc KB, gap < 5 ms "
          "(informational)")
    if a.baseline:
        print("  tl-base (the --baseline build), same rounds:")
        print(f"  {'case':<11} {'base ms':>7} {'tl ms':>7} {'tl/base':>7} {'base/ossl':>9} {'base/min':>8}")
        for c, t, g, o, m, ro, rm, rt, rg, gap, b in summary:
            print(f"  {c:<11} {b:7.3f} {t:7.3f} {t / b:7.2f} {b / o:9.2f} {b / m:8.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
