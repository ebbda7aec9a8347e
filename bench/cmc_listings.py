"""Anonymous ``GET /api/v1/listings?page_size=100`` on cmc (coins by market cap with their USD
quotes, the public market page) against its raw-driver floor.

5,000 coins with USD quotes are written straight into cmc's database. cmc answers an anonymous
caller through ``public_read`` (axa/blueprints/cmc/public.py): the per-address moving-window limit
in Redis (raised for the bench: one address sends every request), the count and the page (two
queries), the body through the documented schema, ``X-Pagination``, ``ETag`` and
``Cache-Control``. The raw-driver floor (bench/cmc_raw_app.py) does the same Redis and SQL work and
writes the same body and headers; the bare Flask endpoint answering that body shows what the I/O
costs.

    python -m bench.cmc_listings [--duration SECONDS] [--coins N] [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from contextlib import ExitStack

import psycopg
from sqlalchemy.engine import make_url

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

NAME = "cmc_listings"
TARGET = 0.5  # of the raw-driver floor
PAGE = 100
COINS = 5000
PATH = f"/api/v1/listings?page_size={PAGE}"
ANON_LIMITS = "100000000 per minute"  # one address sends every request of the bench


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cmc_listings", description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    parser.add_argument("--coins", type=int, default=COINS, help=f"coins seeded (default {COINS})")
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def seed(coins: int) -> None:
    """``coins`` coins with USD quotes fetched now (fresh), every run the same values."""
    from axa.platform.config import database_url
    dsn = make_url(database_url("cmc")).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE coins, coin_quotes CASCADE")
        conn.execute("SELECT setseed(0.7)")
        conn.execute("""
            INSERT INTO coins (id, symbol, name, slug, asset_class, rank)
            SELECT n, 'C' || n, 'Coin number ' || n, 'coin-' || n,
                   CASE WHEN n %% 3 = 0 THEN 'token' ELSE 'crypto' END, n
            FROM generate_series(1, %(coins)s) n""", {"coins": coins})
        conn.execute("""
            INSERT INTO coin_quotes (coin_id, quote_currency, price, volume_24h, market_cap,
                                     percent_change_24h, as_of, fetched_at, raw_ref)
            SELECT n, 'USD', round((random() * 1000)::numeric, 8), round((random() * 1e9)::numeric, 2),
                   CASE WHEN n %% 50 = 0 THEN NULL ELSE round((random() * 1e11)::numeric, 2) END,
                   round((random() * 20 - 10)::numeric, 6), now(), now(), 'bench'
            FROM generate_series(1, %(coins)s) n""", {"coins": coins})
        conn.execute("VACUUM ANALYZE coins, coin_quotes")


def serve_and_measure(args, stack: ExitStack) -> int:
    settings, env = settings_from(args), {"AXA_CMC_ANON_LIMITS": ANON_LIMITS}
    os.environ.update(env)
    targets, bodies = {}, {}
    for label, spec, extra in (("cmc", "wsgi:app", {"AXA_SUBSYSTEM": "cmc"}),
                               ("raw drivers", "bench.cmc_raw_app:app", {})):
        port = stack.enter_context(gunicorn(spec, settings, {**env, **extra}))
        targets[label] = Target("127.0.0.1", port, build_request("GET", PATH, port))
        bodies[label] = json.loads(first_answer(targets[label], label))
    if len(bodies["cmc"]) != min(PAGE, args.coins) or bodies["raw drivers"] != bodies["cmc"]:
        raise SystemExit("the raw-driver endpoint does not answer cmc's body")
    body_file = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json"))
    json.dump(bodies["cmc"], body_file)
    body_file.flush()
    port = stack.enter_context(gunicorn(f"bench.bare_app:answering('/api/v1/listings', {body_file.name!r})",
                                        settings))
    targets["bare Flask"] = Target("127.0.0.1", port, build_request("GET", PATH, port))
    pool = stack.enter_context(LoadPool(args.processes, args.connections))
    environment.header(NAME, [
        f"anonymous GET {PATH} on cmc vs its raw-driver floor (and a bare Flask endpoint answering "
        "the same body)", f"data: {args.coins} coins with USD quotes",
        f"servers: {settings.describe()} each; load: {pool.describe()}",
        f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
        f"after {args.warmup:.1f} s warm-up"])
    results = measure_alternating(pool, targets, args.warmup, args.duration, args.rounds)
    return report_against_floor(NAME, TARGET, results, "cmc", extra=f" coins={args.coins}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    seed(args.coins if not args.quick else min(args.coins, 500))
    args.coins = args.coins if not args.quick else min(args.coins, 500)
    with ExitStack() as stack:
        return serve_and_measure(args, stack)


if __name__ == "__main__":
    sys.exit(main())
