"""``stocks.poll.fetch_<vendor>``: vendor I/O only, one queue per vendor."""
from __future__ import annotations

from celery import shared_task

from axa.tasks.stocks.flows import PIPELINE

OPTIONS = {"bind": True, "soft_time_limit": 50, "time_limit": 60, "acks_late": True}


@shared_task(name="stocks.poll.fetch_fmp", **OPTIONS)
def fetch_fmp(self, run_id: int, dataset: str, batch_no: int, params: dict):
    return PIPELINE.poll(self, run_id, dataset, batch_no, params)


@shared_task(name="stocks.poll.fetch_cbonds", **OPTIONS)
def fetch_cbonds(self, run_id: int, dataset: str, batch_no: int, params: dict):
    return PIPELINE.poll(self, run_id, dataset, batch_no, params)


@shared_task(name="stocks.poll.fetch_terrapin", **OPTIONS)
def fetch_terrapin(self, run_id: int, dataset: str, batch_no: int, params: dict):
    return PIPELINE.poll(self, run_id, dataset, batch_no, params)


@shared_task(name="stocks.poll.fetch_fmp_bulk", **OPTIONS)
def fetch_fmp_bulk(self, run_id: int, dataset: str, batch_no: int, params: dict):
    """Backfills (profiles, daily history): a queue of their own beside the live quotes."""
    return PIPELINE.poll(self, run_id, dataset, batch_no, params)
