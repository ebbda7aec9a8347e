"""The Celery entry points that several subsystems share in shape, defined once.

Each subsystem's stage module (``tasks/<subsystem>/<stage>.py``) calls these with its own names,
so task names stay ``<subsystem>.<stage>.<verb>_<noun>`` and routing stays in celeryconfig.
"""
from __future__ import annotations

from celery import shared_task
from redis import RedisError
from sqlalchemy.exc import OperationalError

STAGE_LIMITS = {"soft_time_limit": 50, "time_limit": 60}


def replica_upsert_task(subsystem: str, user_model):
    """``<subsystem>.sync.upsert_users``: apply user snapshots to the local replica if newer."""
    @shared_task(name=f"{subsystem}.sync.upsert_users", autoretry_for=(OperationalError, RedisError),
                 retry_backoff=True, retry_jitter=True, max_retries=8, soft_time_limit=25, time_limit=30)
    def upsert_users(snapshots: list[dict]) -> int:
        return user_model.apply_snapshots(snapshots)
    return upsert_users


def dispatch_tasks(pipeline):
    """``<subsystem>.dispatch.start_run`` and ``.run_due``: beat's entry points into the graph."""
    @shared_task(name=f"{pipeline.subsystem}.dispatch.start_run", **STAGE_LIMITS)
    def start_run(dataset: str, params: dict | None = None, trigger: str = "beat") -> dict:
        """Record a run of ``dataset``, plan its batches and enqueue poll → format per batch."""
        return pipeline.start_run(dataset, params, trigger)

    @shared_task(name=f"{pipeline.subsystem}.dispatch.run_due", **STAGE_LIMITS)
    def run_due() -> list:
        """Start every dataset whose last run is older than its schedule (reference data first)."""
        return pipeline.run_due()
    return start_run, run_due


def poll_task(pipeline, vendor: str, bulk: bool = False):
    """``<subsystem>.poll.fetch_<vendor>[_bulk]``: vendor I/O only, on the vendor's own queue."""
    @shared_task(name=pipeline.poll_task(vendor, bulk), bind=True, acks_late=True, **STAGE_LIMITS)
    def fetch(self, run_id: int, dataset: str, batch_no: int, params: dict):
        return pipeline.poll(self, run_id, dataset, batch_no, params)
    return fetch


def format_task(pipeline):
    """``<subsystem>.format.store_batch``: normalize, validate, bulk-upsert, quarantine, count."""
    @shared_task(name=pipeline.format_task, autoretry_for=(OperationalError,), retry_backoff=True,
                 retry_jitter=True, max_retries=5, **STAGE_LIMITS)
    def store_batch(payload: dict | None):
        return pipeline.format(payload)
    return store_batch
