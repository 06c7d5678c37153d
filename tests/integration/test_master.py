#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""gwagentd -M: the embedded master agent an NMS can adopt.  SNMPv2-MIB
system group and sysORTable, a persistent snmpEngineID with
snmpEngineBoots counting restarts (also after kill -9), no listener but
the configured ones (checked in a private network namespace), v2c off
without a community, wrong communities counted and logged once per
interval, informs to snmptrapd (v3, and v2c with retries)."""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import HOST, free_port, wait_until, which_or_none  # noqa: E402
from lab.snmp import (Snmptrapd, V3_RW, V3_TRAP, parse_varbinds,  # noqa: E402
                      snmp_cmd, snmpget, snmpset, snmpwalk, uptime_ticks)
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402

ROOT = mib.oid("gwagentMIB")
PRODUCT = mib.oid("gwagentdProduct")
NOTIF_STARTED = mib.oid("gwAgentStarted")
SYS = "1.3.6.1.2.1.1"
SYS_DESCR, SYS_OBJECTID, SYS_UPTIME = SYS + ".1.0", SYS + ".2.0", SYS + ".3.0"
SYS_CONTACT, SYS_NAME, SYS_LOCATION = SYS + ".4.0", SYS + ".5.0", SYS + ".6.0"
SYS_SERVICES, SYS_OR_LAST_CHANGE = SYS + ".7.0", SYS + ".8.0"
SYS_OR_ID = SYS + ".9.1.2"
SNMP_IN_PKTS = "1.3.6.1.2.1.11.1.0"
SNMP_IN_BAD_COMMUNITY_NAMES = "1.3.6.1.2.1.11.4.0"
ENGINE_ID = "1.3.6.1.6.3.10.2.1.1.0"
ENGINE_BOOTS = "1.3.6.1.6.3.10.2.1.2.0"

V3_SETTINGS = {"v3_user": V3_RW[0], "v3_auth_pass": V3_RW[1], "v3_priv_pass": V3_RW[2]}

t = Suite(requires=["snmpget", "snmpset", "snmpwalk", "snmptrapd"])


def need_daemon():
    if gwagentd_path() is None:
        raise Skip("gwagentd is not built")


def package_version():
    out = subprocess.run([gwagentd_path(), "-V"], capture_output=True, text=True).stdout
    m = re.match(r"gwagentd (\S+)", out)
    if m is None:
        raise AssertionError("gwagentd -V printed %r" % out)
    return m.group(1)


class Agent:
    """What lab.snmp's helpers need of an agent: .address and .lab."""

    def __init__(self, lab, port):
        self.lab = lab
        self.address = "%s:%d" % (HOST, port)


def master(lab, snmp=None, traps=None, port=None):
    """A stopped gwagentd -M on a fresh UDP port, with the lab's v3 user."""
    port = port or free_port("udp")
    settings = {"snmp": dict(V3_SETTINGS, **(snmp or {}))}
    if traps:
        settings["traps"] = traps
    gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, port), settings=settings)
    return gw, Agent(lab, port)


def v3get(agent, oid):
    return snmpget(agent, oid, version="3", user=V3_RW[0], check=False)


def wait_answers(agent):
    wait_until(lambda: v3get(agent, SYS_UPTIME) is not None, 15, "the master to answer v3")


def counter(agent, oid):
    v = v3get(agent, oid)
    return int(v[1]) if v is not None and v[0] == "Counter32" else None


