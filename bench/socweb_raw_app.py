"""The raw-driver floors of ``socweb_feed`` and ``conduit_articles`` (DESIGN.md §8): bare Flask
endpoints doing the Redis and SQL work socweb does for the same request, through redis-py and
psycopg (autocommit, one connection per thread), and encoding the same JSON body, without the
platform's layers (flask-smorest, webargs, marshmallow, hooks, security headers, CORS, SQLAlchemy).
psycopg prepares no statement, as on socweb's connections (psycopg drops its prepared statements at
every ROLLBACK, and SQLAlchemy ends each request's transaction so). Prepared, PostgreSQL's generic
plan of the viewer's flags hashes every like of the viewer (40,000 here): 15 ms a page instead of 1.

``/api/v1/feed?limit=&max_id=``: the session check (one EVALSHA), the feed window read in one pipeline
(the ids past the cursor, the built marker, the big authors: axa/models/socweb/feeds.py), then the
three queries of the page: its posts re-checked (``in_home_of``), their counts and the viewer's
flags (``post_stats``) and their authors (``authors``, axa/models/socweb/reading.py). A feed not
built, or one with read-merged authors, is not handled (the bench's first socweb request builds it;
its accounts are all below the fan-out threshold): 503. Posts with images, and authors with an
avatar image, are read as socweb reads them (``media_ids``, the avatar's content) but their cards
are not built (the seed has none): 501.

``/conduit/api/articles?limit=``: the session check of ``Authorization: Token``, then the count,
the page, the counts and flags, the authors (axa/blueprints/socweb/conduit/queries.py).

    gunicorn bench.socweb_raw_app:app     (AXA_* settings from the environment, like socweb)
"""
from __future__ import annotations

import base64
import json
import threading
import time
from datetime import UTC
from urllib.parse import urlencode

import psycopg
import redis
from flask import Flask, abort, request

from axa.platform.config import load_settings
from axa.platform.sessions import CHECK, REFRESH_SLACK, SESSION_PREFIX, hash_id
from bench.socweb_seed import dsn

ACTIVE = "EXISTS (SELECT * FROM users WHERE users.id = {} AND users.status = 'active')"
MUTED = ("EXISTS (SELECT * FROM mutes WHERE mutes.muter_id = %(viewer)s AND mutes.muted_id = {} AND "
         "(mutes.expires_at IS NULL OR mutes.expires_at > now()))")
BLOCKED = ("EXISTS (SELECT * FROM blocks WHERE blocks.blocker_id = %(viewer)s AND blocks.blocked_id = {0} "
           "OR blocks.blocker_id = {0} AND blocks.blocked_id = %(viewer)s)")
FEED_POSTS = ("SELECT id, author_id, title, slug, description, body, tags, visibility, created_at, "
              "updated_at, edited_at, media_ids FROM posts WHERE posts.id = ANY(%(ids)s) AND "
              f"{ACTIVE.format('posts.author_id')} AND (posts.author_id = %(viewer)s OR EXISTS (SELECT * "
              "FROM subscriptions WHERE subscriptions.subscriber_id = %(viewer)s AND "
              f"subscriptions.author_id = posts.author_id) AND NOT {MUTED.format('posts.author_id')}) "
              "ORDER BY posts.id DESC LIMIT %(limit)s")
STATS = ("SELECT posts.id, (SELECT count(*) FROM likes WHERE likes.post_id = posts.id AND "
         f"{ACTIVE.format('likes.user_id')}), (SELECT count(*) FROM comments WHERE comments.post_id = "
         f"posts.id AND {ACTIVE.format('comments.author_id')}), EXISTS (SELECT * FROM likes WHERE "
         "likes.post_id = posts.id AND likes.user_id = %(viewer)s), EXISTS (SELECT * FROM favorites "
         "WHERE favorites.post_id = posts.id AND favorites.user_id = %(viewer)s) FROM posts "
         "WHERE posts.id = ANY(%(ids)s)")
