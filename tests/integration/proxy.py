"""A small TCP proxy that can be cut (listener and every connection closed) or frozen (connections
stay open, bytes vanish: a partition, ``docker pause``) and restored on the same port: a broker
outage as the web app sees it, without touching the shared RabbitMQ."""
from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

DEFAULT_PORTS = {"amqp": 5672, "pyamqp": 5672, "redis": 6379}


class TcpProxy:
    def __init__(self, target: tuple[str, int], host: str = "127.0.0.1"):
        self.target = target
        self.host = host
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._pumps: list[threading.Thread] = []
        self._acceptor: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._frozen = threading.Event()

    @classmethod
    def in_front_of(cls, url: str) -> tuple[TcpProxy, str]:
        """A started proxy to the service ``url`` names, and ``url`` through it (same credentials,
        virtual host or database)."""
        parts = urlsplit(url)
        proxy = cls((parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme])).start()
        credentials = parts.netloc.rpartition("@")[0]
        address = f"{proxy.host}:{proxy.port}"
        return proxy, parts._replace(netloc=f"{credentials}@{address}" if credentials else address).geturl()

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def start(self) -> TcpProxy:
        """Listen (on the same port as before, after a cut) and forward every connection."""
        self._stopping.clear()
        self._frozen.clear()
        self._listener = socket.create_server((self.host, self.port))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, args=(self._listener,), daemon=True)
        self._acceptor.start()
        return self

    def cut(self) -> None:
        """Stop listening and close every forwarded connection, both ends."""
        if self._listener is None:
            return
        self._stopping.set()
        self._acceptor.join()
        self._listener.close()
        self._listener = None
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._pumps:
            thread.join(timeout=5)
        self._pumps = []
        for sock in sockets:
            sock.close()

    def freeze(self) -> None:
        """Keep every connection (and accepting new ones) but forward nothing, either way."""
        self._frozen.set()

    restore = start
    close = cut

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._pumps.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                if not self._frozen.is_set():
                    sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):  # one side gone: end the other too, as a dead broker would
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
