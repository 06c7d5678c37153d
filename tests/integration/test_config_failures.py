#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""No silent failure, counters that survive (issue 11, items 3 and 4), end
to end with snmpd (AgentX master), gwagentd, Kamailio and snmptrapd on
loopback: a binding its configuration cannot run is failed with the reason,
has an alarm and a gwRegistrationFailed with the configuration probable
cause, refuses register; fixed, it registers and the alarm clears with
restored.  Removing a proxy set or an account in alarm sends no restored.
Counters survive a re-derive; gwRegCounterDiscontinuityTime tells when a
row's counters started."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import REG_ALL, REG_TIME  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.proc import free_port, wait_until  # noqa: E402
from lab.snmp import snmpwalk, uptime_ticks  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

REG_STATUS = mib.oid("gwRegStatusEntry")
ALARMS = mib.oid("gwActiveAlarmEntry")
ALARM_VB = mib.oid("gwAlarmVarbinds") + "."  # + "N.0"
NOTIF = mib.oid("gwNotifications") + "."
FAILED, RESTORED, SET_LOST, SET_RESTORED = (NOTIF + n for n in "1234")
STATE_REGISTERED, STATE_FAILED = "4", "9"
CAUSE_CONFIGURATION = "7"           # configurationOrCustomizationError

# gwRegStatusEntry columns
LASTERROR, SENT, OK, CHALLENGES, ACTION, DISC = (
    mib.column(n) for n in ("gwRegLastError", "gwRegRegistersSent", "gwRegSuccesses",
                            "gwRegChallenges", "gwRegAction", "gwRegCounterDiscontinuityTime"))

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3",
         "carol": "carol-secret-4"}

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "kamailio", "kamcmd"])


class World(world.World):
    """snmptrapd, snmpd, Kamailio, then gwagentd as a subagent with alice
    and bob (accounts 0 and 1) on proxy set 1."""

    def __init__(self, lab, accounts=("alice", "bob")):
        super().__init__(lab, USERS, accounts=accounts,
                         ini=lambda w: gateway_ini(w.k.udp_port, accounts, USERS))

    def val(self, col, btype, bid):
        v = self.get("%s.%d.%d.%d" % (REG_STATUS, col, btype, bid))
        return v[1] if v else None

    def counter(self, col, bid):
        return int(self.val(col, 2, bid))

    def disc(self, bid):
        v = self.get("%s.%d.2.%d" % (REG_STATUS, DISC, bid))
        check(v is not None and v[0] == "Timeticks",
              "gwRegCounterDiscontinuityTime is TimeTicks: %r" % (v,))
        return uptime_ticks(v[1])

    def alarms(self):
        """Active alarm rows: {seq: {column: value}}."""
        rows = {}
        for oid, (_, value) in snmpwalk(self.snmpd, ALARMS).items():
            col, seq = oid[len(ALARMS) + 1:].split(".")
            rows.setdefault(seq, {})[int(col)] = value
        return rows

    def alarm_of(self, source):
        for row in self.alarms().values():
            if row.get(4) == '"%s"' % source:
                return row
        return None

    def traps_of(self, trap_oid, source):
        src = ALARM_VB + "5.0"
        return [n for n in self.trapd.traps()
                if n["trap_oid"] == trap_oid and n["vars"].get(src) == 'STRING: "%s"' % source]

    def no_passwords(self):
        text = repr(self.trapd.traps()) + repr(self.alarms())
        for pw in USERS.values():
            check(pw not in text, "a password in a notification or alarm")


def proxy_set_2_for_bob():
    """Proxy set 2, IP group 2 on it, bob served there (the same request
    must give set 2 an address: ini_conf_check refuses a proxy set in use
    without one)."""
    return [(mib.oid("gwProxySetRowStatus", 2), "i", 4),
            (mib.oid("gwIpGroupRowStatus", 2), "i", 4),
            (mib.oid("gwIpGroupProxySetId", 2), "i", 2),
            (mib.oid("gwIpGroupSIPGroupName", 2), "s", "gw.test"),
            (mib.oid("gwAccountServingIPGroup", 1), "i", 2)]


