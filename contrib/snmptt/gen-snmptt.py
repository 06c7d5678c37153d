#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Generate contrib/snmptt/gwagent.snmptt.conf from mibs/GWAGENT-MIB.txt.

usage: gen-snmptt.py [MIB] > gwagent.snmptt.conf

One EVENT per notification and per value of gwAlarmSeverity it can carry
(MATCH $N: value), so that snmptt's severity is the notification's own
(gwRegistrationFailed major, its clear gwRegistrationRestored cleared,
gwIniLoadResult cleared on success and major on failure); a notification
without gwAlarmSeverity (gwAlarmsSuppressed) gets one EVENT, Warning.
FORMAT names the notification and every varbind it carries, in the MIB's
OBJECTS order: severity, source (Gateway, Account#N, ProxySet#N, IniFile,
Agent), the text (with the AOR or proxy set), then the status objects
(gwRegState, gwRegLastCode, gwRegLastError; gwIniActionStatus and
gwIniActionDiagnostics).  snmptrapd must hand the values over numerically
(snmptrapd -On, the snmptt default), as the MATCH lines compare numbers."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gwmib  # noqa: E402

# snmptt severities for GwSeverity (snmptt's own words: Normal for a clear).
SNMPTT_SEVERITY = {"cleared": "Normal", "indeterminate": "Informational",
                   "warning": "Warning", "minor": "Minor", "major": "Major",
                   "critical": "Critical"}
# Objects whose value needs no label in FORMAT (shown in the text itself).
SHOWN_FIRST = ("gwAlarmSeverity", "gwAlarmSource", "gwAlarmTextualDescription")
SKIP = ("gwAlarmDateAndTime",)


def wrap(text, width=72):
    out, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = (line + " " + w).strip()
    if line:
        out.append(line)
    return out


def enum_hint(mib, name):
    e = mib.objects[name]["enum"]
    if not e:
        return ""
    return " (%s)" % ", ".join("%d %s" % (k, v) for k, v in sorted(e.items()))


def events(mib):
    out = []
    for name, n in mib.notifications():
        objs = n["objects"]
        pos = {o: i + 1 for i, o in enumerate(objs)}
        rest = ["%s $%d" % (o, pos[o]) for o in objs
                if o not in SHOWN_FIRST and o not in SKIP]
        if "gwAlarmSeverity" in pos:
            sev = mib.objects["gwAlarmSeverity"]["enum"]
            for o in SHOWN_FIRST:
                if o not in pos:
                    raise gwmib.MibError("%s carries gwAlarmSeverity but not %s" % (name, o))
            for value, label in sorted(sev.items()):
                fmt = "%s %s: %s: $%d" % (name, label, "$%d" % pos["gwAlarmSource"],
                                          pos["gwAlarmTextualDescription"])
                if rest:
                    fmt += " [%s]" % ", ".join(rest)
                out.append((name, n, SNMPTT_SEVERITY[label], fmt,
                            "$%d: %d" % (pos["gwAlarmSeverity"], value)))
        else:
            fmt = name + (": " + ", ".join(rest) if rest else "")
            out.append((name, n, "Warning", fmt, None))
    return out


def render(mib, mib_name):
    lines = [
        "# gwagent notifications for snmptt, GENERATED from %s by" % mib_name,
        "# contrib/snmptt/gen-snmptt.py: do not edit, regenerate.",
        "# snmptrapd: traphandle default /usr/sbin/snmptt, numeric values",
        "# (snmptrapd -On); add this file to snmptt_conf_files in snmptt.ini.",
        "",
    ]
    for name, n, severity, fmt, match in events(mib):
        lines.append('EVENT %s .%s "gwagent" %s' % (name, n["oid"], severity))
        lines.append("FORMAT " + fmt)
        if match:
            lines.append("MATCH " + match)
        lines.append("SDESC")
        lines += wrap(n["description"])
        lines.append("Variables:")
        for i, o in enumerate(n["objects"]):
            lines.append("  %d: %s%s" % (i + 1, o, enum_hint(mib, o)))
        lines.append("EDESC")
        lines.append("")
    return "\n".join(lines)


def main(argv):
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = argv[1] if len(argv) > 1 else os.path.join(top, "mibs", "GWAGENT-MIB.txt")
    try:
        mib = gwmib.Mib(path)
        sys.stdout.write(render(mib, os.path.basename(path)))
    except (OSError, gwmib.MibError) as e:
        sys.stderr.write("gen-snmptt.py: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
