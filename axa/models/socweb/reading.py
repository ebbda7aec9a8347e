"""What every read path of posts shares (native API, feeds, the Conduit face): who may see a
post, and the counts and viewer flags that go with a page of posts.

Visibility: a post is seen only while its author is an active user; a ``public`` post by anyone,
a ``subscribers`` post by its author and the author's subscribers; never by a viewer the author
blocked or who blocked the author (axa/models/socweb/blocks.py). Counts leave out users who are
no longer active.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Select, and_, any_, bindparam, exists, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from axa.models.socweb import db
from axa.models.socweb.blocks import blocked_between
from axa.models.socweb.comments import Comment
from axa.models.socweb.media import Media, url_of
from axa.models.socweb.posts import Post
from axa.models.socweb.profiles import Profile
from axa.models.socweb.reactions import Favorite, Like
from axa.models.socweb.subscriptions import Subscription
from axa.models.socweb.users import User


def active(user_id_column):
    """A clause: the user in ``user_id_column`` is active."""
    return exists().where(User.id == user_id_column, User.status == "active")


def visible_to(viewer_id: int | None):
    """A clause over ``Post``: the viewer (None: nobody signed in) may see it."""
    if viewer_id is None:
        allowed = Post.visibility == "public"
    else:
        allowed = and_(or_(Post.visibility == "public", Post.author_id == viewer_id,
                           exists().where(Subscription.subscriber_id == viewer_id,
                                          Subscription.author_id == Post.author_id)),
                       ~blocked_between(viewer_id, Post.author_id))
    return and_(active(Post.author_id), allowed)


def visible_posts(viewer_id: int | None) -> Select:
    return select(Post).where(visible_to(viewer_id))


def visible_post(post_id: int, viewer_id: int | None) -> Post | None:
    """The post, if it exists and the viewer may see it (else None: answer 404 either way)."""
    return db.session.scalar(visible_posts(viewer_id).where(Post.id == post_id))


@dataclass(frozen=True)
class PostStats:
    likes_count: int = 0
    comments_count: int = 0
    liked: bool = False
    favorited: bool = False


def any_of(column, ids: list[int] | None = None):
    """A clause: ``column = ANY(:ids)``, one array parameter however many ids (an IN list binds
    one per id, expanded by SQLAlchemy on every execution): ``ids``, or without them ``ids`` bound
    when the statement is executed."""
    return column == any_(bindparam("ids", ids, type_=ARRAY(BigInteger), unique=ids is not None))


# A page's counts and flags, and its authors: one statement each, built once with ``ids`` and
# ``viewer`` bound when executed (SQLAlchemy then neither rebuilds them nor recomputes their cache
# key on every page). No viewer binds NULL, which no ``user_id = NULL`` matches: flags are false.
_VIEWER = bindparam("viewer", type_=BigInteger)
_STATS = select(
    Post.id,
    select(func.count()).select_from(Like).where(Like.post_id == Post.id, active(Like.user_id))
    .scalar_subquery(),
    select(func.count()).select_from(Comment).where(Comment.post_id == Post.id, active(Comment.author_id))
    .scalar_subquery(),
    exists().where(Like.post_id == Post.id, Like.user_id == _VIEWER),
    exists().where(Favorite.post_id == Post.id, Favorite.user_id == _VIEWER),
).where(any_of(Post.id))
_AUTHORS = (select(User.id, Profile.username, User.display_name, Profile.bio, Profile.image,
                   exists().where(Subscription.subscriber_id == _VIEWER, Subscription.author_id == User.id),
                   select(Media.sha256).where(Media.id == Profile.avatar_media_id, Media.state == "ready")
                   .scalar_subquery())
            .outerjoin(Profile, Profile.user_id == User.id).where(any_of(User.id)))


def post_stats(post_ids: list[int], viewer_id: int | None) -> dict[int, PostStats]:
    """Counts of likes and comments (by active users) and the viewer's flags, for a page of posts,
    in one query."""
    if not post_ids:
        return {}
    rows = db.session.execute(_STATS, {"ids": list(post_ids), "viewer": viewer_id})
    return {row[0]: PostStats(*row[1:]) for row in rows}


@dataclass(frozen=True)
class Author:
    user_id: int
    username: str | None
    display_name: str
    bio: str | None
    image: str | None  # the avatar image's small derivative when one is set, else the URL given
    following: bool  # the viewer subscribes to this author


def authors(user_ids: set[int], viewer_id: int | None) -> dict[int, Author]:
    """The public face of each user (with the viewer's ``following``), in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(_AUTHORS, {"ids": list(user_ids), "viewer": viewer_id})
    return {row[0]: Author(*row[:4], url_of(row[6], "small") if row[6] else row[4], row[5]) for row in rows}
