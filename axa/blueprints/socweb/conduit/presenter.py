"""Posts, comments and people as RealWorld objects, for a whole page in two queries (the counts
and viewer flags of axa/models/socweb/reading.py). A Conduit favorite is a like: ``favorited``
is the viewer's like and ``favoritesCount`` the post's likes (by active users)."""
from __future__ import annotations

from axa.blueprints.socweb.conduit.queries import conduit_slug
from axa.models.socweb import Comment, Post
from axa.models.socweb.reading import Author, PostStats, authors, post_stats


def profile(author: Author) -> dict:
    return {"username": author.username, "bio": author.bio, "image": author.image,
            "following": author.following}


def articles(posts: list[Post], viewer_id: int | None) -> list[dict]:
    """Articles with their ``body`` (the list schemas leave it out, as RealWorld lists do)."""
    stats = post_stats([p.id for p in posts], viewer_id)
    people = authors({p.author_id for p in posts}, viewer_id)
    return [_article(post, stats.get(post.id, PostStats()), people[post.author_id]) for post in posts]


def article(post: Post, viewer_id: int | None) -> dict:
    return articles([post], viewer_id)[0]


def _article(post: Post, stats: PostStats, author: Author) -> dict:
    return {"slug": conduit_slug(post), "title": post.title, "description": post.description or "",
            "body": post.body, "tagList": list(post.tags or []), "createdAt": post.created_at,
            "updatedAt": post.updated_at, "favorited": stats.liked, "favoritesCount": stats.likes_count,
            "author": profile(author)}


def comments(found: list[Comment], viewer_id: int | None) -> list[dict]:
    people = authors({c.author_id for c in found}, viewer_id)
    return [{"id": c.id, "createdAt": c.created_at, "updatedAt": c.updated_at, "body": c.body,
             "author": profile(people[c.author_id])} for c in found]


def comment(found: Comment, viewer_id: int | None) -> dict:
    return comments([found], viewer_id)[0]
