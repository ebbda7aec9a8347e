"""Comments on posts (flat; a comment may name the comment it answers)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db

BODY_MAX = 5000


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (CheckConstraint("char_length(body) <= 5000", name="body_length"),
                      Index("ix_comments_post_id_id", "post_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigInteger, index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("comments.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
