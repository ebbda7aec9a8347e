"""Ingest bookkeeping shared by the market-data subsystems (stocks, cmc): runs, their batches,
and the quarantine of records that failed validation.

The tables are mixins: each market subsystem's models module declares its own classes on its own
``db`` (``class IngestRun(IngestRunTable, db.Model): pass``).

A batch is marked done exactly once (``INSERT … ON CONFLICT DO NOTHING`` on (run, batch)), in
the same transaction as its upserts, so a redelivered task never double-counts.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, Text, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.base import session_of


def _fragment(raw, limit: int = 4000) -> str:
    try:
        text_ = json.dumps(raw, default=str, sort_keys=True)
    except (TypeError, ValueError):
        text_ = repr(raw)
    return text_[:limit]


class IngestRunTable:
    """``ingest_runs``: one row per run of a dataset (``class IngestRun(IngestRunTable, db.Model)``)."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64), index=True)
    vendor: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16), default="beat")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    batches_total: Mapped[int] = mapped_column(Integer, default=0)
    batches_done: Mapped[int] = mapped_column(Integer, default=0)
    batches_failed: Mapped[int] = mapped_column(Integer, default=0)
    records_stored: Mapped[int] = mapped_column(Integer, default=0)
    records_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)

    def to_dict(self) -> dict:
        return {c: getattr(self, c) for c in (
            "id", "dataset", "vendor", "trigger", "params", "status", "started_at",
            "finished_at", "batches_total", "batches_done", "batches_failed",
            "records_stored", "records_rejected", "errors")}

    @classmethod
    def start(cls, dataset: str, vendor: str, trigger: str, params: dict, *, batches: int) -> IngestRunTable:
        """Record a run of ``batches`` batches (flushed; the caller commits). A run with no
        batch closes at once as succeeded, and says so on ``NOTIFY_CHANNEL``."""
        run = cls(dataset=dataset, vendor=vendor, trigger=trigger, params=params,
                  status="running" if batches else "succeeded", batches_total=batches,
                  batches_done=0, batches_failed=0, records_stored=0, records_rejected=0,
                  errors=[], finished_at=None if batches else datetime.now(UTC))
        session_of(cls).add(run)
        session_of(cls).flush()
        if not batches:
            notify_closed(session_of(cls), run)
        return run

    @classmethod
    def due(cls, dataset: str, schedule: float, deadline: float) -> bool:
        """Whether ``dataset`` starts a run now: its last run began ``schedule`` seconds ago
        or more and is no longer running. Holds the dataset's advisory lock until the
        transaction ends (one dispatcher at a time); a run still running ``deadline``
        seconds after its start is closed as failed (never hung)."""
        session_of(cls).execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                           {"key": f"ingest:{dataset}"})
        last, now = session_of(cls).scalar(cls.recent(dataset).limit(1)), datetime.now(UTC)
        if last is None:
            return True
        age = (now - last.started_at).total_seconds()
        if last.status == "running":
            if age < deadline:
                return False
            last.status, last.finished_at = "failed", now
            last.errors = [*(last.errors or []), f"timed out after {int(age)} s"]
            notify_closed(session_of(cls), last)
        return age >= schedule

    @classmethod
    def recent(cls, dataset: str | None = None):
        stmt = select(cls).order_by(cls.id.desc())
        return stmt.where(cls.dataset == dataset) if dataset else stmt

class IngestBatchTable:
    """``ingest_batches``: each batch of a run, recorded once."""

    __tablename__ = "ingest_batches"

    run_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    stored: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def finish(cls, run_id: int, batch_no: int, *, stored: int = 0, rejected: int = 0,
               error: str | None = None) -> bool:
        """Record the batch once and roll its totals into the run (closing the run when it
        was its last batch); False if already recorded. One statement, one round trip.

        Call inside the transaction that stored the batch; the caller commits."""
        params = {"run_id": run_id, "batch_no": batch_no, "status": "failed" if error else "done",
                  "stored": stored, "rejected": rejected, "error": error, "failed": int(bool(error)),
                  "err": f"batch {batch_no}: {error}"[:500] if error else None,
                  "now": datetime.now(UTC), "channel": NOTIFY_CHANNEL}
        return session_of(cls).execute(_FINISH, params).scalar_one() > 0

