#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""gwagentd started as root drops to [agent] user/group (issue 12, item 3):
the ids in /proc/PID/status, an SNMP port and a SIP port below 1024 still
served in master mode, a SET saving the gateway INI as the user's 0600
file, file: loads limited to what the user may read, the refusal to stay
root without a user or run_as_root, a subagent of a real snmpd, and a
non-root start with no user at all.  The account is nobody/nogroup; the
lab directory is removed as root at the end whatever happens."""
import grp
import os
import pwd
import re
import shutil
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.mib import REG_ALL, REG_TIME, INI_URI, INI_MODE, INI_ACTION, INI_STATUS  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import HOST, LabError, free_port, wait_until  # noqa: E402
from lab.snmp import RW_COMMUNITY, Snmpd, snmpget, snmpset, wait_agentx_registered  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

OBJ = mib.oid("gwObjects")
INI = mib.oid("gwIniMgmt")
USER, GROUP = "nobody", "nogroup"

t = Suite(requires=["snmpd", "snmpget", "snmpset", "setpriv"])

GATEWAY_INI = "RegistrationTime = 60\n"


def need_root():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    if os.geteuid() != 0:
        raise LabError("these cases start gwagentd as root: run them as root")


def ids():
    return pwd.getpwnam(USER).pw_uid, grp.getgrnam(GROUP).gr_gid


def low_port(kind, avoid=()):
    """A port free on 127.0.0.1 in 600..1000, picked now."""
    t_ = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    start = 600 + os.getpid() % 400
    for port in list(range(start, 1001)) + list(range(600, start)):
        if port in avoid:
            continue
        s = socket.socket(socket.AF_INET, t_)
        try:
            s.bind((HOST, port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise LabError("no free %s port in 600..1000" % kind)


def give_to_user(*paths):
    uid, gid = ids()
    for p in paths:
        os.chown(p, uid, gid)


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def udp_bound(port):
    """Whether some socket is bound to 127.0.0.1:port (UDP)."""
    want = ":%04X" % port
    with open("/proc/net/udp") as f:
        return any(line.split()[1].endswith(want) for line in list(f)[1:])


class Agent:  # what lab.snmp helpers need of an agent
    def __init__(self, lab, port):
        self.lab = lab
        self.address = "%s:%d" % (HOST, port)


def master_gw(lab, port, settings, **kw):
    s = {"snmp": {"rwcommunity": RW_COMMUNITY}}
    for sec, kv in settings.items():
        s.setdefault(sec, {}).update(kv)
    gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, port), gateway_ini=GATEWAY_INI,
                  settings=s, **kw)
    return gw


def check_ids(pid):
    uid, gid = ids()
    st = proc_status(pid)
    check_eq(st["Uid"], [str(uid)] * 4, "Uid real, effective, saved, fs")
    check_eq(st["Gid"], [str(gid)] * 4, "Gid real, effective, saved, fs")
    want = sorted(set(os.getgrouplist(USER, gid)))
    check_eq(sorted(int(g) for g in st["Groups"]), want, "Groups are the user's only")
    check("0" not in st["Groups"], "root's group kept")


def load_uri(agent, path):
    """gwIniLoadUri file: load, incremental; the final gwIniLoadStatus."""
    rc, _, err = snmpset(agent, [(INI_URI, "s", "file://" + path), (INI_MODE, "i", 2),
                                 (INI_ACTION, "i", 1)], check=False)
    check_eq(rc, 0, "SET load: %s" % err)
    result = []
    wait_until(lambda: result.append(snmpget(agent, INI_STATUS)[1]) or result[-1] in ("2", "3"),
               10, "the load to finish")
    return result[-1]


@t.case
def root_drops_to_user_and_serves_low_ports():
    need_root()
    uid, gid = ids()
    with Lab() as lab:
        snmp_port = low_port("udp")
        sip_port = low_port("udp", avoid=(snmp_port,))
        # a netrc must be the user's, not root's (checked after the drop)
        netrc = lab.path("netrc")
        with open(netrc, "w") as f:
            f.write("machine 127.0.0.1 login gw password netrc-secret-1\n")
        os.chmod(netrc, 0o600)
        gw = master_gw(lab, snmp_port, {"agent": {"user": USER, "group": GROUP,
                                                  "fetch_netrc": netrc},
                                        "sip": {"udp_port": str(sip_port)}})
        give_to_user(gw.dir, gw.ini_path, netrc)
        os.chmod(gw.dir, 0o700)
        gw.start()
        agent = Agent(lab, snmp_port)
        check("running as %s" % USER in gw.output(), "the drop is logged")
        check_ids(gw.proc.pid)
        wait_until(lambda: snmpget(agent, REG_ALL, check=False) is not None, 10,
                   "the master on udp port %d" % snmp_port)
        check(udp_bound(sip_port), "SIP bound to udp port %d" % sip_port)
        # the persistent directory was made for the user
        st = os.stat(gw.settings["snmp"]["persist_dir"])
        check_eq((st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)), (uid, gid, "0o700"),
                 "persist_dir owner and mode")
        # a committed SET saves the gateway INI as the user's 0600 file
        rc, _, err = snmpset(agent, [(REG_TIME, "u", 123)], check=False)
        check_eq(rc, 0, "SET RegistrationTime: %s" % err)
        wait_until(lambda: "123" in gw.read_ini(), 10, "the saved gateway INI")
        st = os.stat(gw.ini_path)
        check_eq((st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)), (uid, gid, "0o600"),
                 "saved gateway INI owner and mode")
        # file: loads read only what the user may read
        readable = lab.path("readable.ini")
        secret = lab.path("root-only.ini")
        for p, v, mode in ((readable, 77, 0o644), (secret, 88, 0o600)):
            with open(p, "w") as f:
                f.write("RegistrationTime = %d\n" % v)
            os.chmod(p, mode)
        check_eq(load_uri(agent, secret), "3", "a root-only file loaded")
        check(snmpget(agent, REG_TIME)[1] != "88", "the root-only file applied")
        check_eq(load_uri(agent, readable), "2", "a readable file failed to load")
        check_eq(snmpget(agent, REG_TIME)[1], "77", "RegistrationTime from the readable file")
        check_ids(gw.proc.pid)
        check_eq(gw.stop(), 0, "gwagentd exit status")
        # Net-SNMP's state written at exit belongs to the user too
        pdir = gw.settings["snmp"]["persist_dir"]
        check("cannot save" not in gw.output(), "Net-SNMP's state not saved: %s" %
              gw.output()[-500:])
        check("gwagentd.conf" in os.listdir(pdir), "no Net-SNMP state saved in %s" % pdir)
        for top, dirs, files in os.walk(pdir):
            for name in dirs + files:
                st = os.lstat(os.path.join(top, name))
                check_eq((st.st_uid, oct(st.st_mode & 0o077)), (uid, "0o0"),
                         "%s owner and group/other bits" % os.path.join(top, name))


@t.case
def root_without_user_is_refused():
    need_root()
    with Lab() as lab:
        gw = master_gw(lab, free_port("udp"), {"agent": {"run_as_root": None}})
        p = lab.spawn("gwagentd", gw.argv(), cwd=gw.dir)
        wait_until(lambda: not p.alive(), 10, "gwagentd to refuse to run as root")
        check(p.popen.returncode != 0, "exit status %s" % p.popen.returncode)
        check("refusing to run as root" in p.output() and "[agent] user" in p.output() and
              "run_as_root = yes" in p.output(), "the message: %s" % p.output()[-500:])
        check(" started" not in p.output(), "it started anyway")
        # -n reports the same refusal
        gw2 = master_gw(lab, free_port("udp"), {"agent": {"run_as_root": None}}, args=["-n"])
        p2 = lab.spawn("gwagentd-n", gw2.argv(), cwd=gw2.dir)
        wait_until(lambda: not p2.alive(), 10, "gwagentd -n")
        check(p2.popen.returncode != 0 and "refusing to run as root" in p2.output(),
              "-n as root without a user: %s" % p2.output()[-300:])
        # a user that does not exist is named
        gw3 = master_gw(lab, free_port("udp"), {"agent": {"user": "gwagent-no-such-user"}})
        p3 = lab.spawn("gwagentd-nouser", gw3.argv(), cwd=gw3.dir)
        wait_until(lambda: not p3.alive(), 10, "gwagentd with an unknown user")
        check(p3.popen.returncode != 0 and "no such user" in p3.output(),
              "unknown user: %s" % p3.output()[-300:])


@t.case
def subagent_of_snmpd_drops_after_connecting():
    need_root()
    with Lab() as lab:
        snmpd = Snmpd(lab).start()
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket, gateway_ini=GATEWAY_INI,
                      settings={"agent": {"user": USER, "group": GROUP}})
        give_to_user(gw.dir, gw.ini_path)
        gw.start()
        wait_agentx_registered(snmpd, OBJ)
        check_ids(gw.proc.pid)
        check_eq(snmpget(snmpd, REG_TIME)[1], "60", "GET through snmpd")
        rc, _, err = snmpset(snmpd, [(REG_TIME, "u", 321)], check=False)
        check_eq(rc, 0, "SET through snmpd: %s" % err)
        wait_until(lambda: "321" in gw.read_ini(), 10, "the saved gateway INI")
        check_eq(os.stat(gw.ini_path).st_uid, ids()[0], "saved INI owner")


@t.case
def non_root_start_needs_no_user():
    need_root()
    if shutil.which("setpriv") is None:
        raise LabError("setpriv is not installed (util-linux)")
    uid, gid = ids()
    with Lab() as lab:
        port = free_port("udp")
        gw = master_gw(lab, port, {"agent": {"run_as_root": None}})
        argv = gw.argv()  # writes the settings file
        give_to_user(gw.dir, gw.ini_path, gw.conf_path)
        p = lab.spawn("gwagentd", ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid,
                                   "--clear-groups", "--"] + argv, cwd=gw.dir)
        agent = Agent(lab, port)
        wait_until(lambda: not p.alive() or " started" in p.output(), 15, "gwagentd as %s" % USER)
        p.check_alive()
        check("running as" not in p.output(), "a non-root start dropped")
        st = proc_status(p.pid)
        check_eq(st["Uid"], [str(uid)] * 4, "Uid")
        wait_until(lambda: snmpget(agent, REG_ALL, check=False) is not None, 10, "the master")
        rc, _, err = snmpset(agent, [(REG_TIME, "u", 99)], check=False)
        check_eq(rc, 0, "SET: %s" % err)
        wait_until(lambda: re.search(r"RegistrationTime\s*=\s*99", gw.read_ini()), 10,
                   "the saved gateway INI")
        check_eq(os.stat(gw.ini_path).st_uid, uid, "saved INI owner")


if __name__ == "__main__":
    sys.exit(t.run())
