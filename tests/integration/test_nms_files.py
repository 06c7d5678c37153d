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
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
TOP = os.environ.get("top_srcdir") or os.path.join(HERE, "..", "..")
BUILD = os.environ.get("top_builddir") or TOP
sys.path.insert(0, os.path.join(TOP, "contrib"))

import gwmib  # noqa: E402
from lab import mib  # noqa: E402
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
        check_eq(p.stdout.strip(), "." + mib.oid("gwRegStatusTable"), "gwRegStatusTable")
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
        check_eq(p.stdout.strip(), "." + mib.oid("gwProxyStatusTable"),
                 "gwProxyStatusTable")


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


MIBDIRS = ":".join(os.path.join(TOP, "mibs", d) for d in ("", "ietf", "netsnmp"))


def translate(oids):
    """snmptranslate -OS of each numeric OID with the tree's MIBs:
    {oid: 'GWAGENT-MIB::name[.instance]'}; stderr must stay empty."""
    with tempfile.TemporaryDirectory() as home:
        p = subprocess.run(["snmptranslate", "-M", MIBDIRS.replace("::", ":"), "-m", "GWAGENT-MIB",
                            "-OS"] + ["." + o for o in oids],
                           env=clean_env(home), capture_output=True, text=True, timeout=30)
    check_eq(p.stderr, "", "snmptranslate stderr")
    names = p.stdout.split()
    check_eq(len(names), len(oids), "snmptranslate answers")
    return dict(zip(oids, names))


def resolve(mib, oids):
    """Every OID names a GWAGENT-MIB object (plus at most an instance
    suffix .0 or an index macro, already stripped): {oid: object}."""
    out = {}
    for oid, text in translate(sorted(set(oids))).items():
        m = re.fullmatch(r"GWAGENT-MIB::([A-Za-z][A-Za-z0-9]*)(\.0)?", text)
        check(m is not None, "%s does not resolve in GWAGENT-MIB: %s" % (oid, text))
        name = m.group(1)
        check(name in mib.objects, "%s: unknown object %s" % (oid, name))
        want = mib.oid(name) + (".0" if m.group(2) else "")
        check_eq(oid, want, "OID of %s" % name)
        out[oid] = name
    return out


def need_yaml():
    try:
        import yaml  # noqa: F401
    except ImportError:
        raise Skip("python3-yaml is not installed")
    return yaml


def regenerated(argv, committed):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    check_eq(p.returncode, 0, "%s: %s" % (argv[1], p.stderr))
    with open(committed) as f:
        want = f.read()
    check(p.stdout == want, "%s differs from %s's output: regenerate it" % (committed, argv[1]))
    return want


