#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Safe INI loads end to end (snmpd + snmptrapd + Kamailio + gwagentd):
the validate(3) dry run and the summary line of real loads (diagnostics and
gwIniLoadResult), save before apply on a read-only file system (gwagentd in
a private mount namespace whose gateway INI directory is remounted
read-only), gwIniLine taking exactly one line with its own status objects,
and a second load refused with inconsistentValue while a slow one runs."""
import http.server
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import (REG_TIME, INI_URI, INI_MODE, INI_ACTION, INI_LINE,  # noqa: E402
                     INI_STATUS, INI_DIAG, INI_TIME, LINE_STATUS,
                     LINE_DIAG, LINE_TIME)
from lab.gateway import account_row, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import HOST, LabError, wait_until, which_or_none  # noqa: E402
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402

BINDING_COUNT = mib.oid("gwRegBindingCount", 0)
REGISTERED_COUNT = mib.oid("gwRegRegisteredCount", 0)
INI = mib.oid("gwIniMgmt")
N_INI_RESULT = mib.oid("gwIniLoadResult")
MODE_FULL, MODE_INCREMENTAL, MODE_VALIDATE = 1, 2, 3
IN_PROGRESS, SUCCESS, FAILED = "1", "2", "3"

USERS = {"gw": "Lx4-gw-SECRET-0b1d", "alice": "Lx4-alice-SECRET-77c2",
         "bob": "Lx4-bob-SECRET-9e30", "carol": "Lx4-carol-SECRET-4a11"}

SUMMARY_DRY = re.compile(r"^would add (\d+), remove (\d+), re-register (\d+) bindings; "
                         r"(\d+) parameters? change$")
SUMMARY = re.compile(r"^added (\d+), removed (\d+), re-registered (\d+) bindings; "
                     r"(\d+) parameters? changed$")

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmpset", "kamailio", "kamcmd"])


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


def unquote(v):
    v = v or ""
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return v


class NsGwagentd(Gwagentd):
    """gwagentd in a private mount namespace whose gateway INI directory is
    bind-mounted on itself, so that the test can remount it read-only for
    the daemon alone (nsenter ... mount -o remount,ro,bind) while the file
    stays where the test and a later plain restart find it."""

    def __init__(self, lab, ini_dir, **kw):
        super().__init__(lab, **kw)
        self.ini_dir = ini_dir
        self.ini_path = os.path.join(ini_dir, "gateway.ini")
        self.settings["agent"]["gateway_ini"] = self.ini_path
        self.namespaced = True

    def argv(self):
        argv = super().argv()
        if not self.namespaced:
            return argv
        # unshare and sh exec: the PID the lab stops is gwagentd's
        return ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind "$0" "$0" && exec "$@"', self.ini_dir] + argv

    def remount(self, mode):
        subprocess.run(["nsenter", "-t", str(self.proc.pid), "-m", "mount", "-o",
                        "remount,%s,bind" % mode, self.ini_dir], check=True,
                       capture_output=True, timeout=10)


class World(world.World):
    """snmptrapd, snmpd, Kamailio and gwagentd with the gateway and accounts
    alice and bob registered; gw(world) makes a Gwagentd of the test's own."""

    def __init__(self, lab, gw=None):
        super().__init__(lab, USERS, ini=self.gateway_ini, gw=gw)

    def gateway_ini(self, w):
        self.ini_text = lab_gateway_ini(self.k.udp_port, ("alice", "bob"), USERS)
        return self.ini_text

    def wait_registered_count(self, n=3, timeout=30):
        wait_until(lambda: self.value(REGISTERED_COUNT) == str(n), timeout,
                   "%d bindings registered" % n)

    def state(self):
        """What a load must not change: binding count, registered count,
        RegistrationTime and the gateway INI, byte for byte."""
        return (self.value(BINDING_COUNT), self.value(REGISTERED_COUNT),
                self.value(REG_TIME), self.gw.read_ini())

    def write(self, name, text):
        p = self.lab.path(name)
        with open(p, "w", newline="") as f:
            f.write(text)
        return p

    def load(self, uri, mode, timeout=30):
        rc, _, err = self.set([(INI_URI, "s", uri), (INI_MODE, "i", mode),
                               (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET gwIniAction load(1) of %s: %s" % (uri, err))
        wait_until(lambda: self.value(INI_STATUS) in (SUCCESS, FAILED), timeout,
                   "the load of %s to end" % uri, interval=0.1)
        return self.value(INI_STATUS), unquote(self.value(INI_DIAG))

    def ini_results(self, text):
        """gwIniLoadResult notifications whose diagnostics hold text."""
        return [n for n in self.trapd.traps() if n["trap_oid"] == N_INI_RESULT and
                any(text in v for v in n["vars"].values())]


def summary_of(diag, pattern, what):
    first = diag.split("\n")[0]
    m = pattern.match(first)
    check(m is not None, "%s: first diagnostics line %r is no summary" % (what, first))
    return tuple(int(x) for x in m.groups())


@t.case
def dry_run_changes_nothing_and_real_load_reports_the_same_effect():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered_count(3)
        before = w.state()
        # a one-line full load removes every binding
        one = w.write("one.ini", "RegistrationTime = 300\r\n")
        status, diag = w.load("file://" + one, MODE_VALIDATE)
        check_eq(status, SUCCESS, "gwIniActionStatus of the dry run (%r)" % diag)
        added, removed, rereg, params = summary_of(diag, SUMMARY_DRY, "dry run")
        check_eq((added, removed, rereg), (0, 3, 0), "dry run binding counts")
        check(params > 3, "dry run counts %d parameters" % params)
        check_eq(diag, "would add 0, remove 3, re-register 0 bindings; %d parameters change"
                 % params, "dry run diagnostics")
        # gwagent-ini diff of the two files computes the same effect
        tool = os.path.join(os.environ.get("top_builddir", ""), "agent", "gwagent-ini")
        if os.access(tool, os.X_OK):
            r = subprocess.run([tool, "diff", w.gw.ini_path, one], capture_output=True,
                               text=True, timeout=30)
            check_eq(r.returncode, 1, "gwagent-ini diff exit (%s)" % r.stderr)
            check_eq(r.stdout.split("\n")[0], diag, "gwagent-ini diff summary")
        check_eq(w.state(), before, "bindings, RegistrationTime and file after the dry run")
        check_eq(w.value(INI_MODE), str(MODE_VALIDATE), "gwIniLoadMode reads validate(3)")
        w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                         any("INI dry run succeeded" in v for v in n["vars"].values()),
                         10, "gwIniLoadResult of the dry run")
        # a dry run of a file with errors names FILE:LINE and fails
        bad = w.write("bad.ini", "RegistrationTime = 300\r\nRegistrationTime = 1\r\n")
        status, diag = w.load("file://" + bad, MODE_VALIDATE)
        check_eq(status, FAILED, "dry run of a bad file")
        check("bad.ini:2:" in diag, "dry run diagnostics name the line: %r" % diag)
        check_eq(w.state(), before, "state after the failed dry run")

        # the real load does exactly that and says so
        status, diag = w.load("file://" + one, MODE_FULL)
        check_eq(status, SUCCESS, "gwIniActionStatus of the real load (%r)" % diag)
        want = "added 0, removed 3, re-registered 0 bindings; %d parameters changed" % params
        check_eq(diag, want, "real load diagnostics")
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                                 any(want in v for v in n["vars"].values()),
                                 10, "gwIniLoadResult with the summary")
        check(any("INI load succeeded" in v for v in traps[-1]["vars"].values()),
              "the notification says succeeded: %r" % traps[-1]["vars"])
        check_eq(w.value(BINDING_COUNT), "0", "gwRegBindingCount after the load")
        for u in ("gw", "alice", "bob"):
            wait_until(lambda u=u: not w.k.contacts(u), 20, "%s unregistered" % u)
        check("RegistrationTime = 300" in w.gw.read_ini(), "the load was saved")

        # and back: the counts are the sync's (3 added)
        full = w.write("full.ini", w.ini_text)
        status, diag = w.load("file://" + full, MODE_FULL)
        check_eq(status, SUCCESS, "reload of the lab file")
        check_eq(summary_of(diag, SUMMARY, "reload")[:3], (3, 0, 0), "reload binding counts")
        check_eq(summary_of(diag, SUMMARY, "reload")[3], params, "the same parameters back")
        w.wait_registered_count(3)


@t.case
def load_on_a_read_only_file_system_is_not_applied():
    need_daemon()
    for tool in ("unshare", "nsenter"):
        if which_or_none(tool) is None:
            raise Skip("%s is missing" % tool)
    if os.geteuid() != 0:
        raise Skip("mount namespaces need root here")
    with Lab() as lab:
        ini_dir = lab.subdir("inidir")
        try:
            w = World(lab, gw=lambda w: NsGwagentd(lab, ini_dir,
                                                   agentx_socket=w.snmpd.agentx_socket))
        except (LabError, subprocess.CalledProcessError) as e:
            raise Skip("no private mount namespace: %s" % e)
        gw = w.gw
        w.wait_registered_count(3)
        gw.remount("ro")
        before = w.state()
        text = w.ini_text.replace("RegistrationTime = 60", "RegistrationTime = 61")
        text = text.replace(account_row(1, "bob", USERS["bob"]), "")
        upd = w.write("upd.ini", text)
        # a dry run needs no write
        status, diag = w.load("file://" + upd, MODE_VALIDATE)
        check_eq(status, SUCCESS, "dry run on a read-only file system (%r)" % diag)
        check_eq(summary_of(diag, SUMMARY_DRY, "dry run")[:3], (0, 1, 2),
                 "dry run binding counts on a read-only file system")
        for mode in (MODE_FULL, MODE_INCREMENTAL):
            status, diag = w.load("file://" + upd, mode)
            check_eq(status, FAILED, "gwIniActionStatus of a load that cannot be saved")
            want = "cannot save %s: Read-only file system; nothing applied" % gw.ini_path
            check_eq(diag.split("\n")[0], want, "diagnostics of the unsaved load")
            trap = w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                                    any(want in v for v in n["vars"].values()),
                                    10, "gwIniLoadResult of the unsaved load")[-1]
            check(any("INI load failed" in v for v in trap["vars"].values()),
                  "the notification says failed: %r" % trap["vars"])
            check_eq(trap["vars"].get(INI_STATUS, "").split()[-1], FAILED,
                     "gwIniActionStatus in the trap")
            check_eq(w.state(), before, "bindings, RegistrationTime and file (mode %d)" % mode)
            w.gw.check_alive()
        check("Lx4-" not in gw.output(), "a password in the log")
        # the old configuration after a restart (plain, writable)
        gw.stop()
        gw.namespaced = False
        w.start_gw()
        w.wait_registered_count(3)
        check_eq(w.value(REG_TIME), before[2], "RegistrationTime after the restart")
        check_eq(w.gw.read_ini(), before[3], "the file after the restart")


