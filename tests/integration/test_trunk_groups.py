#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Trunk groups registering per endpoint (issue 14 items 3 and 5): real
Kamailio, snmpd (AgentX master) and gwagentd on loopback.

- A Mediant-2000-like gateway: 16 E1 spans in 8 trunk groups of 2 spans,
  B-channels 1-30 of each span.  The E1 D-channel (timeslot 16) is not a
  B-channel: AudioCodes numbers an E1's 30 B-channels 1-30 (Mediant 2000
  SIP User's Manual v4.4, p.59: "1-30 for E1 spans"), so a row
  FirstBChannel 1, LastBChannel 30 is the whole span and channel 16 is an
  ordinary B-channel with a phone number.  480 endpoints per endpoint
  (AuthenticationMode 0) with the default pacing ([sip] pace_rate 50,
  register_window 32): every one at Kamailio (its location table) and in
  gwRegStatusTable, no gateway-wide registration; a trunk group's
  un-register and register (gwagentctl) remove and restore exactly its 60
  contacts.
- A mixed device: one trunk group per gateway (one registration), one per
  endpoint, one per account, one not registering.
- Authentication-table credentials of analog ports, and IsRegisterNeeded
  = 0 registering no endpoint.

    top_builddir=BUILD CI=true PYTHONPATH=tests python3 tests/integration/test_trunk_groups.py
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gateway import e1_numbers, e1_trunk_groups_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, wait_until  # noqa: E402
from lab.snmp import Snmpd, snmpget, snmpwalk  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

t = Suite(requires=["snmpd", "snmpget", "snmpbulkwalk", "kamailio", "kamcmd"])

EP_PASSWORD = "ep-secret"   # the global Password: every endpoint's digest
ENDPOINT, TRUNKGROUP, ACCOUNT, GATEWAY = 3, 4, 2, 1   # gwRegBindingType
REGISTERED = "4"            # gwRegState registered(4)
SPANS, TGS, CHANNELS = 16, 8, 30

HEAD = """[SIP Params]
IsRegisterNeeded = %(needed)d
IsProxyUsed = 1
AuthenticationMode = %(authmode)d
GWRegistrationName = 'gw'
UserName = 'gw'
Password = '%(password)s'
SIPGatewayName = 'gw.test'
RegistrationTime = 3600
RegistrationRetryTime = 10

[ ProxySet ]
FORMAT ProxySet_Index = ProxySet_IsProxyHotSwap;
ProxySet 0 = 0;
ProxySet 1 = 0;
[ \\ProxySet ]

[ ProxyIp ]
FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, ProxyIp_ProxySetId;
ProxyIp 0 = "127.0.0.1:%(port)d", 0, 0;
ProxyIp 1 = "127.0.0.1:%(port)d", 0, 1;
[ \\ProxyIp ]

[ IPGroup ]
FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName, IPGroup_ContactUser;
IPGroup 1 = 1, "gw.test", "";
[ \\IPGroup ]
"""

TG_FORMAT = ("FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, TrunkGroup_FirstTrunkId, "
             "TrunkGroup_FirstBChannel, TrunkGroup_LastBChannel, TrunkGroup_FirstPhoneNumber, "
             "TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, TrunkGroup_Module;")
TGS_FORMAT = ("FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, "
              "TrunkGroupSettings_RegistrationMode, TrunkGroupSettings_GatewayName, "
              "TrunkGroupSettings_ServingIPGroup;")


def head(port, authmode=0, needed=1, password=EP_PASSWORD):
    return HEAD % {"port": port, "authmode": authmode, "needed": needed,
                   "password": password}


def table(name, fmt, rows):
    return "\n[ %s ]\n%s\n%s\n[ \\%s ]\n" % (name, fmt, "\n".join(rows), name)


def endpoint_id(module, trunk, channel):
    """gwRegBindingId of an endpoint (GWAGENT-MIB gwRegBindingId)."""
    return module * 1048576 + trunk * 4096 + channel


