# SPDX-License-Identifier: ISC
"""valgrind memcheck logs of gwagentd (valgrind --log-file=DIR/valgrind.%p.log):
read them, and as a script print one TAP test point over a directory.

    python3 -m lab.memcheck DIR LABEL

A log without an ERROR SUMMARY belongs to a process killed by SIGKILL (the
crash-safety cases do that on purpose): its invalid accesses still count,
its leaks cannot be known and are not claimed."""
import os
import re
import sys


def report(path):
    """(errors or None, definitely + indirectly lost bytes, invalid
    accesses, allocs, frees, text) of one log; no leak summary (every
    block freed) is 0 lost.  Leaks matched by tests/valgrind.supp (library
    defects, each with its upstream fix) are not counted: suppressed()."""
    with open(path, errors="replace") as fh:
        text = fh.read()
    m = re.search(r"ERROR SUMMARY: ([\d,]+) errors", text)
    errors = int(m.group(1).replace(",", "")) if m else None
    lost = 0
    for m in re.finditer(r"(definitely|indirectly) lost: ([\d,]+) bytes", text):
        lost += int(m.group(2).replace(",", ""))
    invalid = len(re.findall(r"Invalid (read|write|free)|uninitialised|"
                             r"Mismatched free|overlap", text))
    m = re.search(r"total heap usage: ([\d,]+) allocs, ([\d,]+) frees", text)
    allocs, frees = (m.group(1), m.group(2)) if m else ("?", "?")
    return errors, lost, invalid, allocs, frees, text


def suppressed(text):
    """Bytes of leaks suppressed by tests/valgrind.supp in one log."""
    m = re.search(r"suppressed: ([\d,]+) bytes", text)
    return int(m.group(1).replace(",", "")) if m else 0


def reports(d):
    """{log name: report()} for every valgrind.<pid>.log in d."""
    return {f: report(os.path.join(d, f)) for f in sorted(os.listdir(d))
            if re.match(r"valgrind\.\d+\.log$", f)}


def tap_point(d, label):
    """One TAP line (and diagnostics) for every log in d; True when clean."""
    logs = reports(d)
    bad = []
    killed = 0
    for name, (errors, lost, invalid, _, _, text) in logs.items():
        if errors is None:
            killed += 1
            if invalid:
                bad.append((name, text))
        elif errors or lost or invalid:
            bad.append((name, text))
    ok = bool(logs) and not bad
    what = "memcheck over %s: %d gwagentd processes (%d killed by SIGKILL, no summary)" % (
        label, len(logs), killed)
    if ok:
        print("ok - %s: 0 errors, 0 bytes definitely or indirectly lost, 0 invalid accesses"
              % what)
    else:
        print("not ok - %s: %s" % (what, "%d with errors" % len(bad) if logs else "no log"))
        for name, text in bad[:3]:
            print("# %s:" % name)
            for line in text.splitlines()[-80:]:
                print("#   " + line)
    supp = sum(suppressed(r[5]) for r in logs.values())
    print("# memcheck: %s, %d gwagentd runs, %d with a summary, %s%s" % (
        label, len(logs), len(logs) - killed, "clean" if ok else "FAILED",
        "; %d bytes of known library leaks suppressed (tests/valgrind.supp)" % supp
        if supp else ""))
    return ok


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 -m lab.memcheck DIR LABEL")
    sys.exit(0 if tap_point(sys.argv[1], sys.argv[2]) else 1)
