#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Benchmark of the sip/ engine against the lab Kamailio (run by hand, not
a test):

    top_builddir=BUILD PYTHONPATH=tests python3 tests/bench/bench_sip.py [-n 10000]

1. sipreg_client registers N accounts (digest MD5, UDP, pacing off) with
   one Kamailio: time until all are registered, failures, CPU seconds and
   peak RSS of the client (getrusage of the child), RSS per binding above
   the RSS of a 1-binding run, and the idle CPU while they stay registered.
2. SIPp's register+auth scenario (scenarios/uac_register_auth_inf.xml)
   for the same N users from an injection file, against the same Kamailio
   (restarted so both start from an empty location table): the reference
   rate, and the ratio.
3. Steady-state refresh cost: N bindings with a 20 s grant refreshed twice
   while Kamailio's nonces expire after 1 s (so every refresh costs a 401
   stale and a second REGISTER, the worst case), CPU per refresh, and the
   CPU share at RegistrationTime 3600 (divider 50 %: N refreshes / 1800 s).

Build the client with optimisation and without sanitizers for meaningful
figures (e.g. configure CFLAGS=-O2 in a separate build directory).
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import HOST, free_port  # noqa: E402
from lab.sipp import media_port, scenario  # noqa: E402

PREFIX = "pw-"
TCK = os.sysconf("SC_CLK_TCK")


def driver():
    top = os.environ.get("top_builddir") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    p = os.path.join(top, "tests", "integration", "sipreg_client")
    if not os.access(p, os.X_OK):
        sys.exit("%s is not built (make tests/integration/sipreg_client; "
                 "set top_builddir)" % p)
    return p


