"""Post search on Elasticsearch (issue 10 item 4): the backend when ``AXA_SEARCH_URL`` names a
server (production, ops/compose.yaml); without it posts are searched in PostgreSQL
(search.py), and profiles and tags always are (DESIGN.md §2: Elasticsearch for post search).

Index: the alias ``axa-socweb-posts`` over one index ``axa-socweb-posts-<stamp>``, which the
index template ``axa-socweb-posts`` shapes: a strict mapping, the ``english`` analyzer (stemming)
on the title, tags, description and body. Writes: search_index.py (an outbox row per change,
bulk indexing by Celery on ``socweb.search``, the reindex command).

Reads rank with ``simple_query_string`` over the weighted fields, in the PostgreSQL backend's
syntax: words all required, ``"a phrase"``, ``or``, ``-word``, ``word*`` (a prefix); every other
operator is off, and the parser never fails on what it cannot read, so no query string is an
error. Pages go by ``search_after`` on (score, id): a cursor is the last hit's pair. Each batch of
hits is checked in PostgreSQL (the post still exists, its author is active, the viewer may see
it): visibility holds however far the index lags. Any failure of the server is ``Unavailable``
(the API's 503), never a 500.
"""
from __future__ import annotations

import re
from functools import cache

from elasticsearch import ApiError, Elasticsearch, TransportError
from sqlalchemy import select

from axa.models.socweb import db
from axa.models.socweb.posts import Post
from axa.models.socweb.reading import visible_to
from axa.models.socweb.search import BadCursor, Cursor, Found, Unavailable

ALIAS = "axa-socweb-posts"
TEMPLATE = "axa-socweb-posts"
FIELDS = ["title^3", "tags^3", "description^2", "body"]  # the PostgreSQL backend's weights A, A, B, C
FLAGS = "OR|NOT|PHRASE|PREFIX|WHITESPACE"  # no fuzzy, slop, regex, precedence or near operators
BATCH = 100  # hits read per search request while filling a page
BATCHES_MAX = 5  # then the page ends short, with a cursor past what was read
TIMEOUT = 5.0  # seconds a request may take before the API answers 503

TEXT = {"type": "text", "analyzer": "english"}
TEMPLATE_BODY = {
    "index_patterns": [f"{ALIAS}-*"],
    "priority": 100,
    "template": {
        "settings": {"number_of_shards": 1, "refresh_interval": "1s"},
        "mappings": {"dynamic": "strict", "properties": {
            "id": {"type": "long"}, "author_id": {"type": "long"},
            "title": TEXT, "tags": TEXT, "description": TEXT, "body": TEXT,
            "created_at": {"type": "date"}}},
    },
}


@cache
def client_for(url: str) -> Elasticsearch:
    """One client (a connection pool) per URL; credentials may ride in it (``http://user:pw@host``)."""
    return Elasticsearch(url, request_timeout=TIMEOUT, max_retries=1, retry_on_timeout=False)


def document(post: Post) -> dict:
    """What the index holds of a post: what search matches, and its id to sort by."""
    return {"id": post.id, "author_id": post.author_id, "title": post.title or "",
            "tags": list(post.tags or []), "description": post.description or "", "body": post.body,
            "created_at": post.created_at.isoformat()}


def query_text(text: str) -> str:
    """``text`` in simple_query_string's syntax: the word ``or`` outside quotes becomes ``|``."""
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # the even parts are outside quotes
        parts[i] = re.sub(r"(?i)(?<!\S)or(?!\S)", "|", parts[i])
    return '"'.join(parts)


def query(text: str) -> dict:
    return {"simple_query_string": {"query": query_text(text), "fields": FIELDS,
                                    "default_operator": "and", "flags": FLAGS,
                                    "analyze_wildcard": True, "lenient": True}}


def _hits(client: Elasticsearch, text: str, after: list | None) -> list[dict]:
    try:
        answer = client.search(index=ALIAS, query=query(text), sort=[{"_score": "desc"}, {"id": "desc"}],
                               size=BATCH, search_after=after, source=False, track_total_hits=False)
    except (ApiError, TransportError) as exc:
        raise Unavailable(str(exc)) from exc
    return answer["hits"]["hits"]


def _cursor(hit: dict) -> Cursor:
    return Cursor(float(hit["sort"][0]), int(hit["sort"][1]))


def posts(url: str, text: str, viewer_id: int | None, limit: int, after=None):
    """Posts matching ``text`` the viewer may see, best first (``Found`` of ``Post``)."""
    if not re.search(r"\w", text):
        return Found([], None)
    if after is not None and not isinstance(after.last, int):  # a cursor of another list (tags)
        raise BadCursor(after.encode())
    client, position = client_for(url), [after.key, after.last] if after is not None else None
    kept: list[tuple[Post, Cursor]] = []
    hits: list[dict] = []
    for _ in range(BATCHES_MAX):
        hits = _hits(client, text, position)
        ids = [int(hit["_id"]) for hit in hits]
        seen = {post.id: post for post in db.session.scalars(
            select(Post).where(Post.id.in_(ids), visible_to(viewer_id)))} if ids else {}
        kept += [(seen[int(hit["_id"])], _cursor(hit)) for hit in hits if int(hit["_id"]) in seen]
        if len(kept) > limit or len(hits) < BATCH:
            break
        position = hits[-1]["sort"]
    if len(kept) > limit:
        return Found([post for post, _ in kept[:limit]], kept[limit - 1][1])
    if len(hits) == BATCH:  # read BATCHES_MAX full batches: the next page goes on past them
        return Found([post for post, _ in kept], _cursor(hits[-1]))
    return Found([post for post, _ in kept], None)
