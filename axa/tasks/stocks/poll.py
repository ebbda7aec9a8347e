"""``stocks.poll.fetch_<vendor>``: vendor I/O only, one queue per vendor (and one for FMP's
backfills, so live quotes never wait behind thousands of profile or history calls).

Each task polls one batch of a run (``axa.tasks.ingest.poll``: the shared limiter, retries with
backoff and jitter, Retry-After) and hands the vendor's answer to ``stocks.format.store_batch``;
a batch that cannot be fetched is recorded as failed and the run goes on.
"""
from __future__ import annotations

from celery import shared_task

from axa.models.stocks import IngestBatch, db
from axa.tasks import ingest
from axa.tasks.stocks import datasets

LIMITS = {"soft_time_limit": 50, "time_limit": 60}


def fail_batch(run_id: int, batch_no: int, failed: ingest.BatchFailed) -> None:
    """Record the batch as failed (counted once; the run closes when its last batch is in)."""
    IngestBatch.finish(run_id, batch_no, error=str(failed))
    db.session.commit()


@shared_task(name="stocks.poll.fetch_fmp", bind=True, acks_late=True, **LIMITS)
def fetch_fmp(self, run_id: int, dataset: str, batch_no: int, params: dict) -> dict | None:
    """FMP symbols and quotes."""
    try:
        return ingest.poll(self, datasets.get(dataset), run_id, batch_no, params)
    except ingest.BatchFailed as failed:
        return fail_batch(run_id, batch_no, failed)


@shared_task(name="stocks.poll.fetch_fmp_bulk", bind=True, acks_late=True, **LIMITS)
def fetch_fmp_bulk(self, run_id: int, dataset: str, batch_no: int, params: dict) -> dict | None:
    """FMP profiles and daily history (backfills: thousands of calls)."""
    try:
        return ingest.poll(self, datasets.get(dataset), run_id, batch_no, params)
    except ingest.BatchFailed as failed:
        return fail_batch(run_id, batch_no, failed)


@shared_task(name="stocks.poll.fetch_cbonds", bind=True, acks_late=True, **LIMITS)
def fetch_cbonds(self, run_id: int, dataset: str, batch_no: int, params: dict) -> dict | None:
    """Cbonds emissions, issuers and trading results."""
    try:
        return ingest.poll(self, datasets.get(dataset), run_id, batch_no, params)
    except ingest.BatchFailed as failed:
        return fail_batch(run_id, batch_no, failed)


@shared_task(name="stocks.poll.fetch_terrapin", bind=True, acks_late=True, **LIMITS)
def fetch_terrapin(self, run_id: int, dataset: str, batch_no: int, params: dict) -> dict | None:
    """Terrapin bond search, reference data and latest prices."""
    try:
        return ingest.poll(self, datasets.get(dataset), run_id, batch_no, params)
    except ingest.BatchFailed as failed:
        return fail_batch(run_id, batch_no, failed)
