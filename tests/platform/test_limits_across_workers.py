"""The rate limits hold across several app worker processes (security.md T13): the auth app under
gunicorn with the production settings (ops/gunicorn.conf.py), three worker processes, small
limits; twice the limit sent at once over as many connections gets exactly the limit through and
429 with Retry-After for the rest, whichever workers answer. The test plays the trusted proxy
(AXA_PROXY_HOPS=1) so each case has clients of its own; what a client puts in front of the
address the proxy appends changes nothing."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from axa.models.auth import AuthEvent, db
from tests.conftest import PASSWORD, ROOT

LIMIT = 5
WORKERS = 3
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn -c ops/gunicorn.conf.py`` serving the auth app on a free loopback port, its
    access log naming the worker process (pid) and the user agent of every request."""

    def __init__(self, log_path, env: dict[str, str]):
        self.port, self.log_path = _free_port(), log_path
        # a worker takes no more connections than it has threads, so a burst spreads over the
        # workers (one worker may otherwise accept every connection of the burst itself)
        command = [sys.executable, "-m", "gunicorn", "-c", "ops/gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS), "--threads", "4",
                   "--worker-connections", "4", "--access-logformat", "%(p)s %(s)s %(a)s", "wsgi:app"]
        self._log = open(log_path, "wb")  # closed in stop
        self.proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)

    def request(self, method: str, path: str, body: dict | None = None, client_ip: str = "",
                agent: str = "probe") -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "User-Agent": agent}
        if client_ip:
            headers["X-Forwarded-For"] = client_ip
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            response = conn.getresponse()
            response.read()
            return response
        finally:
            conn.close()

    def served_by(self, agent: str) -> Counter:
        """How many of ``agent``'s requests each worker process answered (from the access log)."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return Counter(line.split(" ", 1)[0] for line in lines if line.endswith(f" {agent}"))

    def wait_for_every_worker(self) -> None:
        """Until each worker has answered (connections go to whichever worker accepts first)."""
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.served_by("probe")) < WORKERS:
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log_path.read_text()
            try:
                self.request("GET", "/health/")
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture(scope="module")
def server(databases, tmp_path_factory):
    limits = f"{LIMIT} per minute"
    env = {"AXA_SUBSYSTEM": "auth", "AXA_PROXY_HOPS": "1", "AXA_LOGIN_LIMITS": limits,
           "AXA_LOGIN_IP_LIMITS": limits, "AXA_REGISTER_LIMITS": limits, "AXA_FORGOT_LIMITS": limits}
    app = Gunicorn(tmp_path_factory.mktemp("gunicorn") / "access.log", env)
    try:
        app.wait_for_every_worker()
        yield app
    finally:
        app.stop()


@pytest.fixture
def app_server(server, live_apps):
    """The server, with fresh databases and limit counters."""
    return server


def burst(server: Gunicorn, path: str, bodies: list[dict], client_ips: list[str]) -> list:
    """Every request on a connection of its own, all sent at once; the responses in order."""
    agent, gate = f"burst-{uuid.uuid4().hex[:8]}", threading.Barrier(len(bodies))

    def send(n: int):
        gate.wait()
        return server.request("POST", path, bodies[n], client_ips[n], agent)

    with ThreadPoolExecutor(len(bodies)) as pool:
        responses = list(pool.map(send, range(len(bodies))))
    deadline = time.monotonic() + 5.0  # a worker logs a request just after answering it
    while (served := server.served_by(agent)).total() < len(bodies) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(served) >= 2, f"the burst reached one worker process only: {served}"
    return responses


def assert_exactly_the_limit_through(responses, through: int) -> None:
    assert Counter(r.status for r in responses) == {through: LIMIT, 429: LIMIT}
    for response in responses:
        if response.status == 429:
            assert int(response.getheader("Retry-After")) >= 1


def login_body(email: str) -> dict:
    return {"email": email, "password": "wrong password 9"}


def test_login_limit_per_account_holds_across_workers(app_server, live_apps):
    """Wrong passwords for one account from 2 x LIMIT clients at once: exactly LIMIT of them are
    checked (each checked guess is audited), the others refused before any password check."""
    account = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"}
    assert app_server.request("POST", "/api/v1/auth/register", account, "203.0.113.99").status == 201
    ips = [f"198.51.100.{n}" for n in range(1, 2 * LIMIT + 1)]
    responses = burst(app_server, "/api/v1/auth/login", [login_body("ada@example.com")] * (2 * LIMIT), ips)
    assert_exactly_the_limit_through(responses, 401)
    with live_apps["auth"].app_context():
        checked = db.session.scalar(select(func.count()).where(AuthEvent.kind == "login_failed"))
    assert checked == LIMIT
    assert app_server.request("POST", "/api/v1/auth/login", {"email": "ada@example.com", "password": PASSWORD},
                              "198.51.100.200").status == 429  # even the right password waits


def test_login_limit_per_client_holds_across_workers(app_server):
    """One client, 2 x LIMIT accounts at once; what it forwards itself is ignored."""
    bodies = [login_body(f"user{n}@example.com") for n in range(2 * LIMIT)]
    spoofed = [f"192.0.2.{n}, 203.0.113.7" for n in range(2 * LIMIT)]  # the proxy appended the last
    assert_exactly_the_limit_through(burst(app_server, "/api/v1/auth/login", bodies, spoofed), 401)


def test_registration_limit_per_client_holds_across_workers(app_server):
    bodies = [{"email": f"new{n}@example.com", "password": PASSWORD, "display_name": f"New {n}"}
              for n in range(2 * LIMIT)]
    responses = burst(app_server, "/api/v1/auth/register", bodies, ["203.0.113.8"] * (2 * LIMIT))
    assert_exactly_the_limit_through(responses, 201)
