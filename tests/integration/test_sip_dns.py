#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""RFC 3263 name lookups and IPv6 in the sip/ engine, against a lab
dnsmasq (SRV, NAPTR, A and AAAA records written by each case) and Kamailio
on loopback, through tests/integration/sipreg_client (-S points c-ares at
dnsmasq, -Q is DNSQueryType): a provider with only _sip._udp SRV records;
SRV priorities with the first target dead; SRV weights and random-weights
load balancing; a name with two A records, the first dead; NAPTR -> SRV ->
A, NAPTR choosing TCP, no NAPTR -> SRV; A only (SRV records ignored); IPv6
by literal and by AAAA, UDP with a dual-stack socket, TCP and TLS; an A TTL
shorter than the refresh period, an SRV TTL shorter than it and
than its targets' A TTL; gwagentd with DNSQueryType and [sip]
dns_servers, gwProxyStatusTable; OPTIONS keep-alive of every resolved
address (the spare dies and is shown offline, then the registrar dies and
the bindings move to the spare); Homing within a name (the first address
dies, the bindings move to the second, it comes back, they home back);
gwProxyAddrTable through snmpd (AgentX).  TAP output."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.dnsmasq import Dnsmasq  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import HOST, free_port, wait_until  # noqa: E402
from lab.snmp import V3_RW, snmpget  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402
from lab.world import STATE_REGISTERED, World  # noqa: E402
from test_sip_engine import Client, REALM  # noqa: E402

t = Suite(requires=["kamailio", "kamcmd", "dnsmasq", "snmpd", "snmptrapd", "snmpget"])

GW_STATE = mib.oid("gwRegState", 1, 0)  # of the gateway binding
DNS_QUERY_TYPE = mib.oid("gwDNSQueryType", 0)
PROXY_DNS_QUERY_TYPE = mib.oid("gwProxyDNSQueryType", 0)

USERS = {"gw": "gw-secret-1", "alice": "secret", "bob": "b0b-pw", "carol": "c4rol", "dave": "d4ve",
         "erin": "er1n", "frank": "fr4nk", "gina": "g1na", "hugo": "hug0"}

# fail over after one unanswered retransmission: a dead target costs ~1 s
FAST = ["-x", "-X", 1, "-R", 10, "-e", 60]


def registered(k, user, addrs, query, d, args=(), timeout=20.0):
    """Run the driver until user is registered; returns (client, status)."""
    c = Client(addrs, user, USERS[user],
               ["-S", d.server, "-Q", query] + [str(a) for a in args], interactive=True)
    try:
        st = c.wait_state("registered", timeout)
        reg = [s for s in st if s.state == "registered"][0]
        check(any(";line=" in (x["contact"] or "") for x in k.contacts(user)),
              "Kamailio has the binding: %r" % k.contacts(user))
        return c, reg
    finally:
        c.kill()


def dead_port():
    """A UDP port nothing listens on (taken, then closed)."""
    return free_port("udp")


def setup(lab, ipv6=False):
    k = Kamailio(lab, realm=REALM, users=USERS, tcp=False, ipv6=ipv6).start()
    return k, Dnsmasq(lab)


@t.case
def srv_only_provider_registers():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", k.udp_port, 10, 10)
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "alice", ["prov.test:0"], 1, d)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "SRV target and port\n" + c.output())


@t.case
def srv_priority_failover():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        dead = dead_port()
        d.srv("_sip._udp.prov.test", "dead.prov.test", dead, 10, 0)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", k.udp_port, 20, 0)
        d.host("dead.prov.test", "127.0.0.1")
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "bob", ["prov.test:0"], 1, d, FAST)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "the second SRV target\n" + c.output())
        check("127.0.0.1:%d" % dead in c.output() or reg.sent > 2,
              "the priority-10 target was tried first\n" + c.output())


