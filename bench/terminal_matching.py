"""Matching: one quote batch for every symbol over the paper terminal's open orders, against one raw
SQL statement selecting the same crossing orders.

Seed: ``--orders`` open limit orders (buys and sells) over ``--symbols`` coins (quote refs
``cmc:<n>``, so the run does not depend on the US market's hours), spread over 100 cash accounts,
written with COPY. Each timed round writes a batch of
quotes for all the symbols through the latest-quote contract, in which ``--crossing`` of the orders
cross, and times the real path: the matching task's work (``terminal.matching.match_quotes``
body, in this process, on a terminal app): one Redis round trip for the quotes, the candidate read,
evaluation, and the fills (orders, cash, positions, activities) in their transactions. The
reference: one psycopg statement selecting the crossing orders of the same batch (the quotes passed
as arrays), timed alone. Between rounds the fills are undone (untimed). The ratio is the
reference's time over the real path's.

    python -m bench.terminal_matching [--orders N] [--symbols N] [--crossing N] [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

from bench import environment

NAME = "terminal_matching"
TARGET = 0.3
ACCOUNTS = 100
REFERENCE = """
SELECT o.* FROM orders AS o
JOIN unnest(%s::text[], %s::numeric[]) AS q(ref, price) ON o.quote_ref = q.ref
WHERE o.status IN ('new', 'accepted', 'partially_filled') AND o.order_type = 'limit'
  AND (o.side = 'buy' AND q.price <= o.limit_price OR o.side = 'sell' AND q.price >= o.limit_price)"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.terminal_matching",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="open orders (default 100000)")
    parser.add_argument("--symbols", type=int, default=5_000, help="symbols (default 5000)")
    parser.add_argument("--crossing", type=int, default=100, help="orders the batch fills (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--duration", type=float, help="ignored: matching measures a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.orders, args.symbols, args.crossing, args.rounds = 2000, 100, 10, 1
    return args


def dsn() -> str:
    from sqlalchemy.engine import make_url

    from axa.platform.config import database_url
    url = make_url(database_url("terminal")).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def seed(conn, orders: int, symbols: int, crossing: int) -> None:
    """Accounts and open orders: order i is on coin i % symbols, a buy at 90 or a sell at 110; the
    first ``crossing`` are buys at 100, which every timed batch (at 99) crosses."""
    conn.execute("TRUNCATE accounts, orders, positions, activities, order_events, diary_outbox "
                 "RESTART IDENTITY CASCADE")
    with conn.cursor().copy("COPY accounts (user_id, name, currency, account_type, fill_model, "
                            "starting_cash, cash, last_equity, status) FROM STDIN") as copy:
        for n in range(ACCOUNTS):
            copy.write_row((1, f"bench {n}", "USD", "cash", "alpaca", 10**9, 10**9, 10**9, "ACTIVE"))
    rows = io.StringIO()
    for i in range(orders):
        side, limit = ("buy", 100) if i < crossing else ("buy", 90) if i % 2 == 0 else ("sell", 110)
        ref = f"cmc:{i % symbols}"
        rows.write(f"{i % ACCOUNTS + 1}\tb{i}\t-\t{ref}\t{ref}\tcrypto\t{side}\tlimit\tgtc\t"
                   f"1\t{limit}\t{limit}\tnew\t0\tf\n")
    with conn.cursor().copy("COPY orders (account_id, client_order_id, request_hash, symbol, quote_ref, "
                            "asset_class, side, order_type, time_in_force, qty, limit_price, reserved, "
                            "status, filled_qty, stop_triggered) FROM STDIN") as copy:
        copy.write(rows.getvalue())
    conn.execute("VACUUM ANALYZE orders")


def write_batch(redis, symbols: int, price: str) -> list[str]:
    from axa.clients.records import QuoteRecord
    from axa.models import latest_quotes
    now = datetime.now(UTC)
    records = [QuoteRecord(source="cmc", source_instrument_id=str(n), price=Decimal(price),
                           price_unit="currency", as_of=now, as_of_precision="instant", fetched_at=now,
                           raw_ref="bench")
               for n in range(symbols)]
    latest_quotes.write(redis, records, "cmc.quotes", 600)
    return [f"cmc:{n}" for n in range(symbols)]


def undo_fills(conn) -> None:
    conn.execute("UPDATE orders SET status = 'new', filled_qty = 0, filled_avg_price = NULL, "
                 "filled_at = NULL, reserved = limit_price WHERE status = 'filled'")
    conn.execute("DELETE FROM positions")
    conn.execute("DELETE FROM activities")
    conn.execute("DELETE FROM order_events")
    conn.execute("DELETE FROM diary_outbox")
    conn.execute("UPDATE accounts SET cash = starting_cash")


def measure(args, app, redis, conn) -> list[tuple[float, float, int, int]]:
    """(real seconds, raw seconds, fills, rows the raw statement selected) per round."""
    from axa.models.terminal import matching
    rounds = []
    for _ in range(args.rounds):
        refs = write_batch(redis, args.symbols, "99")
        started = time.perf_counter()
        selected = conn.execute(REFERENCE, (refs, [Decimal("99")] * len(refs))).fetchall()
        raw = time.perf_counter() - started
        started = time.perf_counter()
        with app.app_context():
            counts = matching.match(redis, refs, time.time())
        real = time.perf_counter() - started
        rounds.append((real, raw, counts.get("filled", 0), len(selected)))
        undo_fills(conn)
    return rounds


def report(rounds, args) -> None:
    real = statistics.median(r[0] for r in rounds)
    raw = statistics.median(r[1] for r in rounds)
    ratio = raw / real
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    fills, selected = rounds[-1][2], rounds[-1][3]
    print(f"   matching   {real * 1000:8.1f} ms a batch ({fills} fills applied)")
    print(f"   raw select {raw * 1000:8.1f} ms ({selected} crossing orders selected)")
    print(f"   raw / matching = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} matching_ms={real * 1000:.1f} "
          f"raw_ms={raw * 1000:.1f} orders={args.orders} symbols={args.symbols} fills={fills}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    import psycopg

    from axa.apps import FACTORIES
    from axa.platform.config import load_settings
    from axa.platform.redis_client import client_for
    redis = client_for(load_settings().redis_url)
    with psycopg.connect(dsn(), autocommit=True) as conn:
        seed(conn, args.orders, args.symbols, args.crossing)
        app = FACTORIES["terminal"]()
        environment.header(NAME, [
            f"{args.orders} open limit orders over {args.symbols} coins, one quote batch for every coin "
            f"in which {args.crossing} cross: the matching task's work (quotes, candidates, evaluation, "
            "fills) vs one raw statement selecting the crossing orders", f"median of {args.rounds} rounds"])
        rounds = measure(args, app, redis, conn)
        if any(fills != args.crossing or selected != args.crossing for _, _, fills, selected in rounds):
            raise SystemExit(f"expected {args.crossing} fills and crossing orders, saw {rounds}")
        report(rounds, args)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
