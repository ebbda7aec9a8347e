"""Fan-out: a post by an account with 10,000 subscribers, from commit until the last feed holds it,
against a raw pipeline writing the same 10,000 feed entries.

The real path: the post is created by socweb's own code in this process, as a request would
(axa/blueprints/socweb/posts/service.py ``create``: the post and its ``feed.post_created`` outbox
row committed together), the clock starts at the commit, and the outbox row is published as a
request's end publishes it (``publish_added``) to the configured broker; the ``socweb.feeds``
worker, started as ``make run`` starts it (ops.run.worker_groups / pool_options: the background
worker, autoscaled), runs ``fan_out_post``: the author's feed and the subscribers', a batch of
``AXA_SOCWEB_FANOUT_BATCH`` feeds per pipeline. The clock stops when the last subscriber's feed
holds the post (watched every millisecond); then every feed is checked to hold it once. The
reference: the same post id written to 10,000 feeds of the same shape (one ZADD and one trim to
``AXA_SOCWEB_FEED_SIZE`` per feed) in one redis-py pipeline, timed alone. Posts are measured in
turn with the reference (``--posts``, after two untimed ones that warm the worker up); the ratio
is the reference's total time over the fan-outs'.

    python -m bench.socweb_fanout [--subscribers N] [--posts N] [--quick]
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack

from bench import environment, socweb_seed
from bench.ingest_processes import PipelineWorker, cpu_seconds
from ops.settings import load_ops_settings

NAME = "socweb_fanout"
TARGET = 0.3  # of the raw pipeline
QUEUES = ("socweb.feeds", "socweb.notify")  # a post's outbox rows: its fan-out and its (no) mentions
RAW_PREFIX = "axa:socweb:bench:raw_feed:"  # the reference's feeds (cleared with socweb's keys)
WARM_UP_POSTS = 2
TIMEOUT = 120.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.socweb_fanout", description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000,
                        help="the author's subscribers (default 10000)")
    parser.add_argument("--posts", type=int, default=10, help="timed posts (default 10)")
    parser.add_argument("--concurrency", type=int, default=load_ops_settings().worker_concurrency,
                        help="the worker's most processes (default: AXA_WORKER_CONCURRENCY or 2, "
                             "as make run)")
    parser.add_argument("--duration", type=float, help="ignored: fan-out measures a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.subscribers, args.posts = 200, 1
    return args


def seed(subscribers: int) -> tuple[int, list[int]]:
    """socweb emptied; an author and ``subscribers`` accounts subscribed to them, in the order
    their subscriptions were made (the fan-out's order; the seed's few disabled accounts keep
    their subscriptions, and their feeds are written too)."""
    import psycopg

    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    socweb_seed.clear(client_for(load_settings().redis_url))
    with psycopg.connect(socweb_seed.dsn(), autocommit=True) as conn:
        *followers, author = socweb_seed.add_accounts(conn, subscribers + 1)
        conn.execute("UPDATE users SET status = 'active' WHERE id = %s", (author,))
        socweb_seed.subscribe(conn, followers, [author])
        conn.execute("VACUUM ANALYZE")
    return author, followers


def post_and_fan_out(app, redis, author: int, last: int) -> tuple[int, float]:
    """A post created by socweb's code, its outbox row published; (its id, seconds from the
    commit until ``last``'s feed holds it)."""
    from axa.blueprints.socweb.posts.service import create
    from axa.models.socweb.feeds import feed_key
    from axa.tasks.socweb.feeds import publish_added
    data = {"body": "A post for everyone #bench", "title": None, "description": None, "tags": [],
            "visibility": "public"}
    with app.app_context():
        post_id = create(author, data).id
        committed = time.monotonic()
        if publish_added() != 2:  # feed.post_created and notify.posted
            raise SystemExit("the post's outbox rows were not published")
    while redis.zscore(feed_key(last), post_id) is None:
        if time.monotonic() - committed > TIMEOUT:
            raise SystemExit(f"post {post_id} did not reach the last feed within {TIMEOUT:.0f} s")
        time.sleep(0.001)
    return post_id, time.monotonic() - committed


