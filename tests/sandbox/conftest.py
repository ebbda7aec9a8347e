"""The vendor sandbox under test: one server in a thread on a free port, with a manual clock.

These tests need neither PostgreSQL nor Redis, so the session-wide ``databases`` fixture of
tests/conftest.py (which migrates every database) is replaced here by one that does nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import requests

from ops.sandbox.app import start_in_thread
from ops.sandbox.state import VENDORS, ManualClock, SandboxConfig, SandboxState

START = datetime(2026, 6, 17, 15, 0, 10, tzinfo=UTC).timestamp()  # a Wednesday, 10 s into a bucket
TICK = 60
FMP_KEY = {"apikey": "sandbox-fmp-key"}
CMC_KEY = {"X-CMC_PRO_API_KEY": "sandbox-cmc-key"}
CBONDS_AUTH = {"login": "sandbox", "password": "sandbox-cbonds"}
TERRAPIN_KEY = {"Authorization": "Bearer sandbox-terrapin-key"}
TIMEOUT = 20


@dataclass
class Sandbox:
    base: str
    clock: ManualClock
    state: SandboxState
    http: requests.Session

    def fmp(self, path: str, headers=FMP_KEY, **params) -> requests.Response:
        return self.http.get(f"{self.base}/fmp{path}", params=params, headers=headers, timeout=TIMEOUT)

    def cmc(self, path: str, headers=CMC_KEY, **params) -> requests.Response:
        return self.http.get(f"{self.base}/cmc{path}", params=params, headers=headers, timeout=TIMEOUT)

    def cbonds(self, operation: str, body: dict | None = None, auth=CBONDS_AUTH) -> requests.Response:
        payload = {"auth": auth, **(body or {})}
        return self.http.post(f"{self.base}/cbonds/services/json/{operation}/", params={"lang": "eng"},
                              json=payload, timeout=TIMEOUT)

    def terrapin(self, endpoint: str, body: dict | None = None, headers=TERRAPIN_KEY) -> requests.Response:
        return self.http.post(f"{self.base}/terrapin/api/v1/{endpoint}", json=body or {}, headers=headers,
                              timeout=TIMEOUT)

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base}/_sandbox{path}", timeout=TIMEOUT, **kwargs)


@pytest.fixture(scope="session")
def databases():
    """Overrides the root conftest's migration of every database: the sandbox needs none."""
    yield


@pytest.fixture(scope="session")
def sandbox_server():
    clock = ManualClock(START)
    config = SandboxConfig(rpm={vendor: 0 for vendor in VENDORS})  # windows off; tested on their own
    server, base = start_in_thread(clock=clock, config=config)
    with requests.Session() as http:
        yield Sandbox(base, clock, server.app.extensions["sandbox"], http)
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox(sandbox_server):
    sandbox_server.clock.now = START
    for vendor in VENDORS:
        sandbox_server.state.reset_vendor(vendor)
    sandbox_server.state.clear_requests()
    sandbox_server.state.clock_offset = 0.0
    return sandbox_server


@pytest.fixture
def limited_sandbox():
    """A separate sandbox with small per-minute limits."""
    config = SandboxConfig(rpm={"fmp": 2, "cmc": 2, "cbonds": 2, "terrapin": 3})
    clock = ManualClock(START)
    server, base = start_in_thread(clock=clock, config=config)
    with requests.Session() as http:
        yield Sandbox(base, clock, server.app.extensions["sandbox"], http)
    server.shutdown()
    server.server_close()
