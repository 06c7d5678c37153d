#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The MIB details an NMS engineer checks (issue 17, item 1), end to end
with snmpd (AgentX master), gwagentd, Kamailio and snmptrapd on loopback:
an alarm raised and cleared leaves a gwAlarmHistoryTable row with both
times and moves gwActiveAlarmTableLastChanged; gwRegProxyStatusIndex is
the gwProxyStatusTable row of the address in use; the typed address
columns decode to the string columns; every DateAndTime in a full walk is
8 or 11 octets; a failed INI load raises an alarm row that the next good
load clears, with the same sequence number."""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import INI_URI, INI_MODE, INI_ACTION, INI_STATUS, INI_TIME, LINE_TIME  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.proc import wait_until  # noqa: E402
from lab.snmp import uptime_ticks  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

OBJ = mib.oid("gwObjects")
REG_STATUS = mib.oid("gwRegStatusEntry")
PX_STATUS = mib.oid("gwProxyStatusEntry")
INI = mib.oid("gwIniMgmt")
ALARMS = mib.oid("gwActiveAlarmEntry")
LAST_CHANGED = mib.oid("gwActiveAlarmTableLastChanged", 0)
HISTORY = mib.oid("gwAlarmHistoryEntry")
ALARM_VB = mib.oid("gwAlarmVarbinds") + "."  # + "N.0"
NOTIF = mib.oid("gwNotifications") + "."
FAILED, RESTORED, INI_RESULT = NOTIF + "1", NOTIF + "2", NOTIF + "5"
STATE_REGISTERED, STATE_FAILED = "4", "9"

# gwRegStatusEntry columns
R_PROXY, R_LASTSUCCESS = mib.column("gwRegProxyAddress"), mib.column("gwRegLastSuccess")
R_PXINDEX, R_ADDRTYPE, R_ADDR, R_PORT, R_VALID = (
    mib.column(n) for n in ("gwRegProxyStatusIndex", "gwRegProxyInetAddressType",
                            "gwRegProxyInetAddress", "gwRegProxyPort", "gwRegLastSuccessValid"))
# gwProxyStatusEntry columns
P_ADDR, P_INUSE, P_ADDRTYPE, P_INETADDR, P_PORT = (
    mib.column(n) for n in ("gwProxyStatusResolvedAddress", "gwProxyStatusInUse",
                            "gwProxyStatusInetAddressType", "gwProxyStatusInetAddress",
                            "gwProxyStatusPort"))

# Every DateAndTime object, as an OID prefix (a column or a scalar).
DATEANDTIME = {mib.oid(n, *inst): n for n, inst in (
    ("gwRegLastSuccess", ()), ("gwProxyStatusLastKeepAlive", ()),
    ("gwIniActionTime", (0,)), ("gwIniLineTime", (0,)), ("gwActiveAlarmDateAndTime", ()),
    ("gwAlarmHistoryRaiseDateAndTime", ()), ("gwAlarmHistoryClearDateAndTime", ()),
    ("gwRegHistoryEnd", ()))}

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3"}

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "kamailio", "kamcmd"])


def octets(tv):
    """The octets of a ('STRING'|'Hex-STRING', text) value as printed."""
    typ, text = tv
    if typ == "Hex-STRING":
        return bytes.fromhex(text.replace(" ", ""))
    check(typ == "STRING" or (typ == "" and text == '""'), "an OCTET STRING: %r" % (tv,))
    s = text
    if s.startswith('"') and s.endswith('"'):
        s = s[1:-1]
    return s.replace('\\"', '"').replace("\\\\", "\\").encode("latin-1")


def dateandtime(tv):
    b = octets(tv)
    check(len(b) in (8, 11), "DateAndTime of 8 or 11 octets: %r" % (tv,))
    return (b[0] << 8 | b[1], b[2], b[3], b[4], b[5], b[6])


class World(world.World):
    """snmptrapd, snmpd, Kamailio, then gwagentd as a subagent with alice
    and bob (accounts 0 and 1) on proxy set 1, the gateway on set 0."""

    def __init__(self, lab):
        super().__init__(lab, USERS,
                         ini=lambda w: gateway_ini(w.k.udp_port, ("alice", "bob"), USERS))

    def reg(self, col, btype, bid):
        return self.get("%s.%d.%d.%d" % (REG_STATUS, col, btype, bid))

    def px(self, col, idx):
        return self.get("%s.%d.%d" % (PX_STATUS, col, idx))

    def last_changed(self):
        v = self.get(LAST_CHANGED)
        check(v is not None and v[0] == "Timeticks",
              "gwActiveAlarmTableLastChanged is TimeTicks: %r" % (v,))
        return uptime_ticks(v[1])

    def rows(self, entry):
        """{index: {column: (type, value)}} of a one-index table."""
        rows = {}
        for oid, tv in self.walk(entry).items():
            col, idx = oid[len(entry) + 1:].split(".", 1)
            rows.setdefault(idx, {})[int(col)] = tv
        return rows

    def row_of(self, entry, source):
        for idx, row in self.rows(entry).items():
            if row.get(4, ("", ""))[1] == '"%s"' % source:
                return idx, row
        return None, None

    def no_passwords(self):
        text = repr(self.trapd.traps()) + repr(self.walk(OBJ))
        for pw in USERS.values():
            check(pw not in text, "a password in a notification or a walk")


def decode_inet(atype, addr, port):
    """The "ip:port" string the typed columns stand for."""
    kind = int(atype[1])
    b = octets(addr)
    if kind == 1:
        check_eq(len(b), 4, "an ipv4 InetAddress is 4 octets")
        host = socket.inet_ntop(socket.AF_INET, b)
    elif kind == 2:
        check_eq(len(b), 16, "an ipv6 InetAddress is 16 octets")
        host = "[%s]" % socket.inet_ntop(socket.AF_INET6, b)
    elif kind == 16:
        host = b.decode()
    else:
        check_eq(len(b), 0, "an unknown(0) InetAddress is empty")
        return ""
    return "%s:%s" % (host, port[1])


def check_all_dateandtime(w):
    """Every DateAndTime instance of a full walk is 8 or 11 octets; the
    objects seen, by name."""
    seen = set()
    for oid, tv in w.walk(OBJ).items():
        for prefix, name in DATEANDTIME.items():
            if oid == prefix or oid.startswith(prefix + "."):
                b = octets(tv)
                check(len(b) in (8, 11), "%s %s: %d octets (%r)" % (name, oid, len(b), tv))
                seen.add(name)
    return seen


@t.case
def pointer_and_typed_addresses_match_the_strings():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(1, 0, STATE_REGISTERED)
        w.wait_state(2, 1, STATE_REGISTERED)
        # gateway on proxy set 0 (ProxyIp 0), bob on proxy set 1 (ProxyIp 1)
        for (btype, bid), want in (((1, 0), 0), ((2, 1), 1)):
            ptr = int(w.reg(R_PXINDEX, btype, bid)[1])
            check_eq(ptr, want, "gwRegProxyStatusIndex of %d.%d" % (btype, bid))
            addr = w.reg(R_PROXY, btype, bid)[1].strip('"')
            check_eq(addr, "127.0.0.1:%d" % w.k.udp_port, "gwRegProxyAddress")
            check_eq(w.px(P_ADDR, ptr)[1].strip('"'), addr,
                     "the pointed row's gwProxyStatusResolvedAddress")
            check_eq(w.px(P_INUSE, ptr)[1], "1", "the pointed row is in use")
            check_eq(w.reg(R_ADDRTYPE, btype, bid)[1], "1", "gwRegProxyInetAddressType ipv4")
            check_eq(decode_inet(w.reg(R_ADDRTYPE, btype, bid), w.reg(R_ADDR, btype, bid),
                                 w.reg(R_PORT, btype, bid)), addr,
                     "typed columns decode to gwRegProxyAddress")
            check_eq(decode_inet(w.px(P_ADDRTYPE, ptr), w.px(P_INETADDR, ptr),
                                 w.px(P_PORT, ptr)), addr,
                     "typed columns decode to gwProxyStatusResolvedAddress")
            check_eq(w.reg(R_VALID, btype, bid)[1], "1", "gwRegLastSuccessValid true")
            year = dateandtime(w.reg(R_LASTSUCCESS, btype, bid))[0]
            check(year >= 2024, "gwRegLastSuccess is a real time: %d" % year)
        # a proxy address nobody uses: unknown keep-alive, 1970 time
        w.must_set([(mib.oid("gwProxyIpRowStatus", 7), "i", 4),
                    (mib.oid("gwProxyIpIpAddress", 7), "s", "127.0.0.1:9"),
                    (mib.oid("gwProxyIpProxySetId", 7), "u", 0)], "a spare address in proxy set 0")
        seen = check_all_dateandtime(w)
        for name in ("gwRegLastSuccess", "gwProxyStatusLastKeepAlive", "gwIniActionTime",
                     "gwIniLineTime"):
            check(name in seen, "%s walked" % name)
        check_eq(dateandtime(w.get(INI_TIME))[0], 1970,
                 "gwIniActionTime before any action is 1970-01-01")
        check_eq(dateandtime(w.get(LINE_TIME))[0], 1970,
                 "gwIniLineTime before any line is 1970-01-01")
        w.no_passwords()


@t.case
def alarm_history_and_last_changed():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 1, STATE_REGISTERED)
        before = w.last_changed()
        # bob onto an IP group without a proxy set: a configuration alarm
        w.must_set([(mib.oid("gwIpGroupRowStatus", 2), "i", 4),
                    (mib.oid("gwIpGroupProxySetId", 2), "i", -1),
                    (mib.oid("gwIpGroupSIPGroupName", 2), "s", "gw.test"),
                    (mib.oid("gwAccountServingIPGroup", 1), "i", 2)],
                   "bob onto an IP group without proxy set")
        w.wait_state(2, 1, STATE_FAILED)
        seq, row = w.row_of(ALARMS, "Account#1")
        check(seq is not None, "an active alarm row for bob: %r" % w.rows(ALARMS))
        raised = w.last_changed()
        check(raised > before, "LastChanged moved on the raise: %d -> %d" % (before, raised))
        check(w.row_of(HISTORY, "Account#1")[0] is None, "not in the history while raised")
        # fixed: an address for proxy set 2, IP group 2 on it
        w.must_set([(mib.oid("gwProxySetRowStatus", 2), "i", 4),
                    (mib.oid("gwIpGroupProxySetId", 2), "i", 2),
                    (mib.oid("gwProxyIpRowStatus", 5), "i", 4),
                    (mib.oid("gwProxyIpIpAddress", 5), "s", "127.0.0.1:%d" % w.k.udp_port),
                    (mib.oid("gwProxyIpTransportType", 5), "i", 0),
                    (mib.oid("gwProxyIpProxySetId", 5), "u", 2)], "an address for proxy set 2")
        w.wait_state(2, 1, STATE_REGISTERED)
        w.trapd.wait_for(lambda n: n["trap_oid"] == RESTORED, 15, "gwRegistrationRestored")
        wait_until(lambda: w.row_of(ALARMS, "Account#1")[0] is None, 10, "bob's row to go")
        cleared = w.last_changed()
        check(cleared > raised, "LastChanged moved on the clear: %d -> %d" % (raised, cleared))
        hseq, h = w.row_of(HISTORY, "Account#1")
        check_eq(hseq, seq, "the history row keeps the alarm's sequence number")
        check_eq(h[2][1], '"gwRegistrationFailed"', "gwAlarmHistoryName")
        check_eq(h[5][1], "4", "gwAlarmHistorySeverity major")
        check_eq(h[7][1], "7", "gwAlarmHistoryProbableCause configuration")
        check("IP group 2 has no proxy set" in h[3][1], "history text: %s" % h[3][1])
        up, down = dateandtime(h[8]), dateandtime(h[9])
        check(up[0] >= 2024 and down >= up, "raise %r then clear %r" % (up, down))
        # now the bob's pointer is the new address, ProxyIp 5
        check_eq(w.reg(R_PXINDEX, 2, 1)[1], "5", "bob's gwRegProxyStatusIndex on set 2")
        seen = check_all_dateandtime(w)
        check("gwAlarmHistoryClearDateAndTime" in seen, "the history walked: %r" % seen)
        w.no_passwords()


@t.case
def failed_ini_load_is_an_alarm_until_a_good_load():
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 1, STATE_REGISTERED)
        w.must_set([(INI_URI, "s", "file://" + os.path.join(lab.dir, "missing.ini")),
                    (INI_MODE, "i", 2), (INI_ACTION, "i", 1)], "load a missing file")
        wait_until(lambda: w.get(INI_STATUS)[1] == "3", 10, "load failed")
        seq, row = w.row_of(ALARMS, "IniFile")
        check(seq is not None, "an alarm row for the failed load: %r" % w.rows(ALARMS))
        check_eq(row[2][1], '"gwIniLoadResult"', "alarm name")
        check_eq(row[5][1], "4", "alarm severity major")
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == INI_RESULT, 10, "gwIniLoadResult")
        check_eq(traps[-1]["vars"].get(ALARM_VB + "1.0"), "Gauge32: %s" % seq,
                 "the raise carries the row's sequence number")
        check_eq(traps[-1]["vars"].get(ALARM_VB + "2.0"), "INTEGER: 4", "raised major")
        year = dateandtime(w.get(INI_TIME))[0]
        check(year >= 2024, "gwIniActionTime once a load ended: %d" % year)
        good = os.path.join(lab.dir, "good.ini")
        with open(good, "w") as f:
            f.write("RegistrationTime = 77\n")
        w.must_set([(INI_URI, "s", "file://" + good), (INI_ACTION, "i", 1)],
                   "load a good file")
        wait_until(lambda: w.get(INI_STATUS)[1] == "2", 10, "load succeeded")
        wait_until(lambda: w.row_of(ALARMS, "IniFile")[0] is None, 10, "the INI alarm to clear")
        clears = w.trapd.wait_for(
            lambda n: n["trap_oid"] == INI_RESULT and n["vars"].get(ALARM_VB + "2.0") == "INTEGER: 0",
            10, "the clearing gwIniLoadResult")
        check_eq(clears[-1]["vars"].get(ALARM_VB + "1.0"), "Gauge32: %s" % seq,
                 "the clear carries the raise's sequence number")
        hseq, h = w.row_of(HISTORY, "IniFile")
        check_eq(hseq, seq, "the cleared INI alarm is in the history")
        check(dateandtime(h[9]) >= dateandtime(h[8]), "cleared after raised")


@t.case
def flight_recorder_rows_through_snmpd():
    """gwRegHistoryTable: each binding's exchanges, read through snmpd."""
    entry = mib.oid("gwRegHistoryEntry")
    with Lab() as lab:
        w = World(lab)
        w.wait_state(1, 0, STATE_REGISTERED)
        w.wait_state(2, 0, STATE_REGISTERED)
        w.wait_state(2, 1, STATE_REGISTERED)
        rows = _rows(w, entry)
        for b in ((1, 0), (2, 0), (2, 1)):
            mine = sorted(k for k in rows if k[:2] == b)
            check(mine and mine[0][2] == 1, "binding %r has its first exchange: %r" % (b, mine))
            r = rows[mine[0]]
            check_eq(r[mib.column("gwRegHistoryKind")][1], "1", "register(1)")
            check_eq(r[mib.column("gwRegHistoryOutcome")][1], "1", "ok(1)")
            check_eq(r[mib.column("gwRegHistoryCode")][1], "200", "200")
            check(int(r[mib.column("gwRegHistoryChallenges")][1]) >= 1,
                  "Kamailio's challenge answered: %r" % r)
            check_eq(r[mib.column("gwRegHistoryAddress")][1].strip('"'),
                     "127.0.0.1:%d" % w.k.udp_port, "the address")
            check(dateandtime(r[mib.column("gwRegHistoryEnd")])[0] >= 2024, "a real end time")
        # an unregister of bob is recorded after its registration
        w.must_set([(mib.oid("gwRegAction", 2, 1), "i", 2)], "unregister bob")
        wait_until(lambda: any(k[:2] == (2, 1) and v.get(mib.column("gwRegHistoryKind"),
                                                         ("", ""))[1] == "3"
                               for k, v in _rows(w, entry).items()),
                   10, "bob's un-REGISTER in gwRegHistoryTable")
        seen = check_all_dateandtime(w)
        check("gwRegHistoryEnd" in seen, "gwRegHistoryEnd walked: %r" % seen)


def _rows(w, entry):
    """{(type, id, seq): {column: (type, value)}} of gwRegHistoryTable."""
    rows = {}
    for oid, tv in w.walk(entry).items():
        col, btype, bid, seq = oid[len(entry) + 1:].split(".")
        rows.setdefault((int(btype), int(bid), int(seq)), {})[int(col)] = tv
    return rows


if __name__ == "__main__":
    sys.exit(t.run())
