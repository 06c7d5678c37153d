#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""GETNEXT and GETBULK at the edges of GWAGENT-MIB (issue 12), through snmpd
as AgentX master and through gwagentd's embedded master (-M): from
<column>.2147483648, <column>.4294967295, <column>.<huge index>.1.2.3 and
from the last row of every table column in mibs/GWAGENT-MIB.txt, the answer
is the next object in GWAGENT-MIB order, taken from a full walk of the same
agent; the subtree is never left while GWAGENT-MIB objects remain."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.mib import REG_ALL  # noqa: E402
from lab.gateway import gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, free_port, wait_until  # noqa: E402
from lab.snmp import Snmpd, snmp_cmd, snmpget  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

ROOT = mib.oid("gwagentMIB")
OBJ = mib.oid("gwObjects")
REG_STATUS = mib.oid("gwRegStatusEntry")
ALARMS = mib.oid("gwActiveAlarmEntry")
STATE_REGISTERED = "4"

USERS = {"gw": "gw-edge-1", "alice": "alice-edge-2", "bob": "bob-edge-3"}
# bob's INI password is wrong: his binding fails and keeps an alarm row
INI_USERS = dict(USERS, bob="not-bobs-password")

t = Suite(requires=["snmpd", "snmpgetnext", "snmpbulkget", "snmpwalk", "kamailio"])


def oid_t(text):
    return tuple(int(x) for x in text.strip(".").split("."))


def oid_s(t):
    return ".".join(str(x) for x in t)


def mib_columns():
    """Every column of every table of GWAGENT-MIB: [(table name, column
    name, OID tuple)], from mibs/GWAGENT-MIB.txt (children of *Entry)."""
    top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(top, "mibs", "GWAGENT-MIB.txt")) as f:
        text = re.sub(r"--[^\n]*", "", f.read())
    parent = {}
    for m in re.finditer(r"\b([a-z][A-Za-z0-9]*)\s+(?:OBJECT-TYPE|OBJECT IDENTIFIER|"
                         r"MODULE-IDENTITY|OBJECT-IDENTITY)\b.*?::=\s*\{\s*([A-Za-z0-9]+)"
                         r"\s+(\d+)\s*\}", text, re.S):
        parent[m.group(1)] = (m.group(2), int(m.group(3)))

    def resolve(name):
        if name == "gwagentMIB":
            return oid_t(ROOT)
        p, arc = parent[name]
        return resolve(p) + (arc,)
    cols = [(parent[p][0], name, resolve(name)) for name, (p, _) in parent.items()
            if p.endswith("Entry") and p in parent]
    if len(cols) < 40:
        raise LabError("only %d columns found in GWAGENT-MIB.txt" % len(cols))
    return sorted(cols, key=lambda c: c[2])


LINE = re.compile(r"^\.?(\d+(?:\.\d+)+) = (.*)$")


def answers(agent, tool, oids, extra=()):
    """The OIDs of the varbinds answered, in order (None: endOfMibView)."""
    _, out, err = snmp_cmd(tool, agent, list(extra) + [oid_s(o) for o in oids], timeout=5,
                           retries=1)
    got = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            got.append(None if m.group(2).startswith("No more variables") else oid_t(m.group(1)))
    return got


def walk(agent):
    _, out, _ = snmp_cmd("snmpwalk", agent, [OBJ], timeout=5, retries=1)
    got = [oid_t(m.group(1)) for m in map(LINE.match, out.splitlines()) if m]
    check_eq(got, sorted(got), "the walk is in OID order")
    check(len(got) > 60, "the walk returned %d objects" % len(got))
    return got


def origins(col, rows):
    """The edge OIDs of one column: huge sub-identifiers, an index far past
    every row with more sub-identifiers after it, and the last row."""
    out = [col + (2147483648,), col + (4294967295,), col + (4294967295, 1, 2, 3),
           col + (2147483648, 4294967295, 1, 2, 3)]
    if rows:
        last = rows[-1]
        out += [col + last, col + last + (4294967295,), col + last[:1] + (2147483648,)]
    return out


def expected_after(order, o):
    """The first object of the walk after o, or None past the last one."""
    for x in order:
        if x > o:
            return x
    return None


def check_answer(order, origin, got, what):
    obj = oid_t(OBJ)
    want = expected_after(order, origin)
    if want is not None:
        check_eq(oid_s(got) if got else got, oid_s(want),
                 "%s from %s" % (what, oid_s(origin)))
    else:  # past GWAGENT-MIB's last object: anything after the subtree
        check(got is None or (got[:len(obj)] != obj and got > origin),
              "%s from %s left GWAGENT-MIB's end for %s" % (what, oid_s(origin), got))


