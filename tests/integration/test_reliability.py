#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Fault injection, crash safety, access control and secrets, valgrind:
gwagentd against the real lab (snmptrapd + snmpd + Kamailio), issue 7.

    test_reliability.py [CASE...]      run only the named cases

Every case runs on its own Lab and stops what it started by PID.  Figures
are printed as TAP comments of the form "# <topic>: ..." and collected
into RELIABILITY.md by tools/reliability.sh.

Environment: top_builddir (the build under test), GW_CRASH_ITERATIONS
(crash-safety loop, default 25), GW_CRASH_SEED (replay a run),
GW_PLAIN_BUILDDIR (a build without sanitizers: enables the valgrind case,
see tools/valgrind.sh; without it that case is a TAP SKIP, also under CI).
A case that exposes a defect of gwagentd fails with "BUG:" and the place
to fix."""
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import (REG_ALL, REG_TIME, INI_URI, INI_MODE, INI_ACTION,  # noqa: E402
                     INI_LINE, INI_STATUS, INI_DIAG, LINE_DIAG)
from lab import memcheck, tap  # noqa: E402
from lab.gateway import bulk_accounts, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, free_port, wait_until, which_or_none  # noqa: E402
from lab.snmp import (RO_COMMUNITY, RW_COMMUNITY, V3_RO, V3_RW, Snmpd, Snmptrapd,  # noqa: E402
                      snmp_cmd)
from lab.tap import Suite, check, check_eq  # noqa: E402
from lab.tcpproxy import TcpProxy  # noqa: E402

ROOT = mib.oid("gwagentMIB")
CONFIG = mib.oid("gwConfig")
ALARM_NAMES = mib.oid("gwActiveAlarmName")
INI = mib.oid("gwIniMgmt")
REGISTERED_COUNT = mib.oid("gwRegRegisteredCount", 0)
GW_PASSWORD = mib.oid("gwPassword", 0)
NOTIF = mib.oid("gwNotifications") + "."
N_REG_FAILED, N_REG_RESTORED = NOTIF + "1", NOTIF + "2"
N_PSET_LOST, N_PSET_RESTORED = NOTIF + "3", NOTIF + "4"
N_SUPPRESSED = NOTIF + "7"                  # gwAlarmsSuppressed
ALARM_COUNT = mib.oid("gwAlarmCount", 0)
INI_SUCCESS, INI_FAILED = "2", "3"
ACTION_REGISTER, ACTION_REFRESH = 1, 3

# Distinctive passwords: grepping for them finds any leak.
USERS = {"gw": "Qx9-gw-SECRET-7c1e", "alice": "Qx9-alice-SECRET-52ab",
         "bob": "Qx9-bob-SECRET-e803", "carol": "Qx9-carol-SECRET-19f4"}
V3_SECRETS = ("Qx9-v3auth-SECRET-3a7d", "Qx9-v3priv-SECRET-88c2")

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmpset", "snmpwalk",
                    "snmpbulkwalk", "kamailio", "kamcmd"])


class OptionalSkip(tap.Skip):
    """A skip that stays a TAP SKIP under CI=true: the case needs a build
    that CI's sanitizer run does not make (tools/valgrind.sh makes it)."""


def _in_ci_unless_optional(real=tap.in_ci):
    return real() and not isinstance(sys.exc_info()[1], OptionalSkip)


tap.in_ci = _in_ci_unless_optional   # lab.tap consults it when a case skips


def figure(topic, text):
    """A figure for RELIABILITY.md, as a TAP comment."""
    sys.stdout.write("# %s: %s\n" % (topic, text))
    sys.stdout.flush()


def gateway_ini(k, accounts=("alice", "bob"), users=USERS, reg_time=60,
                retry_time=10):
    return lab_gateway_ini(k.udp_port, accounts, users, reg_time=reg_time,
                           retry_time=retry_time)


class World(world.World):
    """snmptrapd + snmpd (AgentX master) + Kamailio + gwagentd as a
    subagent registering the gateway and `accounts`."""

    def __init__(self, lab, accounts=("alice", "bob"), reg_time=60, retry_time=10,
                 settings=None, args=(), valgrind=False):
        super().__init__(lab, USERS, accounts=accounts, settings=settings, args=args,
                         valgrind=valgrind,
                         ini=lambda w: gateway_ini(w.k, accounts, USERS, reg_time, retry_time))

    def alarm_names(self):
        return sorted(v for _, v in self.walk(ALARM_NAMES).values())


def carol_row(row):
    """Varbinds creating Account row `row` for carol (createAndGo)."""
    return [(mib.oid("gwAccountRowStatus", row), "i", 4),
            (mib.oid("gwAccountServedTrunkGroup", row), "i", 1),
            (mib.oid("gwAccountServingIPGroup", row), "i", 1),
            (mib.oid("gwAccountUsername", row), "s", "carol"),
            (mib.oid("gwAccountPassword", row), "s", USERS["carol"]),
            (mib.oid("gwAccountRegister", row), "i", 1),
            (mib.oid("gwAccountContactUser", row), "s", "carol")]


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built (set top_builddir)")


def ini_tool():
    p = os.path.join(os.environ.get("top_builddir", ""), "agent", "gwagent-ini")
    if not os.access(p, os.X_OK):
        raise LabError("gwagent-ini is not built ($top_builddir/agent/gwagent-ini)")
    return p


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def unquote(v):
    if v.startswith("\"") and v.endswith("\"") and len(v) >= 2:
        return v[1:-1]
    return v[1:] if v.startswith("\"") else v   # a multi-line value: first line


# ---- crash safety ---------------------------------------------------------

# NOW-class scalars (no re-registration): (OID, INI name, lowest value).
CRASH_SCALARS = [(mib.oid("gwRegistrationRetryTime", 0), "RegistrationRetryTime", 10),
                 (mib.oid("gwProxyKeepAliveTime", 0), "ProxyKeepAliveTime", 5),
                 (mib.oid("gwRegistrationTimeThreshold", 0), "RegistrationTimeThreshold", 0)]
CRASH_ROWS = range(20, 36)   # account rows the loop creates and destroys


class CrashModel:
    """What the configuration must hold: key -> value, where a key is a
    scalar's OID or ("row", index) and a row's value is its username or None
    (absent).  A SET that was not acknowledged may or may not have been
    applied: its value is allowed until the next check settles it."""

    def __init__(self):
        self.want = {}
        self.maybe = {}
        self.seq = 0
        self.acked = 0
        self.unacked = 0
        self.unacked_applied = 0
        self.lock = threading.Lock()

    def next_set(self, rng, kind):
        """(varbinds, key, value) of the next SET of `kind`."""
        with self.lock:
            self.seq += 1
            seq = self.seq
        if kind == "scalar":
            oid, _, low = rng.choice(CRASH_SCALARS)
            value = low + 1 + seq % 3000
            return [(oid, "u", value)], oid, str(value)
        row = rng.choice(CRASH_ROWS)
        key = ("row", row)
        name = "crash%d" % seq
        cur = self.want.get(key)
        if cur is None:
            return ([(mib.oid("gwAccountRowStatus", row), "i", 4),
                     (mib.oid("gwAccountServedTrunkGroup", row), "i", 1),
                     (mib.oid("gwAccountServingIPGroup", row), "i", 1),
                     (mib.oid("gwAccountUsername", row), "s", name),
                     (mib.oid("gwAccountPassword", row), "s", "pw-%d" % seq),
                     (mib.oid("gwAccountRegister", row), "i", 0)], key, name)
        if seq % 3 == 0:
            return [(mib.oid("gwAccountRowStatus", row), "i", 6)], key, None
        return [(mib.oid("gwAccountUsername", row), "s", name)], key, name

    def run_set(self, w, rng, kind):
        vbs, key, value = self.next_set(rng, kind)
        with self.lock:
            self.maybe.setdefault(key, set()).add(value)
        started = time.monotonic()
        rc, out, err = w.set(vbs, timeout=3, retries=0)
        with self.lock:
            if rc == 0:
                self.want[key] = value
                self.maybe[key].discard(value)
                self.acked += 1
            else:
                self.unacked += 1
        return rc == 0, err, started

    def allowed(self, key):
        return {self.want.get(key)} | self.maybe.get(key, set())

    def settle(self, key, got):
        """Record what a check saw once it was found allowed."""
        if got != self.want.get(key):
            self.unacked_applied += 1
        self.want[key] = got
        self.maybe.pop(key, None)

    def keys(self):
        return sorted(set(self.want) | set(self.maybe), key=str)


