#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Soak test (issue 7, item 3): N accounts with a short RegistrationTime
for a bounded period, with snmpd killed (-9) and restarted every ~30 s,
Kamailio restarted every ~40 s (its location table lost) and bulk walks of
gwRegStatusTable running all the time.  At the end no binding may be lost,
gwagentd's RSS and descriptor count must be flat and the notifications
received must stay within the rate limit.

    top_builddir=BUILD CI=true PYTHONPATH=tests python3 tests/integration/test_soak.py

Environment: GW_SOAK_ACCOUNTS (default 2000; 10000 in the long run),
GW_SOAK_SECONDS (default 90; 600 in the long run).  The figures are
printed as a TAP comment line starting with "# soak:".
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from lab import Lab  # noqa: E402
from lab import mib  # noqa: E402
from lab.gateway import bulk_accounts, gateway_ini as lab_gateway_ini  # noqa: E402
from lab.gwagentd import Gwagentd, gwagentd_path  # noqa: E402
from lab.kamailio import Kamailio  # noqa: E402
from lab.proc import LabError, wait_until  # noqa: E402
from lab.snmp import Snmpd, Snmptrapd, parse_varbinds, snmp_cmd, snmpget  # noqa: E402
from lab.tap import Suite, check, check_eq  # noqa: E402

ROOT = mib.oid("gwagentMIB")
STATE = mib.oid("gwRegState")  # a column of gwRegStatusTable
REGISTERED_COUNT = mib.oid("gwRegRegisteredCount", 0)
NOTIF = mib.oid("gwNotifications") + "."
# gwRegistrationFailed/Restored, gwProxySetLost/Restored go through the
# token bucket; gwIniLoadResult, gwAgentStarted, gwAlarmsSuppressed do not.
LIMITED_NOTIFS = {NOTIF + "1", NOTIF + "2", NOTIF + "3", NOTIF + "4"}
SUPPRESSED_NOTIF = NOTIF + "7"

REG_TIME = 60
RETRY_TIME = 10
TRAP_RATE = 20
SUMMARY_S = 5
PACE = 500
SNMPD_EVERY = 30.0
SNMPD_FIRST = 15.0                   # snmpd is up while the refreshes of FLAP fail
KAMAILIO_EVERY = 40.0
KAMAILIO_FIRST = 20.0                # offset so the two restarts rarely coincide
SAMPLE_EVERY = 5.0
KAMAILIO_DOWN = 3.0
# A share of the accounts get a wrong password at Kamailio from the start
# of the soak until FLAP_END: their refresh at half the grant (~30 s) is
# refused (gwRegistrationFailed), their retries after it fail, and once the
# password is right again they come back (gwRegistrationRestored): bursts
# the rate limiter must hold back and summarise.  Without it a soak whose
# restarts are absorbed by retransmissions sends no alarm at all.
FLAP_SHARE = 10                      # every 10th account, at most FLAP_MAX
FLAP_MAX = 500
FLAP_END = 52.0
TICK = 2.0                           # fixed spacing of the loop

t = Suite(requires=["snmpd", "snmptrapd", "snmpget", "snmpbulkwalk", "kamailio", "kamcmd"])


def env_int(name, default):
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        raise LabError("%s must be an integer" % name) from None


