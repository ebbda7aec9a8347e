"""Vendor-client fixtures: recorded payloads, a real local HTTP server, a sinkhole listener, an
outbound-connection guard, and a private Redis key prefix.

The server is a real ``http.server`` on a loopback port: each test registers replies per
(method, path) and reads back what the client really sent (URL, headers, body).
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import redis

from axa.clients.values import decode_json

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> Any:
    """A recorded vendor body, decoded exactly as the clients decode (floats as Decimal)."""
    return decode_json((PAYLOADS / name).read_bytes())


def payload_text(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # bytes/str sent as is; anything else as JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # if set: send the body one byte every ``drip`` seconds

    def raw(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, default=str).encode()


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    raw_target: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, parts.path, dict(parse_qsl(parts.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw_body) if raw_body else None, self.path)
        self.server.seen.append(seen)
        handler = self.server.routes.get((self.command, parts.path))
        reply = handler(seen) if callable(handler) else handler or Reply(404, {"error": "no route"})
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        time.sleep(reply.delay)
        body = reply.raw()
        self.send_response(reply.status)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **reply.headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not reply.drip:
            self.wfile.write(body)
            return
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(reply.drip)

    do_GET = do_POST = _serve


class VendorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[tuple[str, str], Any] = {}
        self.seen: list[Seen] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, method: str, path: str, reply) -> None:
        """``reply``: a Reply, or a callable(Seen) -> Reply."""
        self.routes[(method, path)] = reply

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (timeout tests) is expected


@pytest.fixture
def server():
    srv = VendorServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


class Sink:
    """A listener that never answers; ``connections()`` counts connections that reached it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def sink():
    listener = Sink()
    yield listener
    listener.sock.close()


@dataclass
class Guard:
    allowed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture
def outbound_guard(monkeypatch):
    """Every connection urllib3 opens passes here: loopback ones are let through (and counted),
    any other is refused before a packet leaves, and recorded."""
    import urllib3.util.connection as connection

    guard, original = Guard(), connection.create_connection

    def guarded(address, *args, **kwargs):
        host = address[0]
        try:
            loopback = ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            guard.refused.append(host)
            raise OSError(f"test guard: no connection to {host}")
        guard.allowed.append(host)
        return original(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", guarded)
    return guard


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(os.environ["AXA_REDIS_URL"], decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    """A Redis key prefix of this test only; its keys are deleted afterwards."""
    name = f"axa:test:clients:{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(redis_client.scan_iter(f"{name}:*"))
    if keys:
        redis_client.delete(*keys)
