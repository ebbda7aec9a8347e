"""Recordings (issue 11 item 9): a channel's recording setting and its VODs.

``ChannelRecording`` is a channel's choice (``recording`` on/off, ``retention_days``); a channel
without a row does not record and would keep VODs AXA_VOD_RETENTION_DAYS.

A ``Vod`` is one recording of one live session, made by the ``stream.vod`` graph
(axa/tasks/stream/vod.py): ``processing`` from the moment the media server handed the file over,
then ``ready`` (MP4 and thumbnail stored, duration and size known) or ``failed`` with a reason.
Its natural key is ``source``, the recording's file name (nginx-rtmp's ``<slug>-<epoch>.flv``): a
redelivered hand-over finds the row and stores nothing twice. A reconnect inside the window makes
a second recording of the same session: it is the session's next ``part`` (kept as parts, each
playable alone; not concatenated). A VOD outlives its channel's deletion only until the next
retention sweep (``channel_id`` set null), which deletes its files first.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db
from axa.models.stream.live import LiveSession

STATES = ("processing", "ready", "failed")
SOURCE_MAX = 200
SESSION_SLACK = timedelta(seconds=10)  # a recording starts this much before its session's start at most


class ChannelRecording(db.Model):
    __tablename__ = "channel_recordings"
    __table_args__ = (CheckConstraint("retention_days BETWEEN 1 AND 3650", name="retention_days"),)

    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"),
                                            primary_key=True)
    recording: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @classmethod
    def of(cls, channel_id: int, lock: bool = False) -> ChannelRecording | None:
        stmt = select(cls).where(cls.channel_id == channel_id)
        return db.session.scalar(stmt.with_for_update() if lock else stmt)


class Vod(db.Model):
    __tablename__ = "vods"
    __table_args__ = (
        CheckConstraint("state IN ('processing', 'ready', 'failed')", name="state"),
        Index("ix_vods_channel_id_id", "channel_id", "id"),
        Index("ix_vods_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("live_sessions.id",
                                                                          ondelete="SET NULL"))
    part: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="processing")
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    video_key: Mapped[str | None] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def listing(cls, channel_id: int, everything: bool):
        """A channel's VODs: only the ready ones, unless ``everything`` (its owner)."""
        stmt = select(cls).where(cls.channel_id == channel_id)
        return stmt if everything else stmt.where(cls.state == "ready")

    @classmethod
    def by_source(cls, source: str, lock: bool = False) -> Vod | None:
        stmt = select(cls).where(cls.source == source)
        return db.session.scalar(stmt.with_for_update() if lock else stmt)

    @classmethod
    def pending(cls, vod_id: int) -> Vod | None:
        return db.session.scalar(select(cls).where(cls.id == vod_id).with_for_update())

    def keys(self) -> list[str]:
        return [key for key in (self.video_key, self.thumbnail_key) if key]

    def fail(self, reason: str, detail: str = "") -> None:
        self.state, self.reason, self.detail = "failed", reason, detail[:300] or None

    def finish(self, duration_s: float, size: int, video_key: str, thumbnail_key: str, now: datetime) -> None:
        self.state, self.reason, self.detail = "ready", None, None
        self.duration_ms, self.size_bytes = round(duration_s * 1000), size
        self.video_key, self.thumbnail_key, self.ready_at = video_key, thumbnail_key, now


def session_of(channel_id: int, recorded_at: datetime) -> int | None:
    """The live session a recording started at ``recorded_at`` belongs to: the latest one started
    by then, give or take the slack; locked, so its parts are numbered one recording at a time."""
    return db.session.scalar(
        select(LiveSession.id).where(LiveSession.channel_id == channel_id,
                                     LiveSession.started_at <= recorded_at + SESSION_SLACK)
        .order_by(LiveSession.started_at.desc()).limit(1).with_for_update())


def number_parts(session_id: int) -> None:
    """Number the session's recordings 1, 2, ... by when they started (they may arrive out of order)."""
    ranked = select(Vod.id, func.row_number().over(order_by=(Vod.recorded_at, Vod.id)).label("n")).where(
        Vod.session_id == session_id).subquery()
    db.session.execute(update(Vod).where(Vod.id == ranked.c.id).values(part=ranked.c.n)
                       .execution_options(synchronize_session=False))


def expired(now: datetime, default_days: int, limit: int = 200) -> list[Vod]:
    """VODs past their channel's retention (counted from the recording's start), and those whose
    channel is gone; locked, skipping rows another sweep holds."""
    days = func.coalesce(ChannelRecording.retention_days, default_days)
    stmt = (select(Vod).outerjoin(ChannelRecording, ChannelRecording.channel_id == Vod.channel_id)
            .where(or_(Vod.channel_id.is_(None), Vod.recorded_at < now - func.make_interval(0, 0, 0, days)))
            .order_by(Vod.id).limit(limit).with_for_update(of=Vod, skip_locked=True))
    return list(db.session.scalars(stmt))


def stale(before: datetime, limit: int = 100) -> list[int]:
    """VODs still ``processing`` since before ``before`` (their graph's messages lost)."""
    return list(db.session.scalars(select(Vod.id).where(Vod.state == "processing", Vod.created_at < before)
                                   .order_by(Vod.id).limit(limit)))