class QuarantineTable:
    """``quarantine``: records that failed validation, with the reason."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    vendor: Mapped[str] = mapped_column(String(16))
    dataset: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def add_all(cls, run_id: int | None, vendor: str, dataset: str, rejects) -> int:
        """Bulk-insert rejects ``(reason, raw fragment)``; the caller commits."""
        rows = [{"run_id": run_id, "vendor": vendor, "dataset": dataset,
                 "reason": str(reason)[:300], "raw": _fragment(raw)} for reason, raw in rejects]
        if rows:
            session_of(cls).execute(insert(cls.__table__), rows)
        return len(rows)


NOTIFY_CHANNEL = "axa_ingest_runs"  # LISTEN here: {"id", "dataset", "status"} when a run closes
# The batch row (once: the natural key (run, batch)), then the run's totals, in one statement; a
# run whose batches are all recorded closes as succeeded, failed (every batch failed) or partial.
_FINISH = text("""
WITH batch AS (
  INSERT INTO ingest_batches (run_id, batch_no, status, stored, rejected, error, finished_at)
  VALUES (:run_id, :batch_no, :status, :stored, :rejected, :error, :now)
  ON CONFLICT DO NOTHING RETURNING run_id
), totals AS (
  UPDATE ingest_runs SET
    batches_done = ingest_runs.batches_done + 1,
    batches_failed = ingest_runs.batches_failed + :failed,
    records_stored = ingest_runs.records_stored + :stored,
    records_rejected = ingest_runs.records_rejected + :rejected,
    errors = CASE WHEN CAST(:err AS text) IS NULL THEN ingest_runs.errors
             ELSE (ingest_runs.errors::jsonb || jsonb_build_array(CAST(:err AS text)))::json END,
    finished_at = CASE WHEN ingest_runs.status = 'running'
                         AND ingest_runs.batches_done + 1 >= ingest_runs.batches_total
                       THEN :now ELSE ingest_runs.finished_at END,
    status = CASE WHEN ingest_runs.status <> 'running'
                    OR ingest_runs.batches_done + 1 < ingest_runs.batches_total THEN ingest_runs.status
                  WHEN ingest_runs.batches_failed + :failed = 0 THEN 'succeeded'
                  WHEN ingest_runs.batches_failed + :failed >= ingest_runs.batches_total THEN 'failed'
                  ELSE 'partial' END
  FROM batch WHERE ingest_runs.id = batch.run_id
  RETURNING ingest_runs.id, ingest_runs.dataset, ingest_runs.status, ingest_runs.batches_done,
            ingest_runs.batches_total
), closed AS (
  SELECT pg_notify(CAST(:channel AS text),
                   json_build_object('id', id, 'dataset', dataset, 'status', status)::text)
  FROM totals WHERE batches_done = batches_total
)
SELECT (SELECT count(*) FROM batch) + 0 * (SELECT count(*) FROM closed)  -- closed is read, so it runs
""")
_NOTIFY = text("SELECT pg_notify(CAST(:channel AS text), "
               "json_build_object('id', CAST(:id AS bigint), 'dataset', CAST(:dataset AS text), "
               "'status', CAST(:status AS text))::text)")


def notify_closed(session, run) -> None:
    """Announce a run closed outside ``IngestBatch.finish`` (no batches, or past its deadline) on
    ``NOTIFY_CHANNEL``; delivered when the caller commits, like every close."""
    session.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL, "id": run.id, "dataset": run.dataset,
                              "status": run.status})
