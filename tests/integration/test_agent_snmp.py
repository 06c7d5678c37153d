#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""gwagentd end to end: snmpd (AgentX master) + gwagentd + Kamailio +
snmptrapd on loopback.  GETs and walks of GWAGENT-MIB, register and
unregister actions by SET, RowStatus, atomic multi-varbind SETs, access
control, persistence across kill -9, INI upload by URI, alarms and traps
when the registrar goes away and comes back, embedded master mode."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import REG_ALL, REG_TIME  # noqa: E402
from lab.gateway import gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, free_port, wait_until  # noqa: E402
from lab.snmp import Snmpd, Snmptrapd, snmpget, snmpset, V3_RW  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

OBJ = mib.oid("gwObjects")
ACCOUNT = mib.oid("gwAccountEntry")
ALARMS = mib.oid("gwActiveAlarmEntry")
ALARM_NAMES = mib.oid("gwActiveAlarmName")
INI = mib.oid("gwIniMgmt")
GW_PASSWORD = mib.oid("gwPassword", 0)
NOTIF = mib.oid("gwNotifications") + "."
INI_URI, INI_MODE, INI_ACTION = (mib.oid("gwIniLoadUri", 0), mib.oid("gwIniLoadMode", 0),
                                 mib.oid("gwIniAction", 0))
INI_STATUS, INI_DIAG = mib.oid("gwIniActionStatus", 0), mib.oid("gwIniActionDiagnostics", 0)

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3",
         "carol": "carol-secret-4"}

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "kamailio", "kamcmd"])


def gateway_ini(k, accounts=("alice", "bob"), users=USERS):
    return lab_gateway_ini(k.udp_port, accounts, users)


class World(world.World):
    """The whole lab with gwagentd as a subagent, every account registered."""

    def __init__(self, lab, accounts=("alice", "bob"), start=True, users=USERS,
                 settings=None):
        super().__init__(lab, users, accounts=accounts, start=start, settings=settings,
                         ini=lambda w: gateway_ini(w.k, accounts, users))


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


@t.case
def registers_gateway_and_accounts_and_shows_status():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(1, 0)
        w.wait_registered(2, 0)
        w.wait_registered(2, 1)
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u)
        aor = w.get(mib.oid("gwRegAor", 2, 0))
        check_eq(aor[1], '"sip:alice@gw.test"', "gwRegAor of account 0")
        check_eq(w.get(mib.oid("gwRegLastCode", 2, 0))[1], "200", "gwRegLastCode")
        check(int(w.get(mib.oid("gwRegRegistersSent", 2, 0))[1]) >= 2, "gwRegRegistersSent")
        check(int(w.get(mib.oid("gwRegChallenges", 2, 0))[1]) >= 1, "gwRegChallenges")
        check_eq(w.get(mib.oid("gwRegBindingCount", 0))[1], "3", "gwRegBindingCount")
        px = mib.oid("gwProxyStatusEntry")  # rows = ProxyIp rows 0 and 1
        for row, pset in (("0", "0"), ("1", "1")):
            check_eq(w.get("%s.2.%s" % (px, row))[1], pset, "gwProxyStatusProxySetId")
            check_eq(w.get("%s.3.%s" % (px, row))[1], '"127.0.0.1:%d"' % w.k.udp_port,
                     "gwProxyStatusResolvedAddress")
            check_eq(w.get("%s.4.%s" % (px, row))[1], "1", "gwProxyStatusOnline online")
            check_eq(w.get("%s.5.%s" % (px, row))[1], "1", "gwProxyStatusInUse yes")
            check_eq(w.get("%s.7.%s" % (px, row))[1], "200", "gwProxyStatusLastKeepAliveResult")
        check_eq(w.get(mib.oid("gwRegRegisteredCount", 0))[1], "3", "gwRegRegisteredCount")


