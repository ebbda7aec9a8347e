"""Authenticated ``GET /api/v1/quotes`` of 50 symbols on stocks against a bare Flask JSON endpoint.

Both apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds. stocks answers from the Redis quote contract
(axa/models/latest_quotes.py) in the session check's own round trip: one pipeline runs the session
script and the quote-read script (the symbol index, the 50 quotes and their stale times), and the
app encodes the documented body. The target compares it with its raw-driver floor
(bench/raw_app.py): the same pipeline and the same decoding and encoding in a bare Flask endpoint,
so the ratio is what the platform's layers cost. The bare endpoint answers the very same JSON body
(taken from stocks' answer before measuring) with no I/O, to show what the design's round trip
costs. The quotes are real sandbox
quotes (FMP batch quotes from the vendor sandbox in a thread), written by the pipeline's own
Redis writer.

    python -m bench.quotes_read [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
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
    report_against_floor,
)
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "quotes_read"
TARGET = 0.85  # of the raw-driver floor
SYMBOLS = 50


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.quotes_read", description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    parser.add_argument("--symbols", type=int, default=SYMBOLS, help="symbols per request (default 50)")
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def bare_quotes_app(body_path: str):
    """The reference (``gunicorn "bench.quotes_read:bare_quotes_app('<file>')"``): a bare Flask
    app that answers GET /api/v1/quotes with the JSON body in that file."""
    from flask import Flask
    with open(body_path) as file:
        body = json.load(file)
    app = Flask("bench.bare_quotes")
    app.add_url_rule("/api/v1/quotes", "quotes", lambda: body)
    return app


def seed_quotes(count: int) -> list[str]:
    """Fetch ``count`` FMP quotes from a vendor sandbox (in a thread) and store them as the
    pipeline does: the latest-quote contract and the symbol index in the platform's Redis."""
    from axa.clients.records import latest_per_instrument
    from axa.clients.registry import FETCHERS, make_client
    from axa.models import latest_quotes
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    from ops.sandbox.app import start_in_thread
    from ops.sandbox.state import VENDORS, SandboxConfig
    from ops.sandbox.synth.equities import equity_universe
    server, base = start_in_thread(config=SandboxConfig(rpm=dict.fromkeys(VENDORS, 0)))
    try:
        symbols = [e.symbol for e in equity_universe(SandboxConfig().seed).items[:count]]
        client = make_client("fmp", env={"AXA_FMP_BASE_URL": f"{base}/fmp"})
        records = FETCHERS["fmp"]["batch-quote"].fetch(client, {"symbols": symbols}).records
        client.close()
    finally:
        server.shutdown()
        server.server_close()
    redis = client_for(load_settings().redis_url)
    latest_quotes.write(redis, latest_per_instrument(records), "fmp.quotes", 3600, index_ids=True)
    if len(records) != count:
        raise SystemExit(f"the sandbox answered {len(records)} quotes for {count} symbols")
    return symbols


def report(results: dict[str, LoadResult], symbols: int) -> int:
    return report_against_floor(NAME, TARGET, results, "stocks",
                                note=f"; {results['stocks'].rate * symbols:.0f} quotes/s served",
                                extra=f" symbols={symbols}")


def serve_and_measure(args, user: environment.BenchUser, symbols: list[str], stack: ExitStack) -> int:
    settings = settings_from(args)
    auth = {"Authorization": f"Bearer {user.session_id}"}
    path = "/api/v1/quotes?symbols=" + ",".join(symbols)
    port = stack.enter_context(gunicorn("wsgi:app", settings, {"AXA_SUBSYSTEM": "stocks"}))
    targets = {"stocks": Target("127.0.0.1", port, build_request("GET", path, port, auth))}
    body = json.loads(first_answer(targets["stocks"], "stocks"))
    if sorted(body["quotes"]) != sorted(symbols) or body["missing"]:
        raise SystemExit(f"stocks did not answer every quote: missing {body['missing']}")
    body_file = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json"))
    json.dump(body, body_file)
    body_file.flush()
    port = stack.enter_context(gunicorn(f"bench.quotes_read:bare_quotes_app({body_file.name!r})", settings))
    targets["bare Flask"] = Target("127.0.0.1", port, build_request("GET", path, port, auth))
    if json.loads(first_answer(targets["bare Flask"], "bare Flask")) != body:
        raise SystemExit("the bare endpoint does not answer the same body")
    port = stack.enter_context(gunicorn("bench.raw_app:app", settings, {}))
    targets["raw drivers"] = Target("127.0.0.1", port, build_request("GET", path, port, auth))
    if json.loads(first_answer(targets["raw drivers"], "raw drivers")) != body:
        raise SystemExit("the raw-driver endpoint does not answer the same body")
    pool = stack.enter_context(LoadPool(args.processes, args.connections))
    environment.header(NAME, [
        f"authenticated GET /api/v1/quotes?symbols=<{len(symbols)}> (Bearer session) on stocks vs a "
        f"bare Flask endpoint answering the same body (and the raw-driver floor)",
        f"servers: {settings.describe()} each; load: {pool.describe()}",
        f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
        f"after {args.warmup:.1f} s warm-up"])
    return report(measure_alternating(pool, targets, args.warmup, args.duration, args.rounds), len(symbols))


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    symbols = seed_quotes(args.symbols)
    user = environment.create_user()
    try:
        with ExitStack() as stack:
            return serve_and_measure(args, user, symbols, stack)
    finally:
        environment.clean_up(user)


if __name__ == "__main__":
    sys.exit(main())
