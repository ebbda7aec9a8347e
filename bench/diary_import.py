"""Diary import: a broker CSV of ``--executions`` executions into a diary account's executions and
its trades, against a raw COPY of the same rows.

The file is generic-mapped CSV text (symbol, side, quantity, price, fee, time) over ``--symbols``
symbols, each a run of round trips (buy then sell). The real path is the import job's work
(axa/tasks/stocks/diary_imports.py: every line read and checked, its fingerprint, duplicates
within the file and against the account dropped, COPY into a staging table, one INSERT … ON
CONFLICT DO NOTHING) and then the account's trades grouped by FIFO, as the trades page reads them,
on a stocks app. The reference: one psycopg COPY of the same rows (already parsed, fingerprints
given) into ``diary_executions`` of another account. Each round starts from empty accounts
(untimed). The ratio is the reference's time over the real path's.

    python -m bench.diary_import [--executions N] [--symbols N] [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from bench import environment

NAME = "diary_import"
TARGET = 0.2
COPY = ("COPY diary_executions (account_id, symbol, side, quantity, price, fee, executed_at, fingerprint) "
        "FROM STDIN")
MAPPING = {"symbol": "symbol", "side": "side", "quantity": "quantity", "price": "price", "fee": "fee",
           "time": "time"}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.diary_import", description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=100_000, help="executions (default 100000)")
    parser.add_argument("--symbols", type=int, default=500, help="symbols (default 500)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--duration", type=float, help="ignored: the import measures a fixed amount of work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.executions, args.symbols, args.rounds = 2000, 20, 1
    return args


def dsn() -> str:
    from sqlalchemy.engine import make_url

    from axa.platform.config import database_url
    url = make_url(database_url("stocks")).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def csv_text(executions: int, symbols: int) -> str:
    """Round trips per symbol: a buy then a sell of 10, a minute apart, prices moving."""
    start = datetime(2025, 1, 2, 14, 30, tzinfo=UTC)
    out = io.StringIO()
    out.write("symbol,side,quantity,price,fee,time\n")
    for i in range(executions):
        side = "buy" if (i // symbols) % 2 == 0 else "sell"
        at = start + timedelta(minutes=i // symbols)
        out.write(f"S{i % symbols},{side},10,{100 + (i % 97) / 100:.2f},0.35,{at.isoformat()}\n")
    return out.getvalue()


def seed(conn) -> tuple[int, int]:
    conn.execute("TRUNCATE diary_accounts RESTART IDENTITY CASCADE")
    ids = [conn.execute("INSERT INTO diary_accounts (user_id, name, source) VALUES (1, %s, 'manual') "
                        "RETURNING id", (name,)).fetchone()[0] for name in ("bench import", "bench copy")]
    return ids[0], ids[1]


def real_path(app, account_id: int, text: str) -> tuple[int, int]:
    """The import job's work and the trades read after it: (executions imported, trades)."""
    from axa.blueprints.stocks.diary import service
    from axa.models.stocks import DiaryAccount, db
    from axa.models.stocks import diary_brokers as brokers
    from axa.tasks.stocks.diary_imports import Report, read_lines, store
    with app.app_context():
        report = Report()
        rows = read_lines(text, brokers.layout_of("generic", MAPPING), report)
        db.session.scalar(db.select(DiaryAccount.id).where(DiaryAccount.id == account_id).with_for_update())
        store(account_id, rows, report, None)
        db.session.commit()
        trades = service.trades(db.session.get(DiaryAccount, account_id), {})
        db.session.rollback()
        return report.imported, len(trades)


def copy_rows(app, text: str) -> list[tuple]:
    """The same rows, parsed once (untimed): what the reference COPYs."""
    from axa.models.stocks import diary_brokers as brokers
    from axa.tasks.stocks.diary_imports import Report, read_lines
    with app.app_context():
        return [row[1:] for row in read_lines(text, brokers.layout_of("generic", MAPPING), Report())]


def measure(args, app, conn) -> list[tuple[float, float, int, int]]:
    text = csv_text(args.executions, args.symbols)
    parsed = copy_rows(app, text)
    rounds = []
    for _ in range(args.rounds):
        mine, reference = seed(conn)
        started = time.perf_counter()
        with conn.cursor().copy(COPY) as copy:
            for row in parsed:
                copy.write_row((reference, *row))
        raw = time.perf_counter() - started
        started = time.perf_counter()
        imported, trades = real_path(app, mine, text)
        real = time.perf_counter() - started
        rounds.append((real, raw, imported, trades))
    return rounds


def report(rounds, args) -> None:
    real = statistics.median(r[0] for r in rounds)
    raw = statistics.median(r[1] for r in rounds)
    ratio = raw / real
    verdict = "PASS" if ratio >= TARGET else "BELOW"
    imported, trades = rounds[-1][2], rounds[-1][3]
    print(f"   import + trades {real * 1000:8.1f} ms ({imported} executions, {trades} trades)")
    print(f"   raw COPY        {raw * 1000:8.1f} ms")
    print(f"   raw / import = {ratio:.2f} (target >= {TARGET})")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} import_ms={real * 1000:.1f} "
          f"copy_ms={raw * 1000:.1f} executions={args.executions} trades={trades}")


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    import psycopg

    from axa.apps import FACTORIES
    with psycopg.connect(dsn(), autocommit=True) as conn:
        app = FACTORIES["stocks"]()
        environment.header(NAME, [
            f"{args.executions} executions over {args.symbols} symbols in a broker CSV: the import job's "
            "work and the trades grouped after it vs one raw COPY of the same rows",
            f"median of {args.rounds} rounds"])
        rounds = measure(args, app, conn)
        if any(imported != args.executions for _, _, imported, _ in rounds):
            raise SystemExit(f"expected {args.executions} executions imported, saw {rounds}")
        report(rounds, args)
        conn.execute("TRUNCATE diary_accounts RESTART IDENTITY CASCADE")
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    purge_excursions()
    return 0


def purge_excursions() -> None:
    """Drop the MFE/MAE tasks the imports announced (``stocks.journal``) for accounts the run has
    deleted: left queued, the next benchmark's workers would spend seconds of CPU on them."""
    environment.empty_queues("stocks.journal")


if __name__ == "__main__":
    sys.exit(main())