@t.case
def walk_and_bulkwalk_agree_and_never_show_passwords():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(2, 1)
        a = w.walk(OBJ)
        b = w.walk(OBJ, bulk=True)
        check(len(a) > 60, "walk returned %d objects" % len(a))
        # status counters may move between the two walks; the names may not
        check_eq(sorted(a), sorted(b), "walk and bulkwalk OIDs")
        text = repr(a) + repr(b)
        for pw in USERS.values():
            check(pw not in text, "a password appears in a walk")
        check_eq(w.get(GW_PASSWORD)[1], '""', "gwPassword reads empty")
        check_eq(w.get(mib.oid("gwAccountPassword", 0))[1], '""', "gwAccountPassword reads empty")
        # every account column of row 0 and 1 is there, in order
        cols = [o for o in a if o.startswith(ACCOUNT + ".")]
        check_eq(len(cols), 2 * 10, "account columns x rows")
        # a GETNEXT chain through the status table visits every row
        aor = mib.oid("gwRegAor") + "."
        rows = sorted({tuple(o.split(".")[-2:]) for o in a if o.startswith(aor)})
        check_eq(rows, [("1", "0"), ("2", "0"), ("2", "1")], "status rows")


@t.case
def unregister_and_register_by_set():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(2, 0)
        w.wait_contact("alice")
        rc, _, err = w.set([(mib.oid("gwRegAction", 2, 0), "i", 2)])
        check_eq(rc, 0, "SET gwRegAction unregister: %s" % err)
        w.wait_contact("alice", present=False)
        wait_until(lambda: w.reg_state(2, 0) == "7", 10, "state unregistered")
        w.wait_contact("bob")  # others untouched
        rc, _, err = w.set([(mib.oid("gwRegAction", 2, 0), "i", 1)])
        check_eq(rc, 0, "SET gwRegAction register: %s" % err)
        w.wait_contact("alice")
        w.wait_registered(2, 0)
        # device-wide Un-Register, then Register
        check_eq(w.set([(REG_ALL, "i", 2)])[0], 0, "gwRegAllAction unregister")
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u, present=False)
        check_eq(w.set([(REG_ALL, "i", 1)])[0], 0, "gwRegAllAction register")
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u)
        # an action on a binding that does not exist
        rc, _, err = w.set([(mib.oid("gwRegAction", 2, 77), "i", 1)])
        check(rc != 0 and "noCreation" in err, "action on a missing row: %s" % err)


@t.case
def rowstatus_create_registers_and_destroy_unregisters():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(2, 1)
        row = "7"
        vbs = [(mib.oid("gwAccountRowStatus", row), "i", 4),
               (mib.oid("gwAccountServedTrunkGroup", row), "i", 1),
               (mib.oid("gwAccountServingIPGroup", row), "i", 1),
               (mib.oid("gwAccountUsername", row), "s", "carol"),
               (mib.oid("gwAccountPassword", row), "s", USERS["carol"]),
               (mib.oid("gwAccountRegister", row), "i", 1),
               (mib.oid("gwAccountContactUser", row), "s", "carol")]
        rc, _, err = w.set(vbs)
        check_eq(rc, 0, "createAndGo: %s" % err)
        w.wait_contact("carol")
        w.wait_registered(2, 7)
        check("carol" in w.gw.read_ini(), "the new account is saved in the INI")
        check_eq(oct(os.stat(w.gw.ini_path).st_mode & 0o777), "0o600", "INI mode")
        rc, _, err = w.set([(mib.oid("gwAccountRowStatus", row), "i", 6)])
        check_eq(rc, 0, "destroy: %s" % err)
        w.wait_contact("carol", present=False)
        check(w.get(mib.oid("gwRegAor", 2, 7))[0] in ("No Such Instance currently exists at this OID", ""),
              "status row gone")
        # a column of a row that does not exist, without createAndGo
        rc, _, err = w.set([(mib.oid("gwAccountUsername", 9), "s", "x")])
        check(rc != 0 and "noCreation" in err, "set on a missing row: %s" % err)
        # createAndWait is not supported
        rc, _, err = w.set([(mib.oid("gwAccountRowStatus", 9), "i", 5)])
        check(rc != 0 and "wrongValue" in err, "createAndWait: %s" % err)


