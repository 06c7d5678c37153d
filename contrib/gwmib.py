# SPDX-License-Identifier: ISC
"""A small reader of mibs/GWAGENT-MIB.txt for the NMS contrib generators and
their tests: numeric OIDs, SYNTAX, enumerations (inline or through a
TEXTUAL-CONVENTION), notifications with their OBJECTS and DESCRIPTION.
It reads this one module, not SMIv2 in general: anything it does not
understand raises MibError."""
import re

# The one import GWAGENT-MIB hangs under (NET-SNMP-MIB).
BASE = {"netSnmpPlaypen": "1.3.6.1.4.1.8072.9999.9999"}

_MACROS = ("MODULE-IDENTITY", "OBJECT-TYPE", "OBJECT-IDENTITY", "NOTIFICATION-TYPE",
           "OBJECT IDENTIFIER", "OBJECT-GROUP", "NOTIFICATION-GROUP", "MODULE-COMPLIANCE")
_DEF = re.compile(r"^([a-z][A-Za-z0-9-]*)\s+(%s)\b(.*?)::=\s*\{\s*([a-z][A-Za-z0-9-]*)\s+(\d+)\s*\}"
                  % "|".join(re.escape(m) for m in _MACROS), re.S | re.M)
_TC = re.compile(r"^([A-Z][A-Za-z0-9-]*)\s*::=\s*TEXTUAL-CONVENTION(.*?)\bSYNTAX\s+(.*?)$",
                 re.S | re.M)
_ENUM = re.compile(r"INTEGER\s*\{([^}]*)\}")


class MibError(Exception):
    pass


def _strip_comments(text):
    out = []
    for line in text.splitlines():
        # "--" outside a quoted string starts a comment
        q = False
        for i, c in enumerate(line):
            if c == '"':
                q = not q
            elif not q and line.startswith("--", i):
                line = line[:i]
                break
        out.append(line)
    return "\n".join(out)


def _enum(text):
    m = _ENUM.search(text)
    if m is None:
        return None
    vals = {}
    for item in m.group(1).split(","):
        mm = re.fullmatch(r"\s*([a-z][A-Za-z0-9-]*)\s*\(\s*(-?\d+)\s*\)\s*", item)
        if mm is None:
            raise MibError("bad enumeration item %r" % item)
        vals[int(mm.group(2))] = mm.group(1)
    return vals


def _quoted(body, clause):
    m = re.search(r"\b%s\s+\"([^\"]*)\"" % clause, body)
    return " ".join(m.group(1).split()) if m else ""


class Mib:
    """Definitions of one module: .objects {name: dict(kind, oid, syntax,
    enum, access, objects, description)} in file order."""

    def __init__(self, path):
        with open(path, encoding="ascii") as f:
            text = _strip_comments(f.read())
        m = re.search(r"^([A-Z][A-Za-z0-9-]*)\s+DEFINITIONS\s*::=\s*BEGIN", text, re.M)
        if m is None:
            raise MibError("%s: no DEFINITIONS ::= BEGIN" % path)
        self.module = m.group(1)
        self.tcs = {}
        for m in _TC.finditer(text):
            rest = text[m.start(3):]
            self.tcs[m.group(1)] = _enum(rest[:rest.find("\n\n")]) if \
                rest.startswith("INTEGER") else None
        self.objects = {}
        parents = {}
        for m in _DEF.finditer(text):
            name, kind, body, parent, sub = m.groups()
            syntax = re.search(r"\bSYNTAX\s+(OCTET STRING|OBJECT IDENTIFIER|[A-Za-z][A-Za-z0-9-]*)", body)
            syntax = syntax.group(1) if syntax else None
            enum = None
            if syntax == "INTEGER":
                enum = _enum(body)
            elif syntax in self.tcs:
                enum = self.tcs[syntax]
            objs = re.search(r"\bOBJECTS\s*\{([^}]*)\}", body)
            access = re.search(r"\bMAX-ACCESS\s+([a-z-]+)", body)
            self.objects[name] = {
                "kind": kind, "syntax": syntax, "enum": enum,
                "access": access.group(1) if access else None,
                "objects": [o.strip() for o in objs.group(1).split(",")] if objs else [],
                "description": _quoted(body, "DESCRIPTION"),
            }
            parents[name] = (parent, sub)
        for name in self.objects:
            self.objects[name]["oid"] = self._resolve(name, parents, 0)

    def _resolve(self, name, parents, depth):
        if name in BASE:
            return BASE[name]
        if name not in parents or depth > 64:
            raise MibError("cannot resolve %s" % name)
        parent, sub = parents[name]
        return self._resolve(parent, parents, depth + 1) + "." + sub

    def oid(self, name):
        return self.objects[name]["oid"]

    def notifications(self):
        return [(n, o) for n, o in self.objects.items() if o["kind"] == "NOTIFICATION-TYPE"]

    def name_of(self, oid):
        """The object whose OID is the longest prefix of `oid`, and the
        rest (the instance) — (None, oid) when none is."""
        oid = oid.lstrip(".")
        best = None
        for n, o in self.objects.items():
            if oid == o["oid"] or oid.startswith(o["oid"] + "."):
                if best is None or len(o["oid"]) > len(self.objects[best]["oid"]):
                    best = n
        if best is None:
            return None, oid
        return best, oid[len(self.objects[best]["oid"]) + 1:]
