#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The sip/ engine against real peers on loopback, through the lab driver
tests/integration/sipreg_client (found under $top_builddir): Kamailio as
the registrar (digest MD5 with and without qop, SHA-256, 423, location
table, refresh, wrong password, TCP and TLS, a restart with
ReRegisterOnConnectionFailure) and SIPp UAS scenarios playing a
misbehaving registrar (silence and hot swap, 503 + Retry-After, the same
nonce twice, 407, 401+407, two challenges, stale, a malformed challenge,
a short grant, garbage and oversized responses).  TAP output."""
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab.kamailio import Kamailio, make_pki  # noqa: E402
from lab.sipclient import parse_challenge  # noqa: E402
from lab.proc import wait_until  # noqa: E402
from lab.sipp import SippUas  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

t = Suite(requires=["kamailio", "kamcmd", "sipp"])

REALM = "gw.test"
USERS = {"alice": "secret", "bob": "b0b-pw", "carol": "c4rol", "dave": "d4ve",
         "erin": "er1n"}

_shared = {}


def driver():
    """Path of sipreg_client; a clear failure when it was not built."""
    top = os.environ.get("top_builddir") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    p = os.path.join(top, "tests", "integration", "sipreg_client")
    if not os.access(p, os.X_OK):
        raise AssertionError("%s is not built: run `make check` (or make "
                             "tests/integration/sipreg_client) in the build "
                             "directory and set top_builddir" % p)
    return p


def shared():
    """One Lab and one Kamailio (MD5, qop=auth) for the cases that only
    touch their own user's bindings."""
    if "k" not in _shared:
        lab = Lab("gwlab-sipeng")
        _shared["lab"] = lab
        _shared["k"] = Kamailio(lab, realm=REALM, users=USERS, tcp=False).start()
    return _shared["k"]


def close_shared():
    lab = _shared.pop("lab", None)
    _shared.clear()
    if lab is not None:
        lab.close()


_STATUS = re.compile(r'^status t=(\d+) user=(\S+) state=(\S+) code=(-?\d+) granted=(\d+) '
                     r'refresh_in=(-?\d+) addr=(\S*) sent=(\d+) error="(.*)"$')


class Status:
    def __init__(self, m):
        self.t = int(m.group(1))
        self.user = m.group(2)
        self.state = m.group(3)
        self.code = int(m.group(4))
        self.granted = int(m.group(5))
        self.refresh_in = int(m.group(6))
        self.addr = m.group(7)
        self.sent = int(m.group(8))
        self.error = m.group(9)

    def __repr__(self):
        return "<%s t=%d code=%d sent=%d %s>" % (self.state, self.t, self.code, self.sent,
                                                 self.error)


