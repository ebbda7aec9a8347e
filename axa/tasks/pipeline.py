"""The market-data ingest pipeline shared by ``stocks`` and ``cmc`` (DESIGN.md §4 rules 6-7, §6).

    beat → dispatch.run_due → start_run(dataset) → per batch: chain(poll.fetch_<vendor> | format.store_batch)

* ``run_due`` starts each dataset whose last run (in ``ingest_runs``) began more than its schedule
  ago, under a PostgreSQL advisory lock, and closes runs that outlived their deadline.
* ``start_run`` records an IngestRun, plans the batches, commits, then enqueues one chain per
  batch. (A manual refresh may overlap a scheduled run; upserts never move a quote backwards.)
* ``poll`` is the only I/O: the fetcher's ``extract_data`` through the shared limiter; it
  retries transient errors with backoff and jitter, honours Retry-After, and on a permanent
  failure records the batch as failed (the run ends ``partial``, never hung).
* ``format`` runs the pure ``transform_data``, bulk-upserts valid records on natural keys,
  quarantines the rejects and marks the batch done, all in one transaction, exactly once.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy import text

from axa.clients import errors
from axa.clients.fetcher import Raw
from axa.clients.limits import VendorLimiter
from axa.clients.registry import FETCHERS, make_client
from axa.clients.values import decode_json
from axa.models.ingest import notify_closed

log = logging.getLogger(__name__)
MAX_POLL_RETRIES = 5
BACKOFF_CAP = 120.0
MAX_RETRY_DELAY = 600.0  # celeryconfig.MAX_RETRY_DELAY: below the Redis visibility timeout


@dataclass(frozen=True)
class Dataset:
    """One refreshable dataset: which fetcher, how to split it into batches, where it lands."""

    name: str
    subsystem: str
    vendor: str
    fetcher: str
    plan: Callable[[dict], list[dict]]  # params -> one params dict per batch
    schedule: float  # seconds between beat runs
    fresh_for: int = 0  # freshness window of quotes from this dataset (0: no quotes)
    description: str = ""
    defaults: dict = field(default_factory=dict)
    bulk: bool = False  # thousands of calls (backfills): its own queue, so live quotes never wait

    @property
    def fetcher_class(self):
        return FETCHERS[self.vendor][self.fetcher]


def backoff_base() -> float:
    """The first retry delay in seconds: ``AXA_INGEST_BACKOFF_BASE`` (default 1; tests lower it)."""
    return current_app.config["AXA"].ingest_backoff_base


def backoff(retries: int) -> float:
    """Exponential backoff with jitter: base * 1, 2, 4 … s (each * 0.5-1 at random), capped."""
    return random.uniform(0.5, 1.0) * min(BACKOFF_CAP, backoff_base() * 2.0 ** retries)


_clients: dict[str, object] = {}


def vendor_client(vendor: str):
    """One client per vendor per process, sharing the Redis token bucket and quota ledger."""
    url = current_app.config["AXA"].redis_url
    key = f"{vendor}|{url}"
    if key not in _clients:
        _clients[key] = make_client(vendor, limiter=VendorLimiter.from_env(url, wait_limit=15.0))
    return _clients[key]


def reset_vendor_clients() -> None:
    _clients.clear()


def run_deadline(dataset: Dataset) -> float:
    """A run still "running" after this many seconds is closed as failed (never hung)."""
    return max(600.0, 3 * dataset.schedule)


def extract(dataset: Dataset, params: dict) -> dict:
    """The poll step: vendor I/O only. Raises the vendor error hierarchy.

    Where each page is a whole response body, the bodies travel to the format step as the JSON
    text the vendor sent (``bodies``), not as decoded values: the broker then carries one string
    per call instead of a tagged object per Decimal, and the format step decodes it exactly."""
    fetcher = dataset.fetcher_class
    raw = fetcher.extract_data(vendor_client(dataset.vendor), fetcher.transform_query(params))
    texts = _texts(raw)
    pages = {"pages": list(raw.exact_pages())} if texts is None else {"bodies": texts}
    return {**pages, "fetched_at": raw.fetched_at.isoformat(), "credit_count": raw.credit_count}


def _texts(raw: Raw) -> list[str] | None:
    if not raw.pages or len(raw.bodies) != len(raw.pages):
        return None
    try:
        return [body.decode("utf-8") for body in raw.bodies]
    except UnicodeDecodeError:  # JSON in UTF-16/32: send the decoded pages
        return None


def transform(dataset: Dataset, params: dict, extracted: dict):
    """The format step's pure part: (records, rejects); a body we cannot read is one reject."""
    fetcher = dataset.fetcher_class
    try:
        pages = extracted["pages"] if "pages" in extracted else [decode_json(t) for t in extracted["bodies"]]
    except ValueError as exc:  # the poll step read these bodies: only a damaged message lands here
        return [], [(f"unreadable response: {exc}", extracted["bodies"])]
    raw = Raw(tuple(pages), datetime.fromisoformat(extracted["fetched_at"]),
              extracted.get("credit_count", 0))
    try:
        return fetcher.transform_data(fetcher.transform_query(params), raw)
    except errors.VendorError as exc:
        return [], [(f"unreadable response: {exc.message}", pages)]