@t.case
def srv_weights_spread_within_priority():
    """Two targets of one priority, both alive: every run registers to one
    of them (which one is random by weight)."""
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        k2 = Kamailio(lab, realm=REALM, users=USERS, tcp=False, name="kamailio2").start()
        d.srv("_sip._udp.prov.test", "a.prov.test", k.udp_port, 10, 50)
        d.srv("_sip._udp.prov.test", "b.prov.test", k2.udp_port, 10, 50)
        d.host("a.prov.test", "127.0.0.1")
        d.host("b.prov.test", "127.0.0.1")
        d.start()
        c = Client(["prov.test:0"], "carol", USERS["carol"], ["-S", d.server, "-Q", 1],
                   interactive=True)
        try:
            st = c.wait_state("registered", 20)
            reg = [s for s in st if s.state == "registered"][0]
        finally:
            c.kill()
        check(reg.addr in ("127.0.0.1:%d" % k.udp_port, "127.0.0.1:%d" % k2.udp_port),
              "one of the two targets: %s" % reg.addr)


@t.case
def random_weights_spread_bindings():
    """ProxyLoadBalancingMethod 2: each binding's cycle starts at a target
    picked by SRV weight, so 20 bindings on one name with two equal-weight
    targets use both (all on one: chance 2^-19); without it they all
    start at the first candidate of the one lookup."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users={}, tcp=False, password_prefix="pw-").start()
        k2 = Kamailio(lab, realm=REALM, users={}, tcp=False, password_prefix="pw-",
                      name="kamailio2").start()
        d = Dnsmasq(lab)
        d.srv("_sip._udp.prov.test", "a.prov.test", k.udp_port, 10, 50)
        d.srv("_sip._udp.prov.test", "b.prov.test", k2.udp_port, 10, 50)
        d.host("a.prov.test", "127.0.0.1")
        d.host("b.prov.test", "127.0.0.1")
        d.start()
        for extra, want in ((["-w"], 2), ([], 1)):
            c = Client(["prov.test:0"], "u", "", ["-S", d.server, "-Q", 1, "-n", 20,
                                                   "-P", "pw-"] + extra, interactive=True)
            try:
                c.wait(lambda st: len({s.user for s in st if s.state == "registered"}) == 20,
                       30, "20 bindings registered")
                used = {s.addr for s in c.statuses() if s.state == "registered"}
            finally:
                c.kill()
            check_eq(len(used), want, "targets used %s with %r" % (sorted(used), extra))


@t.case
def two_a_records_first_dead():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        # 127.0.0.2 is loopback too, but Kamailio listens on 127.0.0.1 only
        d.host("multi.prov.test", "127.0.0.2", "127.0.0.1")
        d.start()
        c, reg = registered(k, "dave", ["multi.prov.test:%d" % k.udp_port], 0, d, FAST)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "the live A record\n" + c.output())


@t.case
def naptr_srv_a_chain():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        d.naptr("prov.test", 10, 10, "s", "SIP+D2U", "_sip._udp.sipsrv.prov.test")
        d.naptr("prov.test", 20, 10, "s", "SIP+D2U", "_sip._udp.wrong.prov.test")
        d.srv("_sip._udp.sipsrv.prov.test", "sip1.prov.test", k.udp_port, 0, 0)
        d.srv("_sip._udp.wrong.prov.test", "sip1.prov.test", dead_port(), 0, 0)
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "erin", ["prov.test:0"], 2, d)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port,
                 "NAPTR order 10, its SRV, its A\n" + c.output())


@t.case
def naptr_missing_falls_back_to_srv():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", k.udp_port, 0, 0)
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "frank", ["prov.test:0"], 2, d)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "SRV without NAPTR\n" + c.output())


@t.case
def a_query_ignores_srv():
    """DNSQueryType 0 (what a name with a port gets): the A record and the
    configured port, never the SRV record's target."""
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", dead_port(), 0, 0)
        d.host("sip1.prov.test", "127.0.0.1")
        d.host("prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "gina", ["prov.test:%d" % k.udp_port], 0, d)
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "A record, own port\n" + c.output())


