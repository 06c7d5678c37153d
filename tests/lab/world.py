# SPDX-License-Identifier: ISC
"""The lab most integration tests start, in one class:

    w = World(lab, USERS, ini=lambda w: gateway_ini(w.k.udp_port, ("alice",), USERS))
    w.wait_registered(2, 0)
    w.get(mib.oid("gwRegState", 2, 0))

snmptrapd (trapd=True), snmpd as AgentX master sending its notifications
to that snmptrapd or to trap_sink, Kamailio as the registrar of realm
gw.test with `users` (registrar=True), then gwagentd as a subagent of that
snmpd with the gateway INI that ini(world) returns (text: written with
CRLF as Gwagentd.write_ini does; bytes: written as they are; None: no
file), started (start=True) until GWAGENT-MIB answers through snmpd.
gw(world), when given, makes the Gwagentd to run (a test's subclass);
settings, args and valgrind go to the Gwagentd the World makes otherwise.
A test adds the helpers only it needs in a subclass.  Everything stops
with the Lab, by PID.
"""
import os

from . import mib
from .mib import REG_ALL
from .gwagentd import Gwagentd, gwagentd_path
from .kamailio import Kamailio
from .proc import LabError, wait_until
from .snmp import Snmpd, Snmptrapd, snmpget, snmpset, snmpwalk
from .tap import check_eq

STATE_REGISTERED = "4"  # gwRegState registered(4)


class World:
    def __init__(self, lab, users, ini=None, accounts=("alice", "bob"), trapd=True,
                 trap_sink=None, registrar=True, gw=None, settings=None, args=(),
                 valgrind=False, start=True):
        if gwagentd_path() is None:
            raise LabError("gwagentd is not built")
        self.lab = lab
        self.passwords = users
        self.accounts = list(accounts)
        self.trapd = Snmptrapd(lab).start() if trapd else None
        self.snmpd = Snmpd(lab, trap_sink=self.trapd if trapd else trap_sink).start()
        self.k = Kamailio(lab, realm="gw.test", users=users).start() if registrar else None
        if gw is None:
            self.gw = Gwagentd(lab, agentx_socket=self.snmpd.agentx_socket, settings=settings,
                               args=args, valgrind=valgrind)
        else:
            self.gw = gw(self)
        text = ini(self) if ini is not None else None
        if isinstance(text, bytes):
            with open(self.gw.ini_path, "wb") as f:
                f.write(text)
            os.chmod(self.gw.ini_path, 0o600)
        elif text is not None:
            self.gw.write_ini(text)
        if start:
            self.start_gw(timeout=60 if self.gw.valgrind else 20)

    @classmethod
    def of(cls, lab, trapd, snmpd, k, gw, accounts, users=None):
        """A World's accessors over parts a test started itself."""
        w = cls.__new__(cls)
        w.lab, w.trapd, w.snmpd, w.k, w.gw = lab, trapd, snmpd, k, gw
        w.accounts = list(accounts)
        w.passwords = users
        return w

    def start_gw(self, timeout=20):
        """Start gwagentd and wait until its subtree answers through snmpd."""
        self.gw.start(timeout=timeout)
        self.wait_subtree(timeout)

    def wait_subtree(self, timeout=20):
        wait_until(lambda: (self.get(REG_ALL, timeout=1) or ("", ""))[0] == "INTEGER",
                   timeout, "GWAGENT-MIB through snmpd", interval=0.1)

    # SNMP through the lab snmpd: failures are results, not exceptions.
    def get(self, oid, **kw):
        return snmpget(self.snmpd, oid, check=False, **kw)

    def value(self, oid):
        v = self.get(oid)
        return v[1] if v else None

    def walk(self, oid, **kw):
        return snmpwalk(self.snmpd, oid, **kw)

    def set(self, varbinds, **kw):
        return snmpset(self.snmpd, varbinds, check=False, **kw)

    def must_set(self, varbinds, what):
        rc, _, err = self.set(varbinds)
        check_eq(rc, 0, "%s: %s" % (what, err))

    # Bindings: (1, 0) the gateway, (2, i) account i.
    def reg_state(self, btype, bid):
        """gwRegState of a binding, or None when it does not answer."""
        return self.value(mib.oid("gwRegState", btype, bid))

    def wait_state(self, btype, bid, state, timeout=30):
        wait_until(lambda: self.reg_state(btype, bid) == str(state), timeout,
                   "binding %d.%d in state %s" % (btype, bid, state))

    def wait_registered(self, btype, bid, timeout=20):
        wait_until(lambda: self.reg_state(btype, bid) == STATE_REGISTERED, timeout,
                   "binding %d.%d registered" % (btype, bid))

    def users(self):
        """The SIP users of the bindings: the gateway's, then the accounts'."""
        return ["gw"] + self.accounts

    def bindings(self):
        return [(1, 0)] + [(2, i) for i in range(len(self.accounts))]

    def all_registered(self):
        return all(self.reg_state(bt, bi) == STATE_REGISTERED for bt, bi in self.bindings())

    def all_contacts(self):
        return all(self.k.contacts(u) for u in self.users())

    def wait_all_registered(self, timeout=20):
        wait_until(lambda: self.all_registered() and self.all_contacts(), timeout,
                   "every binding registered and in the location table", interval=0.2)

    def wait_contact(self, user, present=True, timeout=20):
        wait_until(lambda: bool(self.k.contacts(user)) == present, timeout,
                   "%s %s the location table" % (user, "in" if present else "out of"))
