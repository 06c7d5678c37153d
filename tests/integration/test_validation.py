#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""SET validation end to end: snmpd (AgentX master) + gwagentd on loopback.
Every writable string scalar and column of GWAGENT-MIB gets hostile values
(spaces, '@', ':' misuse, ';', quotes, overlong labels, non-ASCII, control
bytes) and must answer wrongValue or wrongLength with the gateway INI file
on disk byte-identical afterwards; destroying rows that others reference,
or the last address of a proxy set a binding registers through, must
answer inconsistentValue.  No registrar is needed: nothing listens on the
proxy port."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import gwagentd_path  # noqa: E402
from lab.proc import LabError, free_port  # noqa: E402
from lab.snmp import snmpwalk  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2"}

HOST, ADDR, USER, TEXT, PASSWORD = "host", "addr", "user", "text", "password"

# (name, OID, syntax, length limit): every writable OCTET STRING of the
# configuration part of GWAGENT-MIB (gwIniMgmt's URI and line are not
# catalog values: test_agent_snmp.py covers them).  Rows are those of
# tests/lab/gateway.py: ProxyIp 0 and 1, IPGroup 1, TrunkGroupSettings 0,
# Account 0.
COLUMNS = (
    ("gwProxyName", mib.oid("gwProxyName", 0), HOST, 49),
    ("gwProxyIP", mib.oid("gwProxyIP", 0), ADDR, 49),
    ("gwRegistrarIP", mib.oid("gwRegistrarIP", 0), ADDR, 49),
    ("gwRegistrarName", mib.oid("gwRegistrarName", 0), HOST, 100),
    ("gwGWRegistrationName", mib.oid("gwGWRegistrationName", 0), USER, 15),
    ("gwUserName", mib.oid("gwUserName", 0), TEXT, 50),  # digest user: any text
    ("gwPassword", mib.oid("gwPassword", 0), PASSWORD, 50),
    ("gwCnonce", mib.oid("gwCnonce", 0), TEXT, 15),
    ("gwSIPGatewayName", mib.oid("gwSIPGatewayName", 0), HOST, 49),
    ("gwDefaultNumber", mib.oid("gwDefaultNumber", 0), USER, 50),
    ("gwProxyIpAddress.0", mib.oid("gwProxyIpIpAddress", 0), ADDR, 49),
    ("gwProxyIpAddress.1", mib.oid("gwProxyIpIpAddress", 1), ADDR, 49),
    ("gwIPGroupDescription.1", mib.oid("gwIpGroupDescription", 1), TEXT, 29),
    ("gwIPGroupSIPGroupName.1", mib.oid("gwIpGroupSIPGroupName", 1), HOST, 49),
    ("gwIPGroupContactUser.1", mib.oid("gwIpGroupContactUser", 1), USER, 50),
    ("gwTrunkGroupGatewayName.0", mib.oid("gwTrunkGroupSettingsGatewayName", 0), HOST, 49),
    ("gwTrunkGroupContactUser.0", mib.oid("gwTrunkGroupSettingsContactUser", 0), USER, 50),
    ("gwAccountUsername.0", mib.oid("gwAccountUsername", 0), TEXT, 50),
    ("gwAccountPassword.0", mib.oid("gwAccountPassword", 0), PASSWORD, 50),
    ("gwAccountHostName.0", mib.oid("gwAccountHostName", 0), HOST, 49),
    ("gwAccountContactUser.0", mib.oid("gwAccountContactUser", 0), USER, 50),
)

LABEL64 = "a" * 64 + ".example"      # a label one byte too long
CTRL = ["a\tb", "a\x1bb", "a\x7fb"]  # control bytes: refused by every syntax
BAD_UTF8 = ["caf\xc3", "\xff"]        # as bytes (latin-1 below): not UTF-8

# Hostile values per syntax, each refused with wrongValue (when it fits
# the column; longer ones are wrongLength).
HOSTILE = {
    HOST: ["bad name", " gw.example", "gw@example", "gw:5060", "gw:x:y",
           "[::1]:5060", "gw;transport=tcp", "'gw'", '"gw"', "gw'x",
           "caf\u00e9.example", "-gw", "gw-", "gw..example", "gw_1.example",
           "1.2.3.4.5", "256.1.1.1", "sip:gw", "gw/x", "gw%20x", LABEL64],
    ADDR: ["bad name", "gw@example", "gw:", "gw:0", "gw:65536", "gw:50x",
           "a:b:c", "[::1", "[::1]5060", "[::1]:0", "gw;transport=tcp", "'gw'",
           '"gw"', "caf\u00e9.example", "-gw", "gw..example", "10.0.0.256",
           "1.2.3", "sip:gw", LABEL64],
    USER: ["bad user", "al@ice", "a:b", 'a"b', "a<b>", "a%zz", "a%2", "a[b]",
           "a\\b", "a#b", "caf\u00e9", "a b@c:d"],
    TEXT: ["a'b\"c"],
    PASSWORD: ["$1$!!"],
}

# Valid values (the positive control): each must answer noError.
VALID = {HOST: "gw-2.example", ADDR: "[2001:db8::1]:5070", USER: "a;b=c%20d",
         TEXT: "any text; with: @ and 'quotes'", PASSWORD: "p a s s'\""}

t = Suite(requires=["snmpd", "snmpget"])


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


