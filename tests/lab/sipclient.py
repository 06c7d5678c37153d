# SPDX-License-Identifier: ISC
"""A minimal SIP REGISTER client in pure Python (stdlib only).

It exists to check the lab's registrar independently of SIPp and of the
engine under test: UDP (with RFC 3261 retransmissions), TCP and TLS (server
certificate verified against a CA file), digest MD5, SHA-256 and
SHA-512-256 (and -sess) with qop=auth, qop=auth-int or no qop, answering
401 and 407 (both in one retry when both come), stale=true, 423.

    c = SipClient("127.0.0.1", k.udp_port, "alice", "secret", domain="gw.test")
    r = c.register(expires=60)          # a Response: r.status, r.header("Contact")
    r.history                           # every response of the exchange, in order
    c.unregister()                      # Expires: 0 for our contact
    c.close()

Responses come back as they are (no exception for 4xx-6xx); a transaction
nobody answers raises SipTimeout.
"""
import hashlib
import re
import secrets
import socket
import ssl
import time

HOST = "127.0.0.1"

COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type", "e": "content-encoding",
           "k": "supported", "s": "subject", "o": "event", "u": "allow-events"}

# strongest first: the default choice among several challenges of a realm
ALGORITHMS = ("SHA-512-256", "SHA-256", "MD5")


class SipError(Exception):
    pass


class SipTimeout(SipError):
    """No final response within the transaction timeout."""


# -- digest ------------------------------------------------------------------

def _hash_fn(algorithm):
    base = algorithm.upper()
    if base.endswith("-SESS"):
        base = base[:-5]
    name = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}.get(base)
    if name is None:
        return None
    try:
        hashlib.new(name)
    except ValueError:
        return None
    return lambda s: hashlib.new(name, s.encode()).hexdigest()


def supported_algorithm(algorithm):
    return _hash_fn(algorithm or "MD5") is not None


def digest_response(algorithm, username, realm, password, method, uri, nonce,
                    qop=None, nc=None, cnonce=None, body=""):
    """The digest `response` value (RFC 7616 / RFC 3261 §22.4)."""
    algorithm = algorithm or "MD5"
    H = _hash_fn(algorithm)
    if H is None:
        raise SipError("unsupported digest algorithm %s" % algorithm)
    ha1 = H("%s:%s:%s" % (username, realm, password))
    if algorithm.upper().endswith("-SESS"):
        ha1 = H("%s:%s:%s" % (ha1, nonce, cnonce))
    if qop == "auth-int":
        ha2 = H("%s:%s:%s" % (method, uri, H(body)))
    else:
        ha2 = H("%s:%s" % (method, uri))
    if qop:
        return H("%s:%s:%s:%s:%s:%s" % (ha1, nonce, nc, cnonce, qop, ha2))
    return H("%s:%s:%s" % (ha1, nonce, ha2))


_PARAM = re.compile(r'\s*([A-Za-z0-9_.!%*+`\'~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,"]*)\s*(,|$)')


def parse_challenge(value):
    """'Digest realm="x", nonce="y", ...' → {'scheme': 'digest', 'realm': 'x', ...}
    (parameter names lower-case, quotes and backslash escapes removed).
    Returns None when the value cannot be parsed."""
    m = re.match(r"\s*([A-Za-z0-9_-]+)\s+(.*)$", value or "", re.S)
    if not m:
        return None
    out = {"scheme": m.group(1).lower()}
    rest = m.group(2)
    pos = 0
    for _ in range(64):
        if pos >= len(rest) or not rest[pos:].strip():
            break
        pm = _PARAM.match(rest, pos)
        if not pm:
            return None
        v = pm.group(2)
        if v.startswith('"'):
            v = re.sub(r"\\(.)", r"\1", v[1:-1])
        out[pm.group(1).lower()] = v
        pos = pm.end()
    return out


