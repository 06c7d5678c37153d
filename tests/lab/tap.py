# SPDX-License-Identifier: ISC
"""A tiny TAP producer for the Python integration tests (stdlib only).

    from lab.tap import Suite
    t = Suite(requires=["snmpd", "kamailio"])
    @t.case
    def register_with_digest(): ...
    t.run()

Each case is one TAP test point.  A case passes unless it raises.  When a
required program is missing the cases are reported as failed under CI=true
(CI must install everything) and as skipped otherwise: never silently ok.
"""
import os
import sys
import time
import traceback

from .proc import which_or_none


class Skip(Exception):
    pass


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class Suite:
    def __init__(self, requires=()):
        self.cases = []
        self.requires = list(requires)

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def missing(self):
        return [r for r in self.requires if which_or_none(r) is None]

    def run(self):
        out = sys.stdout
        out.write("1..%d\n" % len(self.cases))
        out.flush()
        missing = self.missing()
        failed = 0
        for i, fn in enumerate(self.cases, 1):
            name = fn.__name__
            if missing:
                if in_ci():
                    out.write("not ok %d - %s # missing: %s\n" % (i, name, " ".join(missing)))
                    failed += 1
                else:
                    out.write("ok %d - %s # SKIP missing: %s\n" % (i, name, " ".join(missing)))
                continue
            t0 = time.monotonic()
            try:
                fn()
            except Skip as e:
                if in_ci():
                    out.write("not ok %d - %s # skipped in CI: %s\n" % (i, name, e))
                    failed += 1
                else:
                    out.write("ok %d - %s # SKIP %s\n" % (i, name, e))
                continue
            except Exception:  # noqa: BLE001 - any failure is a failed case
                failed += 1
                out.write("not ok %d - %s (%.2fs)\n" % (i, name, time.monotonic() - t0))
                for line in traceback.format_exc().splitlines():
                    out.write("# " + line + "\n")
            else:
                out.write("ok %d - %s (%.2fs)\n" % (i, name, time.monotonic() - t0))
            out.flush()
        return 1 if failed else 0


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def check_eq(got, want, what="value"):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))
