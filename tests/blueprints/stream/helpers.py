"""Signed-in users of the stream app for the channel and stream-key tests."""
from __future__ import annotations

from axa.platform.redis_client import get_redis
from axa.tasks.stream import relay
from tests.conftest import bearer, login, register


def signed_in(clients, email: str) -> dict:
    auth = clients["auth"].application.test_client(use_cookies=False)
    created = register(auth, email=email)
    assert created.status_code == 201, created.get_json()
    return bearer(login(auth, email=email).get_json()["session_id"])


def new_channel(stream, headers: dict, slug: str = "ada-live", **fields) -> dict:
    created = stream.post("/api/v1/channels", headers=headers, json={"slug": slug, "title": "Ada live", **fields})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def relay_live_events(stream) -> int:
    """The worker's part (axa/tasks/stream/relay.py): hand the live events the hooks queued to
    ``stream.live`` (eager in these tests); how many."""
    with stream.application.app_context():
        return relay.relay_once(get_redis(), "tests")