@t.case
def multi_varbind_set_with_one_bad_value_changes_nothing():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(2, 1)
        before_ini = w.gw.read_ini()
        before = w.walk(mib.oid("gwConfig"))
        for vbs, want in (
                ([(REG_TIME, "u", 120), (mib.oid("gwProxyKeepAliveTime", 0), "u", 1)],
                 "wrongValue"),
                ([(REG_TIME, "u", 120), (mib.oid("gwGWRegistrationName", 0), "s", "x" * 40)],
                 "wrongLength"),
                ([(REG_TIME, "u", 120), (mib.oid("gwIsRegisterNeeded", 0), "s", "yes")],
                 "wrongType"),
                # proxy address pointing at a proxy set that does not exist
                ([(REG_TIME, "u", 120), (mib.oid("gwProxyIpProxySetId", 1), "u", 9)],
                 "inconsistentValue"),
                ([(REG_TIME, "u", 120), (mib.oid("gwRegState", 2, 0), "i", 1)], "notWritable")):
            rc, _, err = w.set(vbs)
            check(rc != 0 and want in err, "expected %s, got: %s" % (want, err.strip()))
        check_eq(w.walk(mib.oid("gwConfig")), before, "configuration after failed SETs")
        check_eq(w.gw.read_ini(), before_ini, "INI file after failed SETs")
        rc, _, err = w.set([(REG_TIME, "u", 120), (mib.oid("gwHotSwapRtx", 0), "u", 2)])
        check_eq(rc, 0, "a good two-varbind SET: %s" % err)
        check_eq(w.get(REG_TIME)[1], "120", "gwRegistrationTime")
        check("RegistrationTime = 120" in w.gw.read_ini(), "saved to the INI")


@t.case
def writes_need_write_access():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        rc, _, err = snmpset(w.snmpd, [(REG_TIME, "u", 90)], user="public", check=False)
        check(rc != 0, "v2c public could write: %s" % err)
        rc, _, err = snmpset(w.snmpd, [(REG_TIME, "u", 91)], version="3", user=V3_RW[0],
                             check=False)
        check_eq(rc, 0, "v3 authPriv write: %s" % err)
        check_eq(w.get(REG_TIME)[1], "91", "value after the v3 write")
        rc, _, err = snmpset(w.snmpd, [(REG_TIME, "u", 92)], version="3", user="gwro",
                             check=False)
        check(rc != 0, "the read-only v3 user could write")


@t.case
def committed_set_survives_kill9_and_restart():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        rc, _, err = w.set([(REG_TIME, "u", 333)])
        check_eq(rc, 0, "SET: %s" % err)
        w.gw.kill9()
        w.start_gw()
        check_eq(w.get(REG_TIME)[1], "333", "gwRegistrationTime after kill -9")


