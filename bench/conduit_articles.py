"""The Conduit face's ``GET /conduit/api/articles?limit=20`` on socweb against its raw-driver floor.

The RealWorld article list (20 articles with their authors, favorites counts and the caller's
flags, and the count of all the caller may see), signed in with ``Authorization: Token``, on the
data of ``socweb_feed`` (200,000 posts by 5,000 accounts, three in four with a title:
bench/socweb_seed.py). socweb answers with one Redis round trip (the session check) and four
queries (the count, the page, its counts and flags, its authors: axa/blueprints/socweb/conduit/).
The target compares it with the raw-driver floor (bench/socweb_raw_app.py): the same Redis read
and the same SQL through redis-py and psycopg, encoding the same JSON body; the bare Flask endpoint
answering that body shows what the I/O costs. The count of every visible article is most of the
work on both sides at this size (``--posts`` seeds fewer).

    python -m bench.conduit_articles [--duration SECONDS] [--posts N] [--quick]
"""
from __future__ import annotations

import sys

from bench.socweb_reads import ReadBench, parse_args, run

NAME = "conduit_articles"
TARGET = 0.5  # of the raw-driver floor
LIMIT = 20


def check(body, size) -> str | None:
    """A full page of articles, newest first, out of most of the seeded posts."""
    articles = body.get("articles") if isinstance(body, dict) else None
    if not articles or len(articles) != LIMIT or body["articlesCount"] < size.posts // 2:
        return f"expected {LIMIT} of over {size.posts // 2} articles, got {body!r:.300}"
    if any("body" in article for article in articles):
        return "a listed article carries its body"
    return None


BENCH = ReadBench(NAME, TARGET, "/conduit/api/articles", f"?limit={LIMIT}", "Token", check,
                  f"GET /conduit/api/articles?limit={LIMIT} (Token session) on socweb vs its raw-driver "
                  "floor (and a bare Flask endpoint answering the same body)")


def main(argv=None) -> int:
    return run(BENCH, parse_args("python -m bench.conduit_articles", __doc__.split("\n")[0], argv))


if __name__ == "__main__":
    sys.exit(main())
