"""The ingest auth hook: nginx-rtmp's ``on_publish`` with an allowed key, on the stream app,
against its raw-driver floor (bench/stream_raw_app.py) and a bare Flask 302.

The apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds with the same request bytes (the form nginx-rtmp
posts, ``name`` = the key). The stream app checks the caller's address, reads the key's entry and
adds the live event to the live inbox in one Redis round trip (key_publish.lua; the worker's relay
hands it to ``stream.live``), and answers 302 to the relay URL. "raw drivers" is the floor issue 11
names, as DESIGN.md §8 defines it: the same Redis work (the hook's script through plain redis-py's
``register_script``, one round trip) and the 302 in a bare Flask endpoint; the RESULT ratio is
against it. "Redis GET" is the lookup alone (what the issue's words describe: one GET and the
302, no live event), its ratio printed beside (``redis_get_ratio``). The inbox the run fills is
deleted at the end.

    python -m bench.stream_hook [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from bench import environment
from bench.load import (
    Connection,
    LoadPool,
    LoadResult,
    Target,
    add_alternating_arguments,
    apply_quick,
    build_request,
    report_against_floor,
)
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "stream_hook"
TARGET = 0.85  # of the raw-driver floor
PATH = "/internal/ingest/nginx/publish"
SLUG = "bench-hook"
FOUND = 302
SERVERS = {  # label -> (gunicorn app, extra environment)
    "bare Flask": ("bench.stream_raw_app:bare", {}),
    "Redis GET": ("bench.stream_raw_app:lookup", {}),
    "raw drivers": ("bench.stream_raw_app:app", {}),
    "stream": ("wsgi:app", {"AXA_SUBSYSTEM": "stream"}),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_hook", description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def channel_key() -> str:
    """A channel of the bench (made again) and a key of it, its Redis entry written: the secret."""
    from axa.apps import FACTORIES
    from axa.models.stream import Channel, StreamKey, db
    from axa.models.stream.keys import publish
    from axa.platform.redis_client import get_redis
    app = FACTORIES["stream"]()
    with app.app_context():
        db.session.execute(db.delete(Channel).where(Channel.slug == SLUG))
        channel = Channel(user_id=10**9, slug=SLUG, title="Bench hook")
        db.session.add(channel)
        db.session.flush()
        key, secret = StreamKey.issue(channel.id, "bench")
        db.session.commit()
        publish(get_redis(), [key])
        db.engine.dispose()
    return secret


def drop_inbox() -> None:
    from axa.models.stream.live_inbox import INBOX
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    client_for(load_settings().redis_url).delete(INBOX)


def first_found(target: Target, label: str) -> None:
    conn = Connection(target.host, target.port)
    try:
        status, body = conn.exchange(target.request)
    finally:
        conn.close()
    if status != FOUND:
        raise SystemExit(f"{label}: answered {status} before measuring: {body[:300]!r}")


def measure(pool: LoadPool, targets: dict[str, Target], args) -> dict[str, LoadResult]:
    """Warm-up, then alternating rounds, expecting 302 (bench.load's ``measure_alternating`` expects 200)."""
    for target in targets.values():
        pool.run(target, args.warmup, FOUND)
    totals = {name: [0.0, {}] for name in targets}
    for _ in range(args.rounds):
        for name, target in targets.items():
            result = pool.run(target, args.duration / args.rounds, FOUND)
            totals[name][0] += result.seconds
            for status, count in result.statuses.items():
                totals[name][1][status] = totals[name][1].get(status, 0) + count
    return {name: LoadResult(statuses, seconds, FOUND) for name, (seconds, statuses) in totals.items()}


def serve_and_measure(args, secret: str) -> int:
    settings = settings_from(args)
    body = f"call=publish&app=live&name={secret}&addr=127.0.0.1".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    with ExitStack() as stack:
        targets = {}
        for label, (app_spec, env) in SERVERS.items():
            port = stack.enter_context(gunicorn(app_spec, settings, env))
            targets[label] = Target("127.0.0.1", port, build_request("POST", PATH, port, headers, body))
            first_found(targets[label], label)
        pool = stack.enter_context(LoadPool(args.processes, args.connections))
        environment.header(NAME, [
            f"nginx-rtmp on_publish (POST {PATH}, an allowed key) on stream vs one Redis GET in a bare "
            "Flask endpoint (both 302 to the relay URL; stream's one round trip also adds the live event)",
            f"servers: {settings.describe()} each; load: {pool.describe()}",
            f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
            f"after {args.warmup:.1f} s warm-up"])
        results = measure(pool, targets, args)
        lookup = results.pop("Redis GET")
        ratio = results["stream"].rate / lookup.rate if lookup.rate else 0.0
        print(f"   {'Redis GET':<11} {lookup.rate:8.1f} req/s   (the lookup alone, no live event; "
              f"non-302: {lookup.unexpected})")
        print(f"   stream / Redis GET = {ratio:.2f} (the platform's layers and the live event)")
        return report_against_floor(NAME, TARGET, results, "stream", extra=f" redis_get_ratio={ratio:.2f}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    try:
        return serve_and_measure(args, channel_key())
    finally:
        drop_inbox()


if __name__ == "__main__":
    sys.exit(main())
