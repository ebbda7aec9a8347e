"""Recommended channels per user (issue 11 item 8), computed by ``stream.recommend``
(axa/tasks/stream/recommend.py, scoring in axa/models/stream/recommender.py) and stored here:
one row per (user, channel), ``rank`` 1 first, each with its ``reason`` for the user to read and
``reason_code`` for a client to act on. A user's rows are replaced as a whole on each run.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, delete, func, insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stream import db

REASON_CODES = ("co_subscribed", "watched", "shared_tags", "popular")
REASON_MAX = 200


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (Index("uq_recommendations_user_id_rank", "user_id", "rank", unique=True),
                      Index("ix_recommendations_channel_id", "channel_id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("channels.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def replace(user_ids: list[int], ranked: dict[int, list[dict]]) -> None:
    """Store each user's ranked list (dicts of channel_id, score, reason_code, reason) in place of
    the old one; a user without a list keeps none."""
    db.session.execute(delete(Recommendation).where(Recommendation.user_id.in_(user_ids)))
    rows = [{"user_id": user_id, "rank": rank, **item}
            for user_id in user_ids for rank, item in enumerate(ranked.get(user_id, []), start=1)]
    if rows:
        db.session.execute(insert(Recommendation), rows)
