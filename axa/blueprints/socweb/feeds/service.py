"""Queries behind the timelines: each a select of the posts the viewer may see, paged by
keyset on the post id (axa/platform/keyset.py). The home feed is axa/models/socweb/feeds.py."""
from __future__ import annotations

from sqlalchemy import select

from axa.models.socweb import Post, PostTag, db
from axa.models.socweb.blocks import blocked_between, muted_by
from axa.models.socweb.posts import TAG_MAX, normalize_tag
from axa.models.socweb.reading import active, visible_posts
from axa.platform.keyset import Page, keyset_page


def public_timeline(viewer_id: int | None, args: dict) -> Page:
    """Public posts by active authors (subscriber-only posts never, whoever asks), leaving out
    the authors the viewer blocked, mutes or was blocked by."""
    stmt = select(Post).where(Post.visibility == "public", active(Post.author_id))
    if viewer_id is not None:
        stmt = stmt.where(~blocked_between(viewer_id, Post.author_id), ~muted_by(viewer_id, Post.author_id))
    return keyset_page(db.session, stmt, Post.id, args)


def posts_of(author_id: int, viewer_id: int | None, args: dict) -> Page:
    """The author's posts the viewer may see."""
    stmt = visible_posts(viewer_id).where(Post.author_id == author_id)
    return keyset_page(db.session, stmt, Post.id, args)


def posts_tagged(tag: str, viewer_id: int | None, args: dict) -> Page:
    """Posts with the tag (normalized as stored) that the viewer may see; no tag can be longer
    than TAG_MAX or hold NUL, so such a one matches nothing without asking the database."""
    tag = normalize_tag(tag)
    if not tag or len(tag) > TAG_MAX or "\x00" in tag:
        return Page([], [], False)
    stmt = (visible_posts(viewer_id).join(PostTag, PostTag.post_id == Post.id)
            .where(PostTag.tag == tag))
    if viewer_id is not None:  # a timeline: muted authors stay out of it
        stmt = stmt.where(~muted_by(viewer_id, Post.author_id))
    return keyset_page(db.session, stmt, Post.id, args)
