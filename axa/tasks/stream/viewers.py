"""``stream.viewers``: the viewer counts of Redis into PostgreSQL (issue 11 item 5).

``sample_viewers`` (beat, every ``audience.SAMPLE_SECONDS``): the live map rebuilt from the
open sessions (so a lost update heals), each live channel's expired viewers dropped and the rest
counted (one pipeline), each open session's sample recorded (its peak and average: final once it
ends, axa/models/stream/audience.py), and the seconds signed-in users watched moved into the
watch history. Idempotent enough to run twice: a second sample at the same time adds no weight.
"""
from __future__ import annotations

from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.stream import audience, db
from axa.models.stream import viewers as counts
from axa.models.stream.viewer_settings import viewer_settings
from axa.platform import clock
from axa.platform.redis_client import get_redis


def refresh_live_map() -> None:
    """The live map after a live state change (called by ``stream.live`` after its commit)."""
    counts.sync_live_map(get_redis())


@shared_task(name="stream.viewers.sample_viewers", autoretry_for=(OperationalError, RedisError),
             retry_backoff=True, retry_jitter=True, max_retries=3, soft_time_limit=25, time_limit=30)
def sample_viewers() -> int:
    """One sample of every live channel; how many sessions were sampled."""
    settings, client, now = viewer_settings(), get_redis(), clock.now()
    sessions = counts.open_sessions()
    counts.sync_live_map(client, sessions)
    current = counts.prune_and_count(client, [slug for slug, *_ in sessions], now, settings.viewer_ttl)
    for slug, _, _, session in sessions:
        audience.record_sample(session, current[slug], now)
    db.session.commit()
    watched = counts.take_watched(client)
    audience.add_watched(watched, now)
    db.session.commit()
    return len(sessions)
