"""``stocks.journal.compute_excursions`` on the ``stocks.journal`` queue: the MFE, MAE and best
exit of an account's trades from the platform's price history (axa/blueprints/stocks/diary/
excursions.py), stored per trade.

Announced by ``trades_changed`` after executions are added (by hand, or by an import or the
terminal's fills: their code calls it too) for the symbols they touched, and on demand through
``POST /api/v1/diary/accounts/{id}/excursions`` for all of them. Idempotent (an upsert per trade,
the figures a function of the executions and the bars): a redelivered task writes the same rows."""
from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy.exc import OperationalError

from axa.blueprints.stocks.diary import excursions

log = logging.getLogger(__name__)
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
TRANSIENT = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_jitter": True,
             "max_retries": 8}


@shared_task(name="stocks.journal.compute_excursions", soft_time_limit=280, time_limit=300, **TRANSIENT)
def compute_excursions(account_id: int, symbols: list[str] | None = None) -> dict:
    """Compute and store the excursions of the account's trades (of ``symbols``; None: all)."""
    return excursions.refresh(account_id, symbols or None)


def trades_changed(account_id: int, symbols: list[str] | None = None) -> bool:
    """Call after committing new executions: their trades' excursions are computed again. A broker
    that does not answer loses only promptness (the trades show ``pending``; on demand recomputes)."""
    try:
        compute_excursions.apply_async(args=(account_id, sorted(set(symbols)) if symbols else None),
                                       retry_policy=QUICK_RETRY)
        return True
    except BrokerUnavailable as exc:
        log.warning("excursions not announced for diary account %d: %s", account_id, exc)
        return False
