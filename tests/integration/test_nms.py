#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""What an NMS sees of gwagentd (issue 17): snmptrapd handing gwagentd's
notifications to snmptt with contrib/snmptt/gwagent.snmptt.conf (one
translated line per notification, with binding, AOR, code and severity),
and Debian's prometheus-snmp-exporter scraping GWAGENT-MIB through the lab
snmpd with contrib/snmp_exporter/snmp.yml (one state set per binding,
counters that grow after a refresh, proxies online)."""
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import REG_ALL, INI_URI, INI_MODE, INI_ACTION  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import gwagentd_path  # noqa: E402
from lab.proc import HOST, LabError, free_port, wait_until, which_or_none  # noqa: E402
from lab.snmp import RO_COMMUNITY  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402
from test_nms_files import clean_env, install_mibs  # noqa: E402

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "..")
INI = mib.oid("gwIniMgmt")
USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3"}
SNMPTT = "/usr/sbin/snmptt"

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmptable", "kamailio", "kamcmd", SNMPTT,
                    "prometheus-snmp-exporter"])


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


class SnmptrapdSnmptt:
    """snmptrapd -On handing every notification to snmptt in standalone
    mode (traphandle default), snmptt logging to a file with our conf."""

    def __init__(self, lab):
        self.lab = lab
        self.dir = lab.subdir("snmptt")
        self.port = None
        self.proc = None
        self.log = os.path.join(self.dir, "snmptt.log")
        self.trapd_log = os.path.join(self.dir, "snmptrapd.log")

    def start(self, timeout=10.0):
        exe = which_or_none("snmptrapd")
        ini = os.path.join(self.dir, "snmptt.ini")
        conf = os.path.join(TOP, "contrib", "snmptt", "gwagent.snmptt.conf")
        with open(ini, "w") as f:
            f.write("[General]\nmode = standalone\nmultiple_event = 1\ndns_enable = 0\n"
                    "net_snmp_perl_enable = 0\ntranslate_log_trap_oid = 0\n"
                    "[Logging]\nstdout_enable = 0\nlog_enable = 1\n"
                    "log_format = $N $s: $Fz\nlog_file = %s\n"
                    "log_system_enable = 1\nlog_system_file = %s\n"
                    "unknown_trap_log_enable = 1\nunknown_trap_log_file = %s\n"
                    "syslog_enable = 0\nsyslog_system_enable = 0\n"
                    "[Debugging]\nDEBUGGING = 0\n"
                    "[TrapFiles]\nsnmptt_conf_files = <<END\n%s\nEND\n"
                    % (self.log, os.path.join(self.dir, "system.log"),
                       os.path.join(self.dir, "unknown.log"), conf))
        trapd_conf = os.path.join(self.dir, "snmptrapd.conf")
        with open(trapd_conf, "w") as f:
            f.write("authCommunity log,execute %s\n" % RO_COMMUNITY)
            f.write("doNotRetainNotificationLogs yes\n")
            f.write("traphandle default %s --ini=%s\n" % (SNMPTT, ini))
        self.port = free_port("udp")
        env = {"SNMP_PERSISTENT_DIR": self.dir, "MIBS": "", "MIBDIRS": "/nonexistent",
               "SNMPCONFPATH": self.dir, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        argv = [exe, "-f", "-C", "-c", trapd_conf, "-On", "-Lf", self.trapd_log,
                "-p", os.path.join(self.dir, "snmptrapd.pid"), "udp:%s:%d" % (HOST, self.port)]
        self.proc = self.lab.spawn("snmptrapd", argv, cwd=self.dir, env=env)
        wait_until(self._ready, timeout, "snmptrapd on udp:%d" % self.port)
        return self

    def _ready(self):
        self.proc.check_alive()
        try:
            with open(self.trapd_log) as f:
                return "NET-SNMP version" in f.read()
        except OSError:
            return False

    def lines(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read().splitlines()
        except OSError:
            return []

    def wait_line(self, regex, timeout=20.0):
        found = []

        def match():
            found[:] = [ln for ln in self.lines() if re.search(regex, ln)]
            return bool(found)
        try:
            wait_until(match, timeout, "a snmptt line matching %r" % regex, interval=0.1)
        except LabError:
            raise AssertionError("no snmptt line matches %r; snmptt.log:\n%s\nunknown:\n%s" % (
                regex, "\n".join(self.lines()), self._read("unknown.log")))
        return found

    def _read(self, name):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class World(world.World):
    """snmpd, Kamailio and gwagentd; the accounts' proxy set 1 over TCP, so
    that a registrar that goes away is seen at once (connection refused)
    rather than after Timer F."""

    def __init__(self, lab, trap_sink=None, settings=None):
        super().__init__(lab, USERS, trapd=False, trap_sink=trap_sink, settings=settings,
                         ini=self.gateway_ini)

    def gateway_ini(self, w):
        ini = gateway_ini(self.k.udp_port, ("alice", "bob"), USERS)
        return ini.replace('ProxyIp 1 = "127.0.0.1:%d", 0, 1;' % self.k.udp_port,
                           'ProxyIp 1 = "127.0.0.1:%d", 1, 1;' % self.k.tcp_port)

    def set_ok(self, varbinds):
        self.must_set(varbinds, "SET %r" % (varbinds,))


@t.case
def snmptt_translates_every_notification_gwagentd_sends():
    need_daemon()
    with Lab() as lab:
        tt = SnmptrapdSnmptt(lab).start()
        w = World(lab, trap_sink=tt)
        tt.wait_line(r"\bgwAgentStarted Normal: gwAgentStarted cleared: Agent: gwagentd \S+ started")
        w.wait_state(2, 0, 4)
        # the registrar rejects alice's credentials, then accepts them again
        w.k.remove_user("alice")
        w.set_ok([(mib.oid("gwRegAction", 2, 0), "i", 3)])
        line = tt.wait_line(r"\bgwRegistrationFailed Major: gwRegistrationFailed major: "
                            r"Account#0: registration of sip:alice@gw\.test failed: ")[0]
        check(re.search(r"gwRegLastCode (401|403)\b", line), "the code: %s" % line)
        check(re.search(r"gwRegState (8|9)\b", line), "the state: %s" % line)
        w.k.add_user("alice", USERS["alice"])
        w.set_ok([(mib.oid("gwRegAction", 2, 0), "i", 3)])
        tt.wait_line(r"\bgwRegistrationRestored Normal: gwRegistrationRestored cleared: "
                     r"Account#0: registration of sip:alice@gw\.test restored "
                     r"\[.*gwRegState 4\]")
        # an INI load: success, then failure
        good = os.path.join(lab.dir, "good.ini")
        with open(good, "w") as f:
            f.write("RegistrationTime = 77\n")
        w.set_ok([(INI_URI, "s", "file://" + good), (INI_MODE, "i", 2),
                  (INI_ACTION, "i", 1)])
        tt.wait_line(r"\bgwIniLoadResult Normal: gwIniLoadResult cleared: IniFile: INI load .*"
                     r"gwIniActionStatus 2\b")
        w.set_ok([(INI_URI, "s", "file:///nonexistent/x.ini"), (INI_ACTION, "i", 1)])
        tt.wait_line(r"\bgwIniLoadResult Major: gwIniLoadResult major: IniFile: INI load .*"
                     r"gwIniActionStatus 3\b")
        # the proxy set's only address goes away, then answers again
        w.k.stop()
        w.set_ok([(REG_ALL, "i", 3)])
        tt.wait_line(r"\bgwProxySetLost Major: gwProxySetLost major: ProxySet#1: proxy set 1: "
                     r"connection lost")
        w.k.start()
        w.set_ok([(mib.oid("gwRegAction", 2, 0), "i", 3)])
        tt.wait_line(r"\bgwProxySetRestored Normal: gwProxySetRestored cleared: ProxySet#1: "
                     r"proxy set 1: connection restored")
        text = "\n".join(tt.lines())
        for pw in USERS.values():
            check(pw not in text, "a password in snmptt's log")


@t.case
def snmptt_translates_the_suppression_summary():
    need_daemon()
    with Lab() as lab:
        tt = SnmptrapdSnmptt(lab).start()
        w = World(lab, trap_sink=tt,
                  settings={"traps": {"rate_limit": "1", "summary_interval": "1"}})
        w.wait_state(2, 0, 4)
        w.wait_state(2, 1, 4)
        # two accounts fail and their proxy set is lost at once: a bucket
        # of one lets one notification through and holds the rest back
        w.k.stop()
        w.set_ok([(mib.oid("gwRegAction", 2, 0), "i", 3), (mib.oid("gwRegAction", 2, 1), "i", 3)])
        line = tt.wait_line(r"\bgwAlarmsSuppressed Warning: gwAlarmsSuppressed: "
                            r"gwAlarmCount \d+")[0]
        held = int(re.search(r"gwAlarmCount (\d+)", line).group(1))
        check(held >= 1, "held back: %s" % line)


@t.case
def readme_mib_form_reads_the_status_table_silently():
    """The README's snmptable with the installed MIB directory, as a fresh
    operator (empty HOME, no MIBS/MIBDIRS): names, no stderr at all."""
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_state(2, 0, 4)
        mibdir = install_mibs(os.path.join(lab.dir, "dest"))
        home = tempfile.mkdtemp(dir=lab.dir)
        p = subprocess.run(["snmptable", "-M", "+" + mibdir, "-m", "GWAGENT-MIB", "-v2c", "-c",
                            RO_COMMUNITY, w.snmpd.address, "GWAGENT-MIB::gwRegStatusTable"],
                           env=clean_env(home), capture_output=True, text=True, timeout=30)
        check_eq(p.stderr, "", "snmptable stderr")
        check_eq(p.returncode, 0, "snmptable exit")
        check("gwRegState" in p.stdout and "sip:alice@gw.test" in p.stdout and
              "registered" in p.stdout, "the table by name: %s" % p.stdout)


def scrape(port, target):
    url = "http://%s:%d/snmp?target=%s&module=gwagent" % (HOST, port, target)
    with urllib.request.urlopen(url, timeout=20) as r:
        check_eq(r.status, 200, "scrape status")
        text = r.read().decode()
    series = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.fullmatch(r"([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        check(m is not None, "exposition line: %r" % line)
        labels = dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        series.setdefault(m.group(1), []).append((labels, float(m.group(3))))
    return series, text


def one(series, name, **labels):
    found = [v for lb, v in series.get(name, [])
             if all(lb.get(k) == str(x) for k, x in labels.items())]
    check_eq(len(found), 1, "%s%r series" % (name, labels))
    return found[0]


@t.case
def snmp_exporter_scrapes_bindings_counters_and_proxies():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        w.wait_state(1, 0, 4)
        w.wait_state(2, 0, 4)
        w.wait_state(2, 1, 4)
        port = free_port("tcp")
        conf = os.path.join(TOP, "contrib", "snmp_exporter", "snmp.yml")
        exe = which_or_none("prometheus-snmp-exporter")
        proc = lab.spawn("snmp_exporter", [exe, "--config.file=" + conf,
                                           "--web.listen-address=%s:%d" % (HOST, port)])
        wait_until(lambda: proc.check_alive() or _http_up(port), 10, "snmp_exporter")
        s1, text = scrape(port, w.snmpd.address)
        check("snmp_scrape_pdus_returned" in text, "the exporter's own series")
        # gwRegState as a state set: one series per binding and state,
        # 1 for the binding's state, labelled with its AOR
        for btype, bid, aor in ((1, 0, "sip:gw@gw.test"), (2, 0, "sip:alice@gw.test"),
                                (2, 1, "sip:bob@gw.test")):
            states = [(lb["gwRegState"], v) for lb, v in s1["gwRegState"]
                      if lb.get("gwRegBindingType") == str(btype) and
                      lb.get("gwRegBindingId") == str(bid)]
            check_eq(len(states), 9, "states of binding %d.%d" % (btype, bid))
            check_eq(sorted(st for st, v in states if v == 1), ["registered"],
                     "binding %d.%d state" % (btype, bid))
            check_eq({lb["gwRegAor"] for lb, _ in s1["gwRegState"]
                      if lb.get("gwRegBindingType") == str(btype) and
                      lb.get("gwRegBindingId") == str(bid)}, {aor}, "AOR label")
        check("# TYPE gwRegRegistersSent counter" in text, "gwRegRegistersSent is a counter")
        sent1 = one(s1, "gwRegRegistersSent", gwRegBindingType=2, gwRegBindingId=0)
        ok1 = one(s1, "gwRegSuccesses", gwRegBindingType=2, gwRegBindingId=0)
        # proxies: set 0 over UDP, set 1 over TCP, both online and in use
        for idx, pset in (("0", "0"), ("1", "1")):
            check_eq(one(s1, "gwProxyStatusOnline", gwProxyStatusIndex=idx,
                         gwProxyStatusOnline="online"), 1.0, "proxy %s online" % idx)
            check_eq(one(s1, "gwProxyStatusOnline", gwProxyStatusIndex=idx,
                         gwProxyStatusOnline="offline"), 0.0, "proxy %s not offline" % idx)
            lb = [lb for lb, _ in s1["gwProxyStatusOnline"]
                  if lb["gwProxyStatusIndex"] == idx][0]
            check_eq(lb["gwProxyStatusProxySetId"], pset, "proxy set label")
            check(lb["gwProxyStatusResolvedAddress"].startswith("127.0.0.1:"),
                  "resolved address label: %r" % lb)
        check_eq(one(s1, "gwRegRegisteredCount"), 3.0, "gwRegRegisteredCount")
        # a refresh of every binding: the counters grow
        w.set_ok([(REG_ALL, "i", 3)])
        wait_until(lambda: int((w.get(mib.oid("gwRegSuccesses", 2, 0)) or ("", "0"))[1]) > ok1, 10,
                   "alice's refresh answered")
        s2, _ = scrape(port, w.snmpd.address)
        check(one(s2, "gwRegRegistersSent", gwRegBindingType=2, gwRegBindingId=0) > sent1,
              "gwRegRegistersSent grew")
        check(one(s2, "gwRegSuccesses", gwRegBindingType=2, gwRegBindingId=0) > ok1,
              "gwRegSuccesses grew")
        # a rejected binding shows in its state set and last code
        w.k.remove_user("bob")
        w.set_ok([(mib.oid("gwRegAction", 2, 1), "i", 3)])
        wait_until(lambda: (w.get(mib.oid("gwRegState", 2, 1)) or ("", ""))[1] in ("8", "9"), 10,
                   "bob rejected")
        s3, _ = scrape(port, w.snmpd.address)
        bad = [lb["gwRegState"] for lb, v in s3["gwRegState"]
               if lb.get("gwRegBindingId") == "1" and lb.get("gwRegBindingType") == "2" and v == 1]
        check(bad in (["backoff"], ["failed"]), "bob's state: %r" % bad)
        check(one(s3, "gwRegLastCode", gwRegBindingType=2, gwRegBindingId=1) >= 400,
              "bob's last code")
        for pw in USERS.values():
            check(pw not in text, "a password in the scrape")


def _http_up(port):
    try:
        with urllib.request.urlopen("http://%s:%d/" % (HOST, port), timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(t.run())
