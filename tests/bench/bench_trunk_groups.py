#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Benchmark of per-endpoint registration (run by hand, not a test):

    top_builddir=BUILD PYTHONPATH=tests python3 tests/bench/bench_trunk_groups.py \
        [--groups 8] [--spans 2] [--channels 30] [--pace-rate 50] \
        [--window 32] [--rounds 3]

A Mediant-2000-like gateway (tests/lab/gateway.py e1_trunk_groups_ini():
by default 8 trunk groups of 2 E1 spans, B-channels 1-30, 480 endpoints)
registering per endpoint (AuthenticationMode 0) to one lab Kamailio
(digest MD5, UDP, every endpoint with the global Password), gwagentd as an
AgentX subagent of a lab snmpd with the DEFAULT pacing ([sip] pace_rate
50, register_window 32) unless told otherwise.  Per round: the time from
the spawn of the daemon until Kamailio holds every contact (polled over
its RPC), the daemon's CPU time until then, its VmRSS and VmHWM, and the
REGISTERs Kamailio received beyond the 2 per endpoint a challenge and
answer need (retransmissions).  One line per round, then the medians:

    480 endpoints: all registered in 9.7 s (pace_rate 50, window 32), ...

With pace_rate 50 the time is bound by the pacing: about N / 50 s.
Build with CFLAGS=-O2 and without sanitizers for meaningful figures.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab.gateway import e1_numbers, e1_trunk_groups_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError  # noqa: E402
from lab.snmp import Snmpd  # noqa: E402

PASSWORD = "ep-bench"


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise LabError("no %s in /proc/%d/status" % (key, pid))


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(args, numbers):
    n = len(numbers)
    with Lab("gwbenchtg") as lab:
        snmpd = Snmpd(lab).start()
        k = Kamailio(lab, realm="gw.test", users={u: PASSWORD for u in numbers.values()},
                     hash_size=12, shm_mb=128).start()
        sip = {"pace_rate": str(args.pace_rate)}
        if args.window is not None:
            sip["register_window"] = str(args.window)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                      settings={"sip": sip, "agent": {"log_level": "warning"}})
        gw.write_ini(e1_trunk_groups_ini(k.udp_port, PASSWORD, args.groups, args.spans,
                                         args.channels))
        before = k.stat("rcv_requests_register")
        t0 = time.monotonic()
        gw.start(timeout=30)
        pid = gw.proc.popen.pid
        deadline = t0 + args.timeout
        while k.contact_count() < n:
            if time.monotonic() > deadline or gw.check_alive():
                raise LabError("%d of %d contacts after %.0f s" % (k.contact_count(), n,
                                                                     args.timeout))
            time.sleep(0.05)
        took = time.monotonic() - t0
        cpu = cpu_s(pid)
        rss, hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
        extra = k.stat("rcv_requests_register") - before - 2 * n
        gw.stop()
        return took, cpu, rss, hwm, extra


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=8)
    ap.add_argument("--spans", type=int, default=2, help="E1 spans per trunk group")
    ap.add_argument("--channels", type=int, default=30, help="B-channels per span")
    ap.add_argument("--pace-rate", type=int, default=50, help="[sip] pace_rate (default 50)")
    ap.add_argument("--window", type=int, default=None,
                    help="[sip] register_window (default: the daemon's, 32)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    if gwagentd_path() is None:
        sys.exit("gwagentd is not built (set top_builddir)")
    numbers = e1_numbers(args.groups, args.spans, args.channels)
    n = len(numbers)
    window = "32 (default)" if args.window is None else str(args.window)
    res = []
    for r in range(args.rounds):
        took, cpu, rss, hwm, extra = one_round(args, numbers)
        res.append((took, cpu, rss, hwm, extra))
        print("round %d: %d endpoints registered in %.2f s, CPU %.2f s, VmRSS %d kB, "
              "VmHWM %d kB, %d REGISTERs beyond 2 per endpoint"
              % (r + 1, n, took, cpu, rss, hwm, extra), flush=True)
    med = [statistics.median(x[i] for x in res) for i in range(5)]
    print("%d endpoints (%d trunk groups x %d E1 spans x %d B-channels): all registered "
          "in %.2f s (median of %d; pace_rate %d, register_window %s), gwagentd CPU "
          "%.2f s, VmRSS %d kB, VmHWM %d kB, %d extra REGISTERs"
          % (n, args.groups, args.spans, args.channels, med[0], len(res), args.pace_rate,
             window, med[1], med[2], med[3], med[4]))


if __name__ == "__main__":
    main()
