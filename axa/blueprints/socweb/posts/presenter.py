"""Posts as ``PostSchema`` sends them: each with its author, counts and the viewer's flags, for
a whole page in two queries (axa/models/socweb/reading.py)."""
from __future__ import annotations

from datetime import datetime

from flask import Response, current_app

from axa.blueprints.socweb.media.service import cards_of
from axa.models.socweb import Post
from axa.models.socweb.reading import Author, PostStats, authors, post_stats
from axa.platform.fields import timestamp_text


def present(posts: list[Post], viewer_id: int | None) -> list[dict]:
    stats = post_stats([p.id for p in posts], viewer_id)
    people = authors({p.author_id for p in posts}, viewer_id)
    media = cards_of([m for post in posts for m in post.media_ids])
    return [_card(post, stats.get(post.id, PostStats()), people[post.author_id], media) for post in posts]


def page_response(posts: list[Post], viewer_id: int | None) -> Response:
    """A list of posts as ``PostSchema(many=True)`` dumps it, encoded straight from ``present``:
    its dicts hold the schema's fields, and timestamps are written as ``Timestamp`` writes them
    (tested against the schema): marshmallow's dump of a page was a quarter of a feed request's
    Python work, see the commit bringing it (the single post answers still go through the schema)."""
    return json_response(present(posts, viewer_id))


def json_response(body) -> Response:
    """``body`` (made of ``present``'s dicts and plain values) encoded as JSON."""
    return Response(current_app.json.dumps(body, default=_stamp, separators=(",", ":")),
                    mimetype="application/json")


def _stamp(value):
    if isinstance(value, datetime):
        return timestamp_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def present_one(post: Post, viewer_id: int | None) -> dict:
    return present([post], viewer_id)[0]


def author_card(author: Author) -> dict:
    """A user as ``AuthorSchema`` sends them (posts, comments)."""
    return {"id": author.user_id, "username": author.username, "display_name": author.display_name,
            "bio": author.bio, "image": author.image, "following": author.following}


def _card(post: Post, stats: PostStats, author: Author, media: dict[int, dict]) -> dict:
    return {"id": post.id, "author": author_card(author),
            "title": post.title, "slug": post.slug, "description": post.description,
            "body": post.body, "tags": post.tags, "visibility": post.visibility,
            "created_at": post.created_at, "updated_at": post.updated_at,
            "edited_at": post.edited_at, "likes_count": stats.likes_count,
            "comments_count": stats.comments_count, "liked": stats.liked, "favorited": stats.favorited,
            "media": [media[m] for m in post.media_ids if m in media]}
