"""Order placement through the terminal's API against its raw-driver floor and a bare Flask endpoint.

The apps are served by gunicorn with the same settings on loopback ports; one pool of keep-alive
client processes drives them in alternating rounds with the same request bytes: a signed-in
``POST /api/v1/accounts/{id}/orders`` of a limit buy of a coin far below its price (so it rests:
every request places a new order, 201). The terminal's answer costs the session check, the quote
read from the latest-quote contract, the account's row lock, the pre-trade checks' reads (position,
market values, open orders' holds, day trades), the INSERT of the order and its event, and the
order object; an order that rests publishes nothing. The floor (bench/terminal_raw_app.py) does
the same Redis and SQL work and one INSERT through the raw drivers in a bare Flask endpoint.

    python -m bench.terminal_orders [--duration SECONDS] [--quick]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from decimal import Decimal

from bench import environment
from bench.load import (
    Connection,
    LoadPool,
    Target,
    add_alternating_arguments,
    apply_quick,
    build_request,
    measure_alternating,
    report_against_floor,
)
from bench.servers import add_server_arguments, gunicorn, settings_from

NAME = "terminal_orders"
TARGET = 0.5  # of the raw-driver floor
COIN = "cmc:990001"
ORDER = {"symbol": COIN, "qty": "1", "side": "buy", "type": "limit", "limit_price": "1",
         "time_in_force": "gtc"}
SERVERS = {  # label -> (gunicorn app, extra environment)
    "bare Flask": ("bench.terminal_raw_app:bare", {}),
    "raw drivers": ("bench.terminal_raw_app:app", {}),
    "terminal": ("wsgi:app", {"AXA_SUBSYSTEM": "terminal"}),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.terminal_orders",
                                     description=__doc__.split("\n")[0])
    add_alternating_arguments(parser)
    add_server_arguments(parser)
    return apply_quick(parser.parse_args(argv))


def prepare(user: environment.BenchUser) -> int:
    """The user's paper account with room for every order of the run, and a fresh coin quote."""
    from axa.apps import FACTORIES
    from axa.clients.records import QuoteRecord
    from axa.models import latest_quotes
    from axa.models.terminal import Account, db
    from axa.platform.redis_client import client_for
    app = FACTORIES["terminal"]()
    now = datetime.now(UTC)
    record = QuoteRecord(source="cmc", source_instrument_id=COIN.split(":")[1], price=Decimal("100"),
                         price_unit="currency", as_of=now, as_of_precision="instant", fetched_at=now,
                         raw_ref="bench")
    latest_quotes.write(client_for(app.config["AXA"].redis_url), [record], "cmc.quotes", 86400)
    with app.app_context():
        account = Account.open(user.id, f"bench {now.timestamp()}", currency="USD",
                               starting_cash=Decimal(10**11), account_type="cash", fill_model="alpaca")
        db.session.commit()
        account_id = account.id
        db.engine.dispose()
    return account_id


def placed(target: Target, label: str) -> None:
    conn = Connection(target.host, target.port)
    try:
        status, body = conn.exchange(target.request)
    finally:
        conn.close()
    if status != 201:
        raise SystemExit(f"{label}: answered {status} before measuring: {body[:300]!r}")


def serve_and_measure(args, user: environment.BenchUser, account_id: int) -> int:
    settings = settings_from(args)
    headers = {"Authorization": f"Bearer {user.session_id}", "Content-Type": "application/json"}
    path, body = f"/api/v1/accounts/{account_id}/orders", json.dumps(ORDER).encode()
    with ExitStack() as stack:
        targets = {}
        for label, (app_spec, env) in SERVERS.items():
            port = stack.enter_context(gunicorn(app_spec, settings, env))
            targets[label] = Target("127.0.0.1", port, build_request("POST", path, port, headers, body))
            placed(targets[label], label)
        pool = stack.enter_context(LoadPool(args.processes, args.connections))
        environment.header(NAME, [
            f"signed-in POST {path} (a resting limit order) on the terminal vs its raw-driver floor and "
            "a bare Flask endpoint", f"servers: {settings.describe()} each; load: {pool.describe()}",
            f"{args.rounds} alternating rounds, {args.duration:.1f} s measured per server "
            f"after {args.warmup:.1f} s warm-up"])
        results = measure_alternating(pool, targets, args.warmup, args.duration, args.rounds)
        results = {label: dataclasses.replace(result, expected=201) for label, result in results.items()}
        return report_against_floor(NAME, TARGET, results, "terminal")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    user = environment.create_user()
    try:
        return serve_and_measure(args, user, prepare(user))
    finally:
        environment.clean_up(user)


if __name__ == "__main__":
    sys.exit(main())
