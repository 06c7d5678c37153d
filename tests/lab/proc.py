# SPDX-License-Identifier: ISC
"""Process, port and temp-dir plumbing shared by every lab component."""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HOST = "127.0.0.1"


class LabError(RuntimeError):
    """A lab component could not be started or did not answer."""


def which_or_none(name):
    for d in (os.environ.get("PATH", "") + ":/usr/sbin:/sbin").split(":"):
        p = os.path.join(d, name)
        if d and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def free_port(kind="udp", also=None):
    """A port free on 127.0.0.1 for `kind` ('udp' or 'tcp'), and for the
    other kinds listed in `also` too (a SIP listener wants UDP and TCP)."""
    kinds = [kind] + list(also or [])
    for _ in range(200):
        socks = []
        try:
            s = _bind(kinds[0], 0)
            socks.append(s)
            port = s.getsockname()[1]
            for k in kinds[1:]:
                socks.append(_bind(k, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise LabError("no free port on %s for %s" % (HOST, kinds))


def _bind(kind, port):
    t = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, t)
    if kind == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, port))
    return s


def wait_until(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(interval)
    raise LabError("timed out after %.1fs waiting for %s" % (timeout, what))


def tcp_listening(port, host=HOST):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class Process:
    """One child process in its own process group, stopped by PID."""

    def __init__(self, name, argv, cwd, env=None, log=None):
        self.name = name
        self.argv = argv
        self.log = log or os.path.join(cwd, name + ".out")
        self._logf = open(self.log, "ab")
        e = dict(os.environ)
        e.update(env or {})
        self.popen = subprocess.Popen(argv, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                                      stdout=self._logf, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def output(self):
        try:
            with open(self.log, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def check_alive(self):
        if not self.alive():
            raise LabError("%s exited with %s:\n%s" % (self.name, self.popen.returncode,
                                                        self.output()[-3000:]))

    def stop(self, timeout=5.0, sig=signal.SIGTERM):
        """Signal the process group by PID, escalate to SIGKILL, reap."""
        if self.popen.poll() is None:
            for s in (sig, signal.SIGKILL):
                try:
                    os.killpg(self.pid, s)
                except ProcessLookupError:
                    break
                try:
                    self.popen.wait(timeout)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            try:  # daemons' own children may linger in the group
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._logf.close()
        return self.popen.returncode

    def kill9(self):
        return self.stop(timeout=5.0, sig=signal.SIGKILL)


_live_labs = []


def _cleanup_all(*_):
    for lab in list(_live_labs):
        lab.close()


def _on_signal(signum, frame):
    _cleanup_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_cleanup_all)
for _s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_s, _on_signal)


class Lab:
    """A temp dir plus the processes started in it; a context manager.

    Components (lab.snmp.Snmpd, lab.kamailio.Kamailio, ...) take a Lab and
    call lab.spawn(); closing the lab stops them all in reverse order and
    removes the directory unless GWLAB_KEEP=1 (or, for a lab whose test
    failed, GWLAB_KEEP_FAILED=1)."""

    def __init__(self, name="gwlab"):
        self.dir = tempfile.mkdtemp(prefix=name + ".")
        os.chmod(self.dir, 0o755)
        self.procs = []
        self.closers = []       # in-process helpers (relays): stop() on close
        self.failed = False
        self.closed = False
        _live_labs.append(self)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def subdir(self, name):
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        return d

    def spawn(self, name, argv, cwd=None, env=None):
        p = Process(name, argv, cwd or self.dir, env=env)
        self.procs.append(p)
        return p

    def stop(self, proc):
        proc.stop()
        if proc in self.procs:
            self.procs.remove(proc)

    def close(self):
        if self.closed:
            return
        self.closed = True
        for c in reversed(self.closers):
            try:
                c()
            except Exception:  # noqa: BLE001 - stopping the rest matters more
                pass
        self.closers = []
        for p in reversed(self.procs):
            p.stop()
        self.procs = []
        if self in _live_labs:
            _live_labs.remove(self)
        keep = os.environ.get("GWLAB_KEEP") == "1" or \
            (self.failed and os.environ.get("GWLAB_KEEP_FAILED", "0") == "1")
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.failed = True
        self.close()
        return False
