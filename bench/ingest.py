"""Ingest rate: FMP quotes end to end through the pipeline against a raw bulk upsert.

The pipeline: the vendor sandbox (its own process, under gunicorn as ``make run`` serves it, on a
manual clock) → ``stocks.poll.fetch_fmp`` → ``stocks.format.store_batch`` (normalize, validate,
upsert ``latest_quotes``, quotes to Redis, run bookkeeping) in real ``celery worker`` processes
grouped as ``make run`` groups them (the FMP poll queue in its own worker, dispatch and format in
the pipeline worker), runs dispatched from this process as beat's dispatcher does. ~5,200 quotes a
run; the sandbox clock moves one price tick between runs, so every run updates every row. Timed from
the first dispatch until the last run is complete. The reference: the same records (fetched from
the sandbox at the same clock offsets before the pipeline's runs, untimed) upserted run by run
through psycopg: ``COPY`` into a temporary table, then ``INSERT … ON CONFLICT DO UPDATE`` into a
copy of ``latest_quotes`` in the same start state. That fetch also has the sandbox render each
tick's quotes ahead, so during the timed runs the vendor's CPU is its HTTP answers only: a real
vendor's work runs on its own machines, not on the cores the pipeline is measured on. The vendor
floor: one client fetching those quotes from the sandbox (HTTP and JSON only). CPU per quote of the
workers and the sandbox says where the time went (wall-clock rates here are noisy).

The runs are split into rounds (``--rounds``, default 3), each a pipeline phase then the raw upsert
of the same records, every phase starting after ``VACUUM`` and ``CHECKPOINT``: both sides see the
same database state, and drift over the minute the bench takes (autovacuum, checkpoints, the disk)
falls on both. Rates are totals over the rounds; each round's ratio is printed too.

    python -m bench.ingest [--quotes N] [--concurrency N] [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from contextlib import ExitStack, suppress
from datetime import UTC, datetime

from bench import environment
from bench.ingest_processes import PipelineWorker, SandboxProcess, cpu_seconds, vendor_env
from ops.settings import load_ops_settings

NAME = "ingest"
TARGET = 0.25
TICK = 60  # the sandbox's price bucket: one tick between runs
START = datetime(2026, 6, 17, 15, 0, 10, tzinfo=UTC).timestamp()  # a Wednesday, markets open
UNIVERSE = 5200
# Untimed runs first, so that the timed ones see a steady state: each format process has run its
# statements past psycopg's prepare threshold (5), connections and pools are open, caches warm.
WARM_UP_RUNS = 3
CLOSED: set[int] = set()  # runs heard closing on the runs channel (axa.models.ingest.NOTIFY_CHANNEL)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--quotes", type=int, default=100_000, help="quotes to ingest (default 100000)")
    parser.add_argument("--concurrency", type=int, default=load_ops_settings().worker_concurrency,
                        help="worker pool processes (default: AXA_WORKER_CONCURRENCY or 2, as make run)")
    parser.add_argument("--symbols", type=int, default=UNIVERSE, help="symbols per run (default all)")
    parser.add_argument("--duration", type=float, help="ignored: ingest measures a fixed amount of work")
    parser.add_argument("--rounds", type=int, default=3,
                        help="pipeline / raw upsert pairs the runs are split into (default 3)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.quotes, args.symbols, args.rounds = 2000, 1000, 1
    return args


def sql(app, statement: str, params: dict | None = None) -> list:
    from sqlalchemy import text
    with app.app_context():
        session = app.extensions["sqlalchemy"].session
        rows = session.execute(text(statement), params or {})
        found = list(rows) if rows.returns_rows else []
        session.commit()
        return found


def run_and_wait(app, poller, dataset: str, params: dict | None, timeout: float = 300.0) -> dict:
    """Dispatch a run (as beat's dispatcher does), then wait for its close on the runs channel
    (``poller`` listens; a look at its record every second in case), read through a plain
    connection: the bench's own CPU stays off the measurement."""
    from axa.tasks.stocks.dispatch import start_run
    with app.app_context():
        run_id = start_run(dataset, params, trigger="bench")["run_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, stored, errors = poller.execute(
            "SELECT status, records_stored, errors FROM ingest_runs WHERE id = %s", (run_id,)).fetchone()
        if status == "succeeded":
            return {"id": run_id, "records_stored": stored}
        if status != "running":
            raise SystemExit(f"run {run_id} of {dataset} ended {status}: {str(errors)[:500]}")
        if run_id not in CLOSED:  # wait for news of a run closing (a second at most), then look
            for note in poller.notifies(timeout=1.0, stop_after=1):
                CLOSED.add(json.loads(note.payload)["id"])
    raise SystemExit(f"run {run_id} of {dataset} not complete within {timeout:.0f} s")


def pipeline_phase(app, poller, sandbox: SandboxProcess, pids: dict, runs: int, params: dict | None):
    """``runs`` runs back to back, the clock a tick further each time: (records, seconds, CPU
    seconds of each of ``pids``' values: lists of processes counted together)."""
    def cpu() -> list[float]:
        return [sum(map(cpu_seconds, group)) for group in pids.values()]
    records, started, before = 0, time.monotonic(), cpu()
    for _ in range(runs):
        sandbox.advance(TICK)
        records += run_and_wait(app, poller, "fmp.quotes", params)["records_stored"]
    return records, time.monotonic() - started, [b - a for a, b in zip(before, cpu(), strict=True)]


def fetch_same_records(sandbox: SandboxProcess, symbols: list[str], runs: int, env: dict):
    """Each run's quotes, from the sandbox at the clock offsets the pipeline phase then uses, the
    clock left where it was: (rows per run, the seconds the HTTP fetches took: the vendor floor).

    Fetched twice. The first pass has the sandbox render each tick's quotes, which it keeps
    (``AXA_SANDBOX_QUOTE_BUCKETS``): a real vendor's work runs on the vendor's machines, not on
    the two cores the pipeline is measured on. The second pass is the timed one."""
    from axa.clients.registry import FETCHERS, make_client
    from axa.tasks.stocks.store import QUOTE_COLUMNS
    fetcher, client = FETCHERS["fmp"]["batch-quote"], make_client("fmp", env=env)
    query = fetcher.transform_query({"symbols": symbols, "batch_size": 100})
    columns = [c for c in QUOTE_COLUMNS if c != "dataset"]
    batches, fetching = [], 0.0
    for timed in (False, True):
        for _ in range(runs):
            sandbox.advance(TICK)
            started = time.monotonic()
            raw = fetcher.extract_data(client, query)
            if timed:
                fetching += time.monotonic() - started
                records, _ = fetcher.transform_data(query, raw)
                batches.append([[getattr(r, c, None) for c in columns] + ["fmp.quotes"] for r in records])
        sandbox.advance(-TICK * runs)
    client.close()
    return batches, [*columns, "dataset"], fetching


def raw_upsert(url: str, columns: list[str], batches: list[list]) -> float:
    """Each run's rows: COPY into a temporary table, INSERT … ON CONFLICT DO UPDATE (newer only),
    one transaction per run, into ``bench_raw_quotes`` (a copy of latest_quotes' start state)."""
    import psycopg
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in ("source", "source_instrument_id"))
    with psycopg.connect(url) as conn:
        started = time.monotonic()
        for rows in batches:
            with conn.cursor() as cur:
                cur.execute("CREATE TEMP TABLE incoming (LIKE latest_quotes) ON COMMIT DROP")
                with cur.copy(f"COPY incoming ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(f"INSERT INTO bench_raw_quotes ({names}) SELECT {names} FROM incoming "
                            f"ON CONFLICT (source, source_instrument_id) DO UPDATE SET {updates} "
                            "WHERE bench_raw_quotes.as_of <= EXCLUDED.as_of")
            conn.commit()
        return time.monotonic() - started