def ini_state(text):
    """{key: value} of the crash keys in a gateway INI file's text."""
    out = {}
    for oid, name, _ in CRASH_SCALARS:
        m = re.search(r"^%s = (\S+)\r?$" % name, text, re.M)
        out[oid] = m.group(1) if m else None
    for row in CRASH_ROWS:
        m = re.search(r'^Account %d = [^,]*,[^,]*,[^,]*, "([^"]*)"' % row, text, re.M)
        out[("row", row)] = m.group(1) if m else None
    return out


def snmp_state(w):
    """{key: value} of the crash keys read through snmpd."""
    out = {}
    for oid, _, _ in CRASH_SCALARS:
        v = w.get(oid)
        out[oid] = v[1] if v and v[0] else None
    names = w.walk(mib.oid("gwAccountUsername"))
    for row in CRASH_ROWS:
        v = names.get(mib.oid("gwAccountUsername", row))
        out[("row", row)] = unquote(v[1]) if v else None
    return out


def check_after_restart(w, model, it):
    path = w.gw.ini_path
    r = subprocess.run([ini_tool(), "check", path], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "iteration %d: gwagent-ini check exit %d: %s"
          % (it, r.returncode, r.stderr.strip()[-500:]))
    check_eq(oct(mode_of(path)), oct(0o600), "iteration %d: gateway INI mode" % it)
    with open(path, newline="") as f:
        text = f.read()
    check(text.rstrip().endswith("[ \\Account ]"), "iteration %d: INI torn: ...%r"
          % (it, text[-200:]))
    in_file = ini_state(text)
    in_snmp = snmp_state(w)
    for key in model.keys():
        allowed = model.allowed(key)
        check(in_file[key] in allowed, "iteration %d: %s in the INI file is %r, want one of %r"
              % (it, key, in_file[key], allowed))
        check_eq(in_snmp[key], in_file[key], "iteration %d: %s through snmpd vs file" % (it, key))
        model.settle(key, in_file[key])


