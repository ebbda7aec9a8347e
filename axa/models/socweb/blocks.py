"""Blocks, mutes and reports (issue 10 item 5; Mastodon's moderation, shared/peers.md §1).

A block hides two users from each other everywhere (profiles, posts, comments, feeds, search, the
Conduit face) and ends their subscriptions both ways; only the blocker can undo it. A mute (for
a while, or until undone) hides the muted user from the muter's feeds and notifications only.
A report of a post or a profile waits in the moderation queue until an admin resolves it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    String,
    UniqueConstraint,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db

REPORT_CATEGORIES = ("spam", "abuse", "illegal", "other")
REPORT_STATES = ("open", "resolved", "dismissed")
REPORT_ACTIONS = ("remove_post", "disable_account", "dismiss")
COMMENT_MAX = 1000


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (CheckConstraint("blocker_id <> blocked_id", name="not_self"),
                      UniqueConstraint("blocker_id", "blocked_id", name="uq_blocks_pair"),
                      Index("ix_blocks_blocked_id_blocker_id", "blocked_id", "blocker_id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the keyset of the list
    blocker_id: Mapped[int] = mapped_column(BigInteger)
    blocked_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Mute(db.Model):
    __tablename__ = "mutes"
    __table_args__ = (CheckConstraint("muter_id <> muted_id", name="not_self"),
                      UniqueConstraint("muter_id", "muted_id", name="uq_mutes_pair"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    muter_id: Mapped[int] = mapped_column(BigInteger)
    muted_id: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: until undone
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved', 'dismissed')", name="status"),
                      Index("ix_reports_status_id", "status", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)  # the reported user (the post's author)
    post_id: Mapped[int | None] = mapped_column(BigInteger)  # a reported post (kept if removed)
    category: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    status: Mapped[str] = mapped_column(String(16), default="open")
    action: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def between(one: int, other: int) -> bool:
    """Either user blocked the other."""
    return bool(db.session.scalar(select(blocked_between(one, literal(other, BigInteger)))))


def blocked_between(viewer_id: int, user_id_column):
    """A clause: the viewer blocked the user in ``user_id_column``, or was blocked by them."""
    return exists().where(or_(and_(Block.blocker_id == viewer_id, Block.blocked_id == user_id_column),
                              and_(Block.blocker_id == user_id_column, Block.blocked_id == viewer_id)))


def muted_by(viewer_id: int, user_id_column):
    """A clause: the viewer mutes the user in ``user_id_column`` now."""
    return exists().where(Mute.muter_id == viewer_id, Mute.muted_id == user_id_column,
                          or_(Mute.expires_at.is_(None), Mute.expires_at > func.now()))