def check_edges(agent, order, cols):
    """Every column's edges by GETNEXT and by GETBULK (two repetitions)."""
    n = 0
    by_table = {}
    for table, _, oid in cols:
        by_table.setdefault(table, []).append(oid)
    for table, toids in sorted(by_table.items()):
        reqs = []
        for col in toids:
            rows = sorted(o[len(col):] for o in order if o[:len(col)] == col)
            reqs += origins(col, rows)
        for i in range(0, len(reqs), 24):
            chunk = reqs[i:i + 24]
            got = answers(agent, "snmpgetnext", chunk)
            check_eq(len(got), len(chunk), "GETNEXT answers for %s" % table)
            for o, g in zip(chunk, got):
                check_answer(order, o, g, "GETNEXT")
            got = answers(agent, "snmpbulkget", chunk, ["-Cn0", "-Cr2"])
            check_eq(len(got), 2 * len(chunk), "GETBULK answers for %s" % table)
            for j, o in enumerate(chunk):
                check_answer(order, o, got[j], "GETBULK")
                first = expected_after(order, o)
                if first is not None:
                    check_answer(order, first, got[len(chunk) + j], "GETBULK 2nd")
            n += len(chunk)
    return n


def stable_walk(agent, timeout=20):
    """A walk whose OIDs are the same twice in a row (counters may move)."""
    prev = []

    def same():
        cur = walk(agent)
        ok = cur == prev
        prev[:] = cur
        return ok
    wait_until(same, timeout, "a stable walk", interval=0.5)
    return list(prev)


def run_edges(agent):
    cols = mib_columns()
    for attempt in range(2):
        order = stable_walk(agent)
        check(any(o[:len(oid_t(ALARMS))] == oid_t(ALARMS) for o in order),
              "bob's failure shows in gwActiveAlarmTable")
        check(any(o[:len(oid_t(REG_STATUS))] == oid_t(REG_STATUS) for o in order),
              "gwRegStatusTable has rows")
        try:
            n = check_edges(agent, order, cols)
        except AssertionError:
            if attempt == 1 or walk(agent) == order:
                raise
            continue  # the rows moved under the test: once more
        check(n > 4 * len(cols), "%d edge requests" % n)
        return


def need_daemon():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")


def wait_ready(agent, timeout=30):
    """Gateway and alice registered, bob's alarm raised."""
    def ok():
        st = snmpget(agent, mib.oid("gwRegState", 2, 0), check=False, timeout=1, retries=0)
        al = snmp_cmd("snmpgetnext", agent, [ALARMS], timeout=1, retries=0, check=False)[1]
        return st is not None and st[1] == STATE_REGISTERED and (ALARMS + ".") in al
    wait_until(ok, timeout, "alice registered and bob's alarm", interval=0.3)


@t.case
def agentx_getnext_and_getbulk_edges_follow_the_walk():
    need_daemon()
    with Lab() as lab:
        snmpd = Snmpd(lab).start()
        k = Kamailio(lab, realm="gw.test", users=USERS).start()
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                      gateway_ini=gateway_ini(k.udp_port, ("alice", "bob"), INI_USERS))
        gw.start()
        wait_until(lambda: (snmpget(snmpd, REG_ALL, check=False) or ("", ""))[0] == "INTEGER",
                   20, "GWAGENT-MIB through snmpd")
        wait_ready(snmpd)
        run_edges(snmpd)
        gw.check_alive()


@t.case
def embedded_master_getnext_and_getbulk_edges_follow_the_walk():
    need_daemon()
    with Lab() as lab:
        k = Kamailio(lab, realm="gw.test", users=USERS).start()
        port = free_port("udp")
        gw = Gwagentd(lab, master="udp:127.0.0.1:%d" % port,
                      gateway_ini=gateway_ini(k.udp_port, ("alice", "bob"), INI_USERS))
        gw.start()

        class A:  # what lab.snmp helpers need of an agent
            address = "127.0.0.1:%d" % port
            lab = None
        A.lab = lab
        wait_until(lambda: snmpget(A, REG_ALL, check=False) is not None, 10, "master answers")
        wait_ready(A)
        run_edges(A)
        gw.check_alive()


if __name__ == "__main__":
    sys.exit(t.run())
