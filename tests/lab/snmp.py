# SPDX-License-Identifier: ISC
"""snmpd as AgentX master, snmptrapd writing notifications to a file, and
the Net-SNMP command-line clients, all on 127.0.0.1 with run-time ports."""
import os
import re
import subprocess
import time

from .proc import HOST, LabError, free_port, wait_until, which_or_none

# The lab's SNMP identities.  Test-only secrets, never used elsewhere.
RO_COMMUNITY = "public"
RW_COMMUNITY = "private"
V3_RO = ("gwro", "gwro-auth-pass", "gwro-priv-pass")
V3_RW = ("gwrw", "gwrw-auth-pass", "gwrw-priv-pass")
V3_TRAP = ("gwtrap", "gwtrap-auth-pass", "gwtrap-priv-pass")

# Modules snmpd initialises: enough for SNMPv2-MIB system/sysORTable, USM
# and VACM; everything else comes from subagents.
SNMPD_MODULES = ",".join([
    "system_mib", "sysORTable", "snmp_mib", "usmConf", "usmStats", "usmUser",
    "vacm_conf", "vacm_context", "vacm_vars", "snmpNotifyTable",
    "snmpNotifyFilterTable", "target_counters", "snmpTargetAddrEntry",
    "snmpTargetParamsEntry",
])


def _clean_env(lab_dir):
    """No host-wide snmp.conf, no MIB files: numeric OIDs only."""
    d = os.path.join(lab_dir, "snmp-client")
    os.makedirs(d, exist_ok=True)
    return {"SNMPCONFPATH": d, "SNMP_PERSISTENT_DIR": d, "MIBS": "", "MIBDIRS": "/nonexistent"}


class Snmpd:
    """snmpd -f -C -c CONF as AgentX master on a unix socket in its dir."""

    def __init__(self, lab, trap_sink=None, v3_inform_sink=None, extra_conf=""):
        self.lab = lab
        self.dir = lab.subdir("snmpd")
        self.port = None
        self.agentx_socket = os.path.join(self.dir, "agentx")
        self.trap_sink = trap_sink
        self.v3_inform_sink = v3_inform_sink
        self.extra_conf = extra_conf
        self.proc = None
        self.conf = os.path.join(self.dir, "snmpd.conf")
        self.pidfile = os.path.join(self.dir, "snmpd.pid")

    def _write_conf(self):
        ro_user, ro_auth, ro_priv = V3_RO
        rw_user, rw_auth, rw_priv = V3_RW
        lines = [
            "master agentx",
            "agentXSocket unix:%s" % self.agentx_socket,
            "agentXPerms 0660 0755",
            "agentXTimeout 5",
            "agentXRetries 2",
            "dontLogTCPWrappersConnects yes",
            "rocommunity %s %s" % (RO_COMMUNITY, HOST),
            "rwcommunity %s %s" % (RW_COMMUNITY, HOST),
            'createUser %s SHA "%s" AES "%s"' % (ro_user, ro_auth, ro_priv),
            'createUser %s SHA "%s" AES "%s"' % (rw_user, rw_auth, rw_priv),
            "rouser %s priv" % ro_user,
            "rwuser %s priv" % rw_user,
            "sysLocation gwagent loopback lab",
            "sysContact nobody",
        ]
        if self.trap_sink is not None:
            lines.append("trap2sink %s:%d %s" % (HOST, self.trap_sink.port, RO_COMMUNITY))
        if self.v3_inform_sink is not None:
            t_user, t_auth, t_priv = V3_TRAP
            lines.append("trapsess -Ci -v 3 -u %s -l authPriv -a SHA -A %s -x AES -X %s %s:%d"
                         % (t_user, t_auth, t_priv, HOST, self.v3_inform_sink.port))
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n" + self.extra_conf)
        os.chmod(self.conf, 0o600)

    def start(self, timeout=10.0):
        """Start (or restart) snmpd.  A restart keeps its port when it can;
        if another process took the port meanwhile, it moves to a new one
        (clients use .address, the subagent the unchanged unix socket)."""
        exe = which_or_none("snmpd")
        if exe is None:
            raise LabError("snmpd is not installed (Debian package: snmpd)")
        for attempt in range(5):
            if self.port is None or attempt >= 2:
                self.port = free_port("udp")
            try:
                return self._start_once(exe, timeout)
            except LabError as e:
                if "Error opening specified endpoint" not in str(e):
                    raise
                if self.proc is not None and self.proc in self.lab.procs:
                    self.lab.procs.remove(self.proc)
                self.proc = None
                time.sleep(0.2)
        raise LabError("snmpd could not bind a UDP port on %s" % HOST)

    def _start_once(self, exe, timeout):
        if os.path.exists(self.pidfile):
            os.unlink(self.pidfile)
        self._write_conf()
        env = {"SNMP_PERSISTENT_DIR": self.dir, "MIBS": "", "MIBDIRS": "/nonexistent",
               "SNMPCONFPATH": self.dir}
        argv = [exe, "-f", "-C", "-c", self.conf, "-I", SNMPD_MODULES, "-Lo",
                "-p", self.pidfile, "udp:%s:%d" % (HOST, self.port)]
        self.proc = self.lab.spawn("snmpd", argv, cwd=self.dir, env=env)
        wait_until(lambda: self._answers(), timeout, "snmpd on udp:%d" % self.port)
        return self

    def _answers(self):
        self.proc.check_alive()
        return os.path.exists(self.agentx_socket) and \
            snmpget(self, "1.3.6.1.2.1.1.3.0", timeout=1, retries=0, check=False) is not None

    def stop(self):
        if self.proc is not None:
            self.lab.stop(self.proc)
            self.proc = None

    def kill9(self):
        if self.proc is not None:
            self.proc.kill9()
            self.lab.procs.remove(self.proc)
            self.proc = None

    def restart(self, timeout=10.0):
        self.stop()
        return self.start(timeout)

    @property
    def address(self):
        return "%s:%d" % (HOST, self.port)