def proc_cpu(pid):
    """utime + stime of a live process, seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK


def group_cpu(pgid):
    """CPU seconds of every process in a process group (Kamailio)."""
    tot = 0.0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            tot += (int(fields[11]) + int(fields[12])) / TCK
    return tot


def vm_hwm(pid):
    """Peak RSS (VmHWM, KB) of a live process; 0 when gone.  (wait4's
    ru_maxrss would count the Python parent's pages before exec.)"""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait4(proc):
    """Reap proc; returns (exit code, rusage)."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, ru


def run_client(k, n, expires=3600, hold_s=0.0):
    """sipreg_client for n users: returns a dict of figures."""
    argv = [driver(), "-r", "%s:%d" % (k.host, k.udp_port), "-u", "user", "-P", PREFIX,
            "-n", str(n), "-e", str(expires), "-q", "-I", "-t", "300"]
    k0 = group_cpu(k.proc.pid)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out = []
    idle = None
    t_reg = kam = 0.0
    hwm = 0
    for line in p.stdout:
        out.append(line)
        if line.startswith("holding"):
            t_reg = time.monotonic() - t0
            kam = group_cpu(k.proc.pid) - k0
            hwm = vm_hwm(p.pid)
            if hold_s > 0:
                c1 = proc_cpu(p.pid)
                time.sleep(hold_s)
                idle = (proc_cpu(p.pid) - c1) / hold_s
            p.stdin.write("go\n")
            p.stdin.flush()
            p.stdin.close()
    rc, ru = wait4(p)
    res = {}
    for line in out:
        if line.startswith("result "):
            res = dict(kv.split("=", 1) for kv in line.split()[1:])
    return {"rc": rc, "ok": int(res.get("ok", 0)), "failed": int(res.get("failed", n)),
            "registered_ms": int(res.get("registered_ms", 0)), "wall_s": t_reg,
            "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kb": hwm,
            "idle_cpu": idle, "kamailio_cpu_s": kam}


def run_sipp(lab, k, n, limit):
    d = lab.subdir("sipp-bench")
    inf = os.path.join(d, "users.csv")
    with open(inf, "w") as f:
        f.write("SEQUENTIAL\n")
        for i in range(1, n + 1):
            f.write("user%d;%suser%d\n" % (i, PREFIX, i))
    lp = free_port("udp")
    argv = ["sipp", "%s:%d" % (k.host, k.udp_port), "-sf", scenario("uac_register_auth_inf.xml"),
            "-inf", inf, "-m", str(n), "-r", "1000000", "-rp", "1000", "-l", str(limit),
            "-i", HOST, "-p", str(lp), "-bind_local", "-mp", str(media_port()),
            "-key", "domain", k.realm, "-key", "expires", "3600",
            "-key", "contact", "<sip:bench@%s:%d>" % (HOST, lp),
            "-nostdin", "-buff_size", "4194304", "-timeout", "300s", "-timeout_error",
            "-trace_stat", "-stf", os.path.join(d, "stats.csv")]
    k0 = group_cpu(k.proc.pid)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hwm, cpu = 0, 0.0
    while p.poll() is None:   # sampled: RUSAGE_CHILDREN also holds Kamailio's
        hwm = max(hwm, vm_hwm(p.pid))
        try:
            cpu = proc_cpu(p.pid)
        except (OSError, IndexError):
            pass
        time.sleep(0.01)
    rc = p.returncode
    wall = time.monotonic() - t0
    return {"rc": rc, "wall_s": wall, "cpu_s": cpu,
            "maxrss_kb": hwm, "contacts": k.contact_count(),
            "kamailio_cpu_s": group_cpu(k.proc.pid) - k0}


def refresh_cost(lab, n):
    """CPU per refresh with stale nonces (two REGISTERs per refresh)."""
    k = Kamailio(lab, password_prefix=PREFIX, tcp=False, hash_size=14, shm_mb=256,
                 nonce_expire=1, debug=1, name="kamailio-refresh").start()
    argv = [driver(), "-r", "%s:%d" % (k.host, k.udp_port), "-u", "user", "-P", PREFIX,
            "-n", str(n), "-e", "20", "-q", "-I", "-t", "300"]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    cpu = None
    for line in p.stdout:
        if line.startswith("holding"):
            c1 = proc_cpu(p.pid)
            time.sleep(25.0)   # refreshes at 10 s and 20 s
            cpu = proc_cpu(p.pid) - c1
            p.stdin.write("go\n")
            p.stdin.flush()
            p.stdin.close()
    wait4(p)
    k.stop()
    return cpu / (2 * n) if cpu is not None else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="accounts [10000]")
    ap.add_argument("--sipp-limit", type=int, default=128,
                    help="SIPp -l (concurrent calls) [128, the engine's in-flight bound]")
    ap.add_argument("--rounds", type=int, default=3,
                    help="alternating engine/SIPp rounds; medians are compared [3]")
    ap.add_argument("--no-refresh", action="store_true", help="skip the refresh measurement")
    a = ap.parse_args()
    n = a.n
    with Lab("gwbench-sip") as lab:
        k = Kamailio(lab, password_prefix=PREFIX, tcp=False, hash_size=14, shm_mb=256,
                     debug=1).start()
        base = run_client(k, 1)
        runs, refs, contacts = [], [], []
        for i in range(a.rounds):   # alternate, from an empty table each time
            k.restart()
            runs.append(run_client(k, n, hold_s=10.0 if i == 0 else 0.0))
            contacts.append(k.contact_count())
            k.restart()
            refs.append(run_sipp(lab, k, n, a.sipp_limit))
        k.stop()
        per_refresh = None if a.no_refresh else refresh_cost(lab, n)
    for i, (o, r) in enumerate(zip(runs, refs)):
        print("round %d : engine %.2f s (%d ok, %d failed, CPU %.2f s), SIPp %.2f s "
              "(%d contacts, CPU %.2f s)" % (i + 1, o["wall_s"], o["ok"], o["failed"],
                                            o["cpu_s"], r["wall_s"], r["contacts"],
                                            r["cpu_s"]))
    ours = dict(sorted(runs, key=lambda x: x["wall_s"])[len(runs) // 2])
    ours["idle_cpu"] = runs[0]["idle_cpu"]
    ours["failed"] = max(x["failed"] for x in runs)
    ours["maxrss_kb"] = max(x["maxrss_kb"] for x in runs)
    ref = sorted(refs, key=lambda x: x["wall_s"])[len(refs) // 2]
    contacts = min(contacts)
    rate = n / ours["wall_s"] if ours["wall_s"] else 0
    sipp_rate = n / ref["wall_s"] if ref["wall_s"] else 0
    per_binding = (ours["maxrss_kb"] - base["maxrss_kb"]) * 1024.0 / n
    print("sip engine benchmark: %d accounts, digest MD5, UDP, pacing off; medians of %d "
          "rounds" % (n, len(runs)))
    print("engine  : %d registered, %d failed, %.2f s until all registered "
          "(%.0f/s; engine clock %d ms), exit %d" %
          (ours["ok"], ours["failed"], ours["wall_s"], rate, ours["registered_ms"], ours["rc"]))
    print("engine  : CPU %.2f s (%.0f us per registration), peak RSS %d KB "
          "(%.0f B per binding above a 1-binding run of %d KB), Kamailio CPU %.2f s" %
          (ours["cpu_s"], ours["cpu_s"] * 1e6 / n, ours["maxrss_kb"], per_binding,
           base["maxrss_kb"], ours["kamailio_cpu_s"]))
    print("engine  : location table %d contacts; idle CPU with %d registered: %.3f %% of a core" %
          (contacts, n, 100.0 * (ours["idle_cpu"] or 0)))
    print("SIPp    : %d contacts, %.2f s (%.0f/s), exit %d, CPU >= %.2f s, peak RSS %d KB, "
          "Kamailio CPU %.2f s" % (ref["contacts"], ref["wall_s"], sipp_rate, ref["rc"],
                                   ref["cpu_s"], ref["maxrss_kb"], ref["kamailio_cpu_s"]))
    print("ratio   : engine rate / SIPp rate = %.2f" % (rate / sipp_rate if sipp_rate else 0))
    if per_refresh is not None:
        steady = (per_refresh * n / 1800.0 + (ours["idle_cpu"] or 0)) * 100.0
        print("refresh : %.0f us CPU per refresh (401 stale + REGISTER); at RegistrationTime "
              "3600 (refresh every 1800 s) %d bindings cost %.3f %% of a core" %
              (per_refresh * 1e6, n, steady))
    targets = [("rate >= SIPp", rate >= sipp_rate), ("0 failures", ours["failed"] == 0),
               ("<= 2 KB RSS per binding", per_binding <= 2048)]
    if per_refresh is not None:
        targets.append(("steady refresh < 1 % of a core", steady < 1.0))
    print("targets : " + ", ".join("%s %s" % (t, "met" if ok else "MISSED") for t, ok in targets))
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
