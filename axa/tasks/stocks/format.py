"""``stocks.format.store_batch``: normalize, validate, bulk-upsert, quarantine, count."""
from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from axa.tasks.stocks.flows import PIPELINE


@shared_task(name="stocks.format.store_batch", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=50, time_limit=60)
def store_batch(payload: dict | None):
    return PIPELINE.format(payload)
