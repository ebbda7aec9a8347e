"""The social web's bench data, written straight into socweb's database through psycopg (SQL
``INSERT … SELECT`` over ``generate_series``: 200,000 posts in seconds) and cleared before each
run, with socweb's Redis keys.

Seeded accounts are active users of the socweb replica (ids from ``SEED_BASE``, a few disabled)
with profiles (``acct<n>``, a bio and an image). Posts are spread at random over the accounts,
newest with the highest id: three in four with a title (Conduit articles), one in ten for
subscribers only, one to three tags from a vocabulary of 200 (in the row's array and in
``post_tags``), likes and comments by the accounts, and the viewer's own likes and favorites on
some. The random choices are seeded: every run sees the same data.
"""
from __future__ import annotations

from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

from axa.platform.config import database_url

SEED_BASE = 1_000_000_000  # seeded user ids: seeded account n is SEED_BASE + n
TABLES = "users, profiles, subscriptions, posts, post_tags, post_edits, comments, likes, favorites, outbox"
REDIS_PATTERN = "axa:socweb:*"


@dataclass(frozen=True)
class Size:
    accounts: int  # seeded accounts (authors, likers, commenters)
    posts: int
    followed: int  # seeded accounts the viewer subscribes to


def dsn() -> str:
    return make_url(database_url("socweb")).set(drivername="postgresql").render_as_string(hide_password=False)


def clear(redis) -> None:
    """Empty socweb's tables and its Redis keys (feeds, the big authors): a fresh start, before
    the bench user is put into the replica."""
    with psycopg.connect(dsn(), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    keys = list(redis.scan_iter(REDIS_PATTERN, count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start:start + 1000])


def add_accounts(conn: psycopg.Connection, count: int) -> list[int]:
    """``count`` active users (one in 97 disabled) with profiles; their ids."""
    params = {"base": SEED_BASE, "count": count}
    conn.execute("""
        INSERT INTO users (id, email, display_name, status, roles, version)
        SELECT %(base)s + n, 'acct' || n || '@bench.example', 'Account ' || n,
               CASE WHEN n %% 97 = 0 THEN 'disabled' ELSE 'active' END, '', 1
        FROM generate_series(1, %(count)s) n""", params)
    conn.execute("""
        INSERT INTO profiles (user_id, username, bio, image)
        SELECT %(base)s + n, 'acct' || n, 'Writes about things, account ' || n,
               'https://images.example/avatars/' || n || '.png'
        FROM generate_series(1, %(count)s) n""", params)
    return [SEED_BASE + n for n in range(1, count + 1)]


def add_person(conn: psycopg.Connection, user_id: int, username: str) -> None:
    """A profile with a username for a user already in the replica (the bench's signed-in user)."""
    conn.execute("INSERT INTO profiles (user_id, username, bio, image) VALUES (%s, %s, %s, NULL)",
                 (user_id, username, "The bench user"))


def subscribe(conn: psycopg.Connection, subscribers: list[int], authors: list[int]) -> None:
    """Every subscriber subscribes to every author."""
    conn.execute("INSERT INTO subscriptions (subscriber_id, author_id) "
                 "SELECT s, a FROM unnest(%s::bigint[]) s, unnest(%s::bigint[]) a ORDER BY a, s",
                 (subscribers, authors))


def add_posts(conn: psycopg.Connection, count: int, accounts: int) -> None:
    """``count`` posts by the first ``accounts`` seeded accounts, oldest first, and their tags."""
    conn.execute("SELECT setseed(0.42)")
    conn.execute("""
        INSERT INTO posts (id, author_id, title, slug, description, body, tags, visibility,
                           created_at, updated_at)
        SELECT n, %(base)s + 1 + floor(random() * %(accounts)s)::int,
               CASE WHEN n %% 4 <> 0 THEN 'Post number ' || n END,
               CASE WHEN n %% 4 <> 0 THEN 'post-number-' || n END,
               CASE WHEN n %% 2 = 0 THEN 'What post ' || n || ' is about' END,
               'Post ' || n || ': ' || repeat('lorem ipsum dolor sit amet, consectetur elit ', 5),
               ARRAY(SELECT DISTINCT 'tag' || floor(random() * 200)::int
                     FROM generate_series(1, 1 + n %% 3) ORDER BY 1),
               CASE WHEN n %% 10 = 0 THEN 'subscribers' ELSE 'public' END,
               t, t
        FROM generate_series(1, %(count)s) n,
             LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + n * interval '7 seconds') AS at(t)
        """, {"base": SEED_BASE, "accounts": accounts, "count": count})
    conn.execute("SELECT setval('posts_id_seq', (SELECT max(id) FROM posts))")
    conn.execute("INSERT INTO post_tags (post_id, tag) SELECT id, unnest(tags) FROM posts")


def add_reactions(conn: psycopg.Connection, accounts: int, viewer: int) -> None:
    """Likes (about 1.5 a post) and comments (one post in four) by the accounts; the viewer likes
    one post in five and keeps one in nine as a favorite."""
    params = {"base": SEED_BASE, "accounts": accounts, "viewer": viewer}
    conn.execute("""
        INSERT INTO likes (user_id, post_id, created_at)
        SELECT DISTINCT %(base)s + 1 + floor(random() * %(accounts)s)::int, p.id, p.created_at
        FROM posts p, generate_series(1, 2) WHERE random() < 0.75""", params)
    conn.execute("""
        INSERT INTO comments (post_id, author_id, body, created_at, updated_at)
        SELECT id, %(base)s + 1 + floor(random() * %(accounts)s)::int, 'A comment on post ' || id,
               created_at + interval '1 minute', created_at + interval '1 minute'
        FROM posts WHERE random() < 0.25""", params)
    conn.execute("INSERT INTO likes (user_id, post_id) SELECT %(viewer)s, id FROM posts WHERE id %% 5 = 0 "
                 "ON CONFLICT DO NOTHING", params)
    conn.execute("INSERT INTO favorites (user_id, post_id) "
                 "SELECT %(viewer)s, id FROM posts WHERE id %% 9 = 0", params)


def seed_reading(viewer: int, username: str, size: Size) -> None:
    """The data the read benchmarks share (after ``clear``): ``size`` accounts and posts, the
    viewer (already in the replica) with a username and subscribed to ``size.followed`` of the
    accounts, spread evenly."""
    with psycopg.connect(dsn(), autocommit=True) as conn:
        accounts = add_accounts(conn, size.accounts)
        add_person(conn, viewer, username)
        step = max(1, size.accounts // size.followed)
        subscribe(conn, [viewer], accounts[::step][:size.followed])
        add_posts(conn, size.posts, size.accounts)
        add_reactions(conn, size.accounts, viewer)
        conn.execute("VACUUM ANALYZE")
