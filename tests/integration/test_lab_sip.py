#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Smoke test of the SIP side of the lab: Kamailio registrar (digest MD5
with/without qop, SHA-256, 423, TCP, TLS, restart), the pure-Python client,
SIPp as a REGISTER client and SIPp UAS scenarios playing a misbehaving
registrar.  TAP output."""
import os
import re
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab.kamailio import Kamailio, make_pki  # noqa: E402
from lab.sipclient import (RawUdpResponder, SipClient, SipTimeout,  # noqa: E402
                           make_response, parse_challenge)
from lab.sipp import Sipp, SippUas  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

t = Suite(requires=["kamailio", "kamcmd", "sipp", "openssl"])

REALM = "gw.test"
USERS = {"alice": "secret", "bob": "b0b-pw", "carol": "c4rol", "tcpuser": "tcp-pw",
         "tlsuser": "tls-pw", "eve": "e-pw", "sippuser": "s1pp-pw"}

_shared = {}


def shared():
    """One Lab and one Kamailio (MD5, qop=auth, UDP+TCP+TLS) for the cases
    that only add and remove their own user's bindings."""
    if "k" not in _shared:
        lab = Lab("gwlab-sip")
        _shared["lab"] = lab
        _shared["k"] = Kamailio(lab, realm=REALM, users=USERS, tls=True).start()
    return _shared["k"]


def close_shared():
    lab = _shared.pop("lab", None)
    _shared.clear()
    if lab is not None:
        lab.close()


def client(k, user, password, transport="udp", **kw):
    port = {"udp": k.udp_port, "tcp": k.tcp_port, "tls": k.tls_port}[transport]
    kw.setdefault("domain", REALM)
    return SipClient(k.host, port, user, password, transport=transport, **kw)


def statuses(r):
    return [h.status for h in r.history]


def auth_header(r, name="Authorization"):
    """The last `name` header we sent, parsed like a challenge."""
    for s in reversed(r.sent):
        m = re.search(r"(?im)^%s:\s*(.*)$" % name, s)
        if m:
            return parse_challenge(m.group(1).strip())
    return None


@t.case
def sipp_register_md5_appears_in_location_table():
    k = shared()
    lab = _shared["lab"]
    before = k.contact_count()
    r = Sipp.register(lab, k.host, k.udp_port, "sippuser", USERS["sippuser"], expires=120,
                      domain=REALM)
    check(r.ok, "SIPp REGISTER failed: %r\n%s\n%s" % (r, r.errors[-1500:], r.output[-1500:]))
    got = [m.status for m in r.messages if m.direction == "received"]
    check_eq(got, [401, 200], "responses SIPp received")
    cs = k.contacts("sippuser")
    check_eq(len(cs), 1, "contacts of sippuser")
    c = cs[0]
    check_eq(c["contact"], "sip:sippuser@127.0.0.1:%d;transport=udp" % r.local_port, "contact")
    check(0 < c["expires"] <= 120, "expires left %r" % c["expires"])
    check_eq(c["cseq"], 2, "CSeq of the authenticated REGISTER")
    check_eq(c["socket"], "udp:127.0.0.1:%d" % k.udp_port, "socket")
    check_eq(k.contact_count(), before + 1, "location_contacts")
    check("AoR: sippuser" in k.kamcmd("ul.dump"), "kamcmd ul.dump shows the AoR")
    r = Sipp.unregister(lab, k.host, k.udp_port, "sippuser", USERS["sippuser"],
                        local_port=r.local_port, domain=REALM)
    check(r.ok, "SIPp unREGISTER failed: %r" % r)
    check_eq(k.contacts("sippuser"), [], "contacts after unregister")
    check_eq(k.contact_count(), before, "location_contacts after unregister")


