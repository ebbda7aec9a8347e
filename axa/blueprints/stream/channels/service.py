"""What the channel endpoints do: the owner's checks, the unique slug, and the channel's JSON.

A channel is public: anyone may read it, so another user's channel answers 403 (reason
``not_owner``) to a change, and 404 only when no channel has the slug. Deleting a channel
deletes its stream keys and drops their Redis entries (axa/models/stream/keys.py)."""
from __future__ import annotations

import re

from flask import current_app
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from axa.models.stream import Channel, LiveSession, StreamKey, Subscription, db, viewers
from axa.models.stream.channels import SLUG_PATTERN
from axa.models.stream.keys import forget
from axa.models.stream.viewer_settings import viewer_settings
from axa.platform import clock
from axa.platform.auth_hook import optional_session
from axa.platform.redis_client import get_redis

SLUG = re.compile(SLUG_PATTERN)


def by_slug_or_404(slug: str, lock: bool = False) -> Channel:
    channel = Channel.by_slug(slug, lock=lock) if SLUG.fullmatch(slug) else None
    if channel is None:
        abort(404, message="No channel has this address.")
    return channel


def owned_or_403(user_id: int, slug: str, lock: bool = False) -> Channel:
    channel = by_slug_or_404(slug, lock=lock)
    if channel.user_id != user_id:
        abort(403, message="This channel is not yours.", reason="not_owner")
    return channel


def viewer_id() -> int | None:
    session = optional_session()
    return session.user_id if session else None


def present(channel: Channel, viewer: int | None, session: LiveSession | None = None,
            subscribers: int = 0, subscribed: bool = False, viewers: int = 0) -> dict:
    """The channel's JSON; ``session`` is its open live session (None: offline), ``viewers``
    its current viewers."""
    return {"id": channel.id, "slug": channel.slug, "user_id": channel.user_id, "title": channel.title,
            "description": channel.description, "tags": channel.tags, "category": channel.category,
            "latency_mode": channel.latency_mode, **live_state(channel, session), "viewers": viewers,
            "subscribers": subscribers, "subscribed": subscribed,
            "is_owner": channel.user_id == viewer, "created_at": channel.created_at,
            "updated_at": channel.updated_at}


def live_state(channel: Channel, session: LiveSession | None) -> dict:
    if session is None:
        return {"live": False, "live_since": None, "reconnecting": False, "playback_url": None}
    playback = current_app.config["AXA_STREAM"].playback_url.format(slug=channel.slug)
    return {"live": True, "live_since": session.started_at,
            "reconnecting": session.disconnected_at is not None, "playback_url": playback}


def present_all(channels: list[Channel], viewer: int | None) -> list[dict]:
    """A page of channels: their live sessions, subscriber counts and the viewer's subscriptions
    in one query each, the live ones' current viewers in one Redis pipeline."""
    ids = [c.id for c in channels]
    sessions, counts = LiveSession.open_for(ids), Subscription.counts(ids)
    mine = Subscription.subscribed_among(viewer, ids)
    watching = current_viewers([c.slug for c in channels if c.id in sessions])
    return [present(c, viewer, sessions.get(c.id), counts.get(c.id, 0), c.id in mine, watching.get(c.slug, 0))
            for c in channels]


def current_viewers(slugs: list[str]) -> dict[str, int]:
    ttl = viewer_settings().viewer_ttl
    return viewers.counts(get_redis(), slugs, clock.now(), ttl)


def present_one(channel: Channel, viewer: int | None) -> dict:
    return present_all([channel], viewer)[0]


def distinct(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))


def create(user_id: int, data: dict) -> Channel:
    channel = Channel(user_id=user_id, slug=data["slug"], title=data["title"],
                      description=data.get("description", ""), tags=distinct(data.get("tags", [])),
                      category=data.get("category"), latency_mode=data.get("latency_mode", "normal"))
    db.session.add(channel)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="Another channel has this address.", reason="slug_taken")
    return channel


def edit(channel: Channel, changes: dict) -> Channel:
    if "tags" in changes:
        changes["tags"] = distinct(changes["tags"])
    for name, value in changes.items():
        setattr(channel, name, value)
    db.session.commit()
    return channel


def delete(channel: Channel) -> None:
    hashes = [key.key_hash for key in db.session.scalars(
        db.select(StreamKey).where(StreamKey.channel_id == channel.id))]
    db.session.delete(channel)
    db.session.commit()
    forget(get_redis(), hashes)