class Device:
    """snmpd, Kamailio with users, gwagentd with an INI; stopped with the
    Lab, by PID."""

    def __init__(self, lab, users, ini, check_to_user=True, settings=None):
        if gwagentd_path() is None:
            raise LabError("gwagentd is not built")
        self.snmpd = Snmpd(lab).start()
        self.k = Kamailio(lab, realm="gw.test", users=users, check_to_user=check_to_user,
                          hash_size=12, shm_mb=128).start()
        self.gw = Gwagentd(lab, agentx_socket=self.snmpd.agentx_socket,
                           settings=settings or {})
        self.gw.write_ini(ini(self.k.udp_port))
        self.t0 = time.monotonic()
        self.gw.start(timeout=20)
        wait_until(lambda: (snmpget(self.snmpd, mib.REG_ALL, check=False, timeout=1)
                            or ("", ""))[0] == "INTEGER", 20, "GWAGENT-MIB through snmpd",
                   interval=0.1)

    def column(self, name):
        """{(type, id): value} of a gwRegStatusTable column (bulk walk)."""
        base = mib.oid(name) + "."
        out = {}
        for o, (_, v) in snmpwalk(self.snmpd, mib.oid(name), bulk=True, timeout=10).items():
            btype, bid = o[len(base):].split(".")
            out[(int(btype), int(bid))] = v.strip('"')
        return out

    def contacts(self):
        try:
            return self.k.contact_count()
        except LabError:
            return None

    def wait_contacts(self, n, timeout):
        try:
            wait_until(lambda: self.gw.check_alive() or self.contacts() == n, timeout,
                       "%d contacts at Kamailio" % n, interval=0.2)
        except LabError:
            raise AssertionError("%r contacts at Kamailio, want %d; gwagentd log:\n%s"
                                 % (self.contacts(), n, self.gw.output()[-3000:]))

    def has_contact(self, user):
        return bool(self.k.contacts(user))

    def ctl_json(self, *args):
        rc, out, err = self.gw.ctl("--json", *args)
        check_eq(rc, 0, "gwagentctl %s: %s" % (" ".join(args), err))
        return json.loads(out)


