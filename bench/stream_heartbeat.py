"""The viewers' heartbeat (issue 11 item 5): ``POST /api/v1/channels/{slug}/viewers/heartbeat`` of
an anonymous player on a live channel, on the stream app, against its raw-driver floor
(bench/stream_heartbeat_raw_app.py: the same Lua script in one EVALSHA, the same token check and
JSON) and a bare Flask answer.

The apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds with the same request bytes (one token for all:
its count stays 1; the per-viewer limit is lifted for the run). The stream app answers from Redis
alone: its live map (no PostgreSQL), the viewer's rate counter, sorted set and count in one
round trip.

    python -m bench.stream_heartbeat [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack

from bench import environment
from bench.load import (
    LoadPool,
    Target,
    add_alternating_arguments,
    apply_quick,
    build_request,
    first_answer,
    measure_alternating,
    report_against_floor,
)
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "stream_heartbeat"
TARGET = 0.85  # of the raw-driver floor
SLUG = "bench-beat"
PATH = f"/api/v1/channels/{SLUG}/viewers/heartbeat"
UNLIMITED = {"AXA_STREAM_HEARTBEAT_LIMIT": str(10**9)}
SERVERS = {  # label -> (gunicorn app, extra environment)
    "bare Flask": ("bench.stream_heartbeat_raw_app:bare", {}),
    "raw drivers": ("bench.stream_heartbeat_raw_app:app", {}),
    "stream": ("wsgi:app", {"AXA_SUBSYSTEM": "stream", **UNLIMITED}),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_heartbeat",
                                     description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def live_channel() -> str:
    """The bench's channel (made again), live, in the live map: an anonymous token for it."""
    import time

    from axa.apps import FACTORIES
    from axa.models.stream import Channel, db, viewers
    from axa.models.stream import live as state
    from axa.platform.redis_client import get_redis
    app = FACTORIES["stream"]()
    with app.app_context():
        db.session.execute(db.delete(Channel).where(Channel.slug == SLUG))
        channel = Channel(user_id=10**9, slug=SLUG, title="Bench heartbeat")
        db.session.add(channel)
        db.session.flush()
        state.published(channel.id, state.at(time.time()), 30.0)
        db.session.commit()
        viewers.sync_live_map(get_redis())
        token = viewers.new_token(app.config["AXA"].secret_key)
        db.engine.dispose()
    return token


def drop_channel() -> None:
    from axa.apps import FACTORIES
    from axa.models.stream import Channel, db, viewers
    from axa.platform.redis_client import get_redis
    app = FACTORIES["stream"]()
    with app.app_context():
        db.session.execute(db.delete(Channel).where(Channel.slug == SLUG))
        db.session.commit()
        viewers.sync_live_map(get_redis())
        db.engine.dispose()


def serve_and_measure(args, token: str) -> int:
    settings = settings_from(args)
    body = json.dumps({"viewer_token": token}).encode()
    headers = {"Content-Type": "application/json"}
    with ExitStack() as stack:
        targets = {}
        for label, (app_spec, env) in SERVERS.items():
            port = stack.enter_context(gunicorn(app_spec, settings, env))
            targets[label] = Target("127.0.0.1", port, build_request("POST", PATH, port, headers, body))
            first_answer(targets[label], label)
        pool = stack.enter_context(LoadPool(args.processes, args.connections))
        environment.header(NAME, [
            f"an anonymous player's heartbeat (POST {PATH}) on stream vs the same Lua script in one "
            "EVALSHA in a bare Flask endpoint (both check the token and answer the count as JSON)",
            f"servers: {settings.describe()} each; load: {pool.describe()}",
            f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
            f"after {args.warmup:.1f} s warm-up"])
        results = measure_alternating(pool, targets, args.warmup, args.duration, args.rounds)
        return report_against_floor(NAME, TARGET, results, "stream")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    try:
        return serve_and_measure(args, live_channel())
    finally:
        drop_channel()


if __name__ == "__main__":
    sys.exit(main())
