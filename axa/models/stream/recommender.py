"""The scoring behind the recommendations (issue 11 item 8), for a batch of users at once.

Candidates: the live channels (at most ``POOL`` by viewers) and the upcoming ones: offline
channels that were live within ``UPCOMING_DAYS`` (the platform has no schedules yet: a channel
that streams regularly is expected back). A user never gets a channel they subscribe to or own.

Signals of a candidate ``c`` for a user ``u`` (each weighed, summed; ``c`` is kept only when one of
the first three is there):

* co-subscriptions: how many of the channels ``u`` follows are followed by ``c``'s audience (its
  subscribers and the users who watched it, ``u`` aside): ``CO`` each;
* watch history: minutes ``u`` watched ``c`` in the last ``HISTORY_DAYS``: ``WATCHED * log2(1 + m)``;
* shared tags: tags of ``c`` among the tags of the channels ``u`` follows or watched: ``TAG`` each;
* viewers (live only): ``VIEWERS * log10(1 + viewers)``, and ``LIVE`` for being live now.

The reason is the largest of the first three, in words. Ties rank live first, then more viewers,
then the older channel.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, select, text

from axa.models.stream import db
from axa.models.stream.audience import SessionViewers, WatchHistory
from axa.models.stream.channels import Channel
from axa.models.stream.live import LiveSession, at
from axa.models.stream.subscriptions import Subscription

CO, WATCHED, TAG, VIEWERS, LIVE = 3.0, 2.0, 1.0, 0.5, 1.0
POOL, UPCOMING_DAYS, HISTORY_DAYS = 500, 7, 30
CO_SUBSCRIBED = text("""
    WITH audience AS (
        SELECT user_id, channel_id FROM channel_subscriptions WHERE channel_id = ANY(:pool)
        UNION
        SELECT user_id, channel_id FROM watch_history WHERE channel_id = ANY(:pool) AND watched_at > :since)
    SELECT mine.user_id, a.channel_id, count(DISTINCT mine.channel_id)
    FROM channel_subscriptions mine
    JOIN channel_subscriptions peer ON peer.channel_id = mine.channel_id AND peer.user_id <> mine.user_id
    JOIN audience a ON a.user_id = peer.user_id AND a.user_id <> mine.user_id
    WHERE mine.user_id = ANY(:users)
    GROUP BY mine.user_id, a.channel_id""")


@dataclass(frozen=True)
class Candidate:
    channel: Channel
    live: bool
    viewers: int


def candidates(now: float) -> dict[int, Candidate]:
    """The live channels (by viewers) and the upcoming ones, by channel id."""
    watching = func.coalesce(SessionViewers.current, 0)
    live = db.session.execute(
        select(Channel, watching).join(LiveSession, and_(LiveSession.channel_id == Channel.id,
                                                         LiveSession.ended_at.is_(None)))
        .outerjoin(SessionViewers, SessionViewers.live_session_id == LiveSession.id)
        .order_by(watching.desc(), Channel.id).limit(POOL)).all()
    pool = {channel.id: Candidate(channel, True, count) for channel, count in live}
    recent = (select(LiveSession.channel_id)
              .where(LiveSession.ended_at > at(now) - timedelta(days=UPCOMING_DAYS))
              .group_by(LiveSession.channel_id).order_by(func.max(LiveSession.ended_at).desc()).limit(POOL))
    for channel in db.session.scalars(select(Channel).where(Channel.id.in_(recent))):
        pool.setdefault(channel.id, Candidate(channel, False, 0))
    return pool


def pairs(stmt) -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for user_id, channel_id, value in db.session.execute(stmt):
        out[user_id][channel_id] = value
    return out


def signals(user_ids: list[int], pool: dict[int, Candidate], now: float) -> dict:
    """What the batch's users follow, own, watched, and their co-subscription counts."""
    since = at(now) - timedelta(days=HISTORY_DAYS)
    follows = pairs(select(Subscription.user_id, Subscription.channel_id, 1)
                    .where(Subscription.user_id.in_(user_ids)))
    owns = pairs(select(Channel.user_id, Channel.id, 1).where(Channel.user_id.in_(user_ids)))
    watched = pairs(select(WatchHistory.user_id, WatchHistory.channel_id, func.sum(WatchHistory.seconds))
                    .where(WatchHistory.user_id.in_(user_ids), WatchHistory.watched_at > since)
                    .group_by(WatchHistory.user_id, WatchHistory.channel_id))
    co = pairs(CO_SUBSCRIBED.bindparams(pool=list(pool), since=since, users=list(user_ids)))
    seen = {c for by in (follows, watched) for channels in by.values() for c in channels}
    tags = dict(db.session.execute(select(Channel.id, Channel.tags).where(Channel.id.in_(seen))).all())
    return {"follows": follows, "owns": owns, "watched": watched, "co": co, "tags": tags}


def reason(code: str, co: int, minutes: float, shared: list[str]) -> str:
    if code == "co_subscribed":
        return f"{co} channels you follow are followed by its viewers" if co > 1 else \
            "1 channel you follow is followed by its viewers"
    if code == "watched":
        return f"You watched {round(minutes)} min of its streams" if minutes >= 1 else \
            "You watched some of its streams"
    return f"Tagged {', '.join(shared[:3])}, like channels you follow or watch"


def score(candidate: Candidate, co: int, minutes: float, shared: list[str]) -> tuple[float, str] | None:
    parts = {"co_subscribed": CO * co, "watched": WATCHED * math.log2(1 + minutes),
             "shared_tags": TAG * len(shared)}
    personal = sum(parts.values())
    if personal <= 0:
        return None
    total = personal + (VIEWERS * math.log10(1 + candidate.viewers) + LIVE if candidate.live else 0.0)
    return total, max(parts, key=parts.get)  # ties: the order above


def rank_for(user_id: int, pool: dict[int, Candidate], found: dict, limit: int) -> list[dict]:
    """The user's top ``limit`` candidates, each with its score and reason."""
    follows, owns = found["follows"].get(user_id, {}), found["owns"].get(user_id, {})
    watched, co = found["watched"].get(user_id, {}), found["co"].get(user_id, {})
    interest = {tag.lower() for c in (*follows, *watched) for tag in found["tags"].get(c, ())}
    scored = []
    for channel_id, candidate in pool.items():
        if channel_id in follows or channel_id in owns:
            continue
        minutes = watched.get(channel_id, 0.0) / 60
        shared = [tag for tag in candidate.channel.tags if tag.lower() in interest]
        result = score(candidate, int(co.get(channel_id, 0)), minutes, shared)
        if result is not None:
            item = {"channel_id": channel_id, "score": round(result[0], 4), "reason_code": result[1],
                    "reason": reason(result[1], int(co.get(channel_id, 0)), minutes, shared)}
            scored.append((-item["score"], not candidate.live, -candidate.viewers, channel_id, item))
    return [entry[-1] for entry in sorted(scored, key=lambda e: e[:4])[:limit]]


def recommend(user_ids: list[int], now: float, limit: int) -> dict[int, list[dict]]:
    """Each user's ranked recommendations (users with none are absent)."""
    pool = candidates(now)
    if not pool:
        return {}
    found = signals(user_ids, pool, now)
    ranked = {user_id: rank_for(user_id, pool, found, limit) for user_id in user_ids}
    return {user_id: items for user_id, items in ranked.items() if items}
