#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Trunk group status, the Register / Un-Register button and the trunk
group alarms (issue 14 item 4): real Kamailio, snmpd (AgentX master),
snmptrapd and gwagentd on loopback.

- The Mediant-2000-like gateway of test_trunk_groups.py (16 E1 spans in 8
  trunk groups, 480 endpoints registering per endpoint): gwTrunkGroupStatusTable
  through snmpd says 8 trunk groups of 60 endpoints, all registered, as
  gwagentctl show trunk-groups does; gwTrunkGroupStatusAction unregister(2)
  on trunk group 3 removes exactly its 60 contacts from Kamailio's location
  table (the other trunk groups' stay), register(1) brings them back; a
  trunk group that does not exist is noCreation.
- Kamailio stopped: every endpoint fails, exactly one
  gwTrunkGroupRegistrationFailed per trunk group reaches snmptrapd (while
  the per-endpoint gwRegistrationFailed go through the rate limit), and one
  gwTrunkGroupRegistrationRestored per trunk group once Kamailio is back.

    top_builddir=BUILD CI=true PYTHONPATH=tests python3 tests/integration/test_trunk_group_status.py
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gateway import e1_numbers, e1_trunk_groups_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, wait_until  # noqa: E402
from lab.snmp import Snmpd, Snmptrapd, snmpget, snmpset, snmpwalk  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmpset", "snmpbulkwalk", "kamailio",
                    "kamcmd"])

PASSWORD = "ep-secret"
NOTIF = mib.oid("gwNotifications") + "."
TG_FAILED, TG_RESTORED, REG_FAILED = NOTIF + "8", NOTIF + "9", NOTIF + "1"


def var(n, oid):
    """The value of varbind oid of notification n, without its type."""
    v = n["vars"].get(oid, "")
    if ": " in v:
        v = v.split(": ", 1)[1]
    return v.strip().strip('"')


class Device:
    """snmpd (with snmptrapd as its sink when traps), Kamailio with a user
    per endpoint, gwagentd with the E1 gateway; stopped with the Lab, by
    PID."""

    def __init__(self, lab, groups, spans, channels, reg_time=3600, traps=False,
                 settings=None):
        if gwagentd_path() is None:
            raise LabError("gwagentd is not built")
        self.numbers = e1_numbers(groups, spans, channels)
        self.trapd = Snmptrapd(lab).start() if traps else None
        self.snmpd = Snmpd(lab, trap_sink=self.trapd).start()
        self.k = Kamailio(lab, realm="gw.test",
                          users={n: PASSWORD for n in self.numbers.values()},
                          hash_size=12, shm_mb=128).start()
        self.gw = Gwagentd(lab, agentx_socket=self.snmpd.agentx_socket, settings=settings or {})
        self.gw.write_ini(e1_trunk_groups_ini(self.k.udp_port, PASSWORD, groups, spans,
                                              channels, reg_time=reg_time))
        self.gw.start(timeout=20)
        wait_until(lambda: (snmpget(self.snmpd, mib.REG_ALL, check=False, timeout=1)
                            or ("", ""))[0] == "INTEGER", 20, "GWAGENT-MIB through snmpd",
                   interval=0.1)

    def tg_column(self, name):
        """{trunk group: value} of a gwTrunkGroupStatusTable column."""
        base = mib.oid(name) + "."
        return {int(o[len(base):]): v.strip('"')
                for o, (_, v) in snmpwalk(self.snmpd, mib.oid(name), bulk=True,
                                          timeout=10).items()}

    def contacts(self):
        try:
            return self.k.contact_count()
        except LabError:
            return None

    def wait_contacts(self, n, timeout):
        try:
            wait_until(lambda: self.gw.check_alive() or self.contacts() == n, timeout,
                       "%d contacts at Kamailio" % n, interval=0.2)
        except LabError:
            raise AssertionError("%r contacts at Kamailio, want %d; gwagentd log:\n%s"
                                 % (self.contacts(), n, self.gw.output()[-3000:]))

    def users_of(self, tg):
        return [n for (g, _, _), n in self.numbers.items() if g == tg]


