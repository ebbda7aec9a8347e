"""Authenticated ``GET /api/v1/me`` on socweb against its raw-driver floor and a bare Flask endpoint.

The apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds with the same request bytes (a Bearer session
id). socweb's answer costs one Redis round trip: a pipeline of the session check and the replica-row
read from its Redis copy (PostgreSQL only on a miss, i.e. the first request of the run). The target
compares it with the raw-driver floor (bench/raw_app.py), the same pipeline through the raw driver
in a bare Flask endpoint, so the ratio is what the platform's layers cost; the bare JSON endpoint
(no I/O) shows what the round trip itself costs.

    python -m bench.auth_me [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
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

NAME = "auth_me"
TARGET = 0.85  # of the raw-driver floor
PATH = "/api/v1/me"
SERVERS = {  # label -> (gunicorn app, extra environment)
    "bare Flask": ("bench.bare_app:app", {}),
    "raw drivers": ("bench.raw_app:app", {}),
    "socweb": ("wsgi:app", {"AXA_SUBSYSTEM": "socweb"}),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.auth_me", description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def serve_and_measure(args, user: environment.BenchUser) -> int:
    settings = settings_from(args)
    auth = {"Authorization": f"Bearer {user.session_id}"}
    with ExitStack() as stack:
        targets = {}
        for label, (app_spec, env) in SERVERS.items():
            port = stack.enter_context(gunicorn(app_spec, settings, env))
            targets[label] = Target("127.0.0.1", port, build_request("GET", PATH, port, auth))
            first_answer(targets[label], label)
        pool = stack.enter_context(LoadPool(args.processes, args.connections))
        environment.header(NAME, [
            f"authenticated GET {PATH} (Bearer session) on socweb vs a bare Flask JSON endpoint",
            f"servers: {settings.describe()} each; load: {pool.describe()}",
            f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
            f"after {args.warmup:.1f} s warm-up"])
        return report_against_floor(NAME, TARGET, measure_alternating(
            pool, targets, args.warmup, args.duration, args.rounds), "socweb")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    user = environment.create_user()
    try:
        environment.replicate(user, "socweb")
        return serve_and_measure(args, user)
    finally:
        environment.clean_up(user)


if __name__ == "__main__":
    sys.exit(main())