@t.case
def crash_safety_kill9_at_random_moments():
    need_daemon()
    iterations = int(os.environ.get("GW_CRASH_ITERATIONS", "25"))
    seed = int(os.environ.get("GW_CRASH_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    figure("crash-safety seed", "GW_CRASH_SEED=%d" % seed)
    model = CrashModel()
    modes = {"after-ack": 0, "after-delay": 0, "burst": 0}
    leftovers = []
    t0 = time.monotonic()
    with Lab() as lab:
        w = World(lab)
        # A save patches the document: a scalar gets a line once it differs
        # from its default, and keeps it (rewritten in place) from then on.
        # Give every crash key its line now.
        check_eq(w.set([(oid, "u", low + 1) for oid, _, low in CRASH_SCALARS])[0], 0,
                 "the crash keys set")
        wait_until(lambda: all(re.search(r"^%s = " % name, w.gw.read_ini(), re.M)
                               for _, name, _ in CRASH_SCALARS), 5, "the saved INI")
        model.want = ini_state(w.gw.read_ini())
        check_eq(snmp_state(w), model.want, "the crash keys through snmpd and in the file")
        for it in range(1, iterations + 1):
            kind = "scalar" if it % 2 else "row"
            mode = ("after-ack", "after-delay", "burst")[it % 3]
            modes[mode] += 1
            if mode == "burst":
                stop = threading.Event()
                results = []
                brng = random.Random(rng.random())

                def burst():
                    n = 0
                    while not stop.is_set():
                        results.append(model.run_set(w, brng, "scalar" if n % 2 else "row"))
                        n += 1
                th = threading.Thread(target=burst, daemon=True)
                th.start()
                time.sleep(rng.uniform(0.05, 0.6))
                killed = time.monotonic()
                w.gw.kill9()
                stop.set()
                th.join(30)
                check(not th.is_alive(), "the SET burst did not stop")
                # only the SET in flight at the kill may fail among those sent before it
                refused = [r[1] for r in results if not r[0] and r[2] < killed]
                check(len(refused) <= 1, "iteration %d: SETs refused before the kill: %s"
                      % (it, refused))
            else:
                ok, err, _ = model.run_set(w, rng, kind)
                check(ok, "iteration %d: SET not acknowledged: %s" % (it, err))
                if mode == "after-delay":
                    time.sleep(rng.uniform(0, 0.3))
                w.gw.kill9()
            w.start_gw()
            check_after_restart(w, model, it)
            leftovers = [f for f in os.listdir(w.gw.dir) if f.startswith("gateway.ini.tmp")]
            for f in leftovers:
                check_eq(oct(mode_of(os.path.join(w.gw.dir, f))), oct(0o600),
                         "mode of the temporary file %s" % f)
        w.gw.check_alive()
    figure("crash-safety", "%d iterations, %d acknowledged SETs, 0 lost (%d unacknowledged, "
           "%d of them applied; kills: %s; %.0f s)"
           % (iterations, model.acked, model.unacked, model.unacked_applied,
              ", ".join("%d %s" % (n, m) for m, n in modes.items()), time.monotonic() - t0))
    figure("crash-safety leftovers", "%d stale gateway.ini.tmp* files (0600, holding "
           "passwords) accumulated over %d kills" % (len(leftovers), iterations))
    figure("faults survived", "%d kill -9 of gwagentd" % iterations)


@t.case
def set_that_cannot_be_saved_is_refused_and_not_applied():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        check_eq(w.set([(REG_TIME, "u", 77)])[0], 0, "a SET that can be saved")
        saved = w.gw.read_ini()
        # the gateway INI cannot be replaced any more: its path is now a
        # directory that is not empty (rename() fails, also for root)
        aside = w.gw.ini_path + ".aside"
        os.rename(w.gw.ini_path, aside)
        os.mkdir(w.gw.ini_path)
        with open(os.path.join(w.gw.ini_path, "keep"), "w") as f:
            f.write("x")
        try:
            rc, _, err = w.set([(REG_TIME, "u", 88)])
            check(rc != 0 and "commitFailed" in err,
                  "a SET that cannot be saved: rc %d, %r (want commitFailed)" % (rc, err))
            check_eq(w.value(REG_TIME), "77", "gwRegistrationTime after the refused SET")
            rc, _, err = w.set([(INI_ACTION, "i", 2)])
            check(rc != 0 and "commitFailed" in err,
                  "gwIniAction save that fails: rc %d, %r" % (rc, err))
            check_eq(w.value(INI_STATUS), INI_FAILED, "gwIniActionStatus after the failed save")
            w.gw.check_alive()
        finally:
            shutil.rmtree(w.gw.ini_path)
            os.rename(aside, w.gw.ini_path)
        check_eq(w.gw.read_ini(), saved, "the file kept what was answered")
        check_eq(w.set([(INI_ACTION, "i", 2)])[0], 0, "gwIniAction save once possible")
        check_eq(w.value(INI_STATUS), INI_SUCCESS, "gwIniActionStatus")
        check_eq(w.set([(REG_TIME, "u", 99)])[0], 0, "a SET once the file is back")
        check("RegistrationTime = 99" in w.gw.read_ini(), "saved")
    figure("faults survived", "2 SETs whose save failed (refused, not applied)")


@t.case
def stale_temporary_ini_files_are_removed_at_start():
    """kill -9 between mkstemp() and rename() in agent_persist_write leaves
    gateway.ini.tmpXXXXXX behind, with every password as it was then."""
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        stale = w.gw.ini_path + ".tmpK9x2Qa"
        with open(stale, "w") as f:
            f.write(w.gw.read_ini().replace(USERS["gw"], "Qx9-old-SECRET-dead"))
        os.chmod(stale, 0o600)
        w.gw.kill9()
        w.start_gw()
        check_eq(w.set([(REG_TIME, "u", 75)])[0], 0, "a SET (saves the INI)")
        w.gw.stop()
        left = sorted(f for f in os.listdir(w.gw.dir) if f.startswith("gateway.ini.tmp"))
        check(not left, "BUG: stale %s survive a restart and a save, keeping old passwords on "
              "disk and piling up with every kill -9 during a save (the crash-safety loop leaves "
              "1-2 per 25 kills): agent/core/persist.c agent_persist_write() never removes "
              "<file>.tmpXXXXXX left by an earlier crash (remove them when the gateway INI is "
              "first read or saved)" % left)


# ---- snmpd and Kamailio restarts ------------------------------------------

@t.case
def snmpd_killed_and_restarted_five_times():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        waits = []
        for i in range(5):
            if i % 2:
                w.snmpd.stop()              # SIGTERM
            else:
                w.snmpd.kill9()
            time.sleep((0.2, 1.0, 0.0, 2.5, 0.5)[i])
            w.gw.check_alive()
            t0 = time.monotonic()
            w.snmpd.start()
            try:
                wait_until(lambda: (w.get(REG_TIME, timeout=1) or ("", ""))[0] == "Gauge32",
                           20, "GWAGENT-MIB back through the restarted snmpd", interval=0.2)
            except LabError:
                raise AssertionError("restart %d: subtree not back in 20 s; gwagentd log:\n%s"
                                     % (i + 1, w.gw.output()[-2000:]))
            waits.append(time.monotonic() - t0)
            w.gw.check_alive()
        rc, _, err = w.set([(REG_TIME, "u", 99)])
        check_eq(rc, 0, "SET after the restarts: %s" % err)
        check_eq(w.value(REG_TIME), "99", "gwRegistrationTime after the SET")
        check("RegistrationTime = 99" in w.gw.read_ini(), "the SET saved to the INI")
        w.wait_all_registered()
    figure("snmpd-restarts", "5 snmpd restarts (kill -9 and SIGTERM) survived; subtree back "
           "in %.1f s at most (%s)" % (max(waits), ", ".join("%.1f" % x for x in waits)))
    figure("faults survived", "5 snmpd restarts")


@t.case
def notifications_while_snmpd_is_down_are_summarised():
    need_daemon()
    reg_time = 20
    with Lab() as lab:
        w = World(lab, reg_time=reg_time, settings={"traps": {"summary_interval": "2"}})
        w.wait_all_registered()
        aors = ["sip:%s@gw.test" % u for u in w.accounts]
        w.snmpd.stop()
        # the accounts' passwords stop working: their refreshes (half the
        # grant) fail while no master can take the notifications
        for u in w.accounts:
            w.k.remove_user(u)
        wait_until(lambda: all("registration of %s failed" % a in w.gw.output() for a in aors),
                   reg_time + 10, "the refreshes to fail while snmpd is down")
        down_traps = len(w.trapd.traps())
        w.snmpd.start()
        w.wait_subtree()
        try:
            summary = w.trapd.wait_for(lambda n: n["trap_oid"] == N_SUPPRESSED, 15,
                                       "gwAlarmsSuppressed after snmpd came back")
        except LabError:
            raise AssertionError("no gwAlarmsSuppressed; log:\n%s" % w.gw.output()[-3000:])
        held = int(summary[0]["vars"][ALARM_COUNT].split()[-1])
        check(held >= len(aors), "gwAlarmCount %d: the %d gwRegistrationFailed sent while "
              "snmpd was down are counted" % (held, len(aors)))
        names = w.alarm_names()
        check_eq(names.count('"gwRegistrationFailed"'), len(aors),
                 "binding alarm rows after snmpd came back: %s" % names)
        # once the master is back, notifications flow again
        for u in w.accounts:
            w.k.add_user(u, USERS[u])
        check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "refresh all")
        wait_notified(w.trapd, N_REG_RESTORED, aors, 20, "gwRegistrationRestored")
        wait_until(lambda: not w.walk(ALARM_NAMES), 20, "the alarm table to empty")
    figure("snmpd-down", "%d registrations failed while snmpd was down (%d notifications "
           "in the trap sink when it came back): gwAlarmsSuppressed with gwAlarmCount %d once it was back, "
           "alarm rows present, restored notifications sent after" % (
               len(aors), down_traps, held))
    figure("faults survived", "1 snmpd outage with alarms raised")


@t.case
def kamailio_restart_all_bindings_reregistered():
    need_daemon()
    reg_time, retry_time = 20, 10
    accounts = ("alice", "bob", "carol")
    with Lab() as lab:
        w = World(lab, accounts=accounts, reg_time=reg_time, retry_time=retry_time)
        w.wait_all_registered()
        # by the engine's own refresh (50 % of the grant)
        w.k.restart()
        check_eq(w.k.contact_count(), 0, "contacts right after the restart")
        bound = max(reg_time * 0.5, retry_time) + 5
        t0 = time.monotonic()
        try:
            wait_until(w.all_contacts, bound, "every binding back in the location table",
                       interval=0.2)
        except LabError:
            raise AssertionError("after %.0f s only %r are registered"
                                 % (bound, [u for u in w.users() if w.k.contacts(u)]))
        natural = time.monotonic() - t0
        check_eq(w.k.contact_count(), len(w.users()), "location table size")
        wait_until(w.all_registered, 5, "every status row registered")
        check_eq(w.value(REGISTERED_COUNT), str(len(w.users())), "gwRegRegisteredCount")
        # by gwRegAllAction refresh
        w.k.restart()
        t0 = time.monotonic()
        check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "gwRegAllAction refresh")
        wait_until(w.all_contacts, 5, "every binding back after gwRegAllAction refresh",
                   interval=0.1)
        forced = time.monotonic() - t0
        check_eq(w.k.contact_count(), len(w.users()), "location table size")
        check(not w.walk(ALARM_NAMES), "alarms after the restarts: %s" % w.alarm_names())
    figure("kamailio-restart", "%d bindings lost on the registrar's side, all back in %.1f s "
           "(refresh at 50%% of a %d s grant; bound %.0f s) and in %.1f s with gwRegAllAction "
           "refresh" % (len(w.users()), natural, reg_time, bound, forced))
    figure("faults survived", "2 Kamailio restarts")


