"""``stocks.dispatch.*``: beat's entry points into the ingest graph (axa/tasks/ingest.py)."""
from __future__ import annotations

import logging

from celery import shared_task

from axa.models.stocks import IngestRun, db
from axa.tasks.stocks import datasets, flows

log = logging.getLogger(__name__)


@shared_task(name="stocks.dispatch.start_run", soft_time_limit=50, time_limit=60)
def start_run(dataset: str, params: dict | None = None, trigger: str = "beat") -> dict:
    """Record a run of ``dataset``, plan its batches, commit, then enqueue poll → format per batch.
    (A manual refresh may overlap a scheduled run; upserts never move a quote backwards.)"""
    chosen = datasets.get(dataset)
    params = {**chosen.defaults, **(params or {})}
    batches = chosen.plan(params)
    if not batches and trigger == "beat":
        db.session.rollback()  # nothing to read yet (reference data pending): due again next tick
        return {"skipped": "nothing to refresh yet"}
    run = IngestRun.start(dataset, chosen.vendor, trigger, params, batches=len(batches))
    db.session.commit()
    flows.run_flow(run.id, chosen, batches).apply_async()
    log.info("run %s of %s: %d batches", run.id, dataset, len(batches))
    return {"run_id": run.id, "batches": len(batches)}


@shared_task(name="stocks.dispatch.run_due", soft_time_limit=50, time_limit=60)
def run_due() -> list[dict]:
    """Start each scheduled dataset whose last run began more than its schedule ago, in catalogue
    order (reference data first); close runs that outlived their deadline. The runs table is the
    schedule's memory, so restarts lose nothing."""
    started = []
    for dataset in datasets.CATALOGUE.values():
        if dataset.scheduled and IngestRun.due(dataset.name, dataset.schedule, dataset.deadline):
            result = start_run(dataset.name)
            if "run_id" in result:
                started.append({"dataset": dataset.name, **result})
        else:
            db.session.rollback()  # releases the advisory lock
    return started
