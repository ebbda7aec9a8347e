"""Alert evaluation: one full quote batch against 100,000 active alerts over 2,000 coins.

The platform: ``cmc.alerts.evaluate_quotes`` called in the cmc app's context as a worker runs it
(the batch's payload decoded, the evaluation statement of axa/models/cmc/alert_batch.py moving the
alerts that cross and inserting their events, the commit). The reference: one raw SQL statement
through psycopg selecting the same triggered alerts (the price alerts whose side the batch moves
onto their level's side, the change alerts past their threshold), nothing written. Before each
round the alerts are put back in their seeded state (untimed) and both sides are checked to find
the same alerts; the figures are the medians of the rounds (the machine's other load falls on single
rounds). Alerts: three in four on a price level within ±50 % of the coin's price (armed
on the side that price puts them), one in four on a 1 h or 24 h change of 1 to 10 %; every coin's
price moves by up to ±2 % in the batch and changes by up to ±3 %, so a few percent of them fire.

    python -m bench.alerts_eval [--alerts N] [--coins N] [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy.engine import make_url

from bench import environment

NAME = "alerts_eval"
TARGET = 0.3
SEED = 20261206
RAW = """
SELECT a.id FROM unnest(%(refs)s::varchar[], %(prices)s::numeric[], %(ch_1h)s::numeric[],
                        %(ch_24h)s::numeric[]) AS q(ref, price, ch_1h, ch_24h)
JOIN alerts a ON a.ref = q.ref AND a.status = 'active'
WHERE (a.condition = 'price_above' AND q.price >= a.level AND a.last_side IS DISTINCT FROM 'above')
   OR (a.condition = 'price_below' AND q.price <= a.level AND a.last_side IS DISTINCT FROM 'below')
   OR (a.condition = 'change_any' AND a.last_side IS DISTINCT FROM 'beyond'
       AND abs(CASE WHEN a."window" = '1h' THEN q.ch_1h ELSE q.ch_24h END) >= a.threshold_pct)
"""
SEED_ALERTS = """
INSERT INTO alerts (user_id, kind, coin_id, symbol, ref, condition, level, threshold_pct, "window", recurring,
                    cooldown_s, channels, status, fired_count)
SELECT 1 + n %% 5000, 'coin', 1 + n %% %(coins)s, 'C' || (1 + n %% %(coins)s), 'cmc:' || (1 + n %% %(coins)s),
       c.condition, CASE WHEN c.condition = 'change_any' THEN NULL ELSE 100 * (0.5 + random()) END,
       CASE WHEN c.condition = 'change_any' THEN 1 + random() * 9 END,
       CASE WHEN c.condition = 'change_any' THEN (ARRAY['1h', '24h'])[1 + n %% 2] END,
       n %% 3 = 0, 60, ARRAY['in_app'], 'active', 0
FROM generate_series(1, %(alerts)s) n,
     LATERAL (SELECT (ARRAY['price_above', 'price_below', 'price_above', 'change_any'])[1 + n %% 4]
              AS condition) c
"""
# every coin was at 100 before the batch, no change beyond any threshold
RESET = """
UPDATE alerts SET status = 'active', last_side = CASE condition
       WHEN 'price_above' THEN CASE WHEN 100 >= level THEN 'above' ELSE 'below' END
       WHEN 'price_below' THEN CASE WHEN 100 <= level THEN 'below' ELSE 'above' END ELSE 'within' END,
       last_price = NULL, last_as_of = NULL, last_fired_at = NULL, fired_count = 0;
