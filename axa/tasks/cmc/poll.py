"""``cmc.poll.fetch_cmc``: CoinMarketCap I/O only, on its own queue.

The task polls one batch of a run (``axa.tasks.ingest.poll``: the shared limiter, retries with
backoff and jitter, Retry-After) and hands CMC's answer to ``cmc.format.store_batch``; a batch
that cannot be fetched is recorded as failed and the run goes on. A worker consuming this queue
learns the key's plan limits at start-up (``axa.tasks.cmc.plan``).
"""
from __future__ import annotations

from celery import shared_task

from axa.models.cmc import IngestBatch, db
from axa.tasks import ingest
from axa.tasks.cmc import (
    datasets,
    plan,  # noqa: F401 - the start-up hook that learns CMC's plan limits
)


def fail_batch(run_id: int, batch_no: int, failed: ingest.BatchFailed) -> None:
    """Record the batch as failed (counted once; the run closes when its last batch is in)."""
    IngestBatch.finish(run_id, batch_no, error=str(failed))
    db.session.commit()


@shared_task(name="cmc.poll.fetch_cmc", bind=True, acks_late=True, soft_time_limit=50, time_limit=60)
def fetch_cmc(self, run_id: int, dataset: str, batch_no: int, params: dict) -> dict | None:
    """CMC id map, listings, quotes, coin info and global metrics."""
    try:
        return ingest.poll(self, datasets.get(dataset), run_id, batch_no, params)
    except ingest.BatchFailed as failed:
        return fail_batch(run_id, batch_no, failed)
