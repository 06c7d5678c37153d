#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""TAP: the #include lines keep the modules' arrows in one direction.

Rooms and what each may include (HACKING.md has the picture):
  ini/         nothing of the project but ini/
  sip/         nothing of the project but sip/
  agent/core   ini/, sip/, agent/core
  agent/mib    ini/, sip/, agent/core, agent/mib
  agent/snmp   agent/core, agent/mib, agent/snmp, and alone Net-SNMP
  agent/*.c    everything (the composition: gwagentd, gwagent-ini)
and no circle of #include between files anywhere.

Usage: check_includes.py [TOP]   (TOP: the source tree; default: this
file's ../..).  tests/lint/check_includes_selftest.sh runs it on a tree
with a circle and a wrong arrow and expects failures.
"""
import os
import re
import sys

ALLOWED = {
    "ini": {"ini"},
    "sip": {"sip"},
    "agent/core": {"ini", "sip", "agent/core"},
    "agent/mib": {"ini", "sip", "agent/core", "agent/mib"},
    "agent/snmp": {"agent/core", "agent/mib", "agent/snmp"},
    "agent": {"ini", "sip", "agent/core", "agent/mib", "agent/snmp"},
}
INC = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def room(path):
    d = os.path.dirname(path)
    return d if d in ALLOWED else None


def scan(top):
    files = {}
    for d in ALLOWED:
        base = os.path.join(top, d)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if name.endswith((".c", ".h")):
                rel = f"{d}/{name}"
                with open(os.path.join(top, rel), encoding="utf-8",
                          errors="replace") as f:
                    incs = []
                    for line in f:
                        m = INC.match(line)
                        if m:
                            incs.append((m.group(1), m.group(2)))
                files[rel] = incs
    return files


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    files = scan(top)
    points = []
    # 1. arrows between rooms
    bad = []
    for f, incs in files.items():
        for kind, inc in incs:
            if kind == '"' and inc != "config.h":
                r = room(inc)
                if r is None and "/" in inc:
                    bad.append(f"{f}: includes {inc}, outside every module")
                elif r is not None and r not in ALLOWED[room(f)]:
                    bad.append(f"{f}: includes {inc} ({room(f)} -> {r})")
    points.append(("arrows between modules go one way", bad))
    # 2. Net-SNMP only in the glue
    bad = [f"{f}: includes <{inc}>" for f, incs in files.items()
           for kind, inc in incs
           if inc.startswith("net-snmp/") and room(f) != "agent/snmp"]
    points.append(("Net-SNMP headers only in agent/snmp", bad))
    # 3. no circle of includes (depth-first search over the headers)
    graph = {f: [inc for k, inc in incs if k == '"' and inc in files]
             for f, incs in files.items()}
    bad, state = [], {}

    def visit(f, stack):
        state[f] = 1
        stack.append(f)
        for g in graph[f]:
            if state.get(g) == 1:
                bad.append(" -> ".join(stack[stack.index(g):] + [g]))
            elif g not in state:
                visit(g, stack)
        stack.pop()
        state[f] = 2

    for f in sorted(graph):
        if f not in state:
            visit(f, [])
    points.append(("no circle of #include", bad))
    points.append(("files found", [] if files else ["no source file"]))
    print(f"1..{len(points)}")
    for i, (name, errs) in enumerate(points, 1):
        print(f"{'not ok' if errs else 'ok'} {i} - {name}")
        for e in errs[:20]:
            print(f"# {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
