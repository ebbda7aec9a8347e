"""Home feeds: precomputed in Redis by the ``socweb.feeds`` tasks, PostgreSQL the truth (issue 9
item 5; the shape of Mastodon's FeedManager, shared/peers.md §1.6).

Redis key contract (the app Redis, ``AXA_REDIS_URL``):

- ``axa:socweb:feed:<user_id>``: ZSET of post ids, member = score = the post id (ids grow with
  time, so the highest score is the newest), the newest ``Settings.socweb_feed_size`` kept.
  Written only here, by the tasks: fan-out on write (a user's own posts and their
  subscriptions'), merges on subscribe, removals on unsubscribe and delete. It may still hold
  ids the reader may no longer see (a deleted post, an author no longer active, a subscription
  ended before its removal ran): every read re-checks its page in PostgreSQL.
- ``axa:socweb:feed:<user_id>:built``: ``1`` once the feed was built from PostgreSQL. A read that
  misses it (Redis flushed, keys evicted, a user's first read) first rebuilds the feed from
  PostgreSQL (own posts and subscriptions', the newest ``socweb_feed_size``); an empty feed
  stays built, so it is not rebuilt on every read.
- Both expire when nobody reads the feed for ``Settings.socweb_feed_days`` (Mastodon keeps only
  active users' feeds): each read pushes the marker's expiry that far and the feed's an hour
  further, so the marker always goes first and the next read rebuilds; fan-out into a feed that
  had expired starts a partial one with the same expiry (feed_push.lua, which leaves a live
  feed's expiry alone), which is rebuilt on read, as its marker is gone.
- ``axa:socweb:big_authors``: SET of the authors who had more than
  ``Settings.socweb_fanout_threshold`` subscribers when they posted. Their posts are not fanned
  out (one post would queue that many writes): each page merges them from PostgreSQL at read
  time. An author stays in the set (posts fanned out since are merged twice, harmlessly).

A page costs one Redis round trip (the window of ids, the marker, the big authors) and one SQL
query for its posts; axa/blueprints/socweb/posts/presenter.py adds their counts and authors.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select

from axa.models.socweb import db
from axa.models.socweb.blocks import muted_by
from axa.models.socweb.posts import Post
from axa.models.socweb.reading import active, any_of
from axa.models.socweb.subscriptions import Subscription
from axa.platform.keyset import LIMIT_DEFAULT, Page, keyset_page
from axa.platform.lua import LuaScript, in_one_round_trip
from axa.platform.redis_client import get_redis

FEED_PREFIX = "axa:socweb:feed:"
BIG_AUTHORS = "axa:socweb:big_authors"
PUSH = LuaScript(__file__, "feed_push")


def feed_key(user_id: int) -> str:
    return f"{FEED_PREFIX}{user_id}"


def built_key(user_id: int) -> str:
    return f"{FEED_PREFIX}{user_id}:built"


def _settings():
    return current_app.config["AXA"]


MARGIN = 3600  # the feed outlives its built marker by this many seconds


def _lifetimes() -> tuple[int, int]:
    """Seconds until the built marker and the feed expire, counted from a read."""
    marker = _settings().socweb_feed_days * 86400
    return marker, marker + MARGIN


# --- what belongs in a feed, from PostgreSQL ------------------------------------------------------
def in_home_of(user_id: int):
    """A clause over ``Post``: it belongs in the user's home feed (their own, or by an author they
    subscribe to and do not mute) and its author is active. Both visibilities: the feed's owner
    may see them all. (A block ends the subscriptions both ways.)"""
    subscribed = exists().where(Subscription.subscriber_id == user_id,
                                Subscription.author_id == Post.author_id)
    return and_(active(Post.author_id),
                or_(Post.author_id == user_id, and_(subscribed, ~muted_by(user_id, Post.author_id))))


def subscribed(subscriber_id: int, author_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Subscription.subscriber_id == subscriber_id, Subscription.author_id == author_id))))


def subscriber_batches(author_id: int, size: int) -> Iterator[list[int]]:
    """The author's subscribers, ``size`` at a time (keyset over the subscriptions' ids)."""
    after = 0
    while True:
        rows = db.session.execute(
            select(Subscription.id, Subscription.subscriber_id)
            .where(Subscription.author_id == author_id, Subscription.id > after)
            .order_by(Subscription.id).limit(size)).all()
        if not rows:
            return
        yield [row.subscriber_id for row in rows]
        after = rows[-1].id


def has_many_subscribers(author_id: int) -> bool:
    """More than ``socweb_fanout_threshold`` subscribers (counted no further than that)."""
    threshold = _settings().socweb_fanout_threshold
    counted = (select(Subscription.id).where(Subscription.author_id == author_id)
               .limit(threshold + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(counted)) > threshold


def recent_posts_of(author_id: int, limit: int) -> list[int]:
    """Ids of the author's newest posts (none while the author is not active)."""
    return list(db.session.scalars(select(Post.id).where(Post.author_id == author_id,
                                                         active(Post.author_id))
                                   .order_by(Post.id.desc()).limit(limit)))