def no_proxy_set_for_bob():
    """IP group 2 without a proxy set (-1), bob served there: accepted,
    but the binding cannot run."""
    return [(mib.oid("gwIpGroupRowStatus", 2), "i", 4),
            (mib.oid("gwIpGroupProxySetId", 2), "i", -1),
            (mib.oid("gwIpGroupSIPGroupName", 2), "s", "gw.test"),
            (mib.oid("gwAccountServingIPGroup", 1), "i", 2)]


@t.case
def unusable_configuration_fails_with_alarm_and_trap_then_clears():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 1, STATE_REGISTERED)
        ok_before = w.counter(OK, 1)
        w.must_set(no_proxy_set_for_bob(), "bob onto an IP group without proxy set")
        w.wait_state(2, 1, STATE_FAILED)
        check_eq(w.val(LASTERROR, 2, 1), '"IP group 2 has no proxy set"', "gwRegLastError")
        row = w.alarm_of("Account#1")
        check(row is not None, "an active alarm row for account 1: %r" % w.alarms())
        check_eq(row[2], '"gwRegistrationFailed"', "alarm name")
        check_eq(row[7], CAUSE_CONFIGURATION, "alarm probable cause")
        check("IP group 2 has no proxy set" in row[3], "alarm text: %s" % row[3])
        traps = w.trapd.wait_for(
            lambda n: n in w.traps_of(FAILED, "Account#1"), 15, "gwRegistrationFailed of bob")
        vb = traps[-1]["vars"]
        check_eq(vb.get(ALARM_VB + "4.0"), "INTEGER: 7", "probable cause in the trap")
        check("IP group 2 has no proxy set" in vb.get(ALARM_VB + "6.0", ""),
              "reason in the trap text: %r" % vb)
        check_eq(vb.get(mib.oid("gwRegLastError", 2, 1)), 'STRING: "IP group 2 has no proxy set"',
                 "gwRegLastError in the trap")
        # register and refresh refused, the reason still readable
        for action in (1, 3):
            rc, _, err = w.set([("%s.%d.2.1" % (REG_STATUS, ACTION), "i", action)])
            check(rc != 0 and "inconsistentValue" in err,
                  "gwRegAction %d on the failed binding: %s" % (action, err))
        check_eq(w.val(LASTERROR, 2, 1), '"IP group 2 has no proxy set"',
                 "gwRegLastError after the refused action")
        # device-wide register skips it and succeeds
        w.must_set([(REG_ALL, "i", 1)], "gwRegAllAction register")
        w.wait_state(2, 0, STATE_REGISTERED)
        # fixed: proxy set 2 with an address, IP group 2 on it
        w.must_set([(mib.oid("gwProxySetRowStatus", 2), "i", 4),
                    (mib.oid("gwIpGroupProxySetId", 2), "i", 2),
                    (mib.oid("gwProxyIpRowStatus", 5), "i", 4),
                    (mib.oid("gwProxyIpIpAddress", 5), "s", "127.0.0.1:%d" % w.k.udp_port),
                    (mib.oid("gwProxyIpTransportType", 5), "i", 0),
                    (mib.oid("gwProxyIpProxySetId", 5), "u", 2)], "an address for proxy set 2")
        w.wait_state(2, 1, STATE_REGISTERED)
        w.trapd.wait_for(lambda n: n in w.traps_of(RESTORED, "Account#1"), 15,
                         "gwRegistrationRestored of bob")
        wait_until(lambda: w.alarm_of("Account#1") is None, 10, "bob's alarm row to go")
        check_eq(w.val(LASTERROR, 2, 1), '""', "gwRegLastError once registered")
        check(w.counter(OK, 1) >= ok_before + 1,
              "bob's successes kept across the broken spell (%d before)" % ok_before)
        check_eq(w.disc(1), 0, "bob's counters have counted since the start")
        check_eq(w.set([("%s.%d.2.1" % (REG_STATUS, ACTION), "i", 3)])[0], 0,
                 "refresh allowed again")
        w.no_passwords()


