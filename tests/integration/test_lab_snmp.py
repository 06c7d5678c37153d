#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Lab smoke tests, SNMP side: snmpd as AgentX master answers v2c and v3
authPriv, snmptrapd records notifications, and gwagentd attaches to snmpd
as an AgentX subagent and comes back after snmpd restarts."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab, LabError  # noqa: E402
from lab import mib  # noqa: E402
from lab.proc import wait_until  # noqa: E402
from lab.snmp import (Snmpd, Snmptrapd, snmp_cmd, snmpget, snmptrap,  # noqa: E402
                      snmpwalk, V3_RO)
from lab.tap import Suite, check, check_eq  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_OR_DESCR = "1.3.6.1.2.1.1.9.1.3"
COLD_START = "1.3.6.1.6.3.1.1.5.1"
GW_OR_DESCR = "GWAGENT-MIB implementation by gwagentd"

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmptrap"])


def lab_pair(lab):
    trapd = Snmptrapd(lab).start()
    snmpd = Snmpd(lab, trap_sink=trapd, v3_inform_sink=trapd).start()
    return snmpd, trapd


@t.case
def snmpd_answers_v2c():
    with Lab() as lab:
        snmpd, _ = lab_pair(lab)
        typ, val = snmpget(snmpd, SYS_UPTIME)
        check_eq(typ, "Timeticks", "sysUpTime type")
        check("(" in val, "sysUpTime value %r" % val)


@t.case
def snmpd_answers_v3_authpriv_and_rejects_bad_keys():
    with Lab() as lab:
        snmpd, _ = lab_pair(lab)
        for user in ("gwro", "gwrw"):
            typ, _ = snmpget(snmpd, SYS_UPTIME, version="3", user=user)
            check_eq(typ, "Timeticks", "v3 %s sysUpTime type" % user)
        name, _, priv = V3_RO
        bad = ["-v3", "-l", "authPriv", "-u", name, "-a", "SHA", "-A", "wrong-auth-pass",
               "-x", "AES", "-X", priv]
        rc, out, _ = snmp_cmd("snmpget", snmpd, [SYS_UPTIME], timeout=1, retries=0,
                              check=False, auth=bad)
        check(rc != 0, "a wrong v3 key was accepted: %s" % out)


@t.case
def snmpd_rejects_unknown_community():
    with Lab() as lab:
        snmpd, _ = lab_pair(lab)
        rc, out, _ = snmp_cmd("snmpget", snmpd, [SYS_UPTIME], version="2c", user="nope",
                              timeout=1, retries=0, check=False)
        check(rc != 0, "unknown community answered: %s" % out)


@t.case
def snmptrap_reaches_snmptrapd_file():
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        oid = mib.oid("gwNotifications", 99)
        snmptrap(trapd.port, oid, [(mib.oid("gwConfig", 0), "s", "lab smoke")],
                 lab=lab)
        got = trapd.wait_for(lambda n: n["trap_oid"] == oid, 10, "the test trap")
        check_eq(got[0]["vars"].get(mib.oid("gwConfig", 0)),
                 'STRING: "lab smoke"', "varbind")


@t.case
def snmpd_notifications_reach_snmptrapd_v2c_and_v3():
    with Lab() as lab:
        _, trapd = lab_pair(lab)
        got = trapd.wait_for(lambda n: n["trap_oid"] == COLD_START, 10, "coldStart")
        users = {n["user"] for n in trapd.wait_for(
            lambda n: n["trap_oid"] == COLD_START and n["user"] == "gwtrap", 10,
            "coldStart as a v3 inform")} | {n["user"] for n in got}
        check("public" in users and "gwtrap" in users, "senders %r" % users)


def gw_or_present(snmpd):
    return any(GW_OR_DESCR in v for _, v in snmpwalk(snmpd, SYS_OR_DESCR).values())


@t.case
def gwagentd_registers_as_agentx_subagent():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    with Lab() as lab:
        snmpd, _ = lab_pair(lab)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket).start()
        wait_until(lambda: gw_or_present(snmpd), 15, "gwagentd's sysORTable entry")
        gw.stop()
        check_eq(gw.returncode, 0, "gwagentd exit status after SIGTERM")
        wait_until(lambda: not gw_or_present(snmpd), 15, "the entry to go with gwagentd")


@t.case
def gwagentd_comes_back_after_snmpd_restarts():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    with Lab() as lab:
        snmpd, _ = lab_pair(lab)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket).start()
        wait_until(lambda: gw_or_present(snmpd), 15, "gwagentd's sysORTable entry")
        for _ in range(3):
            snmpd.kill9()
            snmpd.start()
            wait_until(lambda: gw_or_present(snmpd), 20,
                       "gwagentd back in sysORTable after the restart")
            gw.check_alive()
        gw.stop()
        check_eq(gw.returncode, 0, "gwagentd exit status after SIGTERM")


if __name__ == "__main__":
    sys.exit(t.run())
