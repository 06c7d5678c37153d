#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Benchmark of gwagentd itself (run by hand, not a test):

    top_builddir=BUILD PYTHONPATH=tests python3 tests/bench/bench_daemon.py \
        [-n 10000] [--big 100000]

Against one lab Kamailio (digest MD5, UDP, password = "pw-" + user):
1. gwagentd (AgentX subagent of a lab snmpd, [sip] pace_rate = 0, log
   level warning) from a gateway INI of N accounts: time from the spawn of
   the daemon until Kamailio holds N contacts, and the CPU time (user +
   system) the daemon used until then.  The count is polled from
   Kamailio (RPC stats location_contacts), which costs gwagentd nothing;
   gwRegRegisteredCount is read through snmpd once afterwards as a cross
   check.  Retransmissions: REGISTERs Kamailio received (rcv_requests_register)
   minus the 2 N a challenge-and-answer registration needs.  Failures: the
   sums of gwRegFailures and gwRegTimeouts over gwRegStatusTable.
2. SIPp register+auth (scenarios/uac_register_auth_inf.xml, as
   bench_sip.py) for the same N users against the same Kamailio, restarted
   so both start from an empty location table: times and the ratio.
   Rounds alternate (--rounds, 3) and the medians are compared: the
   machine is shared and single runs of about a second vary by 30 %.
3. VmRSS (and VmHWM) of gwagentd with N bindings and with 1, and the
   difference per binding, with the flight recorder at [sip]
   history_depth (--history-depth, 16 as by default): every binding has
   registered, so every recorder ring exists (gwagentctl history of the
   first and the last binding is checked to hold an entry).  One more run
   of N with history_depth = 0 gives what the recorder itself costs per
   binding (--no-depth0 leaves it out).
4. --big M: the same daemon run with M accounts (time, RSS) and a
   snmpbulkwalk of the gwRegState column through snmpd (rows/s).

Start-up: the time from the spawn to the daemon's "started" log line,
read from the daemon's own log clock (milliseconds), not from when the
harness polled its output.

Build with CFLAGS=-O2 and without sanitizers for meaningful figures.
"""
import argparse
import datetime
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_sip import run_sipp  # noqa: E402
from lab import Lab  # noqa: E402
from lab.gateway import bulk_accounts, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError  # noqa: E402
from lab.snmp import Snmpd, parse_varbinds, snmp_cmd, snmpget  # noqa: E402

PREFIX = "pw-"
ROOT = "1.3.6.1.4.1.8072.9999.9999.7"
ENTRY = ROOT + ".1.2.1.1"            # gwRegStatusEntry
STATE = ENTRY + ".4"
FAILURES = ENTRY + ".15"
TIMEOUTS = ENTRY + ".16"
COUNT = ROOT + ".1.2.3.3.0"          # gwRegRegisteredCount


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise LabError("no %s in /proc/%d/status" % (key, pid))


def cpu_s(pid):
    """User + system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kam_registers(k):
    try:
        return k.stat("rcv_requests_register")
    except LabError:
        return None


def walk_column(snmpd, oid, timeout):
    """(rows, seconds, sum of the integer values) of one column."""
    t0 = time.monotonic()
    rc, out, err = snmp_cmd("snmpbulkwalk", snmpd, ["-Cr50", oid], timeout=timeout,
                            retries=0, check=False)
    dt = time.monotonic() - t0
    if rc != 0:
        raise LabError("snmpbulkwalk %s failed: %s" % (oid, err.strip()[-300:]))
    rows = total = 0
    for k, (_, v) in parse_varbinds(out).items():
        if k.startswith(oid + "."):
            rows += 1
            if v.strip().lstrip("-").isdigit():
                total += int(v)
    return rows, dt, total


STARTED = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) .*\[main\] gwagentd .* started",
                     re.M)


def started_after(gw, wall0):
    """Seconds from wall0 (time.time() at the spawn) to the daemon's
    "started" line, by the daemon's own (local time) log clock."""
    m = STARTED.search(gw.output())
    if m is None:
        return None
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
    return t - wall0


def history_entries(gw, binding):
    """Entries in the flight recorder of one binding (gwagentctl)."""
    rc, out, err = gw.ctl("--json", "history", binding)
    if rc != 0:
        raise LabError("gwagentctl history %s: %s" % (binding, err.strip()))
    return len(json.loads(out))


