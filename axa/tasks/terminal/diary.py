"""The terminal's fills to the trader's diary: ``relay`` publishes the rows of the diary's outbox
(axa/models/terminal/diary_outbox.py, written in each fill's transaction) as
``stocks.diary.record_fill`` messages on the ``stocks.diary`` queue, then deletes them in the same
transaction that held their locks (SKIP LOCKED: relays running at once share the rows). Matching
relays right after the fills it committed; beat's ``terminal.diary.relay_fills`` sweeps whatever
that could not publish (broker down, worker killed). A row is deleted only after the broker
confirmed its message, so a fill is never lost; one published twice is recorded once by the diary
(its fingerprint is the fill's id)."""
from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy.exc import OperationalError

from axa.models.terminal import DiaryOutbox, db
from axa.platform.celery_app import celery

log = logging.getLogger(__name__)
BATCH = 500
RECORD_FILL = "stocks.diary.record_fill"
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CONFIRM_TIMEOUT = 2.0


def relay(limit: int = 10 * BATCH) -> int:
    """Publish and delete up to ``limit`` outbox rows, a batch a transaction; stop at the first
    broker error (the rows stay for the sweep). How many were published. In eager mode (tests
    without a worker) nothing is published: the rows stay for a worker's sweep."""
    if celery.conf.task_always_eager:
        return 0
    done = 0
    while done < limit:
        rows = DiaryOutbox.claim(min(BATCH, limit - done))
        published = []
        for row in rows:
            try:
                celery.send_task(RECORD_FILL, args=(row.payload,), retry_policy=QUICK_RETRY,
                                 confirm_timeout=CONFIRM_TIMEOUT)
            except BrokerUnavailable as exc:
                log.warning("diary fills left in the outbox for the sweep: %s", exc)
                break
            published.append(row.id)
        DiaryOutbox.drop(published)
        db.session.commit()
        done += len(published)
        if len(published) < len(rows) or len(rows) < BATCH:
            return done
    return done


@shared_task(name="terminal.diary.relay_fills", soft_time_limit=50, time_limit=60,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def relay_fills() -> int:
    """Beat: publish the fills matching could not."""
    return relay()