@t.case
def ini_upload_by_uri_bad_then_good():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(2, 1)
        bad = os.path.join(lab.dir, "bad.ini")
        with open(bad, "w") as f:
            f.write("RegistrationTime = 77\n[ Account ]\nFORMAT Account_Index = Account_Register;\nAccount 3 = 7;\n[ \\Account ]\n")
        rc, _, err = w.set([(INI_URI, "s", "file://" + bad), (INI_MODE, "i", 1),
                            (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET load: %s" % err)
        wait_until(lambda: w.get(INI_STATUS)[1] == "3", 10, "load failed")
        diag = w.get(INI_DIAG)[1]
        check("bad.ini:4:" in diag, "diagnostics name the line: %s" % diag)
        check(w.get(REG_TIME)[1] != "77", "a rejected file changed the configuration")
        good = os.path.join(lab.dir, "good.ini")
        with open(good, "w") as f:
            f.write("RegistrationTime = 77\n[ Account ]\nFORMAT Account_Index = Account_ServedTrunkGroup, "
                    "Account_ServingIPGroup, Account_Username, Account_Password, Account_Register, "
                    "Account_ContactUser;\nAccount 5 = 1, 1, \"carol\", \"%s\", 1, \"carol\";\n"
                    "[ \\Account ]\n" % USERS["carol"])
        rc, _, err = w.set([(INI_URI, "s", "file://" + good), (INI_MODE, "i", 2),
                            (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET load: %s" % err)
        wait_until(lambda: w.get(INI_STATUS)[1] == "2", 10, "load succeeded")
        check_eq(w.get(REG_TIME)[1], "77", "RegistrationTime from the file")
        w.wait_contact("carol")
        w.wait_contact("alice")  # incremental: the others stay
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "5", 10, "gwIniLoadResult")
        check(len(traps) >= 2, "two load results notified")
        # a URI that cannot be read
        rc, _, err = w.set([(INI_URI, "s", "file:///nonexistent/x.ini"), (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET load: %s" % err)
        wait_until(lambda: w.get(INI_STATUS)[1] == "3", 10, "load failed")


@t.case
def ini_line_set_applies_one_parameter():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        rc, _, err = w.set([(mib.oid("gwIniLine", 0), "s", "RegistrationTime = 444")])
        check_eq(rc, 0, "gwIniLine: %s" % err)
        check_eq(w.get(REG_TIME)[1], "444", "value after gwIniLine")
        rc, _, err = w.set([(mib.oid("gwIniLine", 0), "s", "RegistrationTime = 1")])
        check(rc != 0 and "wrongValue" in err, "bad gwIniLine: %s" % err)
        check("out of range" in w.get(mib.oid("gwIniLineDiagnostics", 0))[1],
              "gwIniLineDiagnostics of the bad line")
        check_eq(w.get(REG_TIME)[1], "444", "unchanged after a bad line")


@t.case
def registrar_down_raises_alarms_and_traps_then_clears():
    need_daemon()
    with Lab() as lab:
        w = World(lab, accounts=("alice",))
        w.wait_registered(2, 0)
        w.k.stop()
        check_eq(w.set([(REG_ALL, "i", 3)])[0], 0, "refresh all")
        failed = w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "1", 60,
                                  "gwRegistrationFailed")
        lost = w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "3", 20, "gwProxySetLost")
        check(len(failed) >= 1 and len(lost) >= 1, "failure notifications")
        rows = w.walk(ALARM_NAMES)
        names = sorted(v for _, v in rows.values())
        check('"gwProxySetLost"' in names and '"gwRegistrationFailed"' in names,
              "active alarms: %s" % names)
        w.k.start()
        w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "2", 60, "gwRegistrationRestored")
        w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "4", 20, "gwProxySetRestored")
        try:
            wait_until(lambda: not w.walk(ALARM_NAMES), 40,
                       "the alarm table to empty")
        except LabError:
            raise AssertionError("alarms left: %r\ntraps: %r" % (w.walk(ALARMS), w.trapd.traps()))
        for n in w.trapd.traps():
            for pw in USERS.values():
                check(pw not in repr(n), "a password in a notification")


@t.case
def sighup_reloads_and_bad_file_is_rejected():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        text = w.gw.read_ini().replace("RegistrationTime = 60", "RegistrationTime = 555")
        w.gw.write_ini(text)
        w.gw.signal(signal.SIGHUP)
        wait_until(lambda: (w.get(REG_TIME) or ("", ""))[1] == "555", 10, "reload")
        w.gw.write_ini(text.replace("RegistrationTime = 555", "RegistrationTime = bogus"))
        w.gw.signal(signal.SIGHUP)
        wait_until(lambda: "rejected, configuration kept" in w.gw.output(), 10, "rejection")
        check_eq(w.get(REG_TIME)[1], "555", "kept after a bad reload")


@t.case
def sigterm_unregisters_and_logs_no_secret():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u)
        check_eq(w.gw.stop(), 0, "exit status")
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u, present=False, timeout=5)
        out = w.gw.output()
        for pw in USERS.values():
            check(pw not in out, "a password in the daemon's log")


@t.case
def registers_over_tcp_and_tls_as_the_ini_says():
    need_daemon()
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd).start()
        k = Kamailio(lab, realm="gw.test", users=USERS, tcp=True, tls=True).start()
        ini = gateway_ini(k)
        # proxy set 0 over TLS (verified against the lab CA), set 1 over TCP
        ini = ini.replace('ProxyIp 0 = "127.0.0.1:%d", 0, 0;' % k.udp_port,
                          'ProxyIp 0 = "127.0.0.1:%d", 2, 0;' % k.tls_port)
        ini = ini.replace('ProxyIp 1 = "127.0.0.1:%d", 0, 1;' % k.udp_port,
                          'ProxyIp 1 = "127.0.0.1:%d", 1, 1;' % k.tcp_port)
        ini = ini.replace("IsProxyHotSwap = 1", "IsProxyHotSwap = 1\nReRegisterOnConnectionFailure = 1")
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini,
                      settings={"sip": {"tls_ca": k.ca_file}}).start()
        wait_until(lambda: len(k.contacts("gw")) == 1 and len(k.contacts("alice")) == 1, 20,
                   "TLS and TCP registrations")
        check("transport=tls" in k.contacts("gw")[0]["contact"], "gateway over TLS: %r"
              % k.contacts("gw"))
        check("transport=tcp" in k.contacts("alice")[0]["contact"], "alice over TCP: %r"
              % k.contacts("alice"))
        # the registrar restarts: connections drop, bindings come back
        k.restart()
        wait_until(lambda: len(k.contacts("gw")) == 1 and len(k.contacts("alice")) == 1, 40,
                   "re-registered after the connections were lost")
        gw.check_alive()


