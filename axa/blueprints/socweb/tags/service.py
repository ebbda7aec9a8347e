"""The popular tags: those on the most public posts of active users (what anyone may see)."""
from __future__ import annotations

from sqlalchemy import func, select

from axa.models.socweb import Post, PostTag, db
from axa.models.socweb.reading import visible_to


def popular(limit: int) -> list[dict]:
    count = func.count().label("count")
    rows = db.session.execute(
        select(PostTag.tag, count).join(Post, Post.id == PostTag.post_id).where(visible_to(None))
        .group_by(PostTag.tag).order_by(count.desc(), PostTag.tag).limit(limit))
    return [{"tag": tag, "count": n} for tag, n in rows]
