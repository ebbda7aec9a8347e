"""``auth.mail.send_message`` on the ``mail`` queue: at-least-once with a sent-ledger."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from axa.models.auth import SentMail, db
from axa.platform.mail import backend_from_url, render


@shared_task(name="auth.mail.send_message", autoretry_for=(OSError,), retry_backoff=True,
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
    backend_from_url(settings.mail_url).send(msg)
    db.session.add(SentMail(message_id=message_id, recipient=payload["to"],
                            template=payload["template"]))
    db.session.commit()
    return "sent"