@t.case
def trap_rate_limit_bounds_an_outage_and_summarises():
    need_daemon()
    users = dict(USERS)
    accounts = ["u%02d" % i for i in range(24)]
    users.update({u: "pw-%s-x" % u for u in accounts})
    with Lab() as lab:
        w = World(lab, accounts=accounts, users=users,
                  settings={"traps": {"rate_limit": "2", "summary_interval": "2"}})
        for i in range(len(accounts)):
            w.wait_registered(2, i)
        w.k.stop()
        t0 = time.monotonic()
        check_eq(w.set([(REG_ALL, "i", 3)])[0], 0, "refresh all")
        # every binding fails (Timer F), but notifications are paced
        wait_until(lambda: len(w.walk(ALARM_NAMES)) >= len(accounts) + 2, 60,
                   "an alarm row per binding and the proxy sets")
        summary = w.trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "7", 15,
                                   "gwAlarmsSuppressed")
        held = int(summary[0]["vars"][mib.oid("gwAlarmCount", 0)].split()[-1])
        check(held > 0, "gwAlarmCount %d" % held)
        elapsed = time.monotonic() - t0
        failed = [n for n in w.trapd.traps() if n["trap_oid"] in (NOTIF + "1", NOTIF + "3")]
        # a bucket of 2 plus 2 per second since the outage began
        check(len(failed) <= 2 + 2 * elapsed + 2,
              "%d failure notifications in %.0f s" % (len(failed), elapsed))
        check(len(failed) < len(accounts) + 3, "the rate limit held nothing back")


@t.case
def subtree_comes_back_after_snmpd_restarts():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        for _ in range(2):
            w.snmpd.kill9()
            w.snmpd.start()
            wait_until(lambda: (w.get(REG_TIME) or ("", ""))[0] == "Gauge32", 20,
                       "GWAGENT-MIB back through the restarted snmpd")
            w.gw.check_alive()
        check_eq(w.set([(REG_TIME, "u", 99)])[0], 0, "SET after the restarts")


@t.case
def embedded_master_answers_v2c_and_v3():
    need_daemon()
    with Lab() as lab:
        k = Kamailio(lab, realm="gw.test", users=USERS).start()
        port = free_port("udp")
        user, auth, priv = V3_RW
        trapd = Snmptrapd(lab).start()
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % port, gateway_ini=gateway_ini(k),
                      settings={"snmp": {"v3_user": user, "v3_auth_pass": auth,
                                         "v3_priv_pass": priv},
                                "traps": {"sink": "127.0.0.1:%d" % trapd.port}})
        gw.start()
        agent = "127.0.0.1:%d" % port

        class A:  # what lab.snmp helpers need of an agent
            address = agent
            lab = None
        A.lab = lab
        wait_until(lambda: snmpget(A, REG_ALL, check=False) is not None, 10, "master answers")
        v = snmpget(A, REG_TIME, version="3", user=user)
        check_eq(v[1], "60", "v3 authPriv GET")
        rc, _, err = snmpset(A, [(REG_TIME, "u", 61)], version="3", user=user, check=False)
        check_eq(rc, 0, "v3 SET: %s" % err)
        rc, _, err = snmpset(A, [(REG_TIME, "u", 62)], user="public", check=False)
        check(rc != 0, "v2c write refused")
        wait_until(lambda: (snmpget(A, mib.oid("gwRegState", 2, 1), check=False)
                            or ("", ""))[1] == "4",
                   20, "account registered in master mode")
        trapd.wait_for(lambda n: n["trap_oid"] == NOTIF + "6", 10, "gwAgentStarted at the sink")


