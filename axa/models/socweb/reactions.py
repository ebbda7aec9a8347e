"""Likes (public, counted) and favorites (private bookmarks): one per user and post, made and
undone idempotently (``INSERT … ON CONFLICT DO NOTHING``: 20 parallel likes make one)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, UniqueConstraint, delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db


class _Reaction:
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the keyset of the owner's list
    user_id: Mapped[int] = mapped_column(BigInteger)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def add(cls, user_id: int, post_id: int) -> bool:
        """True when this call made it (False: it existed). Not committed."""
        made = db.session.execute(
            insert(cls).values(user_id=user_id, post_id=post_id)
            .on_conflict_do_nothing(index_elements=["user_id", "post_id"]).returning(cls.id)).first()
        return made is not None

    @classmethod
    def remove(cls, user_id: int, post_id: int) -> bool:
        """True when this call removed it. Not committed."""
        gone = db.session.execute(delete(cls).where(cls.user_id == user_id, cls.post_id == post_id)
                                  .returning(cls.id)).first()
        return gone is not None


class Like(_Reaction, db.Model):
    __tablename__ = "likes"
    __table_args__ = (UniqueConstraint("user_id", "post_id"), Index("ix_likes_post_id", "post_id"),
                      Index("ix_likes_user_id_id", "user_id", "id"))


class Favorite(_Reaction, db.Model):
    __tablename__ = "favorites"
    __table_args__ = (UniqueConstraint("user_id", "post_id"), Index("ix_favorites_post_id", "post_id"),
                      Index("ix_favorites_user_id_id", "user_id", "id"))