# ---- INI uploads that must fail ---------------------------------------------

def upload(w, uri, mode=1, timeout=60):
    rc, _, err = w.set([(INI_URI, "s", uri), (INI_MODE, "i", mode), (INI_ACTION, "i", 1)])
    check_eq(rc, 0, "SET gwIniAction load of %s: %s" % (uri, err))
    wait_until(lambda: (w.get(INI_STATUS) or ("", ""))[1] in (INI_SUCCESS, INI_FAILED),
               timeout, "the load of %s to end" % uri, interval=0.1)
    return w.value(INI_STATUS), unquote(w.value(INI_DIAG) or "")


@t.case
def ini_upload_unreadable_truncated_or_garbage_changes_nothing():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_all_registered()
        before_ini = w.gw.read_ini()
        before = w.walk(CONFIG)
        check(len(before) > 50, "config walk has %d objects" % len(before))
        full = before_ini.replace("RegistrationTime = 60", "RegistrationTime = 61")
        cases = []
        # cannot be read
        cases.append(("file://%s/none/x.ini" % lab.dir, "No such file"))
        cases.append(("file://" + lab.dir, ""))        # a directory
        cases.append(("http://127.0.0.1:%d/x.ini" % free_port("tcp"), "connect"))
        # truncated: in a table row, in a table's end marker
        lines = full.split("\r\n")
        row = next(i for i, x in enumerate(lines) if x.startswith("Account 1 ="))
        for name, text, line in (
                ("trunc-row.ini", "\r\n".join(lines[:row] + [lines[row][:-12]]), row + 1),
                ("trunc-end.ini", full[:-6], len(full[:-6].split("\r\n")))):
            p = lab.path(name)
            with open(p, "w", newline="") as f:
                f.write(text)
            cases.append(("file://" + p, "%s:%d:" % (name, line)))
        # 64 MiB of garbage (the largest accepted), then one byte more
        garbage = lab.path("garbage.bin")
        rng = random.Random(7)
        with open(garbage, "wb") as f:
            for _ in range(64):
                f.write(rng.randbytes(1 << 20))
        # not INI at all: never quoted back (agent/core/fetch_safe.c)
        cases.append(("file://" + garbage, "not a gateway INI file"))
        big = lab.path("garbage-big.bin")
        shutil.copyfile(garbage, big)
        with open(big, "ab") as f:
            f.write(b"x")
        cases.append(("file://" + big, "too large"))
        for uri, want in cases:
            for mode in (1, 2):
                t0 = time.monotonic()
                status, diag = upload(w, uri, mode)
                check_eq(status, INI_FAILED, "gwIniActionStatus after %s (%s)" % (uri, diag))
                check(diag != "" and want in diag,
                      "diagnostics of %s: %r, want %r in them" % (uri, diag, want))
                w.gw.check_alive()
                check_eq(w.walk(CONFIG), before, "configuration after %s" % uri)
                check(w.gw.read_ini() == before_ini, "the INI file changed after %s" % uri)
                if "garbage" in uri and mode == 1:
                    figure("ini-upload", "%s rejected in %.1f s: %s"
                           % ("64 MiB + 1 byte" if "big" in uri else "64 MiB of random bytes",
                              time.monotonic() - t0,
                              diag.replace("file://%s/" % lab.dir, "")[:60]))
                elif want.startswith("trunc") and mode == 1:
                    figure("ini-upload", "truncated file rejected: %s"
                           % diag.replace("file://%s/" % lab.dir, "")[:80])
        w.wait_all_registered()
        figure("ini-upload", "%d bad uploads (unreadable, truncated, garbage, too large; full "
               "and incremental) rejected, configuration and file unchanged"
               % (2 * len(cases)))
        figure("faults survived", "%d bad INI uploads" % (2 * len(cases)))


