"""``stream.live``: the live state machine of each channel, driven by the ingest hooks
(axa/blueprints/stream/ingest) and declared in axa/models/stream/live.py.

* ``mark_published(channel_id, at)``: a publish seen at ``at`` (epoch s) starts a live session
  or continues the open one (a reconnect inside the window); a new session's subscribers are
  notified once (``stream.notify``, axa/tasks/stream/notify.py).
* ``mark_unpublished(channel_id, at, window)``: the publish stopped; the session stays open and
  live, and ``check_offline`` is scheduled for when the window has passed. The window travels
  with the event (the hook's app's setting): the worker never uses another one for it.
* ``check_offline(channel_id, early, window)``: ends the session if it is still disconnected
  a window after its disconnect; too early (a clock a little behind), it schedules itself again
  for the rest, a few times at most.
* ``sweep_offline()`` (beat): the same for every channel left disconnected beyond the window, so
  a lost or shelved check cannot keep a channel live.

Every task is idempotent on the channel's state: a redelivered event, or a check for a session
that reconnected or already ended, changes nothing.
"""
from __future__ import annotations

from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.stream import db
from axa.models.stream import live as state
from axa.platform import clock
from axa.tasks.stream import notify
from axa.tasks.stream.viewers import refresh_live_map

TRANSIENT = {"autoretry_for": (OperationalError, RedisError, BrokerUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8, "soft_time_limit": 10, "time_limit": 15}
EARLY_CHECKS = 3  # a check that finds the window not yet over reschedules itself this often at most
SLACK = 0.05  # seconds: a check this early counts as on time


def window(given: float | None = None) -> float:
    return current_app.config["AXA_STREAM"].reconnect_window if given is None else given


@shared_task(name="stream.live.mark_published", **TRANSIENT)
def mark_published(channel_id: int, at: float) -> bool:
    """True when a new live session started. Every publish of an open session announces it
    (axa/tasks/stream/notify.py): only its first announce queues the go-live fan-out."""
    session, started = state.published(channel_id, state.at(at), window())
    db.session.commit()
    if session is not None:
        notify.announce(session.id)
    if started:
        refresh_live_map()  # viewers may count at once (axa/models/stream/viewers.py)
    return session is not None and started


@shared_task(name="stream.live.mark_unpublished", **TRANSIENT)
def mark_unpublished(channel_id: int, at: float, reconnect_window: float | None = None) -> bool:
    """True when the open session is now disconnected (its offline check scheduled)."""
    session = state.unpublished(channel_id, state.at(at))
    db.session.commit()
    if session is None:
        return False
    wait = window(reconnect_window)
    check_offline.apply_async((channel_id, 0, wait), countdown=wait)
    return True


@shared_task(name="stream.live.check_offline", **TRANSIENT)
def check_offline(channel_id: int, early: int = 0, reconnect_window: float | None = None) -> bool:
    """True when the channel went offline now."""
    wait = window(reconnect_window)
    ended, remaining = state.end_if_quiet(channel_id, state.at(clock.now() + SLACK), wait)
    db.session.commit()
    if remaining and early < EARLY_CHECKS:
        check_offline.apply_async((channel_id, early + 1, wait), countdown=remaining)
    if ended:
        refresh_live_map()
    return ended


@shared_task(name="stream.live.sweep_offline", soft_time_limit=50, time_limit=60)
def sweep_offline() -> int:
    """End every session disconnected longer than the window; how many ended."""
    now, ended = state.at(clock.now()), 0
    for channel_id in state.quiet_channels(now, window()):
        ended += state.end_if_quiet(channel_id, now, window())[0]
        db.session.commit()
    if ended:
        refresh_live_map()
    return ended
