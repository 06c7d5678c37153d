# SPDX-License-Identifier: ISC
"""SIPp (Debian sip-tester, 3.6.1) helpers for the lab.

    r = Sipp.register(lab, k.host, k.udp_port, "alice", "secret", expires=60)
    r.ok, r.successful, r.failed, r.messages   # one REGISTER+digest, -m 1

    uas = SippUas(lab, "uas_503_retry_after.xml", keys={"retry_after": 7})
    ...                       # point the client at uas.host:uas.port
    uas.requests()            # REGISTERs received (parsed), from -trace_msg
    uas.stop()

Scenario files live in tests/lab/scenarios/; a bare name is looked up
there.  This SIPp build has no TLS transport (no "l1"): TLS is covered by
lab.sipclient and the engine's own tests.  SIPp's digest is MD5 only.
"""
import itertools
import os
import re
import socket
import subprocess

from .proc import HOST, LabError, free_port, wait_until, which_or_none
from .sipclient import Response

SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")

# keys every UAS scenario may use; SIPp refuses unknown [keywords], so they
# always get a value
UAS_DEFAULT_KEYS = {"realm": "gw.test", "retry_after": "30", "grant": "30"}

_seq = itertools.count(1)
_TRANSPORTS = {"u1": "udp", "un": "udp", "t1": "tcp", "tn": "tcp"}


def scenario(name):
    """Path of a scenario: a path as is, else a file of tests/lab/scenarios
    ('.xml' optional)."""
    if os.path.sep in name and os.path.isfile(name):
        return os.path.abspath(name)
    for n in (name, name + ".xml"):
        p = os.path.join(SCENARIOS, n)
        if os.path.isfile(p):
            return p
    if os.path.isfile(name):
        return os.path.abspath(name)
    raise LabError("no SIPp scenario %r (looked in %s)" % (name, SCENARIOS))


def _sipp():
    p = which_or_none("sipp")
    if not p:
        raise LabError("sipp not found (Debian package sip-tester)")
    return p


def media_port():
    """A UDP port P on 127.0.0.1 with P+2 free too, for SIPp's -mp: SIPp
    binds its RTP echo sockets (audio P, video P+2) even for REGISTER
    scenarios, by default at 6000 upwards with 100 tries, which parallel
    runs exhaust."""
    for _ in range(100):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            a.bind((HOST, 0))
            p = a.getsockname()[1]
            if p + 2 > 65535:
                continue
            b.bind((HOST, p + 2))
            return p
        except OSError:
            continue
        finally:
            a.close()
            b.close()
    raise LabError("no free UDP port pair for SIPp media")


def owns_port(pid, kind, port):
    """True when process `pid` holds a socket bound to 127.0.0.1:port
    (kind 'udp' or 'tcp', listening for tcp), read from /proc: a port found
    busy may belong to someone else."""
    want = "0100007F:%04X" % port
    inodes = set()
    try:
        with open("/proc/net/%s" % kind) as f:
            for line in f.readlines()[1:]:
                c = line.split()
                if len(c) > 9 and c[1] == want and (kind == "udp" or c[3] == "0A"):
                    inodes.add("socket:[%s]" % c[9])
        if not inodes:
            return False
        fd_dir = "/proc/%d/fd" % pid
        for fd in os.listdir(fd_dir):
            try:
                if os.readlink(os.path.join(fd_dir, fd)) in inodes:
                    return True
            except OSError:
                continue
    except OSError:
        return False
    return False


def _key_args(keys):
    out = []
    for k, v in keys.items():
        out += ["-key", str(k), str(v)]
    return out


class SippMessage:
    """One entry of SIPp's -trace_msg log: direction ('sent'/'received'),
    transport ('UDP'/'TCP'), time (the log's timestamp text), text, and
    msg (a lab.sipclient.Response: .method for requests, .status for
    responses, .header(), .headers_all())."""

    def __init__(self, direction, transport, when, text):
        self.direction = direction
        self.transport = transport
        self.time = when
        self.text = text
        self.msg = Response(text.encode())

    @property
    def method(self):
        return self.msg.method

    @property
    def status(self):
        return self.msg.status

    def header(self, name, default=None):
        return self.msg.header(name, default)

    def __repr__(self):
        return "<SippMessage %s %s>" % (self.direction, self.msg.first_line)


_SEP = re.compile(r"^-{20,} (.*)$")
_KIND = re.compile(r"^(\S+) message (sent|received)\b")


