"""Writes and reads behind the post endpoints. Each write runs in the caller's transaction and
commits; the post's outbox entry ("feed.post_created" / "feed.post_deleted") goes in the same
transaction, for the feeds to publish after commit."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import func, select

from axa.models.socweb import Media, OutboxEntry, Post, PostEdit, db
from axa.models.socweb.posts import HASHTAG, TAG_MAX, TAGS_MAX, normalize_tag, tags_of
from axa.models.socweb.reading import visible_posts
from axa.models.socweb.search import post_changed as search_changed

EDITABLE = ("title", "description", "body", "visibility")


def visible_or_404(post_id: int, viewer_id: int | None, lock: bool = False) -> Post:
    """The post if the viewer may see it, else 404 (a hidden post is answered as a missing one).
    ``lock``: hold it (FOR KEY SHARE) so it cannot be deleted before the caller's write commits."""
    query = visible_posts(viewer_id).where(Post.id == post_id)
    if lock:
        query = query.with_for_update(read=True, key_share=True)
    post = db.session.scalar(query)
    if post is None:
        abort(404, message="No such post.")
    return post


def own_or_403(post_id: int, user_id: int) -> Post:
    """The user's own post, locked for a change; 404 if they cannot see it, 403 if not theirs."""
    post = visible_or_404(post_id, user_id)
    if post.author_id != user_id:
        abort(403, message="Only the author may change or delete this post.")
    return db.session.scalar(select(Post).where(Post.id == post_id).with_for_update()
                             .execution_options(populate_existing=True))


def checked_tags(listed: list[str], body: str) -> list[str]:
    """The post's tags (tags_of), or 422 on ``tags`` when there are too many or one is too long."""
    tags = tags_of(listed, body)
    problem = (f"At most {TAGS_MAX} tags, counting the body's #hashtags." if len(tags) > TAGS_MAX else
               f"A tag is longer than {TAG_MAX} characters once normalized."
               if any(len(t) > TAG_MAX for t in tags) else None)
    if problem:
        abort(422, message="The tags are not valid.", errors={"json": {"tags": [problem]}})
    return tags


def attached_media(author_id: int, media_ids: list[int]) -> list[int]:
    """The ids (repeats dropped), each of the author's ready uploads, now attached; else 422."""
    ids = list(dict.fromkeys(media_ids))
    if ids and Media.attach(author_id, ids) is None:
        abort(422, message="The media are not valid.", errors={"json": {"media_ids": [
            "Each must be one of your uploads, processed (state `ready`)."]}})
    return ids


def create(author_id: int, data: dict) -> Post:
    tags = checked_tags(data["tags"], data["body"])
    media_ids = attached_media(author_id, data.get("media_ids") or [])
    post = Post(author_id=author_id, tags=[], media_ids=media_ids, **{name: data[name] for name in EDITABLE})
    db.session.add(post)
    db.session.flush()
    post.give_slug()
    post.set_tags(tags)
    # its @mentions first: published in this order, the notifications do not wait behind the fan-out
    OutboxEntry.add("notify.posted", {"post_id": post.id})
    OutboxEntry.add("feed.post_created", {"post_id": post.id, "author_id": author_id})
    search_changed(post.id)
    db.session.commit()
    return post


def listed_tags(post: Post) -> list[str]:
    """The tags that were listed rather than found as #hashtags in the body (best guess: a tag
    both listed and in the body counts as found)."""
    found = {normalize_tag(t) for t in HASHTAG.findall(post.body)}
    return [t for t in post.tags if t not in found]


def edit(post: Post, changes: dict) -> Post:
    """Apply the changes that differ; the version they replace goes to the history first."""
    changed = {k: v for k, v in changes.items() if k in EDITABLE and getattr(post, k) != v}
    body = changed.get("body", post.body)
    tags = checked_tags(changes.get("tags", listed_tags(post)), body)
    media_ids = (attached_media(post.author_id, changes["media_ids"]) if "media_ids" in changes
                 else post.media_ids)
    if not changed and tags == post.tags and media_ids == post.media_ids:
        db.session.rollback()
        return post
    PostEdit.keep(post)
    post.media_ids = media_ids
    for name, value in changed.items():
        setattr(post, name, value)
    if "title" in changed:
        post.give_slug()
    post.set_tags(tags)
    post.edited_at = post.updated_at = func.now()
    if "body" in changed:  # the newly @mentioned are notified (the others were before)
        OutboxEntry.add("notify.posted", {"post_id": post.id})
    search_changed(post.id)
    db.session.commit()
    return post


def delete(post: Post) -> None:
    OutboxEntry.add("feed.post_deleted", {"post_id": post.id, "author_id": post.author_id})
    search_changed(post.id)
    db.session.delete(post)
    db.session.commit()


def history(post: Post):
    """The post's earlier versions as a select, for a keyset page over ``PostEdit.id``."""
    return select(PostEdit).where(PostEdit.post_id == post.id)
