"""The Conduit face's changes, on the same tables as the native API.

Each commits its own transaction. The changes a home feed must see (a new or deleted article, a
follow or unfollow that changed something) write the same outbox entries as the native services
(posts/service.py, subscriptions/service.py) in that transaction, for the Celery fan-out.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from axa.models.socweb import Comment, Like, OutboxEntry, Post, PostEdit, Subscription, db
from axa.models.socweb.posts import TAG_MAX, TAGS_MAX, tags_of
from axa.models.socweb.search import post_changed as search_changed

SLUG_TRIES = 3  # two posts of one author with one title at once: the loser takes the next slug


def _tags(listed: list[str], body: str) -> list[str]:
    tags = tags_of(listed, body)
    if len(tags) > TAGS_MAX:
        abort(422, errors={"tagList": [f"has more than {TAGS_MAX} tags (with the body's #hashtags)"]})
    if any(len(tag) > TAG_MAX for tag in tags):
        abort(422, errors={"tagList": [f"has a tag over {TAG_MAX} characters (with the body's #hashtags)"]})
    return tags


def _save(post: Post, tags: list[str], slug: bool = True, tries: int = 1, created: bool = False,
          mentions: bool = False) -> Post:
    """Flush, give the post its slug (a new title) and tags (and, ``created``, its outbox entries;
    ``mentions``, a new body's notifications), commit. A new post whose slug another request of
    the same author took meanwhile tries again
    (``tries``); an edit losing it is 503."""
    for _ in range(tries):
        db.session.add(post)
        db.session.flush()
        if slug:
            post.give_slug()
            db.session.flush()
        post.set_tags(tags)
        if created:
            OutboxEntry.add("feed.post_created", {"post_id": post.id, "author_id": post.author_id})
        if created or mentions:
            OutboxEntry.add("notify.posted", {"post_id": post.id})
        search_changed(post.id)
        try:
            db.session.commit()
            return post
        except IntegrityError:
            db.session.rollback()  # a pending post keeps its attributes: the next try re-adds it
    abort(503, errors={"title": ["is being saved by another request, try again"]},
          headers={"Retry-After": "1"})


def create_article(author_id: int, fields: dict) -> Post:
    tags = _tags(fields.get("tagList") or [], fields["body"])
    post = Post(author_id=author_id, title=fields["title"], description=fields["description"],
                body=fields["body"], visibility="public", tags=[])
    return _save(post, tags, tries=SLUG_TRIES, created=True)


def own(post: Post | None, user_id: int, what: str = "article") -> Post:
    if post is None:
        abort(404, errors={what: ["not found"]})
    if post.author_id != user_id:
        abort(403, errors={what: ["can only be changed by its author"]})
    return post


def update_article(post: Post, changes: dict) -> Post:
    """Title (the slug follows it), description, body, tags; the version before is kept in the
    post's edit history, as native edits do."""
    if not changes:
        return post
    tags = _tags(changes.get("tagList", post.tags), changes.get("body", post.body))
    retitled = changes.get("title", post.title) != post.title
    PostEdit.keep(post)
    for name in ("title", "description", "body"):
        if name in changes:
            setattr(post, name, changes[name])
    post.edited_at = post.updated_at = datetime.now(UTC)
    return _save(post, tags, slug=retitled, mentions="body" in changes)


def delete_article(post: Post) -> None:
    OutboxEntry.add("feed.post_deleted", {"post_id": post.id, "author_id": post.author_id})
    search_changed(post.id)
    db.session.delete(post)  # comments, likes, favorites, tags and edits go with it (ON DELETE CASCADE)
    db.session.commit()


def add_comment(post: Post, author_id: int, body: str) -> Comment:
    comment = Comment(post_id=post.id, author_id=author_id, body=body)
    db.session.add(comment)
    db.session.flush()
    OutboxEntry.add("notify.commented", {"comment_id": comment.id})
    db.session.commit()
    return comment


def delete_comment(post: Post, comment_id: int, user_id: int) -> None:
    """By the comment's author or the article's author (the native rule)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.post_id != post.id:
        abort(404, errors={"comment": ["not found"]})
    if user_id not in (comment.author_id, post.author_id):
        abort(403, errors={"comment": ["can only be deleted by its author or the article's"]})
    db.session.delete(comment)
    db.session.commit()


def follow(subscriber_id: int, author_id: int) -> None:
    if subscriber_id == author_id:
        abort(422, errors={"username": ["is your own; you cannot follow yourself"]})
    if Subscription.subscribe(subscriber_id, author_id):
        OutboxEntry.add("feed.subscribed", {"subscriber_id": subscriber_id, "author_id": author_id})
        OutboxEntry.add("notify.subscribed", {"subscriber_id": subscriber_id, "author_id": author_id})
    db.session.commit()


def unfollow(subscriber_id: int, author_id: int) -> None:
    if Subscription.unsubscribe(subscriber_id, author_id):
        OutboxEntry.add("feed.unsubscribed", {"subscriber_id": subscriber_id, "author_id": author_id})
    db.session.commit()


def favorite(user_id: int, post: Post) -> None:
    if Like.add(user_id, post.id):
        OutboxEntry.add("notify.liked", {"user_id": user_id, "post_id": post.id})
    db.session.commit()


def unfavorite(user_id: int, post: Post) -> None:
    Like.remove(user_id, post.id)
    db.session.commit()