def run_daemon(lab, k, n, timeout, walk_state=False, depth=16):
    """gwagentd with n accounts; figures as a dict.  Kamailio is restarted
    first so its location table is empty."""
    k.restart()
    snmpd = Snmpd(lab, extra_conf="agentXTimeout 30\n").start()
    names, users = bulk_accounts(n, PREFIX)
    gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                  gateway_ini=lab_gateway_ini(k.udp_port, names, users, reg_time=3600,
                                              gateway=False),
                  settings={"agent": {"log_level": "warning"},
                            "sip": {"pace_rate": "0", "history_depth": str(depth)}})
    try:
        try:   # the lab appends: an earlier run's "started" must not count
            os.unlink(os.path.join(gw.dir, "gwagentd.out"))
        except FileNotFoundError:
            pass
        reg0 = kam_registers(k)
        t0 = time.monotonic()
        wall0 = time.time()
        gw.start(timeout=60.0)
        t_started = started_after(gw, wall0)
        contacts = 0
        deadline = t0 + timeout
        polls = 0
        while time.monotonic() < deadline and polls < 1000000:
            polls += 1
            gw.check_alive()
            contacts = k.contact_count()
            if contacts >= n:
                break
            time.sleep(0.02)
        t_reg = time.monotonic() - t0
        cpu = cpu_s(gw.proc.pid)
        if contacts < n:
            raise LabError("only %d of %d contacts after %.0f s" % (contacts, n, timeout))
        time.sleep(1.0)   # let late retransmissions land before counting
        regs = kam_registers(k)
        rss = status_kb(gw.proc.pid, "VmRSS")
        hwm = status_kb(gw.proc.pid, "VmHWM")
        res = {"n": n, "secs": t_reg, "cpu_s": cpu, "started_s": t_started,
               "contacts": contacts, "depth": depth,
               "rss_kb": rss, "hwm_kb": hwm,
               "registers": None if reg0 is None or regs is None else regs - reg0}
        # every binding registered, so every recorder ring exists
        res["history"] = [history_entries(gw, "account-%d" % i) for i in (0, n - 1)]
        if depth > 0 and min(res["history"]) < 1:
            raise LabError("a binding's flight recorder is empty: %r" % res["history"])
        # Cross checks through snmpd (after the timing, so they cost it nothing).
        wait_s = 60.0 + n / 500.0
        deadline = time.monotonic() + wait_s
        count = None
        while time.monotonic() < deadline:
            v = snmpget(snmpd, COUNT, timeout=5, retries=0, check=False)
            count = int(v[1]) if v and v[1].strip().isdigit() else None
            if count == n:
                break
            time.sleep(0.5)
        res["mib_count"] = count
        wt = 60 + n // 200
        _, _, res["failures"] = walk_column(snmpd, FAILURES, wt)
        _, _, res["timeouts"] = walk_column(snmpd, TIMEOUTS, wt)
        if walk_state:
            rows, dt, _ = walk_column(snmpd, STATE, wt)
            res["walk_rows"], res["walk_s"] = rows, dt
        return res
    finally:
        gw.stop()
        snmpd.stop()