@t.case
def sipclient_md5_qop_auth_registers():
    k = shared()
    with client(k, "bob", USERS["bob"]) as c:
        r = c.register(expires=300)
        check_eq(statuses(r), [401, 200], "statuses")
        ch = r.history[0].challenges()[0]
        check_eq(ch.get("qop"), "auth", "challenge qop")
        check_eq((ch.get("algorithm") or "MD5").upper(), "MD5", "challenge algorithm")
        a = auth_header(r)
        check_eq((a["qop"], a["nc"], a["algorithm"]), ("auth", "00000001", "MD5"), "our answer")
        check_eq(r.granted_expires(c.contact_uri), 300, "granted")
        cs = k.contacts("bob")
        check_eq([(x["contact"], x["callid"], x["cseq"]) for x in cs],
                 [(c.contact_uri, c.call_id, c.cseq)], "location entry")
        # a refresh shows up as a new CSeq in the location table
        r = c.register(expires=300)
        check_eq(r.status, 200, "refresh")
        check_eq(k.contacts("bob")[0]["cseq"], c.cseq, "CSeq after refresh")
        check_eq(c.options().status, 200, "OPTIONS")
        check_eq(c.unregister().status, 200, "unregister")
        check_eq(k.contacts("bob"), [], "contacts after unregister")


@t.case
def sipclient_md5_without_qop_registers():
    with Lab("gwlab-sip") as lab:
        k = Kamailio(lab, users={"alice": "secret"}, qop="", tcp=False).start()
        with client(k, "alice", "secret") as c:
            r = c.register(expires=60)
            check_eq(statuses(r), [401, 200], "statuses")
            ch = r.history[0].challenges()[0]
            check("qop" not in ch, "challenge without qop: %r" % ch)
            a = auth_header(r)
            check("qop" not in a and "cnonce" not in a and "nc" not in a, "no qop in %r" % a)
            check_eq(len(k.contacts("alice")), 1, "contacts")


@t.case
def sha256_challenge_and_registration():
    with Lab("gwlab-sip") as lab:
        k = Kamailio(lab, users={"alice": "secret"}, algorithm="SHA-256", tcp=False).start()
        with client(k, "alice", "secret", algorithms=("MD5",)) as c:
            r = c.register(expires=60)
            check_eq(statuses(r), [401], "an MD5-only client finds no usable challenge")
        with client(k, "alice", "secret") as c:
            r = c.register(expires=60)
            check_eq(statuses(r), [401, 200], "statuses")
            ch = r.history[0].challenges()[0]
            check_eq(ch.get("algorithm"), "SHA-256", "challenge algorithm")
            check_eq(ch.get("qop"), "auth", "challenge qop")
            a = auth_header(r)
            check_eq(a["algorithm"], "SHA-256", "our answer's algorithm")
            check_eq(len(a["response"]), 64, "SHA-256 response length")
            check_eq([x["contact"] for x in k.contacts("alice")], [c.contact_uri], "contacts")


@t.case
def wrong_credentials_get_403_and_no_contact():
    k = shared()
    with client(k, "eve", "not-her-password") as c:
        r = c.register(expires=60)
        check_eq(statuses(r), [401, 403], "wrong password")
    with client(k, "mallory", "whatever") as c:
        check_eq(statuses(c.register(expires=60)), [401, 403], "unknown user")
    with client(k, "eve", USERS["alice"], auth_user="alice") as c:
        check_eq(statuses(c.register(expires=60)), [401, 403],
                 "digest user alice registering To eve")
    check_eq(k.contacts("eve"), [], "no contact for eve")
    check_eq(k.contacts("mallory"), [], "no contact for mallory")
    r = Sipp.register(_shared["lab"], k.host, k.udp_port, "eve", "bad", domain=REALM, timeout=5)
    check(not r.ok and r.failed == 1, "SIPp with a bad password fails: %r" % r)
    check_eq(k.contacts("eve"), [], "no contact for eve after SIPp")


