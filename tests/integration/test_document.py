#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The gateway INI is the operator's document of record: every save patches
it.  gwagentd runs as a subagent of a real snmpd, registers through a real
Kamailio, and its gateway INI is a device-style file (header comments,
unknown parameters in several sections, an unknown table, odd spacing and
quoting, CRLF or LF, with or without a BOM, passwords clear or obfuscated).
Every SET of a sweep (scalars present and absent, table cells, a column the
FORMAT does not list, createAndGo, destroy, a no-op RowStatus, gwIniLine, an
incremental load) must change exactly the lines that carry the changed
values, byte for byte; a full load replaces the document as uploaded."""
import base64
import difflib
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib, world  # noqa: E402
from lab.mib import (REG_ALL, REG_TIME, INI_URI, INI_MODE, INI_ACTION,  # noqa: E402
                     INI_LINE, INI_STATUS)
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.proc import LabError, wait_until  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

REG_RETRY = mib.oid("gwRegistrationRetryTime", 0)
REG_DIVIDER = mib.oid("gwRegistrationTimeDivider", 0)  # absent
IPGROUP = mib.oid("gwIpGroupEntry")
ACCOUNT = mib.oid("gwAccountEntry")
INI = mib.oid("gwIniMgmt")

USERS = {"gw": "gw-secret-1", "alice": "alice-secret-2", "bob": "bob-secret-3",
         "carol": "carol-secret-4"}

t = Suite(requires=["snmpd", "snmpget", "kamailio", "kamcmd"])


def obf(pw):
    """A password as gwagent-ini obfuscates it ($1$, XOR with the key,
    base64): not encryption, only what the reader decodes."""
    key = b"gwagent-ini"
    raw = bytes(c ^ key[i % len(key)] for i, c in enumerate(pw.encode()))
    return "$1$" + base64.b64encode(raw).decode()


def device_ini(port, eol="\r\n", bom=False, obfuscated=False, odd=False):
    """A Mediant-style dump around the lab's registration setup: the
    gateway registers through proxy set 0, alice and bob through IP group
    1 on proxy set 1, all on Kamailio at 127.0.0.1:port."""
    pw = (lambda u: obf(USERS[u])) if obfuscated else (lambda u: USERS[u])
    eq = " =  " if odd else " = "
    lines = [
        ";**************",
        ";** Ini File **",
        ";**************",
        "",
        ";Board: Mediant 2000 (lab copy)",
        ";Serial Number: 0000000",
        ";Slot Number: 1",
        ";Software Version: 6.60A.000.000",
        "",
        "[SYSTEM Params]",
        "",
        "SyslogServerIP = 127.0.0.1",
        "EnableSyslog = 1",
        "NTPServerIP = '127.0.0.1'",
        "",
        "[BSP Params]",
        "",
        "PCMLawSelect = 3",
        "",
        "[Voice Engine Params]",
        "",
        "ENABLEMEDIASECURITY = 0",
        "",
        "[SIP Params]",
        "",
        "GWDEBUGLEVEL = 5",
        "ENABLEEARLYMEDIA = 1",
        "IsProxyUsed = 1",
        "IsRegisterNeeded%s1" % eq,
        "GWRegistrationName = %s" % ("gw" if odd else "'gw'"),
        "UserName = 'gw'",
        "Password = '%s'" % pw("gw"),
        "SIPGatewayName = \"gw.test\"" if odd else "SIPGatewayName = 'gw.test'",
        "RegistrationTime%s60" % eq,
        "RegistrationRetryTime = 10",
        "IsProxyHotSwap = 1",
        "HotSwapRtx = 1",
        "; keep-alive is tuned per proxy set",
        "",
        "[ CodersGroup0 ]",
        "",
        "FORMAT CodersGroup0_Index = CodersGroup0_Name, CodersGroup0_pTime, "
        "CodersGroup0_rate, CodersGroup0_PayloadType, CodersGroup0_Sce;",
        "CodersGroup0 0 = \"g711Alaw64k\", 20, 0, -1, 0;",
        "CodersGroup0 1 = \"g729\", 20, 0, -1, 0;",
        "",
        "[ \\CodersGroup0 ]",
        "",
        "",
        "[ ProxySet ]",
        "",
        "FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, ProxySet_IsProxyHotSwap;",
        "ProxySet 0 = 0, 1;",
        "ProxySet 1 = 0, 1;",
        "",
        "[ \\ProxySet ]",
        "",
        "",
        "[ ProxyIp ]",
        "",
        "FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, ProxyIp_ProxySetId;",
        "ProxyIp 0 = \"127.0.0.1:%d\", 0, 0;" % port,
        "ProxyIp 1 = \"127.0.0.1:%d\", 0, 1;" % port,
        "",
        "[ \\ProxyIp ]",
        "",
        "",
        "[ IPGroup ]",
        "",
        "FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName, IPGroup_ContactUser;",
        "IPGroup 1 = 1, \"gw.test\", \"\";",
        "",
        "[ \\IPGroup ]",
        "",
        "",
        "[ TrunkGroupSettings ]",
        "",
        "FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, "
        "TrunkGroupSettings_RegistrationMode;",
        "TrunkGroupSettings 0 = 1, 5;",
        "",
        "[ \\TrunkGroupSettings ]",
        "",
        "",
        "[ Account ]",
        "",
        "FORMAT Account_Index = Account_ServedTrunkGroup, Account_ServedIPGroup, "
        "Account_ServingIPGroup, Account_Username, Account_Password, Account_HostName, "
        "Account_Register, Account_ContactUser, Account_ApplicationType;",
    ]
    for i, u in enumerate(("alice", "bob")):
        sep = " ,  " if odd and i == 1 else ", "
        lines.append("Account %d = 1%s-1, 1, \"%s\", \"%s\", \"\", 1, '%s', 0;"
                     % (i, sep, u, pw(u), u))
    lines += ["", "[ \\Account ]", "", ""]
    text = eol.join(lines)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


VARIANTS = [
    ("crlf", dict(eol="\r\n")),
    ("lf-bom-obfuscated", dict(eol="\n", bom=True, obfuscated=True)),
    ("lf-odd-spacing", dict(eol="\n", odd=True)),
]


def lines_of(data):
    return data.splitlines(keepends=True)


def changes(before, after):
    """[(tag, old lines, new lines)] of what differs, bytes with line ends."""
    a, b = lines_of(before), lines_of(after)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes()
            if tag != "equal"], sm


def eol_of(line):
    return b"\r\n" if line.endswith(b"\r\n") else b"\n" if line.endswith(b"\n") else b""


class DeviceWorld(world.World):
    """A lab whose gwagentd starts on the bytes of a device INI."""

    def read(self):
        with open(self.gw.ini_path, "rb") as f:
            return f.read()


class World(DeviceWorld):
    """snmpd, Kamailio and gwagentd started on device_ini(variant), every
    binding registered."""

    def __init__(self, lab, variant):
        super().__init__(lab, USERS, trapd=False, ini=lambda w: self.device_ini(variant))
        for bid in (0, 1):
            self.wait_registered(2, bid)
        self.wait_registered(1, 0)

    def device_ini(self, variant):
        self.original = device_ini(self.k.udp_port, **variant)
        return self.original


class Sweep:
    """Runs one SET after the other; after each, the file must differ from
    the one before by exactly the expected lines."""

    def __init__(self, w, name):
        self.w = w
        self.name = name
        self.cur = w.read()

    def step(self, what, varbinds, expect):
        rc, _, err = self.w.set(varbinds)
        check_eq(rc, 0, "%s %s: %s" % (self.name, what, err))
        self.expect(what, expect)

    def expect(self, what, expect):
        new = self.w.read()
        ops, _ = changes(self.cur, new)
        try:
            expect(ops, self.cur, new)
        except AssertionError as e:
            diff = b"".join(difflib.diff_bytes(difflib.unified_diff, lines_of(self.cur),
                                               lines_of(new), b"before", b"after", n=1))
            raise AssertionError("%s %s: %s\n%s" % (self.name, what, e,
                                                     diff.decode(errors="replace")))
        mode = os.stat(self.w.gw.ini_path).st_mode & 0o777
        check_eq(oct(mode), "0o600", "%s %s: INI mode" % (self.name, what))
        self.cur = new


def one_replaced(name_re, value_re):
    """Exactly one line replaced in place, same line end, same leading
    name as written, new line carries value_re."""
    def f(ops, before, after):
        assert len(ops) == 1 and ops[0][0] == "replace", "want one replaced line, got %r" % ops
        _, old, new = ops[0]
        assert len(old) == 1 and len(new) == 1, "want one line each side, got %r" % ops
        o, n = old[0], new[0]
        assert re.match(name_re, o, re.I), "old line %r is not %s" % (o, name_re)
        assert eol_of(o) == eol_of(n), "line end changed: %r -> %r" % (o, n)
        lead = re.match(rb"\s*[^\s=]+", o).group(0)
        assert n.startswith(lead), "name spelling changed: %r -> %r" % (o, n)
        assert re.search(value_re, n), "new line %r lacks %s" % (n, value_re)
    return f


def one_inserted(line_re, before_re=None):
    def f(ops, before, after):
        assert len(ops) == 1 and ops[0][0] == "insert", "want one inserted line, got %r" % ops
        _, _, new = ops[0]
        assert len(new) == 1 and re.match(line_re, new[0], re.I), "inserted %r" % new
        if before_re is not None:
            al = lines_of(after)
            i = al.index(new[0])
            assert i + 1 < len(al) and re.match(before_re, al[i + 1], re.I), \
                "inserted line is followed by %r" % al[i + 1:i + 2]
    return f


def one_deleted(line_re):
    def f(ops, before, after):
        assert len(ops) == 1 and ops[0][0] == "delete", "want one deleted line, got %r" % ops
        _, old, _ = ops[0]
        assert len(old) == 1 and re.match(line_re, old[0], re.I), "deleted %r" % old
    return f


def unchanged(ops, before, after):
    assert before == after, "the file changed: %r" % ops


def format_and_row(ops, before, after):
    """A column outside the FORMAT: the FORMAT line and the one row of the
    block are rewritten, nothing else."""
    old = [l for tag, o, n in ops for l in o]
    new = [l for tag, o, n in ops for l in n]
    assert all(tag == "replace" for tag, _, _ in ops), "%r" % ops
    assert len(old) == 2 and len(new) == 2, "want 2 lines rewritten, got %r" % ops
    assert re.match(rb"FORMAT IPGroup_Index", new[0]) and b"IPGroup_Description" in new[0], new[0]
    assert re.match(rb"IPGroup 1 = ", new[1]) and b"core-trunk" in new[1], new[1]
    assert new[0].startswith(old[0].rstrip(b";\r\n")), "FORMAT columns reordered: %r" % new[0]


def sweep(variant_name, variant):
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    with Lab() as lab:
        w = World(lab, variant)
        check_eq(w.read(), w.original, "%s: start-up leaves the file alone" % variant_name)
        s = Sweep(w, variant_name)
        s.step("scalar present", [(REG_TIME, "u", 600)],
               one_replaced(rb"RegistrationTime\b", rb"=\s*600\s*$"))
        s.step("same value again", [(REG_TIME, "u", 600)], unchanged)
        s.step("scalar absent", [(REG_DIVIDER, "u", 60)],
               one_inserted(rb"RegistrationTimeDivider\s*=\s*60\r?\n$"))
        s.step("table cell", [(mib.oid("gwAccountContactUser", 0), "s", "alice2")],
               one_replaced(rb"Account 0\b", rb"alice2"))
        s.step("no-op RowStatus active", [(mib.oid("gwAccountRowStatus", 0), "i", 1)], unchanged)
        s.step("column outside FORMAT", [(mib.oid("gwIpGroupDescription", 1), "s", "core-trunk")],
               format_and_row)
        carol = [(mib.oid("gwAccountRowStatus", 5), "i", 4),
                 (mib.oid("gwAccountServedTrunkGroup", 5), "i", 1),
                 (mib.oid("gwAccountServingIPGroup", 5), "i", 1),
                 (mib.oid("gwAccountUsername", 5), "s", "carol"),
                 (mib.oid("gwAccountPassword", 5), "s", USERS["carol"]),
                 (mib.oid("gwAccountRegister", 5), "i", 1),
                 (mib.oid("gwAccountContactUser", 5), "s", "carol")]
        s.step("createAndGo", carol, one_inserted(rb"Account 5 = ", rb"\[ \\Account \]"))
        w.wait_registered(2, 5)
        s.step("password of a row", [(mib.oid("gwAccountPassword", 1), "s", "bob-new-5")],
               one_replaced(rb"Account 1\b", rb"Account 1"))
        obfuscated = variant.get("obfuscated", False)
        row = [l for l in lines_of(s.cur) if l.startswith(b"Account 1 ")][0]
        check((b"bob-new-5" in row) != obfuscated,
              "%s: password written in the document's form: %r" % (variant_name, row))
        if obfuscated:
            check(obf("bob-new-5").encode() in row, "obfuscated password reads back")
        s.step("destroy", [(mib.oid("gwAccountRowStatus", 5), "i", 6)],
               one_deleted(rb"Account 5 = "))
        s.step("gwIniLine", [(INI_LINE, "s", "RegistrationRetryTime = 20")],
               one_replaced(rb"RegistrationRetryTime\b", rb"=\s*20\s*$"))
        # an incremental load names one scalar and one row cell
        inc = os.path.join(lab.dir, "inc.ini")
        with open(inc, "w") as f:
            f.write("RegistrationTime = 700\n[ Account ]\nFORMAT Account_Index = "
                    "Account_ContactUser;\nAccount 0 = \"alice3\";\n[ \\Account ]\n")
        rc, _, err = w.set([(INI_URI, "s", "file://" + inc), (INI_MODE, "i", 2),
                            (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "incremental load: %s" % err)
        wait_until(lambda: w.get(INI_STATUS)[1] == "2", 15, "incremental load succeeded")

        def two_lines(ops, before, after):
            assert len(ops) == 2 and all(tag == "replace" for tag, _, _ in ops), "%r" % ops
            assert re.match(rb"RegistrationTime\b.*700", ops[0][2][0]), ops
            assert re.match(rb"Account 0 = .*alice3", ops[1][2][0]), ops
        s.expect("incremental load", two_lines)
        # everything else of the operator's file is still there, in order
        orig = lines_of(w.original)
        kept = [l for l in orig if l.strip() and not re.match(
            rb"(\xef\xbb\xbf)?(RegistrationTime|RegistrationRetryTime|FORMAT IPGroup_Index|"
            rb"IPGroup 1|Account [01]) ", l)]
        now = lines_of(s.cur)
        lost = [l for l in kept if l not in now]
        check(not lost, "%s: every other line kept, lost %r" % (variant_name, lost))
        check_eq(s.cur.startswith(b"\xef\xbb\xbf"), variant.get("bom", False), "%s: BOM kept" % variant_name)
        # a full load replaces the document with the uploaded file as uploaded
        full = os.path.join(lab.dir, "full.ini")
        upload = device_ini(w.k.udp_port, eol="\n", obfuscated=True).replace(
            b"RegistrationTime = 60", b"RegistrationTime = 90")
        with open(full, "wb") as f:
            f.write(upload)
        rc, _, err = w.set([(INI_URI, "s", "file://" + full), (INI_MODE, "i", 1),
                            (INI_ACTION, "i", 1)])
        check_eq(rc, 0, "full load: %s" % err)
        wait_until(lambda: w.get(INI_STATUS)[1] == "2", 15, "full load succeeded")
        check_eq(w.read(), upload, "%s: a full load saves the file as uploaded" % variant_name)
        check_eq(w.get(REG_TIME)[1], "90", "the full load applied")
        for bid in (0, 1):
            w.wait_registered(2, bid)


# ---- the corpus of device dumps -------------------------------------------

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ini")
PROXYSET = mib.oid("gwProxySetEntry")
PROXYIP = mib.oid("gwProxyIpEntry")
TGS = mib.oid("gwTrunkGroupSettingsEntry")
# (scalar OID, INI name, new value from the current one)
SWEEP_SCALARS = [
    (REG_TIME, "RegistrationTime", lambda v: v + 7 if v + 7 <= 2000000 else 61),
    (REG_RETRY, "RegistrationRetryTime", lambda v: v + 7 if v + 7 <= 3600 else 11),
    (mib.oid("gwMaxRegistrationBackoffTime", 0), "MaxRegistrationBackoffTime",
     lambda v: v + 5 if v + 5 <= 3600 else 31),
]
# (entry OID, table, column, INI column, SNMP type, new value from the current one)
SWEEP_CELLS = [
    (PROXYSET, "ProxySet", 3, "ProxySet_ProxyKeepAliveTime", "u",
     lambda v: str(int(v) + 1 if int(v) < 2000000 else 60)),
    (PROXYIP, "ProxyIp", 2, "ProxyIp_IpAddress", "s", lambda v: "127.0.0.9:5071"),
    (IPGROUP, "IPGroup", 3, "IPGroup_Description", "s", lambda v: "lab group"),
    (TGS, "TrunkGroupSettings", 5, "TrunkGroupSettings_ContactUser", "s", lambda v: "tgslab"),
    (ACCOUNT, "Account", 9, "Account_ContactUser", "s", lambda v: "acctlab"),
    (mib.oid("gwTrunkGroupEntry"), "TrunkGroup", 8, "TrunkGroup_ProfileId", "u",
     lambda v: str((int(v) + 1) % 10)),
    (mib.oid("gwAuthenticationEntry"), "Authentication", 2, "Authentication_UserId", "s",
     lambda v: "authlab"),
]


class NetnsGwagentd(Gwagentd):
    """gwagentd in a network namespace of its own, lo up: a device dump's
    addresses and names reach nothing (AgentX goes through a unix socket
    in the shared file system)."""

    def argv(self):
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"',
                "gwagentd"] + super().argv()


def corpus():
    out = []
    for d in (DATA, os.path.join(DATA, "devices")):
        if os.path.isdir(d):
            out += [os.path.join(d, f) for f in sorted(os.listdir(d))
                    if f.endswith(".ini") and not f.startswith("broken")]
    return out


def unq(v):
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] == '"' else v


def table_line(table):
    # 7.2 and later write "FORMAT Index = Col, ..." (no table prefix)
    return re.compile(rb"\s*(FORMAT\s+(%s_)?Index\b|%s\s+\d+\s*=)" % (table.encode(), table.encode()),
                      re.I)


def format_has(data, table, col):
    short = col.split("_", 1)[1].encode()
    for l in lines_of(data):
        if re.match(rb"\s*FORMAT\s+(%s_)?Index\b" % table.encode(), l, re.I):
            return re.search(rb"[=,]\s*(%s_)?%s\s*[,;]" % (table.encode(), short), l,
                             re.I) is not None
    return False


def corpus_sweep(path):
    with open(path, "rb") as f:
        original = f.read()
    name = os.path.basename(path)
    with Lab() as lab:
        w = DeviceWorld(lab, USERS, trapd=False, registrar=False, ini=lambda w: original,
                        gw=lambda w: NetnsGwagentd(lab, agentx_socket=w.snmpd.agentx_socket))
        snmpd, gw = w.snmpd, w.gw
        check_eq(w.read(), original, "%s: start-up leaves the file alone" % name)
        s = Sweep(w, name)
        steps = 0
        for oid, ini_name, nxt in SWEEP_SCALARS:
            cur = int(w.get(oid)[1])
            present = re.search(rb"^\s*%s\s*=" % ini_name.encode(), s.cur, re.M | re.I)
            want = one_replaced(rb"\s*%s\b" % ini_name.encode(), rb"=\s*'?%d'?\s*$" % nxt(cur)) \
                if present else one_inserted(rb"%s\s*=\s*%d\r?\n$" % (ini_name.encode(), nxt(cur)))
            s.step(ini_name, [(oid, "u", nxt(cur))], want)
            steps += 1
        from lab.snmp import snmpwalk
        for entry, table, col, ini_col, typ, nxt in SWEEP_CELLS:
            cells = snmpwalk(snmpd, "%s.%d" % (entry, col))
            if not cells:
                continue
            oid = sorted(cells, key=lambda o: [int(x) for x in o.split(".")])[0]
            row = oid.rsplit(".", 1)[1]
            value = nxt(unq(cells[oid][1]))
            in_format = format_has(s.cur, table, ini_col)
            tl = table_line(table)

            def cell_changed(ops, before, after, tl=tl, row=row, value=value,
                             in_format=in_format, table=table):
                for tag, old, new in ops:
                    for l in old + new:
                        assert tl.match(l), "a line outside table %s changed: %r" % (table, l)
                rows = [l for l in lines_of(after) if re.match(rb"\s*%s\s+%s\s*=" % (
                    table.encode(), row.encode()), l, re.I)]
                assert len(rows) == 1 and value.encode() in rows[0], "row %s: %r" % (row, rows)
                if in_format:
                    assert len(ops) == 1 and ops[0][0] == "replace" and len(ops[0][1]) == 1, \
                        "want the one row rewritten: %r" % ops
            s.step("%s %s.%s" % (table, ini_col, row),
                   [(oid, typ, value)], cell_changed)
            steps += 1
        accounts = snmpwalk(snmpd, mib.oid("gwAccountServedTrunkGroup"))
        if accounts:
            first = sorted(accounts, key=lambda o: int(o.rsplit(".", 1)[1]))[0].rsplit(".", 1)[1]
            served = accounts[mib.oid("gwAccountServedTrunkGroup", first)][1]
            serving = w.get(mib.oid("gwAccountServingIPGroup", first))[1]
            before_create = s.cur
            s.step("createAndGo", [(mib.oid("gwAccountRowStatus", 999), "i", 4),
                                   (mib.oid("gwAccountServedTrunkGroup", 999), "i", served),
                                   (mib.oid("gwAccountServingIPGroup", 999), "i", serving),
                                   (mib.oid("gwAccountUsername", 999), "s", "sweep"),
                                   (mib.oid("gwAccountRegister", 999), "i", 0)],
                   one_inserted(rb"\s*Account\s+999\s*=", rb"\s*\[\s*\\Account\s*\]"))
            s.step("destroy", [(mib.oid("gwAccountRowStatus", 999), "i", 6)],
                   one_deleted(rb"\s*Account\s+999\s*="))
            check_eq(s.cur, before_create, "%s: create then destroy gives the file back" % name)
            steps += 2
        s.step("gwIniLine", [(INI_LINE, "s", "RegistrationTime = 3599")],
               one_replaced(rb"\s*RegistrationTime\b", rb"=\s*3599\s*$"))
        check(steps >= 5, "%s: %d sweep steps ran" % (name, steps))
        # the patched file reads back to the same configuration
        before = {k: v for k, v in snmpwalk(snmpd, mib.oid("gwConfig")).items()}
        gw.stop()
        gw.start()
        wait_until(lambda: (w.get(REG_ALL) or ("", ""))[0] == "INTEGER", 20,
                   "GWAGENT-MIB through snmpd after the restart")
        # (the first walk may race snmpd dropping the old session: retry)
        after = {}

        def same():
            try:
                after.update(walk=snmpwalk(snmpd, mib.oid("gwConfig")))
            except LabError:
                return False
            return after["walk"] == before
        try:
            wait_until(same, 15, "the same configuration after a restart")
        except LabError:
            pass
        check_eq(after.get("walk"), before, "%s: configuration after a restart" % name)


def _corpus_cases():
    for path in corpus():
        def _case(p=path):
            corpus_sweep(p)
        _case.__name__ = "corpus_sweep_" + re.sub(r"\W", "_", os.path.basename(path)[:-4])
        t.case(_case)


_corpus_cases()


for _name, _variant in VARIANTS:
    def _case(n=_name, v=_variant):
        sweep(n, v)
    _case.__name__ = "set_sweep_changes_only_changed_lines_" + _name.replace("-", "_")
    t.case(_case)


if __name__ == "__main__":
    t.run()
