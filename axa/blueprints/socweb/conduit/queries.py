"""What the Conduit face reads, in PostgreSQL, through the visibility rules every read path shares
(axa/models/socweb/reading.py): a list, a count and a single article never show a post the caller
may not see (a subscribers-only post only to the author and their subscribers).

On this face an *article* is a post with a title whose author has chosen a username (the
RealWorld objects need both); other posts stay on the native API only.

Slugs: the native slug is unique per author, so the Conduit slug adds the post id,
``<slug>-<id>`` (``how-to-train-your-dragon-42``): the article is looked up by that trailing id
and answers only if the whole slug is its current one (a slug from before a title change is 404,
as on RealWorld's reference server).
"""
from __future__ import annotations

import re

from sqlalchemy import Select, exists, func, select

from axa.models.socweb import Comment, Like, Post, PostTag, Profile, Subscription, User, db
from axa.models.socweb.blocks import blocked_between
from axa.models.socweb.posts import normalize_tag
from axa.models.socweb.reading import active, visible_to

SLUG_ID = re.compile(r"(?:^|-)([1-9][0-9]{0,18})$")
BIGINT_MAX = 2**63 - 1
TAGS_SHOWN = 20  # GET /tags: the most used tags of public articles
COMMENTS_SHOWN = 500  # GET …/comments: the newest, RealWorld has no paging for comments


def conduit_slug(post: Post) -> str:
    return f"{post.slug or 'article'}-{post.id}"


def article_id(slug: str) -> int | None:
    found = SLUG_ID.search(slug)
    if found is None or int(found.group(1)) > BIGINT_MAX:
        return None
    return int(found.group(1))


def has_username(user_id_column):
    return exists().where(Profile.user_id == user_id_column, Profile.username.is_not(None))


def user_named(username: str):
    """A scalar subquery: the id of the active user with this username (any case), or NULL."""
    return (select(Profile.user_id).join(User, User.id == Profile.user_id)
            .where(Profile.username == username.lower(), User.status == "active").scalar_subquery())


def articles(viewer_id: int | None) -> Select:
    """Every article the viewer may see."""
    return select(Post).where(visible_to(viewer_id), Post.title.is_not(None), has_username(Post.author_id))


def filtered(viewer_id: int | None, tag: str | None, author: str | None, favorited: str | None) -> Select:
    """``GET /articles``: by tag, by author's username, favorited (liked) by a username."""
    query = articles(viewer_id)
    if tag is not None:
        query = query.where(exists().where(PostTag.post_id == Post.id, PostTag.tag == normalize_tag(tag)))
    if author is not None:
        query = query.where(Post.author_id == user_named(author))
    if favorited is not None:
        query = query.where(exists().where(Like.post_id == Post.id, Like.user_id == user_named(favorited)))
    return query


def feed(viewer_id: int) -> Select:
    """``GET /articles/feed``: articles by the authors the viewer subscribes to, read from
    PostgreSQL. The native home feed (Redis, precomputed by Celery) holds the viewer's own posts
    too and pages by id; when its read function lands, this is the one place to swap it in
    (keeping the filter to subscribed authors, the article rule and limit/offset)."""
    subscribed = select(Subscription.author_id).where(Subscription.subscriber_id == viewer_id)
    return articles(viewer_id).where(Post.author_id.in_(subscribed))


def page(query: Select, limit: int, offset: int) -> tuple[list[Post], int]:
    """One page, newest first, and how many articles the query finds in all."""
    count = db.session.scalar(query.with_only_columns(func.count(Post.id)).order_by(None))
    posts = list(db.session.scalars(query.order_by(Post.id.desc()).limit(limit).offset(offset)))
    return posts, count


def article(slug: str, viewer_id: int | None) -> Post | None:
    """The article named by ``slug`` if the viewer may see it (else None: 404 either way)."""
    post_id = article_id(slug)
    if post_id is None:
        return None
    post = db.session.scalar(articles(viewer_id).where(Post.id == post_id))
    return post if post is not None and conduit_slug(post) == slug else None


def popular_tags() -> list[str]:
    """The most used tags of public articles by active users (never a subscribers-only post's)."""
    uses = func.count(PostTag.post_id)
    return list(db.session.scalars(
        select(PostTag.tag).join(Post, Post.id == PostTag.post_id)
        .where(Post.visibility == "public", Post.title.is_not(None), active(Post.author_id),
               has_username(Post.author_id))
        .group_by(PostTag.tag).order_by(uses.desc(), PostTag.tag).limit(TAGS_SHOWN)))


def comments_of(post_id: int, viewer_id: int | None) -> list[Comment]:
    """The article's comments by active users with a username (not those blocked either way with
    the viewer), newest first."""
    stmt = select(Comment).where(Comment.post_id == post_id, active(Comment.author_id),
                                 has_username(Comment.author_id))
    if viewer_id is not None:
        stmt = stmt.where(~blocked_between(viewer_id, Comment.author_id))
    return list(db.session.scalars(stmt.order_by(Comment.id.desc()).limit(COMMENTS_SHOWN)))
