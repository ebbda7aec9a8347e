"""Live sessions: the live state machine of a channel (issue 11 item 4), one row per session.

A channel is live while it has an open session (``ended_at`` null); at most one is open (a
partial unique index). The media server's events move it (axa/tasks/stream/live.py):

* publish at ``t``: no open session: a new one starts at ``t``. An open one continues (a
  reconnect), unless it was disconnected more than the reconnect window before ``t``: that one
  ends at its disconnect and a new one starts.
* publish done at ``t``: the open session is marked disconnected at ``t`` (still open, still
  live: the encoder may come back within the window).
* the offline check, after the window: a session disconnected at least the window ago ends
  (``ended_at`` = the disconnect, ``end_reason`` ``disconnected``).

Events may arrive late or out of order (two workers): each carries the time the hook saw it, and
one older than the session's latest publish (or disconnect) changes nothing. Every change locks
the channel row first, so the events of one channel apply one at a time.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, select, text
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db
from axa.models.stream.channels import Channel

END_REASONS = ("disconnected",)


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class LiveSession(db.Model):
    __tablename__ = "live_sessions"
    __table_args__ = (
        CheckConstraint("end_reason IN ('disconnected')", name="end_reason"),
        Index("ix_live_sessions_channel_id_id", "channel_id", "id"),
        Index("uq_live_sessions_open_channel", "channel_id", unique=True,
              postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    reconnects: Mapped[int] = mapped_column(Integer, default=0)
    peak_viewers: Mapped[int] = mapped_column(Integer, default=0)  # viewers are counted later (item 5)
    avg_viewers: Mapped[int] = mapped_column(Integer, default=0)

    @classmethod
    def open_of(cls, channel_id: int) -> LiveSession | None:
        stmt = select(cls).where(cls.channel_id == channel_id, cls.ended_at.is_(None))
        return db.session.scalar(stmt.with_for_update())

    @classmethod
    def open_for(cls, channel_ids: list[int]) -> dict[int, LiveSession]:
        """The open session of each of these channels that has one (one query for a page)."""
        if not channel_ids:
            return {}
        stmt = select(cls).where(cls.channel_id.in_(channel_ids), cls.ended_at.is_(None))
        return {s.channel_id: s for s in db.session.scalars(stmt)}

    @classmethod
    def of_channel(cls, channel_id: int):
        return select(cls).where(cls.channel_id == channel_id)

    def end(self) -> None:
        self.ended_at, self.end_reason = self.disconnected_at, "disconnected"

    def quiet_for(self, when: datetime) -> float:
        """Seconds since the disconnect at ``when`` (0 when connected)."""
        return (when - self.disconnected_at).total_seconds() if self.disconnected_at else 0.0


def lock_channel(channel_id: int) -> bool:
    return db.session.scalar(select(Channel.id).where(Channel.id == channel_id).with_for_update()) is not None


def published(channel_id: int, when: datetime, window: float) -> tuple[LiveSession | None, bool]:
    """Apply a publish (see the module doc): the open session, and whether it is new."""
    if not lock_channel(channel_id):
        return None, False  # the channel is gone
    session = LiveSession.open_of(channel_id)
    if session is not None and session.disconnected_at is not None and session.quiet_for(when) > window:
        session.end()
        db.session.flush()  # the partial unique index: one open session per channel
        session = None
    if session is None:
        session = LiveSession(channel_id=channel_id, started_at=when, last_published_at=when, reconnects=0)
        db.session.add(session)
        return session, True
    if when >= (session.disconnected_at or session.last_published_at):
        session.reconnects += session.disconnected_at is not None
        session.last_published_at, session.disconnected_at = when, None
    return session, False


def unpublished(channel_id: int, when: datetime) -> LiveSession | None:
    """Apply a publish done: the open session now disconnected at ``when``, or None when there is
    none, or when a later publish has already superseded this event."""
    if not lock_channel(channel_id):
        return None
    session = LiveSession.open_of(channel_id)
    if session is None or when < session.last_published_at:
        return None
    if session.disconnected_at is None:
        session.disconnected_at = when
    return session


def end_if_quiet(channel_id: int, now: datetime, window: float) -> tuple[bool, float]:
    """End the channel's session if it has been disconnected for the window: whether it ended,
    and the seconds still to wait (0.0 when there is nothing to wait for)."""
    if not lock_channel(channel_id):
        return False, 0.0
    session = LiveSession.open_of(channel_id)
    if session is None or session.disconnected_at is None:
        return False, 0.0
    remaining = window - session.quiet_for(now)
    if remaining > 0:
        return False, remaining
    session.end()
    return True, 0.0


def quiet_channels(now: datetime, window: float, limit: int = 500) -> list[int]:
    """Channels whose open session has been disconnected for at least the window (the sweep)."""
    stmt = (select(LiveSession.channel_id)
            .where(LiveSession.ended_at.is_(None),
                   LiveSession.disconnected_at <= now - timedelta(seconds=window))
            .order_by(LiveSession.disconnected_at).limit(limit))
    return list(db.session.scalars(stmt))