@t.case
def min_expires_gets_423():
    with Lab("gwlab-sip") as lab:
        k = Kamailio(lab, users={"alice": "secret"}, min_expires=300, tcp=False).start()
        with client(k, "alice", "secret") as c:
            r = c.register(expires=60)
            check_eq(r.status, 423, "status")
            check_eq(r.min_expires, 300, "Min-Expires")
            check_eq(k.contacts("alice"), [], "no contact after 423")
            r = c.register(expires=60, follow_423=True)
            check_eq(statuses(r), [401, 423, 401, 200], "423 then Min-Expires adopted")
            check_eq(r.granted_expires(c.contact_uri), 300, "granted")
            cs = k.contacts("alice")
            check(len(cs) == 1 and 290 <= cs[0]["expires"] <= 300, "contacts %r" % cs)


@t.case
def tcp_registration():
    k = shared()
    lab = _shared["lab"]
    with client(k, "tcpuser", USERS["tcpuser"], transport="tcp") as c:
        r = c.register(expires=120)
        check_eq(statuses(r), [401, 200], "statuses over TCP")
        cs = k.contacts("tcpuser")
        check_eq(len(cs), 1, "contacts")
        check_eq(cs[0]["socket"], "tcp:127.0.0.1:%d" % k.tcp_port, "socket")
        check(cs[0]["tcpconn_id"] not in (None, -1), "a TCP connection id")
        check_eq(c.unregister().status, 200, "unregister over TCP")
    r = Sipp.register(lab, k.host, k.tcp_port, "tcpuser", USERS["tcpuser"], transport="t1",
                      domain=REALM, expires=120)
    check(r.ok, "SIPp over TCP: %r\n%s" % (r, r.errors[-1500:]))
    cs = k.contacts("tcpuser")
    check(len(cs) == 1 and cs[0]["socket"].startswith("tcp:"), "SIPp TCP contact %r" % cs)
    r = Sipp.unregister(lab, k.host, k.tcp_port, "tcpuser", USERS["tcpuser"], transport="t1",
                        all_contacts=True, domain=REALM)
    check(r.ok, "SIPp Contact: * over TCP: %r" % r)
    check_eq(k.contacts("tcpuser"), [], "contacts after Contact: *")


@t.case
def tls_registration_with_verified_certificate():
    k = shared()
    check(k.ca_file and os.path.isfile(k.ca_file), "ca_file")
    for name in ("127.0.0.1", "localhost"):
        with client(k, "tlsuser", USERS["tlsuser"], transport="tls", ca_file=k.ca_file,
                    server_hostname=name) as c:
            check_eq(c.sock.version() in ("TLSv1.2", "TLSv1.3"), True, "TLS version")
            r = c.register(expires=120)
            check_eq(statuses(r), [401, 200], "statuses over TLS (%s)" % name)
            cs = k.contacts("tlsuser")
            check_eq([(x["contact"], x["socket"]) for x in cs],
                     [(c.contact_uri, "tls:127.0.0.1:%d" % k.tls_port)], "contacts")
            check_eq(c.unregister().status, 200, "unregister over TLS")
    other = make_pki(k.dir, prefix="other-")
    try:
        client(k, "tlsuser", "x", transport="tls", ca_file=other["ca"]).close()
    except ssl.SSLCertVerificationError:
        pass
    else:
        raise AssertionError("a certificate from another CA was accepted")
    try:
        client(k, "tlsuser", "x", transport="tls", ca_file=k.ca_file,
               server_hostname="wrong.example").close()
    except ssl.SSLCertVerificationError:
        pass
    else:
        raise AssertionError("a certificate for the wrong name was accepted")


@t.case
def add_user_at_runtime_and_options():
    k = shared()
    with client(k, "dave", "d4ve") as c:
        check_eq(statuses(c.register(expires=60)), [401, 403], "before add_user")
        k.add_user("dave", "d4ve")
        check_eq(statuses(c.register(expires=60)), [401, 200], "after add_user")
        check_eq(c.options().status, 200, "OPTIONS to the registrar")
        check_eq(c.unregister().status, 200, "unregister")