@t.case
def mediant2000_480_endpoints_register_per_endpoint():
    numbers = e1_numbers(TGS, SPANS // TGS, CHANNELS)
    check_eq(len(numbers), SPANS * CHANNELS, "endpoints of 16 E1 spans")
    with Lab("gwtg480") as lab:
        d = Device(lab, {n: EP_PASSWORD for n in numbers.values()},
                   lambda port: e1_trunk_groups_ini(port, EP_PASSWORD, TGS, SPANS // TGS,
                                                    CHANNELS),
                   settings={"sip": {"pace_rate": "50"}})   # the default pacing
        check("register_window" not in d.gw.settings["sip"], "register_window at its default")
        d.wait_contacts(SPANS * CHANNELS, 60)
        took = time.monotonic() - d.t0
        # every endpoint in gwRegStatusTable, registered, identified
        states = d.column("gwRegState")
        phones = d.column("gwRegPhoneNumber")
        tgs = d.column("gwRegTrunkGroupId")
        trunks = d.column("gwRegTrunk")
        chans = d.column("gwRegChannel")
        want = {(ENDPOINT, endpoint_id(1, tr, ch)): (g, tr, ch, num)
                for (g, tr, ch), num in numbers.items()}
        check_eq(sorted(states), sorted(want), "gwRegStatusTable rows: the 480 endpoints only")
        bad = [k for k, v in states.items() if v != REGISTERED]
        check_eq(bad, [], "rows not registered")
        for key, (g, tr, ch, num) in want.items():
            got = (int(tgs[key]), int(trunks[key]), int(chans[key]), phones[key])
            check_eq(got, (g, tr, ch, num), "trunk group, trunk, channel, number of %r" % (key,))
        aor = snmpget(d.snmpd, mib.oid("gwRegAor", ENDPOINT, endpoint_id(1, 5, 16)))
        check_eq(aor[1], '"sip:60045@gw.test"', "AOR of trunk 5, channel 16 (TG 3's 46th)")
        for user in ("20000", "20059", "160059", "60015", "60045"):
            check(d.has_contact(user), "%s at Kamailio" % user)
        check(not d.has_contact("gw"), "no gateway-wide registration (AuthenticationMode 0)")
        # gwagentctl shows them
        rc, out, _ = d.gw.ctl("status")
        check_eq(rc, 0, "gwagentctl status")
        check("endpoint-1/15/30" in out and "sip:160059@gw.test" in out,
              "gwagentctl status shows the endpoints:\n%s" % out[:500])
        check("480 bindings, 480 registered" in out, "status summary:\n%s" % out[-200:])
        one = d.ctl_json("status", "endpoint-1/4/16")["binding"]
        check_eq((one["type"], one["trunk_group"], one["module"], one["trunk"], one["channel"],
                  one["phone"], one["state"]),
                 ("endpoint", 3, 1, 4, 16, "60015", "registered"), "status endpoint-1/4/16")
        # a trunk group's un-register removes exactly its 60 contacts
        rc, out, err = d.gw.ctl("unregister", "trunk-group", "3")
        check_eq(rc, 0, "unregister trunk-group 3: %s" % err)
        d.wait_contacts(SPANS * CHANNELS - 2 * CHANNELS, 30)
        check(not d.has_contact("60000") and not d.has_contact("60059"),
              "trunk group 3's contacts gone")
        check(d.has_contact("40059") and d.has_contact("80000"), "the neighbours stay")
        rc, out, err = d.gw.ctl("register", "trunk-group", "3")
        check_eq(rc, 0, "register trunk-group 3: %s" % err)
        d.wait_contacts(SPANS * CHANNELS, 30)
        check(d.has_contact("60000"), "trunk group 3 back")
        rss = 0
        with open("/proc/%d/status" % d.gw.proc.popen.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        sys.stdout.write("# 480 endpoints registered %.1f s after start (pace_rate 50, "
                         "register_window 32), gwagentd RSS %d kB\n" % (took, rss))


def mixed_ini(port):
    """TG 1 per gateway (its 4 channels: one registration), TG 2 per
    endpoint, TG 3 per account (account 0), TG 4 not registering."""
    tgs = ['TrunkGroupSettings 0 = 1, 1, "tg1.test", -1;',
           'TrunkGroupSettings 1 = 2, 0, "", 1;',
           'TrunkGroupSettings 2 = 3, 5, "", -1;',
           'TrunkGroupSettings 3 = 4, 4, "", -1;']
    rows = ['TrunkGroup 0 = 1, 0, 1, 4, "1000", 0, 0, 1;',
            'TrunkGroup 1 = 2, 1, 1, 4, "3000", 0, 1, 1;',
            'TrunkGroup 2 = 3, 2, 1, 4, "4000", 0, 2, 1;',
            'TrunkGroup 3 = 4, 3, 1, 4, "5000", 0, 3, 1;']
    acc = ("FORMAT Account_Index = Account_ServedTrunkGroup, Account_ServingIPGroup, "
           "Account_Username, Account_Password, Account_HostName, Account_Register, "
           "Account_ContactUser;")
    return (head(port) + table("TrunkGroupSettings", TGS_FORMAT, tgs)
            + table("TrunkGroup", TG_FORMAT, rows)
            + table("Account", acc, ['Account 0 = 3, 1, "acc1", "acc1-pw", "", 1, "acc1";']))


@t.case
def mixed_device_per_gateway_per_endpoint_per_account():
    users = {"gw": EP_PASSWORD, "acc1": "acc1-pw"}
    users.update({str(n): EP_PASSWORD for n in range(1000, 1004)})
    users.update({str(n): EP_PASSWORD for n in range(3000, 3004)})
    users.update({str(n): EP_PASSWORD for n in range(4000, 4004)})
    users.update({str(n): EP_PASSWORD for n in range(5000, 5004)})
    with Lab("gwtgmixed") as lab:
        d = Device(lab, users, mixed_ini)
        d.wait_contacts(1 + 4 + 1, 20)
        time.sleep(1.0)     # nothing else comes
        check_eq(d.contacts(), 6, "contacts: TG 1 once, TG 2's four, the account")
        for user in ("gw", "3000", "3003", "acc1"):
            check(d.has_contact(user), "%s at Kamailio" % user)
        for user in ("1000", "4000", "5000", "5003"):
            check(not d.has_contact(user), "%s must not register" % user)
        states = d.column("gwRegState")
        want = sorted([(TRUNKGROUP, 1), (ACCOUNT, 0)]
                      + [(ENDPOINT, endpoint_id(1, 1, ch)) for ch in range(1, 5)])
        check_eq(sorted(states), want, "gwRegStatusTable rows")
        check_eq(set(states.values()), {REGISTERED}, "states")
        aor = snmpget(d.snmpd, mib.oid("gwRegAor", TRUNKGROUP, 1))
        check_eq(aor[1], '"sip:gw@tg1.test"', "the trunk group's registration")
        tg = snmpget(d.snmpd, mib.oid("gwRegTrunkGroupId", ACCOUNT, 0))
        check_eq(tg[1], "3", "the account's trunk group")
        rc, out, _ = d.gw.ctl("status")
        check("trunkgroup-1" in out and "endpoint-1/1/4" in out and "account-0" in out,
              "gwagentctl status:\n%s" % out)
        # the trunk-group action covers the per-trunk-group binding too
        rc, out, err = d.gw.ctl("unregister", "trunk-group", "1")
        check_eq(rc, 0, "unregister trunk-group 1: %s" % err)
        d.wait_contacts(5, 10)
        check(not d.has_contact("gw"), "trunk group 1's registration gone")


def auth_ini(port, needed=1):
    """Analog ports 1-3 of module 2 (TG 9, numbers 600-602): port 1 has
    its own user and password, port 2 only a password, port 3 no row; and
    a per-account account (registers whatever IsRegisterNeeded says)."""
    auth = ("FORMAT Authentication_Index = Authentication_UserId, "
            "Authentication_UserPassword, Authentication_Module, Authentication_Port;")
    acc = ("FORMAT Account_Index = Account_ServedTrunkGroup, Account_ServingIPGroup, "
           "Account_Username, Account_Password, Account_HostName, Account_Register, "
           "Account_ContactUser;")
    return (head(port, needed=needed)
            + table("TrunkGroupSettings", TGS_FORMAT, ['TrunkGroupSettings 0 = 3, 5, "", -1;'])
            + table("TrunkGroup", TG_FORMAT, ['TrunkGroup 0 = 9, 255, 1, 3, "600", 0, 255, 2;'])
            + table("Authentication", auth, ['Authentication 0 = "john", "john-pw", 2, 1;',
                                              'Authentication 1 = "", "port2-pw", 2, 2;'])
            + table("Account", acc, ['Account 0 = 3, 1, "acc1", "acc1-pw", "", 1, "acc1";']))


@t.case
def authentication_table_credentials():
    # the digest user differs from the To user for port 1 (john): no
    # To-user check at this registrar
    users = {"john": "john-pw", "601": "port2-pw", "602": EP_PASSWORD, "acc1": "acc1-pw"}
    with Lab("gwtgauth") as lab:
        d = Device(lab, users, auth_ini, check_to_user=False)
        d.wait_contacts(4, 20)
        for user in ("600", "601", "602", "acc1"):
            check(d.has_contact(user), "%s at Kamailio" % user)
        states = d.column("gwRegState")
        for port in (1, 2, 3):
            check_eq(states.get((ENDPOINT, endpoint_id(2, 255, port))), REGISTERED,
                     "analog port %d" % port)
        # a wrong password for port 2 fails that port alone
        d.k.add_user("601", "changed")
        rc, _, err = d.gw.ctl("register", "endpoint-2/255/2")
        check_eq(rc, 0, "register endpoint-2/255/2: %s" % err)
        # failed(9): credentials rejected
        wait_until(lambda: d.column("gwRegState").get((ENDPOINT, endpoint_id(2, 255, 2)))
                   == "9", 10, "port 2 refused", interval=0.2)
        err = snmpget(d.snmpd, mib.oid("gwRegLastError", ENDPOINT, endpoint_id(2, 255, 2)))
        check_eq(err[1], '"credentials rejected"', "port 2's error")
        check_eq(d.column("gwRegState").get((ENDPOINT, endpoint_id(2, 255, 1))), REGISTERED,
                 "port 1 unaffected")


@t.case
def is_register_needed_0_registers_no_endpoint():
    users = {"600": EP_PASSWORD, "601": EP_PASSWORD, "602": EP_PASSWORD, "john": "john-pw",
             "acc1": "acc1-pw"}
    with Lab("gwtgnoreg") as lab:
        d = Device(lab, users, lambda port: auth_ini(port, needed=0), check_to_user=False)
        d.wait_contacts(1, 20)      # the account: per account needs no IsRegisterNeeded
        time.sleep(1.0)
        check_eq(d.contacts(), 1, "contacts")
        check(d.has_contact("acc1"), "the account registers")
        states = d.column("gwRegState")
        check_eq(sorted(states), [(ACCOUNT, 0)], "gwRegStatusTable rows")


if __name__ == "__main__":
    sys.exit(t.run())