@t.case
def system_group_and_sysortable():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab, snmp={"sys_contact": "noc@gw.test <+1 555 0100>",
                                  "sys_name": "gw-lab-1",
                                  "sys_location": "rack 7, row B"})
        gw.start()
        wait_answers(a)
        descr = snmpget(a, SYS_DESCR)
        check("gwagentd %s " % package_version() in descr[1],
              "sysDescr names the version: %s" % descr[1])
        check_eq(snmpget(a, SYS_OBJECTID), ("OID", "." + PRODUCT), "sysObjectID")
        check_eq(snmpget(a, SYS_CONTACT)[1], '"noc@gw.test <+1 555 0100>"', "sysContact")
        check_eq(snmpget(a, SYS_NAME)[1], '"gw-lab-1"', "sysName")
        check_eq(snmpget(a, SYS_LOCATION)[1], '"rack 7, row B"', "sysLocation")
        check_eq(snmpget(a, SYS_SERVICES), ("INTEGER", "72"), "sysServices")
        check_eq(snmpget(a, SYS_OR_LAST_CHANGE)[0], "Timeticks", "sysORLastChange")
        up1 = uptime_ticks(snmpget(a, SYS_UPTIME)[1])
        time.sleep(1.2)
        up2 = uptime_ticks(snmpget(a, SYS_UPTIME)[1])
        check(up1 is not None and up2 is not None and up2 >= up1 + 100,
              "sysUpTime grows (%s then %s)" % (up1, up2))
        ors = snmpwalk(a, SYS_OR_ID)
        check(("OID", "." + ROOT) in ors.values(), "a sysORTable row for GWAGENT-MIB: %s" % ors)
        check(counter(a, SNMP_IN_PKTS) > 5, "snmpInPkts counts requests")
        for oid in (SYS_CONTACT, SYS_NAME, SYS_LOCATION):
            rc, _, err = snmpset(a, [(oid, "s", "changed")], version="3", user=V3_RW[0],
                                 check=False)
            check(rc != 0 and "notWritable" in err, "%s is notWritable: %s" % (oid, err.strip()))
        check_eq(snmpget(a, SYS_CONTACT)[1], '"noc@gw.test <+1 555 0100>"',
                 "sysContact unchanged")
        gw.check_alive()


@t.case
def system_group_defaults():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab)
        gw.start()
        wait_answers(a)
        check_eq(snmpget(a, SYS_CONTACT), ("", '""'), "sysContact empty by default")
        check_eq(snmpget(a, SYS_NAME)[1], '"%s"' % socket.gethostname(),
                 "sysName is the host name by default")
        check_eq(snmpget(a, SYS_LOCATION), ("", '""'), "sysLocation empty by default")
        rc, _, err = snmpset(a, [(SYS_LOCATION, "s", "x")], version="3", user=V3_RW[0],
                             check=False)
        check(rc != 0 and "notWritable" in err, "still notWritable: %s" % err.strip())


@t.case
def system_group_writable_when_asked():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab, snmp={"sys_location": "first floor", "sys_writable": "yes"})
        gw.start()
        wait_answers(a)
        check_eq(v3get(a, SYS_LOCATION)[1], '"first floor"', "sysLocation from the settings")
        rc, _, err = snmpset(a, [(SYS_LOCATION, "s", "second floor")], version="3",
                             user=V3_RW[0], check=False)
        check_eq(rc, 0, "SET sysLocation with sys_writable = yes: %s" % err)
        check_eq(v3get(a, SYS_LOCATION)[1], '"second floor"', "sysLocation after the SET")
        check_eq(gw.stop(), 0, "gwagentd exit status")
        gw.start()
        wait_answers(a)
        # the settings file stays the source of truth
        check_eq(v3get(a, SYS_LOCATION)[1], '"first floor"', "sysLocation after a restart")


@t.case
def engine_id_kept_and_boots_counted_across_restarts():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab)
        ids, boots = [], []
        for i in range(4):
            gw.start()
            wait_answers(a)
            ids.append(v3get(a, ENGINE_ID))
            boots.append(v3get(a, ENGINE_BOOTS))
            if i == 2:
                gw.kill9()      # a crash still counts as a boot
            else:
                check_eq(gw.stop(), 0, "gwagentd %d exit status" % (i + 1))
        check(ids[0] is not None and ids[0][0] == "Hex-STRING", "engine ID read: %s" % ids)
        check(all(x == ids[0] for x in ids), "snmpEngineID identical across restarts: %s" % ids)
        check_eq([b[1] for b in boots], ["1", "2", "3", "4"], "snmpEngineBoots")
        state = os.path.join(gw.dir, "snmp", "gwagentd.conf")
        check_eq(os.stat(state).st_mode & 0o777, 0o600, "the state file's mode")
        with open(state) as f:
            text = f.read()
        check_eq(len(re.findall(r"^oldEngineID ", text, re.M)), 1, "one oldEngineID line")
        check(V3_RW[1] not in text and V3_RW[2] not in text, "no v3 pass phrase in the state")


