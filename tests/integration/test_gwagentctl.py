#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""gwagentctl against a real gwagentd (embedded master on a free port) and
Kamailio on loopback (issue 16, items 3, 5, 6): status and JSON, actions
seen in Kamailio's location table, reload/check/load, load going the MIB's
load path (gwIniActionStatus, diagnostics and gwIniLoadResult through snmpd
and snmptrapd), keep-alive entries in the flight recorder when a proxy is
killed and comes back, the on-demand SIP trace with its secrets masked and
its end, the socket's mode, bad and
oversize requests, idle and never-reading clients dropped."""
import grp
import json
import signal
import os
import pwd
import re
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.gateway import gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentctl_path, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, free_port, wait_until, which_or_none  # noqa: E402
from lab.snmp import Snmpd  # noqa: E402
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3",
         "carol": "carol-secret-4"}

t = Suite(requires=["kamailio", "kamcmd"])
N_INI_RESULT = mib.oid("gwIniLoadResult")


class World:
    """Kamailio + gwagentd (master mode, no snmpd needed) with a gateway
    binding and accounts 0 (alice) and 1 (bob)."""

    def __init__(self, lab, settings=None, accounts=("alice", "bob")):
        if gwagentd_path() is None or gwagentctl_path() is None:
            raise LabError("gwagentd or gwagentctl is not built")
        self.lab = lab
        self.k = Kamailio(lab, realm="gw.test", users=USERS).start()
        self.gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % free_port("udp"),
                           gateway_ini=lab_gateway_ini(self.k.udp_port, accounts,
                                                       USERS),
                           settings=settings)
        self.gw.start()

    def ctl(self, *args):
        return self.gw.ctl(*args)

    def status_json(self):
        rc, out, err = self.ctl("--json", "status")
        check_eq(rc, 0, "gwagentctl --json status exit status (%s)" % err)
        return json.loads(out)

    def states(self):
        return {b["binding"]: b["state"] for b in self.status_json()["bindings"]}

    def wait_registered(self, names, timeout=20):
        wait_until(lambda: all(self.states().get(n) == "registered" for n in names),
                   timeout, "%s registered" % ", ".join(names))

    def wait_contact(self, user, present=True, timeout=20):
        wait_until(lambda: bool(self.k.contacts(user)) == present, timeout,
                   "%s %s the location table" % (user, "in" if present else "out of"))


def raw_client(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(5)
    return s


def read_answer(s):
    buf = b""
    while not buf.endswith(b"\n.\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")


@t.case
def status_shows_registered_bindings():
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(["gateway", "account-0", "account-1"])
        rc, out, err = w.ctl("status")
        check_eq(rc, 0, "status exit status")
        lines = out.splitlines()
        check(lines[0].split()[:4] == ["BINDING", "AOR", "STATE", "ADDRESS"],
              "table header: %r" % lines[0])
        rows = {ln.split()[0]: ln.split() for ln in lines[1:] if ln.split()}
        for name, aor in (("gateway", None), ("account-0", "sip:alice@gw.test"),
                          ("account-1", "sip:bob@gw.test")):
            check(name in rows, "%s in the table" % name)
            check_eq(rows[name][2], "registered", "%s state" % name)
            check_eq(rows[name][3], "127.0.0.1:%d" % w.k.udp_port, "%s address" % name)
            if aor:
                check_eq(rows[name][1], aor, "%s AOR" % name)
        # aligned: every row's AOR column starts where the header's does
        col = lines[0].index("AOR")
        check(all(ln[col - 2:col] == "  " and ln[col] == "s" for ln in lines[1:4]),
              "AOR column aligned: %r" % lines[:4])
        check("3 bindings, 3 registered" in out, "summary line")
        doc = w.status_json()
        b = {x["binding"]: x for x in doc["bindings"]}
        check_eq(b["account-0"]["last_code"], 200, "JSON last_code")
        check_eq(b["account-0"]["type"], "account", "JSON type")
        check_eq(b["account-0"]["id"], 0, "JSON id")
        check(b["account-0"]["expires"] > 0, "JSON expires")
        check(b["account-0"]["counters"]["challenged"] >= 1, "JSON counters")
        rc, out, _ = w.ctl("status", "account-1")
        check_eq(rc, 0, "status account-1")
        check("aor:          sip:bob@gw.test" in out, "detail AOR")
        check("state:        registered" in out, "detail state")
        check("trace:        off" in out, "trace off by default")
        rc, out, _ = w.ctl("--json", "status", "account-1")
        one = json.loads(out)
        check_eq(one["binding"]["aor"], "sip:bob@gw.test", "JSON one binding")
        check_eq(one["proxies"][0]["address"], "127.0.0.1:%d" % w.k.udp_port,
                 "JSON proxies")
        for cmd in (("show", "proxies"), ("show", "alarms"), ("show", "control"),
                    ("version",)):
            rc, out, err = w.ctl(*cmd)
            check_eq(rc, 0, "%s exit status (%s)" % (" ".join(cmd), err))
            rc, out, err = w.ctl("--json", *cmd)
            check_eq(rc, 0, "--json %s" % " ".join(cmd))
            json.loads(out)
        rc, out, _ = w.ctl("show", "config", "Account")
        check_eq(rc, 0, "show config Account")
        check('Account 0 = 1, -1, 1, "alice", "***", "", 1, "alice", 0;' in out,
              "the Account table, password masked: %r" % out)
        rc, out, _ = w.ctl("--json", "show", "config", "RegistrationTime")
        check_eq(json.loads(out), {"parameter": "RegistrationTime", "value": 60},
                 "a scalar in JSON")
        rc, out, _ = w.ctl("show", "config", "Password")
        check_eq(out, 'Password = "***"\n', "the gateway password masked")
        rc, out, _ = w.ctl("--json", "show", "alarms")
        check_eq(json.loads(out)["alarms"], [], "no alarm while all registered")
        everything = w.gw.output()
        for cmd in (("status",), ("--json", "status"), ("show", "config", "Account"),
                    ("--json", "show", "config", "Account")):
            everything += w.ctl(*cmd)[1]
        for pw in USERS.values():
            check(pw not in everything, "password %s never shown" % pw)
        st = os.stat(w.gw.ctl_socket)
        check(stat.S_ISSOCK(st.st_mode), "a socket")
        check_eq(oct(st.st_mode & 0o7777), oct(0o660), "socket mode")


@t.case
def unregister_and_register_seen_by_kamailio():
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(["gateway", "account-0", "account-1"])
        w.wait_contact("alice")
        rc, out, err = w.ctl("unregister", "account-0")
        check_eq(rc, 0, "unregister exit status (%s)" % err)
        w.wait_contact("alice", present=False)
        check(bool(w.k.contacts("bob")), "bob stays registered")
        wait_until(lambda: w.states()["account-0"] == "unregistered", 10, "unregistered")
        check(re.search(r"\[ctl\] uid %d: unregister account-0" % os.getuid(),
                        w.gw.output()) is not None, "the action logged with the uid")
        rc, _, _ = w.ctl("register", "account-0")
        check_eq(rc, 0, "register exit status")
        w.wait_contact("alice")
        w.wait_registered(["account-0"])
        rc, out, _ = w.ctl("refresh", "all")
        check_eq(rc, 0, "refresh all")
        rc, out, _ = w.ctl("unregister", "all")
        check_eq(rc, 0, "unregister all")
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u, present=False)
        rc, out, _ = w.ctl("register", "all")
        for u in ("gw", "alice", "bob"):
            w.wait_contact(u)
        # trunk group 1 is what the lab's accounts serve, not the gateway
        rc, out, err = w.ctl("unregister", "trunk-group", "1")
        check_eq(rc, 0, "unregister trunk-group 1 (%s)" % err)
        check("unregister: 2 bindings" in out, "two accounts: %r" % out)
        for u in ("alice", "bob"):
            w.wait_contact(u, present=False)
        check(bool(w.k.contacts("gw")), "the gateway stays registered")
        check_eq(w.ctl("register", "trunk-group", "1")[0], 0, "register trunk-group 1")
        for u in ("alice", "bob"):
            w.wait_contact(u)
        check_eq(w.ctl("refresh", "trunk-group", "2")[0], 3, "no such trunk group")
        rc, _, err = w.ctl("register", "account-7")
        check_eq(rc, 3, "unknown binding: exit 3")
        check("no binding account-7" in err, "says which: %r" % err)
        rc, _, err = w.ctl("register", "alice")
        check_eq(rc, 2, "not a binding name: exit 2")
        rc, _, err = w.ctl("frobnicate")
        check_eq(rc, 2, "unknown command: exit 2")
        check("unknown command" in err, "clear error: %r" % err)
        # the flight recorder: account-0 registered (challenged by
        # Kamailio), unregistered, registered again, ...
        rc, out, err = w.ctl("--json", "history", "account-0")
        check_eq(rc, 0, "history exit status (%s)" % err)
        h = json.loads(out)
        kinds = [(e["kind"], e["outcome"], e["code"]) for e in h]
        check(("register", "ok", 200) in kinds, "a REGISTER answered 200: %r" % kinds)
        check(("unregister", "ok", 200) in kinds, "an un-REGISTER answered 200: %r" % kinds)
        first = [e for e in h if e["kind"] == "register"][0]
        check(first["challenges"] >= 1, "the 401 answered on the way: %r" % first)
        check(first["address"].startswith("127.0.0.1:"), "its address: %r" % first)
        check([e["seq"] for e in h] == sorted(e["seq"] for e in h), "oldest first")
        rc, out, _ = w.ctl("history", "account-0")
        check(rc == 0 and "register" in out and "ok" in out, "the table: %r" % out)
        check_eq(w.ctl("history", "account-9")[0], 3, "history of no binding: exit 3")


@t.case
def reload_check_and_load():
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(["gateway", "account-0", "account-1"])
        rc, out, err = w.ctl("check")
        check_eq(rc, 0, "check exit status (%s)" % err)
        check("would add 0, remove 0, re-register 0 bindings" in out,
              "check summary: %r" % out)
        w.gw.write_ini(lab_gateway_ini(w.k.udp_port, ("alice", "bob", "carol"), USERS))
        rc, out, err = w.ctl("reload")
        check_eq(rc, 0, "reload exit status (%s)" % err)
        check("added 1, removed 0" in out, "reload summary: %r" % out)
        check("gwagentctl reload: reloaded" in w.gw.output(), "reload logged")
        w.wait_registered(["account-2"])
        w.wait_contact("carol")
        # a file beneath ini_dir (the lab directory): dry run, then load
        path = os.path.join(lab.dir, "two.ini")
        with open(path, "w") as f:
            f.write(lab_gateway_ini(w.k.udp_port, ("alice", "bob"), USERS))
        rc, out, err = w.ctl("load", path, "--dry-run")
        check_eq(rc, 0, "load --dry-run (%s)" % err)
        check("would add 0, remove 1" in out, "dry-run summary: %r" % out)
        check("account-2" in w.states(), "dry run changed nothing")
        rc, out, err = w.ctl("load", path)
        check_eq(rc, 0, "load (%s)" % err)
        check("removed 1" in out, "load summary: %r" % out)
        wait_until(lambda: "account-2" not in w.states(), 10, "account-2 gone")
        rc, _, err = w.ctl("load", "/etc/passwd")
        check_eq(rc, 1, "load outside ini_dir refused")
        check("outside" in err, "why: %r" % err)
        w.gw.write_ini("this is = not [ an INI\n")
        rc, out, err = w.ctl("reload")
        check_eq(rc, 1, "bad INI: reload refused")
        check("configuration kept" in err, "why: %r" % err)
        check_eq(sorted(w.states()), ["account-0", "account-1", "gateway"],
                 "bindings kept")


def unquote(v):
    v = v or ""
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return v


@t.case
def load_goes_the_mib_load_path():
    """gwagentctl load (and --dry-run) through snmpd + snmptrapd: afterwards
    gwIniActionStatus and gwIniActionDiagnostics show its result and
    gwIniLoadResult went out, as for a gwIniAction load(1)."""
    for tool in ("snmpd", "snmptrapd", "snmpget"):
        if which_or_none(tool) is None:
            raise Skip("%s is missing" % tool)
    with Lab() as lab:
        w = world.World(lab, USERS,
                        ini=lambda w: lab_gateway_ini(w.k.udp_port, ("alice", "bob"), USERS))
        w.wait_all_registered()
        path = os.path.join(lab.dir, "three.ini")
        with open(path, "w") as f:
            f.write(lab_gateway_ini(w.k.udp_port, ("alice", "bob", "carol"), USERS))

        def results(text):
            return [n for n in w.trapd.traps() if n["trap_oid"] == N_INI_RESULT and
                    any(text in v for v in n["vars"].values())]

        rc, out, err = w.gw.ctl("load", path, "--dry-run")
        check_eq(rc, 0, "load --dry-run (%s)" % err)
        dry = "would add 1, remove 0, re-register 0 bindings"
        check(dry in out, "dry-run summary: %r" % out)
        check_eq(w.value(mib.INI_STATUS), "2", "gwIniActionStatus success(2) after the dry run")
        check(unquote(w.value(mib.INI_DIAG)).startswith(dry),
              "gwIniActionDiagnostics: %r" % w.value(mib.INI_DIAG))
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                                 any(dry in v for v in n["vars"].values()), 10,
                                 "gwIniLoadResult of the dry run")
        check(any("INI dry run succeeded" in v for v in traps[-1]["vars"].values()),
              "a dry-run event: %r" % traps[-1]["vars"])
        names = [b["binding"] for b in json.loads(w.gw.ctl("--json", "status")[1])["bindings"]]
        check_eq(sorted(names), ["account-0", "account-1", "gateway"],
                 "the dry run added nothing")

        bad = os.path.join(lab.dir, "bad.ini")
        with open(bad, "w") as f:
            f.write("RegistrationTime = 300\nRegistrationTime = 1\n")
        rc, out, err = w.gw.ctl("load", bad)
        check_eq(rc, 1, "a bad file: load fails (%s)" % err)
        check_eq(w.value(mib.INI_STATUS), "3", "gwIniActionStatus failed(3)")
        check("bad.ini:2:" in unquote(w.value(mib.INI_DIAG)),
              "diagnostics name the line: %r" % w.value(mib.INI_DIAG))
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                                 any("bad.ini:2:" in v for v in n["vars"].values()), 10,
                                 "gwIniLoadResult of the failed load")
        check(any("INI load failed" in v for v in traps[-1]["vars"].values()),
              "the notification says failed: %r" % traps[-1]["vars"])

        rc, out, err = w.gw.ctl("load", path)
        check_eq(rc, 0, "load (%s)" % err)
        done = "added 1, removed 0, re-registered 0 bindings"
        check(done in out, "load summary: %r" % out)
        check_eq(w.value(mib.INI_STATUS), "2", "gwIniActionStatus success(2)")
        check(unquote(w.value(mib.INI_DIAG)).startswith(done),
              "gwIniActionDiagnostics: %r" % w.value(mib.INI_DIAG))
        traps = w.trapd.wait_for(lambda n: n["trap_oid"] == N_INI_RESULT and
                                 any(done in v for v in n["vars"].values()), 10,
                                 "gwIniLoadResult of the load")
        check(any("INI load succeeded" in v for v in traps[-1]["vars"].values()),
              "the notification says succeeded (and clears the alarm): %r" % traps[-1]["vars"])
        check_eq(len(results(done)), 1, "one notification per load")
        w.wait_registered(2, 2)
        w.wait_contact("carol")
        check('"carol"' in w.gw.read_ini(), "the load was saved")


@t.case
def proxy_killed_shows_in_history():
    """Keep-alive in the flight recorder (issue 16 item 4): the accounts'
    proxy set probes two Kamailios by OPTIONS; the primary killed, then
    back: each account's history (gwagentctl, text and JSON, and
    gwRegHistoryTable through snmpd) has a keep-alive entry for the
    primary going offline and one for it coming back, not one per probe."""
    for tool in ("snmpd", "snmpwalk"):
        if which_or_none(tool) is None:
            raise Skip("%s is missing" % tool)
    if gwagentd_path() is None or gwagentctl_path() is None:
        raise LabError("gwagentd or gwagentctl is not built")
    ka_s = 5
    with Lab() as lab:
        snmpd = Snmpd(lab).start()
        primary = Kamailio(lab, realm="gw.test", users=USERS, tcp=False, name="primary").start()
        secondary = Kamailio(lab, realm="gw.test", users=USERS, tcp=False,
                             name="secondary").start()
        ini = lab_gateway_ini(primary.udp_port, ("alice", "bob"), USERS, reg_time=600,
                              backups=(secondary.udp_port,), keepalive_s=ka_s, homing=True)
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=ini)
        gw.start()
        w = world.World.of(lab, None, snmpd, primary, gw, ("alice", "bob"))
        w.wait_subtree()
        prim = "127.0.0.1:%d" % primary.udp_port

        def history(name):
            rc, out, err = gw.ctl("--json", "history", name)
            check_eq(rc, 0, "history %s (%s)" % (name, err))
            return json.loads(out)

        def keepalives(name):
            return [e for e in history(name) if e["kind"] == "keep-alive"]

        wait_until(lambda: all(b["state"] == "registered" for b in
                               json.loads(gw.ctl("--json", "status")[1])["bindings"]),
                   20, "every binding registered")
        time.sleep(ka_s + 1)   # a probe round that changes nothing
        check_eq(keepalives("account-0"), [], "no keep-alive entry while all answer")
        primary.kill9()
        wait_until(lambda: keepalives("account-0"), 3 * ka_s + 5,
                   "a keep-alive entry after the primary was killed")
        for name in ("account-0", "account-1"):
            ka = keepalives(name)
            check_eq(len(ka), 1, "%s: one keep-alive entry: %r" % (name, ka))
            check_eq((ka[0]["outcome"], ka[0]["code"], ka[0]["address"], ka[0]["ms"],
                      ka[0]["challenges"]), ("timeout", 0, prim, 0, 0),
                     "%s: the primary offline" % name)
        rc, out, _ = gw.ctl("history", "account-0")
        line = [ln for ln in out.splitlines() if "keep-alive" in ln]
        check(len(line) == 1 and "timeout" in line[0] and prim in line[0],
              "the table's keep-alive line: %r" % out)
        # gwRegHistoryTable: keepAlive(4), timeout(3), the address
        entry = mib.oid("gwRegHistoryEntry")
        rows = {}
        for oid, tv in w.walk(entry).items():
            col, btype, bid, seq = oid[len(entry) + 1:].split(".")
            rows.setdefault((int(btype), int(bid), int(seq)), {})[int(col)] = tv[1]
        kas = [r for k, r in rows.items() if k[:2] == (2, 0) and
               r.get(mib.column("gwRegHistoryKind")) == "4"]
        check_eq(len(kas), 1, "one keepAlive(4) row of account-0: %r" % rows)
        check_eq((kas[0][mib.column("gwRegHistoryOutcome")],
                  kas[0][mib.column("gwRegHistoryAddress")].strip('"')), ("3", prim),
                 "its outcome timeout(3) and the address")
        primary.start()   # same port: it answers again
        wait_until(lambda: len(keepalives("account-0")) >= 2, 3 * ka_s + 5,
                   "a keep-alive entry for the primary back")
        ka = keepalives("account-0")[1]
        check_eq((ka["outcome"], ka["code"], ka["address"]), ("ok", 200, prim),
                 "the primary online again: %r" % ka)
        time.sleep(ka_s + 1)
        check_eq(len(keepalives("account-0")), 2, "no entry for probes that change nothing")
        gw.check_alive()


@t.case
def trace_masks_secrets_and_ends():
    with Lab() as lab:
        w = World(lab)
        w.wait_registered(["gateway", "account-0", "account-1"])
        check("[trace]" not in w.gw.output(), "nothing traced by default")
        rc, out, err = w.ctl("trace", "account-0", "on", "3")
        check_eq(rc, 0, "trace on (%s)" % err)
        check("tracing account-0 for 3 s" in out, "trace on says: %r" % out)
        # a new password forces a fresh challenge: REGISTER, 401, REGISTER, 200
        users = dict(USERS, alice="alice-secret-9")
        w.k.remove_user("alice")
        w.k.add_user("alice", users["alice"])
        w.gw.write_ini(lab_gateway_ini(w.k.udp_port, ("alice", "bob"), users))
        check_eq(w.ctl("reload")[0], 0, "reload with the new password")
        wait_until(lambda: "[trace] account-0 << SIP/2.0 200" in w.gw.output(), 10,
                   "the traced 200")
        log = w.gw.output()
        trace = [ln for ln in log.splitlines() if "[trace] account-0 " in ln]
        check(any(">> REGISTER sip:" in ln for ln in trace), "REGISTER traced")
        check(any("<< SIP/2.0 401" in ln for ln in trace), "401 traced")
        auth = [ln for ln in trace if re.search(r">> (Proxy-)?Authorization:", ln, re.I)]
        check(len(auth) >= 1, "credentials traced")
        for ln in auth:
            check('response="***"' in ln, "digest response masked: %r" % ln)
            check(re.search(r'cnonce="\*\*\*"', ln) is not None or "cnonce" not in ln,
                  "cnonce masked: %r" % ln)
        check(re.search(r'response="[0-9a-f]{32,}"', log) is None, "no digest response")
        check(re.search(r'cnonce="[0-9a-f]{8,}"', log) is None, "no cnonce")
        for pw in list(USERS.values()) + [users["alice"]]:
            check(pw not in log, "password %s never logged" % pw)
        check(not any("[trace] account-1 " in ln for ln in log.splitlines()),
              "only the traced binding")
        wait_until(lambda: "[trace] account-0: trace off (time is up)" in w.gw.output(),
                   10, "the trace to end")
        n = w.gw.output().count("[trace] account-0 ")
        check_eq(w.ctl("refresh", "account-0")[0], 0, "refresh after the trace")
        wait_until(lambda: w.states()["account-0"] == "registered", 10, "re-registered")
        time.sleep(0.5)
        check_eq(w.gw.output().count("[trace] account-0 "), n, "nothing traced after it")
        rc, _, _ = w.ctl("trace", "account-1", "on")
        check_eq(rc, 0, "trace on without SECONDS")
        rc, out, _ = w.ctl("status", "account-1")
        check(re.search(r"trace:        on, (59|60) s left", out) is not None,
              "default 60 s: %r" % out)
        check_eq(w.ctl("trace", "account-1", "off")[0], 0, "trace off")
        check("[trace] account-1: trace off (by command)" in w.gw.output(), "off logged")
        check_eq(w.ctl("trace", "account-1", "on", "3601")[0], 2, "over the maximum")


@t.case
def bad_requests_and_slow_clients():
    with Lab() as lab:
        w = World(lab, settings={"agent": {"control_timeout": "2"}})
        w.wait_registered(["gateway", "account-0", "account-1"])
        s = raw_client(w.gw.ctl_socket)
        for i in range(100):
            junk = bytes((i * 37 + k) % 256 for k in range(1 + i % 50)).replace(b"\n", b"")
            s.sendall(junk + b"\n")
            ans = read_answer(s)
            check(ans.startswith("error 2 ") and ans.endswith("\n.\n"),
                  "garbage %d answered with an error: %r" % (i, ans[:60]))
        s.sendall(b"x" * 5000)
        ans = read_answer(s)
        check_eq(ans, "error 2 request too long\n.\n", "oversize request")
        try:
            rest = s.recv(10)
        except ConnectionResetError:  # the rest of the request unread
            rest = b""
        check_eq(rest, b"", "closed after it")
        s.close()
        w.gw.check_alive()
        check_eq(w.ctl("status")[0], 0, "still serving")
        # an idle client and one that asks and never reads
        idle = raw_client(w.gw.ctl_socket)
        flood = raw_client(w.gw.ctl_socket)
        flood.setblocking(False)
        sent = 0
        try:
            while sent < 4 << 20:
                sent += flood.send(b"status\n" * 512)
        except BlockingIOError:
            pass
        check(sent > 0, "the flood went out")
        wait_until(lambda: "dropped: answers not read" in w.gw.output(), 10,
                   "the never-reading client dropped")
        wait_until(lambda: "dropped: idle" in w.gw.output(), 10, "the idle client dropped")
        idle.settimeout(2)
        check_eq(idle.recv(10), b"", "idle client closed")
        rc, out, _ = w.ctl("--json", "show", "control")
        st = json.loads(out)
        check(st["slow"] >= 1 and st["timeouts"] >= 1 and st["bad"] >= 101,
              "counted: %r" % st)
        flood.close()
        idle.close()
        w.gw.check_alive()
        check_eq(w.ctl("status")[0], 0, "still serving after them")
        # no daemon: a clear error and its own exit status
        w.gw.stop()
        rc, _, err = w.gw.ctl("status")
        check_eq(rc, 69, "daemon not running: exit 69")
        check("not running" in err, "says so: %r" % err)


@t.case
def socket_made_before_the_drop_belongs_to_the_user():
    """Started as root with [agent] user: the socket is made as root, then
    given to the user and control_group; others get exit 77."""
    if os.geteuid() != 0:
        raise Skip("needs root")
    if gwagentd_path() is None or gwagentctl_path() is None:
        raise LabError("gwagentd or gwagentctl is not built")
    uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    with Lab() as lab:
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % free_port("udp"),
                      gateway_ini="RegistrationTime = 60\n",
                      settings={"agent": {"user": "nobody", "group": "nogroup",
                                          "control_group": "nogroup",
                                          "control_socket": os.path.join(
                                              lab.dir, "run", "gw.sock")}})
        gw.start()
        st = os.stat(gw.ctl_socket)
        check_eq((st.st_uid, st.st_gid), (uid, gid), "socket owner and group")
        check_eq(oct(st.st_mode & 0o7777), oct(0o660), "socket mode")
        d = os.stat(os.path.dirname(gw.ctl_socket))
        check_eq((oct(d.st_mode & 0o7777), d.st_uid, d.st_gid), (oct(0o750), uid, gid),
                 "the directory made for it")
        rc, out, err = gw.ctl("status")
        check_eq(rc, 0, "root reads it (%s)" % err)
        check(re.search(r"\[main\] running as nobody", gw.output()) is not None,
              "dropped to nobody")
        p = subprocess.run(["setpriv", "--reuid=12345", "--regid=12345", "--clear-groups",
                            gwagentctl_path(), "-s", gw.ctl_socket, "status"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        check_eq(p.returncode, 77, "a stranger: exit 77 (%s)" % p.stderr)
        check(b"permission denied" in p.stderr, "says so: %r" % p.stderr)
        gw.stop()
        check_eq(gw.returncode, 0, "clean exit")


# In a mount namespace of its own: /dev a tmpfs holding the few devices
# gwagentd opens and /dev/log, a link to the test's datagram socket.
DEVLOG_SH = ('mount --bind /dev "$0" && mount -t tmpfs tmpfs /dev && '
             'for n in null zero random urandom; do touch /dev/$n && '
             'mount --bind "$0/$n" /dev/$n || exit 1; done && '
             'ln -s "$1" /dev/log && shift && exec "$@"')


def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1].startswith("Z")
    except FileNotFoundError:
        return True


@t.case
def syslog_with_the_facility_when_not_in_the_foreground():
    if os.geteuid() != 0 or which_or_none("unshare") is None:
        raise Skip("needs root and unshare (a mount namespace with /dev/log)")
    if gwagentd_path() is None or gwagentctl_path() is None:
        raise LabError("gwagentd or gwagentctl is not built")
    with Lab() as lab:
        log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        log.bind(lab.path("devlog"))
        log.settimeout(0.5)
        lab.closers.append(log.close)
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % free_port("udp"),
                      gateway_ini="RegistrationTime = 60\n",
                      settings={"agent": {"log_facility": "local5",
                                          "log_level": "info"}})
        argv = [a for a in gw.argv() if a not in ("-f", "-d")]
        p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            DEVLOG_SH, lab.subdir("olddev"), lab.path("devlog")] + argv,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=15,
                           check=False)
        check_eq(p.returncode, 0, "the parent exits once detached (%r)" % p.stderr)
        msgs, pid = [], None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and \
                not any("[main] gwagentd " in m and " started" in m for m in msgs):
            try:
                msgs.append(log.recv(4096).decode(errors="replace"))
            except socket.timeout:
                continue
        check(any("[main] gwagentd " in m and " started" in m for m in msgs),
              "the start went to syslog: %r" % msgs[-3:])
        m = re.search(r"gwagentd\[(\d+)\]: ", msgs[0])
        check(m is not None, "LOG_PID: %r" % msgs[0])
        pid = int(m.group(1))

        def stop():
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
        lab.closers.append(stop)
        for msg in msgs:
            pri = re.match(r"<(\d+)>", msg)
            check(pri is not None and int(pri.group(1)) >> 3 == 21,
                  "facility local5: %r" % msg)
        check(b"started" not in p.stderr, "nothing on stderr once detached")
        check_eq(gw.ctl("version")[0], 0, "the detached daemon serves gwagentctl")
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: gone(pid), 15, "gwagentd %d to stop" % pid)
        check(not os.path.exists(gw.ctl_socket), "its socket removed")


if __name__ == "__main__":
    sys.exit(t.run())