class Snmptrapd:
    """snmptrapd writing each notification as one line to a file:
    TRAP<TAB>security-name<TAB>transport<TAB>oid = TYPE: value<TAB>..."""

    def __init__(self, lab):
        self.lab = lab
        self.dir = lab.subdir("snmptrapd")
        self.port = None
        self.proc = None
        self.logfile = os.path.join(self.dir, "traps.log")
        self.conf = os.path.join(self.dir, "snmptrapd.conf")
        self.pidfile = os.path.join(self.dir, "snmptrapd.pid")

    def start(self, timeout=10.0):
        exe = which_or_none("snmptrapd")
        if exe is None:
            raise LabError("snmptrapd is not installed (Debian package: snmptrapd)")
        self.port = self.port or free_port("udp")
        t_user, t_auth, t_priv = V3_TRAP
        with open(self.conf, "w") as f:
            f.write("authCommunity log %s\n" % RO_COMMUNITY)
            f.write('createUser %s SHA "%s" AES "%s"\n' % (t_user, t_auth, t_priv))
            f.write("authUser log %s priv\n" % t_user)
            f.write("doNotRetainNotificationLogs yes\n")
            f.write("format2 TRAP\\t%u\\t%b\\t%v\\n\n")
        os.chmod(self.conf, 0o600)
        env = {"SNMP_PERSISTENT_DIR": self.dir, "MIBS": "", "MIBDIRS": "/nonexistent",
               "SNMPCONFPATH": self.dir}
        argv = [exe, "-f", "-C", "-c", self.conf, "-On", "-A", "-Lf", self.logfile,
                "-p", self.pidfile, "udp:%s:%d" % (HOST, self.port)]
        self.proc = self.lab.spawn("snmptrapd", argv, cwd=self.dir, env=env)
        wait_until(lambda: self._ready(), timeout, "snmptrapd on udp:%d" % self.port)
        return self

    def _ready(self):
        self.proc.check_alive()
        try:
            with open(self.logfile) as f:
                return "NET-SNMP version" in f.read()
        except OSError:
            return False

    def stop(self):
        if self.proc is not None:
            self.lab.stop(self.proc)
            self.proc = None

    def traps(self):
        """Every notification received so far: dicts with 'user',
        'transport', 'trap_oid' and 'vars' ({oid: value text})."""
        out = []
        try:
            with open(self.logfile, errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return out
        for line in lines:
            if not line.startswith("TRAP\t"):
                continue
            fields = line.split("\t")
            binds = {}
            for vb in fields[3:]:
                m = re.match(r"\s*\.?([0-9.]+) = (.*)$", vb)
                if m:
                    binds[m.group(1)] = m.group(2)
            out.append({"user": fields[1], "transport": fields[2],
                        "trap_oid": _oid_value(binds.get("1.3.6.1.6.3.1.1.4.1.0", "")),
                        "vars": binds})
        return out

    def wait_for(self, pred, timeout=10.0, what="a notification"):
        found = []

        def _match():
            found[:] = [t for t in self.traps() if pred(t)]
            return bool(found)
        wait_until(_match, timeout, what)
        return found


def _oid_value(text):
    m = re.match(r"OID: \.?([0-9.]+)", text)
    return m.group(1) if m else text


def _auth_args(version, user=None):
    if version == "2c":
        return ["-v2c", "-c", user or RO_COMMUNITY]
    name, auth, priv = {V3_RO[0]: V3_RO, V3_RW[0]: V3_RW}[user or V3_RO[0]]
    return ["-v3", "-l", "authPriv", "-u", name, "-a", "SHA", "-A", auth, "-x", "AES", "-X", priv]


def snmp_cmd(tool, agent, args, version="2c", user=None, timeout=2, retries=1, check=True,
             auth=None):
    """Run a Net-SNMP client; return (rc, stdout, stderr).  `auth`, when
    given, replaces the -v/-c/-u... arguments the lab would pick."""
    exe = which_or_none(tool)
    if exe is None:
        raise LabError("%s is not installed (Debian package: snmp)" % tool)
    address = agent.address if hasattr(agent, "address") else agent
    argv = [exe] + (auth if auth is not None else _auth_args(version, user)) + ["-On", "-t", str(timeout), "-r", str(retries),
                                               address] + list(args)
    env = dict(os.environ)
    env.update(_clean_env(agent.lab.dir if hasattr(agent, "lab") else "/tmp"))
    p = subprocess.run(argv, env=env, capture_output=True, text=True,
                       timeout=(timeout + 1) * (retries + 1) + 30)
    if check and p.returncode != 0:
        raise LabError("%s failed (%d): %s" % (" ".join(argv[:1] + args), p.returncode,
                                              p.stderr.strip()))
    return p.returncode, p.stdout, p.stderr


def parse_varbinds(text):
    """'.1.3.6 = TYPE: value' lines -> {oid: (type, value)} in order."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"\.?([0-9.]+) = (?:([A-Za-z0-9 -]+): )?(.*)$", line)
        if m:
            out[m.group(1)] = (m.group(2) or "", m.group(3))
    return out


def snmpget(agent, oid, version="2c", user=None, timeout=2, retries=1, check=True):
    """Value of one OID as (type, value), or None when it did not answer."""
    rc, out, _ = snmp_cmd("snmpget", agent, [oid], version, user, timeout, retries, check)
    if rc != 0:
        return None
    return parse_varbinds(out).get(oid.lstrip("."))


def snmpwalk(agent, oid, version="2c", user=None, bulk=False, timeout=5, retries=1):
    tool = "snmpbulkwalk" if bulk else "snmpwalk"
    _, out, _ = snmp_cmd(tool, agent, [oid], version, user, timeout, retries)
    # an empty subtree reads as one "No Such Object/Instance" line
    return {k: v for k, v in parse_varbinds(out).items()
            if not v[1].startswith("No Such ")}


def snmpset(agent, varbinds, version="2c", user=None, timeout=5, retries=0, check=True):
    """varbinds: [(oid, type-letter, value)].  Returns (rc, stdout, stderr)."""
    args = []
    for oid, t, v in varbinds:
        args += [oid, t, str(v)]
    if version == "2c" and user is None:
        user = RW_COMMUNITY
    return snmp_cmd("snmpset", agent, args, version, user, timeout, retries, check)


def snmptrap(target_port, trap_oid, varbinds=(), community=RO_COMMUNITY, lab=None):
    """Send a v2c notification with snmptrap to 127.0.0.1:target_port."""
    exe = which_or_none("snmptrap")
    if exe is None:
        raise LabError("snmptrap is not installed (Debian package: snmp)")
    argv = [exe, "-v2c", "-c", community, "%s:%d" % (HOST, target_port), "", trap_oid]
    for oid, t, v in varbinds:
        argv += [oid, t, str(v)]
    env = dict(os.environ)
    env.update(_clean_env(lab.dir if lab else "/tmp"))
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise LabError("snmptrap failed: %s" % p.stderr.strip())


def wait_agentx_registered(snmpd, oid, timeout=20.0):
    """Wait until a GETNEXT below `oid` answers through snmpd (a subagent
    registered it)."""
    def ok():
        rc, out, _ = snmp_cmd("snmpgetnext", snmpd, [oid], timeout=1, retries=0, check=False)
        return rc == 0 and any(k.startswith(oid.lstrip(".") + ".")
                               for k in parse_varbinds(out))
    wait_until(ok, timeout, "a subagent under %s" % oid, interval=0.2)


def uptime_ticks(text):
    m = re.search(r"\((\d+)\)", text)
    return int(m.group(1)) if m else None