class NetnsGwagentd(Gwagentd):
    """gwagentd alone in a new network namespace with only lo up; the
    spawned PID is gwagentd's (unshare and sh exec)."""

    def argv(self):
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] + \
            Gwagentd.argv(self)


def proc_net_listeners(pid):
    """{(proto, 'addr:port')} of listening TCP and unconnected UDP sockets
    in the network namespace of pid, from /proc/<pid>/net/*."""
    out = set()
    for proto in ("tcp", "udp", "tcp6", "udp6"):
        with open("/proc/%d/net/%s" % (pid, proto)) as f:
            for line in f.read().splitlines()[1:]:
                fields = line.split()
                local, state = fields[1], fields[3]
                if state not in ("0A", "07"):     # TCP_LISTEN, UDP unconnected
                    continue
                addr, port = local.split(":")
                if len(addr) == 8:
                    ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1])
                else:
                    raw = bytes.fromhex(addr)
                    ip = socket.inet_ntop(socket.AF_INET6, b"".join(
                        raw[i:i + 4][::-1] for i in range(0, 16, 4)))
                out.add((proto, "%s:%d" % (ip, int(port, 16))))
    return out


@t.case
def only_the_configured_listeners():
    need_daemon()
    if os.geteuid() != 0 or which_or_none("unshare") is None or which_or_none("ip") is None:
        raise Skip("needs root, unshare and ip for a private network namespace")
    with Lab() as lab:
        gw = NetnsGwagentd(lab, master="udp:127.0.0.1:1161",
                           settings={"sip": {"udp_port": "5060"}})
        gw.start()
        pid = gw.proc.pid
        got = proc_net_listeners(pid)
        check_eq(sorted(got), [("udp", "127.0.0.1:1161"), ("udp", "127.0.0.1:5060")],
                 "sockets in gwagentd's namespace")
        # and the agent does answer there
        env = dict(os.environ, MIBS="", MIBDIRS="/nonexistent",
                   SNMPCONFPATH=lab.subdir("snmp-client"), SNMP_PERSISTENT_DIR=lab.subdir("snmp-client"))
        p = subprocess.run(["nsenter", "-t", str(pid), "-n", "snmpget", "-v2c", "-c", "public",
                            "-On", "127.0.0.1:1161", SYS_OBJECTID],
                           capture_output=True, text=True, env=env, timeout=30)
        check("." + PRODUCT in p.stdout, "answers inside the namespace: %s%s" % (p.stdout, p.stderr))
        check_eq(sorted(proc_net_listeners(pid)), sorted(got), "still the same sockets")


@t.case
def agentx_only_when_asked():
    need_daemon()
    if os.geteuid() != 0 or which_or_none("unshare") is None or which_or_none("ip") is None:
        raise Skip("needs root, unshare and ip for a private network namespace")
    with Lab() as lab:
        gw = NetnsGwagentd(lab, master="udp:127.0.0.1:1161",
                           settings={"sip": {"udp_port": "5060"},
                                     "snmp": {"agentx_listen": "tcp:127.0.0.1:7050"}})
        gw.start()
        check_eq(sorted(proc_net_listeners(gw.proc.pid)),
                 [("tcp", "127.0.0.1:7050"), ("udp", "127.0.0.1:1161"),
                  ("udp", "127.0.0.1:5060")], "sockets with agentx_listen")


@t.case
def v2c_off_without_a_community():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab, snmp={"rocommunity": ""})
        gw.start()
        wait_answers(a)
        check(snmpget(a, SYS_UPTIME, timeout=1, retries=0, check=False) is None,
              "v2c 'public' gets no answer")
        rc, _, _ = snmpset(a, [(SYS_CONTACT, "s", "x")], user="private", timeout=1,
                           check=False)
        check(rc != 0, "v2c SET gets no answer either")
        wait_until(lambda: counter(a, SNMP_IN_BAD_COMMUNITY_NAMES) == 2, 5,
                   "both counted as wrong communities")
        check(v3get(a, SYS_OBJECTID) is not None, "v3 still answers")


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def ber(tag, body):
    return bytes([tag]) + ber_len(len(body)) + body


