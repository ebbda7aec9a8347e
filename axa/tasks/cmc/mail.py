"""``cmc.mail.send_alert`` on the ``mail`` queue: an alert event's mail, sent once.

The event row is the outbox (``mail_state`` ``pending``, written with the firing) and the sent
ledger (``sent`` once delivered). The row stays locked (``FOR UPDATE SKIP LOCKED``) while its mail
is sent, so the evaluation's own publish and beat's relay never send it twice at once; the message
id is the event's, so a mail folder keeps one file per event whatever happens. Transient failures
are retried with backoff and jitter; a refused address or a user gone or disabled is ``skipped``.
"""
from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from axa.models.cmc import AlertEvent, User, db
from axa.platform.fields import timestamp_text
from axa.platform.mail import TransientMailError, deliver, render

log = logging.getLogger(__name__)
WHAT = {"price_above": "the price reached {level}", "price_below": "the price fell to {level}",
        "change_up": "it rose {threshold} % or more over {window}",
        "change_down": "it fell {threshold} % or more over {window}",
        "change_any": "it moved {threshold} % or more over {window}"}


def message_id(event_id: int) -> str:
    return f"axa-alert-{event_id}"


def context(event: AlertEvent, user: User) -> dict:
    what = WHAT[event.condition].format(level=_plain(event.level), threshold=_plain(event.threshold_pct),
                                        window=event.window)
    link = f"{current_app.config['AXA'].public_url.rstrip('/')}/alerts"
    return {"display_name": user.display_name, "symbol": event.symbol, "what": what,
            "price": _plain(event.price), "change_pct": _plain(event.change_pct), "window": event.window,
            "as_of": timestamp_text(event.as_of), "link": link}


def _plain(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _finish(event: AlertEvent, state: str) -> str:
    event.mail_state = state
    db.session.commit()
    return state


@shared_task(name="cmc.mail.send_alert", autoretry_for=(TransientMailError,), retry_backoff=True,
             retry_backoff_max=300, retry_jitter=True, max_retries=8, soft_time_limit=25, time_limit=30)
def send_alert(event_id: int) -> str:
    """Send one alert event's mail unless it was sent (or is being sent) already."""
    event = db.session.scalar(select(AlertEvent).where(AlertEvent.id == event_id)
                              .with_for_update(skip_locked=True))
    if event is None or event.mail_state != "pending":
        db.session.rollback()
        return "duplicate"
    user = db.session.get(User, event.user_id)
    if user is None or user.status != "active" or not user.email:
        return _finish(event, "skipped")
    msg = render("price_alert", user.email, current_app.config["AXA"].mail_from, context(event, user),
                 message_id(event.id))
    try:
        deliver(current_app.config["AXA"].mail_url, msg)
    except (smtplib.SMTPException, ValueError) as exc:
        log.error("alert mail %s to user %s permanently refused: %s", message_id(event.id), user.id, exc)
        return _finish(event, "skipped")
    return _finish(event, "sent")
