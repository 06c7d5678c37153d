#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The sip/ engine answering requests and the protocol fixes of issue 15
(items 4 and 5), through the lab driver tests/integration/sipreg_client
against SIPp UAS scenarios: a registrar that probes the registered
Contact with OPTIONS, INFO and an unknown method over UDP and over the
engine's TCP connection, and over its TLS connection (IPv4 and IPv6, a
Python ssl registrar, tests/lab/tlsuas.py); ACK and garbage sent to the engine's UDP socket;
a 200 OK listing another device's Contact with the same user first; a
401 libosip2 cannot parse; the same nonce twice (no resend of rejected
credentials); a 200 OK with two Vias.  With snmpd, snmptrapd and
Kamailio: gwagentd answers an OPTIONS to its Contact, and at shutdown it
un-REGISTERs only what is registered and sends no restored notification
for a binding that never registered.  TAP output."""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import wait_until, which_or_none  # noqa: E402
from lab.sipp import SippUas  # noqa: E402
from lab.snmp import Snmpd, Snmptrapd  # noqa: E402
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402
from lab.tlsuas import TlsUas  # noqa: E402
from test_sip_engine import Client, last, run, uas_addr  # noqa: E402

t = Suite(requires=["sipp"])

_VIA = re.compile(r"SIP/2\.0/\w+ ([^:;]+):(\d+)")


def engine_port(uas):
    """Our UDP port, from the sent-by of the first REGISTER's Via."""
    via = uas.wait_requests(1)[0].header("Via")
    m = _VIA.match(via or "")
    if not m:
        raise AssertionError("no sent-by in %r" % via)
    return m.group(1), int(m.group(2))


def probed(transport):
    with Lab("gwlab-sipreq") as lab:
        uas = SippUas(lab, "uas_ok_then_probe.xml", transport=transport)
        tp = "udp" if transport == "u1" else "tcp"
        c = Client(["%s/%s" % (uas_addr(uas), tp)], "alice", "", ["-e", 300, "-U"],
                   interactive=True)
        try:
            c.wait_state("registered")
            sent = uas.wait_responses(1)  # the 200 to the REGISTER
            check(sent, "REGISTER answered")

            def answers():
                got = [m for m in uas.messages() if m.direction == "received" and m.status]
                return got if len(got) >= 3 else None
            wait_until(answers, 10, "three answers from the engine", interval=0.05)
            got = answers()
            check_eq([m.status for m in got[:3]], [200, 405, 501],
                     "OPTIONS 200, INFO 405, FROB 501")
            ok = got[0]
            check_eq(ok.header("CSeq"), "1 OPTIONS", "CSeq copied")
            check(";tag=" in (ok.header("To") or ""), "To tag added: %r" % ok.header("To"))
            check_eq(ok.header("Allow"), "OPTIONS", "Allow")
            check(ok.header("Accept") is not None, "Accept present")
            check_eq(ok.header("Content-Length"), "0", "no body")
            check_eq(got[1].header("Allow"), "OPTIONS", "405 carries Allow")
            if transport == "u1":
                host, port = engine_port(uas)
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    s.settimeout(1.0)
                    s.bind((host, 0))
                    ack = ("ACK sip:alice@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKa1\r\n"
                           "From: <sip:p@x>;tag=1\r\nTo: <sip:alice@x>;tag=2\r\nCall-ID: a1\r\n"
                           "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n" %
                           (host, port, host, s.getsockname()[1]))
                    s.sendto(ack.encode(), (host, port))
                    s.sendto(b"OPTIONS garbage\r\n\x01\x02\r\n\r\n", (host, port))
                    try:
                        data = s.recv(4096)
                        check(False, "answered ACK or garbage: %r" % data[:80])
                    except socket.timeout:
                        pass
                finally:
                    s.close()
            rc, res, stats = c.finish()
            check_eq(rc, 0, "exit code\n" + c.output())
            check_eq(int(stats["options_ok"]), 1, "OPTIONS counted: %r" % stats)
            check_eq(int(stats["req_rejected"]), 2, "rejections counted: %r" % stats)
            check_eq(int(stats["req_unsent"]), 0, "all sent: %r" % stats)
            if transport == "u1":
                check_eq(int(stats["acks"]), 1, "ACK counted: %r" % stats)
                check(int(stats["malformed"]) >= 1, "garbage counted: %r" % stats)
        finally:
            c.kill()


