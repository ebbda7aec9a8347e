"""What viewers did, in PostgreSQL (issue 11 items 5 and 8), written by the sampler
(axa/tasks/stream/viewers.py) from the Redis counts of axa/models/stream/viewers.py.

* ``session_viewers``: one row per live session: the viewers at the last sample and the
  time-weighted sum behind the session's average. Each sample weighs the count by the seconds
  since the previous one (at most ``MAX_GAP`` samples' worth: a stalled beat does not make one count
  stand for minutes), and writes ``peak_viewers`` / ``avg_viewers`` on the live session, only while
  it is open: once it ended its figures are final.
* ``watch_history``: seconds a signed-in user watched each live session (coarse: heartbeats no
  more than the viewer TTL apart), for the recommendations.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db
from axa.models.stream.live import LiveSession, at

SAMPLE_SECONDS = 10.0  # the period of beat's ``stream-sample-viewers`` (celeryconfig.py; tested equal)
MAX_GAP = 3  # a sample stands for at most this many periods


class SessionViewers(db.Model):
    __tablename__ = "session_viewers"

    live_session_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    current: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    viewer_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    sampled_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WatchHistory(db.Model):
    __tablename__ = "watch_history"
    __table_args__ = (Index("ix_watch_history_channel_id", "channel_id"),
                      Index("ix_watch_history_user_id_watched_at", "user_id", "watched_at"))

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    live_session_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    watched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the last time added to


def record_sample(session: LiveSession, count: int, now: float, period: float = SAMPLE_SECONDS) -> None:
    """One sample of the open ``session``: ``count`` viewers at ``now`` (epoch s)."""
    row = db.session.get(SessionViewers, session.id, with_for_update=True)
    since = row.sampled_at if row else session.started_at
    gap = min(max(now - since.timestamp(), 0.0), MAX_GAP * period)
    if row is None:
        row = SessionViewers(live_session_id=session.id, viewer_seconds=0.0, sampled_seconds=0.0)
        db.session.add(row)
    row.current, row.sampled_at = count, at(now)
    row.viewer_seconds += count * gap
    row.sampled_seconds += gap
    average = int(row.viewer_seconds / row.sampled_seconds + 0.5) if row.sampled_seconds else count
    db.session.execute(update(LiveSession).where(LiveSession.id == session.id, LiveSession.ended_at.is_(None))
                       .values(peak_viewers=func.greatest(LiveSession.peak_viewers, count),
                               avg_viewers=average))


def add_watched(watched: list[tuple[int, int, int, float]], now: float) -> int:
    """Add (channel, session, user, seconds) to the watch history (sessions since deleted are
    skipped); how many rows changed."""
    sessions = set(db.session.scalars(select(LiveSession.id).where(
        LiveSession.id.in_({session_id for _, session_id, _, _ in watched}))))
    rows = [{"user_id": user_id, "live_session_id": session_id, "channel_id": channel_id,
             "seconds": seconds, "watched_at": at(now)}
            for channel_id, session_id, user_id, seconds in watched if session_id in sessions]
    if not rows:
        return 0
    stmt = insert(WatchHistory).values(rows)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["user_id", "live_session_id"],
        set_={"seconds": WatchHistory.seconds + stmt.excluded.seconds,
              "watched_at": stmt.excluded.watched_at}))
    return len(rows)


def sampled(session_ids: list[int]) -> dict[int, int]:
    """The viewers at the last sample of each of these sessions (absent: not sampled yet)."""
    if not session_ids:
        return {}
    stmt = select(SessionViewers.live_session_id, SessionViewers.current).where(
        SessionViewers.live_session_id.in_(session_ids))
    return dict(db.session.execute(stmt).all())
