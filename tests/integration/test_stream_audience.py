"""Viewers and recommendations through a real worker on the real broker (issue 11 items 5 and 8):
a go-live published to ``stream.live`` fills the live map, heartbeats count two viewers, the
``stream.viewers`` sample writes the session's peak and the signed-in viewer's watch history, and
the ``stream.recommend`` dispatch stores that viewer's recommendation with its reason."""
from __future__ import annotations

import time

from sqlalchemy import select

from axa.models.stream import LiveSession, Recommendation, WatchHistory, db
from axa.tasks.stream import live, recommend, viewers
from tests.integration.test_stream_golive import count, member

BEAT = "/api/v1/channels/{}/viewers/heartbeat"


def test_heartbeats_samples_and_recommendations_through_the_worker(platform):
    app = platform["stream"]
    client = app.test_client(use_cookies=False)
    _, ada = member(platform, "ada@example.com")
    bob_id, bob = member(platform, "bob@example.com")
    channels = [client.post("/api/v1/channels", headers=ada, json={"slug": slug, "title": slug}).get_json()
                for slug in ("ada-live", "ada-other")]
    client.post("/api/v1/channels/ada-other/subscription", headers=bob)
    live.mark_published.delay(channels[0]["id"], time.time())
    deadline = time.monotonic() + 15
    while client.post(BEAT.format("ada-live"), json={}).status_code == 404:  # until the live map has it
        assert time.monotonic() < deadline, "ada-live never became live"
        time.sleep(0.1)
    client.post(BEAT.format("ada-live"), headers=bob, json={})
    time.sleep(1.0)
    assert client.post(BEAT.format("ada-live"), headers=bob, json={}).get_json()["viewers"] == 2
    viewers.sample_viewers.delay()
    wait_until_value(lambda: count(app, select(LiveSession.peak_viewers)), 2)
    wait_until_value(lambda: count(app, select(WatchHistory.seconds).where(WatchHistory.user_id == bob_id)) or 0,
                     lambda seconds: seconds >= 1.0)
    recommend.dispatch_recommendations.delay()
    wait_until_value(lambda: count(app, select(Recommendation.reason).where(Recommendation.user_id == bob_id)),
                     "You watched some of its streams")
    assert client.get("/api/v1/recommendations", headers=bob).get_json()[0]["channel"]["slug"] == "ada-live"
    with app.app_context():
        assert db.session.scalar(select(LiveSession.avg_viewers)) == 2


def wait_until_value(read, expected, timeout: float = 15.0):
    ok = expected if callable(expected) else (lambda value: value == expected)
    deadline = time.monotonic() + timeout
    while not ok(value := read()):
        assert time.monotonic() < deadline, f"got {value!r}"
        time.sleep(0.1)
