"""The signed-in home feed ``GET /api/v1/feed?limit=20`` on socweb against its raw-driver floor.

20 posts with their authors, counts of likes and comments and the viewer's flags, for a user who
subscribes to 1,000 of 5,000 accounts, with 200,000 posts in the database (bench/socweb_seed.py,
seeded through psycopg). The feed itself is socweb's: the first request finds it missing in Redis
and rebuilds it from PostgreSQL (axa/models/socweb/feeds.py), as after a Redis flush. socweb's page
costs two Redis round trips (the session check, then the feed window: ids, built marker, big
authors) and three queries (the page's posts re-checked, their counts and flags, their authors).
The target compares it with the raw-driver floor (bench/socweb_raw_app.py): the same Redis reads
and the same SQL through redis-py and psycopg, encoding the same JSON body and Link header, so the
ratio is what the platform's layers cost; the bare Flask endpoint answering that body (no I/O)
shows what the round trips cost. All three are served by gunicorn with the same settings and
driven in alternating rounds by one pool of keep-alive clients.

    python -m bench.socweb_feed [--duration SECONDS] [--posts N] [--quick]
"""
from __future__ import annotations

import sys

from bench.socweb_reads import ReadBench, parse_args, run

NAME = "socweb_feed"
TARGET = 0.5  # of the raw-driver floor
LIMIT = 20


def check(body, size) -> str | None:
    """A full page of the viewer's subscriptions' posts, newest first, with flags shown."""
    if not isinstance(body, list) or len(body) != LIMIT:
        return f"expected {LIMIT} posts, got {body!r:.300}"
    if [post["id"] for post in body] != sorted((post["id"] for post in body), reverse=True):
        return "the posts are not newest first"
    if not all(post["author"]["following"] for post in body):
        return "a post by an author the viewer does not follow"
    return None


BENCH = ReadBench(NAME, TARGET, "/api/v1/feed", f"?limit={LIMIT}", "Bearer", check,
                  f"authenticated GET /api/v1/feed?limit={LIMIT} (Bearer session) on socweb vs its "
                  "raw-driver floor (and a bare Flask endpoint answering the same body)")


def main(argv=None) -> int:
    return run(BENCH, parse_args("python -m bench.socweb_feed", __doc__.split("\n")[0], argv))


if __name__ == "__main__":
    sys.exit(main())