@t.case
def options_info_unknown_over_udp():
    probed("u1")


@t.case
def options_info_unknown_over_tcp():
    probed("t1")


def probed_over_tls(host):
    """A registrar on host over TLS (tests/lab/tlsuas.py: SIPp here has no
    TLS) sends OPTIONS, INFO and FROB to the Contact over the engine's TLS
    connection: 200 with Allow and Accept, 405 with Allow, 501, counted."""
    with Lab("gwlab-sipreq") as lab:
        u = TlsUas(lab, host=host, probes=("OPTIONS", "INFO", "FROB"))
        c = Client(["%s/tls" % u.addr], "alice", "",
                   ["-C", u.ca_file, "-e", 300, "-U"] + (["-l", "::"] if ":" in host else []),
                   interactive=True)
        try:
            c.wait_state("registered")
            got = u.wait_responses(3)
            check_eq([m.status for m in got[:3]], [200, 405, 501],
                     "OPTIONS 200, INFO 405, FROB 501")
            ok = got[0]
            check_eq(ok.header("CSeq"), "1 OPTIONS", "CSeq copied")
            check(";tag=" in (ok.header("To") or ""), "To tag added: %r" % ok.header("To"))
            check_eq(ok.header("Allow"), "OPTIONS", "Allow")
            check(ok.header("Accept") is not None, "Accept present")
            check_eq(ok.header("Content-Length"), "0", "no body")
            check(ok.header("Via").startswith("SIP/2.0/TLS "), "our Via: %r" % ok.header("Via"))
            check_eq(got[1].header("Allow"), "OPTIONS", "405 carries Allow")
            rc, res, stats = c.finish()
            check_eq(rc, 0, "exit code\n" + c.output())
            check_eq(int(stats["options_ok"]), 1, "OPTIONS counted: %r" % stats)
            check_eq(int(stats["req_rejected"]), 2, "rejections counted: %r" % stats)
            check_eq(int(stats["req_unsent"]), 0, "all sent: %r" % stats)
            regs = [m for m in u.received if m.method == "REGISTER"]
            check(len(regs) >= 2, "REGISTER and un-REGISTER over the connection: %r" %
                  u.received)
        finally:
            c.kill()
            u.stop()


@t.case
def options_info_unknown_over_tls():
    probed_over_tls("127.0.0.1")


@t.case
def options_info_unknown_over_tls_ipv6():
    probed_over_tls("::1")


@t.case
def foreign_contact_first_ignored():
    with Lab("gwlab-sipreq") as lab:
        uas = SippUas(lab, "uas_foreign_contact.xml", keys={"grant": 7})
        c, rc, res, _ = run([uas_addr(uas)], "alice", "", ["-e", 3600, "-t", 5])
        check_eq(rc, 0, "exit code\n" + c.output())
        s = [x for x in c.statuses() if x.state == "registered"][0]
        check_eq(s.granted, 7, "our Contact's expires, not the other device's")


@t.case
def malformed_401_is_a_failure_not_silence():
    with Lab("gwlab-sipreq") as lab:
        uas = SippUas(lab, "uas_malformed_401.xml")
        c, rc, res, stats = run([uas_addr(uas)], "alice", "secret", ["-t", 3])
        check_eq(rc, 1, "not registered")
        st = c.statuses()
        back = [s for s in st if s.state == "backoff"]
        check(back and back[0].error == "malformed 401 response" and back[0].code == 401,
              "a failure with the code: %r" % st)
        check(all(s.error != "timeout" for s in st), "no timeout: %r" % st)
        check_eq(int(stats["bad_responses"]), 1, "counted: %r" % stats)
        check_eq(len(uas.requests()), 1, "no retransmission")


@t.case
def same_nonce_rejected_credentials_not_resent():
    with Lab("gwlab-sipreq") as lab:
        uas = SippUas(lab, "uas_401_same_nonce.xml")
        c, rc, res, _ = run([uas_addr(uas)], "alice", "secret", ["-R", 1, "-t", 3])
        check_eq(rc, 1, "never registers")
        reqs = uas.wait_requests(3)
        check(reqs[1].header("Authorization") is not None, "answered the challenge")
        check(reqs[2].header("Authorization") is None,
              "the retry goes without the rejected credentials: %r" %
              reqs[2].header("Authorization"))