DELETE FROM alert_events;
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.alerts_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000, help="active alerts (default 100000)")
    parser.add_argument("--coins", type=int, default=2000, help="coins in the batch (default 2000)")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (default 9)")
    parser.add_argument("--duration", type=float, help="ignored: a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.alerts, args.coins, args.rounds = 5000, 200, 2
    return args


def dsn() -> str:
    from axa.platform.config import database_url
    return make_url(database_url("cmc")).set(drivername="postgresql").render_as_string(hide_password=False)


def seed(conn: psycopg.Connection, args) -> None:
    conn.execute("TRUNCATE alert_events, alerts RESTART IDENTITY CASCADE")
    conn.execute("SELECT setseed(0.5)")
    conn.execute(SEED_ALERTS, {"alerts": args.alerts, "coins": args.coins})
    conn.execute(RESET)
    conn.execute("VACUUM ANALYZE alerts")


def batch(coins: int) -> list[list]:
    """The payload of one batch: every coin, its price moved from 100 by up to 2 %, changes up
    to 3 % (a few percent of the alerts fire)."""
    rng, as_of = random.Random(SEED), datetime.now(UTC) + timedelta(minutes=1)
    return [[f"cmc:{i}", f"{100 * (0.98 + rng.random() * 0.04):.6f}", f"{rng.uniform(-3, 3):.4f}",
             f"{rng.uniform(-3, 3):.4f}", as_of.isoformat()] for i in range(1, coins + 1)]


def raw_select(conn: psycopg.Connection, payload: list[list]) -> tuple[float, set[int]]:
    refs, prices, ch_1h, ch_24h, _ = (list(column) for column in zip(*payload, strict=True))
    started = time.perf_counter()
    found = {row[0] for row in conn.execute(RAW, {"refs": refs, "prices": prices, "ch_1h": ch_1h,
                                                  "ch_24h": ch_24h})}
    return time.perf_counter() - started, found


def platform_evaluation(app, payload: list[list]) -> tuple[float, set[int]]:
    from sqlalchemy import select

    from axa.models.cmc import AlertEvent, db
    from axa.tasks.cmc.alerts import evaluate_quotes
    with app.app_context():
        started = time.perf_counter()
        evaluate_quotes(payload)
        seconds = time.perf_counter() - started
        fired = set(db.session.scalars(select(AlertEvent.alert_id)))
        db.session.remove()
    return seconds, fired


def measure(args, app, conn: psycopg.Connection) -> list[tuple[float, float, int]]:
    payload, rounds = batch(args.coins), []
    for number in range(args.rounds + 1):  # the first round warms both sides up, untimed
        conn.execute(RESET)
        raw, expected = raw_select(conn, payload)
        seconds, fired = platform_evaluation(app, payload)
        if fired != expected:
            raise SystemExit(f"the evaluation fired {len(fired)} alerts, the raw statement found "
                             f"{len(expected)}")
        if number:
            rounds.append((seconds, raw, len(fired)))
    return rounds


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    from axa.apps import FACTORIES
    from axa.platform.celery_app import celery
    celery.loader.import_default_modules()
    app = FACTORIES["cmc"]()
    environment.header(NAME, [f"{args.alerts} active alerts over {args.coins} coins, one batch of every "
                              f"coin, {args.rounds} rounds"])
    with psycopg.connect(dsn(), autocommit=True) as conn:
        seed(conn, args)
        rounds = measure(args, app, conn)
        conn.execute("TRUNCATE alert_events, alerts RESTART IDENTITY CASCADE")
    evaluation, raw = (statistics.median(column) for column in list(zip(*rounds, strict=True))[:2])
    ratio, fired = raw / evaluation, rounds[0][2]
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    print(f"   evaluation   {evaluation * 1000:8.1f} ms a batch ({fired} alerts fired, events written)")
    print(f"   raw select   {raw * 1000:8.1f} ms a batch (the same alerts selected)")
    each = ", ".join(f"{e * 1000:.0f}/{r * 1000:.0f}" for e, r, _ in rounds)
    print(f"   rounds (evaluation / raw ms): {each}")
    print(f"   raw select / evaluation = {ratio:.2f} (target >= {TARGET}; medians of the rounds)")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} evaluation_ms={evaluation * 1000:.1f} "
          f"raw_ms={raw * 1000:.1f} alerts={args.alerts} fired={fired}")
    environment.clean_up(None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
