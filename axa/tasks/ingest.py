"""The parts of a market-data ingest run that ``stocks`` and ``cmc`` share (DESIGN.md §4 rules
6-7, §6): what a dataset is, the poll step's vendor I/O and its failure policy, and the format
step's pure transform. Each subsystem's tasks call these with its own datasets and models:

    beat → <sub>.dispatch.run_due → <sub>.dispatch.start_run(dataset)
         → per batch (<sub>/flows.py): <sub>.poll.fetch_<vendor> | <sub>.format.store_batch

* ``poll`` is the only I/O: the fetcher's ``extract_data`` through the shared limiter. It retries
  transient errors with backoff and jitter and honours Retry-After; a failure that will not pass
  raises ``BatchFailed``, which the poll task records (the run ends ``partial``, never hung).
* ``transform`` is the format step's pure part: the fetcher's ``transform_data`` into records and
  rejects; the format task stores them, quarantines the rejects and marks the batch, exactly once.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import redis
from celery import Task, signature
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app

from axa.clients import errors
from axa.clients.fetcher import Raw
from axa.clients.limits import VendorLimiter
from axa.clients.registry import FETCHERS, make_client
from axa.clients.values import decode_json
from axa.platform.config import dataset_schedule

log = logging.getLogger(__name__)
MAX_POLL_RETRIES = 5
BACKOFF_CAP = 120.0
MAX_RETRY_DELAY = 600.0  # celeryconfig.MAX_RETRY_DELAY: below the Redis visibility timeout


@dataclass(frozen=True)
class Dataset:
    """One refreshable dataset: which fetcher, which poll task, how to split it into batches."""

    name: str  # "fmp.quotes": <vendor>.<what>
    vendor: str
    fetcher: str  # its fetcher in axa.clients.registry.FETCHERS[vendor]
    poll_task: str  # the task that polls it, on that vendor's queue ("stocks.poll.fetch_fmp")
    plan: Callable[[dict], list[dict]]  # params -> one params dict per batch
    every: float  # default seconds between beat runs (AXA_SCHEDULE_<DATASET> overrides)
    fresh_for: int = 0  # freshness window of quotes from this dataset (0: no quotes)
    description: str = ""
    defaults: dict = field(default_factory=dict)  # run parameters unless the caller gives them
    scheduled: bool = True  # False: runs only when asked (admin API, CLI)

    @property
    def schedule(self) -> float:
        return dataset_schedule(self.name, self.every)

    @property
    def deadline(self) -> float:
        """A run still "running" after this many seconds is closed as failed (never hung)."""
        return max(600.0, 3 * self.schedule)

    @property
    def fetcher_class(self):
        return FETCHERS[self.vendor][self.fetcher]


class Stored(NamedTuple):
    """What a format step's upserts wrote, and what goes to Redis once they are committed."""

    written: int  # rows inserted or changed
    latest: Sequence  # the latest QuoteRecord per instrument (latest_per_instrument, computed once)
    instruments: Sequence = ()  # InstrumentRecords, for the symbol index


class BatchFailed(Exception):
    """A batch the poll step gives up on; its message is recorded on the batch and the run."""


def backoff(retries: int) -> float:
    """Exponential backoff with jitter: base * 1, 2, 4 … s (each * 0.5-1 at random), capped;
    the base is ``AXA_INGEST_BACKOFF_BASE``."""
    base = current_app.config["AXA"].ingest_backoff_base
    return random.uniform(0.5, 1.0) * min(BACKOFF_CAP, base * 2.0 ** retries)


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


def extract(dataset: Dataset, params: dict) -> dict:
    """The poll step's vendor I/O. Raises the vendor error hierarchy.

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


def classify(exc: Exception, retries: int) -> tuple[str, float | None]:
    """What a poll failure means: ("retry", countdown) or ("fail", None)."""
    if isinstance(exc, errors.RateLimited) and retries < MAX_POLL_RETRIES:
        wait = min(exc.retry_after if exc.retry_after is not None else 60.0, MAX_RETRY_DELAY)
        return "retry", wait + random.uniform(0, 1.0)
    if isinstance(exc, errors.VendorError) and exc.retryable and retries < MAX_POLL_RETRIES:
        return "retry", backoff(retries)
    return "fail", None


def poll(task: Task, dataset: Dataset, run_id: int, batch_no: int, params: dict) -> dict:
    """One batch's vendor I/O, as the payload of the format task. A transient failure retries
    ``task`` (raises ``Retry``); one that will not pass raises ``BatchFailed``."""
    retries = task.request.retries
    try:
        extracted = extract(dataset, params)
    except errors.VendorError as exc:
        verdict, countdown = classify(exc, retries)
        if verdict != "retry":
            raise BatchFailed(f"{type(exc).__name__}: {exc}") from exc
        log.warning("%s batch %s: %s; retry in %.1f s", dataset.name, batch_no, exc, countdown)
        raise task.retry(exc=exc, countdown=countdown, max_retries=MAX_POLL_RETRIES) from exc
    except ValueError as exc:  # the params themselves are invalid
        raise BatchFailed(f"invalid parameters: {exc}") from exc
    except redis.RedisError as exc:  # the shared limiter is unreachable: fail closed, retry
        if retries >= MAX_POLL_RETRIES:
            raise BatchFailed(f"limiter unavailable: {type(exc).__name__}") from exc
        raise task.retry(exc=exc, countdown=backoff(retries), max_retries=MAX_POLL_RETRIES) from exc
    except SoftTimeLimitExceeded as exc:  # a slow vendor or a long wait for tokens: never hang
        raise BatchFailed("timed out (soft time limit)") from exc
    return {"run_id": run_id, "dataset": dataset.name, "batch_no": batch_no, "params": params,
            **extracted}


def transform(dataset: Dataset, params: dict, extracted: dict) -> tuple[list, list]:
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


def alert_payload(latest: Sequence) -> list[list]:
    """A batch's latest quotes as ``cmc.alerts.evaluate_quotes`` reads them
    (axa/models/cmc/alert_rules.py ``from_payload``): ``[ref, price, change_pct_1h,
    change_pct_24h, as_of]``, decimals as text; a day-precision price (dated by its trading day)
    is timed by when it was fetched, so the day's later prices are newer."""
    def text(value) -> str | None:
        return None if value is None else str(value)
    return [[f"{r.source}:{r.source_instrument_id}", str(r.price), text(r.change_pct_1h), text(r.change_pct),
             (r.fetched_at if r.as_of_precision == "day" else r.as_of).isoformat()]
            for r in latest if r.price is not None]


def evaluate_alerts(dataset: Dataset, latest: Sequence) -> None:
    """Hand a committed batch's live quotes to the price alerts (cmc.alerts.evaluate_quotes: only
    the alerts of these symbols are read). Sent again with a redelivered batch: the evaluation
    fires nothing twice, and a worker that died between the commit and this publish loses nothing."""
    if dataset.fresh_for and latest:
        signature("cmc.alerts.evaluate_quotes", args=(alert_payload(latest),)).apply_async()