@t.case
def status_table_and_trunk_group_register_button_480_endpoints():
    with Lab("gwtgst") as lab:
        d = Device(lab, 8, 2, 30)
        d.wait_contacts(480, 60)
        wait_until(lambda: set(d.tg_column("gwTrunkGroupStatusRegistered").values()) == {"60"},
                   20, "60 registered in every trunk group")
        want = {tg: "60" for tg in range(1, 9)}
        check_eq(d.tg_column("gwTrunkGroupStatusMode"), {tg: "0" for tg in range(1, 9)},
                 "gwTrunkGroupStatusMode: perEndpoint(0)")
        for col in ("gwTrunkGroupStatusEndpoints", "gwTrunkGroupStatusBindings",
                    "gwTrunkGroupStatusRegistered"):
            check_eq(d.tg_column(col), want, col)
        for col in ("gwTrunkGroupStatusFailed", "gwTrunkGroupStatusOutOfService",
                    "gwTrunkGroupStatusAction", "gwTrunkGroupStatusLastAction"):
            check_eq(d.tg_column(col), {tg: "0" for tg in range(1, 9)}, col)
        check_eq(d.tg_column("gwTrunkGroupStatusAllFailed"), {tg: "2" for tg in range(1, 9)},
                 "gwTrunkGroupStatusAllFailed false(2)")
        rc, out, err = d.gw.ctl("--json", "show", "trunk-groups")
        check_eq(rc, 0, "gwagentctl show trunk-groups: %s" % err)
        rows = json.loads(out)["trunk_groups"]
        check_eq([(r["tg"], r["mode"], r["endpoints"], r["registered"], r["alarm"])
                  for r in rows],
                 [(tg, "per-endpoint", 60, 60, False) for tg in range(1, 9)],
                 "gwagentctl show trunk-groups")

        # the Un-Register button of trunk group 3 over SNMP
        rc, _, err = snmpset(d.snmpd, [(mib.oid("gwTrunkGroupStatusAction", 3), "i", 2)])
        check_eq(rc, 0, "SET gwTrunkGroupStatusAction.3 unregister: %s" % err)
        d.wait_contacts(480 - 60, 30)
        gone = [u for u in d.users_of(3) if d.k.contacts(u)]
        check_eq(gone, [], "trunk group 3's contacts left at Kamailio")
        stay = [u for g in (1, 2, 4, 5, 6, 7, 8) for u in d.users_of(g)
                if u.endswith(("00", "29", "59")) and not d.k.contacts(u)]
        check_eq(stay, [], "the other trunk groups' contacts missing")
        check_eq(snmpget(d.snmpd, mib.oid("gwTrunkGroupStatusLastAction", 3))[1], "2",
                 "gwTrunkGroupStatusLastAction.3 unregister(2)")
        check_eq(snmpget(d.snmpd, mib.oid("gwTrunkGroupStatusLastActionCount", 3))[1], "60",
                 "gwTrunkGroupStatusLastActionCount.3")
        wait_until(lambda: d.tg_column("gwTrunkGroupStatusRegistered").get(3) == "0", 10,
                   "trunk group 3 shows 0 registered")
        check_eq(d.tg_column("gwTrunkGroupStatusRegistered").get(2), "60", "trunk group 2")
        # ... and its Register button
        rc, _, err = snmpset(d.snmpd, [(mib.oid("gwTrunkGroupStatusAction", 3), "i", 1)])
        check_eq(rc, 0, "SET gwTrunkGroupStatusAction.3 register: %s" % err)
        d.wait_contacts(480, 30)
        check(all(d.k.contacts(u) for u in d.users_of(3)[::7]), "trunk group 3 back")
        # a trunk group that does not exist
        rc, out, err = snmpset(d.snmpd, [(mib.oid("gwTrunkGroupStatusAction", 9), "i", 1)],
                               check=False)
        check(rc != 0 and "noCreation" in out + err, "trunk group 9: %r %r" % (out, err))
        d.gw.check_alive()