@t.case
def removing_a_proxy_set_or_account_in_alarm_sends_no_restored():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 1, STATE_REGISTERED)
        dead = free_port("udp")  # nothing answers there
        w.must_set(proxy_set_2_for_bob() + [
            (mib.oid("gwProxyIpRowStatus", 5), "i", 4),
            (mib.oid("gwProxyIpIpAddress", 5), "s", "127.0.0.1:%d" % dead),
            (mib.oid("gwProxyIpTransportType", 5), "i", 0),
            (mib.oid("gwProxyIpProxySetId", 5), "u", 2)], "bob onto a dead proxy set")
        w.trapd.wait_for(lambda n: n in w.traps_of(SET_LOST, "ProxySet#2"), 90,
                         "gwProxySetLost of set 2")
        w.trapd.wait_for(lambda n: n in w.traps_of(FAILED, "Account#1"), 90,
                         "gwRegistrationFailed of bob")
        check(w.alarm_of("ProxySet#2") is not None, "set 2 in alarm")
        check(w.alarm_of("Account#1") is not None, "bob in alarm")
        # account, IP group, address and set go in one SET
        w.must_set([(mib.oid("gwAccountRowStatus", 1), "i", 6),
                    (mib.oid("gwIpGroupRowStatus", 2), "i", 6),
                    (mib.oid("gwProxyIpRowStatus", 5), "i", 6),
                    (mib.oid("gwProxySetRowStatus", 2), "i", 6)], "destroy bob and proxy set 2")
        wait_until(lambda: w.alarm_of("ProxySet#2") is None and w.alarm_of("Account#1") is None,
                   15, "the alarm rows of set 2 and bob to go")
        time.sleep(3)  # the proxy set check runs every second
        check_eq(w.traps_of(SET_RESTORED, "ProxySet#2"), [], "no gwProxySetRestored")
        check_eq(w.traps_of(RESTORED, "Account#1"), [], "no gwRegistrationRestored")
        w.wait_state(2, 0, STATE_REGISTERED)  # alice untouched
        w.no_passwords()


@t.case
def counters_survive_a_rederive_and_restart_with_a_new_row():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 0, STATE_REGISTERED)
        w.wait_state(2, 1, STATE_REGISTERED)
        for i in range(2):
            ok = w.counter(OK, 0)
            w.must_set([("%s.%d.2.0" % (REG_STATUS, ACTION), "i", 3)], "refresh alice")
            wait_until(lambda: w.counter(OK, 0) > ok, 15, "alice's refresh %d" % (i + 1))
        before = {c: w.counter(c, 0) for c in (SENT, OK, CHALLENGES)}
        check(before[OK] >= 3, "alice registered then refreshed twice: %r" % before)
        check_eq(w.disc(0), 0, "alice's counters count since the start")
        # a new registration time re-derives every binding
        w.must_set([(REG_TIME, "u", 120)], "RegistrationTime 120")
        wait_until(lambda: w.counter(OK, 0) > before[OK], 20, "alice re-registered")
        w.wait_state(2, 0, STATE_REGISTERED)
        for c, v in before.items():
            check(w.counter(c, 0) >= v, "column %d kept: %d -> %d" % (c, v, w.counter(c, 0)))
        check_eq(w.disc(0), 0, "discontinuity time unchanged")
        # bob destroyed and created again: counters from 0, a new time
        wait_until(lambda: w.counter(OK, 1) >= 2, 20, "bob re-registered too")
        bob_ok = w.counter(OK, 1)
        w.must_set([(mib.oid("gwAccountRowStatus", 1), "i", 6)], "destroy bob")
        wait_until(lambda: w.val(4, 2, 1) is None or "No Such" in w.val(4, 2, 1), 10,
                   "bob's status row to go")
        w.must_set([(mib.oid("gwAccountRowStatus", 1), "i", 4),
                    (mib.oid("gwAccountServedTrunkGroup", 1), "i", 1),
                    (mib.oid("gwAccountServingIPGroup", 1), "i", 1),
                    (mib.oid("gwAccountUsername", 1), "s", "bob"),
                    (mib.oid("gwAccountPassword", 1), "s", USERS["bob"]),
                    (mib.oid("gwAccountRegister", 1), "i", 1),
                    (mib.oid("gwAccountContactUser", 1), "s", "bob")], "create bob again")
        w.wait_state(2, 1, STATE_REGISTERED)
        d = w.disc(1)
        check(d is not None and d > 0, "a new discontinuity time for bob: %r" % d)
        check(w.counter(OK, 1) < bob_ok,
              "bob's counters started again (%d before)" % bob_ok)
        check_eq(w.disc(0), 0, "alice's time untouched")
        w.no_passwords()


if __name__ == "__main__":
    sys.exit(t.run())