@t.case
def ini_line_takes_exactly_one_line_and_has_its_own_status():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered_count(3)
        # a load first, so that its status and diagnostics are there to keep
        one = w.write("same.ini", w.ini_text)
        status, load_diag = w.load("file://" + one, MODE_FULL)
        check_eq(status, SUCCESS, "the first load")
        load_time = w.value(INI_TIME)
        check_eq(w.value(LINE_STATUS), "0", "gwIniLineStatus before any line")
        before = w.state()
        bad = ["RegistrationTime = 90\nUserName = 'x'",
               "RegistrationTime = 90\r",
               "[ SIP Params ]",
               "FORMAT Account_Index = Account_Username;",
               "[ Account ]",
               "[ \\Account ]",
               "; RegistrationTime = 90",
               "",
               "[ Account ]\nFORMAT Account_Index = Account_ServedTrunkGroup, "
               "Account_ServingIPGroup, Account_Username;\nAccount 7 = 1, 1, \"carol\";"]
        for line in bad:
            rc, _, err = w.set([(INI_LINE, "s", line)])
            check(rc != 0 and "wrongValue" in err, "gwIniLine %r: rc %d %r" % (line, rc, err))
            check_eq(w.value(LINE_STATUS), FAILED, "gwIniLineStatus after %r" % line)
            diag = unquote(w.value(LINE_DIAG))
            check(diag.startswith("gwIniLine: error: "), "gwIniLineDiagnostics %r" % diag)
            check_eq(w.state(), before, "nothing changed by %r" % line)
        check_eq(w.value(INI_STATUS), SUCCESS, "gwIniActionStatus kept")
        check_eq(unquote(w.value(INI_DIAG)), load_diag, "gwIniActionDiagnostics kept")
        check_eq(w.value(INI_TIME), load_time, "gwIniActionTime kept")
        # one row, every column in the catalog's order: carol registers
        row = account_row(5, "carol", USERS["carol"])
        rc, _, err = w.set([(INI_LINE, "s", row)])
        check_eq(rc, 0, "gwIniLine with one Account row: %s" % err)
        check_eq(w.value(LINE_STATUS), SUCCESS, "gwIniLineStatus")
        check_eq(unquote(w.value(LINE_DIAG)), "applied", "gwIniLineDiagnostics")
        check(w.value(LINE_TIME) not in (None, '""'), "gwIniLineTime set")
        wait_until(lambda: w.k.contacts("carol"), 20, "carol registered")
        check('"carol"' in w.gw.read_ini(), "the row was saved")
        check(USERS["carol"] not in unquote(w.value(LINE_DIAG)), "password in diagnostics")
        # a row in the FORMAT the file gives its table: ProxySet lists 2 columns
        rc, _, err = w.set([(INI_LINE, "s", "ProxySet 2 = 0, 1;")])
        check_eq(rc, 0, "gwIniLine with a ProxySet row in the file's FORMAT: %s" % err)
        check(re.search(r"ProxySet 2 = 0, 1;", w.gw.read_ini()) is not None,
              "the ProxySet row was saved in its block")
        rc, _, err = w.set([(INI_LINE, "s", "ProxySet 3 = 0, 60, 0, 1, -1, -1, -1;")])
        check(rc != 0 and "wrongValue" in err, "a row in another FORMAT: rc %d %r" % (rc, err))
        check("FORMAT of the gateway INI" in unquote(w.value(LINE_DIAG)),
              "gwIniLineDiagnostics names the FORMAT: %r" % unquote(w.value(LINE_DIAG)))
        check_eq(unquote(w.value(INI_DIAG)), load_diag, "gwIniActionDiagnostics still kept")