@t.case
def registrar_down_one_notification_per_trunk_group():
    # 4 trunk groups of one E1 span (10 B-channels each, 40 endpoints);
    # refreshes every 10 s (RegistrationTime 20, divider 50 %)
    with Lab("gwtgal") as lab:
        d = Device(lab, 4, 1, 10, reg_time=20, traps=True,
                   settings={"traps": {"rate_limit": "2", "summary_interval": "5"}})
        d.wait_contacts(40, 30)
        wait_until(lambda: set(d.tg_column("gwTrunkGroupStatusRegistered").values()) == {"10"},
                   20, "10 registered in every trunk group")
        d.k.stop()
        t0 = time.monotonic()
        # refreshes time out (Timer F, 32 s) within RegistrationTime / 2
        wait_until(lambda: len([n for n in d.trapd.traps() if n["trap_oid"] == TG_FAILED]) >= 4,
                   90, "a gwTrunkGroupRegistrationFailed per trunk group")
        time.sleep(3.0)    # nothing more comes
        failed = [n for n in d.trapd.traps() if n["trap_oid"] == TG_FAILED]
        src = mib.oid("gwAlarmSource", 0)
        sources = sorted(var(n, src) for n in failed)
        check_eq(sources, ["TrunkGroup#%d" % g for g in range(1, 5)],
                 "one gwTrunkGroupRegistrationFailed per trunk group")
        for n in failed:
            g = int(var(n, src).split("#")[1])
            check_eq(var(n, mib.oid("gwTrunkGroupStatusFailed", g)), "10",
                     "gwTrunkGroupStatusFailed.%d in the notification" % g)
        check_eq(d.tg_column("gwTrunkGroupStatusAllFailed"), {g: "1" for g in range(1, 5)},
                 "gwTrunkGroupStatusAllFailed true(1)")
        check_eq(d.tg_column("gwTrunkGroupStatusOutOfService"), {g: "0" for g in range(1, 5)},
                 "no endpoint out of service (OOSOnRegistrationFail 0)")
        names = snmpwalk(d.snmpd, mib.oid("gwActiveAlarmName"), bulk=True, timeout=10)
        check_eq(sum(1 for _, v in names.values() if "gwTrunkGroupRegistrationFailed" in v), 4,
                 "4 trunk group rows in gwActiveAlarmTable")
        check(sum(1 for _, v in names.values() if "gwRegistrationFailed" in v) >= 40,
              "the 40 endpoint rows stay in gwActiveAlarmTable")
        elapsed = time.monotonic() - t0
        per_ep = [n for n in d.trapd.traps() if n["trap_oid"] == REG_FAILED]
        check(len(per_ep) <= 2 + 2 * elapsed + 2,
              "%d gwRegistrationFailed in %.0f s: the rate limit (2/s)" % (len(per_ep), elapsed))

        # the registrar is back: one restored per trunk group
        d.k.start()
        wait_until(lambda: len([n for n in d.trapd.traps()
                                if n["trap_oid"] == TG_RESTORED]) >= 4, 60,
                   "a gwTrunkGroupRegistrationRestored per trunk group")
        time.sleep(2.0)
        restored = [n for n in d.trapd.traps() if n["trap_oid"] == TG_RESTORED]
        check_eq(sorted(var(n, src) for n in restored),
                 ["TrunkGroup#%d" % g for g in range(1, 5)],
                 "one gwTrunkGroupRegistrationRestored per trunk group")
        seqs = mib.oid("gwAlarmSequenceNumber", 0)
        check_eq(sorted(var(n, seqs) for n in restored), sorted(var(n, seqs) for n in failed),
                 "restored carries the failed alarm's sequence number")
        wait_until(lambda: set(d.tg_column("gwTrunkGroupStatusAllFailed").values()) == {"2"},
                   10, "gwTrunkGroupStatusAllFailed false again")
        d.gw.check_alive()


if __name__ == "__main__":
    sys.exit(t.run())
