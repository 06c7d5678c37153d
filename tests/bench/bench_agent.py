#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Benchmark of gwagentd's SNMP side (run by hand, not a test):

    top_builddir=BUILD PYTHONPATH=tests python3 tests/bench/bench_agent.py [-n 10000]

With N accounts registered against the lab Kamailio (N+1 rows in
gwRegStatusTable):
1. snmpbulkwalk of gwRegStatusTable through snmpd with gwagentd as AgentX
   subagent, and the same walk with gwagentd as its own embedded master in
   the same run: rows/s of each and the ratio (the reference notes AgentX
   costs one round trip per GETBULK repetition).
2. Median, p99 and max latency of single-row GETs of the status table
   (bench_snmpget, a Net-SNMP C client, 2,000 GETs over random rows), in
   both modes.
3. gwagentd's peak RSS with N bindings.

Build without sanitizers and with optimisation for meaningful figures.
"""
import argparse
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab.gateway import bulk_accounts, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import free_port, wait_until  # noqa: E402
from lab.snmp import Snmpd, snmp_cmd, snmpget  # noqa: E402

ROOT = "1.3.6.1.4.1.8072.9999.9999.7"
REG_TABLE = ROOT + ".1.2.1"
STATE = ROOT + ".1.2.1.1.4"
COUNT = ROOT + ".1.2.3.3.0"   # gwRegRegisteredCount


def gateway_ini(port, n):
    names, users = bulk_accounts(n)
    return lab_gateway_ini(port, names, users, reg_time=3600, gateway=False)


class Agent:
    def __init__(self, address, lab):
        self.address = address
        self.lab = lab


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def walk(agent, repeats):
    best = None
    rows = 0
    for _ in range(repeats):
        t0 = time.monotonic()
        rc, out, err = snmp_cmd("snmpbulkwalk", agent, ["-Cr50", STATE], timeout=30, retries=0)
        dt = time.monotonic() - t0
        rows = out.count("\n")
        best = dt if best is None else min(best, dt)
    return rows, best


def latency(agent, n, gets, builddir):
    exe = os.path.join(builddir, "tests", "bench", "bench_snmpget")
    oids = ["%s.2.%d" % (STATE, random.randrange(n)) for _ in range(200)]
    env = dict(os.environ, MIBS="", SNMPCONFPATH=os.path.join(agent.lab.dir, "snmp-client"))
    p = subprocess.run([exe, agent.address, str(gets)] + oids, env=env, capture_output=True,
                       text=True, timeout=600)
    return p.stdout.strip() or p.stderr.strip()


def run_mode(lab, k, n, master, builddir, repeats, gets):
    snmpd = None
    if master:
        port = free_port("udp")
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % port, gateway_ini=gateway_ini(k.udp_port, n),
                      settings={"agent": {"log_level": "warning"}}).start()
        agent = Agent("127.0.0.1:%d" % port, lab)
    else:
        snmpd = Snmpd(lab, extra_conf="agentXTimeout 10\n").start()
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=gateway_ini(k.udp_port, n),
                      settings={"agent": {"log_level": "warning"}}).start()
        agent = snmpd
    wait_until(lambda: (snmpget(agent, COUNT, check=False) or ("", "0"))[1] == str(n), 300,
               "%d bindings registered" % n, interval=1.0)
    rows, secs = walk(agent, repeats)
    lat = latency(agent, n, gets, builddir)
    res = {"rows": rows, "secs": secs, "rate": rows / secs, "latency": lat,
           "rss_kb": rss_kb(gw.proc.pid)}
    gw.stop()
    if snmpd is not None:
        snmpd.stop()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--gets", type=int, default=2000)
    args = ap.parse_args()
    builddir = os.environ.get("top_builddir", ".")
    with Lab("gwbench") as lab:
        k = Kamailio(lab, realm="gw.test", password_prefix="pw-", hash_size=14, shm_mb=256).start()
        sub = run_mode(lab, k, args.n, False, builddir, args.repeats, args.gets)
        k.restart()
        mas = run_mode(lab, k, args.n, True, builddir, args.repeats, args.gets)
    print("bindings: %d" % args.n)
    for name, r in (("subagent (snmpd + AgentX)", sub), ("embedded master", mas)):
        print("%-26s bulkwalk of gwRegState: %d rows in %.2f s = %.0f rows/s; GET %s; "
              "gwagentd peak RSS %.1f MB" % (name, r["rows"], r["secs"], r["rate"], r["latency"],
                                             r["rss_kb"] / 1024.0))
    print("ratio embedded/subagent walk rate: %.1f" % (mas["rate"] / sub["rate"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