@t.case
def expired_nonce_gets_stale_true():
    with Lab("gwlab-sip") as lab:
        k = Kamailio(lab, users={"alice": "secret"}, nonce_expire=1, tcp=False).start()
        with client(k, "alice", "secret") as c:
            r = c.register(expires=60)
            check_eq(r.status, 200, "first registration")
            ch = r.history[0].challenges()[0]
            time.sleep(2.1)
            hdrs = ["Contact: <%s>" % c.contact_uri, "Expires: 60",
                    "Authorization: " + c._authorization(ch, "REGISTER", "sip:" + REALM)]
            r = c.transaction("REGISTER", headers=hdrs)
            check_eq(r.status, 401, "old nonce")
            ch2 = r.challenges()[0]
            check_eq((ch2.get("stale") or "").lower(), "true", "stale")
            check(ch2["nonce"] != ch["nonce"], "a new nonce")
            check_eq(statuses(c.register(expires=60)), [401, 200], "fresh registration")


@t.case
def sipp_uas_503_retry_after():
    with Lab("gwlab-sip") as lab:
        uas = SippUas(lab, "uas_503_retry_after.xml", keys={"retry_after": 7})
        with SipClient(uas.host, uas.port, "alice", "secret", domain=REALM) as c:
            r = c.register(expires=60)
            check_eq((r.status, r.retry_after), (503, 7), "503 with Retry-After")
            reqs = uas.wait_requests(1)
            check_eq(reqs[0].header("Call-ID"), c.call_id, "the UAS saw our REGISTER")
            sent = uas.wait_responses(1)
            check_eq((sent[0].status, sent[0].header("Retry-After")), (503, "7"),
                     "the UAS logged its 503")
        pid = uas.proc.pid
        uas.stop()
        check(not _pid_alive(pid), "SIPp UAS stopped")


@t.case
def sipp_uas_scenarios_answer_per_script():
    clients = []
    with Lab("gwlab-sip") as lab:
        uases = []

        def run(scen, keys=None, **kw):
            for u in uases:
                u.stop()
            uas = SippUas(lab, scen, keys=keys)
            uases.append(uas)
            c = SipClient(uas.host, uas.port, "alice", "secret", domain=REALM, **kw)
            clients.append(c)
            return uas, c
        try:
            _uas_scripts(run)
        finally:
            for c in clients:
                c.close()