AUTHORS = ("SELECT users.id, profiles.username, users.display_name, profiles.bio, profiles.image, "
           "EXISTS (SELECT * FROM subscriptions WHERE subscriptions.subscriber_id = %(viewer)s AND "
           "subscriptions.author_id = users.id), (SELECT media.sha256 FROM media WHERE media.id = "
           "profiles.avatar_media_id AND media.state = 'ready') FROM users LEFT OUTER JOIN profiles ON "
           "profiles.user_id = users.id WHERE users.id = ANY(%(ids)s)")
VISIBLE = (f"{ACTIVE.format('posts.author_id')} AND (posts.visibility = 'public' OR posts.author_id = "
           "%(viewer)s OR EXISTS (SELECT * FROM subscriptions WHERE subscriptions.subscriber_id = %(viewer)s "
           f"AND subscriptions.author_id = posts.author_id)) AND NOT {BLOCKED.format('posts.author_id')}")
ARTICLES_WHERE = (f"FROM posts WHERE {VISIBLE} "
                  "AND posts.title IS NOT NULL AND EXISTS (SELECT * FROM profiles WHERE "
                  "profiles.user_id = posts.author_id AND profiles.username IS NOT NULL)")
ARTICLES_COUNT = f"SELECT count(posts.id) {ARTICLES_WHERE}"
ARTICLES = (f"SELECT id, author_id, title, slug, description, tags, created_at, updated_at "
            f"{ARTICLES_WHERE} ORDER BY posts.id DESC LIMIT %(limit)s OFFSET %(offset)s")
SEARCH = ("SELECT posts.id, author_id, title, slug, description, body, tags, visibility, created_at, "
          "updated_at, edited_at, media_ids, CAST(ts_rank_cd(posts.search, q.q) AS FLOAT) AS rank "
          "FROM posts, websearch_to_tsquery('english'::regconfig, %(q)s) AS q(q) "
          f"WHERE posts.search @@ q.q AND {VISIBLE} ORDER BY rank DESC, posts.id DESC LIMIT %(limit)s")
FEED_PREFIX = "axa:socweb:feed:"
BIG_AUTHORS = "axa:socweb:big_authors"

