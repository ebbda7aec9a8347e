"""Channel subscriptions (issue 11 item 7): a user follows a channel to hear when it goes live.

One row per (user, channel); subscribing twice or unsubscribing when not subscribed changes
nothing. ``id`` grows with time: the keyset of "my channels" and of the go-live fan-out, which
walks a channel's subscribers in id order (``ix_channel_subscriptions_channel_id_id``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, UniqueConstraint, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db


class Subscription(db.Model):
    __tablename__ = "channel_subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "channel_id"),
        Index("ix_channel_subscriptions_user_id_id", "user_id", "id"),
        Index("ix_channel_subscriptions_channel_id_id", "channel_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def of(cls, user_id: int, channel_id: int) -> Subscription | None:
        return db.session.scalar(select(cls).where(cls.user_id == user_id, cls.channel_id == channel_id))

    @classmethod
    def subscribe(cls, user_id: int, channel_id: int) -> Subscription:
        """The user's subscription to the channel, made now unless it exists (idempotent)."""
        db.session.execute(insert(cls).values(user_id=user_id, channel_id=channel_id)
                           .on_conflict_do_nothing(index_elements=["user_id", "channel_id"]))
        return cls.of(user_id, channel_id)

    @classmethod
    def unsubscribe(cls, user_id: int, channel_id: int) -> None:
        db.session.execute(delete(cls).where(cls.user_id == user_id, cls.channel_id == channel_id))

    @classmethod
    def of_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id)

    @classmethod
    def counts(cls, channel_ids: list[int]) -> dict[int, int]:
        """Subscribers of each of these channels (one query for a page; absent: 0)."""
        if not channel_ids:
            return {}
        stmt = (select(cls.channel_id, func.count()).where(cls.channel_id.in_(channel_ids))
                .group_by(cls.channel_id))
        return dict(db.session.execute(stmt).all())

    @classmethod
    def subscribed_among(cls, user_id: int | None, channel_ids: list[int]) -> set[int]:
        """Which of these channels the user subscribes to."""
        if user_id is None or not channel_ids:
            return set()
        stmt = select(cls.channel_id).where(cls.user_id == user_id, cls.channel_id.in_(channel_ids))
        return set(db.session.scalars(stmt))