def settle(poller) -> None:
    """The same start for every timed phase: dead rows vacuumed, dirty pages written out (a phase
    must not pay for the previous one's autovacuum or checkpoint)."""
    import psycopg
    poller.execute("VACUUM latest_quotes, bench_raw_quotes")
    with suppress(psycopg.errors.InsufficientPrivilege):
        poller.execute("CHECKPOINT")


def report(totals: dict, rounds: list[float], runs: int, concurrency: int) -> None:
    records, raw_records = totals["records"], totals["raw_records"]
    rate, raw_rate = records / totals["seconds"], raw_records / totals["raw_seconds"]
    floor_rate = raw_records / totals["fetch_seconds"]
    verdict = "PASS" if (ratio := rate / raw_rate) >= TARGET else "BELOW"
    cpu, seconds = totals["cpu"], totals["seconds"]
    print(f"   pipeline     {rate:9.0f} records/s  ({records} quotes in {runs} runs, {seconds:.2f} s, "
          f"workers -c {concurrency}; cpu per quote: workers {cpu[0] / records * 1e6:.0f} us, "
          f"sandbox {cpu[1] / records * 1e6:.0f} us)")
    print(f"   raw upsert   {raw_rate:9.0f} records/s  ({raw_records} rows, {totals['raw_seconds']:.2f} s)")
    print(f"   vendor floor {floor_rate:9.0f} records/s  (the sandbox serving them to one client, "
          f"{totals['fetch_seconds']:.2f} s)")
    print(f"   rounds (pipeline / raw upsert, each pair measured back to back): "
          f"{', '.join(f'{r:.2f}' for r in rounds)}")
    print(f"   pipeline / raw upsert = {ratio:.2f} (target >= {TARGET}); pipeline / vendor floor = "
          f"{rate / floor_rate:.2f}")
    print(f"RESULT {NAME} ratio={ratio:.2f} target>={TARGET} {verdict} pipeline_rps={rate:.0f} "
          f"raw_rps={raw_rate:.0f} vendor_floor_rps={floor_rate:.0f} records={records}")