@t.case
def ini_upload_from_a_fifo_does_not_hang_the_daemon():
    """file:// naming a FIFO: the read must not block the event loop."""
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        before_ini = w.gw.read_ini()
        fifo = lab.path("fifo.ini")
        os.mkfifo(fifo)
        rc, _, err = w.set([(INI_URI, "s", "file://" + fifo), (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET gwIniAction load: %s" % err)
        try:
            wait_until(lambda: (w.get(INI_STATUS, timeout=1) or ("", ""))[1] == INI_FAILED,
                       10, "gwIniActionStatus failed(3)", interval=0.2)
            hung = False
        except LabError:
            hung = (w.get(REG_TIME, timeout=1) or ("", ""))[0] != "Gauge32"
        finally:
            # a reader stuck in open() gets a writer that closes at once: EOF
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass              # ENXIO: nobody is reading
        check(not hung, "BUG: gwagentd stopped answering for 10 s after gwIniLoadUri named a "
              "FIFO: agent/core/fetch.c agent_fetch_file_run() -> agent/core/persist.c "
              "agent_persist_read() open()s the path O_RDONLY without O_NONBLOCK, which blocks "
              "the whole event loop until a writer appears (open with O_NONBLOCK, or stat and "
              "refuse non-regular files before opening)")
        check_eq(w.value(INI_STATUS), INI_FAILED, "gwIniActionStatus")
        check(w.gw.read_ini() == before_ini, "the INI file changed")
        w.gw.check_alive()


# ---- access control and secrets ---------------------------------------------

@t.case
def access_control_v2c_reads_v3_authpriv_writes():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        check_eq(w.value(REG_TIME), "60", "v2c read")
        rc, _, err = w.set([(REG_TIME, "u", 90)], user=RO_COMMUNITY)
        check(rc != 0, "v2c with the read community could write")
        check("noAccess" in err or "notWritable" in err or "Timeout" in err or "authorization" in err,
              "v2c read-only SET error: %s" % err.strip())
        rc, _, err = w.set([(REG_TIME, "u", 91)], version="3", user=V3_RO[0])
        check(rc != 0, "the read-only v3 user could write")
        check_eq(w.value(REG_TIME), "60", "value after refused writes")
        check("RegistrationTime = 60" in w.gw.read_ini(), "INI after refused writes")
        rc, _, err = w.set([(REG_TIME, "u", 92)], version="3", user=V3_RW[0])
        check_eq(rc, 0, "v3 authPriv write: %s" % err)
        check_eq(w.value(REG_TIME), "92", "value after the v3 write")
        # the write user without privacy (authNoPriv): snmpd's "rwuser gwrw priv" refuses
        name, auth, _ = V3_RW
        rc, _, err = _snmpset_auth(w, ["-v3", "-l", "authNoPriv", "-u", name, "-a", "SHA",
                                       "-A", auth], [(REG_TIME, "u", 93)])
        check(rc != 0, "an authNoPriv write was accepted")
        check_eq(w.value(REG_TIME), "92", "value after the authNoPriv attempt")


def _snmpset_auth(w, auth, varbinds):
    args = []
    for oid, typ, val in varbinds:
        args += [oid, typ, str(val)]
    return snmp_cmd("snmpset", w.snmpd, args, check=False, auth=auth, timeout=3, retries=0)


def _leaks(text, secrets):
    return [s for s in secrets if s in text]


@t.case
def secrets_never_leak_and_files_holding_them_are_0600():
    need_daemon()
    set_pw = "Qx9-set-SECRET-61d0"
    line_pw = "Qx9-line-SECRET-a4c7"
    upload_pw = "Qx9-upload-SECRET-0b5e"
    secrets = list(USERS.values()) + [set_pw, line_pw, upload_pw]
    with Lab() as lab:
        w = World(lab, args=["-d"])           # -d -d: debug level
        w.wait_all_registered()
        # passwords written through every path: SET, RowStatus, gwIniLine, upload
        rc, _, err = w.set([(GW_PASSWORD, "s", set_pw)], version="3", user=V3_RW[0])
        check_eq(rc, 0, "SET gwPassword: %s" % err)
        w.k.add_user("gw", set_pw)
        row = 7
        rc, _, err = w.set(carol_row(row), version="3", user=V3_RW[0])
        check_eq(rc, 0, "createAndGo with a password: %s" % err)
        rc, _, err = w.set([(INI_LINE, "s", "Password = '%s" % line_pw)])
        check(rc != 0, "a broken gwIniLine was accepted")
        rc, _, err = w.set([(INI_LINE, "s", "Password = '%s'" % (line_pw * 4))])
        check(rc != 0, "an over-long password line was accepted")
        bad = lab.path("bad-secret.ini")
        with open(bad, "w") as f:
            f.write('[ Account ]\nFORMAT Account_Index = Account_Username, Account_Password, '
                    'Account_Register;\nAccount 3 = "dave", "%s", 7;\nAccount 4 = "eve", "%s;\n'
                    '[ \\Account ]\n' % (upload_pw, upload_pw))
        status, _ = upload(w, "file://" + bad, mode=2)
        check_eq(status, INI_FAILED, "upload of a bad file")
        # a registration failure carries text: make one (wrong password at the registrar)
        w.k.add_user("bob", "Qx9-other-password")
        check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "gwRegAllAction refresh")
        w.trapd.wait_for(lambda n: n["trap_oid"] == N_REG_FAILED, 20, "gwRegistrationFailed")
        w.k.add_user("bob", USERS["bob"])
        check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "gwRegAllAction refresh")
        w.wait_all_registered(30)
        check(w.k.contacts("carol"), "carol registered with her password")
        # every read path
        seen = {}
        for label, kw in (("walk v2c", {}), ("bulkwalk v2c", {"bulk": True}),
                          ("walk v2c rw", {"user": RW_COMMUNITY}),
                          ("walk v3", {"version": "3", "user": V3_RW[0]}),
                          ("bulkwalk v3", {"version": "3", "user": V3_RW[0], "bulk": True})):
            got = w.walk(ROOT, **kw)
            check(len(got) > 100, "%s returned %d objects" % (label, len(got)))
            seen[label] = len(got)
            check_eq(_leaks(repr(got), secrets), [], "passwords in the %s of GWAGENT-MIB" % label)
        for oid in (GW_PASSWORD, mib.oid("gwAccountPassword", 0), mib.oid("gwAccountPassword", row),
                    INI_DIAG, LINE_DIAG):
            for kw in ({}, {"version": "3", "user": V3_RW[0]}):
                v = w.get(oid, **kw)
                check_eq(_leaks(repr(v), secrets), [], "passwords in GET %s" % oid)
        with open(w.trapd.logfile, errors="replace") as f:
            traps = f.read()
        check(w.trapd.traps(), "no notification arrived")
        check_eq(_leaks(traps, secrets), [], "passwords in the snmptrapd file")
        log_path = w.gw.proc.log
        w.gw.stop()
        with open(log_path, errors="replace") as f:
            log = f.read()
        check("DBG" in log, "the daemon did not log at debug level")
        check_eq(_leaks(log, secrets), [], "passwords in the daemon's debug log")
        r = subprocess.run([ini_tool(), "dump", w.gw.ini_path], capture_output=True,
                           text=True, timeout=60)
        check_eq(r.returncode, 0, "gwagent-ini dump exit")
        check_eq(_leaks(r.stdout + r.stderr, secrets), [], "passwords in gwagent-ini dump")
        r = subprocess.run([ini_tool(), "dump", "--show-secrets", w.gw.ini_path],
                           capture_output=True, text=True, timeout=60)
        check(set_pw in r.stdout and USERS["carol"] in r.stdout,
              "dump --show-secrets shows the passwords")
        with open(w.gw.ini_path) as f:
            check(set_pw in f.read(), "the gateway INI holds the password set by SNMP")
        check_eq(oct(mode_of(w.gw.ini_path)), oct(0o600), "gateway INI mode")
        check_eq(oct(mode_of(w.gw.conf_path)), oct(0o600), "settings file mode")
    figure("secrets", "%d distinctive passwords (INI, SET, RowStatus, gwIniLine, upload) "
           "absent from 5 walks of GWAGENT-MIB (%d objects), GETs, %d notifications, the "
           "debug log and gwagent-ini dump; gateway INI 0600"
           % (len(secrets), seen["walk v2c"], traps.count("TRAP\t")))


@t.case
def settings_with_v3_passphrases_must_be_0600():
    need_daemon()
    user = V3_RW[0]
    with Lab() as lab:
        k = Kamailio(lab, realm="gw.test", users=USERS).start()
        port = free_port("udp")
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % port, gateway_ini=gateway_ini(k),
                      settings={"snmp": {"v3_user": user, "v3_auth_pass": V3_SECRETS[0],
                                         "v3_priv_pass": V3_SECRETS[1]}},
                      args=["-d"])
        argv = gw.argv()              # writes the settings file, 0600
        os.chmod(gw.conf_path, 0o644)
        p = lab.spawn("gwagentd-0644", argv, cwd=gw.dir)
        wait_until(lambda: not p.alive(), 10, "gwagentd to refuse a 0644 settings file")
        check(p.popen.returncode != 0, "gwagentd started with a 0644 settings file")
        check("0600" in p.output(), "the refusal says what to do: %s" % p.output()[-300:])
        check_eq(_leaks(p.output(), V3_SECRETS), [], "passphrases in the refusal")
        gw.start()                    # rewrites it 0600
        auth = ["-v3", "-l", "authPriv", "-u", user, "-a", "SHA", "-A", V3_SECRETS[0],
                "-x", "AES", "-X", V3_SECRETS[1]]

        class Agent:
            address = "127.0.0.1:%d" % port
        Agent.lab = lab
        wait_until(lambda: snmp_cmd("snmpget", Agent, [REG_TIME], check=False, auth=auth,
                                    timeout=1, retries=0)[0] == 0, 10, "master answers v3")
        rc, _, err = snmp_cmd("snmpset", Agent, [REG_TIME, "u", "71"], check=False,
                              auth=auth, timeout=3, retries=0)
        check_eq(rc, 0, "v3 SET to the embedded master: %s" % err)
        rc, out, _ = snmp_cmd("snmpbulkwalk", Agent, [ROOT], check=False, auth=auth)
        check_eq(_leaks(out, V3_SECRETS + tuple(USERS.values())), [], "secrets in a walk")
        log_path = gw.proc.log
        gw.stop()
        with open(log_path, errors="replace") as f:
            log = f.read()
        check("DBG" in log, "the daemon did not log at debug level")
        check_eq(_leaks(log, V3_SECRETS + tuple(USERS.values())), [],
                 "secrets in the debug log")
        checked = []
        for root, _, files in os.walk(gw.dir):
            for f in files:
                path = os.path.join(root, f)
                if f.endswith(".out"):
                    continue          # the lab's capture of stdout/stderr
                with open(path, "rb") as fh:
                    data = fh.read().decode(errors="replace")
                holds = _leaks(data, V3_SECRETS + tuple(USERS.values()))
                if holds or root != gw.dir:   # below persist_dir: USM keys
                    check_eq(oct(mode_of(path)), oct(0o600),
                             "mode of %s (holds %s)" % (path, holds or "SNMP state"))
                    checked.append(os.path.relpath(path, gw.dir))
        check("gwagentd.conf" in checked and "gateway.ini" in checked,
              "files holding secrets: %s" % checked)
    figure("secrets", "a settings file holding v3 passphrases at 0644 is refused; files "
           "holding secrets are 0600: %s" % ", ".join(sorted(checked)))