class Client:
    """sipreg_client running in the background; its output collected."""

    def __init__(self, addrs, user, password="", args=(), interactive=False):
        argv = [driver()]
        for a in addrs:
            argv += ["-r", a]
        argv += ["-u", user, "-p", password, "-d", REALM] + [str(x) for x in args]
        if interactive:
            argv.append("-I")
        self.argv = argv
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def statuses(self):
        with self.cond:
            return [Status(m) for m in map(_STATUS.match, self.lines) if m]

    def wait(self, pred, timeout, what):
        """Wait until pred(statuses) is true; returns the statuses."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                st = [Status(m) for m in map(_STATUS.match, self.lines) if m]
                if pred(st):
                    return st
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise AssertionError("timed out waiting for %s; output:\n%s" %
                                         (what, "\n".join(self.lines[-30:])))
                self.cond.wait(min(left, 0.2))

    def wait_state(self, state, timeout=10.0):
        return self.wait(lambda st: any(s.state == state for s in st), timeout,
                         "state " + state)

    def release(self):
        """End an interactive hold (-I)."""
        try:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def finish(self, timeout=30.0):
        """Wait for the exit; returns (exit code, result dict, stats dict)."""
        try:
            self.release()
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("sipreg_client did not exit:\n%s" % "\n".join(self.lines[-30:]))
        self.reader.join(5)
        return rc, self._kv("result"), self._kv("stats")

    def _kv(self, prefix):
        for line in self.lines:
            if line.startswith(prefix + " "):
                return dict(kv.split("=", 1) for kv in line.split()[1:])
        return {}

    def output(self):
        return "\n".join(self.lines)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run(addrs, user, password="", args=(), timeout=30.0):
    """Run the driver to completion: (client, exit code, result, stats)."""
    c = Client(addrs, user, password, args)
    rc, res, stats = c.finish(timeout)
    return c, rc, res, stats


def kam_addr(k):
    return "%s:%d" % (k.host, k.udp_port)


def uas_addr(uas):
    return "%s:%d" % (uas.host, uas.port)


def last(st):
    return st[-1] if st else None


def our_contacts(k, user):
    """Location entries of user registered by the engine (line= param)."""
    return [c for c in k.contacts(user) if ";line=" in (c["contact"] or "")]


def register_hold_unregister(k, user, password, args=()):
    """Register user, check the location table, unregister, check again."""
    c = Client([kam_addr(k)], user, password, ["-e", 300, "-U"] + list(args),
               interactive=True)
    try:
        st = c.wait_state("registered")
        check_eq(last(st).code, 200, "final code")
        cs = k.wait_contacts(user, 1)
        check(";line=" in cs[0]["contact"], "our Contact in the location table: %r" % cs)
        check(cs[0]["user_agent"] == "gwagent-sipreg-client", "User-Agent %r" % cs)
        check(250 <= cs[0]["expires"] <= 300, "expires %r" % cs[0]["expires"])
        rc, res, _ = c.finish()
        check_eq(rc, 0, "exit code\n" + c.output())
        check(any(s.state == "unregistered" for s in c.statuses()), "unregistered")
        check_eq(k.contacts(user), [], "contacts after unregistering")
        return c
    finally:
        c.kill()


# -- against Kamailio -------------------------------------------------------

@t.case
def kamailio_md5_without_qop():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users={"alice": "secret"}, qop="", tcp=False).start()
        c = register_hold_unregister(k, "alice", "secret")
        st = [s for s in c.statuses() if s.state == "registered"]
        check_eq(st[0].sent, 2, "REGISTER, then REGISTER with credentials")


@t.case
def kamailio_md5_qop_auth_location_table():
    k = shared()
    c = register_hold_unregister(k, "bob", USERS["bob"])
    check_eq([s.sent for s in c.statuses() if s.state == "registered"], [2], "sent")


@t.case
def kamailio_sha256():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users={"alice": "secret"}, algorithm="SHA-256",
                     tcp=False).start()
        register_hold_unregister(k, "alice", "secret")


@t.case
def kamailio_423_min_expires():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users={"alice": "secret"}, min_expires=300,
                     tcp=False).start()
        c, rc, res, _ = run([kam_addr(k)], "alice", "secret", ["-e", 60, "-t", 10])
        check_eq(rc, 0, "exit code\n" + c.output())
        reg = [s for s in c.statuses() if s.state == "registered"]
        check_eq(reg[0].granted, 300, "Min-Expires adopted")
        cs = k.contacts("alice")
        check(len(cs) == 1 and 290 <= cs[0]["expires"] <= 300, "contacts %r" % cs)


@t.case
def kamailio_refresh_is_a_new_cseq():
    k = shared()
    c = Client([kam_addr(k)], "carol", USERS["carol"], ["-e", 10, "-U"], interactive=True)
    try:
        st = c.wait_state("registered")
        check_eq(last(st).refresh_in, 5, "refresh at 50 % of 10 s")
        cs1 = k.wait_contacts("carol", 1)[0]
        c.wait(lambda st: sum(s.state == "registered" for s in st) >= 2, 8.0, "a refresh")
        cs2 = k.wait_contacts("carol", 1)[0]
        check_eq(cs2["callid"], cs1["callid"], "same Call-ID")
        check(cs2["cseq"] > cs1["cseq"], "CSeq %r then %r" % (cs1["cseq"], cs2["cseq"]))
        refreshing = [s for s in c.statuses() if s.state == "refreshing"]
        first = [s for s in c.statuses() if s.state == "registered"][0]
        check(refreshing and 4500 <= refreshing[0].t - first.t <= 6500,
              "refreshed %r after %r" % (refreshing, first))
        rc, _, _ = c.finish()
        check_eq(rc, 0, "exit code")
        check_eq(k.contacts("carol"), [], "contacts after unregistering")
    finally:
        c.kill()


@t.case
def kamailio_wrong_password_fails():
    k = shared()
    c, rc, res, _ = run([kam_addr(k)], "dave", "not-the-password", ["-f", "-t", 10])
    check_eq(rc, 1, "exit code")
    s = last(c.statuses())
    check_eq((s.state, s.code, s.error), ("failed", 403, "credentials rejected"),
             "bad credentials")
    check_eq(s.sent, 2, "no loop")
    check_eq(k.contacts("dave"), [], "no contact")


# -- TCP and TLS against Kamailio -----------------------------------------------

def register_over(k, transport, user, extra=()):
    """Register user over transport, check the location table, unregister."""
    port = k.port(transport)
    c = Client(["%s:%d/%s" % (k.host, port, transport)], user, USERS[user],
               ["-e", 300, "-U"] + list(extra), interactive=True)
    try:
        st = c.wait_state("registered")
        check_eq(last(st).addr, "%s:%d" % (k.host, port), "address in use")
        cs = k.wait_contacts(user, 1)
        check(";transport=%s;" % transport in cs[0]["contact"],
              "Contact with the transport: %r" % cs[0]["contact"])
        check(cs[0]["socket"] == "%s:%s:%d" % (transport, k.host, port),
              "received on Kamailio's %s socket: %r" % (transport, cs[0]["socket"]))
        rc, _, _ = c.finish()
        check_eq(rc, 0, "exit code\n" + c.output())
        check_eq(k.contacts(user), [], "contacts after unregistering")
    finally:
        c.kill()


@t.case
def kamailio_tcp_and_tls_registration():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True, tls=True).start()
        register_over(k, "tcp", "alice")
        register_over(k, "tls", "bob", ["-C", k.ca_file])
        # a name in the address: checked against the certificate's DNS SAN
        c, rc, res, _ = run(["localhost:%d/tls" % k.tls_port], "carol", USERS["carol"],
                            ["-C", k.ca_file, "-t", 5])
        check_eq(rc, 0, "TLS to localhost\n" + c.output())


@t.case
def kamailio_tls_wrong_ca_fails_cleanly():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True, tls=True).start()
        other = make_pki(lab.subdir("other-ca"), prefix="other-")
        c, rc, res, _ = run(["%s:%d/tls" % (k.host, k.tls_port)], "alice", "secret",
                            ["-C", other["ca"], "-t", 3])
        check_eq(rc, 1, "exit code (not a crash)\n" + c.output())
        s = last(c.statuses())
        check(s.state == "backoff" and "certificate verify failed" in s.error,
              "clear error: %r" % s.error)
        check_eq(k.contacts("alice"), [], "not registered")
        # the right CA and the IP literal in the certificate: accepted
        c, rc, res, _ = run(["127.0.0.1:%d/tls" % k.tls_port], "alice", "secret",
                            ["-C", k.ca_file, "-t", 3])
        check_eq(rc, 0, "right CA\n" + c.output())


@t.case
def kamailio_restart_reregisters_over_tcp():
    with Lab("gwlab-sipeng") as lab:
        k = Kamailio(lab, realm=REALM, users=USERS, tcp=True).start()
        addr = "%s:%d/tcp" % (k.host, k.tcp_port)
        c = Client([addr], "alice", "secret", ["-e", 300, "-O", "-R", 1], interactive=True)
        c2 = Client([addr], "bob", USERS["bob"], ["-e", 300, "-R", 1], interactive=True)
        try:
            c.wait_state("registered")
            c2.wait_state("registered")
            k.wait_contacts("alice", 1)
            k.restart()   # the location table is lost with the process
            c.wait(lambda st: sum(s.state == "registered" for s in st) >= 2, 15.0,
                   "registered again after the restart")
            cs = k.wait_contacts("alice", 1)
            check(";transport=tcp;" in cs[0]["contact"], "contact %r" % cs)
            time.sleep(0.5)
            check_eq(sum(s.state == "registered" for s in c2.statuses()), 1,
                     "bob (no ReRegisterOnConnectionFailure) waits for his refresh")
            check_eq(k.contacts("bob"), [], "bob not registered again yet")
            rc, _, _ = c.finish()
            check_eq(rc, 0, "exit code\n" + c.output())
        finally:
            c.kill()
            c2.kill()


# -- keep-alive and redundancy ---------------------------------------------------

def options_seen(k):
    return "gwlab: OPTIONS sip:%s:%d" % (k.host, k.udp_port) in k.log()


@t.case
def kamailio_homing_with_options_keepalive():
    with Lab("gwlab-sipeng") as lab:
        a = Kamailio(lab, realm=REALM, users=USERS, tcp=False, name="kam-a").start()
        b = Kamailio(lab, realm=REALM, users=USERS, tcp=False, name="kam-b").start()
        c = Client([kam_addr(a), kam_addr(b)], "alice", "secret",
                   ["-e", 300, "-K", "options:1", "-Y", "-X", 1, "-R", 1], interactive=True)

        def registered_at(k):
            return lambda st: bool(st) and st[-1].state == "registered" and \
                st[-1].addr == kam_addr(k)
        try:
            c.wait(registered_at(a), 10.0, "registered at the primary")
            a.wait_contacts("alice", 1)
            wait_until(lambda: options_seen(a) and options_seen(b), 5.0,
                       "OPTIONS keep-alive answered by both Kamailio")
            a.stop()
            c.wait(registered_at(b), 10.0, "moved to the second address")
            b.wait_contacts("alice", 1)
            n = len(c.statuses())
            a.start()   # same ports; its location table is empty
            c.wait(lambda st: len(st) > n and registered_at(a)(st), 10.0,
                   "homing back to the primary")
            cs = a.wait_contacts("alice", 1)
            check(";line=" in cs[0]["contact"], "registered at the primary again: %r" % cs)
            rc, _, _ = c.finish()
            check_eq(rc, 0, "exit code\n" + c.output())
        finally:
            c.kill()


@t.case
def kamailio_unregistration_mode_clears_first():
    k = shared()
    other = Client([kam_addr(k)], "dave", USERS["dave"], ["-e", 300], interactive=True)
    try:
        other.wait_state("registered")
        old = k.wait_contacts("dave", 1)[0]["callid"]
        c, rc, res, _ = run([kam_addr(k)], "dave", USERS["dave"], ["-Z", "-e", 300, "-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        cs = k.wait_contacts("dave", 1)   # the other contact was cleared
        check_eq(last(c.statuses()).sent, 3, "Contact: * (twice: challenge), then REGISTER")
        check(cs[0]["callid"] != old, "only the new contact is left: %r" % cs)
    finally:
        other.kill()


# -- host names through c-ares ---------------------------------------------------

@t.case
def kamailio_by_name_and_unresolvable_name():
    k = shared()
    c, rc, res, _ = run(["localhost:%d" % k.udp_port], "erin", USERS["erin"], ["-t", 5])
    check_eq(rc, 0, "registered through localhost\n" + c.output())
    check_eq(last(c.statuses()).addr, "127.0.0.1:%d" % k.udp_port, "resolved address")
    cs = k.wait_contacts("erin", 1)
    check(cs[0]["aor"] == "erin", "location table: %r" % cs)
    c, rc, res, _ = run(["nosuch.invalid:5060"], "erin", USERS["erin"], ["-R", 1, "-t", 3])
    check_eq(rc, 1, "exit code\n" + c.output())
    st = c.statuses()
    fails = [s for s in st if s.state == "backoff"]
    check(fails and fails[0].error.startswith("cannot resolve nosuch.invalid: "),
          "clear error: %r" % st)
    check(len(fails) >= 2, "retried: %r" % st)


# -- against SIPp UAS scenarios ------------------------------------------------

def uas_run(lab, scenario, args=(), keys=None, timeout=15.0):
    uas = SippUas(lab, scenario, keys=keys)
    c, rc, res, stats = run([uas_addr(uas)], "alice", "secret", list(args), timeout)
    return uas, c, rc, res, stats


@t.case
def sipp_silence_hot_swap():
    with Lab("gwlab-sipeng") as lab:
        silent = SippUas(lab, "uas_silent.xml")
        ok = SippUas(lab, "uas_ok.xml")
        c, rc, res, _ = run([uas_addr(silent), uas_addr(ok)], "alice", "secret",
                            ["-X", 1, "-t", 10])
        check_eq(rc, 0, "exit code\n" + c.output())
        s = last(c.statuses())
        check_eq((s.state, s.addr), ("registered", uas_addr(ok)), "moved to the second address")
        check_eq(s.sent, 2, "one REGISTER per address")
        reqs = silent.wait_requests(2)
        check_eq(len(set(r.header("Via") for r in reqs)), 1, "retransmissions of one request")
        check(1400 <= s.t <= 4000, "hot swap after 0.5 + 1 s: %r" % s)
        okreq = ok.wait_requests(1)[0]
        check_eq(okreq.header("Call-ID"), reqs[0].header("Call-ID"), "same Call-ID")
        check_eq(int(okreq.header("CSeq").split()[0]), int(reqs[0].header("CSeq").split()[0]) + 1,
                 "CSeq + 1")


@t.case
def sipp_503_retry_after():
    with Lab("gwlab-sipeng") as lab:
        uas = SippUas(lab, "uas_503_retry_after.xml", keys={"retry_after": 2})
        c, rc, res, _ = run([uas_addr(uas)], "alice", "secret", ["-R", 1, "-t", 4])
        check_eq(rc, 1, "never registers")
        st = c.statuses()
        backoff = [s for s in st if s.state == "backoff"]
        check(backoff and backoff[0].code == 503 and backoff[0].refresh_in == 2,
              "backoff for Retry-After: %r" % st)
        retry = [s for s in st if s.state == "registering" and s.t > backoff[0].t]
        check(retry, "a retry: %r" % st)
        check(retry[0].t - backoff[0].t >= 1950, "retry not before Retry-After: %r" % st)
        check(len(uas.wait_requests(2)) >= 2, "the retry reached the UAS")


@t.case
def sipp_401_same_nonce_stops():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_401_same_nonce.xml", ["-f", "-t", 5])
        check_eq(rc, 1, "exit code")
        s = last(c.statuses())
        check_eq((s.state, s.code, s.error, s.sent), ("failed", 401, "credentials rejected", 2),
                 "stopped after the same nonce twice")
        time.sleep(0.5)
        check_eq(len(uas.requests()), 2, "no further REGISTER")


@t.case
def sipp_407():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_407.xml", ["-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        req = uas.wait_requests(2)[1]
        a = parse_challenge(req.header("Proxy-Authorization") or "")
        check(a and a.get("realm") == REALM and a.get("nc") == "00000001",
              "Proxy-Authorization %r" % req.header("Proxy-Authorization"))
        check(req.header("Authorization") is None, "no Authorization")


@t.case
def sipp_401_and_407_together():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_401_407.xml", ["-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        check_eq(last(c.statuses()).sent, 2, "one retry")
        req = uas.wait_requests(2)[1]
        w = parse_challenge(req.header("Authorization") or "")
        p = parse_challenge(req.header("Proxy-Authorization") or "")
        check(w and w.get("realm") == REALM, "Authorization %r" % w)
        check(p and p.get("realm") == "proxy." + REALM, "Proxy-Authorization %r" % p)


@t.case
def sipp_two_challenges_sha256_chosen():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_two_challenges.xml", ["-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        req = uas.wait_requests(2)[1]
        a = parse_challenge(req.header("Authorization") or "")
        check(a and a.get("algorithm") == "SHA-256" and len(a.get("response", "")) == 64,
              "answered SHA-256: %r" % a)
        check_eq(len(req.msg.headers_all("Authorization")), 1, "one answer per realm")


@t.case
def sipp_stale_nonce():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_stale.xml", ["-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        check_eq(last(c.statuses()).sent, 3, "retried with the new nonce")
        reqs = uas.wait_requests(3)
        n2 = parse_challenge(reqs[1].header("Authorization"))["nonce"]
        n3 = parse_challenge(reqs[2].header("Authorization"))["nonce"]
        check(n2.startswith("a-") and n3.startswith("b-"), "nonces %r %r" % (n2, n3))


@t.case
def sipp_malformed_challenge_fails_without_loop():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, _ = uas_run(lab, "uas_malformed_challenge.xml", ["-f", "-t", 5])
        check_eq(rc, 1, "exit code")
        s = last(c.statuses())
        check_eq((s.state, s.code, s.error, s.sent), ("failed", 401, "no usable challenge", 1),
                 "failure")
        time.sleep(0.5)
        check_eq(len(uas.requests()), 1, "no loop")


@t.case
def sipp_short_grant_refresh_at_divider():
    with Lab("gwlab-sipeng") as lab:
        uas = SippUas(lab, "uas_short_grant.xml", keys={"grant": 10})
        c = Client([uas_addr(uas)], "alice", "secret", ["-e", 3600, "-H", 7])
        try:
            rc, res, _ = c.finish(20)
            check_eq(rc, 0, "exit code\n" + c.output())
            st = c.statuses()
            reg = [s for s in st if s.state == "registered"]
            check_eq((reg[0].granted, reg[0].refresh_in), (10, 5), "granted 10, refresh in 5")
            check(len(reg) >= 2, "refreshed: %r" % st)
            check(4500 <= reg[1].t - reg[0].t <= 6500, "refresh at 50 %% of 10 s: %r" % st)
            reqs = uas.wait_requests(2)
            check_eq(reqs[0].header("Expires"), "3600", "asked 3600")
        finally:
            c.kill()


@t.case
def sipp_garbage_and_truncated_datagrams():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, stats = uas_run(lab, "uas_garbage.xml", ["-t", 5])
        check_eq(rc, 0, "registered despite the junk\n" + c.output())
        check(int(stats["malformed"]) + int(stats["stray"]) >= 2,
              "junk counted: %r" % stats)
        check(int(stats["malformed"]) >= 1, "garbage counted as malformed: %r" % stats)


@t.case
def sipp_oversized_headers():
    with Lab("gwlab-sipeng") as lab:
        uas, c, rc, res, stats = uas_run(lab, "uas_oversized_headers.xml", ["-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        check_eq(last(c.statuses()).code, 200, "the 16 KB 200 OK was taken")


if __name__ == "__main__":
    try:
        rc = t.run()
    finally:
        close_shared()
    sys.exit(rc)