@t.case
def sighup_reload_logs_the_summary_and_keeps_the_file():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered_count(3)
        text = w.ini_text.replace("RegistrationTime = 60", "RegistrationTime = 63")
        w.gw.write_ini(text)
        written = w.gw.read_ini()
        os.kill(w.gw.proc.pid, 1)           # SIGHUP
        want = "SIGHUP: reloaded %s: added 0, removed 0, re-registered 3 bindings; " \
            "1 parameter changed" % w.gw.ini_path
        wait_until(lambda: want in w.gw.output(), 10, "the reload's summary in the log")
        check_eq(w.value(REG_TIME), "63", "RegistrationTime after the reload")
        check_eq(w.gw.read_ini(), written, "the operator's file is not rewritten")
        w.wait_registered_count(3)


class SlowIni(http.server.BaseHTTPRequestHandler):
    """Serves the server's body once its release event is set."""

    def do_GET(self):
        self.server.requested.set()
        self.server.release.wait(30)
        body = self.server.body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@t.case
def second_load_while_a_slow_one_runs_is_inconsistent_value():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_registered_count(3)
        srv = http.server.ThreadingHTTPServer((HOST, 0), SlowIni)
        srv.requested, srv.release = threading.Event(), threading.Event()
        srv.body = w.ini_text.replace("RegistrationTime = 60", "RegistrationTime = 62")
        th = threading.Thread(target=srv.serve_forever, daemon=True)
        th.start()
        lab.closers.append(lambda: (srv.release.set(), srv.shutdown(), srv.server_close()))
        uri = "http://loader:Lx4-uri-SECRET@%s:%d/slow.ini" % (HOST, srv.server_address[1])
        rc, _, err = w.set([(INI_URI, "s", uri), (INI_MODE, "i", MODE_FULL),
                            (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "first load: %s" % err)
        check(srv.requested.wait(15), "the slow server got the request")
        check_eq(w.value(INI_STATUS), IN_PROGRESS, "gwIniActionStatus while it runs")
        running = unquote(w.value(INI_DIAG))
        check(re.fullmatch(r"load running since \d\d:\d\d:\d\d", running) is not None,
              "gwIniActionDiagnostics while it runs: %r" % running)
        other = w.write("other.ini", "RegistrationTime = 300\r\n")
        rc, _, err = w.set([(INI_URI, "s", "file://" + other), (INI_ACTION, "i", 1)])
        check(rc != 0 and "inconsistentValue" in err,
              "second load: rc %d, %r (want inconsistentValue)" % (rc, err))
        check("out of memory" not in err.lower(), "refusal printed as out of memory")
        check_eq(w.value(INI_STATUS), IN_PROGRESS, "the first load's status kept")
        check_eq(unquote(w.value(INI_DIAG)), running, "the first load's diagnostics kept")
        refused = "load refused: a load from http://loader@%s:%d/slow.ini is running since " \
            % (HOST, srv.server_address[1])
        wait_until(lambda: refused in w.gw.output(), 5, "the refusal in the log")
        srv.release.set()
        wait_until(lambda: w.value(INI_STATUS) in (SUCCESS, FAILED), 30, "the first load")
        check_eq(w.value(INI_STATUS), SUCCESS, "the first load's status")
        check_eq(unquote(w.value(INI_DIAG)),
                 "added 0, removed 0, re-registered 3 bindings; 1 parameter changed",
                 "the first load's own diagnostics")
        check_eq(w.value(REG_TIME), "62", "the first load applied")
        check("RegistrationTime = 300" not in w.gw.read_ini(), "the refused load applied")
        check("Lx4-uri-SECRET" not in w.gw.output(), "the URI's password in the log")
        w.wait_registered_count(3)


if __name__ == "__main__":
    sys.exit(t.run())
