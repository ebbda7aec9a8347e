"""``stocks.diary_imports.import_csv`` on the ``stocks.diary_imports`` queue: one broker CSV upload
into a diary account's executions, with a report.

Each line is read by the import's preset or generic mapping (axa/models/stocks/diary_brokers.py);
a line that does not read is rejected with its number (``csv`` line numbers: the header is 1) and
why. A line whose execution fingerprint (``fingerprint_of``: symbol, side, quantity, price, fee,
time; the same as manual entry) equals an earlier line's or one the account holds is a duplicate,
skipped. The lines left go in through a COPY into a temporary table and one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` under the account's row lock (as manual entry takes),
so two imports of the same file at once add its executions once, and the account's execution
limit stays exact (the lines past it are rejected).

Exactly once: the whole import is one transaction under the import row's lock; a redelivered job
(a worker killed mid-way) finds the row not done and runs again from the start, and a second copy
running at once finds the row locked and leaves it. Progress (lines read) is kept in Redis for
``GET …/imports/{id}`` while it runs; the report stays on the import row afterwards."""
from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

from celery import shared_task
from sqlalchemy import select, text

from axa.models import import_jobs
from axa.models.stocks import DiaryAccount, DiaryExecution, DiaryImport, db
from axa.models.stocks import diary_brokers as brokers
from axa.models.stocks.diary import fingerprint_of
from axa.models.stocks.diary_sources import REJECTED_KEPT
from axa.platform.redis_client import get_redis

log = logging.getLogger(__name__)
PROGRESS_EVERY = 1000
PROGRESS_TTL = 86400
COLUMNS = ("line", "symbol", "side", "quantity", "price", "fee", "executed_at", "fingerprint")
STAGE = text("CREATE TEMPORARY TABLE diary_import_rows (line integer, symbol text, side text, "
             "quantity numeric, price numeric, fee numeric, executed_at timestamptz, fingerprint text) "
             "ON COMMIT DROP")
HELD = text("DELETE FROM diary_import_rows AS r USING diary_executions AS e "
            "WHERE e.account_id = :account AND e.fingerprint = r.fingerprint")
PAST_ROOM = text("DELETE FROM diary_import_rows WHERE line IN "
                 "(SELECT line FROM diary_import_rows ORDER BY line OFFSET :room) RETURNING line")
INSERT = text("INSERT INTO diary_executions (account_id, symbol, side, quantity, price, fee, executed_at, "
              "fingerprint) SELECT :account, symbol, side, quantity, price, fee, executed_at, fingerprint "
              "FROM diary_import_rows ORDER BY line "
              "ON CONFLICT ON CONSTRAINT uq_diary_executions_account_fingerprint DO NOTHING")


def progress_key(import_id: int) -> str:
    return f"axa:stocks:diary-import:{import_id}:progress"


class Report:
    def __init__(self) -> None:
        self.rejected: list[dict] = []
        self.count = 0
        self.duplicates = 0
        self.imported = 0

    def reject(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append({"line": line, "reason": reason[:300]})


def read_lines(csv_text: str, layout: brokers.Layout, report: Report, progress=None) -> list[tuple]:
    """The lines that read as executions, once each (by fingerprint), as rows of ``COLUMNS``."""
    reader = csv.DictReader(io.StringIO(csv_text))
    zone, now, seen, rows = layout.zone(), datetime.now(UTC), set(), []
    try:
        for count, row in enumerate(reader, start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
            line = reader.line_num
            if None in row:
                report.reject(line, "More cells than the header has columns.")
                continue
            try:
                fields = brokers.execution(row, layout, zone, now)
            except brokers.BadLine as bad:
                report.reject(line, str(bad))
                continue
            fingerprint = fingerprint_of(*fields)
            if fingerprint in seen:
                report.duplicates += 1
                continue
            seen.add(fingerprint)
            rows.append((line, *fields, fingerprint))
    except csv.Error as exc:
        report.reject(reader.line_num, f"The CSV stops reading here: {exc}.")
    return rows


def store(account_id: int, rows: list[tuple], report: Report, limit: int | None) -> None:
    """Insert the rows the (locked) account does not hold, at most up to ``limit`` executions."""
    db.session.execute(STAGE)
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY diary_import_rows ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    report.duplicates += db.session.execute(HELD, {"account": account_id}).rowcount
    if limit is not None:
        room = max(0, limit - DiaryExecution.count_in(account_id))
        for line in db.session.scalars(PAST_ROOM, {"room": room}):
            report.reject(line, f"The account would hold over {limit} executions.")
    staged = db.session.scalar(text("SELECT count(*) FROM diary_import_rows"))
    report.imported = db.session.execute(INSERT, {"account": account_id}).rowcount
    report.duplicates += staged - report.imported
    db.session.execute(text("DROP TABLE diary_import_rows"))




def run(job: DiaryImport) -> Report:
    from axa.blueprints.stocks.diary.service import EXECUTIONS_MAX  # the blueprint imports this module
    redis, report = get_redis(), Report()
    layout = brokers.layout_of(job.preset, job.mapping)
    rows = read_lines(job.csv_text, layout, report,
                      lambda done: redis.set(progress_key(job.id), done, ex=PROGRESS_TTL))
    db.session.scalar(select(DiaryAccount.id).where(DiaryAccount.id == job.account_id).with_for_update())
    store(job.account_id, rows, report, EXECUTIONS_MAX)
    return report


@shared_task(name="stocks.diary_imports.import_csv", soft_time_limit=240, time_limit=300)
def import_csv(import_id: int) -> str:
    job = import_jobs.claim(db.session, DiaryImport, import_id)
    if job is None:
        return "skipped"  # finished before, or running in another worker
    try:
        report = run(job)
    except Exception as exc:
        import_jobs.fail(db.session, DiaryImport, import_id, exc)
        return "failed"
    job.imported, job.duplicates, job.rejected_count = report.imported, report.duplicates, report.count
    job.rejected = sorted(report.rejected, key=lambda entry: entry["line"])
    job.status, job.finished_at = "done", datetime.now(UTC)
    if report.imported:
        db.session.get(DiaryAccount, job.account_id).touch()
    db.session.commit()
    get_redis().delete(progress_key(import_id))
    if report.imported:  # the trades' MFE/MAE counted again (stocks.journal)
        from axa.tasks.stocks.journal import trades_changed  # it imports the blueprint, which imports this
        trades_changed(job.account_id)
    return "done"
