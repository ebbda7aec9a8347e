"""``cmc.format.store_batch``: normalize, validate, bulk-upsert, quarantine, count; then the
latest USD quotes to Redis."""
from __future__ import annotations

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from axa.models import latest_quotes
from axa.models.cmc import IngestBatch, QuarantinedRecord, db
from axa.platform.redis_client import client_for
from axa.tasks import ingest
from axa.tasks.cmc import datasets
from axa.tasks.cmc.store import store
from axa.tasks.terminal.matching import announce_quotes


def publish_latest(dataset: ingest.Dataset, stored: ingest.Stored) -> None:
    """The latest USD quotes to Redis (the read paths never call a vendor)."""
    if dataset.fresh_for and stored.latest and latest_quotes.write(
            client_for(current_app.config["AXA"].redis_url), stored.latest, dataset.name, dataset.fresh_for):
        announce_quotes([f"{r.source}:{r.source_instrument_id}" for r in stored.latest])


@shared_task(name="cmc.format.store_batch", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=50, time_limit=60)
def store_batch(payload: dict | None) -> dict | None:
    """Transform one polled batch (pure), bulk-upsert the valid records on natural keys,
    quarantine the rejects and mark the batch done: one transaction, counted exactly once (a
    redelivered batch is rolled back). Then the latest USD quotes to Redis
    and the price alerts of its quotes (cmc.alerts.evaluate_quotes)."""
    if payload is None:  # the poll step already recorded the failure
        return None
    dataset = datasets.get(payload["dataset"])
    records, rejects = ingest.transform(dataset, payload["params"], payload)
    stored = store(dataset, records)
    QuarantinedRecord.add_all(payload["run_id"], dataset.vendor, dataset.name, rejects)
    if not IngestBatch.finish(payload["run_id"], payload["batch_no"], stored=len(records),
                              rejected=len(rejects)):
        db.session.rollback()  # a redelivery of a batch already stored
        ingest.evaluate_alerts(dataset, stored.latest)  # the alerts fire nothing twice
        return {"duplicate": True}
    db.session.commit()
    publish_latest(dataset, stored)
    ingest.evaluate_alerts(dataset, stored.latest)
    return {"stored": len(records), "written": stored.written, "rejected": len(rejects)}
