"""``flask --app wsgi refresh-dataset`` and ``list-runs`` on a market subsystem (stocks, cmc;
``AXA_SUBSYSTEM`` picks the app). An external scheduler can drive refreshes with them:
``refresh-dataset`` prints the run id on its first line and, with ``--wait``, exits 0 only when
the run succeeded (1 when it ended partial or failed, 2 when the wait timed out)."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from axa.blueprints.market.controls import SelectionError, controls, progress

COLUMNS = ("ID", "DATASET", "TRIGGER", "STATUS", "BATCHES", "PCT", "STORED", "REJECTED", "ERRORS",
           "STARTED", "SECONDS")


def _split(value: str | None, convert=str) -> list:
    try:
        return [convert(v.strip()) for v in (value or "").split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"not a comma-separated list of integers: {value}") from None


def progress_line(body: dict) -> str:
    return (f"run {body['id']} {body['dataset']}: {body['status']}, "
            f"{body['batches_done']}/{body['batches_total']} batches ({body['progress_pct']}%), "
            f"{body['records_stored']} stored, {body['records_rejected']} rejected, "
            f"{len(body['errors'] or [])} errors")


def wait_for(run_id: int, timeout: float, interval: float) -> dict:
    """Poll the run until it leaves ``running`` (or the deadline), echoing each change."""
    session, deadline, last = controls().db.session, time.monotonic() + timeout, None
    while True:
        session.expire_all()
        body = progress(controls().run(run_id))
        line = progress_line(body)
        if line != last:
            click.echo(line)
            last = line
        if body["status"] != "running" or time.monotonic() >= deadline:
            session.rollback()
            return body
        session.rollback()  # end the snapshot so the next poll sees the workers' commits
        time.sleep(interval)


@click.command("refresh-dataset")
@click.argument("dataset")
@click.option("--symbols", help="Comma-separated symbols (datasets selected by symbol).")
@click.option("--ids", help="Comma-separated vendor ids (datasets selected by id).")
@click.option("--isins", help="Comma-separated ISINs (datasets selected by ISIN).")
@click.option("--wait", is_flag=True, help="Follow the run until it finishes, printing progress.")
@click.option("--timeout", type=float, default=3600.0, show_default=True, help="Seconds to wait.")
@click.option("--interval", type=float, default=2.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def refresh_dataset(dataset, symbols, ids, isins, wait, timeout, interval) -> None:
    """Start a run of DATASET now and print its id."""
    selection = {"symbols": [s.upper() for s in _split(symbols)], "ids": _split(ids, int),
                 "isins": [i.upper() for i in _split(isins)]}
    try:
        started = controls().start(dataset, selection, trigger="cli")
    except SelectionError as exc:
        raise click.UsageError(exc.message) from None
    click.echo(started["run_id"])
    if not wait:
        return
    body = wait_for(started["run_id"], timeout, interval)
    if body["status"] == "running":
        raise click.exceptions.Exit(2)
    if body["status"] != "succeeded":
        raise click.exceptions.Exit(1)


def _row(body: dict) -> tuple:
    finished, started = body["finished_at"], body["started_at"]
    seconds = f"{(finished - started).total_seconds():.1f}" if finished and started else "-"
    return (body["id"], body["dataset"], body["trigger"], body["status"],
            f"{body['batches_done']}/{body['batches_total']}", f"{body['progress_pct']}",
            body["records_stored"], body["records_rejected"], len(body["errors"] or []),
            started.strftime("%Y-%m-%d %H:%M:%S") if started else "-", seconds)


@click.command("list-runs")
@click.option("--dataset", help="Only runs of this dataset.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@with_appcontext
def list_runs(dataset, limit) -> None:
    """Recent ingest runs, newest first, with their progress."""
    try:
        stmt = controls().runs(dataset).limit(limit)
    except SelectionError as exc:
        raise click.UsageError(exc.message) from None
    rows = [COLUMNS] + [tuple(map(str, _row(progress(r))))
                        for r in controls().db.session.scalars(stmt)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
