#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/lab/mib.py, the named OIDs the tests use, against Net-SNMP: every
name it reads from mibs/GWAGENT-MIB.txt translates to the same numeric OID
with snmptranslate (-M over the tree's mibs/ only, -m GWAGENT-MIB), and
instances and unknown names behave as documented.  No daemon."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import mib  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

MIBDIRS = ":".join(os.path.join(mib.TOP, "mibs", d) for d in ("", "ietf", "netsnmp"))
t = Suite(requires=["snmptranslate"])


def snmptranslate(names):
    """{name: numeric OID} as snmptranslate -On prints them."""
    env = {k: v for k, v in os.environ.items() if k not in ("MIBS", "MIBDIRS", "SNMPCONFPATH")}
    env["SNMPCONFPATH"] = "/nonexistent"
    p = subprocess.run(["snmptranslate", "-M", MIBDIRS, "-m", "GWAGENT-MIB", "-On"] +
                       ["GWAGENT-MIB::" + n for n in names],
                       env=env, capture_output=True, text=True, timeout=60)
    check_eq(p.returncode, 0, "snmptranslate exit status (%s)" % p.stderr.strip())
    check_eq(p.stderr, "", "snmptranslate stderr")
    got = [ln.strip() for ln in p.stdout.splitlines() if ln.strip()]
    check_eq(len(got), len(names), "snmptranslate answers")
    return dict(zip(names, got))


@t.case
def every_name_resolves_to_what_snmptranslate_gives():
    names = mib.names()
    check(len(names) > 150, "names read from the MIB: %d" % len(names))
    for n in ("gwagentMIB", "gwObjects", "gwNotifications", "gwRegStatusEntry",
              "gwRegState", "gwRegistrationTime", "gwIniLoadResult", "gwAgentStarted",
              "gwagentdProduct", "gwAccountRowStatus", "gwActiveAlarmTableLastChanged"):
        check(n in names, "%s is among the names" % n)
    want = snmptranslate(names)
    wrong = ["%s: %s, snmptranslate %s" % (n, mib.oid(n), want[n])
             for n in names if "." + mib.oid(n) != want[n]]
    check_eq(wrong, [], "names whose OID differs from snmptranslate's")


@t.case
def instances_append_and_unknown_names_raise():
    check_eq(mib.oid("gwRegState", 2, 1), mib.oid("gwRegState") + ".2.1", "a column instance")
    check_eq(mib.oid("gwRegistrationTime", 0), mib.oid("gwRegistrationTime") + ".0",
             "a scalar instance")
    check_eq(snmptranslate(["gwRegState.2.1"])["gwRegState.2.1"],
             "." + mib.oid("gwRegState", 2, 1), "snmptranslate of the instance")
    try:
        mib.oid("gwNoSuchObject")
    except KeyError as e:
        check("gwNoSuchObject" in str(e), "the error names the object: %s" % e)
    else:
        raise AssertionError("an unknown name resolved")


if __name__ == "__main__":
    sys.exit(t.run())