@t.case
def ipv6_literal_and_aaaa_dual_stack():
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab, ipv6=True)
        d.host("v6.prov.test", "::1")
        d.host("v4.prov.test", "127.0.0.1")
        d.start()
        # a literal
        c, reg = registered(k, "hugo", ["[::1]:%d" % k.udp_port], 0, d, ["-l", "::1"])
        check_eq(reg.addr, "[::1]:%d" % k.udp_port, "IPv6 literal\n" + c.output())
        # AAAA only, then a dual-stack socket: IPv6 and IPv4 registrars at once
        c, reg = registered(k, "hugo", ["v6.prov.test:%d" % k.udp_port], 0, d, ["-l", "::"])
        check_eq(reg.addr, "[::1]:%d" % k.udp_port, "AAAA\n" + c.output())
        c, reg = registered(k, "alice", ["v4.prov.test:%d" % k.udp_port], 0, d, ["-l", "::"])
        check_eq(reg.addr, "127.0.0.1:%d" % k.udp_port, "IPv4 on the dual-stack socket\n" +
                 c.output())


class Agent:
    """What lab.snmp's helpers need of an agent: .address and .lab."""

    def __init__(self, lab, port):
        self.lab = lab
        self.address = "%s:%d" % (HOST, port)


@t.case
def ipv6_tcp():
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True, ipv6=True).start()
        d = Dnsmasq(lab)
        d.host("v6.prov.test", "::1")
        d.start()
        c, reg = registered(k, "bob", ["v6.prov.test:%d/tcp" % k.tcp_port], 0, d,
                            ["-l", "::"])
        check_eq(reg.addr, "[::1]:%d" % k.tcp_port, "AAAA over TCP\n" + c.output())
        check(any((x["socket"] or "").startswith("tcp:[::1]") for x in k.contacts("bob")),
              "registered on Kamailio's TCP IPv6 socket: %r" % k.contacts("bob"))


@t.case
def ipv6_tls():
    """A registrar on [::1] over TLS (Kamailio's TLS listener on ::1, its
    certificate naming ::1): registered over IPv6, on Kamailio's TLS IPv6
    socket."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True, tls=True, ipv6=True).start()
        c = Client(["[::1]:%d/tls" % k.tls_port], "bob", USERS["bob"],
                   ["-C", k.ca_file, "-l", "::", "-e", 60, "-U"], interactive=True)
        try:
            st = c.wait_state("registered", 15)
            reg = [s for s in st if s.state == "registered"][0]
            check_eq(reg.addr, "[::1]:%d" % k.tls_port, "TLS over IPv6\n" + c.output())
            check(any((x["socket"] or "").startswith("tls:[::1]") for x in k.contacts("bob")),
                  "registered on Kamailio's TLS IPv6 socket: %r" % k.contacts("bob"))
            rc, _, _ = c.finish()
            check_eq(rc, 0, "un-REGISTERed over TLS, exit 0\n" + c.output())
            check_eq(k.contacts("bob"), [], "no contact left")
        finally:
            c.kill()


@t.case
def naptr_picks_tcp():
    """NAPTR chooses the transport: SIP+D2T (order 5) over SIP+D2U."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True).start()
        d = Dnsmasq(lab)
        d.naptr("prov.test", 5, 10, "s", "SIP+D2T", "_sip._tcp.prov.test")
        d.naptr("prov.test", 10, 10, "s", "SIP+D2U", "_sip._udp.prov.test")
        d.srv("_sip._tcp.prov.test", "sip1.prov.test", k.tcp_port, 0, 0)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", dead_port(), 0, 0)
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        c, reg = registered(k, "carol", ["prov.test:0"], 2, d)
        check(any((x["socket"] or "").startswith("tcp:") for x in k.contacts("carol")),
              "registered over TCP: %r" % k.contacts("carol"))