def parse_message_log(path):
    """SIPp's -message_file into a list of SippMessage."""
    try:
        with open(path, "r", errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return []
    out = []
    cur = None

    def flush():
        if cur and cur[3]:
            body = "\n".join(cur[3]).strip("\r\n")
            if body:
                lines_ = [l.rstrip("\r") for l in body.split("\n")]
                # headers end at the first empty line; the log's trailing
                # blank lines are not part of the message
                text = "\r\n".join(lines_)
                if "\r\n\r\n" not in text:
                    text += "\r\n\r\n"
                out.append(SippMessage(cur[0], cur[1], cur[2], text))

    for line in lines:
        m = _SEP.match(line)
        if m:
            flush()
            cur = [None, None, m.group(1).strip(), []]
            continue
        if cur is None:
            continue
        if cur[0] is None:
            k = _KIND.match(line)
            if k:
                cur[0], cur[1] = k.group(2), k.group(1)
            continue
        cur[3].append(line)
    flush()
    return out


class SippResult:
    """What a UAC run of SIPp gave: returncode (0 all calls ok, 1 some
    failed, 97/99 other exits, negative = fatal), successful and failed
    call counts (from -trace_stat, else from the exit code), stats (the
    last -trace_stat row as a dict), messages (SippMessage list), output
    (SIPp's stdout/stderr), errors (its -trace_err log), local_port, dir."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def ok(self):
        return self.returncode == 0 and self.failed == 0 and self.successful > 0

    def __repr__(self):
        return "<SippResult rc=%s ok=%d failed=%d>" % (self.returncode, self.successful,
                                                        self.failed)


def _read(path):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _last_stats(path):
    rows = [l for l in _read(path).splitlines() if l.strip()]
    if len(rows) < 2:
        return {}
    head = rows[0].rstrip(";").split(";")
    vals = rows[-1].rstrip(";").split(";")
    return dict(zip(head, vals))


class Sipp:
    """SIPp as a client (UAC), one run to completion per call."""

    @staticmethod
    def run(lab, scenario_file, target_host, port, transport="u1", calls=1, keys=None,
            args=(), local_port=None, timeout=15.0, name=None):
        """Run SIPp on a UAC scenario against target_host:port until `calls`
        calls are done (-m) or `timeout` seconds; returns a SippResult."""
        if transport not in _TRANSPORTS:
            raise ValueError("transport must be one of %s (no TLS in this SIPp)" %
                             ", ".join(_TRANSPORTS))
        kind = _TRANSPORTS[transport]
        fixed_port = local_port is not None
        d = lab.subdir(name or "sipp-uac-%d" % next(_seq))
        for _ in range(1 if fixed_port else 5):
            r = Sipp._run_once(lab, scenario_file, target_host, port, transport, calls, keys,
                               args, local_port or free_port(kind), timeout, d)
            if r.returncode == -2 and "Address already in use" in r.output and not fixed_port:
                continue   # the local port was taken meanwhile: another one
            return r
        return r

    @staticmethod
    def _run_once(lab, scenario_file, target_host, port, transport, calls, keys, args,
                  local_port, timeout, d):
        files = {k: os.path.join(d, k) for k in ("stats.csv", "messages.log", "errors.log")}
        for f in files.values():
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass
        tsec = max(1, int(timeout + 0.999))
        argv = [_sipp(), "%s:%d" % (target_host, port), "-sf", scenario(scenario_file),
                "-m", str(calls), "-i", HOST, "-p", str(local_port), "-bind_local",
                "-mp", str(media_port()),
                "-t", transport, "-nostdin", "-timeout", "%ds" % tsec, "-timeout_error",
                "-trace_stat", "-stf", files["stats.csv"],
                "-trace_msg", "-message_file", files["messages.log"],
                "-trace_err", "-error_file", files["errors.log"]]
        argv += _key_args(keys or {}) + [str(a) for a in args]
        proc = lab.spawn("sipp", argv, cwd=d)
        try:
            proc.popen.wait(timeout + 5.0)
        except subprocess.TimeoutExpired:
            pass
        rc = proc.popen.poll()
        lab.stop(proc)
        if rc is None:
            rc = proc.popen.returncode
            if rc is None or rc >= 0:
                rc = -9
        if rc > 127:
            rc -= 256
        stats = _last_stats(files["stats.csv"])

        def num(k):
            try:
                return int(stats.get(k, ""))
            except ValueError:
                return None
        ok, failed = num("SuccessfulCall(C)"), num("FailedCall(C)")
        if ok is None or failed is None:
            ok = calls if rc == 0 else 0
            failed = 0 if rc == 0 else calls
        return SippResult(returncode=rc, successful=ok, failed=failed, stats=stats,
                          messages=parse_message_log(files["messages.log"]),
                          output=proc.output(), errors=_read(files["errors.log"]),
                          local_port=local_port, dir=d, argv=argv)

    @staticmethod
    def register(lab, target_host, port, user, password, transport="u1", expires=3600,
                 domain=None, contact=None, local_port=None, timeout=15.0, calls=1,
                 scenario_file="uac_register_auth.xml", extra_args=()):
        """One REGISTER answered with digest (scenarios/uac_register_auth.xml):
        From/To sip:user@domain (domain defaults to target_host), Contact
        `contact` (default <sip:user@127.0.0.1:local_port;transport=...>),
        Expires `expires`.  Returns a SippResult (.ok, .successful, .failed,
        .local_port to unregister the same contact later)."""
        kind = _TRANSPORTS.get(transport, "udp")
        domain = domain or target_host
        args = ["-s", user, "-au", user, "-ap", password, "-auth_uri", domain]
        for _ in range(1 if local_port else 5):
            lp = local_port or free_port(kind)
            c = contact
            if c is None:
                c = "<sip:%s@%s:%d;transport=%s>" % (user, HOST, lp, kind)
            keys = {"domain": domain, "expires": expires, "contact": c}
            r = Sipp.run(lab, scenario_file, target_host, port, transport=transport,
                         calls=calls, keys=keys, args=args + list(extra_args), local_port=lp,
                         timeout=timeout)
            if not (r.returncode == -2 and "Address already in use" in r.output):
                break
        return r

    @staticmethod
    def unregister(lab, target_host, port, user, password, transport="u1", local_port=None,
                   contact=None, all_contacts=False, **kw):
        """Expires 0 for the contact registered from local_port (or
        `contact`), or `Contact: *` with all_contacts."""
        if all_contacts:
            contact = "*"
        elif contact is None and local_port is None:
            raise ValueError("unregister needs local_port, contact or all_contacts")
        return Sipp.register(lab, target_host, port, user, password, transport=transport,
                             expires=0, contact=contact, local_port=local_port, **kw)


class SippUas:
    """SIPp as a UAS on 127.0.0.1 in the background, running a scenario
    (a misbehaving registrar) until stop().  port: given or free;
    transport: u1 (UDP) or t1 (TCP); keys: -key values for the scenario
    (realm, retry_after, grant have defaults); extra_args: more SIPp
    options.  Starting waits until SIPp has bound its port."""

    def __init__(self, lab, scenario_xml_path, port=None, transport="u1", keys=None,
                 extra_args=(), name=None, timeout=10.0):
        if transport not in _TRANSPORTS:
            raise ValueError("transport must be one of %s" % ", ".join(_TRANSPORTS))
        self.lab = lab
        self.scenario = scenario(scenario_xml_path)
        self.host = HOST
        self.transport = _TRANSPORTS[transport]
        self.dir = lab.subdir(name or "sipp-uas-%d" % next(_seq))
        self.message_file = os.path.join(self.dir, "messages.log")
        self.error_file = os.path.join(self.dir, "errors.log")
        k = dict(UAS_DEFAULT_KEYS)
        k.update({a: str(b) for a, b in (keys or {}).items()})
        self.keys = k
        self.proc = None
        # a port picked here can be taken by another process before SIPp
        # binds it (parallel test runs): then SIPp exits 254, try another
        for attempt in range(1 if port else 5):
            self.port = port or free_port(self.transport)
            self.argv = [_sipp(), "-sf", self.scenario, "-i", HOST, "-p", str(self.port),
                         "-bind_local", "-mp", str(media_port()), "-t", transport, "-nostdin",
                         "-trace_msg", "-message_file", self.message_file,
                         "-trace_err", "-error_file", self.error_file]
            self.argv += _key_args(k) + [str(a) for a in extra_args]
            self.proc = lab.spawn("sipp-uas", self.argv, cwd=self.dir)
            try:
                wait_until(self._bound, timeout, "SIPp UAS to bind %s port %d" %
                           (self.transport, self.port))
                return
            except LabError as e:
                out = self.proc.output()
                rc = self.proc.popen.poll()
                self.stop()
                if rc == 254 and "Address already in use" in out and attempt < 4 and not port:
                    continue
                raise LabError("%s:\n%s" % (e, out[-3000:])) from None

    def _bound(self):
        if not self.proc.alive():
            raise LabError("SIPp UAS exited with %s" % self.proc.popen.returncode)
        return owns_port(self.proc.pid, self.transport, self.port)

    def uri(self):
        return "sip:%s:%d;transport=%s" % (self.host, self.port, self.transport)

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def messages(self):
        """Every message SIPp sent or received so far (SippMessage list)."""
        return parse_message_log(self.message_file)

    def requests(self, method="REGISTER"):
        """Requests received (method None: all), as SippMessage."""
        return [m for m in self.messages() if m.direction == "received" and m.method
                and (method is None or m.method == method)]

    def responses(self):
        """Responses SIPp sent, as SippMessage."""
        return [m for m in self.messages() if m.direction == "sent" and m.status]

    def wait_requests(self, n, method="REGISTER", timeout=5.0):
        """Wait until at least n requests were received; returns them."""
        box = []

        def pred():
            box[:] = self.requests(method)
            return len(box) >= n
        wait_until(pred, timeout, "%d %s request(s) at the SIPp UAS" % (n, method or "any"),
                   interval=0.05)
        return list(box)

    def wait_responses(self, n, timeout=5.0):
        """Wait until SIPp logged at least n responses sent; returns them
        (the log is written just after the send: read it through here)."""
        box = []

        def pred():
            box[:] = self.responses()
            return len(box) >= n
        wait_until(pred, timeout, "%d response(s) sent by the SIPp UAS" % n, interval=0.05)
        return list(box)

    def errors(self):
        """SIPp's -trace_err log (unexpected messages, aborted calls)."""
        return _read(self.error_file)

    def output(self):
        return self.proc.output() if self.proc else ""

    def stop(self):
        if self.proc is not None:
            self.lab.stop(self.proc)
            self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "<SippUas %s %s:%d/%s>" % (os.path.basename(self.scenario), self.host, self.port,
                                          self.transport)