def start(args, stack: ExitStack) -> dict:
    """The sandbox, the workers, the symbol list and the warm-up runs; what the rounds need."""
    import psycopg
    from sqlalchemy.engine import make_url

    from axa.apps import FACTORIES
    from axa.models.ingest import NOTIFY_CHANNEL
    from axa.platform.config import database_url
    url = make_url(database_url("stocks")).set(drivername="postgresql").render_as_string(hide_password=False)
    poller = stack.enter_context(psycopg.connect(url, autocommit=True))
    poller.execute(f"LISTEN {NOTIFY_CHANNEL}")
    poller.add_notify_handler(lambda note: CLOSED.add(json.loads(note.payload)["id"]))
    sandbox = SandboxProcess(START, buckets=round_runs(args) + 1)
    stack.callback(sandbox.close)
    sandbox.wait_ready()
    env, app = vendor_env(sandbox.base_url), FACTORIES["stocks"]()
    sql(app, "TRUNCATE instruments, latest_quotes, daily_bars, ingest_runs, ingest_batches, quarantine")
    worker = PipelineWorker(env, args.concurrency)
    stack.callback(worker.close)
    worker.wait_ready()
    run_and_wait(app, poller, "fmp.symbols", None)
    symbols = [s for (s,) in sql(app, "SELECT source_instrument_id FROM instruments WHERE source = 'fmp' "
                                      "ORDER BY 1 LIMIT :n", {"n": args.symbols})]
    params = None if args.symbols >= UNIVERSE else {"symbols": symbols}
    for _ in range(WARM_UP_RUNS):  # the sandbox's daily caches, the workers' pools and prepared statements
        run_and_wait(app, poller, "fmp.quotes", params)
    sql(app, "DROP TABLE IF EXISTS bench_raw_quotes; CREATE TABLE bench_raw_quotes (LIKE latest_quotes "
             "INCLUDING ALL); INSERT INTO bench_raw_quotes SELECT * FROM latest_quotes")
    stack.callback(sql, app, "DROP TABLE IF EXISTS bench_raw_quotes")
    return {"url": url, "poller": poller, "sandbox": sandbox, "env": env, "app": app, "symbols": symbols,
            "params": params, "pids": {"workers": worker.pids, "sandbox": [sandbox.proc.pid]}}


def measure_round(run: dict, share: int, totals: dict) -> float:
    """One round: the vendor's answers for ``share`` runs (fetched first: the raw upsert's records,
    rendered by the sandbox before the pipeline asks for them), the pipeline's runs, then the raw
    upsert of the same records; its ratio."""
    batches, columns, fetch_seconds = fetch_same_records(run["sandbox"], run["symbols"], share, run["env"])
    settle(run["poller"])
    records, seconds, cpu = pipeline_phase(run["app"], run["poller"], run["sandbox"], run["pids"], share,
                                           run["params"])
    settle(run["poller"])
    raw_seconds = raw_upsert(run["url"], columns, batches)
    raw_records = sum(map(len, batches))
    for key, value in (("records", records), ("seconds", seconds), ("raw_records", raw_records),
                       ("raw_seconds", raw_seconds), ("fetch_seconds", fetch_seconds)):
        totals[key] += value
    totals["cpu"] = [a + b for a, b in zip(totals["cpu"], cpu, strict=True)]
    return (records / seconds) / (raw_records / raw_seconds)


def runs_and_rounds(args, symbols: int) -> tuple[int, int]:
    runs = max(1, math.ceil(args.quotes / symbols))
    return runs, max(1, min(args.rounds, runs))


def round_runs(args) -> int:
    """The most runs a round has (the sandbox keeps that many ticks' quotes rendered)."""
    runs, rounds = runs_and_rounds(args, min(args.symbols, UNIVERSE))
    return math.ceil(runs / rounds)


def measure(args, stack: ExitStack) -> None:
    run = start(args, stack)
    runs, rounds = runs_and_rounds(args, len(run["symbols"]))
    environment.header(NAME, [
        f"{runs} runs x {len(run['symbols'])} FMP quotes: sandbox -> poll -> format -> upsert in the workers "
        f"make run starts (poll-fmp and pipeline, -c {args.concurrency} each) vs COPY + INSERT … "
        f"ON CONFLICT through psycopg, same records; "
        f"in {rounds} rounds of pipeline then raw upsert, each phase after VACUUM + CHECKPOINT"])
    totals = {"records": 0, "seconds": 0.0, "raw_records": 0, "raw_seconds": 0.0, "fetch_seconds": 0.0,
              "cpu": [0.0, 0.0]}
    ratios = [measure_round(run, runs // rounds + (1 if number < runs % rounds else 0), totals)
              for number in range(rounds)]
    report(totals, ratios, runs, args.concurrency)


def main(argv=None) -> int:
    args = parse_args(argv)
    environment.configure()
    environment.prepare_databases()
    with ExitStack() as stack:
        measure(args, stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
