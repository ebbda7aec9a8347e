"""In-app notifications of the stream app (issue 11 item 7) and each user's inbox state.

``notifications``: one row per (user, live session): the go-live fan-out
(axa/models/stream/golive.py) inserts with ``ON CONFLICT DO NOTHING`` on that pair, so a
redelivered or duplicated batch adds nothing. ``id`` grows with time: the keyset of the list and
the read marker.

``notification_inboxes``: one row per user who read or set a preference: ``read_up_to`` (every
notification with an id up to it is read; it never moves back) and ``go_live_mail`` (mail me
too; off by default: no row means off).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db

KINDS = ("go_live",)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("kind IN ('go_live')", name="kind"),
        UniqueConstraint("user_id", "live_session_id"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default="go_live")
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    live_session_id: Mapped[int] = mapped_column(BigInteger,
                                                 ForeignKey("live_sessions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def of_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id)

    @classmethod
    def unread(cls, user_id: int, read_up_to: int) -> int:
        return db.session.scalar(select(func.count()).where(cls.user_id == user_id, cls.id > read_up_to))

    @classmethod
    def newest_id(cls, user_id: int) -> int:
        return db.session.scalar(select(func.coalesce(func.max(cls.id), 0)).where(cls.user_id == user_id))


class Inbox(db.Model):
    __tablename__ = "notification_inboxes"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    read_up_to: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    go_live_mail: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")

    @classmethod
    def of(cls, user_id: int) -> Inbox:
        """The user's inbox (unsaved defaults when the user has none)."""
        return db.session.get(cls, user_id) or cls(user_id=user_id, read_up_to=0, go_live_mail=False)

    @classmethod
    def mark_read(cls, user_id: int, up_to: int) -> None:
        """Everything up to ``up_to`` read; the marker only moves forward (concurrent calls too)."""
        stmt = insert(cls).values(user_id=user_id, read_up_to=up_to, go_live_mail=False)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["user_id"], set_={"read_up_to": func.greatest(cls.read_up_to, up_to)}))

    @classmethod
    def set_mail(cls, user_id: int, go_live_mail: bool) -> None:
        stmt = insert(cls).values(user_id=user_id, read_up_to=0, go_live_mail=go_live_mail)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["user_id"],
                                                      set_={"go_live_mail": go_live_mail}))

    @classmethod
    def mail_on(cls, user_ids: list[int]) -> list[int]:
        """Which of these users want go-live mail."""
        if not user_ids:
            return []
        stmt = select(cls.user_id).where(cls.user_id.in_(user_ids), cls.go_live_mail.is_(True))
        return sorted(db.session.scalars(stmt))
