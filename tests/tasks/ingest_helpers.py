"""Shared set-up for ingest tests: the vendor sandbox in a thread with a manual clock, and the
clients pointed at it with limits loose enough for tests."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from axa.tasks.ingest import reset_vendor_clients
from ops.sandbox.app import start_in_thread
from ops.sandbox.state import VENDORS, ManualClock, SandboxConfig

START = datetime(2026, 6, 17, 15, 0, 10, tzinfo=UTC).timestamp()


@pytest.fixture(scope="session")
def sandbox_server():
    clock = ManualClock(START)
    server, base = start_in_thread(clock=clock, config=SandboxConfig(rpm={v: 0 for v in VENDORS}))
    server.base_url, server.clock = base, clock
    yield server
    server.shutdown()
    server.server_close()


def point_clients_at(sandbox_server, patch: pytest.MonkeyPatch, now: float) -> None:
    """Reset the sandbox (clock at ``now``, no faults) and point every vendor client at it, with
    limits loose enough for tests."""
    state = sandbox_server.app.extensions["sandbox"]
    sandbox_server.clock.now = now
    for vendor in VENDORS:
        state.reset_vendor(vendor)
        key = vendor.upper()
        patch.setenv(f"AXA_{key}_BASE_URL", f"{sandbox_server.base_url}/{vendor}")
        patch.setenv(f"AXA_{key}_RATE_PER_MIN", "600000")
        patch.setenv(f"AXA_{key}_BURST", "10000")
        patch.setenv(f"AXA_{key}_DAILY_QUOTA", "0")
        patch.setenv(f"AXA_{key}_MONTHLY_QUOTA", "0")
    reset_vendor_clients()


@pytest.fixture
def sandbox(sandbox_server, monkeypatch):
    point_clients_at(sandbox_server, monkeypatch, START)
    sandbox_server.app.extensions["sandbox"].clear_requests()
    yield sandbox_server
    reset_vendor_clients()