def classify(exc: Exception, retries: int) -> tuple[str, float | None]:
    """What a poll failure means: ("retry", countdown) or ("fail", None)."""
    if isinstance(exc, errors.RateLimited) and retries < MAX_POLL_RETRIES:
        wait = min(exc.retry_after if exc.retry_after is not None else 60.0, MAX_RETRY_DELAY)
        return "retry", wait + random.uniform(0, 1.0)
    if isinstance(exc, errors.VendorError) and exc.retryable and retries < MAX_POLL_RETRIES:
        return "retry", backoff(retries)
    return "fail", None


def now_utc() -> datetime:
    return datetime.now(UTC)


class Pipeline:
    """The run / poll / format bodies for one subsystem's datasets and database."""

    def __init__(self, subsystem: str, models, datasets: dict[str, Dataset],
                 store: Callable[[Dataset, list], int], order: tuple[str, ...] = ()):
        self.subsystem = subsystem
        self.models = models  # module with db, IngestRun, IngestBatch, QuarantinedRecord
        self.datasets = datasets
        self.store = store
        self.order = order or tuple(datasets)

    def poll_task(self, vendor: str, bulk: bool = False) -> str:
        return f"{self.subsystem}.poll.fetch_{vendor}{'_bulk' if bulk else ''}"

    @property
    def format_task(self) -> str:
        return f"{self.subsystem}.format.store_batch"

    def dataset(self, name: str) -> Dataset:
        if name not in self.datasets:
            raise KeyError(f"unknown dataset {name!r}; known: {', '.join(sorted(self.datasets))}")
        return self.datasets[name]

    # ---- dispatch --------------------------------------------------------------------------
    def start_run(self, name: str, params: dict | None = None, trigger: str = "beat") -> dict:
        from celery import chain, signature
        dataset, m = self.dataset(name), self.models
        params = {**dataset.defaults, **(params or {})}
        batches = dataset.plan(params)
        if not batches and trigger == "beat":
            m.db.session.rollback()  # nothing to read yet (reference data pending): due again next tick
            return {"skipped": "nothing to refresh yet"}
        run = m.IngestRun.start(name, dataset.vendor, trigger, params)
        run.batches_total = len(batches)
        if not batches:
            run.status, run.finished_at = "succeeded", now_utc()
            notify_closed(m.db.session, run)
        m.db.session.commit()
        for number, batch in enumerate(batches):
            chain(signature(self.poll_task(dataset.vendor, dataset.bulk), args=(run.id, name, number, batch)),
                  signature(self.format_task)).apply_async()
        log.info("run %s of %s: %d batches", run.id, name, len(batches))
        return {"run_id": run.id, "batches": len(batches)}

    def run_due(self) -> list[dict]:
        """Start each dataset whose last run began more than its schedule ago; close runs
        that outlived their deadline. Persisted in the runs table, so restarts lose nothing."""
        started = []
        for name in self.order:
            if self._due(self.dataset(name)):
                result = self.start_run(name, None, "beat")
                if "run_id" in result:
                    started.append({"dataset": name, **result})
            else:
                self.models.db.session.rollback()  # releases the advisory lock
        return started

    def _due(self, dataset: Dataset) -> bool:
        m, now = self.models, now_utc()
        m.db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                             {"key": f"ingest:{dataset.name}"})
        last = m.db.session.scalar(m.IngestRun.recent(dataset.name).limit(1))
        if last is None:
            return True
        age = (now - last.started_at).total_seconds()
        if last.status == "running":
            if age < run_deadline(dataset):
                return False
            last.status, last.finished_at = "failed", now
            last.errors = [*(last.errors or []), f"timed out after {int(age)} s"]
            notify_closed(m.db.session, last)
        return age >= dataset.schedule

    # ---- poll ------------------------------------------------------------------------------
    def poll(self, task, run_id: int, name: str, batch_no: int, params: dict) -> dict | None:
        dataset = self.dataset(name)
        try:
            extracted = extract(dataset, params)
        except errors.VendorError as exc:
            verdict, countdown = classify(exc, task.request.retries)
            if verdict == "retry":
                log.warning("%s batch %s: %s; retry in %.1f s", name, batch_no, exc, countdown)
                raise task.retry(exc=exc, countdown=countdown, max_retries=MAX_POLL_RETRIES) from exc
            self.fail_batch(run_id, batch_no, f"{type(exc).__name__}: {exc}")
            return None
        except ValueError as exc:  # the params themselves are invalid
            self.fail_batch(run_id, batch_no, f"invalid parameters: {exc}")
            return None
        except redis.RedisError as exc:  # the shared limiter is unreachable: fail closed, retry
            if task.request.retries >= MAX_POLL_RETRIES:
                self.fail_batch(run_id, batch_no, f"limiter unavailable: {type(exc).__name__}")
                return None
            raise task.retry(exc=exc, countdown=backoff(task.request.retries),
                             max_retries=MAX_POLL_RETRIES) from exc
        except SoftTimeLimitExceeded:  # a slow vendor or a long wait for tokens: never hang the run
            self.fail_batch(run_id, batch_no, "timed out (soft time limit)")
            return None
        return {"run_id": run_id, "dataset": name, "batch_no": batch_no, "params": params,
                **extracted}

    def fail_batch(self, run_id: int, batch_no: int, error: str) -> None:
        m = self.models
        m.IngestBatch.finish(run_id, batch_no, error=error)
        m.db.session.commit()

    # ---- format ----------------------------------------------------------------------------
    def format(self, payload: dict | None) -> dict | None:
        if payload is None:  # the poll step already recorded the failure
            return None
        dataset, m = self.dataset(payload["dataset"]), self.models
        records, rejects = transform(dataset, payload["params"], payload)
        stored = self.store(dataset, records)
        m.QuarantinedRecord.add_all(payload["run_id"], dataset.vendor, dataset.name, rejects)
        if not m.IngestBatch.finish(payload["run_id"], payload["batch_no"], stored=len(records),
                                    rejected=len(rejects)):
            m.db.session.rollback()  # a redelivery of a batch already stored
            return {"duplicate": True}
        m.db.session.commit()
        self.after_commit(dataset, records)
        return {"stored": len(records), "written": stored, "rejected": len(rejects)}

    def after_commit(self, dataset: Dataset, records: list) -> None:
        """Hook for work that follows a committed batch (latest quotes to Redis)."""