@t.case
def zabbix_template_oids_and_valuemaps_match_the_mib():
    yaml = need_yaml()
    mib = gwmib.Mib(MIB)
    path = os.path.join(TOP, "contrib", "zabbix", "gwagent_template.yaml")
    text = regenerated([sys.executable, os.path.join(TOP, "contrib", "zabbix", "gen-zabbix.py"),
                        MIB], path)
    doc = yaml.safe_load(text)["zabbix_export"]
    check_eq(doc["version"], "6.0", "export version")
    (tpl,) = doc["templates"]
    valuemaps = {v["name"]: {int(m["value"]): m["newvalue"] for m in v["mappings"]}
                 for v in tpl["valuemaps"]}
    items = list(tpl["items"])
    protos = []
    for rule in tpl["discovery_rules"]:
        check_eq(rule["type"], "SNMP_AGENT", "discovery type")
        protos += rule["item_prototypes"]
    oids, uses = [], []
    for rule in tpl["discovery_rules"]:
        m = re.fullmatch(r"discovery\[(.*)\]", rule["snmp_oid"])
        check(m is not None, "SNMP walk discovery: %s" % rule["snmp_oid"])
        parts = m.group(1).split(",")
        check(len(parts) % 2 == 0 and all(re.fullmatch(r"\{#[A-Z]+\}", p) for p in parts[::2]),
              "discovery[{#MACRO},OID,...]: %s" % rule["snmp_oid"])
        oids += parts[1::2]
    for it in items + protos:
        if it["type"] == "SNMP_AGENT":
            oid = re.sub(r"\.\{#SNMPINDEX\}$", "", it["snmp_oid"])
            oids.append(oid)
            if "valuemap" in it:
                uses.append((oid, it["valuemap"]["name"]))
        elif it["type"] == "SNMP_TRAP":
            m = re.search(r"\|\\\.((?:\d+\\\.)+\d+)\(", it["key"])
            check(it["key"].startswith('snmptrap["') and m is not None,
                  "trap item key: %s" % it["key"])
            oids.append(m.group(1).replace("\\.", "."))
    names = resolve(mib, oids)
    for name, _ in mib.notifications():
        check(name in names.values(), "no trap item for %s" % name)
    check(uses, "items with value maps")
    for oid, vm in uses:
        check(vm in valuemaps, "value map %s is missing" % vm)
        check_eq(valuemaps[vm], mib.objects[names[oid]]["enum"], "value map %s" % vm)
    # every value map's values are an enumeration of the MIB
    for vm, vals in valuemaps.items():
        check(any(vals == o["enum"] for o in mib.objects.values()), "value map %s" % vm)
    triggers = [tr["name"] for it in items for tr in it.get("triggers", [])] + \
        [tr["name"] for it in protos for tr in it.get("trigger_prototypes", [])]
    for what in ("registration of {#AOR} failed", "offline", "gwAlarmsSuppressed"):
        check(any(what in n for n in triggers), "a trigger for %s: %s" % (what, triggers))
    uuids = re.findall(r"uuid: '([0-9a-f]+)'", text)
    check_eq(len(uuids), len(set(uuids)), "unique uuids")
    for u in uuids:
        check(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", u), "UUIDv4 %s" % u)


@t.case
def snmp_exporter_module_is_generated_and_matches_the_mib():
    yaml = need_yaml()
    mib = gwmib.Mib(MIB)
    here = os.path.join(TOP, "contrib", "snmp_exporter")
    path = os.path.join(here, "snmp.yml")
    if which_or_none("prometheus-snmp-generator") is None:
        raise Skip("prometheus-snmp-generator is not installed (prometheus-snmp-exporter)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "snmp.yml")
        p = subprocess.run(["sh", os.path.join(here, "gen-snmp-yml.sh"), out],
                           capture_output=True, text=True, timeout=60)
        check_eq(p.returncode, 0, "gen-snmp-yml.sh: %s" % p.stderr)
        with open(out) as f, open(path) as g:
            check(f.read() == g.read(), "snmp.yml differs from gen-snmp-yml.sh's output")
    p = subprocess.run(["prometheus-snmp-exporter", "--config.file=" + path, "--dry-run"],
                       capture_output=True, text=True, timeout=30)
    check_eq(p.returncode, 0, "snmp_exporter --dry-run: %s" % p.stderr)
    with open(path) as f:
        mod = yaml.safe_load(f)["gwagent"]
    metrics = {m["name"]: m for m in mod["metrics"]}
    names = resolve(mib, [m["oid"] for m in mod["metrics"]] + [o[:-2] for o in mod["get"]] +
                    list(mod["walk"]))
    for name, m in metrics.items():
        check_eq(names[m["oid"]], name, "metric named after its object")
        o = mib.objects[name]
        if o["syntax"] == "Counter32":
            check_eq(m["type"], "counter", "%s type" % name)
        if o["enum"]:
            check_eq(m.get("enum_values"), o["enum"], "%s enum_values" % name)
    for name in ("gwRegState", "gwProxyStatusOnline"):
        check_eq(metrics[name]["type"], "EnumAsStateSet", name)
    labels = [lk["labelname"] for lk in metrics["gwRegState"]["lookups"]]
    check_eq(labels, ["gwRegAor"], "gwRegState lookups")
    check_eq([i["labelname"] for i in metrics["gwRegState"]["indexes"]],
             ["gwRegBindingType", "gwRegBindingId"], "gwRegState indexes")


if __name__ == "__main__":
    sys.exit(t.run())
