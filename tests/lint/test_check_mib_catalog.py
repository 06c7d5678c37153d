#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""TAP: tests/lint/check_mib_catalog.py passes on mibs/GWAGENT-MIB.txt and
fails, on the object concerned, for copies of it with one deliberate
disagreement with the catalog each; so does check_man_catalog.py for
doc/gwagent.ini.5."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("top_srcdir") or os.path.join(HERE, "..", "..")
CHECK = os.path.join(HERE, "check_mib_catalog.py")
CHECK_MAN = os.path.join(HERE, "check_man_catalog.py")

# (what, object expected "not ok", text in the MIB, its replacement);
# a replacement None: the MAX-ACCESS of the object becomes the text.
MUTATIONS = [
    ("a wrong DEFVAL", "gwRegistrationTime",
     'Expires asked for in REGISTER. INI: RegistrationTime"\n'
     "    DEFVAL      { 180 }",
     'Expires asked for in REGISTER. INI: RegistrationTime"\n'
     "    DEFVAL      { 3600 }"),
    ("a wrong range", "gwHotSwapRtx",
     "SYNTAX      Unsigned32 (1..30)", "SYNTAX      Unsigned32 (1..31)"),
    ("a wrong enumeration number in a TEXTUAL-CONVENTION",
     "gwAuthenticationMode", "perFxs(3)", "perFxs(4)"),
    ("a wrong enumeration label written in line", "gwAccountApplicationType",
     "INTEGER { gw(0), sbc(2) }", "INTEGER { gw(0), sBC(2) }"),
    ("a wrong OID", "gwUnregistrationMode",
     "::= { gwRegistration 16 }", "::= { gwRegistration 17 }"),
    ("a wrong MAX-ACCESS", "gwAccountRegister", "read-write", None),
    ("a wrong INI name in the DESCRIPTION", "gwAccountHostName",
     "INI: Account_HostName", "INI: Account_Host"),
    ("a wrong SIZE", "gwProxyName",
     "gwProxyName OBJECT-TYPE\n    SYNTAX      DisplayString (SIZE (0..49))",
     "gwProxyName OBJECT-TYPE\n    SYNTAX      DisplayString (SIZE (0..48))"),
    ("a wrong string type", "gwIpGroupDescription",
     "gwIpGroupDescription OBJECT-TYPE\n    SYNTAX      SnmpAdminString",
     "gwIpGroupDescription OBJECT-TYPE\n    SYNTAX      DisplayString"),
    ("a published password default", "gwPassword",
     'read returns an empty string. INI: Password"',
     'read returns an empty string. INI: Password"\n'
     '    DEFVAL      { "Default_Passwd" }'),
    ("a renamed object", "gwLocalSIPPort",
     "gwLocalSIPPort OBJECT-TYPE", "gwLocalSipPort OBJECT-TYPE"),
    ("a renamed object (naming a parameter outside the catalog)",
     "every MIB object naming an INI parameter is in the catalog",
     "gwLocalSIPPort OBJECT-TYPE", "gwLocalSipPort OBJECT-TYPE"),
    ("a wrong index range", "gwAccountTable",
     "Unsigned32 (0..999999)", "Unsigned32 (0..99999)"),
    ("a setting's DEFVAL other than gwagentd's", "gwAlarmTrapRateLimit",
     "DEFVAL      { 10 }", "DEFVAL      { 20 }"),
    ("a setting's range other than gwagentd's", "gwAlarmTrapRateLimit",
     "Unsigned32 (0..10000)", "Unsigned32 (1..10000)"),
    ("a RowStatus column moved", "gwIpGroupTable",
     "::= { gwIpGroupEntry 7 }", "::= { gwIpGroupEntry 8 }"),
]


# The same for the manual page: (what, entry, text, replacement).
MAN_MUTATIONS = [
    ("a wrong default in the manual", "RegistrationTime",
     "Integer 10 to 2000000, default 180.",
     "Integer 10 to 2000000, default 3600."),
    ("a wrong enumeration in the manual", "AuthenticationMode",
     "One of 0, 1 or 3, default 1.", "One of 0, 1 or 2, default 1."),
    ("a wrong length in the manual", "Account_Password",
     "Account_Password\nDigest password", None),
    ("a wrong row index range in the manual", "ProxyIp",
     "Row index 0 to 159.", "Row index 0 to 99."),
]


