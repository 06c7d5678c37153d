#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The NMS integration files (issue 17), without daemons: the installed
MIB directory loads silently with the README's -M/-m form on a host
without IETF modules; contrib/snmptt/gwagent.snmptt.conf is what its
generator makes of the MIB; every OID of the Zabbix template and of the
snmp_exporter module resolves in GWAGENT-MIB and their value maps and
state sets match the MIB's enumerations."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
TOP = os.environ.get("top_srcdir") or os.path.join(HERE, "..", "..")
BUILD = os.environ.get("top_builddir") or TOP
sys.path.insert(0, os.path.join(TOP, "contrib"))

import gwmib  # noqa: E402
from lab.proc import LabError, which_or_none  # noqa: E402
from lab.tap import Skip, Suite, check, check_eq  # noqa: E402

MIB = os.path.join(TOP, "mibs", "GWAGENT-MIB.txt")
t = Suite(requires=["snmptranslate", "snmpget"])


def clean_env(home):
    """A fresh operator: empty HOME, no MIBS/MIBDIRS/SNMPCONFPATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MIBS", "MIBDIRS", "SNMPCONFPATH", "SNMP_PERSISTENT_DIR")}
    env["HOME"] = home
    return env


def install_mibs(destdir):
    """make install-dist_mibDATA DESTDIR=destdir; the directory it used."""
    make = os.environ.get("MAKE") or "make"
    p = subprocess.run([make, "-s", "-C", BUILD, "install-dist_mibDATA", "DESTDIR=" + destdir],
                       capture_output=True, text=True, timeout=120,
                       env={k: v for k, v in os.environ.items()
                            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")})
    if p.returncode != 0:
        raise LabError("make install-dist_mibDATA: %s" % p.stderr)
    for d, _, files in os.walk(destdir):
        if "GWAGENT-MIB.txt" in files:
            return d
    raise LabError("make install put no GWAGENT-MIB.txt under %s" % destdir)


@t.case
def installed_mib_dir_loads_silently_with_the_readme_form():
    with tempfile.TemporaryDirectory() as tmp:
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        mibdir = install_mibs(os.path.join(tmp, "dest"))
        for m in ("SNMPv2-SMI.txt", "SNMPv2-TC.txt", "SNMPv2-CONF.txt"):
            check(os.path.isfile(os.path.join(mibdir, m)), "%s installed beside the MIB" % m)
        env = clean_env(home)
        # the README's form: -M +DIR -m GWAGENT-MIB
        form = ["-M", "+" + mibdir, "-m", "GWAGENT-MIB"]
        p = subprocess.run(["snmptranslate"] + form + ["-On", "GWAGENT-MIB::gwRegStatusTable"],
                           env=env, capture_output=True, text=True, timeout=30)
        check_eq(p.stderr, "", "snmptranslate stderr")
        check_eq(p.stdout.strip(), ".1.3.6.1.4.1.8072.9999.9999.7.1.2.1", "gwRegStatusTable")
        p = subprocess.run(["snmptranslate"] + form + ["-Td", "GWAGENT-MIB::gwRegState"],
                           env=env, capture_output=True, text=True, timeout=30)
        check_eq(p.stderr, "", "snmptranslate -Td stderr")
        check("registered(4)" in p.stdout, "the enumeration through SNMPv2-TC: %s" % p.stdout)
        # snmpget with the same form (no agent there: a timeout, but the
        # MIB is loaded and the name parsed before it is sent)
        p = subprocess.run(["snmpget"] + form + ["-v2c", "-c", "public", "-t", "0.2", "-r", "0",
                                                 "127.0.0.1:9", "GWAGENT-MIB::gwRegistrationTime.0"],
                           env=env, capture_output=True, text=True, timeout=30)
        check("Cannot find module" not in p.stderr and "Unknown Object" not in p.stderr,
              "snmpget stderr: %s" % p.stderr)
        check_eq(p.stderr.strip(), "Timeout: No Response from 127.0.0.1:9.", "snmpget stderr")
        # the same through the environment
        env2 = dict(env, MIBDIRS="+" + mibdir, MIBS="GWAGENT-MIB")
        p = subprocess.run(["snmptranslate", "-On", "GWAGENT-MIB::gwProxyStatusTable"],
                           env=env2, capture_output=True, text=True, timeout=30)
        check_eq(p.stderr, "", "MIBDIRS/MIBS form stderr")
        check_eq(p.stdout.strip(), ".1.3.6.1.4.1.8072.9999.9999.7.1.2.2", "gwProxyStatusTable")


@t.case
def snmptt_conf_is_generated_from_the_mib():
    gen = os.path.join(TOP, "contrib", "snmptt", "gen-snmptt.py")
    p = subprocess.run([sys.executable, gen, MIB], capture_output=True, text=True, timeout=30)
    check_eq(p.returncode, 0, "gen-snmptt.py: %s" % p.stderr)
    with open(os.path.join(TOP, "contrib", "snmptt", "gwagent.snmptt.conf")) as f:
        committed = f.read()
    check(p.stdout == committed,
          "contrib/snmptt/gwagent.snmptt.conf differs from gen-snmptt.py's output: regenerate it")
    mib = gwmib.Mib(MIB)
    events = re.findall(r'^EVENT (\S+) \.(\S+) "gwagent" (\S+)$', committed, re.M)
    for name, n in mib.notifications():
        mine = [e for e in events if e[0] == name]
        check(mine, "no EVENT for %s" % name)
        for e in mine:
            check_eq(e[1], n["oid"], "OID of %s" % name)
    # a generator fed a broken MIB fails loudly
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "BAD-MIB.txt")
        with open(MIB) as f:
            text = f.read()
        with open(bad, "w") as f:
            f.write(text.replace("::= { gwagentMIB 0 }", "::= { nowhereMIB 0 }"))
        p = subprocess.run([sys.executable, gen, bad], capture_output=True, text=True, timeout=30)
        check(p.returncode != 0 and "cannot resolve" in p.stderr, "broken MIB: %s" % p.stderr)


if __name__ == "__main__":
    sys.exit(t.run())