def ber_int(v):
    return ber(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def ber_oid(text):
    arcs = [int(x) for x in text.split(".")]
    body = bytes([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7f]
        arc >>= 7
        while arc:
            chunk.insert(0, 0x80 | (arc & 0x7f))
            arc >>= 7
        body += bytes(chunk)
    return ber(0x06, body)


def v2c_get(community, request_id, oid):
    vb = ber(0x30, ber(0x30, ber_oid(oid) + b"\x05\x00"))
    pdu = ber(0xa0, ber_int(request_id) + ber_int(0) + ber_int(0) + vb)
    return ber(0x30, ber_int(1) + ber(0x04, community.encode()) + pdu)


@t.case
def bad_community_flood_is_counted_and_summarised():
    need_daemon()
    with Lab() as lab:
        gw, a = master(lab, snmp={"bad_community_log_interval": "10"})
        gw.start()
        wait_answers(a)
        before = counter(a, SNMP_IN_BAD_COMMUNITY_NAMES)
        mark = len(gw.output())
        port = int(a.address.rsplit(":", 1)[1])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sent = 0
            for batch in range(10):           # 10 x 100 = 1,000 packets
                for i in range(100):
                    s.sendto(v2c_get("wrong-%d" % (sent % 7), sent + 1, SYS_UPTIME),
                             (HOST, port))
                    sent += 1
                # let the agent drain its socket before the next batch
                wait_until(lambda: counter(a, SNMP_IN_BAD_COMMUNITY_NAMES) == before + sent,
                           10, "%d wrong communities counted" % sent)
        finally:
            s.close()
        check_eq(counter(a, SNMP_IN_BAD_COMMUNITY_NAMES) - before, 1000,
                 "snmpInBadCommunityNames grew by")

        def reported():
            return sum(int(n) for n in re.findall(
                r"(\d+) requests with a wrong community in the last 10 s", gw.output()[mark:]))
        wait_until(lambda: reported() == 1000, 25, "the summary lines to add up to 1000")
        lines = [ln for ln in gw.output()[mark:].splitlines()
                 if "[snmp]" in ln or "[libsnmp]" in ln]
        check(1 <= len(lines) <= 3, "at most 3 SNMP log lines for 1,000 bad packets: %s" % lines)
        check(not any("wrong-" in ln for ln in gw.output().splitlines()),
              "no community string in the log")
        gw.check_alive()


@t.case
def v3_informs_to_snmptrapd():
    need_daemon()
    with Lab() as lab:
        trapd = Snmptrapd(lab).start()
        user, auth, priv = V3_TRAP
        gw, a = master(lab, traps={"sink": "%s:%d" % (HOST, trapd.port), "inform": "yes",
                                   "v3_user": user, "v3_auth_pass": auth,
                                   "v3_priv_pass": priv, "retries": "2", "timeout": "2"})
        gw.start()
        found = trapd.wait_for(lambda n: n["trap_oid"] == NOTIF_STARTED, 15,
                               "gwAgentStarted as a v3 inform")
        check_eq(found[0]["user"], user, "sent by the v3 user")
        check(auth not in gw.output() and priv not in gw.output(), "no pass phrase in the log")
        check("v3 informs without v3_engine_id" in gw.output(),
              "a warning that engine ID discovery may stall")


class EngineSnmptrapd(Snmptrapd):
    """The lab's snmptrapd with a known snmpEngineID, engineID TEXT:
    0x80001f8804 followed by the text (RFC 3411 format 4, Net-SNMP's
    enterprise 8072)."""

    TEXT = "gwlabtrapd"
    ENGINE_ID = "0x80001f8804" + TEXT.encode().hex()

    def start(self, timeout=10.0):
        exe = which_or_none("snmptrapd")
        self.port = self.port or free_port("udp")
        t_user, t_auth, t_priv = V3_TRAP
        with open(self.conf, "w") as f:
            f.write('createUser %s SHA "%s" AES "%s"\n' % (t_user, t_auth, t_priv))
            f.write("authUser log %s priv\n" % t_user)
            f.write("engineID %s\n" % self.TEXT)
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


def started_delay(gw):
    """Seconds between gwAgentStarted leaving and the "started" line."""
    stamps = {}
    for line in gw.output().splitlines():
        for key, pat in (("notif", "[snmp] notification 6 "), ("started", "[main] gwagentd ")):
            if pat in line and key not in stamps:
                h, m, sec = line.split()[0].split("T")[1].split(":")
                stamps[key] = int(h) * 3600 + int(m) * 60 + float(sec)
    return stamps["started"] - stamps["notif"]


@t.case
def v3_inform_with_the_sink_engine_id_does_not_stall():
    """With [traps] v3_engine_id there is no engine ID discovery: the
    daemon goes on at once although the sink is down, and the inform gets
    there by its retries once it is up."""
    need_daemon()
    with Lab() as lab:
        trapd = EngineSnmptrapd(lab)
        trapd.port = free_port("udp")
        user, auth, priv = V3_TRAP
        gw, a = master(lab, traps={"sink": "%s:%d" % (HOST, trapd.port), "inform": "yes",
                                   "v3_user": user, "v3_auth_pass": auth,
                                   "v3_priv_pass": priv, "v3_engine_id": trapd.ENGINE_ID,
                                   "retries": "8", "timeout": "1"})
        gw.start()
        check(started_delay(gw) < 0.5, "no stall after the inform: %.3f s" % started_delay(gw))
        wait_answers(a)
        time.sleep(2.5)
        trapd.start()
        found = trapd.wait_for(lambda n: n["trap_oid"] == NOTIF_STARTED, 12,
                               "gwAgentStarted as a retried v3 inform")
        check_eq(found[0]["user"], user, "sent by the v3 user")


def inform_retry_case(inform):
    """The sink comes up 2.5 s after gwagentd sent gwAgentStarted: an
    inform retried every second gets there, a trap is lost."""
    with Lab() as lab:
        trapd = Snmptrapd(lab)
        trapd.port = free_port("udp")
        gw, a = master(lab, traps={"sink": "%s:%d" % (HOST, trapd.port),
                                   "inform": "yes" if inform else "no",
                                   "retries": "8", "timeout": "1"})
        gw.start()
        wait_answers(a)
        time.sleep(2.5)
        trapd.start()
        if inform:
            trapd.wait_for(lambda n: n["trap_oid"] == NOTIF_STARTED, 12,
                           "gwAgentStarted after inform retries")
        else:
            time.sleep(4)
            check_eq([n for n in trapd.traps() if n["trap_oid"] == NOTIF_STARTED], [],
                     "a v2c trap sent before the sink was up")


@t.case
def v2c_inform_retried_until_the_sink_is_up():
    need_daemon()
    inform_retry_case(True)


@t.case
def v2c_trap_without_retries_is_lost():
    need_daemon()
    inform_retry_case(False)


@t.case
def bad_trap_settings_refused():
    need_daemon()
    with Lab() as lab:
        for traps, why in (({"sink": "127.0.0.1:162", "v3_user": "x"}, "needs v3_auth_pass"),
                           ({"retries": "99"}, "not a number in range"),
                           ({"timeout": "0"}, "not a number in range"),
                           ({"sink": "127.0.0.1:162", "v3_user": "x", "v3_auth_pass": "12345678",
                             "v3_priv_pass": "12345678", "v3_engine_id": "0x12"},
                            "not 5 to 32 octets")):
            gw, _ = master(lab, traps=traps)
            p = subprocess.run(gw.argv() + ["-n"], capture_output=True, text=True, timeout=30)
            check(p.returncode != 0 and why in p.stderr,
                  "%s refused: %s" % (traps, p.stderr.strip()[-200:]))


if __name__ == "__main__":
    sys.exit(t.run())
