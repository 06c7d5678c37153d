# SPDX-License-Identifier: ISC
"""A TCP relay on 127.0.0.1 between gwagentd and a registrar that can
reset connections the way a peer does (RST, by SO_LINGER 0), for the
connection-reset fault tests.  TLS passes through untouched (the relay
only copies bytes), so certificate checks still run end to end.

    p = TcpProxy(lab, upstream_port).start()
    p.port                  # where gwagentd connects
    p.reset_all()           # RST every relayed connection now
    p.reset_next_data(1)    # RST the next connection that sends data
    p.accepted              # connections accepted so far
"""
import selectors
import socket
import struct
import threading

from .proc import HOST, LabError


class TcpProxy:
    def __init__(self, lab, upstream_port, upstream_host=HOST):
        self.lab = lab
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.accepted = 0
        self.resets = 0
        self._armed = 0
        self._pairs = {}            # socket -> peer socket
        self._lock = threading.Lock()
        self._clients = set()       # the gwagentd side of each pair
        self._requests = []         # reset_all() calls for the relay thread
        self._stop = False
        self._thread = None
        self._listener = None
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()

    def start(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((HOST, 0))
        ls.listen(64)
        ls.setblocking(False)
        self._listener = ls
        self.port = ls.getsockname()[1]
        self._sel.register(ls, selectors.EVENT_READ, "accept")
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._thread = threading.Thread(target=self._loop, name="tcpproxy", daemon=True)
        self._thread.start()
        self.lab.closers.append(self.stop)
        return self

    # -- faults ----------------------------------------------------------------

    def reset_all(self, timeout=5.0):
        """RST both ends of every relayed connection (done by the relay's
        own thread); returns how many were reset."""
        done = threading.Event()
        box = []
        with self._lock:
            self._requests.append((done, box))
        self._wake()
        if not done.wait(timeout):
            raise LabError("tcp proxy did not reset its connections")
        return box[0]

    def reset_next_data(self, n=1):
        """The next n client connections that send anything are reset
        instead of relayed (the data is dropped)."""
        with self._lock:
            self._armed += n

    def connections(self):
        with self._lock:
            return len(self._clients)

    # -- relay -----------------------------------------------------------------

    def _wake(self):
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _loop(self):
        while not self._stop:
            for key, _ in self._sel.select(0.5):
                what = key.data
                if what == "accept":
                    self._accept()
                elif what == "wake":
                    try:
                        self._wake_r.recv(64)
                    except OSError:
                        pass
                    self._serve_requests()
                else:
                    self._relay(key.fileobj)

    def _serve_requests(self):
        with self._lock:
            reqs, self._requests = self._requests, []
            socks = [s for s in self._pairs if s in self._clients]
        for s in socks if reqs else ():
            self._reset_pair(s)
        for done, box in reqs:
            box.append(len(socks))
            done.set()

    def _accept(self):
        try:
            c, _ = self._listener.accept()
        except OSError:
            return
        try:
            u = socket.create_connection(self.upstream, timeout=2)
        except OSError:
            self._rst(c)
            return
        c.setblocking(False)
        u.setblocking(False)
        with self._lock:
            self.accepted += 1
            self._clients.add(c)
            self._pairs[c] = u
            self._pairs[u] = c
        self._sel.register(c, selectors.EVENT_READ, "relay")
        self._sel.register(u, selectors.EVENT_READ, "relay")

    def _relay(self, s):
        with self._lock:
            peer = self._pairs.get(s)
            client = s in self._clients
        if peer is None:
            return
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if client and data:
            with self._lock:
                armed = self._armed > 0
                if armed:
                    self._armed -= 1
            if armed:
                self._reset_pair(s)
                return
        if not data:
            self._close_pair(s)
            return
        try:
            peer.setblocking(True)
            peer.sendall(data)
            peer.setblocking(False)
        except OSError:
            self._close_pair(s)

    @staticmethod
    def _rst(s):
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()

    def _forget(self, s):
        with self._lock:
            peer = self._pairs.pop(s, None)
            if peer is not None:
                self._pairs.pop(peer, None)
            self._clients.discard(s)
            if peer is not None:
                self._clients.discard(peer)
        for x in (s, peer):
            if x is not None:
                try:
                    self._sel.unregister(x)
                except (KeyError, ValueError):
                    pass
        return peer

    def _reset_pair(self, s):
        peer = self._forget(s)
        with self._lock:
            self.resets += 1
        self._rst(s)
        if peer is not None:
            self._rst(peer)

    def _close_pair(self, s):
        peer = self._forget(s)
        for x in (s, peer):
            if x is not None:
                try:
                    x.close()
                except OSError:
                    pass

    def stop(self):
        if self._stop:
            return
        self._stop = True
        self._wake()
        if self._thread is not None:
            self._thread.join(5)
            if self._thread.is_alive():
                raise LabError("tcp proxy thread did not stop")
        with self._lock:
            socks = list(self._pairs)
            self._pairs.clear()
        for s in socks:
            try:
                s.close()
            except OSError:
                pass
        if self._listener is not None:
            self._listener.close()
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