_settings = load_settings()
_redis = redis.Redis.from_url(_settings.redis_url, decode_responses=True)
_limits = [_settings.session_idle_seconds, _settings.session_absolute_seconds,
           min(REFRESH_SLACK, _settings.session_idle_seconds // 10)]
_dsn = dsn()
_local = threading.local()
app = Flask("bench.socweb_raw")
_redis.script_load(CHECK.source)


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn, autocommit=True, prepare_threshold=None)
    return conn


def close_connection() -> None:
    """Close this thread's connection (the tests'; gunicorn's workers keep theirs until exit)."""
    conn = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()


def _viewer(schemes: tuple[str, ...]) -> int:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() not in schemes or not token.strip():
        abort(401)
    session = CHECK(_redis, [SESSION_PREFIX + hash_id(token.strip())], [time.time(), *_limits])
    if not session:
        abort(401)
    return int(session[0])


def _stamp(value) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _counts_and_people(conn, posts: list, viewer: int) -> tuple[dict, dict]:
    ids = {"viewer": viewer, "ids": [post[0] for post in posts]}
    stats = {row[0]: row[1:] for row in conn.execute(STATS, ids)}
    people = {row[0]: row for row in conn.execute(AUTHORS, {"viewer": viewer,
                                                            "ids": list({post[1] for post in posts})})}
    return stats, people


def _feed_card(post, stats, person) -> dict:
    if post[11] or person[6]:  # the seed has no images: their cards are not part of this floor
        abort(501)
    author = {"id": person[0], "username": person[1], "display_name": person[2], "bio": person[3],
              "image": person[4], "following": person[5]}
    return {"id": post[0], "author": author, "title": post[2], "slug": post[3], "description": post[4],
            "body": post[5], "tags": post[6], "visibility": post[7], "created_at": _stamp(post[8]),
            "updated_at": _stamp(post[9]), "edited_at": _stamp(post[10]), "likes_count": stats[0],
            "comments_count": stats[1], "liked": stats[2], "favorited": stats[3], "media": []}


def _links(ids: list[int], older: bool) -> dict:
    kept = [(k, v) for k, v in request.args.items() if k not in ("max_id", "min_id")]
    base = f"{request.base_url}?" + "".join(f"{urlencode([pair])}&" for pair in kept)
    parts = [f'<{base}max_id={ids[-1]}>; rel="next"'] if older else []
    return {"Link": ", ".join([*parts, f'<{base}min_id={ids[0]}>; rel="prev"'])} if ids else {}


@app.get("/api/v1/feed")
def feed():
    viewer, limit = _viewer(("bearer",)), int(request.args.get("limit", 20))
    upper = f"({request.args['max_id']}" if "max_id" in request.args else "+inf"
    with _redis.pipeline(transaction=False) as pipe:
        pipe.zrevrangebyscore(FEED_PREFIX + str(viewer), upper, "-inf", start=0, num=2 * limit + 1)
        pipe.exists(f"{FEED_PREFIX}{viewer}:built")
        pipe.smembers(BIG_AUTHORS)
        window, built, big = pipe.execute()
    if not built or big:
        abort(503)
    conn = _connection()
    posts = conn.execute(FEED_POSTS, {"ids": [int(i) for i in window], "viewer": viewer,
                                      "limit": limit + 1}).fetchall() if window else []
    older, posts = len(posts) > limit or (len(window) == 2 * limit + 1 and bool(posts)), posts[:limit]
    stats, people = _counts_and_people(conn, posts, viewer) if posts else ({}, {})
    body = [_feed_card(post, stats[post[0]], people[post[1]]) for post in posts]
    return body, _links([post[0] for post in posts], older)


def _article(post, stats, person) -> dict:
    return {"slug": f"{post[3] or 'article'}-{post[0]}", "title": post[2], "description": post[4] or "",
            "tagList": post[5] or [], "createdAt": _stamp(post[6]), "updatedAt": _stamp(post[7]),
            "favorited": stats[2], "favoritesCount": stats[0],
            "author": {"username": person[1], "bio": person[3], "image": person[4], "following": person[5]}}


@app.get("/conduit/api/articles")
def articles():
    viewer = _viewer(("token", "bearer"))
    args = {"viewer": viewer, "limit": int(request.args.get("limit", 20)),
            "offset": int(request.args.get("offset", 0))}
    conn = _connection()
    count = conn.execute(ARTICLES_COUNT, args).fetchone()[0]
    posts = conn.execute(ARTICLES, args).fetchall()
    stats, people = _counts_and_people(conn, posts, viewer) if posts else ({}, {})
    body = {"articles": [_article(post, stats[post[0]], people[post[1]]) for post in posts],
            "articlesCount": count}
    response = app.json.response(body)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response


@app.get("/api/v1/search")
def search():
    """Posts only (``type=posts``), a plain query (no ``word*`` prefixes)."""
    viewer, limit = _viewer(("bearer",)), int(request.args.get("limit", 20))
    conn = _connection()
    found = conn.execute(SEARCH, {"q": request.args["q"], "viewer": viewer, "limit": limit + 1}).fetchall()
    posts = found[:limit]
    stats, people = _counts_and_people(conn, posts, viewer) if posts else ({}, {})
    body = {"posts": [_feed_card(post, stats[post[0]], people[post[1]]) for post in posts],
            "profiles": [], "tags": []}
    headers = {}
    if len(found) > limit:
        last = posts[-1]
        cursor = base64.urlsafe_b64encode(json.dumps([last[12], last[0]]).encode()).decode().rstrip("=")
        kept = [(k, v) for k, v in request.args.items() if k != "cursor"]
        headers["Link"] = f'<{request.base_url}?{urlencode([*kept, ("cursor", cursor)])}>; rel="next"'
    return body, headers