def hexval(s):
    """A value as snmpset's HEX STRING (type x): any byte, a leading '-'
    or a quote reaches the agent untouched."""
    b = s.encode("latin-1") if s in BAD_UTF8 else s.encode("utf-8")
    return " ".join("%02x" % c for c in b) if b else ""


class World(world.World):
    """snmpd and gwagentd, no registrar: nothing listens on the proxy port."""

    def __init__(self, lab):
        # IsRegisterNeeded=1, IsProxyUsed=1: the gateway registers through
        # proxy set 0, account 0 through IP group 1 on proxy set 1.
        super().__init__(lab, USERS, accounts=["alice"], trapd=False, registrar=False,
                         ini=lambda w: gateway_ini(free_port("udp"), ["alice"], USERS))

    def set_hex(self, oid, value):
        return self.set([(oid, "x", hexval(value))])

    def ini_bytes(self):
        with open(self.gw.ini_path, "rb") as f:
            return f.read()


def expected(syntax, limit, value):
    if len(value.encode("latin-1" if value in BAD_UTF8 else "utf-8")) > limit:
        return "wrongLength"
    return "wrongValue"


def error_of(rc, err):
    for name in ("wrongValue", "wrongLength", "inconsistentValue", "wrongType",
                 "noCreation", "notWritable", "genErr"):
        if name in err:
            return name
    return "noError" if rc == 0 else err.strip()


@t.case
def hostile_strings_are_refused_and_the_ini_file_is_unchanged():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        before = w.ini_bytes()
        before_walk = snmpwalk(w.snmpd, mib.oid("gwConfig"))
        tried = 0
        for name, oid, syntax, limit in COLUMNS:
            values = HOSTILE[syntax] + CTRL + BAD_UTF8 + ["x" * (limit + 1)]
            for v in values:
                rc, _, err = w.set_hex(oid, v)
                want = expected(syntax, limit, v)
                check_eq(error_of(rc, err), want, "%s = %r" % (name, v))
                tried += 1
        check(tried > 300, "%d hostile SETs" % tried)
        check(w.ini_bytes() == before, "gateway INI byte-identical after hostile SETs")
        check_eq(snmpwalk(w.snmpd, mib.oid("gwConfig")), before_walk, "configuration unchanged")
        # the control: one valid value per column goes through and is saved
        for name, oid, syntax, limit in COLUMNS:
            rc, _, err = w.set_hex(oid, VALID[syntax][:limit])
            check_eq(error_of(rc, err), "noError", "%s = %r" % (name, VALID[syntax]))
        after = w.ini_bytes()
        check(after != before, "valid SETs are saved")
        check(b"gw-2.example" in after and b"a;b=c%20d" in after, "saved values in the INI")


@t.case
def destroying_what_bindings_use_is_inconsistent():
    need_daemon()
    with Lab() as lab:
        w = World(lab)
        before = w.ini_bytes()
        destroy = 6
        for what, oid in (
                # the only address of proxy set 0: the gateway registers through it
                ("ProxyIp 0, last address of set 0", mib.oid("gwProxyIpRowStatus", 0)),
                # the only address of proxy set 1: account 0 through IP group 1
                ("ProxyIp 1, last address of set 1", mib.oid("gwProxyIpRowStatus", 1)),
                # rows that others reference
                ("ProxySet 1 (IP group 1, ProxyIp 1)", mib.oid("gwProxySetRowStatus", 1)),
                ("IPGroup 1 (account 0)", mib.oid("gwIpGroupRowStatus", 1)),
                ("TrunkGroupSettings 0 (account 0)", mib.oid("gwTrunkGroupSettingsRowStatus", 0))):
            rc, _, err = w.set([(oid, "i", destroy)])
            check_eq(error_of(rc, err), "inconsistentValue", "destroy %s" % what)
        # emptying the last address, or moving it away, is the same
        rc, _, err = w.set([(mib.oid("gwProxyIpIpAddress", 0), "s", "")])
        check_eq(error_of(rc, err), "inconsistentValue", "empty ProxyIp 0 address")
        rc, _, err = w.set([(mib.oid("gwProxyIpProxySetId", 1), "u", 0)])
        check_eq(error_of(rc, err), "inconsistentValue", "ProxyIp 1 moved to set 0")
        # UserName is the AOR user once GWRegistrationName is empty
        rc, _, err = w.set([(mib.oid("gwGWRegistrationName", 0), "s", ""),
                            (mib.oid("gwUserName", 0), "s", "gw@x")])
        check_eq(error_of(rc, err), "inconsistentValue", "UserName 'gw@x' as AOR user")
        check(w.ini_bytes() == before, "gateway INI byte-identical after refused SETs")
        # a new address and the old one destroyed in one request is fine
        rc, _, err = w.set([(mib.oid("gwProxyIpRowStatus", 9), "i", 4),
                            (mib.oid("gwProxyIpIpAddress", 9), "s", "127.0.0.1:5999"),
                            (mib.oid("gwProxyIpProxySetId", 9), "u", 1),
                            (mib.oid("gwProxyIpRowStatus", 1), "i", destroy)])
        check_eq(error_of(rc, err), "noError", "replace the address of set 1")
        check(b"ProxyIp 9 = " in w.ini_bytes() and b"ProxyIp 1 = " not in w.ini_bytes(),
              "replacement saved")


if __name__ == "__main__":
    sys.exit(t.run())
