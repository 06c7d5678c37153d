# SPDX-License-Identifier: ISC
"""Kamailio 5.6 as a memory-only registrar with digest authentication.

    from lab import Lab
    from lab.kamailio import Kamailio
    with Lab() as lab:
        k = Kamailio(lab, users={"alice": "secret"}, tls=True).start()
        ...                       # register to k.host:k.udp_port (or tcp/tls)
        k.contacts("alice")       # the location table, one dict per contact
        k.contact_count()         # stats.get_statistics location_contacts

Everything lives in lab.subdir("kamailio") (or the `name` given): the
generated kamailio.cfg, the TLS test PKI, the pid file, the binrpc ctl
socket used by `kamcmd` and a JSON-RPC datagram socket used for structured
reads.  Ports are picked at run time on 127.0.0.1 (UDP and TCP share one
port, TLS has its own) and are kept across restart().

The registrar: REGISTER without credentials gets 401 (WWW-Authenticate with
the configured qop and algorithm); an unknown user, a wrong password or a
digest username different from the To user gets 403; an expired or reused
nonce gets 401 stale=true; with min_expires set, a shorter non-zero
expiry gets 423 with Min-Expires.  OPTIONS gets 200; other methods 405.
"""
import itertools
import json
import os
import socket
import subprocess

from .proc import HOST, LabError, free_port, tcp_listening, wait_until, which_or_none

MODULE_DIRS = ("/usr/lib/x86_64-linux-gnu/kamailio/modules",
               "/usr/lib/kamailio/modules",
               "/usr/lib64/kamailio/modules",
               "/usr/local/lib64/kamailio/modules",
               "/usr/local/lib/kamailio/modules")

_rpc_seq = itertools.count(1)


def module_dir():
    """The directory holding Kamailio's modules (GWLAB_KAMAILIO_MODULES wins)."""
    env = os.environ.get("GWLAB_KAMAILIO_MODULES")
    if env:
        return env
    for d in MODULE_DIRS:
        if os.path.isfile(os.path.join(d, "registrar.so")):
            return d
    # multiarch paths other than x86_64
    for base in ("/usr/lib",):
        try:
            for e in sorted(os.listdir(base)):
                d = os.path.join(base, e, "kamailio", "modules")
                if os.path.isfile(os.path.join(d, "registrar.so")):
                    return d
        except OSError:
            pass
    raise LabError("Kamailio modules not found (install the Debian package kamailio)")


def cfg_str(s):
    """A Kamailio cfg string literal."""
    s = str(s)
    if any(c in s for c in "\r\n\0"):
        raise ValueError("newline or NUL in a Kamailio string: %r" % s)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run(argv, what, timeout=15.0, cwd=None):
    try:
        r = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LabError("%s timed out after %.0fs" % (what, timeout)) from None
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0:
        raise LabError("%s failed (exit %d):\n%s" % (what, r.returncode, out[-2000:]))
    return out


def make_pki(directory, hosts=("127.0.0.1", "localhost"), prefix=""):
    """A throw-away CA and a server certificate signed by it (EC P-256,
    2 days), subjectAltName from `hosts` (IP: or DNS: picked per entry).
    Returns a dict of paths: ca, ca_key, cert, key.  Calling it again with
    another `prefix` gives an unrelated CA (for negative tests)."""
    openssl = which_or_none("openssl")
    if not openssl:
        raise LabError("openssl not found (Debian package openssl)")
    p = {k: os.path.join(directory, prefix + f) for k, f in
         (("ca", "ca.crt"), ("ca_key", "ca.key"), ("cert", "server.crt"), ("key", "server.key"),
          ("csr", "server.csr"), ("ext", "server.ext"))}
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run([openssl, "req", "-x509", *ec, "-keyout", p["ca_key"], "-out", p["ca"], "-days", "2",
          "-subj", "/O=gwagent lab/CN=gwlab test CA %s" % (prefix or os.getpid()),
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], "openssl CA")
    _run([openssl, "req", *ec, "-keyout", p["key"], "-out", p["csr"],
          "-subj", "/O=gwagent lab/CN=%s" % hosts[0]], "openssl server key")
    san = ",".join(("IP:" if _is_ip(h) else "DNS:") + h for h in hosts)
    with open(p["ext"], "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth,clientAuth\n" % san)
    _run([openssl, "x509", "-req", "-in", p["csr"], "-CA", p["ca"], "-CAkey", p["ca_key"],
          "-CAcreateserial", "-out", p["cert"], "-days", "2", "-sha256", "-extfile", p["ext"]],
         "openssl sign")
    for k in ("key", "ca_key"):
        os.chmod(p[k], 0o600)
    return p