# ---- registrar silent, then back ---------------------------------------------

def notified(trapd, trap_oid, names):
    """The names (AORs, "ProxySet#N") found in notifications of trap_oid."""
    texts = [repr(n["vars"]) for n in trapd.traps() if n["trap_oid"] == trap_oid]
    return {x for x in names if any(x in tx for tx in texts)}


def wait_notified(trapd, trap_oid, names, timeout, what):
    try:
        wait_until(lambda: notified(trapd, trap_oid, names) == set(names), timeout, what,
                   interval=0.2)
    except LabError:
        raise AssertionError("%s: only %s after %d s" % (
            what, sorted(notified(trapd, trap_oid, names)), timeout)) from None


@t.case
def registrar_silent_then_back_notifies_and_clears():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_all_registered()
        aors = ["sip:%s@gw.test" % u for u in w.users()]
        sets = ["ProxySet#0", "ProxySet#1"]
        pgid = w.k.proc.pid
        t0 = time.monotonic()
        os.killpg(pgid, signal.SIGSTOP)   # the registrar stops answering, socket open
        try:
            check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "refresh all")
            wait_notified(w.trapd, N_REG_FAILED, aors, 60, "gwRegistrationFailed")
            t_failed = time.monotonic() - t0
            wait_notified(w.trapd, N_PSET_LOST, sets, 20, "gwProxySetLost")
            names = w.alarm_names()
            check_eq(names.count('"gwRegistrationFailed"'), len(aors), "binding alarm rows")
            check_eq(names.count('"gwProxySetLost"'), len(sets), "proxy set alarm rows")
            w.gw.check_alive()
        finally:
            os.killpg(pgid, signal.SIGCONT)
        t1 = time.monotonic()
        wait_notified(w.trapd, N_REG_RESTORED, aors, 60, "gwRegistrationRestored")
        wait_notified(w.trapd, N_PSET_RESTORED, sets, 30, "gwProxySetRestored")
        try:
            wait_until(lambda: not w.walk(ALARM_NAMES), 40, "the alarm table to empty")
        except LabError:
            raise AssertionError("alarms left: %r" % w.alarm_names()) from None
        t_back = time.monotonic() - t1
        w.wait_all_registered()
        check_eq(w.value(REGISTERED_COUNT), str(len(aors)), "gwRegRegisteredCount")
    figure("registrar-silent", "%d bindings, 2 proxy sets: gwRegistrationFailed for all %.0f s "
           "after the registrar went silent (SIGSTOP); restored and alarm table empty %.0f s "
           "after it came back" % (len(aors), t_failed, t_back))
    figure("faults survived", "1 silent registrar")


# ---- primary proxy killed under load -------------------------------------------

FAILOVER_KA_S = 5          # ProxySet_ProxyKeepAliveTime (the minimum)
FAILOVER_PACE = 200        # [sip] pace_rate: REGISTERs started per second
FAILOVER_DEADLINE_S = 1.5  # HotSwapRtx = 1: 0.5 s + 1 s without an answer


def failover_bound(n):
    """The documented time for every binding to move (doc/gwagent.ini.5,
    PROXY REDUNDANCY): one keep-alive round, the hot-swap deadline, and the
    REGISTERs of n bindings at pace_rate, plus 5 s for the challenge round
    trips of a loaded lab."""
    return FAILOVER_KA_S + FAILOVER_DEADLINE_S + float(n) / FAILOVER_PACE + 5


def proxy_column(w, n):
    """{gwRegProxyAddress value: count} over the n account bindings."""
    out = {}
    col = w.walk(mib.oid("gwRegProxyAddress", 2), bulk=True)
    for v in col.values():
        out[unquote(v[1])] = out.get(unquote(v[1]), 0) + 1
    check_eq(sum(out.values()), n, "gwRegProxyAddress rows")
    return out


@t.case
def primary_killed_bindings_fail_over_then_home_back():
    need_daemon()
    n = int(os.environ.get("GW_FAILOVER_BINDINGS", "1000"))
    names, users = bulk_accounts(n)
    bound = failover_bound(n)
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd).start()
        kams = [Kamailio(lab, realm="gw.test", password_prefix="pw-", tcp=False,
                         name=name, children=4, shm_mb=128).start()
                for name in ("primary", "secondary")]
        primary, secondary = kams
        ini = lab_gateway_ini(primary.udp_port, names, users, reg_time=600, retry_time=10,
                              gateway=False, backups=(secondary.udp_port,),
                              keepalive_s=FAILOVER_KA_S, homing=True)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini,
                      settings={"sip": {"pace_rate": str(FAILOVER_PACE)},
                                "agent": {"log_level": "info"}})
        gw.start(timeout=30)
        t_start = time.monotonic()
        w = World.of(lab, trapd, snmpd, primary, gw, names)
        w.wait_subtree(30)
        t0 = time.monotonic()
        wait_until(lambda: primary.contact_count() == n and w.value(REGISTERED_COUNT) == str(n),
                   30 + 2 * bound, "%d bindings registered at the primary" % n, interval=0.5)
        t_reg = time.monotonic() - t0
        prim_addr = "127.0.0.1:%d" % primary.udp_port
        sec_addr = "127.0.0.1:%d" % secondary.udp_port
        check_eq(proxy_column(w, n), {prim_addr: n}, "bindings per proxy before the kill")

        def all_move_to(k, addr, what):
            """Seconds until all n bindings are at k (and say so over SNMP)."""
            t0 = time.monotonic()
            try:
                wait_until(lambda: k.contact_count() == n, bound, what, interval=0.2)
            except LabError:
                raise AssertionError("%s: only %d of %d bindings after %d s"
                                     % (what, k.contact_count(), n, bound)) from None
            took = time.monotonic() - t0
            wait_until(lambda: w.value(REGISTERED_COUNT) == str(n), 10,
                       "gwRegRegisteredCount back to %d" % n, interval=0.2)
            check_eq(proxy_column(w, n), {addr: n}, "bindings per proxy: %s" % what)
            gw.check_alive()
            return took

        primary.kill9()
        t_over = all_move_to(secondary, sec_addr, "primary killed: all at the secondary")
        primary.start()               # same port, empty location table
        t_home = all_move_to(primary, prim_addr, "primary back: all homed to it")
        # A hot swap with a live secondary is no outage: no alarm at all.
        time.sleep(2)
        bad = [x for x in trapd.traps() if x["trap_oid"] in (N_REG_FAILED, N_PSET_LOST)]
        check(not bad, "%d gwRegistrationFailed/gwProxySetLost notifications during the "
              "failover, first: %r" % (len(bad), bad[:1]))
        check(not w.walk(ALARM_NAMES), "alarms after the failover: %s" % w.alarm_names())
        # keep-alive is per proxy set: one OPTIONS per round to the
        # secondary (which always answered), not one per binding
        options = secondary.stat("rcv_requests_options")
        rounds = (time.monotonic() - t_start) / FAILOVER_KA_S
        check(options <= rounds + 3, "%d OPTIONS at the secondary in %.0f keep-alive rounds "
              "of %d bindings: keep-alive is not shared" % (options, rounds, n))
        gw.check_alive()
    figure("failover", "%d bindings registered in %.1f s; primary killed (kill -9): all on "
           "the secondary in %.1f s, primary back: all homed in %.1f s (documented bound "
           "%.1f s: keep-alive %d s + hot-swap deadline %.1f s + %d REGISTERs at %d/s + 5 s); "
           "0 lost, 0 alarms; %d OPTIONS keep-alives at the secondary in %.0f rounds"
           % (n, t_reg, t_over, t_home, bound, FAILOVER_KA_S, FAILOVER_DEADLINE_S, n,
              FAILOVER_PACE, options, rounds))
    figure("faults survived", "1 primary proxy killed under %d bindings" % n)


