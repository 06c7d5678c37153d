#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Unregister at shutdown (issue 15, item 6): 1,000 accounts registered at
the lab Kamailio, then SIGTERM with the daemon's DEFAULT un-REGISTER
settings ([sip] unregister_rate 500/s, unregister_deadline_max 30 s are not
set).  gwagentd must exit by itself as soon as every un-REGISTER is
answered, well inside the derived deadline (1,000 / 500 s of pacing, two
round trips and 4 s on loopback) and the documented maximum, and
Kamailio's location table must then be empty.

    top_builddir=BUILD CI=true PYTHONPATH=tests python3 tests/integration/test_shutdown.py
"""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab.gateway import bulk_accounts, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, wait_until  # noqa: E402
from lab.snmp import Snmpd  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

N = 1000
DEFAULT_RATE = 500              # [sip] unregister_rate default
SLACK_S = 4.0                   # SIPREG_UNREG_SLACK_MS
DEADLINE_MAX_S = 30.0           # [sip] unregister_deadline_max default
DERIVED_S = N / DEFAULT_RATE + SLACK_S   # plus two loopback round trips
# The un-REGISTERs start with a full bucket of DEFAULT_RATE tokens: the rest
# cannot all have been sent before (N - DEFAULT_RATE) / DEFAULT_RATE s.
MIN_PACED_MS = 1000.0 * (N - DEFAULT_RATE) / DEFAULT_RATE

t = Suite(requires=["snmpd", "kamailio", "kamcmd"])


def gateway_ini(port, n):
    """IsRegisterNeeded = 0: only the n accounts register (u000000 ...,
    password pw-u000000 ...), through IP group 1 -> proxy set 1 -> Kamailio;
    RegistrationTime 3600 so no contact can expire during the test."""
    names, users = bulk_accounts(n)
    return lab_gateway_ini(port, names, users, reg_time=3600, retry_time=10, gateway=False)


def contact_count(k):
    """Kamailio's location_contacts statistic, or None."""
    try:
        return k.contact_count()
    except LabError:
        return None


def contacts(k):
    """(location_contacts statistic, live contacts in ul.dump), or the
    error.  ul.dump answers in one datagram: only for a small table."""
    try:
        return k.contact_count(), len(k.contacts())
    except LabError as e:
        return str(e)


@t.case
def sigterm_unregisters_1000_with_default_settings():
    if gwagentd_path() is None:
        raise LabError("gwagentd is not built")
    with Lab("gwshutdown") as lab:
        snmpd = Snmpd(lab).start()
        k = Kamailio(lab, realm="gw.test", password_prefix="pw-", hash_size=12,
                     shm_mb=128).start()
        # Registration is unpaced (the lab's pace_rate 0); the un-REGISTER
        # keys are left at their defaults on purpose.
        gw = Gwagentd(lab, agentx_socket=snmpd.agentx_socket,
                      gateway_ini=gateway_ini(k.udp_port, N),
                      settings={"agent": {"log_level": "info"}})
        for key in ("unregister_rate", "unregister_deadline_max"):
            check(key not in gw.settings["sip"], "%s must stay at its default" % key)
        gw.start()
        try:
            wait_until(lambda: gw.check_alive() or contact_count(k) == N, 60,
                       "%d contacts at Kamailio" % N, interval=0.5)
        except LabError:
            raise AssertionError("not every account registered: contacts %r; gwagentd "
                                 "log:\n%s" % (contact_count(k), gw.output()[-2000:]))
        proc = gw.proc
        t0 = time.monotonic()
        gw.signal(signal.SIGTERM)
        try:
            # bounded: the documented maximum plus the process teardown
            wait_until(lambda: proc.popen.poll() is not None, DEADLINE_MAX_S + 5,
                       "gwagentd to exit after SIGTERM", interval=0.05)
        finally:
            took = time.monotonic() - t0
            rc = gw.stop()      # reaps it; SIGKILL by PID if it hung
        out = proc.output()
        check_eq(rc, 0, "gwagentd exit status (log:\n%s)" % out[-2000:])
        m = re.search(r"unregistering (\d+) bindings, at most (\d+) ms", out)
        check(m is not None, "no 'unregistering' line in the log:\n%s" % out[-2000:])
        check_eq(int(m.group(1)), N, "bindings unregistered")
        deadline_ms = int(m.group(2))
        # the pacing and the slack, plus a few ms of loopback round trips
        check(int(DERIVED_S * 1000) <= deadline_ms <= int(DERIVED_S * 1000) + 500,
              "derived deadline %d ms, want %d ms plus the round trips"
              % (deadline_ms, DERIVED_S * 1000))
        check(took < deadline_ms / 1000.0, "gwagentd took %.1f s to exit, deadline %d ms"
              % (took, deadline_ms))
        check("unsent or unanswered" not in out and "still unregistering" not in out,
              "bindings left unanswered:\n%s" % out[-2000:])
        m = re.search(r"(\d+) un-REGISTERs done in (\d+) ms", out)
        check(m is not None, "no 'un-REGISTERs done' line in the log:\n%s" % out[-2000:])
        check_eq(int(m.group(1)), N, "un-REGISTERs answered")
        done_ms = int(m.group(2))
        # paced at the default 500/s: not all at once, and well before the
        # 50/s of new REGISTERs would have allowed (20 s)
        check(done_ms >= MIN_PACED_MS - 100, "%d un-REGISTERs in %d ms: not paced at "
              "%d/s" % (N, done_ms, DEFAULT_RATE))
        check(done_ms < deadline_ms, "un-REGISTERs took %d ms" % done_ms)
        left = contacts(k)
        check_eq(left, (0, 0), "contacts left at Kamailio (statistic, ul.dump)")
        sys.stdout.write("# shutdown: %d un-REGISTERs answered in %d ms, exit %.2f s after "
                         "SIGTERM (derived deadline %d ms)\n" % (N, done_ms, took, deadline_ms))
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(t.run())
