# SPDX-License-Identifier: ISC
"""A SIP registrar over TLS written with Python's ssl module, for what the
lab's SIPp (built without TLS) cannot do: it accepts one TLS connection,
answers every REGISTER 200 OK (its Contact echoed with expires=300), and
once the first REGISTER is answered sends requests of its own to the
registered Contact over the same connection (the way a registrar probes
its contacts), keeping the responses.

    from lab import Lab
    from lab.tlsuas import TlsUas
    with Lab() as lab:
        u = TlsUas(lab, host="::1", probes=("OPTIONS", "INFO", "FROB"))
        ...                       # register to [::1]:u.port/tls, CA u.ca_file
        u.wait_responses(3)       # [Message, ...] with .status, .header()
        u.stop()

The server certificate names 127.0.0.1, ::1 and localhost (a throw-away
CA, lab.kamailio.make_pki).  Stop it with stop() (in a finally); its
thread ends with it.
"""
import re
import socket
import ssl
import threading
import time

from .kamailio import make_pki
from .proc import LabError


class Message:
    def __init__(self, raw):
        self.raw = raw
        head = raw.split("\r\n\r\n", 1)[0].split("\r\n")
        self.first = head[0]
        self.headers = []
        for line in head[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers.append((k.strip().lower(), v.strip()))
        m = re.match(r"SIP/2\.0 (\d{3}) ", self.first)
        self.status = int(m.group(1)) if m else None
        self.method = None if m else self.first.split(" ", 1)[0]

    def header(self, name):
        for k, v in self.headers:
            if k == name.lower():
                return v
        return None

    def __repr__(self):
        return "<Message %s>" % self.first


class TlsUas:
    def __init__(self, lab, host="127.0.0.1", probes=("OPTIONS", "INFO", "FROB"),
                 name="tlsuas"):
        self.lab = lab
        self.host = host
        self.probes = list(probes)
        pki = make_pki(lab.subdir(name), hosts=("127.0.0.1", "::1", "localhost"))
        self.ca_file = pki["ca"]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(pki["cert"], pki["key"])
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.ctx = ctx
        self.received = []      # requests from the client
        self.responses = []     # the client's answers to our probes
        self.errors = []
        self.cond = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def addr(self):
        return "[%s]:%d" % (self.host, self.port) if ":" in self.host else \
            "%s:%d" % (self.host, self.port)

    # ---- server ------------------------------------------------------------
    def _run(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(5)
                tls = self.ctx.wrap_socket(conn, server_side=True)
                self._serve(tls)
            except (OSError, ssl.SSLError) as e:
                with self.cond:
                    self.errors.append(repr(e))
                    self.cond.notify_all()
            finally:
                conn.close()

    def _messages(self, tls):
        buf = b""
        tls.settimeout(0.2)
        while self.running:
            while b"\r\n\r\n" in buf:
                head, rest = buf.split(b"\r\n\r\n", 1)
                m = re.search(rb"(?im)^content-length\s*:\s*(\d+)", head)
                n = int(m.group(1)) if m else 0
                if len(rest) < n:
                    break
                yield Message((head + b"\r\n\r\n" + rest[:n]).decode("utf-8", "replace"))
                buf = rest[n:]
            try:
                data = tls.recv(65536)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            if not data:
                return
            buf += data

    def _serve(self, tls):
        probed = False
        for msg in self._messages(tls):
            if msg.status is not None:
                with self.cond:
                    self.responses.append(msg)
                    self.cond.notify_all()
                continue
            with self.cond:
                self.received.append(msg)
                self.cond.notify_all()
            if msg.method == "ACK":
                continue
            tls.sendall(self._answer(msg).encode())
            if msg.method == "REGISTER" and not probed and self.probes:
                probed = True
                contact = msg.header("Contact") or ""
                m = re.search(r"<([^>]+)>", contact)
                uri = m.group(1) if m else contact.split(";")[0]
                for i, method in enumerate(self.probes, 1):
                    tls.sendall(self._request(method, uri, i).encode())

    def _answer(self, req):
        keep = [(k, v) for k, v in req.headers
                if k in ("via", "from", "call-id", "cseq")]
        to = req.header("To") or ""
        if ";tag=" not in to:
            to += ";tag=uas1"
        lines = ["SIP/2.0 200 OK"] + ["%s: %s" % (k.title(), v) for k, v in keep]
        lines.append("To: %s" % to)
        if req.method == "REGISTER" and req.header("Contact"):
            c = req.header("Contact")
            if c.strip() != "*":
                lines.append("Contact: %s;expires=300" % c.split(";expires=")[0])
        lines += ["Content-Length: 0", "", ""]
        return "\r\n".join(lines)

    def _request(self, method, uri, n):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "\r\n".join([
            "%s %s SIP/2.0" % (method, uri),
            "Via: SIP/2.0/TLS %s:%d;branch=z9hG4bKtlsuas%d%d" % (host, self.port, n,
                                                                 int(time.time())),
            "From: <sip:probe@%s>;tag=p%d" % (host, n),
            "To: <%s>" % uri,
            "Call-ID: tlsuas-%d@%s" % (n, self.host),
            "CSeq: %d %s" % (n, method),
            "Max-Forwards: 70",
            "Content-Length: 0", "", ""])

    # ---- test side ---------------------------------------------------------
    def wait_responses(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.responses) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LabError("TLS UAS: %d of %d responses (errors %r, received %r)" %
                                   (len(self.responses), n, self.errors, self.received))
                self.cond.wait(min(left, 0.2))
            return list(self.responses)

    def stop(self):
        if not self.running:
            return
        self.running = False
        self.thread.join(3)
        try:
            self.sock.close()
        except OSError:
            pass