# ---- TCP and TLS connections reset by the peer ---------------------------------

SUCCESSES = mib.oid("gwRegSuccesses")


@t.case
def tcp_and_tls_connections_reset_by_the_peer():
    need_daemon()
    retry_time = 10
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd).start()
        k = Kamailio(lab, realm="gw.test", users=USERS, tcp=True, tls=True).start()
        p_tls, p_tcp = TcpProxy(lab, k.tls_port).start(), TcpProxy(lab, k.tcp_port).start()
        ini = lab_gateway_ini(k.udp_port, ("alice", "bob"), USERS, reg_time=600,
                              retry_time=retry_time)
        # proxy set 0 (the gateway) over TLS, set 1 (the accounts) over TCP,
        # each through a relay that resets connections on demand
        ini = ini.replace('ProxyIp 0 = "127.0.0.1:%d", 0, 0;' % k.udp_port,
                          'ProxyIp 0 = "127.0.0.1:%d", 2, 0;' % p_tls.port)
        ini = ini.replace('ProxyIp 1 = "127.0.0.1:%d", 0, 1;' % k.udp_port,
                          'ProxyIp 1 = "127.0.0.1:%d", 1, 1;' % p_tcp.port)
        ini = ini.replace("IsProxyHotSwap = 1",
                          "IsProxyHotSwap = 1\nReRegisterOnConnectionFailure = 1")
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini,
                      settings={"sip": {"tls_ca": k.ca_file}})
        gw.start()
        w = World.of(lab, trapd, snmpd, k, gw, ["alice", "bob"])
        w.wait_subtree()
        w.wait_all_registered()
        check("transport=tls" in k.contacts("gw")[0]["contact"], "gateway over TLS")
        check("transport=tcp" in k.contacts("alice")[0]["contact"], "alice over TCP")

        def successes():
            return {b: int(w.value("%s.%d.%d" % (SUCCESSES, *b)) or 0) for b in w.bindings()}

        def all_moved_on(before):
            now = successes()
            return all(now[b] > before[b] for b in before) and w.all_registered()

        def wait_moved_on(before, t0, bound, what):
            """Seconds from t0 until every binding registered once more."""
            try:
                wait_until(lambda: all_moved_on(before), bound, what, interval=0.2)
            except LabError:
                raise AssertionError("%s: successes %r -> %r after %d s; log:\n%s" % (
                    what, before, successes(), bound, gw.output()[-3000:])) from None
            return time.monotonic() - t0

        figures = []
        # 1. idle connections reset: ReRegisterOnConnectionFailure
        before = successes()
        accepted = p_tls.accepted + p_tcp.accepted
        n = p_tls.reset_all() + p_tcp.reset_all()
        check(n >= 2, "connections reset: %d (one TLS, one TCP at least)" % n)
        took = wait_moved_on(before, time.monotonic(), 10, "idle reset: every binding "
                             "registered again on a new connection")
        figures.append("idle reset of %d connections: all %d bindings re-registered in "
                       "%.1f s" % (n, len(before), took))
        check(p_tls.accepted + p_tcp.accepted > accepted, "new connections were opened")
        w.wait_all_registered()
        gw.check_alive()

        # 2. reset while a REGISTER is on the wire (the relay drops it): the
        # connection was in use, so the REGISTER goes again on a new one at
        # once, without a failure or a notification
        for rnd in range(3):
            before = successes()
            p_tls.reset_next_data(1)
            p_tcp.reset_next_data(1)
            t0 = time.monotonic()
            check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)])[0], 0, "gwRegAllAction refresh")
            took = wait_moved_on(before, t0, 5, "round %d, reset mid-REGISTER: every "
                                 "binding registered" % rnd)
            figures.append("reset mid-REGISTER: back in %.1f s" % took)
            gw.check_alive()
        check(p_tls.resets >= 4 and p_tcp.resets >= 4,
              "resets done: TLS %d, TCP %d" % (p_tls.resets, p_tcp.resets))
        failed = [x for x in trapd.traps() if x["trap_oid"] in (N_REG_FAILED, N_PSET_LOST)]
        check(not failed, "a reset connection is no registration failure nor a lost proxy "
              "set: %r" % failed[:1])
        check(not w.walk(ALARM_NAMES), "alarms: %s" % w.alarm_names())

        # 3. the connections reset, and the new ones ReRegisterOnConnectionFailure
        # opens reset at their first bytes (the TLS ClientHello, the first
        # REGISTER over TCP): nothing was ever received on them, so this is
        # a failure (notified), retried after RegistrationRetryTime
        before = successes()
        aors = ["sip:%s@gw.test" % u for u in w.users()]
        p_tls.reset_next_data(1)
        p_tcp.reset_next_data(1)
        p_tls.reset_all()
        p_tcp.reset_all()
        t0 = time.monotonic()
        wait_notified(trapd, N_REG_FAILED, aors, 10, "gwRegistrationFailed after the resets "
                      "of new connections")
        # the retry time with its jitter, plus the cycle
        took = wait_moved_on(before, t0, retry_time * 1.5 + 10, "resets of new connections: "
                             "every binding registered")
        figures.append("reset of new connections (TLS handshake, first TCP REGISTER): "
                       "gwRegistrationFailed, back in %.1f s (RegistrationRetryTime %d s)"
                       % (took, retry_time))
        wait_notified(trapd, N_REG_RESTORED, aors, 10, "gwRegistrationRestored")
        wait_until(lambda: not w.walk(ALARM_NAMES), 20, "the alarm table to empty")
        for u in w.users():
            check(k.contacts(u), "%s in the location table" % u)
        check_eq(w.value(REGISTERED_COUNT), "3", "gwRegRegisteredCount")
    figure("connection-resets", "; ".join(figures))
    figure("faults survived", "%d TCP/TLS connection resets" % (p_tls.resets + p_tcp.resets))


