#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The gateway's Contact and NAT (issue 15, item 3).  The lab driver
tests/integration/sipreg_client against a SIPp UAS that answers with
;received=127.0.0.2;rport=5099 in the Via: with the NAT contact rewrite on
the engine registers again with Contact 127.0.0.2:5099 and removes the old
Contact (expires=0) in that REGISTER; off, nothing changes.  With Kamailio
and gwagentd: [sip] contact_address is the Contact in the location table.
TAP output."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import which_or_none  # noqa: E402
from lab.sipp import SippUas  # noqa: E402
from lab.snmp import Snmpd, snmpget  # noqa: E402
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402
from test_sip_engine import run, uas_addr  # noqa: E402

t = Suite(requires=["sipp"])

_HOSTPORT = re.compile(r"<sip:[^@>]+@([^:;>]+):(\d+);[^>]*>(.*)")


def contacts(msg):
    """(host, port, params after '>') of every Contact of a request."""
    out = []
    for v in msg.msg.headers_all("Contact"):
        for part in v.split(", <"):
            m = _HOSTPORT.search(part if part.startswith("<") else "<" + part)
            if m:
                out.append((m.group(1), int(m.group(2)), m.group(3)))
    return out


@t.case
def received_rport_rewrite_the_contact():
    with Lab("gwlab-nat") as lab:
        uas = SippUas(lab, "uas_nat.xml")
        c, rc, res, _ = run([uas_addr(uas)], "alice", "", ["-e", 300, "-H", 1, "-N"])
        check_eq(rc, 0, "exit code\n" + c.output())
        regs = uas.wait_requests(2)
        first, second = contacts(regs[0]), contacts(regs[1])
        check_eq(len(first), 1, "one Contact first: %r" % first)
        check(first[0][:2] != ("127.0.0.2", 5099), "the socket's address first: %r" % first)
        check_eq(second[0][:2], ("127.0.0.2", 5099), "the learned Contact: %r" % second)
        check_eq(second[0][2], "", "registered, no expires=0: %r" % second)
        check_eq(len(second), 2, "the old Contact too: %r" % second)
        check_eq(second[1], (first[0][0], first[0][1], ";expires=0"), "old one removed")
        check_eq(len(uas.requests()), 2, "no further rewrite (received stays the same)")
        check("rewritten to 127.0.0.2:5099" in c.output(), "logged:\n" + c.output())


@t.case
def received_rport_ignored_when_off():
    with Lab("gwlab-nat") as lab:
        uas = SippUas(lab, "uas_nat.xml")
        c, rc, res, _ = run([uas_addr(uas)], "alice", "", ["-e", 300, "-H", 1])
        check_eq(rc, 0, "exit code\n" + c.output())
        regs = uas.requests()
        check_eq(len(regs), 1, "one REGISTER")
        check(contacts(regs[0])[0][:2] != ("127.0.0.2", 5099), "socket's Contact kept")


@t.case
def configured_contact_in_kamailio_location():
    missing = [p for p in ("snmpd", "kamailio", "kamcmd") if not which_or_none(p)]
    if missing or gwagentd_path() is None:
        raise Skip("needs %s" % (" ".join(missing) or "gwagentd"))
    users = {"gw": "gw-secret-1", "alice": "alice-secret-2"}
    with Lab("gwlab-nat") as lab:
        snmpd = Snmpd(lab).start()
        k = Kamailio(lab, realm="gw.test", users=users).start()
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                      gateway_ini=gateway_ini(k.udp_port, ("alice",), users),
                      settings={"sip": {"contact_address": "127.0.0.3:5999",
                                        "nat_contact_rewrite": "yes"}})
        gw.start()
        cs = k.wait_contacts("alice", 1, timeout=20)
        check(re.search(r"@127\.0\.0\.3:5999;", cs[0]["contact"]) is not None,
              "configured contact: %r" % cs)
        check("Contact address 127.0.0.3 (port 5999" in gw.output(),
              "logged:\n" + gw.output()[-2000:])
        # gwRegContactAddress of account 0, through snmpd
        oid = mib.oid("gwRegContactAddress", 2, 0)
        check_eq((snmpget(snmpd, oid, check=False) or ("", ""))[1],
                 '"127.0.0.3:5999"', "gwRegContactAddress")
        check_eq(gw.stop(), 0, "exit code")
        check_eq(k.contacts("alice"), [], "unregistered at shutdown")


if __name__ == "__main__":
    sys.exit(t.run())
