"""Subscriptions (follows): ``subscriber_id`` follows ``author_id``; made and undone idempotently."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, UniqueConstraint, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db


class Subscription(db.Model):
    __tablename__ = "subscriptions"
    __table_args__ = (CheckConstraint("subscriber_id <> author_id", name="not_self"),
                      UniqueConstraint("subscriber_id", "author_id", name="uq_subscriptions_pair"),
                      Index("ix_subscriptions_author_id_id", "author_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the keyset of the lists
    subscriber_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def subscribe(cls, subscriber_id: int, author_id: int) -> bool:
        """Follow; True when this call made the subscription (False: it existed). Not committed."""
        made = db.session.execute(
            insert(cls).values(subscriber_id=subscriber_id, author_id=author_id)
            .on_conflict_do_nothing(constraint="uq_subscriptions_pair").returning(cls.id)).first()
        return made is not None

    @classmethod
    def unsubscribe(cls, subscriber_id: int, author_id: int) -> bool:
        """Unfollow; True when this call removed the subscription. Not committed."""
        gone = db.session.execute(
            delete(cls).where(cls.subscriber_id == subscriber_id, cls.author_id == author_id)
            .returning(cls.id)).first()
        return gone is not None

    @classmethod
    def authors_of(cls, subscriber_id: int) -> list[int]:
        return list(db.session.scalars(select(cls.author_id).where(cls.subscriber_id == subscriber_id)))

    @classmethod
    def subscribers_of(cls, author_id: int) -> list[int]:
        return list(db.session.scalars(select(cls.subscriber_id).where(cls.author_id == author_id)))
