"""Mail about notifications: each user's choice per type (instant, daily digest or none), the
sent-ledger that makes the mail tasks at-least-once without doubles, and the digests sent."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    String,
    case,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db

MODES = ("instant", "digest", "none")
DEFAULTS = {"subscription": "digest", "like": "digest", "comment": "instant", "mention": "instant",
            "reply": "instant"}


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (CheckConstraint("mode IN ('instant', 'digest', 'none')", name="mode"),)

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))

    @classmethod
    def of(cls, user_id: int) -> dict[str, str]:
        """The user's mode for every type, defaults filled in."""
        chosen = dict(db.session.execute(select(cls.type, cls.mode).where(cls.user_id == user_id)).all())
        return {kind: chosen.get(kind, default) for kind, default in DEFAULTS.items()}

    @classmethod
    def choose(cls, user_id: int, changes: dict[str, str]) -> None:
        """Set modes (not committed)."""
        for kind, mode in changes.items():
            stmt = insert(cls).values(user_id=user_id, type=kind, mode=mode)
            db.session.execute(stmt.on_conflict_do_update(index_elements=["user_id", "type"],
                                                          set_={"mode": mode}))


def mode_of(user_id_column, type_column):
    """A SQL expression: the user's mode for the type, the default when they chose none."""
    chosen = (select(NotificationPreference.mode)
              .where(NotificationPreference.user_id == user_id_column,
                     NotificationPreference.type == type_column).scalar_subquery())
    return func.coalesce(chosen, case(DEFAULTS, value=type_column, else_="instant"))


class NotificationMail(db.Model):
    """The sent-ledger: a message id here was handed to the mail server."""
    __tablename__ = "notification_mails"

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def already_sent(cls, message_id: str) -> bool:
        return db.session.get(cls, message_id) is not None


class NotificationDigest(db.Model):
    """One row per user and day a digest went out, with the newest notification it covered."""
    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    through_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def last_through(cls, user_id: int) -> int:
        return db.session.scalar(select(func.max(cls.through_id)).where(cls.user_id == user_id)) or 0
