"""Full-text search of posts, profiles and tags on PostgreSQL (issue 10 item 4; the embedded
default, fit for production): what a query matches, ranked, keyset paged, and only what the viewer
may see (axa/models/socweb/reading.py), whatever the words.

Posts: ``posts.search``, a weighted tsvector PostgreSQL keeps from the title and tags (A), the
description (B) and the body (C) with the ``english`` configuration (stemming: "dragons" finds
"dragon"), under a GIN index. A query is read as web search engines do (``websearch_to_tsquery``:
words all required, ``"a phrase"``, ``or``, ``-word``), and a word ending in ``*`` matches as a
prefix (``drag*``). The query text only ever travels as a bound parameter; a prefix word is first
reduced to word characters, so nothing in it can be tsquery syntax. Ranked by ``ts_rank_cd``,
then newest first.

With ``AXA_SEARCH_URL`` set, posts are searched in Elasticsearch instead (search_es.py), with
the same syntax, cursors and visibility.

Profiles: a username starting with the query, or a display name containing it (exact-prefix
usernames first). Tags: tags starting with the query, by how many posts the viewer may see carry
them. Each list is keyset paged by its own order: ``Cursor`` is the last item's (order key, id).
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import reduce

from flask import current_app
from sqlalchemy import Float, and_, case, cast, func, or_, select
from sqlalchemy.dialects.postgresql import REGCONFIG

from axa.models.socweb import OutboxEntry, db
from axa.models.socweb.blocks import blocked_between
from axa.models.socweb.posts import Post, PostTag
from axa.models.socweb.profiles import Profile
from axa.models.socweb.reading import visible_to
from axa.models.socweb.users import User

CONFIG = "english"
PREFIX_WORD = re.compile(r"(\w+)\*")
PREFIXES_MAX = 8
INDEX_TOPIC = "search.posts"  # socweb's outbox topic of the Elasticsearch index (search_index.py)


class BadCursor(ValueError):
    """A cursor this search did not make."""


class Unavailable(RuntimeError):
    """The search server (Elasticsearch) did not answer, answered an error, or has no index yet."""


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last item's order key and id (or tag)."""
    key: float
    last: int | str

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps([self.key, self.last]).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            key, last = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except (ValueError, TypeError) as exc:
            raise BadCursor(text) from exc
        if not isinstance(key, int | float) or isinstance(key, bool) or not isinstance(last, int | str):
            raise BadCursor(text)
        return cls(float(key), last)


@dataclass(frozen=True)
class Found:
    items: list
    next: Cursor | None  # where the next page starts; None on the last page


def post_changed(post_id: int) -> None:
    """Note, in the caller's transaction, that the post was written or deleted, for the
    Elasticsearch index to follow after commit (nothing when posts are searched in PostgreSQL,
    whose index is the table's own)."""
    if current_app.config["AXA"].search_url:
        OutboxEntry.add(INDEX_TOPIC, {"post_ids": [post_id]})


def _query(text: str):
    """The tsquery of ``text`` (None when it holds no word to look for)."""
    prefixes = PREFIX_WORD.findall(text)[:PREFIXES_MAX]
    rest = PREFIX_WORD.sub(" ", text)
    config = cast(CONFIG, REGCONFIG)
    parts = [func.websearch_to_tsquery(config, rest)] if re.search(r"\w", rest) else []
    parts += [func.to_tsquery(config, f"{word}:*") for word in prefixes]
    return reduce(lambda a, b: a.op("&&")(b), parts) if parts else None


def _page(rows: list, limit: int, cursor_of) -> Found:
    more = len(rows) > limit
    rows = rows[:limit]
    return Found(rows, cursor_of(rows[-1]) if more and rows else None)


def posts(text: str, viewer_id: int | None, limit: int, after: Cursor | None = None) -> Found:
    """Posts matching ``text`` the viewer may see, best first; ``items`` are ``Post`` rows."""
    url = current_app.config["AXA"].search_url
    if url:
        from axa.models.socweb import search_es  # its client is loaded only where it is used
        return search_es.posts(url, text, viewer_id, limit, after)
    query = _query(text)
    if query is None:
        return Found([], None)
    rank = cast(func.ts_rank_cd(Post.search, query), Float)
    stmt = select(Post, rank).where(Post.search.op("@@")(query), visible_to(viewer_id))
    if after is not None:
        if not isinstance(after.last, int):
            raise BadCursor(after.encode())
        stmt = stmt.where(or_(rank < after.key, and_(rank == after.key, Post.id < after.last)))
    rows = db.session.execute(stmt.order_by(rank.desc(), Post.id.desc()).limit(limit + 1)).all()
    found = _page(rows, limit, lambda row: Cursor(row[1], row[0].id))
    return Found([row[0] for row in found.items], found.next)


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def profiles(text: str, viewer_id: int | None, limit: int, after: Cursor | None = None) -> Found:
    """Active users whose username starts with ``text`` (first) or whose display name contains
    it, but none blocked either way with the viewer; ``items`` are user ids."""
    needle = _like(text.strip().lower())
    if not needle:
        return Found([], None)
    starts = Profile.username.like(f"{needle}%", escape="\\")
    bucket = case((starts, 0), else_=1)
    stmt = (select(User.id, bucket).outerjoin(Profile, Profile.user_id == User.id)
            .where(User.status == "active",
                   or_(starts, User.display_name.ilike(f"%{needle}%", escape="\\"))))
    if viewer_id is not None:
        stmt = stmt.where(~blocked_between(viewer_id, User.id))
    if after is not None:
        if not isinstance(after.last, int):
            raise BadCursor(after.encode())
        stmt = stmt.where(or_(bucket > after.key, and_(bucket == after.key, User.id > after.last)))
    rows = db.session.execute(stmt.order_by(bucket, User.id).limit(limit + 1)).all()
    found = _page(rows, limit, lambda row: Cursor(row[1], row[0]))
    return Found([row[0] for row in found.items], found.next)


def tags(text: str, viewer_id: int | None, limit: int, after: Cursor | None = None) -> Found:
    """Tags starting with ``text`` (as tags are kept: lower case), most used first among the
    posts the viewer may see; ``items`` are (tag, count)."""
    needle = _like(text.strip().lstrip("#").lower())
    if not needle:
        return Found([], None)
    uses = func.count().label("uses")
    stmt = (select(PostTag.tag, uses).join(Post, Post.id == PostTag.post_id)
            .where(PostTag.tag.like(f"{needle}%", escape="\\"), visible_to(viewer_id))
            .group_by(PostTag.tag))
    if after is not None:
        if not isinstance(after.last, str):
            raise BadCursor(after.encode())
        stmt = stmt.having(or_(uses < after.key, and_(uses == after.key, PostTag.tag > after.last)))
    rows = db.session.execute(stmt.order_by(uses.desc(), PostTag.tag).limit(limit + 1)).all()
    found = _page(rows, limit, lambda row: Cursor(row[1], row[0]))
    return Found([(row[0], row[1]) for row in found.items], found.next)