@t.case
def unused_tcp_connection_closed_after_idle_timeout():
    need_daemon()
    idle = 2
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd).start()
        k = Kamailio(lab, realm="gw.test", users=USERS, tcp=True).start()
        p = TcpProxy(lab, k.tcp_port).start()
        ini = lab_gateway_ini(k.udp_port, ("alice",), USERS, reg_time=600)
        ini = ini.replace('ProxyIp 1 = "127.0.0.1:%d", 0, 1;' % k.udp_port,
                          'ProxyIp 1 = "127.0.0.1:%d", 1, 1;' % p.port)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini,
                      settings={"sip": {"tcp_idle_timeout": str(idle)}})
        gw.start()
        w = World.of(lab, trapd, snmpd, k, gw, ["alice"])
        w.wait_subtree()
        w.wait_all_registered()
        check_eq(p.connections(), 1, "the TCP connection of alice's registration")
        # a connection that carries a registration stays, idle or not
        time.sleep(2.5 * idle)
        check_eq((p.connections(), p.accepted), (1, 1),
                 "(open, accepted) connections %.0f s later" % (2.5 * idle))
        check(w.all_registered(), "alice still registered")
        # the account goes: unregistered over the connection, which then
        # serves nothing and is closed once idle
        check_eq(w.set([(mib.oid("gwAccountRowStatus", 0), "i", 6)])[0], 0, "destroy alice's row")
        wait_until(lambda: not k.contacts("alice"), 10, "alice unregistered")
        t0 = time.monotonic()
        try:
            wait_until(lambda: p.connections() == 0, idle + 5,
                       "the unused connection to be closed", interval=0.1)
        except LabError:
            raise AssertionError("still %d connection(s) %.0f s after the last binding "
                                 "left; log:\n%s" % (p.connections(), idle + 5,
                                                      gw.output()[-2000:])) from None
        took = time.monotonic() - t0
        check("idle, closed" in gw.output(), "the close is logged")
        check_eq(p.accepted, 1, "no connection reopened")
        gw.check_alive()
    figure("tcp-idle", "a connection carrying a registration stayed open %.0f s past the "
           "idle timeout (%d s); once unused it was closed %.1f s after the unregister"
           % (1.5 * idle, idle, took))


# ---- valgrind -------------------------------------------------------------------

def valgrind_reports(d):
    """{log name: (errors, lost bytes, invalid accesses, text)}, with the
    heap figures of each log printed for RELIABILITY.md."""
    out = {}
    for f, (errors, lost, invalid, allocs, frees, text) in memcheck.reports(d).items():
        out[f] = (errors, lost, invalid, text)
        if allocs != "?":
            figure("valgrind heap", "%s: %s allocs, %s frees" % (f, allocs, frees))
    return out


@t.case
def valgrind_world_scenario_no_leaks_no_invalid_accesses():
    plain = os.environ.get("GW_PLAIN_BUILDDIR")
    if not plain:
        raise OptionalSkip("needs GW_PLAIN_BUILDDIR (a build without sanitizers): "
                           "run tools/valgrind.sh")
    exe = os.path.join(plain, "agent", "gwagentd")
    if not os.access(exe, os.X_OK):
        raise LabError("no gwagentd in GW_PLAIN_BUILDDIR=%s" % plain)
    if which_or_none("valgrind") is None:
        raise LabError("valgrind is not installed (Debian package valgrind)")
    saved = os.environ.get("GWAGENTD")
    os.environ["GWAGENTD"] = exe
    t0 = time.monotonic()
    try:
        with Lab() as lab:
            w = World(lab, valgrind=True)
            w.wait_all_registered(60)
            check_eq(w.set([(REG_TIME, "u", 120)], timeout=10)[0], 0, "scalar SET")
            row = 9
            rc, _, err = w.set(carol_row(row), timeout=10)
            check_eq(rc, 0, "createAndGo: %s" % err)
            wait_until(lambda: w.k.contacts("carol"), 30, "carol registered")
            check(w.set([(REG_TIME, "u", 1)], timeout=10)[0] != 0, "a refused SET")
            check_eq(w.set([(INI_LINE, "s", "RegistrationRetryTime = 20")], timeout=10)[0], 0,
                     "gwIniLine")
            good = lab.path("good.ini")
            with open(good, "w") as f:
                f.write("RegistrationTime = 90\n")
            bad = lab.path("bad.ini")
            with open(bad, "w") as f:
                f.write("[ Account ]\nFORMAT Account_Index = Account_Register;\n"
                        "Account 3 = 7;\n[ \\Account ]\n")
            check_eq(upload(w, "file://" + good, mode=2)[0], INI_SUCCESS, "good upload")
            check_eq(upload(w, "file://" + bad, mode=2)[0], INI_FAILED, "bad upload")
            check_eq(upload(w, "file://%s/none.ini" % lab.dir)[0], INI_FAILED,
                     "unreadable upload")
            check_eq(w.set([(mib.oid("gwAccountRowStatus", row), "i", 6)], timeout=10)[0], 0,
                     "destroy")
            check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)], timeout=10)[0], 0, "refresh")
            w.walk(ROOT, bulk=True)
            w.snmpd.kill9()           # AgentX session lost and re-opened
            w.snmpd.start()
            w.wait_subtree(60)
            w.k.restart()             # bindings lost at the registrar
            check_eq(w.set([(REG_ALL, "i", ACTION_REFRESH)], timeout=10)[0], 0, "refresh")
            w.wait_all_registered(60)
            w.gw.signal(signal.SIGHUP)
            time.sleep(2)
            w.wait_all_registered(60)
            rc = w.gw.stop()          # SIGTERM: unregister and exit
            reports = valgrind_reports(w.gw.dir)
            check(reports, "no valgrind log in %s" % w.gw.dir)
            for name, (errors, lost, invalid, text) in reports.items():
                detail = "\n".join(text.splitlines()[-60:])
                check(errors is not None, "%s has no ERROR SUMMARY:\n%s" % (name, detail))
                check_eq((errors, lost, invalid), (0, 0, 0),
                         "%s (errors, definitely+indirectly lost bytes, invalid accesses):\n%s"
                         % (name, detail))
            check_eq(rc, 0, "gwagentd's exit status under valgrind")
    finally:
        if saved is None:
            os.environ.pop("GWAGENTD", None)
        else:
            os.environ["GWAGENTD"] = saved
    figure("valgrind", "memcheck on register, SETs, RowStatus, gwIniLine, 3 uploads, snmpd "
           "and Kamailio restarts, SIGHUP, SIGTERM: 0 errors, 0 bytes definitely or "
           "indirectly lost, 0 invalid accesses (%.0f s)"
           % (time.monotonic() - t0))


if __name__ == "__main__":
    wanted = sys.argv[1:]
    if wanted:
        names = [c.__name__ for c in t.cases]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            sys.exit("unknown case(s): %s; cases: %s" % (" ".join(unknown), " ".join(names)))
        t.cases = [c for c in t.cases if c.__name__ in wanted]
    sys.exit(t.run())
