"""socweb's ``GET /api/v1/search?q=<two words>&type=posts`` against its raw-driver floor.

A two-word query (a tag and a body word: about 2,000 of the 200,000 seeded posts match,
bench/socweb_seed.py) answered with its first page of 20 posts, best first, each with its author,
counts and the viewer's flags, signed in with a Bearer session. socweb runs the ranked full-text
query over the GIN index of ``posts.search`` with the viewer's visibility rules
(axa/models/socweb/search.py), then the page's counts and authors. The raw-driver floor
(bench/socweb_raw_app.py) runs the same SQL through psycopg and encodes the same body and Link
header; the bare Flask endpoint answering that body shows what the I/O costs.

    python -m bench.socweb_search [--duration SECONDS] [--posts N] [--quick]
"""
from __future__ import annotations

import sys

from bench.socweb_reads import ReadBench, parse_args, run

NAME = "socweb_search"
TARGET = 0.7  # of the raw-driver floor
LIMIT = 20


def check(body, size) -> str | None:
    posts = body.get("posts") if isinstance(body, dict) else None
    if not posts or (size.posts >= 20_000 and len(posts) != LIMIT):  # ~1 post in 100 matches
        return f"expected a page of {LIMIT} posts, got {body!r:.300}"
    if any("tag7" not in post["tags"] for post in posts):
        return "a found post lacks the searched tag"
    return None


QUERY = f"?q=tag7+consectetur&type=posts&limit={LIMIT}"
BENCH = ReadBench(NAME, TARGET, "/api/v1/search", QUERY, "Bearer", check,
                  f"GET /api/v1/search{QUERY} (Bearer session) on socweb vs its raw-driver floor (and a "
                  "bare Flask endpoint answering the same body)")


def main(argv=None) -> int:
    return run(BENCH, parse_args("python -m bench.socweb_search", __doc__.split("\n")[0], argv))


if __name__ == "__main__":
    sys.exit(main())
