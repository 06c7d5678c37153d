#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""TAP: every configuration OBJECT-TYPE of GWAGENT-MIB agrees with its row
of the parameter catalog (ini/catalog.c), as tests/lint/catalog_dump
prints it: descriptor, OID, MAX-ACCESS, SYNTAX (type, range or size,
enumeration labels and numbers), DEFVAL, and the INI name that the
DESCRIPTION ends with ("INI: Name").  One point per catalog object, one per
table, and one for MIB objects that name an INI parameter the catalog
does not put in the MIB.  The gwagentd.conf settings that a MIB object
carries (gwAlarmTrapRateLimit) are held to their one constant too.

Usage: check_mib_catalog.py [--mib FILE] [--dump PROGRAM]
"""
import os
import re
import subprocess
import sys

TOP = os.environ.get("top_srcdir") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("top_builddir") or "."


def strip_comments(text):
    """Drop ASN.1 comments ("--" to the end of the line or the next "--")
    outside quoted strings."""
    out, i, n, quoted = [], 0, len(text), False
    while i < n:
        c = text[i]
        if c == '"':
            quoted = not quoted
            out.append(c)
            i += 1
        elif not quoted and text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            close = text.find("--", i + 2, end)
            i = end if close < 0 else close + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_enum_list(body):
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"([A-Za-z][\w-]*)\s*\(\s*(-?\d+)\s*\)", body)]


class Mib:
    """The parts of a SMIv2 module this check needs."""

    def __init__(self, text):
        text = strip_comments(text)
        self.parent = {}  # descriptor -> (parent, arc)
        self.objects = {}  # descriptor -> dict of clauses
        self.tcs = {}  # TEXTUAL-CONVENTION -> [(label, n)]
        for m in re.finditer(
                r"(\w[\w-]*)\s+(?:OBJECT IDENTIFIER|MODULE-IDENTITY.*?|"
                r"OBJECT-IDENTITY.*?)\s*::=\s*\{\s*(\w[\w-]*)\s+(\d+)\s*\}",
                text, re.S):
            self.parent[m.group(1)] = (m.group(2), int(m.group(3)))
        for m in re.finditer(
                r"(\w[\w-]*)\s*::=\s*TEXTUAL-CONVENTION(.*?)SYNTAX\s+"
                r"INTEGER\s*\{(.*?)\}", text, re.S):
            if "::=" not in m.group(2):
                self.tcs[m.group(1)] = parse_enum_list(m.group(3))
        for m in re.finditer(
                r"(\w[\w-]*)\s+OBJECT-TYPE(.*?)::=\s*\{\s*(\w[\w-]*)\s+"
                r"(\d+)\s*\}", text, re.S):
            name, body = m.group(1), m.group(2)
            self.parent[name] = (m.group(3), int(m.group(4)))
            self.objects[name] = self.clauses(body)

    @staticmethod
    def clauses(body):
        o = {}
        m = re.search(r"SYNTAX\s+(.*?)\s*(?:UNITS|MAX-ACCESS)\b", body, re.S)
        o["syntax"] = " ".join(m.group(1).split()) if m else ""
        m = re.search(r"MAX-ACCESS\s+([\w-]+)", body)
        o["access"] = m.group(1) if m else ""
        m = re.search(r'DESCRIPTION\s+"(.*?)"', body, re.S)
        o["description"] = " ".join(m.group(1).split()) if m else ""
        m = re.search(r"DEFVAL\s*\{\s*(.*?)\s*\}", body, re.S)
        o["defval"] = m.group(1) if m else "-"
        m = re.search(r"INDEX\s*\{\s*(.*?)\s*\}", body, re.S)
        o["index"] = m.group(1) if m else ""
        return o

    def oid(self, name, root="gwagentMIB"):
        """The OID of name below root, as a dotted string (None if not
        below it)."""
        arcs = []
        while name != root:
            if name not in self.parent:
                return None
            name, arc = self.parent[name]
            arcs.append(str(arc))
        return ".".join(reversed(arcs))


def syntax_problems(mib, o, row):
    """What is wrong with the SYNTAX of object o for catalog row."""
    syntax, kind, typ = o["syntax"], row["syntax"], row["type"]
    if kind == "enum":
        want = row["enums"]
        if typ != "-":
            if syntax != typ:
                return ["SYNTAX %s, catalog %s" % (syntax, typ)]
            got = mib.tcs.get(typ)
            if got is None:
                return ["no TEXTUAL-CONVENTION %s" % typ]
        else:
            m = re.fullmatch(r"INTEGER\s*\{(.*)\}", syntax)
            if not m:
                return ["SYNTAX %s, catalog INTEGER { ... }" % syntax]
            got = parse_enum_list(m.group(1))
        got = ",".join("%s(%d)" % e for e in got)
        return [] if got == want else [
            "enumeration %s, catalog %s" % (got, want)]
    if kind in ("Integer32", "Unsigned32"):
        m = re.fullmatch(r"(\w+)\s*\(\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\)", syntax)
        got = "%s (%s..%s)" % m.groups() if m else syntax
        want = "%s (%s)" % (kind, row["range"])
        return [] if got == want else ["SYNTAX %s, catalog %s" % (got, want)]
    m = re.fullmatch(r"(\w+)\s*\(\s*SIZE\s*\(\s*(\d+)\s*\.\.\s*(\d+)\s*\)\s*\)",
                     syntax)
    got = "%s (SIZE (%s..%s))" % m.groups() if m else syntax
    want = "%s (SIZE (%s))" % (typ, row["range"])
    return [] if got == want else ["SYNTAX %s, catalog %s" % (got, want)]


def param_problems(mib, row):
    name = row["mib"]
    o = mib.objects.get(name)
    if o is None:
        return ["no OBJECT-TYPE %s" % name]
    bad = []
    oid = mib.oid(name)
    if oid != row["oid"]:
        bad.append("OID %s, catalog %s" % (oid, row["oid"]))
    if o["access"] != row["access"]:
        bad.append("MAX-ACCESS %s, catalog %s" % (o["access"], row["access"]))
    bad += syntax_problems(mib, o, row)
    if o["defval"] != row["defval"]:
        bad.append("DEFVAL %s, catalog %s" % (o["defval"], row["defval"]))
    if not o["description"].endswith("INI: " + row["ini"]):
        bad.append('DESCRIPTION does not end with "INI: %s"' % row["ini"])
    return bad


def table_problems(mib, row):
    name = row["mib"]
    if name not in mib.objects:
        return ["no OBJECT-TYPE %s" % name]
    bad = []
    if mib.oid(name) != row["oid"]:
        bad.append("OID %s, catalog %s" % (mib.oid(name), row["oid"]))
    entry = [n for n, (p, a) in mib.parent.items() if p == name and a == 1]
    if len(entry) != 1 or entry[0] not in mib.objects:
        return bad + ["no entry %s.1" % name]
    idx = mib.objects.get(mib.objects[entry[0]]["index"])
    if idx is None:
        bad.append("no INDEX object")
    else:
        if not re.fullmatch(r"Unsigned32 \(%s\)" % re.escape(row["range"]),
                            idx["syntax"]):
            bad.append("index SYNTAX %s, catalog Unsigned32 (%s)" %
                       (idx["syntax"], row["range"]))
        if not idx["description"].endswith("INI: " + row["index"]):
            bad.append('index DESCRIPTION does not end with "INI: %s"' %
                       row["index"])
    rs = [n for n, (p, a) in mib.parent.items()
          if p == entry[0] and a == int(row["rowstatus"])]
    if not rs or mib.objects.get(rs[0], {}).get("syntax") != "RowStatus" or \
            mib.objects[rs[0]]["access"] != "read-create":
        bad.append("column %s is no read-create RowStatus" % row["rowstatus"])
    return bad


def setting_problems(mib, row):
    o = mib.objects.get(row["mib"])
    if o is None:
        return ["no OBJECT-TYPE %s" % row["mib"]]
    bad = []
    if o["defval"] != row["defval"]:
        bad.append("DEFVAL %s, gwagentd %s" % (o["defval"], row["defval"]))
    want = "Unsigned32 (%s)" % row["range"]
    if o["syntax"] != want:
        bad.append("SYNTAX %s, gwagentd %s" % (o["syntax"], want))
    return bad


def load_catalog(dump):
    params, tables, settings = [], [], []
    out = subprocess.run([dump], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "param" and len(f) == 10:
            params.append(dict(zip(
                ("ini", "mib", "access", "oid", "syntax", "type", "range",
                 "enums", "defval"), f[1:])))
        elif f[0] == "table" and len(f) == 7:
            tables.append(dict(zip(
                ("ini", "mib", "oid", "index", "range", "rowstatus"), f[1:])))
        elif f[0] == "setting" and len(f) == 5:
            settings.append(dict(zip(("ini", "mib", "defval", "range"),
                                     f[1:])))
        else:
            raise SystemExit("Bail out! bad catalog_dump line: %r" % line)
    return params, tables, settings


def main(argv):
    mibfile = os.path.join(TOP, "mibs", "GWAGENT-MIB.txt")
    dump = os.path.join(BUILD, "tests", "lint", "catalog_dump")
    while argv:
        opt = argv.pop(0)
        if opt == "--mib":
            mibfile = argv.pop(0)
        elif opt == "--dump":
            dump = argv.pop(0)
        else:
            raise SystemExit("usage: check_mib_catalog.py [--mib FILE] "
                             "[--dump PROGRAM]")
    params, tables, settings = load_catalog(dump)
    with open(mibfile, encoding="utf-8") as f:
        mib = Mib(f.read())
    print("1..%d" % (len(params) + len(tables) + len(settings) + 1))
    n, failed = 0, 0
    for row, check in [(r, param_problems) for r in params] + \
            [(r, table_problems) for r in tables] + \
            [(r, setting_problems) for r in settings]:
        n += 1
        bad = check(mib, row)
        failed += bool(bad)
        print("%sok %d - %s (%s)" % ("not " if bad else "", n, row["mib"],
                                      row["ini"]))
        for b in bad:
            print("# %s: %s" % (row["mib"], b))
    # An object that names an INI parameter must be a catalog row (the
    # index objects name the tables' index columns).
    known = {r["mib"] for r in params}
    extra = sorted(
        name for name, o in mib.objects.items()
        if re.search(r"INI: \w+$", o["description"]) and name not in known
        and not o["description"].endswith("_Index"))
    n += 1
    failed += bool(extra)
    print("%sok %d - every MIB object naming an INI parameter is in the "
          "catalog" % ("not " if extra else "", n))
    for name in extra:
        print("# %s is not in the catalog" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