def held_by_all(redis, post_id: int, users: list[int], prefix: str) -> bool:
    with redis.pipeline(transaction=False) as pipe:
        for user in users:
            pipe.zscore(f"{prefix}{user}", post_id)
        return all(score == post_id for score in pipe.execute())


def raw_pipeline(redis, post_id: int, users: list[int], size: int, lifetime: int = 15 * 86400) -> float:
    """The reference: the post into each user's raw feed, trimmed to ``size``, given the feed's
    lifetime when it has none (the same script ``feeds.push`` runs, feed_push.lua, through
    redis-py's own script support: Redis 6.2, the embedded default's, has no ``EXPIRE … NX``);
    seconds."""
    from axa.models.socweb.feeds import PUSH
    script = redis.register_script(PUSH.source)
    started = time.monotonic()
    with redis.pipeline(transaction=False) as pipe:
        for user in users:
            script(keys=[f"{RAW_PREFIX}{user}"], args=[size, lifetime, post_id], client=pipe)
        pipe.execute()
    return time.monotonic() - started


def measure(args, app, redis, worker: PipelineWorker, author: int, followers: list[int]) -> list[tuple]:
    """(fan-out seconds, raw seconds, worker CPU seconds) per timed post."""
    from axa.models.socweb.feeds import FEED_PREFIX
    size, rounds = app.config["AXA"].socweb_feed_size, []
    for number in range(WARM_UP_POSTS + args.posts):
        cpu = sum(map(cpu_seconds, worker.pids))
        post_id, seconds = post_and_fan_out(app, redis, author, followers[-1])
        cpu = sum(map(cpu_seconds, worker.pids)) - cpu
        if not held_by_all(redis, post_id, followers, FEED_PREFIX):
            raise SystemExit(f"post {post_id}: the last feed holds it, but not every feed")
        raw = raw_pipeline(redis, post_id, followers, size)
        if not held_by_all(redis, post_id, followers, RAW_PREFIX):
            raise SystemExit("the raw pipeline did not write every feed")
        if number >= WARM_UP_POSTS:
            rounds.append((seconds, raw, cpu))
    return rounds


def report(rounds: list[tuple], subscribers: int) -> None:
    fan_out, raw, cpu = (sum(column) / len(rounds) for column in zip(*rounds, strict=True))
    ratio = raw / fan_out
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   fan-out       {fan_out * 1000:8.1f} ms a post from commit to the last feed "
          f"({subscribers / fan_out:.0f} feeds/s; worker CPU {cpu * 1000:.0f} ms a post)")
    print(f"   raw pipeline  {raw * 1000:8.1f} ms a post ({subscribers / raw:.0f} feeds/s)")
    print(f"   posts (fan-out / raw ms): {', '.join(f'{f * 1000:.0f}/{r * 1000:.0f}' for f, r, _ in rounds)}")
    print(f"   raw pipeline / fan-out = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} fanout_ms={fan_out * 1000:.1f} "
          f"raw_ms={raw * 1000:.1f} subscribers={subscribers}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    from axa.apps import FACTORIES
    from axa.platform.celery_app import celery
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    celery.loader.import_default_modules()
    author, followers = seed(args.subscribers)
    app, redis = FACTORIES["socweb"](), client_for(load_settings().redis_url)
    with ExitStack() as stack:
        worker = PipelineWorker({}, args.concurrency, QUEUES, "fanout")
        stack.callback(worker.close)
        worker.wait_ready()
        environment.header(NAME, [
            f"a post by an account with {len(followers)} subscribers: commit -> outbox -> broker -> "
            f"socweb.feeds worker (as make run starts it, up to {args.concurrency} processes) -> the "
            f"last feed, vs one redis-py pipeline writing the same {len(followers)} feed entries",
            f"{args.posts} timed posts after {WARM_UP_POSTS} untimed, each followed by the reference"])
        report(measure(args, app, redis, worker, author, followers), len(followers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
