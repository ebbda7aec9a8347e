"""Likes and favorites, one code path for both (``Like`` or ``Favorite``): made and undone
idempotently, and listed to their owner over the posts the owner may still see."""
from __future__ import annotations

from sqlalchemy import select

from axa.blueprints.socweb.posts.service import visible_or_404
from axa.models.socweb import Favorite, Like, OutboxEntry, Post, db
from axa.models.socweb.reading import visible_to
from axa.platform.keyset import Page, keyset_page

Reaction = type[Like] | type[Favorite]


def add(model: Reaction, post_id: int, user_id: int) -> Post:
    """Like (or keep) a post the user can see; once, however often or concurrently asked. A new
    like notifies the post's author (an outbox row in the same transaction)."""
    post = visible_or_404(post_id, user_id, lock=True)  # not deleted before the row commits
    if model.add(user_id, post.id) and model is Like:
        OutboxEntry.add("notify.liked", {"user_id": user_id, "post_id": post.id})
    db.session.commit()
    return post


def remove(model: Reaction, post_id: int, user_id: int) -> Post:
    post = visible_or_404(post_id, user_id)
    model.remove(user_id, post.id)
    db.session.commit()
    return post


def page(model: Reaction, user_id: int, args: dict) -> tuple[list[Post], Page]:
    """One keyset page (over the reaction's id: most recent first) of the posts the user reacted
    to and may still see."""
    reactions = select(model).join(Post, Post.id == model.post_id).where(model.user_id == user_id,
                                                                         visible_to(user_id))
    found = keyset_page(db.session, reactions, model.id, args)
    posts = {p.id: p for p in db.session.scalars(select(Post).where(
        Post.id.in_([r.post_id for r in found.items])))}
    return [posts[r.post_id] for r in found.items if r.post_id in posts], found  # deleted meanwhile: left out
