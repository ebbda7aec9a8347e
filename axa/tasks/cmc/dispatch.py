"""``cmc.dispatch.*``: beat's entry points into the ingest graph."""
from __future__ import annotations

from celery import shared_task

from axa.tasks.cmc.flows import PIPELINE


@shared_task(name="cmc.dispatch.start_run", soft_time_limit=50, time_limit=60)
def start_run(dataset: str, params: dict | None = None, trigger: str = "beat") -> dict:
    """Record a run of ``dataset``, plan its batches and enqueue poll → format per batch."""
    return PIPELINE.start_run(dataset, params, trigger)


@shared_task(name="cmc.dispatch.run_due", soft_time_limit=50, time_limit=60)
def run_due() -> list:
    """Start every dataset whose last run is older than its schedule (reference data first)."""
    return PIPELINE.run_due()
