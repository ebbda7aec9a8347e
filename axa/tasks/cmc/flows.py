"""The cmc ingest flows: what ``cmc.dispatch.start_run`` enqueues for a run."""
from __future__ import annotations

from celery import chain, group, signature

from axa.tasks.ingest import Dataset


def batch_flow(run_id: int, dataset: Dataset, batch_no: int, params: dict) -> chain:
    """One batch: ``cmc.poll.fetch_cmc`` on CoinMarketCap's queue, then ``cmc.format.store_batch``
    with what the poll returned."""
    return chain(signature(dataset.poll_task, args=(run_id, dataset.name, batch_no, params)),
                 signature("cmc.format.store_batch"))


def run_flow(run_id: int, dataset: Dataset, batches: list[dict]) -> group:
    """Every batch of a run, side by side; the last batch to finish closes the run."""
    return group(batch_flow(run_id, dataset, batch_no, params) for batch_no, params in enumerate(batches))
