"""Price alerts evaluated inside the ingest graph (queue ``cmc.alerts``).

    <sub>.format.store_batch (stocks or cmc) --commit, quotes to Redis--> cmc.alerts.evaluate_quotes
        --commit (alert state + event rows)--> cmc.mail.send_alert (queue ``mail``)

``evaluate_quotes`` gets one batch's latest quotes (axa/tasks/ingest.py ``alert_payload``) and
moves the active alerts of those refs only (axa/models/cmc/alert_batch.py): a conditional UPDATE
moves each alert whose side changes and the firings' event rows are written by the same
statement, so a redelivered batch, or one evaluated twice at once, fires nothing
twice; a worker killed before the commit leaves the message to be redelivered (late ack), and the
redelivery fires what the first attempt would have.

Mail is sent after the commit. An event whose mail is still pending after
``AXA_CMC_ALERTS_MAIL_RELAY_AFTER_S`` (its worker died between commit and publish) is sent again by
``relay_mail`` on beat; ``send_alert`` sends each event's mail once.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import shared_task, signature
from sqlalchemy.exc import OperationalError

from axa.models.cmc import AlertEvent, alert_batch, db
from axa.models.cmc.alert_rules import from_payload
from axa.models.cmc.alert_settings import alert_settings

log = logging.getLogger(__name__)
RELAY_BATCH = 500


def send_mail_of(events: list[tuple[int, str | None]]) -> None:
    for event_id, mail_state in events:
        if mail_state == "pending":
            signature("cmc.mail.send_alert", args=(event_id,)).apply_async()


@shared_task(name="cmc.alerts.evaluate_quotes", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=25, time_limit=30)
def evaluate_quotes(quotes: list[list]) -> dict:
    """Check the active alerts of one quote batch's symbols; fire the ones it crosses, once."""
    events = alert_batch.evaluate(from_payload(quotes))
    db.session.commit()
    send_mail_of(events)
    return {"quotes": len(quotes), "fired": len(events)}


@shared_task(name="cmc.alerts.relay_mail", soft_time_limit=25, time_limit=30)
def relay_mail() -> int:
    """Send again the alert mail left pending longer than the relay delay (beat)."""
    older_than = datetime.now(UTC) - timedelta(seconds=alert_settings().mail_relay_after_s)
    pending = AlertEvent.mail_pending(older_than, RELAY_BATCH)
    db.session.rollback()
    for event_id in pending:
        signature("cmc.mail.send_alert", args=(event_id,)).apply_async()
    return len(pending)
