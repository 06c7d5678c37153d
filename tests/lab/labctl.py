#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Bring the loopback lab up by hand (the README's quick start).

    python3 tests/lab/labctl.py up [--gwagentd PATH] [--once]

Starts snmptrapd, snmpd (AgentX master), Kamailio (registrar with digest
auth) and, when built, gwagentd as a subagent; shows each one answering,
prints how to reach them, then waits for Ctrl-C (or exits at once with
--once) and stops everything by PID.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab.proc import wait_until  # noqa: E402
from lab.snmp import (RO_COMMUNITY, V3_RO, Snmpd, Snmptrapd, snmpget,  # noqa: E402
                      snmpwalk)
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402

LAB_USERS = {"gw": "gw-secret", "alice": "alice-secret", "bob": "bob-secret"}


def start_kamailio(lab):
    try:
        from lab.kamailio import Kamailio
    except ImportError:
        print("kamailio      : lab module not available yet")
        return None
    k = Kamailio(lab, realm="gw.test", users=LAB_USERS)
    k.start()
    print("kamailio      : registrar sip:%s:%d (udp/tcp), realm gw.test, users %s"
          % (k.host, k.udp_port, ", ".join(sorted(LAB_USERS))))
    return k


def show_sip(lab, k):
    if k is None:
        return
    try:
        from lab.sipclient import register
    except ImportError:
        return
    r = register(k.host, k.udp_port, "alice", "alice-secret", realm="gw.test", expires=60)
    print("  REGISTER alice -> %s; location table: %s"
          % (getattr(r, "status", r), [c.get("aor") for c in k.contacts()]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["up"])
    ap.add_argument("--gwagentd", default=None)
    ap.add_argument("--once", action="store_true", help="show it answering, then stop")
    args = ap.parse_args()
    if args.gwagentd:
        os.environ["GWAGENTD"] = os.path.abspath(args.gwagentd)
    with Lab("gwlab") as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd, v3_inform_sink=trapd).start()
        print("lab directory : %s" % lab.dir)
        print("snmptrapd     : udp:127.0.0.1:%d -> %s (pid %d)"
              % (trapd.port, trapd.logfile, trapd.proc.pid))
        print("snmpd         : udp:%s (pid %d), AgentX unix:%s"
              % (snmpd.address, snmpd.proc.pid, snmpd.agentx_socket))
        print("  v2c read community '%s'; v3 authPriv user '%s' (SHA/AES)"
              % (RO_COMMUNITY, V3_RO[0]))
        print("  sysUpTime.0 = %s" % (snmpget(snmpd, "1.3.6.1.2.1.1.3.0"),))
        k = start_kamailio(lab)
        show_sip(lab, k)
        if gwagentd_path() is not None:
            gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket).start()
            wait_until(lambda: any("gwagentd" in v for _, v in
                                   snmpwalk(snmpd, "1.3.6.1.2.1.1.9.1.3").values()),
                       20, "gwagentd in sysORTable")
            print("gwagentd      : pid %d, AgentX subagent of snmpd" % gw.proc.pid)
        else:
            print("gwagentd      : not built (pass --gwagentd PATH)")
        print("sysORTable:")
        for oid, (_, v) in snmpwalk(snmpd, "1.3.6.1.2.1.1.9.1.3").items():
            print("  %s = %s" % (oid, v))
        print("traps so far  : %d in %s" % (len(trapd.traps()), trapd.logfile))
        if args.once:
            return 0
        print("lab is up; press Ctrl-C to stop it")
        try:
            while all(p.alive() for p in lab.procs):
                time.sleep(1)
            print("a lab process exited; stopping")
            return 1
        except KeyboardInterrupt:
            print("stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