def _quote(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- messages ----------------------------------------------------------------

class Response:
    """A parsed SIP response (or request, with .method set)."""

    def __init__(self, raw):
        self.raw = raw
        head, _, body = raw.partition(b"\r\n\r\n")
        text = head.decode("utf-8", errors="replace")
        lines = text.split("\r\n")
        self.first_line = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            n, sep, v = line.partition(":")
            if sep:
                self.headers.append((n.strip(), v.strip()))
        self.body = body
        self.status = None
        self.reason = ""
        self.method = None
        self.history = [self]
        self.sent = []
        p = self.first_line.split(" ", 2)
        if p[0].startswith("SIP/") and len(p) >= 2 and p[1].isdigit():
            self.status = int(p[1])
            self.reason = p[2] if len(p) > 2 else ""
        elif len(p) == 3:
            self.method = p[0]

    @staticmethod
    def _norm(name):
        n = name.lower()
        return COMPACT.get(n, n)

    def headers_all(self, name):
        """Every value of a header (compact forms understood), in order."""
        n = self._norm(name)
        return [v for k, v in self.headers if self._norm(k) == n]

    def header(self, name, default=None):
        v = self.headers_all(name)
        return v[0] if v else default

    def _int_header(self, name):
        v = self.header(name)
        if v is None:
            return None
        m = re.match(r"\s*(\d+)", v)
        return int(m.group(1)) if m else None

    @property
    def min_expires(self):
        return self._int_header("Min-Expires")

    @property
    def retry_after(self):
        return self._int_header("Retry-After")

    @property
    def cseq(self):
        v = self.header("CSeq") or ""
        m = re.match(r"\s*(\d+)\s+(\S+)", v)
        return (int(m.group(1)), m.group(2)) if m else (None, None)

    def challenges(self, header="WWW-Authenticate"):
        """The parsed challenges of one header (None entries for unparsable ones)."""
        return [parse_challenge(v) for v in self.headers_all(header)]

    def granted_expires(self, contact_uri=None):
        """The expiry granted: our contact's expires parameter (the first
        Contact when contact_uri is None), else the Expires header."""
        for c in self.headers_all("Contact"):
            for one in _split_contacts(c):
                m = re.match(r"\s*(?:[^<]*<([^>]*)>|([^;]+))(.*)$", one)
                if not m:
                    continue
                uri = (m.group(1) or m.group(2) or "").strip()
                if contact_uri is not None and uri != contact_uri:
                    continue
                em = re.search(r";\s*expires\s*=\s*(\d+)", m.group(3) or "", re.I)
                if em:
                    return int(em.group(1))
                if contact_uri is not None:
                    break
        return self._int_header("Expires")

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    @property
    def truncated(self):
        """True when Content-Length promises more body than there is (a
        datagram cut short; RFC 3261 §18.3 says discard it)."""
        n = self._int_header("Content-Length")
        return n is not None and n > len(self.body)

    def __repr__(self):
        return "<SIP %s>" % self.first_line


def _split_contacts(value):
    out, cur, q, a = [], "", False, False
    for ch in value:
        if ch == '"':
            q = not q
        elif ch == "<" and not q:
            a = True
        elif ch == ">" and not q:
            a = False
        if ch == "," and not q and not a:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


# -- the client ----------------------------------------------------------------

class SipClient:
    """One REGISTER client (one Call-ID, CSeq growing) over one transport.

    host, port: where to send (the registrar); transport: udp, tcp or tls;
    domain: the AOR/Request-URI host (default: host); auth_user: the digest
    username (default: user); ca_file/verify/server_hostname: TLS checks
    (server_hostname defaults to host, an IP is checked against IP SANs);
    algorithms: the ones we answer, in preference order (strongest first
    by default; prefer="topmost" answers the first usable challenge
    instead); timeout: per transaction (UDP retransmits from t1 doubling
    up to 4 s)."""

    def __init__(self, host, port, user, password=None, transport="udp", domain=None,
                 auth_user=None, contact_user=None, ca_file=None, verify=True,
                 server_hostname=None, local_host=HOST, local_port=0, timeout=4.0, t1=0.5,
                 algorithms=ALGORITHMS, prefer="strongest", user_agent="gwlab-sipclient",
                 call_id=None, cseq=None):
        transport = transport.lower()
        if transport not in ("udp", "tcp", "tls"):
            raise ValueError("transport must be udp, tcp or tls")
        self.host, self.port = host, int(port)
        self.user, self.password = user, password
        self.transport = transport
        self.domain = domain or host
        self.auth_user = auth_user or user
        self.contact_user = contact_user or user
        self.ca_file, self.verify = ca_file, verify
        self.server_hostname = server_hostname or host
        self.local_host, self.local_port = local_host, local_port
        self.timeout, self.t1 = timeout, t1
        self.algorithms = tuple(a.upper() for a in algorithms)
        self.prefer = prefer
        self.user_agent = user_agent
        self.call_id = call_id or "%s@gwlab" % secrets.token_hex(10)
        self.cseq = cseq if cseq is not None else secrets.randbelow(1000) + 1
        self.tag = secrets.token_hex(6)
        self.nc = {}
        self.sock = None
        self.rbuf = b""
        self.stray = []          # messages received that matched no transaction
        self._connect()

    # transport ------------------------------------------------------------

    def _connect(self):
        if self.transport == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((self.local_host, self.local_port))
            self.sock = s
        else:
            s = socket.create_connection((self.host, self.port), timeout=self.timeout,
                                         source_address=(self.local_host, self.local_port))
            if self.transport == "tls":
                ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.ca_file)
                if not self.verify:
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                try:
                    s = ctx.wrap_socket(s, server_hostname=self.server_hostname)
                except (ssl.SSLError, OSError):
                    s.close()
                    raise
            self.sock = s
        self.local_port = self.sock.getsockname()[1]

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def contact_uri(self):
        t = "" if self.transport == "udp" else ";transport=" + self.transport
        return "sip:%s@%s:%d%s" % (self.contact_user, self.local_host, self.local_port, t)

    def send_raw(self, data):
        """Send bytes as they are (garbage, truncated messages...)."""
        if isinstance(data, str):
            data = data.encode()
        if self.transport == "udp":
            self.sock.sendto(data, (self.host, self.port))
        else:
            self.sock.sendall(data)

    def _recv_message(self, deadline):
        """One SIP message or None at the deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if self.transport != "udp":
                msg = self._take_stream_message()
                if msg is not None:
                    return msg
            self.sock.settimeout(left)
            try:
                if self.transport == "udp":
                    data, _ = self.sock.recvfrom(65535)
                    if data.strip():
                        return data
                    continue   # keep-alive CRLF
                data = self.sock.recv(65535)
            except (socket.timeout, TimeoutError):
                return None
            except ssl.SSLWantReadError:
                continue
            if not data:
                raise SipError("connection closed by %s:%d" % (self.host, self.port))
            self.rbuf += data

    def _take_stream_message(self):
        self.rbuf = self.rbuf.lstrip(b"\r\n")
        end = self.rbuf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.rbuf[:end].decode("utf-8", errors="replace")
        m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
        n = int(m.group(1)) if m else 0
        total = end + 4 + n
        if len(self.rbuf) < total:
            return None
        msg, self.rbuf = self.rbuf[:total], self.rbuf[total:]
        return msg

    # transactions ---------------------------------------------------------

    def build_request(self, method, uri=None, headers=(), branch=None, cseq=None, body=""):
        uri = uri or "sip:%s" % self.domain
        branch = branch or "z9hG4bK" + secrets.token_hex(8)
        cseq = self.cseq if cseq is None else cseq
        aor = "sip:%s@%s" % (self.user, self.domain)
        lines = ["%s %s SIP/2.0" % (method, uri),
                 "Via: SIP/2.0/%s %s:%d;branch=%s;rport" % (self.transport.upper(),
                                                             self.local_host, self.local_port,
                                                             branch),
                 "Max-Forwards: 70",
                 "From: <%s>;tag=%s" % (aor, self.tag),
                 "To: <%s>" % aor,
                 "Call-ID: %s" % self.call_id,
                 "CSeq: %d %s" % (cseq, method)]
        lines += list(headers)
        lines += ["User-Agent: %s" % self.user_agent,
                  "Content-Length: %d" % len(body.encode())]
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode(), branch

    def transaction(self, method, uri=None, headers=(), timeout=None):
        """Send one request (new branch, CSeq +1) and return its final
        response; provisional responses are skipped.  Raises SipTimeout."""
        self.cseq += 1
        cseq = self.cseq
        data, branch = self.build_request(method, uri, headers, cseq=cseq)
        timeout = self.timeout if timeout is None else timeout
        start = time.monotonic()
        deadline = start + timeout
        interval = self.t1
        next_tx = start
        for _ in range(10000):
            now = time.monotonic()
            if now >= deadline:
                break
            if now >= next_tx:
                self.send_raw(data)
                if self.transport != "udp":
                    next_tx = deadline + 1
                else:
                    next_tx = now + interval
                    interval = min(interval * 2, 4.0)
            msg = self._recv_message(min(deadline, next_tx))
            if msg is None:
                continue
            r = Response(msg)
            if r.status is None or r.cseq != (cseq, method) or _branch(r) != branch \
                    or r.truncated:
                self.stray.append(r)
                del self.stray[:-50]
                continue
            if r.status < 200:
                continue
            r.sent = [data.decode(errors="replace")]
            return r
        raise SipTimeout("no final response to %s (CSeq %d) from %s:%d/%s within %.1fs"
                         % (method, cseq, self.host, self.port, self.transport, timeout))

    def _authorization(self, ch, method, uri):
        alg = ch.get("algorithm") or "MD5"
        nonce = ch.get("nonce", "")
        realm = ch.get("realm", "")
        qops = [q.strip().lower() for q in ch.get("qop", "").split(",") if q.strip()]
        qop = "auth" if "auth" in qops else ("auth-int" if "auth-int" in qops else None)
        if alg.upper().endswith("-SESS") and not qop:
            return None
        nc = cnonce = None
        if qop:
            self.nc[nonce] = self.nc.get(nonce, 0) + 1
            nc = "%08x" % self.nc[nonce]
            cnonce = secrets.token_hex(8)
        resp = digest_response(alg, self.auth_user, realm, self.password or "", method, uri,
                               nonce, qop, nc, cnonce)
        parts = ["username=%s" % _quote(self.auth_user), "realm=%s" % _quote(realm),
                 "nonce=%s" % _quote(nonce), "uri=%s" % _quote(uri),
                 "response=%s" % _quote(resp), "algorithm=%s" % alg]
        if qop:
            parts += ["cnonce=%s" % _quote(cnonce), "qop=%s" % qop, "nc=%s" % nc]
        if "opaque" in ch:
            parts.append("opaque=%s" % _quote(ch["opaque"]))
        return "Digest " + ", ".join(parts)

    def _pick(self, challenges):
        """One usable challenge per realm, by our policy."""
        usable = [c for c in challenges if c and c.get("scheme") == "digest"
                  and "nonce" in c and "realm" in c
                  and (c.get("algorithm") or "MD5").upper() in
                  [a for a in self.algorithms] + [a + "-SESS" for a in self.algorithms]
                  and supported_algorithm(c.get("algorithm"))]
        by_realm = {}
        for c in usable:
            by_realm.setdefault(c["realm"], []).append(c)
        out = []
        for cs in by_realm.values():
            if self.prefer == "topmost":
                out.append(cs[0])
            else:
                def rank(c):
                    a = (c.get("algorithm") or "MD5").upper()
                    a = a[:-5] if a.endswith("-SESS") else a
                    return self.algorithms.index(a) if a in self.algorithms else 99
                out.append(sorted(cs, key=rank)[0])
        return out

    def request(self, method, headers=(), uri=None, max_auth=3, timeout=None):
        """A request with digest answered: returns the final Response; its
        .history holds every final response of the exchange in order and
        .sent the requests sent.  Stops (returning the 401/407) when the
        same nonce is challenged again without stale=true, when no
        challenge is usable, or after max_auth retries."""
        uri = uri or "sip:%s" % self.domain
        history, sent = [], []
        auth = []
        used_nonces = set()
        r = None
        for _ in range(max_auth + 1):
            r = self.transaction(method, uri, list(headers) + auth, timeout=timeout)
            history.append(r)
            sent += r.sent
            if r.status not in (401, 407) or self.password is None:
                break
            auth = []
            repeat = False
            for hname, aname in (("WWW-Authenticate", "Authorization"),
                                 ("Proxy-Authenticate", "Proxy-Authorization")):
                for ch in self._pick(r.challenges(hname)):
                    stale = str(ch.get("stale", "")).lower() == "true"
                    if ch["nonce"] in used_nonces and not stale:
                        repeat = True
                    used_nonces.add(ch["nonce"])
                    a = self._authorization(ch, method, uri)
                    if a:
                        auth.append("%s: %s" % (aname, a))
            if not auth or repeat:
                break
        r.history, r.sent = history, sent
        return r

    def register(self, expires=3600, contact=None, headers=(), follow_423=False, max_auth=3,
                 expires_in_contact=False, timeout=None):
        """REGISTER our contact (or `contact`, a URI or '*').  With
        follow_423, a 423 is retried once with its Min-Expires.  Returns the
        final Response (see request())."""
        history, sent = [], []
        for _ in range(2):
            c = contact or self.contact_uri
            hdrs = []
            if c == "*":
                hdrs.append("Contact: *")
            elif expires_in_contact and expires is not None:
                hdrs.append("Contact: <%s>;expires=%d" % (c, expires))
            else:
                hdrs.append("Contact: <%s>" % c)
            if expires is not None and not (expires_in_contact and c != "*"):
                hdrs.append("Expires: %d" % expires)
            r = self.request("REGISTER", hdrs + list(headers), max_auth=max_auth,
                             timeout=timeout)
            history += r.history
            sent += r.sent
            if r.status == 423 and follow_423 and r.min_expires:
                expires = r.min_expires
                continue
            break
        r.history, r.sent = history, sent
        return r

    def unregister(self, contact=None, **kw):
        """REGISTER with Expires: 0 for our contact (or `contact`)."""
        return self.register(expires=0, contact=contact, **kw)

    def unregister_all(self, **kw):
        """REGISTER Contact: * with Expires: 0."""
        return self.register(expires=0, contact="*", **kw)

    def options(self, uri=None, timeout=None):
        """An OPTIONS (no auth) to the registrar; returns the final Response."""
        return self.request("OPTIONS", ["Accept: application/sdp"], uri=uri or
                            "sip:%s:%d" % (self.host, self.port), max_auth=0, timeout=timeout)


def _branch(r):
    via = r.header("Via") or ""
    m = re.search(r";\s*branch=([^;,\s]+)", via)
    return m.group(1) if m else None


def register(host, port, user, password, realm=None, domain=None, expires=3600,
             transport="udp", **kw):
    """One-shot REGISTER (a SipClient opened and closed): domain defaults
    to realm, else host.  Returns the final Response."""
    with SipClient(host, port, user, password, transport=transport,
                   domain=domain or realm or host, **kw) as c:
        return c.register(expires=expires)


class RawUdpResponder:
    """An in-process UDP "registrar" for malformed-input tests: a thread
    on 127.0.0.1 (free port) that hands every datagram to
    handler(data: bytes, request: Response or None, addr) and sends back
    the bytes objects it returns (any bytes: garbage, truncated, huge).
    .received lists (data, addr).  No child process; stop() joins."""

    def __init__(self, handler, port=0):
        import threading
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, port))
        self.sock.settimeout(0.1)
        self.host, self.port = HOST, self.sock.getsockname()[1]
        self.received = []
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="RawUdpResponder", daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                break
            self.received.append((data, addr))
            try:
                req = Response(data)
                if req.method is None:
                    req = None
            except Exception:  # noqa: BLE001 - garbage in
                req = None
            try:
                for out in self.handler(data, req, addr) or ():
                    self.sock.sendto(out if isinstance(out, bytes) else out.encode(), addr)
            except Exception as e:  # noqa: BLE001 - keep serving, report later
                self.errors.append(repr(e))

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def make_response(request, status, reason, headers=(), body=b"", to_tag="gwlab-raw",
                  content_length=None):
    """Bytes of a response to `request` (a Response with .method): Via,
    From, To (with a tag), Call-ID and CSeq copied, then `headers`, then
    Content-Length (len(body) unless content_length is given)."""
    lines = ["SIP/2.0 %d %s" % (status, reason)]
    lines += ["Via: %s" % v for v in request.headers_all("Via")]
    lines.append("From: %s" % request.header("From", ""))
    to = request.header("To", "")
    lines.append("To: %s" % (to if "tag=" in to else to + ";tag=" + to_tag))
    lines.append("Call-ID: %s" % request.header("Call-ID", ""))
    lines.append("CSeq: %s" % request.header("CSeq", ""))
    lines += list(headers)
    lines.append("Content-Length: %d" % (len(body) if content_length is None else content_length))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
