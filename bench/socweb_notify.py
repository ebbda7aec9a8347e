"""Notification fan-out: one post mentioning 1,000 users, from commit until the last notification
row is readable, against a raw bulk insert of the same 1,000 rows.

The real path: the post is created by socweb's own code in this process, as a request would
(axa/blueprints/socweb/posts/service.py ``create``: the post and its ``notify.posted`` outbox row
committed together), the clock starts at the commit, and the outbox rows are published as a
request's end publishes them (``publish_added``) to the configured broker; the ``socweb.notify``
worker, started as ``make run`` starts it (ops.run.worker_groups / pool_options), runs
``notify_mentions``: one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the mentioned
profiles (active, allowed to see the post), then the instant-mail check. The clock stops when a
separate connection counts all 1,000 rows (polled every millisecond). The mentioned users' mail
preference for mentions is ``none`` so no mail is queued: the bench measures notifications.
The reference: the same 1,000 rows inserted by one ``INSERT … SELECT unnest(…)`` through psycopg,
committed, timed alone. Posts are measured in turn with the reference (``--posts``, after two
untimed ones); the ratio is the reference's median time over the notifications' (means shown too).

    python -m bench.socweb_notify [--mentions N] [--posts N] [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import string
import sys
import time
from contextlib import ExitStack

from bench import environment, socweb_seed
from bench.ingest_processes import PipelineWorker
from ops.settings import load_ops_settings

NAME = "socweb_notify"
TARGET = 0.3  # of the raw bulk insert
QUEUES = ("socweb.feeds", "socweb.notify")  # the post's feed fan-out goes too, as in make run
WARM_UP_POSTS = 2
TIMEOUT = 60.0
DIGITS = string.digits + string.ascii_lowercase


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.socweb_notify", description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1000,
                        help="users mentioned (default 1000, at most 1000)")
    parser.add_argument("--posts", type=int, default=5, help="timed posts (default 5)")
    parser.add_argument("--concurrency", type=int, default=load_ops_settings().worker_concurrency,
                        help="the worker's most processes (default: AXA_WORKER_CONCURRENCY or 2)")
    parser.add_argument("--duration", type=float, help="ignored: a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.mentions, args.posts = 50, 1
    args.mentions = min(args.mentions, 1000)  # 1,000 names of 3 characters fill a 5,000-character body
    return args


def short_name(n: int) -> str:
    """``m`` and two base-36 digits: 1,296 names of the shortest length a username may have."""
    return "m" + DIGITS[n // 36] + DIGITS[n % 36]


def seed(mentions: int) -> tuple[int, list[int], str]:
    """socweb emptied; an author and ``mentions`` active accounts renamed to short usernames, who
    take no mail for mentions; (the author, the mentioned, the post's body)."""
    import psycopg

    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    socweb_seed.clear(client_for(load_settings().redis_url))
    with psycopg.connect(socweb_seed.dsn(), autocommit=True) as conn:
        conn.execute("TRUNCATE notifications, notification_preferences, notification_mails RESTART IDENTITY")
        *accounts, author = socweb_seed.add_accounts(conn, mentions + mentions // 90 + 2)
        conn.execute("UPDATE users SET status = 'active' WHERE id = %s", (author,))
        active = [a for a in accounts if (a - socweb_seed.SEED_BASE) % 97][:mentions]
        names = [short_name(i) for i in range(mentions)]
        conn.execute("UPDATE profiles p SET username = n.name FROM unnest(%s::bigint[], %s::text[]) "
                     "AS n(id, name) WHERE p.user_id = n.id", (active, names))
        conn.execute("INSERT INTO notification_preferences (user_id, type, mode) "
                     "SELECT unnest(%s::bigint[]), 'mention', 'none'", (active,))
        conn.execute("VACUUM ANALYZE")
    return author, active, " ".join(f"@{name}" for name in names)


def post_and_notify(app, watch, author: int, body: str, expected: int) -> tuple[int, float]:
    """A post created by socweb's code, its outbox rows published; (its id, seconds from the
    commit until all ``expected`` notifications are readable)."""
    from axa.blueprints.socweb.posts.service import create
    from axa.tasks.socweb.feeds import publish_added
    data = {"body": body, "title": None, "description": None, "tags": [], "visibility": "public",
            "media_ids": []}
    with app.app_context():
        post_id = create(author, data).id
        committed = time.monotonic()
        if publish_added() != 2:
            raise SystemExit("the post's outbox rows were not published")
    source = f"post:{post_id}"
    while watch.execute("SELECT count(*) FROM notifications WHERE post_id = %s AND source = %s",
                        (post_id, source)).fetchone()[0] < expected:
        if time.monotonic() - committed > TIMEOUT:
            raise SystemExit(f"post {post_id}: not every notification within {TIMEOUT:.0f} s")
        time.sleep(0.001)
    return post_id, time.monotonic() - committed


def raw_insert(conn, post_id: int, author: int, users: list[int]) -> float:
    """The reference: the same rows (another source key) in one statement, committed; seconds."""
    started = time.monotonic()
    conn.execute("INSERT INTO notifications (recipient_id, type, actor_id, source, post_id) "
                 "SELECT unnest(%s::bigint[]), 'mention', %s, %s, %s",
                 (users, author, f"raw:{post_id}", post_id))
    conn.commit()
    return time.monotonic() - started


def measure(args, app, author: int, users: list[int], body: str) -> list[tuple[float, float]]:
    import psycopg
    rounds = []
    dsn = socweb_seed.dsn()
    with psycopg.connect(dsn, autocommit=True) as watch, psycopg.connect(dsn) as raw:
        for number in range(WARM_UP_POSTS + args.posts):
            post_id, seconds = post_and_notify(app, watch, author, body, len(users))
            reference = raw_insert(raw, post_id, author, users)
            if number >= WARM_UP_POSTS:
                rounds.append((seconds, reference))
    return rounds


def report(rounds: list[tuple[float, float]], mentions: int) -> None:
    """The ratio of the medians (a post that meets a pool process being started, or another
    session's burst on a shared machine, moves a mean far more than the work's cost); means shown."""
    notify, raw = (statistics.median(column) for column in zip(*rounds, strict=True))
    mean_notify, mean_raw = (statistics.fmean(column) for column in zip(*rounds, strict=True))
    ratio = raw / notify
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   notifications {notify * 1000:8.1f} ms a post (median; mean {mean_notify * 1000:.1f}) "
          "from commit to the last row readable")
    print(f"   raw insert    {raw * 1000:8.1f} ms a post (median; mean {mean_raw * 1000:.1f}; "
          f"{mentions} rows, one statement, committed)")
    print(f"   posts (notify / raw ms): {', '.join(f'{n * 1000:.0f}/{r * 1000:.0f}' for n, r in rounds)}")
    print(f"   raw insert / notifications = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} notify_ms={notify * 1000:.1f} "
          f"raw_ms={raw * 1000:.1f} mentions={mentions}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    from axa.apps import FACTORIES
    from axa.platform.celery_app import celery
    celery.loader.import_default_modules()
    author, users, body = seed(args.mentions)
    app = FACTORIES["socweb"]()
    with ExitStack() as stack:
        worker = PipelineWorker({}, args.concurrency, QUEUES, "notify")
        stack.callback(worker.close)
        worker.wait_ready()
        environment.header(NAME, [
            f"a post mentioning {len(users)} users: commit -> outbox -> broker -> socweb.notify worker "
            f"(as make run starts it) -> the last notification row readable, vs one INSERT of the "
            f"same {len(users)} rows", f"{args.posts} timed posts after {WARM_UP_POSTS} untimed, "
                                       "each followed by the reference"])
        report(measure(args, app, author, users, body), len(users))
    return 0


if __name__ == "__main__":
    sys.exit(main())