# --- writes: what the socweb.feeds tasks do -------------------------------------------------------
def push(user_ids: Iterable[int], post_ids: list[int]) -> None:
    """Add the posts to each user's feed and trim it to the newest ``socweb_feed_size``: one
    pipeline of feed_push.lua (a post already there stays once: ZADD of a member is
    idempotent, so the pipeline is safe to send again)."""
    if not post_ids:
        return
    size, lifetime = _settings().socweb_feed_size, _lifetimes()[1]
    args = [size, lifetime, *post_ids]
    users = list(user_ids)

    def queue(pipe):
        for user_id in users:
            PUSH.queue(pipe, keys=[feed_key(user_id)], args=args)

    in_one_round_trip(get_redis(), queue)


def pull(user_ids: Iterable[int], post_ids: list[int]) -> None:
    """Remove the posts from each user's feed: one pipeline."""
    if not post_ids:
        return
    with get_redis().pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.zrem(feed_key(user_id), *post_ids)
        pipe.execute()


def rebuild(user_id: int) -> None:
    """Fill the user's feed from PostgreSQL and mark it built (entries already there stay)."""
    size = _settings().socweb_feed_size
    ids = list(db.session.scalars(select(Post.id).where(in_home_of(user_id))
                                  .order_by(Post.id.desc()).limit(size)))
    marker, lifetime = _lifetimes()
    with get_redis().pipeline(transaction=False) as pipe:
        if ids:
            pipe.zadd(feed_key(user_id), {pid: pid for pid in ids})
            pipe.zremrangebyrank(feed_key(user_id), 0, -(size + 1))
            pipe.expire(feed_key(user_id), lifetime)
        pipe.set(built_key(user_id), 1, ex=marker)
        pipe.execute()


def fan_out(post_id: int, author_id: int) -> int:
    """A new post into its author's feed and, unless the author has too many subscribers (then it
    is merged at read time), into every subscriber's: ``socweb_fanout_batch`` feeds per pipeline.
    Returns how many feeds were written; 0 when the post is gone (deleted before this ran)."""
    if db.session.scalar(select(Post.author_id).where(Post.id == post_id)) != author_id:
        return 0
    push([author_id], [post_id])
    if has_many_subscribers(author_id):
        get_redis().sadd(BIG_AUTHORS, author_id)
        return 1
    written = 1
    for batch in subscriber_batches(author_id, _settings().socweb_fanout_batch):
        push(batch, [post_id])
        written += len(batch)
    return written


def remove(post_id: int, author_id: int) -> int:
    """A deleted post out of its author's feed and the subscribers'. A big author's post reached
    other feeds only by merges and rebuilds; reads skip it there, as they skip any deleted post."""
    pull([author_id], [post_id])
    if has_many_subscribers(author_id):
        return 1
    removed = 1
    for batch in subscriber_batches(author_id, _settings().socweb_fanout_batch):
        pull(batch, [post_id])
        removed += len(batch)
    return removed


def merge(subscriber_id: int, author_id: int) -> int:
    """On subscribe: the author's newest posts into the subscriber's feed (nothing if the
    subscription has ended since). Returns how many posts were merged."""
    if not subscribed(subscriber_id, author_id):
        return 0
    ids = recent_posts_of(author_id, _settings().socweb_feed_size)
    push([subscriber_id], ids)
    return len(ids)


