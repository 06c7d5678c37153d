#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""gwagentd and systemd's Type=notify (agent/core/notify.c): one READY=1 on
$NOTIFY_SOCKET once it is started (the master agent then answers), no
warning without $NOTIFY_SOCKET, a warning and no harm when the socket
is not there."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import HOST, LabError, free_port, wait_until  # noqa: E402
from lab.snmp import snmpget  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
WARNING = "telling systemd it is ready"

t = Suite(requires=["snmpget"])


class Agent:  # what lab.snmp helpers need of an agent
    def __init__(self, lab, port):
        self.lab = lab
        self.address = "%s:%d" % (HOST, port)


def master(lab, env):
    """A gwagentd -M started with env added to its environment."""
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    port = free_port("udp")
    gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, port),
                  gateway_ini="RegistrationTime = 60\n",
                  settings={"snmp": {"rocommunity": "public"}})
    gw.proc = lab.spawn("gwagentd", gw.argv(), cwd=gw.dir, env=env)
    wait_until(gw._started, 15, "gwagentd to start")
    return gw, Agent(lab, port)


@t.case
def ready_once_started():
    with Lab() as lab:
        path = os.path.join(lab.dir, "notify")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.bind(path)
            s.settimeout(15)
            gw, agent = master(lab, {"NOTIFY_SOCKET": path})
            check_eq(s.recv(256), b"READY=1", "the datagram")
            check(" started" in gw.output(), "READY=1 came after the start")
            check(snmpget(agent, SYS_UPTIME) is not None, "the master answers once ready")
            s.settimeout(1)
            try:
                extra = s.recv(256)
            except socket.timeout:
                extra = None
            check_eq(extra, None, "one datagram only")
            check(WARNING not in gw.output(), "no warning")
            check_eq(gw.stop(), 0, "exit status after SIGTERM")
        finally:
            s.close()


@t.case
def silent_without_notify_socket():
    with Lab() as lab:
        gw, agent = master(lab, {"NOTIFY_SOCKET": ""})
        check(snmpget(agent, SYS_UPTIME) is not None, "the master answers")
        check(WARNING not in gw.output(), "no warning without $NOTIFY_SOCKET")
        check_eq(gw.stop(), 0, "exit status after SIGTERM")


@t.case
def missing_socket_warns():
    with Lab() as lab:
        gw, agent = master(lab, {"NOTIFY_SOCKET": os.path.join(lab.dir, "absent")})
        wait_until(lambda: WARNING in gw.output(), 5, "the warning")
        check("No such file or directory" in gw.output(), "the reason is logged")
        time.sleep(0.5)
        gw.check_alive()
        check(snmpget(agent, SYS_UPTIME) is not None, "the master still answers")
        check_eq(gw.stop(), 0, "exit status after SIGTERM")


if __name__ == "__main__":
    sys.exit(t.run())
