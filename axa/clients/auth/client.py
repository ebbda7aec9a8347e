"""A small client of the auth server's REST API (``AXA_AUTH_URL``): one kept-alive connection pool
per base URL and process, connect and read timeouts, no retries, no redirects, no proxies from the
environment (urllib3 itself, as the vendor clients, axa/clients/http.py).

The caller's client is passed on: its User-Agent, and its address as ``X-Forwarded-For`` (socweb
is then one more proxy hop in front of auth: with ``AXA_PROXY_HOPS=1``, as in ops/compose.yaml,
auth counts its per-address limits and audits by the end client, not by socweb's address; with 0
it ignores the header).

Every answer the auth server gives on purpose (2xx, and 4xx with its JSON error body) comes back
as an ``AuthAnswer`` for the caller to map; anything else (no connection, a timeout, a 5xx, a body
that is not JSON or is too large) raises ``AuthUnavailable``, so the caller answers 503, never 500.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field

import urllib3
import urllib3.exceptions

from axa.platform.config import check_base_url

log = logging.getLogger("axa.clients.auth")
USER_AGENT = "axa-platform-socweb/1"
MAX_BODY = 64 * 1024  # the auth server's answers are a few hundred bytes
CONNECT_TIMEOUT, READ_TIMEOUT = 2.0, 10.0  # reading covers a password hash (argon2id) on the server


class AuthUnavailable(Exception):
    """The auth server could not give an answer (down, slow, broken)."""


@dataclass(frozen=True)
class AuthAnswer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class AuthServerClient:
    def __init__(self, base_url: str, pool: urllib3.PoolManager | None = None) -> None:
        self.base_url = check_base_url(base_url, "AXA_AUTH_URL")
        self.timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
        self.pool = pool or urllib3.PoolManager(num_pools=2, maxsize=8, retries=False)

    def __repr__(self) -> str:
        return f"<AuthServerClient {self.base_url}>"

    def register(self, email: str, password: str, display_name: str, **client) -> AuthAnswer:
        """``POST /api/v1/auth/register``: 201 with the user's snapshot (and its ``version``)."""
        body = {"email": email, "password": password, "display_name": display_name}
        return self.call("POST", "/api/v1/auth/register", body, **client)

    def login(self, email: str, password: str, **client) -> AuthAnswer:
        """``POST /api/v1/auth/login``: 200 with ``session_id`` and the user's snapshot."""
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password}, **client)

    def me(self, session_id: str) -> AuthAnswer:
        """``GET /api/v1/auth/me`` as the session's user: their snapshot."""
        return self.call("GET", "/api/v1/auth/me", session_id=session_id)

    def change_email(self, session_id: str, email: str, **client) -> AuthAnswer:
        """``POST /api/v1/auth/email/change`` as the session's user (a recent sign-in): their snapshot."""
        return self.call("POST", "/api/v1/auth/email/change", {"email": email}, session_id=session_id,
                         **client)

    def change_password(self, session_id: str, new_password: str, **client) -> AuthAnswer:
        """``POST /api/v1/auth/password/change`` without the current password (a recent sign-in): 204."""
        return self.call("POST", "/api/v1/auth/password/change", {"new_password": new_password},
                         session_id=session_id, **client)

    def call(self, method: str, path: str, body: dict | None = None, *, session_id: str | None = None,
             user_agent: str = "", client_ip: str = "") -> AuthAnswer:
        headers = {"Accept": "application/json", "User-Agent": user_agent[:256] or USER_AGENT}
        if client_ip:
            headers["X-Forwarded-For"] = client_ip
        if session_id:
            headers["Authorization"] = f"Bearer {session_id}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, answer_headers, raw = self._send(method, path, payload, headers)
        if status >= 500 or 300 <= status < 400:
            raise AuthUnavailable(f"auth server answered {status} to {method} {path}")
        try:
            decoded = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise AuthUnavailable(f"auth server sent a body that is not JSON ({status})") from None
        if not isinstance(decoded, dict):
            raise AuthUnavailable(f"auth server sent JSON that is not an object ({status})")
        return AuthAnswer(status, decoded, answer_headers)

    def _send(self, method: str, path: str, payload: bytes | None, headers: dict) -> tuple:
        try:
            raw = self.pool.request(method, self.base_url + path, body=payload, headers=headers,
                                    timeout=self.timeout, retries=False, redirect=False,
                                    preload_content=False)
            try:
                content = raw.read(MAX_BODY + 1, decode_content=True)
                if len(content) > MAX_BODY:
                    raw.close()
                    raise AuthUnavailable("auth server answer is over the size cap")
                raw.drain_conn()
            finally:
                raw.release_conn()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("auth server %s %s failed: %s", method, path, type(exc).__name__)
            raise AuthUnavailable(f"auth server unreachable: {type(exc).__name__}") from None
        return raw.status, {k.lower(): v for k, v in raw.headers.items()}, content


_CLIENTS: dict[str, AuthServerClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(base_url: str) -> AuthServerClient:
    """The process's client (and its connection pool) for ``base_url``."""
    client = _CLIENTS.get(base_url)
    if client is None:
        with _CLIENTS_LOCK:
            client = _CLIENTS.setdefault(base_url, AuthServerClient(base_url))
    return client


def close_clients() -> None:
    """Close every pooled connection and forget the clients (tests; a process shutting down)."""
    with _CLIENTS_LOCK:
        for client in _CLIENTS.values():
            client.pool.clear()
        _CLIENTS.clear()
