#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Secrets in load URIs and confined file loads, end to end: gwagentd as a
subagent of a real snmpd and as embedded master (-M), snmptrapd receiving
gwIniLoadResult, a basic-auth HTTP server of this process on 127.0.0.1.

The password of gwIniLoadUri's userinfo must appear in no SNMP read (v2c
public/private, v3), no notification, no line gwagentd prints at -dd and
no file it writes; a netrc file gives the credentials instead; file:
loads stay beneath ini_dir and everything outside gets one identical
answer; http(s) failures are told by class only."""
import base64
import http.server
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.mib import (REG_ALL, REG_TIME, INI_URI, INI_MODE, INI_ACTION,  # noqa: E402
                     INI_STATUS, INI_DIAG)
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import HOST, LabError, free_port, wait_until  # noqa: E402
from lab.snmp import (V3_RW, Snmpd, Snmptrapd, snmp_cmd, snmpget,  # noqa: E402
                      snmpset)
from lab.tap import Suite, check, check_eq  # noqa: E402

OBJ = mib.oid("gwObjects")
INI = mib.oid("gwIniMgmt")
INI_RESULT_TRAP = mib.oid("gwIniLoadResult")
SUCCESS, FAILED = "2", "3"
# what a successful load's gwIniActionDiagnostics says (test_ini_loads.py)
SUMMARY = re.compile(r"^added \d+, removed \d+, re-registered \d+ bindings; "
                     r"\d+ parameters? changed$")
OUTSIDE = "path is outside the allowed directory"

PASSWORD = "S3cr3tPW-uri-7f3a9c"     # in the URI
NETRC_PASSWORD = "S3cr3tPW-netrc-41d2"  # only in the netrc file
USER = "gwload"
GOOD_INI = "RegistrationTime = %d\r\n"
BAD_INI = "RegistrationTime = 77\r\nNoSuchParameter = 1\r\nRegistrationTime = x\r\n"

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmpset", "snmpwalk"])


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


# ---- an HTTP server that wants basic auth ---------------------------------

class AuthServer:
    """http.server on 127.0.0.1:<free port> in a thread: /gw.ini and
    /bad.ini need basic auth with one of `passwords` for USER."""

    def __init__(self, lab, passwords):
        outer = self
        self.seen = []          # Authorization headers received
        self.regtime = 123

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                outer.seen.append(auth)
                good = ["Basic " + base64.b64encode(("%s:%s" % (USER, p)).encode()).decode()
                        for p in passwords]
                if auth not in good:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="gw"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = {"/gw.ini": GOOD_INI % outer.regtime,
                        "/bad.ini": BAD_INI}.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        lab.closers.append(self.stop)

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


class Silent:
    """A TCP listener that accepts and never answers (backlog only)."""

    def __init__(self, lab):
        import socket
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        lab.closers.append(self.sock.close)


# ---- the two ways gwagentd answers SNMP -----------------------------------

class Agent:
    """Reads and writes through snmpd (subagent) or gwagentd (-M)."""

    def __init__(self, lab, master=False, settings=None, netrc=None):
        self.lab = lab
        self.master = master
        self.trapd = Snmptrapd(lab).start()
        extra = {"agent": {}}
        if netrc:
            extra["agent"]["fetch_netrc"] = netrc
        for sec, kv in (settings or {}).items():
            extra.setdefault(sec, {}).update(kv)
        if master:
            port = free_port("udp")
            user, auth, priv = V3_RW
            extra.setdefault("snmp", {}).update({"v3_user": user, "v3_auth_pass": auth,
                                                 "v3_priv_pass": priv})
            extra.setdefault("traps", {}).update({"sink": "%s:%d" % (HOST, self.trapd.port)})
            self.gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, port), settings=extra,
                               args=["-d"])
            self.address = "%s:%d" % (HOST, port)
            self.snmpd = None
        else:
            self.snmpd = Snmpd(lab, trap_sink=self.trapd).start()
            self.gw = Gwagentd(lab, agentx_socket=self.snmpd.agentx_socket, settings=extra,
                               args=["-d"])
            self.address = self.snmpd.address

    def start(self):
        self.gw.start()
        wait_until(lambda: (self.get(REG_ALL) or ("", ""))[0] == "INTEGER", 20,
                   "GWAGENT-MIB answers")
        return self

    def readers(self):
        """(version, user) pairs that may read gwIniMgmt."""
        if self.master:
            return [("2c", "public"), ("3", V3_RW[0])]
        return [("2c", "public"), ("2c", "private"), ("3", None), ("3", V3_RW[0])]

    def writer(self):
        return ("3", V3_RW[0]) if self.master else ("2c", None)

    def get(self, oid, version="2c", user=None):
        return snmpget(self, oid, version=version, user=user, check=False)

    def raw(self, tool, oid, version="2c", user=None):
        _, out, err = snmp_cmd(tool, self, [oid], version, user, 5, 1, check=False)
        return out + err

    def set(self, varbinds):
        version, user = self.writer()
        return snmpset(self, varbinds, version=version, user=user, check=False)

    def load(self, uri, mode=1, timeout=20):
        rc, _, err = self.set([(INI_URI, "s", uri), (INI_MODE, "i", mode), (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "SET load of %s: %s" % (uri, err))
        wait_until(lambda: (self.get(INI_STATUS) or ("", ""))[1] in (SUCCESS, FAILED),
                   timeout, "the load of %s to end" % uri, interval=0.1)
        return self.get(INI_STATUS)[1], self.diag()

    def diag(self):
        """gwIniActionDiagnostics in full (it may span lines)."""
        out = self.raw("snmpget", INI_DIAG)
        m = re.search(r'= STRING: "(.*)"\s*$', out, re.S)
        if m:
            return m.group(1)
        m = re.search(r"= (?:STRING: )?(.*)$", out.strip(), re.S)
        return m.group(1).strip('"') if m else out


def refused_at_start(settings):
    """Start gwagentd (in a lab of its own, so that no earlier output
    counts) with `settings`; return (started, output)."""
    with Lab() as lab:
        gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, free_port("udp")), settings=settings)
        try:
            gw.start(timeout=5)
            started = True
        except LabError:
            started = False
        out = gw.proc.output() if gw.proc else ""
        gw.stop()
        return started, out


def files_under(d):
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                yield p


def check_nowhere(a, secret, skip=()):
    """The secret in no SNMP read, trap, gwagentd output or file."""
    for version, user in a.readers():
        for tool in ("snmpget", "snmpwalk", "snmpbulkwalk"):
            oid = INI_URI if tool == "snmpget" else INI
            out = a.raw(tool, oid, version, user)
            check("No Such" not in out and "Timeout" not in out,
                  "%s -v%s %s answered: %s" % (tool, version, user, out[:200]))
            check(secret not in out, "%s -v%s %s shows the password: %s"
                  % (tool, version, user, out))
        out = a.raw("snmpwalk", OBJ, version, user)
        check(secret not in out, "walk of GWAGENT-MIB shows the password")
    traps = a.trapd.wait_for(lambda n: n["trap_oid"] == INI_RESULT_TRAP, 10, "gwIniLoadResult")
    for n in a.trapd.traps():
        check(secret not in repr(n), "notification shows the password: %r" % n)
    with open(a.trapd.logfile, errors="replace") as f:
        check(secret not in f.read(), "snmptrapd's log holds the password")
    out = a.gw.output()
    check("load of " in out, "gwagentd logged the load")
    check(secret not in out, "gwagentd -dd output shows the password: %s"
          % [line for line in out.splitlines() if secret in line])
    for p in files_under(a.lab.dir):
        if p in skip:
            continue
        with open(p, "rb") as f:
            check(secret.encode() not in f.read(), "%s holds the password" % p)
    return traps


def uri_password_is_write_only(master):
    need_daemon()
    with Lab() as lab:
        srv = AuthServer(lab, [PASSWORD])
        a = Agent(lab, master=master).start()
        uri = "http://%s:%s@%s:%d/gw.ini" % (USER, PASSWORD, HOST, srv.port)
        shown = "http://%s@%s:%d/gw.ini" % (USER, HOST, srv.port)
        status, diag = a.load(uri)
        check_eq(status, SUCCESS, "load with the password in the URI (%s)" % diag)
        check_eq(a.get(REG_TIME)[1], "123", "gwRegistrationTime from the download")
        check(any(s.startswith("Basic ") for s in srv.seen), "the server got credentials")
        for version, user in a.readers():
            check_eq(a.get(INI_URI, version, user)[1], '"%s"' % shown,
                     "gwIniLoadUri read with -v%s %s" % (version, user or "gwro"))
        # diagnostics that name the URI as their file
        status, diag = a.load(uri.replace("gw.ini", "bad.ini"))
        check_eq(status, FAILED, "load of a bad file")
        check(shown.replace("gw.ini", "bad.ini") + ":3:" in diag,
              "diagnostics name the redacted URI and the line: %r" % diag)
        # a wrong password: a class, no server text
        wrong = uri.replace(PASSWORD, PASSWORD[::-1])
        status, diag = a.load(wrong)
        check_eq((status, diag), (FAILED, "HTTP status 401"), "wrong password")
        status, _ = a.load(uri)
        check_eq(status, SUCCESS, "the load again")
        traps = check_nowhere(a, PASSWORD)
        check(len(traps) >= 4, "%d gwIniLoadResult notifications" % len(traps))
        check(any(shown.replace("gw.ini", "bad.ini") in repr(n) for n in traps),
              "the bad load's notification carries the redacted diagnostics")
        check(PASSWORD[::-1] not in a.gw.output(), "the wrong password is not logged")


@t.case
def uri_password_is_write_only_subagent():
    uri_password_is_write_only(False)


@t.case
def uri_password_is_write_only_embedded_master():
    uri_password_is_write_only(True)


@t.case
def netrc_gives_the_credentials():
    need_daemon()
    with Lab() as lab:
        srv = AuthServer(lab, [NETRC_PASSWORD])
        netrc = lab.path("netrc")
        with open(netrc, "w") as f:
            f.write("machine %s login %s password %s\n" % (HOST, USER, NETRC_PASSWORD))
        os.chmod(netrc, 0o600)
        a = Agent(lab, netrc=netrc).start()
        srv.regtime = 321
        status, diag = a.load("http://%s:%d/gw.ini" % (HOST, srv.port))
        check_eq(status, SUCCESS, "load with netrc credentials (%s)" % diag)
        check_eq(a.get(REG_TIME)[1], "321", "gwRegistrationTime from the download")
        check_nowhere(a, NETRC_PASSWORD, skip=(netrc,))
        a.gw.stop()
        # a netrc others may read: refused at start, with the reason
        os.chmod(netrc, 0o644)
        started, out = refused_at_start({"agent": {"fetch_netrc": netrc}})
        check(not started, "gwagentd started with a 0644 netrc")
        check("fetch_netrc" in out and "0644" in out and "0600" in out,
              "the error names the key, the mode and the fix: %s" % out[-400:])
        check(NETRC_PASSWORD not in out, "the refusal shows the password")


@t.case
def file_loads_stay_beneath_ini_dir():
    need_daemon()
    with Lab() as lab:
        ini_dir = lab.subdir("ini")
        outside = lab.path("outside.ini")
        with open(outside, "w") as f:
            f.write(GOOD_INI % 88)
        good = os.path.join(ini_dir, "good.ini")
        with open(good, "w") as f:
            f.write(GOOD_INI % 99)
        os.symlink(outside, os.path.join(ini_dir, "abs.ini"))
        os.symlink("../outside.ini", os.path.join(ini_dir, "rel.ini"))
        os.symlink("/dev/zero", os.path.join(ini_dir, "zero.ini"))
        os.symlink("loop.ini", os.path.join(ini_dir, "loop.ini"))
        os.mkfifo(os.path.join(ini_dir, "fifo.ini"))
        shadow = os.path.join(ini_dir, "shadow")
        with open(shadow, "w") as f:
            f.write("root:$6$Zq1Wx$fakeHASHfakeHASH:19700:0:99999:7:::\n"
                    "daemon:*:19700:0:99999:7:::\n"
                    "secret_key = hunter2\n")
        a = Agent(lab, settings={"agent": {"ini_dir": ini_dir}}).start()
        status, diag = a.load("file://" + good)
        check_eq(status, SUCCESS, "a file inside (%r)" % diag)
        check(SUMMARY.match(diag) is not None, "a file inside: diagnostics %r" % diag)
        check_eq(a.get(REG_TIME)[1], "99", "gwRegistrationTime from the file inside")
        refused = {
            "outside, exists": "file://" + outside,
            "outside, missing": "file://" + lab.path("none.ini"),
            "outside, a directory": "file://" + lab.dir,
            "/etc/shadow": "file:///etc/shadow",
            "..": "file://%s/../outside.ini" % ini_dir,
            "absolute symlink": "file://%s/abs.ini" % ini_dir,
            "relative symlink": "file://%s/rel.ini" % ini_dir,
            "symlink loop": "file://%s/loop.ini" % ini_dir,
            "/dev/zero through a symlink": "file://%s/zero.ini" % ini_dir,
            "/dev/zero": "file:///dev/zero",
        }
        for what, uri in refused.items():
            status, diag = a.load(uri)
            check_eq((status, diag), (FAILED, OUTSIDE), what)
        check_eq(a.get(REG_TIME)[1], "99", "nothing outside was applied")
        t0 = time.monotonic()
        status, diag = a.load("file://%s/fifo.ini" % ini_dir)
        check_eq((status, diag), (FAILED, "not a regular file"), "a FIFO inside")
        check(time.monotonic() - t0 < 5, "the FIFO did not block")
        status, diag = a.load("file://%s/none.ini" % ini_dir)
        check_eq((status, diag), (FAILED, "No such file or directory"), "missing inside")
        status, diag = a.load("file://" + shadow)
        check_eq((status, diag), (FAILED, "not a gateway INI file"), "/etc/shadow-like file")
        out = a.gw.output()
        for leak in ("secret_key", "hunter2", "fakeHASH", "daemon:*"):
            check(leak not in out, "%r in gwagentd's output" % leak)
        check(not re.search(r"shadow:\d", out), "a line of the fake shadow is named: %s"
              % re.findall(r".*shadow:\d.*", out))
        a.gw.check_alive()


@t.case
def http_failures_are_told_by_class():
    need_daemon()
    with Lab() as lab:
        silent = Silent(lab)
        a = Agent(lab).start()
        status, diag = a.load("http://%s:%d/x.ini" % (HOST, free_port("tcp")))
        check_eq((status, diag), (FAILED, "cannot connect"), "a closed port")
        status, diag = a.load("http://no-such-host.invalid/x.ini")
        check_eq((status, diag), (FAILED, "cannot connect"), "a name that does not resolve")
        status, diag = a.load("http://%s:%d/x.ini" % (HOST, silent.port), timeout=90)
        check_eq((status, diag), (FAILED, "timeout"), "a listener that never answers")
        for line in a.gw.output().splitlines():
            if "load of" in line:
                check(not re.search(r"\d+ ms|after \d|127\.0\.0\.1:\d+:", line.split(": ", 2)[-1]),
                      "timings or addresses in %r" % line)


@t.case
def http_outside_the_allow_list_is_not_allowed():
    need_daemon()
    with Lab() as lab:
        srv = AuthServer(lab, [PASSWORD])
        a = Agent(lab, settings={"agent": {"fetch_allow": "10.0.0.0/8, fd00::/8"}}).start()
        uri = "http://%s:%s@%s:%d/gw.ini" % (USER, PASSWORD, HOST, srv.port)
        status, diag = a.load(uri)
        check_eq((status, diag), (FAILED, "not allowed"), "127.0.0.1 outside the list")
        status, diag = a.load("http://localhost:%d/gw.ini" % srv.port)
        check_eq((status, diag), (FAILED, "not allowed"), "a name resolving outside the list")
        check_eq(srv.seen, [], "no request reached the server")
        a.gw.stop()
        b = Gwagentd(lab, agentx_socket=a.snmpd.agentx_socket,
                     settings={"agent": {"fetch_allow": "127.0.0.0/8"}})
        a.gw = b
        a.start()
        status, diag = a.load(uri)
        check_eq(status, SUCCESS, "127.0.0.1 in the list (%r)" % diag)
        check(SUMMARY.match(diag) is not None, "127.0.0.1 in the list: diagnostics %r" % diag)
        started, out = refused_at_start({"agent": {"fetch_allow": "example.com"}})
        check(not started, "gwagentd started with a host name in fetch_allow")
        check("fetch_allow" in out, "the error names the key: %s" % out[-300:])


if __name__ == "__main__":
    sys.exit(t.run())
