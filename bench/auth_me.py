"""Authenticated ``GET /api/v1/me`` on socweb against a bare Flask JSON endpoint.

The apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds with the same request bytes (a Bearer session
id). socweb's answer costs a session check in Redis on top of the bare endpoint: one EVALSHA, which
also returns the replica row from its Redis copy (PostgreSQL only on a miss, i.e. the first request
of the run). A third app, the I/O floor (bench/raw_app.py), does the same Redis work through the
raw drivers, to show what the framework layers cost.

    python -m bench.auth_me [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from bench import environment
from bench.load import (
    LoadPool,
    LoadResult,
    Target,
    add_alternating_arguments,
    apply_quick,
    build_request,
    first_answer,
    measure_alternating,
)
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "auth_me"
TARGET = 0.6
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


def report(results: dict[str, LoadResult]) -> int:
    for name, result in results.items():
        print(f"   {name:<12} {result.rate:8.1f} req/s   ({result.ok} x 200 in {result.seconds:.1f} s, "
              f"non-200: {result.unexpected})")
    bare, raw, app = (results[name].rate for name in SERVERS)
    ratio = app / bare if bare else 0.0
    floor = app / raw if raw else 0.0
    errors = sum(result.unexpected for result in results.values())
    verdict = "ERROR" if errors else ("PASS" if ratio >= TARGET else "BELOW")
    if errors:
        statuses = {name: result.statuses for name, result in results.items()}
        print(f"   {errors} responses were not 200 ({statuses}): the figures are not valid")
    print(f"   socweb / bare Flask  = {ratio:.2f} (target >= {TARGET})")
    print(f"   socweb / raw drivers = {floor:.2f}; raw drivers / bare Flask = {raw / bare if bare else 0:.2f}"
          " (the same Redis work without the framework layers)")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} floor_ratio={floor:.2f} "
          f"socweb_rps={app:.0f} raw_rps={raw:.0f} bare_rps={bare:.0f}")
    return 1 if errors else 0


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
        return report(measure_alternating(pool, targets, args.warmup, args.duration, args.rounds))


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
