"""The live state machine of a channel (``stream.live``, issue 11 item 4), driven here by its tasks
with explicit event times and a hand-moved clock: a reconnect inside the window continues the
session, offline comes only after the window, late or repeated events change nothing."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from axa.models.stream import LiveSession, db
from axa.tasks.stream import live
from tests.blueprints.stream.helpers import new_channel, signed_in

T0 = 2_000_000_000.0
WINDOW = 30.0


@pytest.fixture
def stream(clients):
    """The stream app's context, its clock at ``now[0]``, a 30 s window, and two channels."""
    headers = signed_in(clients, "ada@example.com")
    ids = [new_channel(clients["stream"], headers, slug=slug)["id"] for slug in ("ada-live", "bob-live")]
    app, now = clients["stream"].application, [T0]
    app.config["AXA_CLOCK"] = lambda: now[0]
    app.config["AXA_STREAM"] = dataclasses.replace(app.config["AXA_STREAM"], reconnect_window=WINDOW)
    with app.app_context():
        yield {"ids": ids, "now": now, "scheduled": []}


@pytest.fixture
def scheduled(stream, monkeypatch):
    """The offline checks the tasks schedule, captured instead of run (eager would run them now)."""
    monkeypatch.setattr(live.check_offline, "apply_async",
                        lambda args, countdown: stream["scheduled"].append((args, countdown)))
    return stream["scheduled"]


def sessions(channel_id: int) -> list[LiveSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LiveSession).where(LiveSession.channel_id == channel_id)
                                   .order_by(LiveSession.id)))


def check_at(stream, when: float, channel_id: int) -> bool:
    stream["now"][0] = when
    return live.check_offline(channel_id)


def test_a_reconnect_inside_the_window_continues_the_session(stream, scheduled):
    ada = stream["ids"][0]
    assert live.mark_published(ada, T0) is True
    assert live.mark_unpublished(ada, T0 + 5) is True
    assert scheduled == [((ada, 0, WINDOW), WINDOW)]
    assert live.mark_published(ada, T0 + 20) is False  # 15 s later: the same session
    assert check_at(stream, T0 + 35.5, ada) is False  # the check of the first drop finds it live
    [session] = sessions(ada)
    assert session.ended_at is None and session.disconnected_at is None and session.reconnects == 1
    assert session.started_at.timestamp() == T0 and session.last_published_at.timestamp() == T0 + 20


def test_offline_only_after_the_window(stream, scheduled):
    ada = stream["ids"][0]
    live.mark_published(ada, T0)
    live.mark_unpublished(ada, T0 + 60)
    assert check_at(stream, T0 + 80, ada) is False  # 20 s of 30: still live, checked again later
    assert scheduled[-1] == ((ada, 1, WINDOW), pytest.approx(10 - live.SLACK))
    assert sessions(ada)[0].ended_at is None
    assert check_at(stream, T0 + 90, ada) is True
    [session] = sessions(ada)
    assert session.ended_at.timestamp() == T0 + 60 and session.end_reason == "disconnected"
    assert (session.peak_viewers, session.avg_viewers) == (0, 0)
    assert check_at(stream, T0 + 200, ada) is False  # repeated: nothing left to end
    assert live.mark_published(ada, T0 + 300) is True  # the next publish is a new session
    assert [s.started_at.timestamp() for s in sessions(ada)] == [T0, T0 + 300]


def test_an_early_check_gives_up_after_a_few_reschedules(stream, scheduled):
    ada = stream["ids"][0]
    live.mark_published(ada, T0)
    live.mark_unpublished(ada, T0 + 1)
    stream["now"][0] = T0 + 2
    assert live.check_offline(ada, live.EARLY_CHECKS) is False
    assert len(scheduled) == 1  # only mark_unpublished's: the sweep takes it from here


def test_a_publish_after_the_window_without_a_check_starts_a_new_session(stream, scheduled):
    ada = stream["ids"][0]
    live.mark_published(ada, T0)
    live.mark_unpublished(ada, T0 + 10)
    assert live.mark_published(ada, T0 + 10 + WINDOW + 1) is True
    first, second = sessions(ada)
    assert first.ended_at.timestamp() == T0 + 10 and second.ended_at is None


def test_late_and_repeated_events_change_nothing(stream, scheduled):
    ada = stream["ids"][0]
    live.mark_published(ada, T0)
    live.mark_published(ada, T0)  # redelivered
    assert live.mark_unpublished(ada, T0 - 1) is False  # older than the publish: a previous stream's
    assert sessions(ada)[0].disconnected_at is None
    live.mark_unpublished(ada, T0 + 10)
    live.mark_unpublished(ada, T0 + 12)  # repeated: the first disconnect counts
    live.mark_published(ada, T0 + 5)  # a publish older than the disconnect: stale
    [session] = sessions(ada)
    assert session.disconnected_at.timestamp() == T0 + 10 and session.reconnects == 0
    assert live.mark_unpublished(stream["ids"][1], T0) is False  # never live: nothing to do
    assert live.mark_published(10**9, T0) is False and live.mark_unpublished(10**9, T0) is False


def test_the_sweep_ends_every_channel_left_disconnected_beyond_the_window(stream, scheduled):
    ada, bob = stream["ids"]
    for channel_id in (ada, bob):
        live.mark_published(channel_id, T0)
    live.mark_unpublished(ada, T0 + 10)
    live.mark_unpublished(bob, T0 + 30)
    stream["now"][0] = T0 + 10 + WINDOW + 1
    assert live.sweep_offline() == 1
    assert sessions(ada)[0].ended_at is not None and sessions(bob)[0].ended_at is None
    stream["now"][0] = T0 + 30 + WINDOW
    assert live.sweep_offline() == 1 and sessions(bob)[0].end_reason == "disconnected"
    assert live.sweep_offline() == 0


def test_the_window_travels_with_the_event(stream, scheduled):
    """The hook's app decides the window; a worker configured otherwise follows the event."""
    ada = stream["ids"][0]
    live.mark_published(ada, T0)
    live.mark_unpublished(ada, T0 + 1, 5.0)
    assert scheduled == [((ada, 0, 5.0), 5.0)]
    assert check_at(stream, T0 + 7, ada) is False  # the worker's own 30 s would not have passed
    assert live.check_offline(ada, 0, 5.0) is True
