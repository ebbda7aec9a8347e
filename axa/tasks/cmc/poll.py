"""``cmc.poll.fetch_cmc``: CoinMarketCap I/O only, on its own queue."""
from __future__ import annotations

from celery import shared_task

from axa.tasks.cmc.flows import PIPELINE


@shared_task(name="cmc.poll.fetch_cmc", bind=True, soft_time_limit=50, time_limit=60, acks_late=True)
def fetch_cmc(self, run_id: int, dataset: str, batch_no: int, params: dict):
    return PIPELINE.poll(self, run_id, dataset, batch_no, params)