def unmerge(subscriber_id: int, author_id: int) -> int:
    """On unsubscribe: the author's posts out of the subscriber's feed (nothing if subscribed
    again since), and posts no longer there at all (one of the author's deleted meanwhile: its
    removal no longer reaches a former subscriber). Returns how many were removed."""
    if subscribed(subscriber_id, author_id):
        return 0
    held = {int(member) for member in get_redis().zrange(feed_key(subscriber_id), 0, -1)}
    others = set(db.session.scalars(select(Post.id).where(Post.id.in_(held),
                                                          Post.author_id != author_id))) if held else set()
    pull([subscriber_id], sorted(held - others))
    return len(held - others)


# --- reads ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Feed ids read for a page (newest first), whether more lie beyond them, and the authors
    merged at read time."""
    ids: list[int]
    cut: bool
    big: list[int]


def _queue_window(pipe, user_id: int, args: dict, count: int) -> None:
    key = feed_key(user_id)
    upper = f"({args['max_id']}" if args.get("max_id") is not None else "+inf"
    if args.get("min_id") is not None:  # the ids just newer than min_id
        pipe.zrangebyscore(key, f"({args['min_id']}", upper, start=0, num=count)
    else:
        pipe.zrevrangebyscore(key, upper, "-inf", start=0, num=count)
    marker, lifetime = _lifetimes()
    pipe.expire(built_key(user_id), marker)  # 0 (not built) when the marker is gone
    pipe.expire(key, lifetime)
    pipe.smembers(BIG_AUTHORS)


def read_window(user_id: int, args: dict, count: int) -> Window:
    """Up to ``count`` feed ids past the page's cursor (one round trip), the feed rebuilt first
    when it is not built."""
    for _ in range(2):
        with get_redis().pipeline(transaction=False) as pipe:
            _queue_window(pipe, user_id, args, count)
            ids, built, _, big = pipe.execute()
        if built:
            break
        rebuild(user_id)
    return Window(sorted(map(int, ids), reverse=True), len(ids) == count, sorted(map(int, big)))


def _source(window: Window, newer: bool):
    """A clause over ``Post``: in the window, or by a read-merged author within the window's span
    (when the window was cut, the entries beyond it are not this page's)."""
    sources = [any_of(Post.id, window.ids)] if window.ids else []
    if window.big:
        merged = Post.author_id.in_(window.big)
        if window.cut:
            merged = and_(merged, Post.id <= window.ids[0] if newer else Post.id >= window.ids[-1])
        sources.append(merged)
    return or_(*sources) if sources else None


def home_page(user_id: int, args: dict) -> Page:
    """A keyset page (``max_id`` / ``min_id`` / ``limit``) of the user's home feed, each post
    re-checked: still there, its author active, theirs or subscribed to."""
    limit = args.get("limit", LIMIT_DEFAULT)
    window = read_window(user_id, args, 2 * limit + 1)  # room for entries the check drops
    source = _source(window, newer=args.get("min_id") is not None)
    if source is None:
        return Page([], [], False)
    page = keyset_page(db.session, select(Post).where(source, in_home_of(user_id)), Post.id, args)
    return Page(page.items, page.ids, page.more_older or (window.cut and bool(page.ids)))


def home_feed(user_id: int, offset: int, limit: int, *where) -> tuple[list[Post], int]:
    """A page of the user's home feed by offset, newest first, and how many posts the whole feed
    holds (the Conduit face's ``/articles/feed``); ``where``: more clauses over ``Post``."""
    window = read_window(user_id, {}, _settings().socweb_feed_size)
    source = _source(window, newer=False)
    if source is None:
        return [], 0
    stmt = select(Post).where(source, in_home_of(user_id), *where)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    posts = list(db.session.scalars(stmt.order_by(Post.id.desc()).offset(offset).limit(limit)))
    return posts, total


def home_feed_ids(user_id: int, offset: int, limit: int) -> list[int]:
    """Ids of a page of the user's home feed by offset, newest first."""
    return [post.id for post in home_feed(user_id, offset, limit)[0]]
