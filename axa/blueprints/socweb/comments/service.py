"""Comments: written under a lock on the post (no comment on a post deleted meanwhile), listed
without those of users who are no longer active, deleted by their author or the post's."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import Select, select

from axa.blueprints.socweb.posts.presenter import author_card
from axa.models.socweb import Comment, OutboxEntry, Post, db
from axa.models.socweb.blocks import blocked_between
from axa.models.socweb.reading import active, authors


def create(post: Post, author_id: int, data: dict) -> Comment:
    reply_to = data["in_reply_to_id"]
    if reply_to is not None and db.session.scalar(
            select(Comment.id).where(Comment.id == reply_to, Comment.post_id == post.id)
            .with_for_update(read=True, key_share=True)) is None:
        abort(422, message="The comment answered is not valid.",
              errors={"json": {"in_reply_to_id": ["Not a comment of this post."]}})
    comment = Comment(post_id=post.id, author_id=author_id, in_reply_to_id=reply_to, body=data["body"])
    db.session.add(comment)
    db.session.flush()
    OutboxEntry.add("notify.commented", {"comment_id": comment.id})  # reply, comment, mentions
    db.session.commit()
    return comment


def listed(post: Post, viewer_id: int | None) -> Select:
    """The post's comments by active users (not those blocked either way with the viewer), for a
    keyset page over ``Comment.id``."""
    stmt = select(Comment).where(Comment.post_id == post.id, active(Comment.author_id))
    return stmt if viewer_id is None else stmt.where(~blocked_between(viewer_id, Comment.author_id))


def delete(post: Post, comment_id: int, user_id: int) -> None:
    comment = db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.post_id == post.id))
    if comment is None:
        abort(404, message="No such comment on this post.")
    if user_id not in (comment.author_id, post.author_id):
        abort(403, message="Only the comment's author or the post's may delete it.")
    db.session.delete(comment)
    db.session.commit()


def present(comments: list[Comment], viewer_id: int | None) -> list[dict]:
    people = authors({c.author_id for c in comments}, viewer_id)
    return [{"id": c.id, "post_id": c.post_id, "author": author_card(people[c.author_id]), "body": c.body,
             "in_reply_to_id": c.in_reply_to_id, "created_at": c.created_at, "updated_at": c.updated_at}
            for c in comments]
