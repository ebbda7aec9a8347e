"""Keeping the Elasticsearch post index (search_es.py) in step with PostgreSQL, the truth.

- ``search.post_changed(post_id)``: every write of a post (create, edit, delete, a moderator's
  removal) notes it in socweb's outbox, in the write's own transaction, when posts are searched
  in Elasticsearch (``AXA_SEARCH_URL``): a commit without its index update cannot happen, nor the
  reverse. The relay publishes the row to ``socweb.search.index_posts`` (queue ``socweb.search``)
  after commit.
- ``index_posts``: reads the posts from PostgreSQL and sends one bulk request: a post that exists
  is indexed whole, one that is gone is deleted (a missing document is no error). Idempotent,
  so a redelivered task (worker killed, acked late) does it again harmlessly; Elasticsearch down
  is ``Unavailable``, which the task retries with backoff. Waits for the refresh, so the next
  search sees the change.
- ``reindex``: builds a new index from PostgreSQL in id batches (reporting progress), moves the
  alias onto it in one atomic alias update, indexes again what was written meanwhile, and drops
  the old index: searches never see a half-built index.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from sqlalchemy import func, select

from axa.models.socweb import db
from axa.models.socweb.posts import Post
from axa.models.socweb.search import Unavailable
from axa.models.socweb.search_es import ALIAS, TEMPLATE, TEMPLATE_BODY, client_for, document

FIRST_INDEX = f"{ALIAS}-1"  # made on first use when no reindex ran yet
BATCH = 500  # posts per bulk request of a reindex
_ready: set[str] = set()  # URLs whose template and alias this process has made sure of


def ensure_index(client: Elasticsearch) -> None:
    """The index template, and an index under the alias when there is none yet."""
    client.indices.put_index_template(name=TEMPLATE, **TEMPLATE_BODY)
    if not client.indices.exists_alias(name=ALIAS):
        try:
            client.indices.create(index=FIRST_INDEX, aliases={ALIAS: {}})
        except ApiError as exc:  # another worker made it first
            if exc.meta.status != 400 or "resource_already_exists" not in str(exc):
                raise


def _actions(index: str, post_ids: Iterable[int], posts: dict[int, Post]) -> list[dict]:
    return [{"_op_type": "index", "_index": index, "_id": pid, "_source": document(posts[pid])}
            if pid in posts else {"_op_type": "delete", "_index": index, "_id": pid}
            for pid in post_ids]


def index_posts(url: str, post_ids: list[int]) -> int:
    """Index the posts as PostgreSQL has them now (deleted: out of the index); how many."""
    ids = sorted(set(post_ids))
    posts = {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))}
    client = client_for(url)
    try:
        if url not in _ready:
            ensure_index(client)
            _ready.add(url)
        helpers.bulk(client, _actions(ALIAS, ids, posts), ignore_status=(404,), refresh="wait_for")
    except (ApiError, TransportError) as exc:
        raise Unavailable(str(exc)) from exc
    return len(ids)


def reindex(url: str, echo: Callable[[str], None], batch: int = BATCH) -> int:
    """Build a new index of every post and switch the alias to it; how many posts it holds."""
    client = client_for(url)
    client.indices.put_index_template(name=TEMPLATE, **TEMPLATE_BODY)
    started = db.session.scalar(select(func.now()))
    total = db.session.scalar(select(func.count()).select_from(Post))
    name = f"{ALIAS}-{time.time_ns() // 1_000_000}"
    client.indices.create(index=name)
    echo(f"index {name}: {total} posts to index")
    done, last = 0, 0
    while posts := list(db.session.scalars(select(Post).where(Post.id > last)
                                           .order_by(Post.id).limit(batch))):
        helpers.bulk(client, _actions(name, [p.id for p in posts], {p.id: p for p in posts}))
        done, last = done + len(posts), posts[-1].id
        echo(f"{done}/{max(total, done)} posts ({100 * done // max(total, done, 1)}%)")
        db.session.expunge_all()
    client.indices.refresh(index=name)
    old = list(client.indices.get_alias(name=ALIAS)) if client.indices.exists_alias(name=ALIAS) else []
    client.indices.update_aliases(actions=[*({"remove": {"index": i, "alias": ALIAS}} for i in old),
                                           {"add": {"index": name, "alias": ALIAS}}])
    _ready.add(url)
    meanwhile = list(db.session.scalars(select(Post.id).where(Post.updated_at >= started)))
    for start in range(0, len(meanwhile), batch):
        index_posts(url, meanwhile[start:start + batch])
    for index in old:
        client.indices.delete(index=index)
    echo(f"alias {ALIAS} -> {name}: {done} posts, {len(meanwhile)} written meanwhile indexed again, "
         f"{len(old)} old index(es) dropped")
    return done