@t.case
def a_record_ttl_honoured():
    """A TTL (1 s) shorter than the refresh period (60 s): a moved name is
    looked up again and the next refresh goes to its new address."""
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab, ipv6=True)
        d.host("mv.prov.test", "127.0.0.1")
        d.start()
        c = Client(["mv.prov.test:%d" % k.udp_port], "alice", USERS["alice"],
                   ["-S", d.server, "-Q", 0, "-l", "::", "-e", 10], interactive=True)
        try:
            c.wait(lambda st: any(s.state == "registered" and s.addr == "127.0.0.1:%d" %
                                  k.udp_port for s in st), 15, "registered over IPv4")
            d.lines = []
            d.host("mv.prov.test", "::1")
            d.restart()
            c.wait(lambda st: any(s.state == "registered" and s.addr == "[::1]:%d" %
                                  k.udp_port for s in st), 15,
                   "a refresh to the moved name's new address")
        finally:
            c.kill()


@t.case
def srv_record_ttl_honoured():
    """An SRV TTL (2 s) shorter than the refresh period (60 s) and than
    its targets' A/AAAA TTL (3600 s): when the record moves to another
    target, the name is looked up again after the SRV TTL and the next
    refresh goes to the new target's address."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=False, ipv6=True).start()
        d = Dnsmasq(lab, ttl=2, host_ttl=3600)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", k.udp_port, 10, 0)
        d.host("sip1.prov.test", "127.0.0.1")
        d.host("sip2.prov.test", "::1")
        d.start()
        c = Client(["prov.test:0"], "alice", USERS["alice"],
                   ["-S", d.server, "-Q", 1, "-l", "::", "-e", 10], interactive=True)
        try:
            c.wait(lambda st: any(s.state == "registered" and s.addr == "127.0.0.1:%d" %
                                  k.udp_port for s in st), 15, "registered at sip1 (IPv4)")
            d.lines = []
            d.srv("_sip._udp.prov.test", "sip2.prov.test", k.udp_port, 10, 0)
            d.host("sip1.prov.test", "127.0.0.1")
            d.host("sip2.prov.test", "::1")
            d.restart()
            c.wait(lambda st: any(s.state == "registered" and s.addr == "[::1]:%d" %
                                  k.udp_port for s in st), 15,
                   "a refresh to the SRV record's new target")
        finally:
            c.kill()


class Responder:
    """A UDP SIP peer on [::1]:port answering every request 200 OK (a
    REGISTER with its Contact and Expires: 300), stopped by stop()."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.sock.bind(("::1", port))
        self.sock.settimeout(0.2)
        self.methods = []
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                continue
            text = data.decode("utf-8", "replace")
            head = text.split("\r\n\r\n", 1)[0].split("\r\n")
            if not head or head[0].startswith("SIP/2.0"):
                continue
            self.methods.append(head[0].split(" ", 1)[0])
            keep = [h for h in head[1:] if h.split(":", 1)[0].strip().lower() in
                    ("via", "from", "to", "call-id", "cseq", "contact")]
            extra = ["Expires: 300"] if head[0].startswith("REGISTER") else []
            resp = "\r\n".join(["SIP/2.0 200 OK"] + keep + extra + ["Content-Length: 0", "", ""])
            self.sock.sendto(resp.encode(), peer)

    def stop(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()


def cands(c, **want):
    """The client's latest "cand" line per (idx, n), as dicts."""
    last = {}
    for line in list(c.lines):
        if line.startswith("cand "):
            f = dict(kv.split("=", 1) for kv in line.split()[1:])
            last[(f["idx"], f["n"])] = f
    return [f for f in last.values() if all(f.get(k) == str(v) for k, v in want.items())]


def wait_out(c, pred, timeout, what):
    """wait_until, with the client's output when it times out."""
    try:
        wait_until(pred, timeout, what)
    except Exception as e:
        raise AssertionError("%s; output:\n%s" % (e, c.output()))


@t.case
def keepalive_probes_every_candidate():
    """A name with an A (Kamailio) and an AAAA record (a spare peer):
    OPTIONS keep-alive probes both, one stream for two bindings; the spare
    dies and is shown offline while no binding fails; it comes back and
    Kamailio dies: the bindings move to the spare, known online, without
    failing."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=False).start()
        for u in ("alice1", "alice2"):
            k.add_user(u, "pw-" + u)
        d = Dnsmasq(lab, ttl=3600, host_ttl=3600)
        d.host("sip.prov.test", "127.0.0.1", "::1")
        d.start()
        spare = Responder(k.udp_port)
        c = Client(["sip.prov.test:%d" % k.udp_port], "alice", "",
                   ["-S", d.server, "-Q", 0, "-l", "::", "-e", 300, "-n", 2, "-P", "pw-",
                    "-K", "options:1", "-X", 1, "-R", 1], interactive=True)
        v4, v6 = "127.0.0.1:%d" % k.udp_port, "[::1]:%d" % k.udp_port
        try:
            c.wait(lambda st: sum(s.state == "registered" for s in st) >= 2, 15,
                   "both registered")
            wait_out(c, lambda: cands(c, addr=v4, online=1, in_use=1, rr="a") and
                     cands(c, addr=v6, online=1, in_use=0, rr="aaaa",
                           name="sip.prov.test"), 10, "both addresses probed online")
            n6 = spare.methods.count("OPTIONS")
            check(spare.methods and set(spare.methods) == {"OPTIONS"},
                  "the spare got OPTIONS only: %r" % spare.methods)
            wait_until(lambda: spare.methods.count("OPTIONS") >= n6 + 2, 10, "probes go on")
            spare.stop()
            wait_out(c, lambda: cands(c, addr=v6, online=0), 10, "the dead spare shown offline")
            wait_until(lambda: len(cands(c, addr=v6, online=0)) == 1, 3, "still offline")
            bad = [s for s in c.statuses() if s.state not in (
                "idle", "registering", "authenticating", "registered", "refreshing")]
            check_eq(bad, [], "no binding failed or moved")
            check(all(s.addr in ("", v4) for s in c.statuses()), "nothing left Kamailio")
            # one probe stream for both bindings: about one OPTIONS a second
            # per address, not two
            spare = Responder(k.udp_port)
            wait_out(c, lambda: cands(c, addr=v6, online=1), 10, "the spare back online")
            t0 = len(spare.methods)
            time.sleep(3)
            check(len(spare.methods) - t0 <= 5,
                  "one OPTIONS stream for two bindings: %d in 3 s" % (len(spare.methods) - t0))
            k.stop()
            c.wait(lambda st: sum(s.state == "registered" and s.addr == v6 for s in st) >= 2, 15,
                   "both bindings moved to the spare")
            check(spare.methods.count("REGISTER") >= 2, "REGISTERs at the spare")
            bad = [s for s in c.statuses() if s.state in ("failed", "backoff")]
            check_eq(bad, [], "no binding failed on the way")
        finally:
            c.kill()
            spare.stop()


@t.case
def homing_within_a_name():
    """A name with an A record (Kamailio) and an AAAA record (a spare
    peer), OPTIONS keep-alive and Homing: Kamailio dies, both bindings
    move to the spare; Kamailio starts again on the same port: keep-alive
    sees the first address answer and both bindings register there again
    at once (Kamailio's location table has them), the spare no longer in
    use."""
    with Lab("gwlab-dns") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=False).start()
        for u in ("alice1", "alice2"):
            k.add_user(u, "pw-" + u)
        d = Dnsmasq(lab, ttl=3600, host_ttl=3600)
        d.host("sip.prov.test", "127.0.0.1", "::1")
        d.start()
        spare = Responder(k.udp_port)
        c = Client(["sip.prov.test:%d" % k.udp_port], "alice", "",
                   ["-S", d.server, "-Q", 0, "-l", "::", "-e", 300, "-n", 2, "-P", "pw-",
                    "-K", "options:1", "-X", 1, "-R", 1, "-Y"], interactive=True)
        v4, v6 = "127.0.0.1:%d" % k.udp_port, "[::1]:%d" % k.udp_port

        def at(addr):
            """Both bindings' latest status: registered at addr."""
            def pred(st):
                last = {s.user: s for s in st}
                return len(last) == 2 and all(s.state == "registered" and s.addr == addr
                                              for s in last.values())
            return pred

        try:
            c.wait(at(v4), 15, "both registered at the first address")
            k.stop()
            c.wait(at(v6), 15, "both bindings moved to the second address")
            check(spare.methods.count("REGISTER") >= 2, "REGISTERs at the spare")
            wait_out(c, lambda: cands(c, addr=v4, online=0) and
                     cands(c, addr=v6, online=1, in_use=1), 10,
                     "the first shown offline, the second in use")
            n = spare.methods.count("REGISTER")
            k.start()
            c.wait(at(v4), 15, "both bindings homed back to the first address")
            for u in ("alice1", "alice2"):
                got = k.wait_contacts(u, 1, 5)
                check(";line=" in (got[0]["contact"] or ""),
                      "Kamailio's location table has %s again: %r" % (u, got))
            wait_out(c, lambda: cands(c, addr=v4, online=1, in_use=1) and
                     cands(c, addr=v6, online=1, in_use=0), 10,
                     "the first in use again, the second online and unused")
            time.sleep(2)
            check_eq(spare.methods.count("REGISTER"), n, "no REGISTER to the spare since")
            bad = [s for s in c.statuses() if s.state in ("failed", "backoff")]
            check_eq(bad, [], "no binding failed on the way")
        finally:
            c.kill()
            spare.stop()


@t.case
def gwagentd_dns_query_type_srv():
    """The INI's ProxyIp is a bare name with DNSQueryType = 1; gwagentd asks
    the lab dnsmasq ([sip] dns_servers), fails over from the dead priority-10
    target to the live one and gwProxyStatusTable shows what it uses."""
    if gwagentd_path() is None:
        raise AssertionError("gwagentd is not built")
    with Lab("gwlab-dns") as lab:
        k, d = setup(lab)
        d.srv("_sip._udp.prov.test", "dead.prov.test", dead_port(), 10, 0)
        d.srv("_sip._udp.prov.test", "sip1.prov.test", k.udp_port, 20, 0)
        d.host("dead.prov.test", "127.0.0.1")
        d.host("sip1.prov.test", "127.0.0.1")
        d.start()
        ini = gateway_ini(k.udp_port, ("alice",), USERS)
        row = 'ProxyIp 0 = "127.0.0.1:%d", 0, 0;' % k.udp_port
        check(row in ini, "the lab INI's proxy set 0 row")
        ini = ini.replace(row, 'ProxyIp 0 = "prov.test", 0, 0;')
        ini = ini.replace("IsProxyHotSwap = 1\n", "IsProxyHotSwap = 1\nDNSQueryType = 1\n")
        port = free_port("udp")
        gw = Gwagentd(lab, master="udp:%s:%d" % (HOST, port), gateway_ini=ini,
                      settings={"snmp": {"v3_user": V3_RW[0], "v3_auth_pass": V3_RW[1],
                                         "v3_priv_pass": V3_RW[2]},
                                "sip": {"dns_servers": d.server}})
        gw.start()
        a = Agent(lab, port)

        def get(oid):
            v = snmpget(a, oid, version="3", user=V3_RW[0], check=False)
            return v[1] if v else None

        wait_until(lambda: get(GW_STATE) == "4", 20, "the gateway binding registered")
        check_eq(get(DNS_QUERY_TYPE), "1", "gwDNSQueryType")
        check_eq(get(PROXY_DNS_QUERY_TYPE), "0", "gwProxyDNSQueryType")
        check_eq(get(mib.oid("gwProxyStatusResolvedAddress", 0)), '"127.0.0.1:%d"' % k.udp_port,
                 "gwProxyStatusResolvedAddress: the live SRV target")
        check_eq(get(mib.oid("gwProxyStatusResolvedCount", 0)), "2",
                 "gwProxyStatusResolvedCount: two candidates")
        check_eq(get(mib.oid("gwProxyStatusResolvedCount", 1)), "1",
                 "a numeric address: one candidate")
        check(any(";line=" in (x["contact"] or "") for x in k.contacts("gw")),
              "Kamailio has the gateway's binding")



@t.case
def gwagentd_proxy_addr_table():
    """gwProxyAddrTable through snmpd (gwagentd its AgentX subagent): with
    OPTIONS keep-alive on proxy set 0 and a name with two SRV targets (the
    priority-10 one dead), one row per resolved address with its name,
    record, priority, port and TTL; the dead target shown offline, the
    live one online and in use; the numeric address of set 1 one literal
    row."""
    with Lab("gwlab-dns") as lab:
        d = Dnsmasq(lab, ttl=600, host_ttl=3600)
        d.port = free_port("udp", also=["tcp"])  # [sip] dns_servers first
        dead = dead_port()

        def ini(w):
            d.srv("_sip._udp.prov.test", "dead.prov.test", dead, 10, 0)
            d.srv("_sip._udp.prov.test", "sip1.prov.test", w.k.udp_port, 20, 5)
            d.host("dead.prov.test", "127.0.0.1")
            d.host("sip1.prov.test", "127.0.0.1")
            d.start()
            text = gateway_ini(w.k.udp_port, ("alice",), USERS)
            text = text.replace('ProxyIp 0 = "127.0.0.1:%d", 0, 0;' % w.k.udp_port,
                                'ProxyIp 0 = "prov.test", 0, 0;')
            text = text.replace("ProxySet 0 = 0, 1", "ProxySet 0 = 1, 1")  # OPTIONS
            text = text.replace("IsProxyHotSwap = 1\n", "IsProxyHotSwap = 1\nDNSQueryType = 1\n")
            check("ProxySet 0 = 1, 1" in text and '"prov.test"' in text, "the INI edits took")
            return text

        w = World(lab, USERS, ini=ini, accounts=("alice",),
                  settings={"sip": {"dns_servers": d.server}})
        pa = mib.oid("gwProxyAddrEntry")

        def walk():
            return {o[len(pa) + 1:]: v[1] for o, v in w.walk(pa).items()}

        w.wait_state(1, 0, STATE_REGISTERED)
        live, gone = "127.0.0.1:%d" % w.k.udp_port, "127.0.0.1:%d" % dead
        try:
            wait_until(lambda: walk().get("10.0.1") == "2" and walk().get("10.0.2") == "1",
                       15, "the dead target offline, the live one online")
        except Exception as e:
            raise AssertionError("%s: %r" % (e, sorted(walk().items())))
        rows = walk()
        check_eq(rows.get("3.0.1"), '"%s"' % gone, "row (0, 1): the priority-10 target")
        check_eq(rows.get("4.0.1"), '"dead.prov.test"', "its name")
        check_eq(rows.get("5.0.1"), "4", "record srv(4)")
        check_eq(rows.get("6.0.1"), "10", "priority")
        check_eq(rows.get("8.0.1"), str(dead), "port from SRV")
        check_eq(rows.get("13.0.1"), "0", "not in use")
        check_eq(rows.get("3.0.2"), '"%s"' % live, "row (0, 2): the live target")
        check_eq(rows.get("4.0.2"), '"sip1.prov.test"', "its name")
        check_eq((rows.get("6.0.2"), rows.get("7.0.2")), ("20", "5"), "priority, weight")
        check_eq(rows.get("12.0.2"), "200", "its last probe answered 200")
        check_eq(rows.get("13.0.2"), "1", "in use")
        check_eq(rows.get("2.0.2"), "0", "proxy set 0")
        ttl = int(rows.get("9.0.2", "-9"))
        check(0 < ttl <= 600, "TTL left: the SRV TTL (600 s) bounds it: %d" % ttl)
        check("3.0.3" not in rows, "two resolved addresses: %r" % sorted(rows))
        check_eq(rows.get("5.1.1"), "1", "set 1's numeric address: literal(1)")
        check_eq(rows.get("9.1.1"), "-1", "no TTL")
        check_eq(rows.get("10.1.1"), "0", "no keep-alive on set 1: unknown")

if __name__ == "__main__":
    sys.exit(t.run())
