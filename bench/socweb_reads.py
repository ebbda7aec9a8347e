"""What the socweb read benchmarks share (``socweb_feed``, ``conduit_articles``): the seeded data,
and one endpoint measured against its raw-driver floor (bench/socweb_raw_app.py) and a bare Flask
endpoint answering the same body (bench/bare_app.py), each served by gunicorn with the same
settings and driven in alternating rounds by one pool of keep-alive clients."""
from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from bench import environment, socweb_seed
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

SIZE = socweb_seed.Size(accounts=5000, posts=200_000, followed=1000)
QUICK_SIZE = socweb_seed.Size(accounts=200, posts=2000, followed=50)


@dataclass(frozen=True)
class ReadBench:
    name: str
    target: float
    route: str  # the path the bare endpoint answers
    query: str
    scheme: str  # of the Authorization header: "Bearer" or "Token"
    check: Callable[[object, socweb_seed.Size], str | None]  # socweb's body -> a complaint, or None
    what: str  # the header's first line


def parse_args(prog: str, description: str, argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_alternating_arguments(parser)
    parser.add_argument("--posts", type=int,
                        help=f"posts seeded (default {SIZE.posts}; quick {QUICK_SIZE.posts})")
    add_server_arguments(parser)
    args = apply_quick(parser.parse_args(argv))
    size = QUICK_SIZE if args.quick else SIZE
    args.size = socweb_seed.Size(size.accounts, args.posts or size.posts, size.followed)
    return args


def seed(user: environment.BenchUser, size: socweb_seed.Size) -> None:
    """socweb emptied, the bench user put into its replica, the data seeded."""
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    socweb_seed.clear(client_for(load_settings().redis_url))
    environment.replicate(user, "socweb")
    socweb_seed.seed_reading(user.id, f"bench{user.id}", size)


def _serve(stack: ExitStack, label: str, app_spec: str, settings, env: dict, path: str, auth: dict):
    port = stack.enter_context(gunicorn(app_spec, settings, env))
    target = Target("127.0.0.1", port, build_request("GET", path, port, auth))
    return target, json.loads(first_answer(target, label))


def serve_and_measure(bench: ReadBench, args, user: environment.BenchUser, stack: ExitStack) -> int:
    settings, path = settings_from(args), bench.route + bench.query
    auth = {"Authorization": f"{bench.scheme} {user.session_id}"}
    targets = {}
    targets["socweb"], body = _serve(stack, "socweb", "wsgi:app", settings, {"AXA_SUBSYSTEM": "socweb"},
                                     path, auth)
    if (complaint := bench.check(body, args.size)) is not None:
        raise SystemExit(f"socweb's answer: {complaint}")
    body_file = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json"))
    json.dump(body, body_file)
    body_file.flush()
    for label, app_spec in (("bare Flask", f"bench.bare_app:answering({bench.route!r}, {body_file.name!r})"),
                            ("raw drivers", "bench.socweb_raw_app:app")):
        targets[label], answer = _serve(stack, label, app_spec, settings, {}, path, auth)
        if answer != body:
            raise SystemExit(f"the {label} endpoint does not answer socweb's body")
    pool = stack.enter_context(LoadPool(args.processes, args.connections))
    size = args.size
    environment.header(bench.name, [
        bench.what, f"data: {size.posts} posts by {size.accounts} accounts, likes, comments; the viewer "
        f"subscribes to {size.followed} of them",
        f"servers: {settings.describe()} each; load: {pool.describe()}",
        f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
        f"after {args.warmup:.1f} s warm-up"])
    results = measure_alternating(pool, targets, args.warmup, args.duration, args.rounds)
    return report_against_floor(bench.name, bench.target, results, "socweb", extra=f" posts={size.posts}")


def run(bench: ReadBench, args) -> int:
    environment.configure()
    environment.prepare_databases()
    user = environment.create_user()
    try:
        seed(user, args.size)
        with ExitStack() as stack:
            return serve_and_measure(bench, args, user, stack)
    finally:
        environment.clean_up(user)