@t.case
def response_with_two_vias_dropped():
    with Lab("gwlab-sipreq") as lab:
        uas = SippUas(lab, "uas_two_vias.xml")
        c, rc, res, stats = run([uas_addr(uas)], "alice", "", ["-t", 2])
        check_eq(rc, 1, "not registered")
        check(all(s.state != "registered" for s in c.statuses()), "%r" % c.statuses())
        check(int(stats["via_mismatch"]) >= 2, "dropped and counted: %r" % stats)
        check(len(uas.requests()) >= 2, "retransmitted")


# -- gwagentd ----------------------------------------------------------------

NOTIF = mib.oid("gwNotifications") + "."
ALARM_SOURCE = mib.oid("gwAlarmSource", 0)
FAILED, RESTORED = NOTIF + "1", NOTIF + "2"
USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3"}


def traps_of(trapd, trap_oid, source):
    return [n for n in trapd.traps() if n["trap_oid"] == trap_oid
            and n["vars"].get(ALARM_SOURCE) == 'STRING: "%s"' % source]


def options_to(contact):
    """An OPTIONS to a Contact URI over UDP; the answer's text or None."""
    m = re.match(r"<?sip:[^@]+@([0-9.]+):(\d+)", contact)
    if not m:
        raise AssertionError("no host:port in %r" % contact)
    host, port = m.group(1), int(m.group(2))
    uri = contact.strip("<>")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(3.0)
        s.bind(("127.0.0.1", 0))
        me = s.getsockname()[1]
        s.sendto(("OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;rport;"
                  "branch=z9hG4bKgwlabopt\r\nFrom: <sip:probe@127.0.0.1>;tag=pr\r\n"
                  "To: <%s>\r\nCall-ID: gwlab-probe\r\nCSeq: 5 OPTIONS\r\n"
                  "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % (uri, me, uri)).encode(),
                 (host, port))
        try:
            return s.recv(4096).decode(errors="replace")
        except socket.timeout:
            return None
    finally:
        s.close()


@t.case
def gwagentd_answers_options_and_stops_quietly():
    missing = [p for p in ("snmpd", "snmptrapd", "kamailio", "kamcmd") if not which_or_none(p)]
    if missing or gwagentd_path() is None:
        raise Skip("needs %s" % (" ".join(missing) or "gwagentd"))
    with Lab("gwlab-sipreq") as lab:
        trapd = Snmptrapd(lab).start()
        snmpd = Snmpd(lab, trap_sink=trapd).start()
        k = Kamailio(lab, realm="gw.test", users=USERS).start()
        wrong = dict(USERS, bob="not-bobs-password")
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                      gateway_ini=gateway_ini(k.udp_port, ("alice", "bob"), wrong))
        gw.start()
        cs = k.wait_contacts("alice", 1, timeout=20)
        trapd.wait_for(lambda n: n in traps_of(trapd, FAILED, "Account#1"), 30,
                       "gwRegistrationFailed of bob")
        answer = options_to(cs[0]["contact"])
        check(answer is not None, "no answer to OPTIONS\n" + gw.output()[-2000:])
        lines = answer.split("\r\n")
        check_eq(lines[0], "SIP/2.0 200 OK", "status line")
        check("CSeq: 5 OPTIONS" in lines, "CSeq copied: %r" % lines)
        check(any(x.startswith("To: ") and ";tag=" in x for x in lines), "To tag: %r" % lines)
        check("Allow: OPTIONS" in lines, "Allow: %r" % lines)
        proc = gw.proc  # its output outlives stop()
        check_eq(gw.stop(), 0, "exit code")
        check_eq(k.contacts("alice"), [], "alice unregistered at shutdown")
        time.sleep(1.5)
        check_eq(traps_of(trapd, RESTORED, "Account#1"), [],
                 "no gwRegistrationRestored for bob at shutdown")
        out = proc.output()
        check("shutting down" in out, "stopped by the signal:\n" + out[-2000:])
        check("restored" not in out.split("shutting down")[-1],
              "no restored at shutdown:\n" + out[-2000:])
        check("OPTIONS answered 200: 1" in out, "counts logged at debug:\n" + out[-2000:])
        for pw in USERS.values():
            check(pw not in out, "a password in the log")


if __name__ == "__main__":
    sys.exit(t.run())
