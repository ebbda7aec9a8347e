"""Chat moderation of a channel, durable: moderators, bans and timeouts, the chat rules (slow
mode, subscribers-only with a minimum subscription age, blocked terms) and the audit log.

These rows are the truth; the copy every app process checks on each send lives in Redis
(axa/models/stream/chat_state.py), loaded from here when missing and updated with every change.
A timeout is a ban with an end (``until``); a ban without one lasts until it is lifted.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db

TERM_MAX = 50
TERMS_MAX = 100
REASON_MAX = 500
ACTIONS = ("moderator_added", "moderator_removed", "message_deleted", "user_banned", "user_timed_out",
           "user_unbanned", "rules_changed")


class ChatModerator(db.Model):
    __tablename__ = "chat_moderators"

    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    appointed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def of_channel(cls, channel_id: int) -> list[ChatModerator]:
        return list(db.session.scalars(select(cls).where(cls.channel_id == channel_id).order_by(cls.user_id)))

    @classmethod
    def is_one(cls, channel_id: int, user_id: int) -> bool:
        return db.session.get(cls, (channel_id, user_id)) is not None

    @classmethod
    def appoint(cls, channel_id: int, user_id: int) -> bool:
        """True when the user was not a moderator yet."""
        added = db.session.scalar(insert(cls).values(channel_id=channel_id, user_id=user_id)
                                  .on_conflict_do_nothing().returning(cls.user_id))
        return added is not None

    @classmethod
    def remove(cls, channel_id: int, user_id: int) -> bool:
        done = db.session.execute(delete(cls).where(cls.channel_id == channel_id, cls.user_id == user_id))
        return done.rowcount == 1


class ChatBan(db.Model):
    __tablename__ = "chat_bans"
    __table_args__ = (UniqueConstraint("channel_id", "user_id"),
                      Index("ix_chat_bans_channel_id_id", "channel_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the list's keyset
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: until lifted
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    by_user_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def active(cls, channel_id: int, now: datetime):
        return select(cls).where(cls.channel_id == channel_id, or_(cls.until.is_(None), cls.until > now))

    @classmethod
    def put(cls, channel_id: int, user_id: int, until: datetime | None, reason: str, by: int) -> ChatBan:
        """Ban (or time out) the user, replacing an earlier ban of them."""
        values = {"until": until, "reason": reason, "by_user_id": by}
        stmt = insert(cls).values(channel_id=channel_id, user_id=user_id, **values)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["channel_id", "user_id"],
                                                      set_={**values, "created_at": func.now()}))
        return db.session.scalar(select(cls).where(cls.channel_id == channel_id, cls.user_id == user_id)
                                 .execution_options(populate_existing=True))

    @classmethod
    def lift(cls, channel_id: int, user_id: int) -> bool:
        done = db.session.execute(delete(cls).where(cls.channel_id == channel_id, cls.user_id == user_id))
        return done.rowcount == 1


class ChatRules(db.Model):
    __tablename__ = "chat_rules"

    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"),
                                            primary_key=True)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subscribers_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    min_subscription_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    blocked_terms: Mapped[list[str]] = mapped_column(ARRAY(String(TERM_MAX)), default=list,
                                                     server_default="{}")

    @classmethod
    def of(cls, channel_id: int) -> ChatRules:
        """The channel's rules (the defaults, not yet stored, when never set)."""
        return db.session.get(cls, channel_id) or cls(channel_id=channel_id, slow_mode_seconds=0,
                                                      subscribers_only=False, min_subscription_minutes=0,
                                                      blocked_terms=[])

    @classmethod
    def change(cls, channel_id: int, changes: dict) -> ChatRules:
        rules = db.session.get(cls, channel_id, with_for_update=True)
        if rules is None:
            rules = cls.of(channel_id)
            db.session.add(rules)
        for name, value in changes.items():
            setattr(rules, name, value)
        db.session.flush()
        return rules


class ChatAudit(db.Model):
    """Every moderation action: who did what to whom, when."""
    __tablename__ = "chat_audit"
    __table_args__ = (Index("ix_chat_audit_channel_id_id", "channel_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    target_user_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def log(cls, channel_id: int, actor_id: int, action: str, target_user_id: int | None = None,
            message_id: int | None = None, **details) -> None:
        db.session.add(cls(channel_id=channel_id, actor_id=actor_id, action=action,
                           target_user_id=target_user_id, message_id=message_id, details=details))

    @classmethod
    def of_channel(cls, channel_id: int):
        return select(cls).where(cls.channel_id == channel_id)
