"""What the stream-key endpoints do: the owner's channel, the recent sign-in rotation needs, and
the Redis entries kept in step after each commit (axa/models/stream/keys.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_smorest import abort

from axa.models.stream import Channel, StreamKey, db
from axa.models.stream.keys import KEYS_MAX, publish
from axa.platform import clock
from axa.platform.redis_client import get_redis


def now() -> datetime:
    return datetime.fromtimestamp(clock.now(), UTC)


def key_or_404(channel: Channel, key_id: int) -> StreamKey:
    key = StreamKey.owned(channel.id, key_id, clock.now(), lock=True)
    if key is None:
        abort(404, message="This channel has no such key.")
    return key


def present(key: StreamKey, secret: str | None = None) -> dict:
    shown = {"id": key.id, "label": key.label, "prefix": key.prefix, "created_at": key.created_at,
             "expires_at": key.expires_at}
    return shown if secret is None else {**shown, "key": secret}


def create(channel: Channel, label: str) -> dict:
    """A new key; the channel must be locked (the per-channel limit stays exact)."""
    if len(StreamKey.of_channel(channel.id, clock.now())) >= KEYS_MAX:
        abort(409, message=f"This channel has {KEYS_MAX} keys, the most allowed; revoke one first.",
              reason="key_limit")
    key, secret = StreamKey.issue(channel.id, label)
    db.session.commit()
    publish(get_redis(), [key])
    return present(key, secret)


def revoke(key: StreamKey) -> None:
    key.revoked_at = now()
    db.session.commit()
    publish(get_redis(), [key])


def rotate(channel: Channel, old: StreamKey, grace_seconds: int) -> dict:
    """A new key with the old one's label; the old one stops now, or after the grace (capped)."""
    grace = min(grace_seconds, current_app.config["AXA"].stream_key_grace_max)
    key, secret = StreamKey.issue(channel.id, old.label)
    stops = now() + timedelta(seconds=grace)
    if grace:
        old.expires_at = min(stops, old.expires_at or stops)
    else:
        old.revoked_at = stops
    db.session.commit()
    publish(get_redis(), [old, key])
    return {**present(key, secret), "previous_key_stops_at": old.expires_at or old.revoked_at}
