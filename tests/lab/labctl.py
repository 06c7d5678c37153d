#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Bring the loopback lab up by hand (the README's quick start).

    python3 tests/lab/labctl.py up [--gwagentd PATH] [--ini FILE] [--once]

Starts snmptrapd, snmpd (AgentX master), Kamailio (registrar with digest
auth for the users of examples/gateway.ini) and gwagentd as a subagent
with that gateway INI (its 5060 ports rewritten to Kamailio's); shows the
registration status table with snmptable, prints how to reach everything,
then waits for Ctrl-C (or exits at once with --once) and stops everything
by PID.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab.proc import wait_until  # noqa: E402
from lab.snmp import (RO_COMMUNITY, V3_RO, Snmpd, Snmptrapd, snmpget,  # noqa: E402
                      snmpwalk)
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_INI = os.path.join(TOP, "examples", "gateway.ini")


def ini_users(text):
    """Digest users and passwords the gateway INI registers with."""
    users = {}
    m = re.search(r"^\s*UserName\s*=\s*'([^']*)'", text, re.M | re.I)
    p = re.search(r"^\s*Password\s*=\s*'([^']*)'", text, re.M | re.I)
    if m and p:
        users[m.group(1)] = p.group(1)
    for row in re.finditer(r'^\s*Account\s+\d+\s*=\s*(.*);', text, re.M):
        f = [x.strip().strip('"') for x in row.group(1).split(",")]
        if len(f) >= 5:
            users[f[3]] = f[4]
    return users


def show_status(snmpd):
    """snmptable of gwRegStatusTable, names from mibs/GWAGENT-MIB.txt."""
    mibdirs = "%s:%s:/usr/share/snmp/mibs" % (os.path.join(TOP, "mibs", "ietf"),
                                              os.path.join(TOP, "mibs"))
    env = dict(os.environ, MIBS="", SNMPCONFPATH=os.path.join(snmpd.lab.dir, "snmp-client"))
    argv = ["snmptable", "-v2c", "-c", RO_COMMUNITY, "-M", mibdirs, "-m", "GWAGENT-MIB",
            "-Cw", "160", "-Ci", snmpd.address, "GWAGENT-MIB::gwRegStatusTable"]
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    print(p.stdout.rstrip() or p.stderr.rstrip())


def start_kamailio(lab, users):
    from lab.kamailio import Kamailio
    k = Kamailio(lab, realm="gw.test", users=users)
    k.start()
    print("kamailio      : registrar sip:%s:%d (udp/tcp), realm gw.test, users %s (pid %d)"
          % (k.host, k.udp_port, ", ".join(sorted(users)), k.proc.pid))
    return k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["up"])
    ap.add_argument("--gwagentd", default=None)
    ap.add_argument("--ini", default=DEFAULT_INI, help="gateway INI (default examples/gateway.ini)")
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
        with open(args.ini, newline="") as f:
            ini = f.read()
        k = start_kamailio(lab, ini_users(ini))
        if gwagentd_path() is not None:
            ini = ini.replace("127.0.0.1:5060", "127.0.0.1:%d" % k.udp_port)
            gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini,
                          settings={"agent": {"log_level": "info"}}).start()
            wait_until(lambda: any("gwagentd" in v for _, v in
                                   snmpwalk(snmpd, "1.3.6.1.2.1.1.9.1.3").values()),
                       20, "gwagentd in sysORTable")
            print("gwagentd      : pid %d, AgentX subagent of snmpd, gateway INI %s, log %s"
                  % (gw.proc.pid, gw.ini_path, gw.proc.log))
            wait_until(lambda: len(k.contacts()) >= len(ini_users(ini)), 20,
                       "every binding in Kamailio's location table")
            print("location table: %s" % sorted(c["aor"] for c in k.contacts()))
            print("registration status (snmptable GWAGENT-MIB::gwRegStatusTable):")
            show_status(snmpd)
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