@t.case
def trunkgroup_and_authentication_rows_by_set():
    """The catalog tables of issue 14 over snmpd: createAndGo, read back,
    range and consistency errors, the INI file patched, secrets unread."""
    need_daemon()
    with Lab() as lab:
        w = World(lab, accounts=("alice",))
        tg = lambda col, row=3: mib.oid("gwTrunkGroup" + col, row)  # noqa: E731
        rc, _, err = w.set([(tg("RowStatus"), "i", 4), (tg("TrunkGroupNum"), "u", 2),
                            (tg("FirstTrunkId"), "u", 0), (tg("LastTrunkId"), "u", 1),
                            (tg("FirstBChannel"), "u", 1), (tg("LastBChannel"), "u", 30),
                            (tg("FirstPhoneNumber"), "s", "0400"), (tg("Module"), "u", 1)])
        check_eq(rc, 0, "createAndGo of a TrunkGroup row: %s" % err)
        check_eq(w.get(tg("FirstPhoneNumber"))[1], '"0400"', "gwTrunkGroupFirstPhoneNumber")
        check_eq(w.get(tg("LastTrunkId"))[1], "1", "gwTrunkGroupLastTrunkId")
        check_eq(w.get(tg("RowStatus"))[1], "1", "gwTrunkGroupRowStatus active")
        ini = w.gw.read_ini()
        check("[ TrunkGroup ]" in ini and '"0400"' in ini, "the row is saved in the INI")
        before_ini = w.gw.read_ini()
        for vbs, want in (
                ([(tg("LastBChannel"), "u", 2017)], "wrongValue"),
                ([(tg("TrunkGroupNum"), "u", 256)], "wrongValue"),
                ([(tg("FirstBChannel"), "u", 31)], "inconsistentValue"),  # above LastBChannel
                ([(tg("FirstPhoneNumber"), "s", "abc")], "inconsistentValue"),  # a range
                ([(tg("RowStatus", 4), "i", 4), (tg("FirstTrunkId", 4), "u", 2),
                  (tg("LastTrunkId", 4), "u", 2), (tg("FirstPhoneNumber", 4), "s", "0459")],
                 "inconsistentValue"),  # 0459 is trunk 1, channel 30 of row 3
                ([(tg("RowStatus", 101), "i", 4)], "noCreation")):
            rc, _, err = w.set(vbs)
            check(rc != 0 and want in err, "expected %s, got: %s" % (want, err.strip()))
        check_eq(w.gw.read_ini(), before_ini, "INI file after refused SETs")
        rc, _, err = w.set([(tg("RowStatus", 4), "i", 4), (tg("FirstTrunkId", 4), "u", 2),
                            (tg("LastTrunkId", 4), "u", 2), (tg("FirstPhoneNumber", 4), "s", "0460")])
        check_eq(rc, 0, "createAndGo of the next span: %s" % err)
        check("0460" in w.gw.read_ini(), "the second row is saved")
        # Authentication: the password is write-only, never in a walk or the log
        au = lambda col, row=0: mib.oid("gwAuthentication" + col, row)  # noqa: E731
        secret = "port-secret-77"
        rc, _, err = w.set([(au("RowStatus"), "i", 4), (au("UserId"), "s", "port1"),
                            (au("UserPassword"), "s", secret), (au("Module"), "u", 2),
                            (au("Port"), "u", 1)])
        check_eq(rc, 0, "createAndGo of an Authentication row: %s" % err)
        check_eq(w.get(au("UserId"))[1], '"port1"', "gwAuthenticationUserId")
        check_eq(w.get(au("UserPassword"))[1], '""', "gwAuthenticationUserPassword reads empty")
        walked = w.walk(mib.oid("gwConfig"))
        check(secret not in repr(walked), "the password appears in a walk")
        check(au("Port") in walked, "the Authentication row in a walk")
        check("[ Authentication ]" in w.gw.read_ini(), "the Authentication row is saved")
        check(secret not in w.gw.output(), "the password in the daemon's log")
        # destroy: the lines go from the INI file
        check_eq(w.set([(tg("RowStatus"), "i", 6)])[0], 0, "destroy row 3")
        check("0400" not in w.gw.read_ini(), "row 3 removed from the INI")
        check(w.get(tg("TrunkGroupNum"))[0] in ("No Such Instance currently exists at this OID", ""),
              "row 3 gone")


if __name__ == "__main__":
    sys.exit(t.run())