def mutate(text, obj, old, new):
    """text with the first old replaced by new, or, new None, with the
    MAX-ACCESS of object obj replaced by old; None if nothing changed."""
    if new is None:
        start = text.find("\n%s OBJECT-TYPE" % obj)
        end = text.find("::=", start)
        if start < 0 or end < 0:
            return None
        body = text[start:end].replace("read-create", old)
        body = body.replace("MAX-ACCESS  read-write", "MAX-ACCESS  " + old)
        out = text[:start] + body + text[end:]
    else:
        out = text.replace(old, new, 1)
    return None if out == text else out


def run(mibfile, check=CHECK, opt="--mib"):
    p = subprocess.run([sys.executable, check, opt, mibfile],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return p.returncode, p.stdout


def main():
    mibfile = os.path.join(TOP, "mibs", "GWAGENT-MIB.txt")
    with open(mibfile, encoding="utf-8") as f:
        text = f.read()
    print("1..%d" % (len(MUTATIONS) + len(MAN_MUTATIONS) + 2))
    rc, out = run(mibfile)
    ok = rc == 0 and "not ok" not in out and "\nok " in "\n" + out
    print("%sok 1 - the MIB as shipped agrees with the catalog" %
          ("" if ok else "not "))
    if not ok:
        sys.stdout.write("".join("# " + l + "\n" for l in out.splitlines()))
    with tempfile.TemporaryDirectory() as tmp:
        for n, (what, obj, old, new) in enumerate(MUTATIONS, 2):
            bad = mutate(text, obj, old, new)
            if bad is None:
                print("not ok %d - %s: %r is not in the MIB" % (n, what, old))
                continue
            path = os.path.join(tmp, "GWAGENT-MIB.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(bad)
            rc, out = run(path)
            hit = [l for l in out.splitlines()
                   if l.startswith("not ok") and obj in l]
            good = rc != 0 and bool(hit)
            print("%sok %d - %s fails on %s" % ("" if good else "not ", n,
                                                 what, obj))
            if not good:
                sys.stdout.write("".join("# " + l + "\n"
                                         for l in out.splitlines()
                                         if not l.startswith("ok")))
    man_mutations(len(MUTATIONS) + 2)
    return 0


def man_mutations(n):
    manfile = os.path.join(TOP, "doc", "gwagent.ini.5")
    with open(manfile, encoding="utf-8") as f:
        text = f.read()
    rc, out = run(manfile, CHECK_MAN, "--man")
    ok = rc == 0 and "not ok" not in out
    print("%sok %d - the manual as shipped agrees with the catalog" %
          ("" if ok else "not ", n))
    with tempfile.TemporaryDirectory() as tmp:
        for n, (what, obj, old, new) in enumerate(MAN_MUTATIONS, n + 1):
            if new is None:  # the entry's "up to 50 bytes" becomes 51
                start = text.find(old)
                end = text.find(".It ", start + 1)
                bad = text[:start] + text[start:end].replace(
                    "up to 50 bytes", "up to 51 bytes") + text[end:]
            else:
                bad = text.replace(old, new, 1)
            if bad == text:
                print("not ok %d - %s: %r is not in the manual" %
                      (n, what, old))
                continue
            path = os.path.join(tmp, "gwagent.ini.5")
            with open(path, "w", encoding="utf-8") as f:
                f.write(bad)
            rc, out = run(path, CHECK_MAN, "--man")
            hit = [l for l in out.splitlines()
                   if l.startswith("not ok") and l.endswith(" " + obj)]
            good = rc != 0 and len(hit) == 1
            print("%sok %d - %s fails on %s" % ("" if good else "not ", n,
                                                 what, obj))
            if not good:
                sys.stdout.write("".join("# " + l + "\n"
                                         for l in out.splitlines()
                                         if not l.startswith("ok")))


if __name__ == "__main__":
    sys.exit(main())