def _uas_scripts(run):
    """Each UAS scenario answers sipclient as its script says."""
    uas, c = run("uas_ok.xml")
    r = c.register(expires=90)
    check_eq((r.status, r.granted_expires(c.contact_uri)), (200, 90), "uas_ok")

    uas, c = run("uas_short_grant.xml", {"grant": 25})
    r = c.register(expires=3600)
    check_eq((r.status, r.granted_expires(c.contact_uri), r.header("Expires")),
             (200, 25, "25"), "uas_short_grant")

    uas, c = run("uas_401_same_nonce.xml")
    r = c.register(expires=60)
    check_eq(statuses(r), [401, 401], "uas_401_same_nonce: the client stops")
    n = [h.challenges()[0]["nonce"] for h in r.history]
    check(n[0] == n[1], "same nonce twice: %r" % n)

    uas, c = run("uas_407.xml")
    r = c.register(expires=60)
    check_eq(statuses(r), [407, 200], "uas_407")
    check(auth_header(r, "Proxy-Authorization"), "Proxy-Authorization sent")

    uas, c = run("uas_401_407.xml")
    r = c.register(expires=60)
    check_eq(statuses(r), [401, 200], "uas_401_407")
    req = uas.wait_requests(2)[1]
    check(req.header("Authorization") and req.header("Proxy-Authorization"),
          "both credentials in one retry")

    uas, c = run("uas_two_challenges.xml")
    algs = [parse_challenge(v)["algorithm"] for v in
            c.register(expires=60).history[0].headers_all("WWW-Authenticate")]
    check_eq(algs, ["MD5", "SHA-256"], "two challenges, MD5 topmost")
    r = c.register(expires=60)
    check_eq((statuses(r), auth_header(r)["algorithm"]), ([401, 200], "SHA-256"),
             "strongest picked")
    c.prefer = "topmost"
    r = c.register(expires=60)
    check_eq((statuses(r), auth_header(r)["algorithm"]), ([401, 200], "MD5"),
             "topmost picked")

    uas, c = run("uas_stale.xml")
    r = c.register(expires=60)
    check_eq(statuses(r), [401, 401, 200], "uas_stale")
    check_eq(r.history[1].challenges()[0].get("stale"), "true", "stale=true")

    uas, c = run("uas_malformed_challenge.xml")
    r = c.register(expires=60)
    check_eq(statuses(r), [401], "uas_malformed_challenge: nothing usable")
    check_eq(r.history[0].challenges(), [None], "unparsable challenge")

    uas, c = run("uas_garbage.xml")
    r = c.register(expires=60)
    check_eq((r.status, r.granted_expires(c.contact_uri)), (200, 60),
             "uas_garbage: the valid 200 after the junk")
    check_eq(len(c.stray), 3, "three junk datagrams ignored")
    check(c.stray[1].truncated, "the second is a truncated 200")

    uas, c = run("uas_oversized_headers.xml")
    r = c.register(expires=60)
    check(r.status == 200 and len(r.raw) > 16000, "uas_oversized_headers: %d bytes" % len(r.raw))
    check_eq(len(r.header("X-Gwlab-Long")), 8000, "long header")

    uas, c = run("uas_silent.xml", timeout=1.2)
    try:
        c.register(expires=60)
    except SipTimeout:
        pass
    else:
        raise AssertionError("uas_silent answered")
    check(len(uas.wait_requests(2)) >= 2, "retransmissions reached the silent UAS")
    check_eq(uas.responses(), [], "uas_silent sent nothing")


@t.case
def raw_udp_responder_sends_any_bytes():
    def handler(data, req, addr):
        if req is None:
            return []
        return [b"\x00\xff\xfe not SIP", make_response(req, 200, "OK", content_length=99),
                make_response(req, 200, "OK", ["Contact: %s;expires=42" % req.header("Contact")])]
    with RawUdpResponder(handler) as rr, \
            SipClient(rr.host, rr.port, "alice", "secret", domain=REALM) as c:
        r = c.register(expires=60)
        check_eq((r.status, r.granted_expires(c.contact_uri)), (200, 42), "answer after junk")
        check_eq((len(rr.received), rr.errors, len(c.stray)), (1, [], 2), "received/errors/stray")


@t.case
def kamailio_restart_loses_bindings():
    with Lab("gwlab-sip") as lab:
        k = Kamailio(lab, users={"alice": "secret"}).start()
        ports = (k.udp_port, k.tcp_port)
        with client(k, "alice", "secret") as c:
            check_eq(c.register(expires=600).status, 200, "registered")
            check_eq(k.contact_count(), 1, "contacts before restart")
            old = k.proc.pid
            k.restart()
            check(not _pid_alive(old), "old Kamailio %d gone" % old)
            check_eq((k.udp_port, k.tcp_port), ports, "same ports")
            check_eq(k.contact_count(), 0, "contacts after restart")
            check_eq(k.contacts("alice"), [], "alice after restart")
            check_eq(c.register(expires=600).status, 200, "registers again")
            check_eq(k.contact_count(), 1, "contacts after re-registering")
        pid = k.proc.pid
    check(not _pid_alive(pid), "Kamailio %d stopped with its lab" % pid)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not running: look at /proc
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    try:
        rc = t.run()
    finally:
        close_shared()
    sys.exit(rc)
