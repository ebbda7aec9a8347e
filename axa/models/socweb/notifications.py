"""Notifications: typed events made by Celery (axa/tasks/socweb/notify.py) from the outbox rows
an action writes in its own transaction.

One row per recipient and source object (``source``: ``like:<id>``, ``subscription:<id>``,
``comment:<id>``, ``post:<id>``), unique, written with ``ON CONFLICT DO NOTHING``: a redelivered
task makes nothing new. A comment is one notification to each person it concerns, the most
specific kind first: ``reply`` (to the author of the comment it answers, ``in_reply_to_id``),
then ``comment`` (to the post's author), then ``mention`` (``@username`` in the body).

Each row points at the row that caused it (like, subscription, comment, post) by a foreign key
``ON DELETE CASCADE``: an unlike, an unsubscribe, a deleted comment or post removes its
notifications in its own transaction, and a notification is only ever written while its cause
exists (the insert reads the cause; a cause deleted meanwhile fails the key check and makes
nothing). Nobody is notified of their own action, nor of a post they may not see.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, aliased, mapped_column

from axa.models.socweb import db
from axa.models.socweb.blocks import blocked_between, muted_by
from axa.models.socweb.comments import Comment
from axa.models.socweb.notify_mail import mode_of
from axa.models.socweb.posts import Post
from axa.models.socweb.profiles import Profile
from axa.models.socweb.reactions import Like
from axa.models.socweb.subscriptions import Subscription
from axa.models.socweb.users import User

TYPES = ("subscription", "like", "comment", "mention", "reply")
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{3,30})(?![\w@])")
MENTIONS_MAX = 1000  # distinct usernames a body may notify
_FK = {"ondelete": "CASCADE"}


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("recipient_id", "source", name="uq_notifications_source"),
                      CheckConstraint("recipient_id <> actor_id", name="not_self"),
                      Index("ix_notifications_recipient_id_id", "recipient_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(40))
    post_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("posts.id", **_FK), index=True)
    comment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("comments.id", **_FK), index=True)
    like_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("likes.id", **_FK), index=True)
    subscription_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("subscriptions.id", **_FK), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationMarker(db.Model):
    """The read marker: notifications up to ``last_read_id`` are read."""
    __tablename__ = "notification_markers"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


@dataclass(frozen=True)
class Made:
    """What a write made: how many notifications, and the ids of those to mail at once."""
    count: int = 0
    instant: tuple[int, ...] = ()

    def __add__(self, other: Made) -> Made:
        return Made(self.count + other.count, self.instant + other.instant)


def may_see(user_id, post=Post):
    """A clause: the user (a column) may see the post (public, theirs, or they subscribe)."""
    return or_(post.visibility == "public", post.author_id == user_id,
               exists().where(Subscription.subscriber_id == user_id,
                              Subscription.author_id == post.author_id))


def _active(user_id):
    return exists().where(User.id == user_id, User.status == "active")


def wanted(recipient, actor):
    """A clause: nothing made by ``actor`` is shown to ``recipient`` who blocked them, was blocked
    by them, or mutes them (axa/models/socweb/blocks.py); checked when a notification is made and
    again when it is read (a block or mute made later hides the earlier ones)."""
    return and_(~blocked_between(recipient, actor), ~muted_by(recipient, actor))


def _write(source_select, columns: list[str]) -> Made:
    """INSERT … SELECT … ON CONFLICT DO NOTHING, and of the rows written, in the same statement,
    the count and the ids whose recipients want instant mail. A cause deleted between the read
    and the key check makes nothing (its transaction removed, or will remove, the rest)."""
    written = (insert(Notification).from_select(["recipient_id", "type", "actor_id", "source", *columns],
                                                source_select)
               .on_conflict_do_nothing(constraint="uq_notifications_source")
               .returning(Notification.id, Notification.recipient_id, Notification.type).cte("written"))
    instant = mode_of(written.c.recipient_id, written.c.type) == "instant"
    stmt = select(func.count(), func.array_agg(written.c.id).filter(instant))
    try:
        with db.session.begin_nested():
            count, ids = db.session.execute(stmt).one()
    except IntegrityError:
        return Made()
    return Made(count, tuple(ids or ()))


def for_subscription(subscriber_id: int, author_id: int) -> Made:
    s = Subscription
    return _write(select(s.author_id, literal("subscription"), s.subscriber_id,
                         func.concat("subscription:", s.id), s.id)
                  .where(s.subscriber_id == subscriber_id, s.author_id == author_id,
                         wanted(s.author_id, s.subscriber_id)), ["subscription_id"])


def for_like(user_id: int, post_id: int) -> Made:
    return _write(select(Post.author_id, literal("like"), Like.user_id, func.concat("like:", Like.id),
                         Post.id, Like.id)
                  .join(Post, Post.id == Like.post_id)
                  .where(Like.user_id == user_id, Like.post_id == post_id, Post.author_id != Like.user_id,
                         wanted(Post.author_id, Like.user_id)),
                  ["post_id", "like_id"])


def mentioned(body: str) -> list[str]:
    """The distinct usernames ``@named`` in a body (lower case, in order, at most MENTIONS_MAX)."""
    names = dict.fromkeys(name.lower() for name in MENTION.findall(body))
    return list(names)[:MENTIONS_MAX]


def _mentions(names: list[str], actor, post, source, columns: tuple) -> select:
    return (select(Profile.user_id, literal("mention"), actor, source, *columns)
            .where(Profile.username == any_(bindparam("names", names, type_=ARRAY(String))),
                   Profile.user_id != actor, _active(Profile.user_id),
                   may_see(Profile.user_id, post), wanted(Profile.user_id, actor)))


def for_post(post_id: int) -> Made:
    """Mentions in a post (written again after an edit: only the newly mentioned are notified)."""
    post = db.session.get(Post, post_id)
    names = mentioned(post.body) if post is not None else []
    if not names:
        return Made()
    query = _mentions(names, Post.author_id, Post, func.concat("post:", Post.id), (Post.id,))
    return _write(query.where(Post.id == post_id), ["post_id"])


def for_comment(comment_id: int) -> Made:
    """A comment's reply, comment and mention notifications, in that order of precedence."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return Made()
    c, parent = aliased(Comment), aliased(Comment)
    source, columns = func.concat("comment:", c.id), (c.post_id, c.id)
    base = select(c).join(Post, Post.id == c.post_id).where(c.id == comment_id)
    reply = (base.join(parent, parent.id == c.in_reply_to_id)
             .with_only_columns(parent.author_id, literal("reply"), c.author_id, source, *columns)
             .where(parent.author_id != c.author_id, _active(parent.author_id),
                    may_see(parent.author_id), wanted(parent.author_id, c.author_id)))
    on_post = (base.with_only_columns(Post.author_id, literal("comment"), c.author_id, source, *columns)
               .where(Post.author_id != c.author_id, wanted(Post.author_id, c.author_id)))
    made = _write(reply, ["post_id", "comment_id"]) + _write(on_post, ["post_id", "comment_id"])
    names = mentioned(comment.body)
    if names:
        query = _mentions(names, c.author_id, Post, source, columns)
        made += _write(query.select_from(c).join(Post, Post.id == c.post_id).where(c.id == comment_id),
                       ["post_id", "comment_id"])
    return made


def visible_clause(user_id: int):
    """The recipient's notifications whose actor is still active and not blocked or muted."""
    return and_(Notification.recipient_id == user_id, _active(Notification.actor_id),
                wanted(user_id, Notification.actor_id))