def _is_ip(h):
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(fam, h)
            return True
        except OSError:
            pass
    return False


class Kamailio:
    """A Kamailio registrar in the lab; see the module docstring."""

    def __init__(self, lab, realm="gw.test", users=None, qop="auth", algorithm="MD5",
                 min_expires=None, default_expires=3600, max_expires=0, tcp=True, tls=False,
                 nonce_expire=300, expires_range=0, retry_after=0, password_prefix=None,
                 check_to_user=True, nonce_count=False, timer_interval=5, hash_size=10,
                 shm_mb=64, pkg_mb=8, children=2, debug=2, name="kamailio", ipv6=False):
        if qop not in ("", None, "auth", "auth-int"):
            raise ValueError("qop must be '', 'auth' or 'auth-int'")
        if "$" in realm or not realm:
            raise ValueError("realm must be a non-empty string without '$'")
        if algorithm not in ("MD5", "SHA-256"):
            raise ValueError("Kamailio 5.6 auth supports algorithm MD5 or SHA-256")
        self.lab = lab
        self.realm = realm
        self.users = dict(users or {})
        self.qop = qop or ""
        self.algorithm = algorithm
        self.min_expires = min_expires
        self.default_expires = default_expires
        self.max_expires = max_expires
        self.tcp = tcp or tls   # Kamailio's TLS rides on its TCP engine
        self.tls = tls
        self.nonce_expire = nonce_expire
        self.expires_range = expires_range
        self.retry_after = retry_after
        self.password_prefix = password_prefix
        self.check_to_user = check_to_user
        self.nonce_count = nonce_count
        self.timer_interval = timer_interval
        self.hash_size = hash_size
        self.shm_mb = shm_mb
        self.pkg_mb = pkg_mb
        self.children = children
        self.debug = debug
        self.name = name
        self.host = HOST
        self.ipv6 = ipv6        # also listen on [::1] with the same UDP (TCP, TLS) port
        self.udp_port = None
        self.tcp_port = None
        self.tls_port = None
        self.ca_file = None
        self.cert_file = None
        self.key_file = None
        self.dir = lab.subdir(name)
        self.cfg_path = os.path.join(self.dir, "kamailio.cfg")
        self.tls_cfg_path = os.path.join(self.dir, "tls.cfg")
        self.pid_file = os.path.join(self.dir, "kamailio.pid")
        self.ctl_socket = os.path.join(self.dir, "ctl.sock")
        self.rpc_socket = os.path.join(self.dir, "rpc.sock")
        self.logs = []          # one output file per start
        self.proc = None
        self.starts = 0
        for p in (self.ctl_socket, self.rpc_socket):
            if len(p) > 100:
                raise LabError("socket path too long for AF_UNIX: %s (set TMPDIR shorter)" % p)

    # -- configuration -----------------------------------------------------

    def _challenge_flags(self):
        return {"": 0, "auth": 1, "auth-int": 2}[self.qop]

    def config(self):
        """The kamailio.cfg text for the current settings."""
        mp = module_dir()
        L = []
        a = L.append
        a("#!KAMAILIO")
        a("# generated by tests/lab/kamailio.py for the gwagent lab; do not edit")
        a("debug=%d" % self.debug)
        a("log_stderror=yes")
        a('log_prefix="{$mt $cs $ci} "')
        a("children=%d" % self.children)
        a("auto_aliases=no")
        a("dns=no")
        a("rev_dns=no")
        a("use_dns_cache=off")
        a("server_header=\"Server: gwlab-kamailio\"")
        a("sip_warning=0")
        a("maxbuffer=4194304")
        a("listen=udp:%s:%d" % (self.host, self.udp_port))
        if self.ipv6:
            a("listen=udp:[::1]:%d" % self.udp_port)
        if self.tcp:
            a("listen=tcp:%s:%d" % (self.host, self.tcp_port))
            if self.ipv6:
                a("listen=tcp:[::1]:%d" % self.tcp_port)
            a("tcp_children=%d" % self.children)
            a("tcp_connection_lifetime=3605")
            a("tcp_accept_no_cl=yes")
        else:
            a("disable_tcp=yes")
        if self.tls:
            a("enable_tls=yes")
            a("listen=tls:%s:%d" % (self.host, self.tls_port))
            if self.ipv6:
                a("listen=tls:[::1]:%d" % self.tls_port)
        a("mpath=%s" % cfg_str(mp + "/"))
        for m in ("sl", "pv", "maxfwd", "textops", "siputils", "xlog", "sanity", "ctl", "kex",
                  "corex", "jsonrpcs", "usrloc", "registrar", "auth", "htable"):
            a('loadmodule "%s.so"' % m)
        if self.tls:
            a('loadmodule "tls.so"')
            a('modparam("tls", "config", %s)' % cfg_str(self.tls_cfg_path))
        a('modparam("ctl", "binrpc", %s)' % cfg_str("unix:" + self.ctl_socket))
        a('modparam("jsonrpcs", "transport", 4)')   # 4 = datagram only
        a('modparam("jsonrpcs", "dgram_socket", %s)' % cfg_str(self.rpc_socket))
        a('modparam("usrloc", "db_mode", 0)')
        a('modparam("usrloc", "timer_interval", %d)' % self.timer_interval)
        a('modparam("usrloc", "hash_size", %d)' % self.hash_size)
        a('modparam("registrar", "default_expires", %d)' % self.default_expires)
        a('modparam("registrar", "max_expires", %d)' % self.max_expires)
        if self.min_expires:
            a('modparam("registrar", "min_expires", %d)' % self.min_expires)
            a('modparam("registrar", "min_expires_mode", 1)')
        else:
            a('modparam("registrar", "min_expires", 0)')
        if self.expires_range:
            a('modparam("registrar", "expires_range", %d)' % self.expires_range)
        if self.retry_after:
            a('modparam("registrar", "retry_after", %d)' % self.retry_after)
        a('modparam("auth", "nonce_expire", %d)' % self.nonce_expire)
        a('modparam("auth", "algorithm", %s)' % cfg_str(self.algorithm))
        if self.nonce_count and self.qop:
            a('modparam("auth", "nonce_count", 1)')
        a('modparam("htable", "htable", "users=>size=10;autoexpire=0;")')
        a("")
        if self.users:
            a("event_route[htable:mod-init] {")
            for u, pw in self.users.items():
                a("\t$sht(users=>%s) = %s;" % (_cfg_key(u), cfg_str(pw)))
            a("}")
        a("")
        flags = self._challenge_flags()
        a("""request_route {
	xlog("L_INFO", "gwlab: $rm $ru from $proto:$si:$sp\\n");
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (!sanity_check()) {
		xlog("L_WARN", "gwlab: malformed $rm from $si:$sp dropped\\n");
		exit;
	}
	if (is_method("ACK")) {
		exit;
	}
	if (is_method("OPTIONS")) {
		sl_send_reply("200", "OK");
		exit;
	}
	if (!is_method("REGISTER")) {
		sl_send_reply("405", "Method Not Allowed");
		exit;
	}
	route(AUTH);
	if (!save("location")) {
		sl_reply_error();
	}
	exit;
}

route[AUTH] {
	if (!is_present_hf("Authorization")) {
		www_challenge(%(realm)s, "%(flags)d");
		exit;
	}
	if ($sht(users=>$au) != $null) {
		$var(pw) = $sht(users=>$au);
	} else {
%(unknown)s
	}
	pv_www_authenticate(%(realm)s, "$var(pw)", "0");
	$var(rc) = $rc;
	if ($var(rc) == -4 || $var(rc) == -6) {
		xlog("L_INFO", "gwlab: stale nonce from $au ($var(rc))\\n");
		www_challenge(%(realm)s, "%(stale)d");
		exit;
	}
	if ($var(rc) == -5) {
		www_challenge(%(realm)s, "%(flags)d");
		exit;
	}
	if ($var(rc) < 0) {
		xlog("L_NOTICE", "gwlab: auth failed for $au ($var(rc))\\n");
		sl_send_reply("403", "Forbidden");
		exit;
	}
%(to_check)s
	consume_credentials();
}
""" % {"flags": flags, "stale": flags | 16, "realm": cfg_str(self.realm),
       "unknown": ('\t\t$var(pw) = %s + $au;' % cfg_str(self.password_prefix)
                   if self.password_prefix is not None else
                   '\t\txlog("L_NOTICE", "gwlab: unknown user $au\\n");\n'
                   '\t\tsl_send_reply("403", "Forbidden");\n\t\texit;'),
       "to_check": ('\tif ($au != $tU) {\n'
                    '\t\txlog("L_NOTICE", "gwlab: user $au registers $tU\\n");\n'
                    '\t\tsl_send_reply("403", "Forbidden");\n\t\texit;\n\t}'
                    if self.check_to_user else "")})
        return "\n".join(L)

    def _tls_config(self):
        return ("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
                "require_certificate = no\nprivate_key = %s\ncertificate = %s\nca_list = %s\n\n"
                "[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
                "require_certificate = no\n" % (self.key_file, self.cert_file, self.ca_file))

    # -- life cycle --------------------------------------------------------

    def start(self, timeout=15.0):
        """Write the configuration, start Kamailio, wait until it answers.
        Returns self.  Raises LabError with the end of its log on failure.
        Ports are picked on the first start (again if one was taken by
        another process meanwhile) and kept for restart()."""
        if self.proc is not None:
            raise LabError("Kamailio %s already started" % self.name)
        picked = self.udp_port is None
        for attempt in range(5 if picked else 1):
            if picked:
                self._pick_ports()
            try:
                return self._start_once(timeout)
            except LabError as e:
                if picked and attempt < 4 and "Address already in use" in str(e):
                    continue
                raise
        raise LabError("unreachable")

    def _pick_ports(self):
        self.udp_port = free_port("udp", also=["tcp"] if self.tcp else [])
        self.tcp_port = self.udp_port if self.tcp else None
        self.tls_port = None
        if self.tls:
            for _ in range(20):
                p = free_port("tcp")
                if p != self.udp_port:
                    self.tls_port = p
                    break

    def _start_once(self, timeout):
        kam = which_or_none("kamailio")
        if not kam:
            raise LabError("kamailio not found (Debian package kamailio)")
        if self.tls and self.ca_file is None:
            pki = make_pki(self.dir, hosts=("127.0.0.1", "localhost") +
                           (("::1",) if self.ipv6 else ()))
            self.ca_file, self.cert_file, self.key_file = pki["ca"], pki["cert"], pki["key"]
        if self.tls:
            with open(self.tls_cfg_path, "w") as f:
                f.write(self._tls_config())
        with open(self.cfg_path, "w") as f:
            f.write(self.config())
        for p in (self.pid_file, self.ctl_socket, self.rpc_socket):
            try:
                os.unlink(p)   # Kamailio refuses to start over a stale pid file
            except FileNotFoundError:
                pass
        argv = [kam, "-f", self.cfg_path, "-DD", "-E", "-Y", self.dir, "-P", self.pid_file,
                "-m", str(self.shm_mb), "-M", str(self.pkg_mb)]
        self.starts += 1
        self.proc = self.lab.spawn("%s-%d" % (self.name, self.starts), argv, cwd=self.dir)
        self.logs.append(self.proc.log)
        try:
            wait_until(self._ready, timeout, "Kamailio to answer on its ctl socket and ports")
        except LabError as e:
            alive = self.proc.alive()
            out = self.proc.output()
            self.stop()
            raise LabError("Kamailio did not start (%s; %s):\n%s" % (
                e, "still running" if alive else "exited",
                "\n".join(out.splitlines()[-40:]))) from None
        return self

    def _ready(self):
        if not self.proc.alive():
            raise LabError("Kamailio exited with %s" % self.proc.popen.returncode)
        if not os.path.exists(self.rpc_socket):
            return False
        try:
            self.rpc("core.uptime", timeout=0.5)
        except LabError:
            return False
        if self.tcp and not tcp_listening(self.tcp_port):
            return False
        if self.tls and not tcp_listening(self.tls_port):
            return False
        return True

    def stop(self):
        """Stop Kamailio (by PID); the location table is lost."""
        if self.proc is not None:
            self.lab.stop(self.proc)
            self.proc = None

    def kill9(self):
        """Kill Kamailio with SIGKILL (a crash: no clean shutdown); start()
        brings it back on the same ports with an empty location table."""
        if self.proc is not None:
            self.proc.kill9()
            if self.proc in self.lab.procs:
                self.lab.procs.remove(self.proc)
            self.proc = None

    def restart(self, timeout=15.0):
        """Stop and start again on the same ports and certificate: every
        binding is lost; users (also those added with add_user()) stay."""
        self.stop()
        return self.start(timeout=timeout)

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def log(self):
        """Kamailio's output (stderr log), all starts in order."""
        out = []
        for p in self.logs:
            try:
                with open(p, "r", errors="replace") as f:
                    out.append(f.read())
            except OSError:
                pass
        return "".join(out)

    def log_tail(self, n=40):
        return "\n".join(self.log().splitlines()[-n:])

    # -- control -----------------------------------------------------------

    def rpc(self, method, *params, timeout=3.0):
        """One JSON-RPC call through the datagram socket; returns "result".
        Raises LabError on an RPC error or no answer."""
        cli = os.path.join(self.dir, "c%d-%d.sock" % (os.getpid(), next(_rpc_seq)))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.bind(cli)
            s.settimeout(timeout)
            req = {"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}
            s.sendto(json.dumps(req).encode(), self.rpc_socket)
            data = s.recv(1 << 22)
        except OSError as e:
            raise LabError("Kamailio RPC %s: %s" % (method, e)) from None
        finally:
            s.close()
            try:
                os.unlink(cli)
            except OSError:
                pass
        try:
            reply = json.loads(data.decode(errors="replace"))
        except ValueError:
            raise LabError("Kamailio RPC %s: bad JSON reply %r" % (method, data[:200])) from None
        if "error" in reply:
            raise RpcError(method, reply["error"])
        return reply.get("result")

    def kamcmd(self, *args, timeout=5.0):
        """Run `kamcmd -s unix:<ctl socket> args...`; returns its output."""
        k = which_or_none("kamcmd")
        if not k:
            raise LabError("kamcmd not found (Debian package kamailio)")
        return _run([k, "-s", "unix:" + self.ctl_socket] + [str(x) for x in args],
                    "kamcmd " + " ".join(map(str, args)), timeout=timeout)

    def add_user(self, user, password):
        """Add or change a user's password at run time (htable.sets)."""
        self.rpc("htable.sets", "users", str(user), str(password))
        self.users[user] = password

    def remove_user(self, user):
        self.rpc("htable.delete", "users", str(user))
        self.users.pop(user, None)

    def stat(self, name):
        """One Kamailio statistic as an int (name as in kamcmd
        stats.get_statistics, e.g. "rcv_requests_options")."""
        for line in self.rpc("stats.get_statistics", name) or []:
            k, _, v = str(line).partition("=")
            if k.strip().split(":")[-1] == name:
                return int(v.strip())
        raise LabError("no statistic %s" % name)

    def contact_count(self):
        """Contacts in the location table (stats location_contacts)."""
        res = self.rpc("stats.get_statistics", "location_contacts")
        for line in res or []:
            k, _, v = str(line).partition("=")
            if k.strip().endswith("location_contacts"):
                return int(v.strip())
        raise LabError("no location_contacts statistic in %r" % (res,))

    def contacts(self, aor_user=None, include_expired=False):
        """The location table as a list of dicts, one per contact:
        aor, contact (URI), expires (seconds left, None if permanent),
        q, callid, cseq, user_agent, received, path, socket, instance,
        reg_id, tcpconn_id, last_modified, state, raw (Kamailio's dict).
        With aor_user, only that AOR (ul.lookup); else the whole table."""
        if aor_user is not None:
            try:
                res = self.rpc("ul.lookup", "location", str(aor_user))
            except RpcError as e:
                if e.code == 404 or "not found" in str(e.message).lower():
                    return []
                raise
            records = [res]
        else:
            res = self.rpc("ul.dump")
            records = []
            for d in (res or {}).get("Domains", []):
                dom = d.get("Domain", {})
                if dom.get("Domain") not in (None, "location"):
                    continue
                for a in dom.get("AoRs", []) or []:
                    records.append(a.get("Info", a))
        out = []
        for rec in records:
            aor = rec.get("AoR")
            for c in rec.get("Contacts", []) or []:
                c = c.get("Contact", c)
                exp = c.get("Expires")
                if exp == "permanent":
                    exp = None
                elif not isinstance(exp, int):
                    if not include_expired:
                        continue   # "expired" / "deleted" awaiting the timer
                    exp = 0
                out.append({
                    "aor": aor,
                    "contact": c.get("Address"),
                    "expires": exp,
                    "q": c.get("Q"),
                    "callid": c.get("Call-ID"),
                    "cseq": c.get("CSeq"),
                    "user_agent": c.get("User-Agent"),
                    "received": _unset(c.get("Received")),
                    "path": _unset(c.get("Path")),
                    "socket": c.get("Socket"),
                    "instance": _unset(c.get("Instance")),
                    "reg_id": c.get("Reg-Id"),
                    "tcpconn_id": c.get("Tcpconn-Id"),
                    "last_modified": c.get("Last-Modified"),
                    "state": c.get("State"),
                    "raw": c,
                })
        return out

    def wait_contacts(self, aor_user, n, timeout=5.0):
        """Wait until aor_user has exactly n contacts; returns them."""
        box = []

        def pred():
            box[:] = self.contacts(aor_user)
            return len(box) == n
        wait_until(pred, timeout, "%d contact(s) for %s" % (n, aor_user), interval=0.1)
        return list(box)

    # -- addresses ---------------------------------------------------------

    def uri(self, transport="udp"):
        """sip:host:port;transport=... of one listener."""
        port = {"udp": self.udp_port, "tcp": self.tcp_port, "tls": self.tls_port}[transport]
        if port is None:
            raise LabError("Kamailio %s has no %s listener" % (self.name, transport))
        return "sip:%s:%d;transport=%s" % (self.host, port, transport)

    def port(self, transport="udp"):
        return {"udp": self.udp_port, "tcp": self.tcp_port, "tls": self.tls_port}[transport]

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "<Kamailio %s udp/tcp %s tls %s>" % (self.host, self.udp_port, self.tls_port)


class RpcError(LabError):
    def __init__(self, method, err):
        self.code = err.get("code") if isinstance(err, dict) else None
        self.message = err.get("message") if isinstance(err, dict) else str(err)
        super().__init__("Kamailio RPC %s: %s %s" % (method, self.code, self.message))


def _unset(v):
    return None if v in ("[not set]", "", None) else v


def _cfg_key(k):
    """An htable key inside $sht(users=>KEY): no quoting exists there."""
    k = str(k)
    if not k or any(c in k for c in " \t\r\n()$\"\\"):
        raise ValueError("user name %r cannot be put in the Kamailio cfg; use add_user()" % k)
    return k
