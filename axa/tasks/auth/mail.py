"""``auth.mail.send_message`` on the ``mail`` queue: at-least-once with a sent-ledger.

Transient failures (connection trouble, 4xx SMTP replies) are retried with backoff and jitter;
a permanent 5xx reply (unknown recipient, refused sender) is logged and not retried.
"""
from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from flask import current_app

from axa.models.auth import SentMail, db
from axa.platform.mail import backend_from_url, render

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """Worth retrying: the server may accept the message later."""


def _deliver(msg) -> None:
    try:
        backend_from_url(current_app.config["AXA"].mail_url).send(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise TransientMailError(f"recipient temporarily refused: {codes}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TransientMailError(f"SMTP {exc.smtp_code}") from exc
        raise
    except OSError as exc:  # connection refused/reset, timeouts, server disconnected
        raise TransientMailError(type(exc).__name__) from exc


@shared_task(name="auth.mail.send_message", autoretry_for=(TransientMailError,), retry_backoff=True,
             retry_backoff_max=300, retry_jitter=True, max_retries=8, soft_time_limit=25,
             time_limit=30)
def send_message(payload: dict) -> str:
    """Render and send one mail; a redelivered message whose id is in the ledger is skipped."""
    message_id = payload["message_id"]
    if SentMail.already_sent(message_id):
        return "duplicate"
    settings = current_app.config["AXA"]
    msg = render(payload["template"], payload["to"], settings.mail_from, payload["context"],
                 message_id)
    try:
        _deliver(msg)
    except (smtplib.SMTPException, ValueError) as exc:
        log.error("mail %s to %s permanently refused: %s", message_id, payload["to"], exc)
        return "refused"
    db.session.add(SentMail(message_id=message_id, recipient=payload["to"],
                            template=payload["template"]))
    db.session.commit()
    return "sent"