def fmt_daemon(r):
    retr = "?" if r["registers"] is None else "%d" % (r["registers"] - 2 * r["n"])
    started = "?" if r["started_s"] is None else "%.3f s" % r["started_s"]
    return ("%d contacts in %.2f s (%.0f/s; \"started\" logged after %s; %.2f s CPU), "
            "gwRegRegisteredCount %s, failures %d, "
            "timeouts %d, retransmissions %s (Kamailio got %s REGISTERs), VmRSS %d KB, "
            "VmHWM %d KB" % (r["contacts"], r["secs"], r["n"] / r["secs"], started,
                             r["cpu_s"],
                             r["mib_count"],
                             r["failures"], r["timeouts"], retr, r["registers"], r["rss_kb"],
                             r["hwm_kb"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="accounts [10000]")
    ap.add_argument("--big", type=int, default=0, metavar="M",
                    help="also a run with M accounts (e.g. 100000) with a bulkwalk")
    ap.add_argument("--sipp-limit", type=int, default=128,
                    help="SIPp -l (concurrent calls) [128, the engine's in-flight bound]")
    ap.add_argument("--rounds", type=int, default=3,
                    help="alternating gwagentd/SIPp rounds; medians are compared [3]")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds allowed for all N to register [300]")
    ap.add_argument("--history-depth", type=int, default=16,
                    help="[sip] history_depth, the flight recorder [16, the default]")
    ap.add_argument("--no-depth0", action="store_true",
                    help="skip the run with history_depth = 0 (the recorder's own cost)")
    a = ap.parse_args()
    if a.n < 2 or a.rounds < 1 or (a.big and a.big < 2):
        ap.error("-n and --big must be at least 2, --rounds at least 1")
    if not 1 <= a.history_depth <= 256:
        ap.error("--history-depth from 1 to 256")
    depth = a.history_depth
    n = a.n
    big_n = max(a.big, n)
    with Lab("gwbench-daemon") as lab:
        k = Kamailio(lab, password_prefix=PREFIX, tcp=False,
                     hash_size=16 if a.big else 14, shm_mb=1024 if a.big else 256,
                     debug=1).start()
        one = run_daemon(lab, k, 1, 60.0, depth=depth)
        runs, refs = [], []
        for _ in range(a.rounds):   # alternate, from an empty table each time
            runs.append(run_daemon(lab, k, n, a.timeout, depth=depth))
            k.restart()
            reg0 = kam_registers(k)
            ref = run_sipp(lab, k, n, a.sipp_limit)
            regs = kam_registers(k)
            ref["registers"] = None if reg0 is None or regs is None else regs - reg0
            refs.append(ref)
        zero = None if a.no_depth0 else run_daemon(lab, k, n, a.timeout, depth=0)
        big = run_daemon(lab, k, a.big, max(a.timeout, big_n / 50.0), walk_state=True,
                         depth=depth) if a.big else None
        k.stop()
    ratios = []
    for i, (o, r) in enumerate(zip(runs, refs)):
        ratios.append(r["wall_s"] / o["secs"] if o["secs"] else 0)
        print("round %d : gwagentd %.2f s (%d contacts, %.2f s CPU), "
              "SIPp %.2f s (%d contacts, %.2f s CPU): ratio %.2f" %
              (i + 1, o["secs"], o["contacts"], o["cpu_s"], r["wall_s"], r["contacts"],
               r["cpu_s"], ratios[-1]))
    ours = dict(sorted(runs, key=lambda x: x["secs"])[len(runs) // 2])
    ours["failures"] = max(x["failures"] for x in runs)
    ours["timeouts"] = max(x["timeouts"] for x in runs)
    ours["contacts"] = min(x["contacts"] for x in runs)
    ours["rss_kb"] = max(x["rss_kb"] for x in runs)
    ref = sorted(refs, key=lambda x: x["wall_s"])[len(refs) // 2]
    rate = n / ours["secs"]
    sipp_rate = n / ref["wall_s"] if ref["wall_s"] else 0
    per_binding = (ours["rss_kb"] - one["rss_kb"]) * 1024.0 / (n - 1)
    print("gwagentd benchmark: %d accounts, digest MD5, UDP, pacing off, AgentX subagent; "
          "medians of %d rounds (failures, timeouts: worst round; VmRSS: largest)" %
          (n, len(runs)))
    print("gwagentd: %s" % fmt_daemon(ours))
    print("gwagentd: 1 account: VmRSS %d KB; %.0f B VmRSS per binding above it, "
          "flight recorder history_depth %d (%d B allocated per binding: 24 + 12 per "
          "entry; entries in the first and last binding's: %s)" %
          (one["rss_kb"], per_binding, depth, 24 + 12 * depth,
           "/".join(str(x) for x in ours["history"])))
    if zero is not None:
        print("gwagentd: history_depth 0: VmRSS %d KB, %.0f B per binding; the recorder "
              "costs %.0f B VmRSS per binding" %
              (zero["rss_kb"], (zero["rss_kb"] - one["rss_kb"]) * 1024.0 / (n - 1),
               (ours["rss_kb"] - zero["rss_kb"]) * 1024.0 / n))
    print("SIPp    : %d contacts, %.2f s (%.0f/s), exit %d, Kamailio got %s REGISTERs" %
          (ref["contacts"], ref["wall_s"], sipp_rate, ref["rc"], ref["registers"]))
    print("ratio   : gwagentd rate / SIPp rate = %.2f (medians, time %.2f s vs %.2f s); "
          "per round %s, lowest %.2f" %
          (rate / sipp_rate if sipp_rate else 0, ours["secs"], ref["wall_s"],
           ", ".join("%.2f" % x for x in ratios), min(ratios)))
    if big:
        print("big     : %d accounts: %s" % (big["n"], fmt_daemon(big)))
        print("big     : bulkwalk of gwRegState through snmpd: %d rows in %.2f s = %.0f rows/s; "
              "%.0f B VmRSS per binding above 1 account" %
              (big["walk_rows"], big["walk_s"], big["walk_rows"] / big["walk_s"],
               (big["rss_kb"] - one["rss_kb"]) * 1024.0 / (big["n"] - 1)))
    ok_fail = ours["failures"] == 0 and ours["timeouts"] == 0 and ours["contacts"] == n
    targets = [("rate >= SIPp", rate >= sipp_rate), ("0 failures", ok_fail),
               ("<= 2 KB RSS per binding", per_binding <= 2048)]
    print("targets : " + ", ".join("%s %s" % (t, "met" if ok else "MISSED") for t, ok in targets))
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