def sanitized(exe):
    """True when gwagentd is an ASan build (its RSS is shadow memory plus
    the allocator's quarantine, not only our heap)."""
    try:
        with open(exe, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def gateway_ini(port, n):
    """IsRegisterNeeded = 0: only the N accounts register (u000000 ...,
    password pw-u000000 ...), through IP group 1 -> proxy set 1 -> Kamailio."""
    names, users = bulk_accounts(n)
    return lab_gateway_ini(port, names, users, reg_time=REG_TIME, retry_time=RETRY_TIME,
                           gateway=False)


def proc_status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise LabError("no %s in /proc/%d/status" % (key, pid))


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Soak:
    def __init__(self, lab, n):
        self.lab = lab
        self.n = n
        self.trapd = Snmptrapd(lab).start()
        # agentXTimeout 10: a 10,000-row walk is many AgentX round trips
        # while the engine is busy re-registering; snmpd must not drop us.
        self.snmpd = Snmpd(lab, trap_sink=self.trapd, extra_conf="agentXTimeout 10\n").start()
        self.k = Kamailio(lab, realm="gw.test", password_prefix="pw-", hash_size=14,
                          shm_mb=256).start()
        self.gw = Gwagentd(lab, agentx_socket=self.snmpd.agentx_socket,
                           gateway_ini=gateway_ini(self.k.udp_port, n),
                           settings={"sip": {"pace_rate": str(PACE)},
                                     "traps": {"rate_limit": str(TRAP_RATE),
                                               "summary_interval": str(SUMMARY_S)},
                                     "agent": {"log_level": "warning"}})
        self.t_gw = time.monotonic()
        self.gw.start()
        self.pid = self.gw.proc.pid

    def registered_count(self):
        v = snmpget(self.snmpd, REGISTERED_COUNT, timeout=2, retries=0, check=False)
        return int(v[1]) if v and v[1].strip().isdigit() else None

    def contacts(self):
        try:
            return self.k.contact_count()
        except LabError:
            return None

    def all_bound(self):
        self.gw.check_alive()
        return self.registered_count() == self.n and self.contacts() == self.n

    def walk_rows(self):
        """Rows of the gwRegState column in one snmpbulkwalk, or None."""
        rc, out, _ = snmp_cmd("snmpbulkwalk", self.snmpd, ["-Cr50", STATE], timeout=10,
                              retries=0, check=False)
        if rc != 0:
            return None
        return sum(1 for k in parse_varbinds(out) if k.startswith(STATE + "."))

    def wait_subtree(self, timeout=30):
        wait_until(lambda: self.gw.check_alive() or self.registered_count() is not None,
                   timeout, "GWAGENT-MIB through snmpd", interval=0.2)

    def limited_count(self):
        return sum(1 for x in self.trapd.traps() if x["trap_oid"] in LIMITED_NOTIFS)

    def sample(self):
        return (time.monotonic(), proc_status_kb(self.pid, "VmRSS"), fd_count(self.pid))


@t.case
def soak_accounts_restarts_walks_rss_fds_notifications():
    exe = gwagentd_path()
    if exe is None:
        raise LabError("gwagentd is not built")
    n = env_int("GW_SOAK_ACCOUNTS", 2000)
    seconds = env_int("GW_SOAK_SECONDS", 90)
    asan = sanitized(exe)
    saved_asan = os.environ.get("ASAN_OPTIONS")
    if asan:
        # ASan keeps freed blocks in a quarantine (256 MB by default) before
        # reusing them, so a steady alloc/free churn reads as RSS growth
        # until the quarantine is full.  A 16 MB quarantine still catches
        # use-after-free of recent frees and lets RSS settle within seconds.
        os.environ["ASAN_OPTIONS"] = ":".join(
            x for x in (saved_asan, "quarantine_size_mb=16") if x)
    try:
        with Lab("gwsoak") as lab:
            _soak(lab, n, seconds, asan)
    finally:
        if asan:
            if saved_asan is None:
                os.environ.pop("ASAN_OPTIONS", None)
            else:
                os.environ["ASAN_OPTIONS"] = saved_asan


def _soak(lab, n, seconds, asan):
    s = Soak(lab, n)
    s.wait_subtree()
    # 500 REGISTERs/s: N/500 s of pacing; a generous multiple for ASan
    t0 = time.monotonic()
    try:
        wait_until(s.all_bound, 60 + 4.0 * n / PACE, "%d bindings registered" % n,
                   interval=1.0)
    except LabError:
        raise AssertionError("not every binding registered: gwRegRegisteredCount %r, "
                             "Kamailio contacts %r; gwagentd log:\n%s"
                             % (s.registered_count(), s.contacts(), s.gw.output()[-2000:]))
    reg_secs = time.monotonic() - t0

    samples = [s.sample()]
    flap = []
    if seconds >= FLAP_END + 10:
        flap = ["u%06d" % i for i in range(0, n, FLAP_SHARE)][:FLAP_MAX]
        for u in flap:
            s.k.add_user(u, "wrong-" + u)
    flap_on = bool(flap)
    notif_samples = [(time.monotonic(), s.limited_count())]
    walks = walks_ok = 0
    bad_walks = []
    snmpd_restarts = kam_restarts = 0
    snmpd_back = []
    start = time.monotonic()
    next_snmpd = start + SNMPD_FIRST
    next_kam = start + KAMAILIO_FIRST
    next_sample = start + SAMPLE_EVERY
    tick = 0
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        s.gw.check_alive()
        if now >= next_snmpd:
            next_snmpd += SNMPD_EVERY
            s.snmpd.kill9()
            s.gw.check_alive()
            s.snmpd.start()
            tr = time.monotonic()
            try:
                s.wait_subtree(30)
            except LabError:
                raise AssertionError("subtree not back 30 s after snmpd restart %d; "
                                     "gwagentd log:\n%s"
                                     % (snmpd_restarts + 1, s.gw.output()[-2000:]))
            snmpd_back.append(time.monotonic() - tr)
            snmpd_restarts += 1
        if flap_on and now - start >= FLAP_END:
            for u in flap:
                s.k.remove_user(u)      # back to the pw- prefix rule
            flap_on = False
        if now >= next_kam:
            next_kam += KAMAILIO_EVERY
            # down for a few seconds, so that refreshes sent meanwhile fail
            # (gwRegistrationFailed, then restored after the retry): the
            # rate limiter has something to hold back
            s.k.stop()
            time.sleep(KAMAILIO_DOWN)
            s.k.start()
            kam_restarts += 1
        # snmpd is up here (restarted synchronously above): every walk
        # must see all N rows
        rows = s.walk_rows()
        walks += 1
        if rows == n:
            walks_ok += 1
        else:
            bad_walks.append((round(time.monotonic() - start, 1), rows))
        if time.monotonic() >= next_sample:
            while next_sample <= time.monotonic():
                next_sample += SAMPLE_EVERY
            samples.append(s.sample())
        notif_samples.append((time.monotonic(), s.limited_count()))
        tick += 1
        delay = start + tick * TICK - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            tick = int((time.monotonic() - start) / TICK) + 1
    soak_secs = time.monotonic() - start

    # bounded settle: a binding dropped by the last Kamailio restart comes
    # back at its next refresh (half the grant) or retry
    t_end = time.monotonic()
    bound = RETRY_TIME + 60
    try:
        wait_until(s.all_bound, bound, "every binding back", interval=1.0)
    except LabError:
        pass
    settle = time.monotonic() - t_end
    s.gw.check_alive()
    samples.append(s.sample())
    count = s.registered_count()
    contacts = s.contacts()
    lost = n - min(count or 0, contacts or 0)
    final_rows = s.walk_rows()

    d = time.monotonic() - s.t_gw
    traps = [x for x in s.trapd.traps() if x["trap_oid"].startswith(NOTIF)]
    limited = [x for x in traps if x["trap_oid"] in LIMITED_NOTIFS]
    failed = sum(1 for x in limited if x["trap_oid"] == NOTIF + "1")
    restored = sum(1 for x in limited if x["trap_oid"] == NOTIF + "2")
    summaries = [x for x in traps if x["trap_oid"] == SUPPRESSED_NOTIF]
    held_back = 0
    for x in summaries:
        for oid, v in x["vars"].items():
            m = re.match(r"Gauge32: (\d+)", v)
            if oid.startswith(ROOT + ".") and m:
                held_back += int(m.group(1))
    # bucket: TRAP_RATE tokens at start, TRAP_RATE more each second
    limit = int(TRAP_RATE * d) + TRAP_RATE

    notif_samples.append((time.monotonic(), len(limited)))
    # the same bound over every window between two loop ticks: a burst may
    # not exceed the bucket plus the window's refill (1 s of slack for the
    # notifications in flight when a window opened)
    worst = None
    for i in range(len(notif_samples)):
        for j in range(i + 1, len(notif_samples)):
            (ta, ca), (tb, cb) = notif_samples[i], notif_samples[j]
            excess = (cb - ca) - (TRAP_RATE * (tb - ta + 1.0) + TRAP_RATE)
            if worst is None or excess > worst[0]:
                worst = (excess, cb - ca, tb - ta)
    (_, rss0, fd0), (_, rss1, fd1) = samples[0], samples[-1]
    rss_peak = max(x[1] for x in samples)
    # Flat RSS: the first sample is taken once all N bindings are
    # registered; afterwards the engine only refreshes, retries and serves
    # walks, so the heap must not grow: 10 % + 2 MB covers allocator
    # fragmentation and the buffers first used by a walk or a restart.
    # Under ASan (16 MB quarantine, see above) the quarantine fills during
    # the soak on top of the heap, so allow for it plus 15 %.
    rss_bound = rss0 * 1.10 + 2048 + (16384 + rss0 * 0.05 if asan else 0)
    sys.stdout.write(
        "# soak: %d accounts, %.0f s, %d snmpd restarts, %d Kamailio restarts, walks %d "
        "(%d with %d rows), lost %d, RSS %.1f→%.1f MB (peak %.1f, bound %.1f), fds %d→%d, "
        "notifications %d (limit %d; %d rate-limited over %.0f s at %d/s: %d failed, "
        "%d restored for %d accounts refused a while; %d summaries holding back %d)%s\n"
        % (n, soak_secs, snmpd_restarts, kam_restarts, walks, walks_ok, n, lost,
           rss0 / 1024.0, rss1 / 1024.0, rss_peak / 1024.0, rss_bound / 1024.0, fd0, fd1,
           len(traps), limit, len(limited), d, TRAP_RATE, failed, restored, len(flap),
           len(summaries), held_back,
           " [ASan]" if asan else ""))
    sys.stdout.write("# soak: registration of %d in %.1f s, settle %.1f s after the loop, "
                     "subtree back after snmpd restarts in %s s; tightest notification window "
                     "%s\n"
                     % (n, reg_secs, settle, ", ".join("%.1f" % x for x in snmpd_back),
                        "%d in %.1f s" % (worst[1], worst[2]) if worst else "-"))
    sys.stdout.write("# soak: RSS/fd samples (s, MB, fds): %s\n"
                     % " ".join("%.0f:%.1f:%d" % (x[0] - start, x[1] / 1024.0, x[2])
                                for x in samples))
    sys.stdout.flush()

    check(snmpd_restarts >= 1 or seconds < SNMPD_EVERY, "no snmpd restart happened")
    check(kam_restarts >= 1 or seconds < KAMAILIO_FIRST, "no Kamailio restart happened")
    check_eq(lost, 0, "lost bindings (gwRegRegisteredCount %r, Kamailio contacts %r, "
                      "after %.0f s)" % (count, contacts, settle))
    check_eq(final_rows, n, "rows of the final walk")
    check(not bad_walks, "walks without %d rows (s into the soak, rows): %s"
          % (n, bad_walks[:20]))
    check(rss1 <= rss_bound, "RSS grew from %d kB to %d kB (bound %d kB)"
          % (rss0, rss1, rss_bound))
    check(fd1 <= fd0 + 2, "fds grew from %d to %d" % (fd0, fd1))
    check(len(limited) <= limit, "%d rate-limited notifications received, limit %d"
          % (len(limited), limit))
    check(worst is None or worst[0] <= 0, "%d rate-limited notifications within %.1f s"
          % (worst[1], worst[2]))
    if flap:
        check(failed >= 1, "no gwRegistrationFailed for %d refused accounts" % len(flap))
    check(len(summaries) <= d / SUMMARY_S + 1, "%d summaries in %.0f s" % (len(summaries), d))
    s.gw.check_alive()


if __name__ == "__main__":
    sys.exit(t.run())
