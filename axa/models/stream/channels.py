"""Channels: a user's streaming channels, each under a slug unique on the platform (its public
address, fixed at creation), with a title, description, tags, category and latency mode.

Live state, viewers and the playback URL are not stored yet (a later part of issue 11): a channel's
public view says so honestly (``live`` false, no playback URL).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, String, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db

SLUG_PATTERN = r"^[a-z0-9-]{3,40}$"
TITLE_MAX = 100
DESCRIPTION_MAX = 2000
TAG_MAX = 30
TAGS_MAX = 10
CATEGORY_MAX = 50
LATENCY_MODES = ("normal", "low", "ultra_low")


class Channel(db.Model):
    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint("latency_mode IN ('normal', 'low', 'ultra_low')", name="latency_mode"),
        Index("ix_channels_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(TAG_MAX)), default=list)
    category: Mapped[str | None] = mapped_column(String(CATEGORY_MAX))
    latency_mode: Mapped[str] = mapped_column(String(16), default="normal")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @classmethod
    def by_slug(cls, slug: str, lock: bool = False) -> Channel | None:
        stmt = select(cls).where(cls.slug == slug)
        return db.session.scalar(stmt.with_for_update() if lock else stmt)

    @classmethod
    def listing(cls, user_id: int | None = None):
        """All channels, or one user's (for the keyset list)."""
        stmt = select(cls)
        return stmt if user_id is None else stmt.where(cls.user_id == user_id)
