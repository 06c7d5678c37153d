#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""TAP: doc/gwagent.ini.5 documents every catalog parameter with the
catalog's own type, range or members and default (the sentence
"Integer 10 to 2000000, default 180." of its entry), and every table
with its row index range, as tests/lint/catalog_dump all prints them.
One point per parameter and per table.

Usage: check_man_catalog.py [--man FILE] [--dump PROGRAM]
"""
import os
import re
import subprocess
import sys

TOP = os.environ.get("top_srcdir") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("top_builddir") or "."

KIND = {"addr": "Address", "password": "Password"}


def sentence(typ, rng, values, default):
    """The sentence gwagent.ini(5) gives for a parameter."""
    if typ == "int":
        lo, hi = rng.split("..")
        return "Integer %s to %s, default %s." % (lo, hi, default)
    if typ == "enum":
        v = values.split(",")
        members = v[0] if len(v) == 1 else "%s or %s" % (", ".join(v[:-1]),
                                                          v[-1])
        return "One of %s, default %s." % (members, default)
    text = "%s, up to %s bytes" % (KIND.get(typ, "Text"), rng.split("..")[1])
    return text + (", default %s." % default if default else ".")


def entries(man):
    """Parameter name -> the text of its .It Cm entry."""
    out = {}
    for m in re.finditer(r"^\.It Cm (\w+)\n(.*?)(?=^\.It |^\.El)", man,
                         re.S | re.M):
        out[m.group(1)] = m.group(2)
    return out


def main(argv):
    manfile = os.path.join(TOP, "doc", "gwagent.ini.5")
    dump = os.path.join(BUILD, "tests", "lint", "catalog_dump")
    while argv:
        opt = argv.pop(0)
        if opt == "--man":
            manfile = argv.pop(0)
        elif opt == "--dump":
            dump = argv.pop(0)
        else:
            raise SystemExit("usage: check_man_catalog.py [--man FILE] "
                             "[--dump PROGRAM]")
    lines = subprocess.run([dump, "all"], check=True, stdout=subprocess.PIPE,
                           universal_newlines=True).stdout.splitlines()
    with open(manfile, encoding="utf-8") as f:
        man = f.read()
    docs = entries(man)
    print("1..%d" % len(lines))
    failed = 0
    for n, line in enumerate(lines, 1):
        f = line.split("\t")
        if f[0] == "ini" and len(f) == 6:
            want = sentence(*f[2:])
            text = docs.get(f[1])
            ok = text is not None and want in text.split("\n")
            got = "no entry" if text is None else " ".join(text.split())
        elif f[0] == "index" and len(f) == 3:
            want = "Row index %s to %s." % tuple(f[2].split(".."))
            m = re.search(r"^\.Ss %s table\n(.*?)\n" % re.escape(f[1]), man,
                          re.M)
            ok = m is not None and m.group(1) == want
            got = m.group(1) if m else "no section"
        else:
            raise SystemExit("Bail out! bad catalog_dump line: %r" % line)
        failed += not ok
        print("%sok %d - %s" % ("" if ok else "not ", n, f[1]))
        if not ok:
            print("# want %r in: %s" % (want, got[:300]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
