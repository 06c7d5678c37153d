# SPDX-License-Identifier: ISC
"""dnsmasq as the lab's authoritative-enough DNS server.

    from lab import Lab
    from lab.dnsmasq import Dnsmasq
    with Lab() as lab:
        d = Dnsmasq(lab)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", 5070, priority=10, weight=5)
        d.host("sip1.prov.test", "127.0.0.1", "::1")
        d.naptr("prov.test", 10, 10, "s", "SIP+D2U", "_sip._udp.prov.test")
        d.start()                   # listens on 127.0.0.1:d.port (UDP and TCP)
        ...                         # point the resolver at d.server ("127.0.0.1:port")

Records are written to a conf file in lab.subdir("dnsmasq") (or `name`)
before start(); restart() applies records added later (dnsmasq 2.89/2.90
reads srv-host, naptr-record and host-record only at start: SIGHUP
rereads hosts files, not them).  ttl is dnsmasq's --local-ttl, the TTL of
the SRV and NAPTR records it serves; host_ttl (default: ttl) that of the
A/AAAA records.  dnsmasq runs in
the foreground (-k) without /etc/resolv.conf or /etc/hosts, answers only
on 127.0.0.1 and is stopped by PID with the lab.  Names it has no record
for are refused (no upstream servers).
"""
import os
import socket
import struct

from .proc import HOST, LabError, free_port, wait_until, which_or_none


class Dnsmasq:
    def __init__(self, lab, name="dnsmasq", ttl=1, host_ttl=None):
        self.lab = lab
        self.name = name
        self.dir = lab.subdir(name)
        self.conf = os.path.join(self.dir, "dnsmasq.conf")
        self.pidfile = os.path.join(self.dir, "dnsmasq.pid")
        self.ttl = ttl
        self.host_ttl = ttl if host_ttl is None else host_ttl
        self.lines = []
        self.port = None
        self.proc = None
        self.host_ip = HOST

    # ---- records -------------------------------------------------------
    @staticmethod
    def _check(*vals):
        for v in vals:
            if any(c in str(v) for c in ",\r\n\0 "):
                raise ValueError("bad dnsmasq record field: %r" % (v,))

    def srv(self, name, target, port, priority=0, weight=0):
        """An SRV record; target "." says the service is not offered."""
        self._check(name, target, port, priority, weight)
        self.lines.append("srv-host=%s,%s,%d,%d,%d" % (name, target, port, priority, weight))
        return self

    def host(self, name, *addrs):
        """A/AAAA records for name, one per address."""
        self._check(name, *addrs)
        if not addrs:
            raise ValueError("host-record needs an address")
        for a in addrs:
            self.lines.append("host-record=%s,%s,%d" % (name, a, self.host_ttl))
        return self

    def naptr(self, name, order, preference, flags, service, replacement, regexp=""):
        self._check(name, order, preference, flags, service, replacement, regexp)
        self.lines.append("naptr-record=%s,%d,%d,%s,%s,%s,%s" % (
            name, order, preference, flags, service, regexp, replacement))
        return self

    # ---- process -------------------------------------------------------
    def _write(self):
        with open(self.conf, "w") as f:
            f.write("# written by tests/lab/dnsmasq.py\n")
            f.write("local-ttl=%d\n" % self.ttl)
            f.write("\n".join(self.lines) + "\n")

    def start(self, timeout=10.0):
        exe = which_or_none("dnsmasq")
        if exe is None:
            raise LabError("dnsmasq not found (install the Debian package dnsmasq)")
        self._write()
        if self.port is None:
            self.port = free_port("udp", also=["tcp"])
        argv = [exe, "-k", "--no-resolv", "--no-hosts", "--port=%d" % self.port,
                "--listen-address=%s" % self.host_ip, "--bind-interfaces",
                "--conf-file=%s" % self.conf, "--pid-file=%s" % self.pidfile,
                "--log-facility=-", "--user=%s" % _user(), "--group=%s" % _group()]
        self.proc = self.lab.spawn(self.name, argv, cwd=self.dir)
        wait_until(lambda: self._answers(), timeout, "dnsmasq on port %d" % self.port)
        return self

    def _answers(self):
        self.proc.check_alive()
        return self.query("gwlab-probe.invalid", 1) is not None

    def stop(self):
        if self.proc is not None:
            self.lab.stop(self.proc)
            self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    @property
    def server(self):
        """"127.0.0.1:port", as [sip] dns_servers and c-ares take it."""
        return "%s:%d" % (self.host_ip, self.port)

    def query(self, name, qtype, timeout=0.5):
        """One UDP query: the rcode and answer count, or None on silence."""
        qid = 0x4242
        pkt = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        for label in name.rstrip(".").split("."):
            pkt += bytes([len(label)]) + label.encode()
        pkt += b"\0" + struct.pack(">HH", qtype, 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.settimeout(timeout)
            s.sendto(pkt, (self.host_ip, self.port))
            data = s.recv(4096)
        except OSError:
            return None
        finally:
            s.close()
        if len(data) < 12:
            return None
        _, flags, _, ancount, _, _ = struct.unpack(">HHHHHH", data[:12])
        return flags & 0xF, ancount

    def __repr__(self):
        return "<Dnsmasq %s>" % (self.server if self.port else "stopped")


def _user():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def _group():
    import grp
    return grp.getgrgid(os.getgid()).gr_name
