"""``auth.mail.send_message`` on the ``mail`` queue: at-least-once with a sent-ledger.

The task gets an outbox row's id, never a secret: the row names the template and the user (or,
for a reset request, the address, which may match no account). A link's token is minted here, just
before sending, so it exists only as its hash in ``user_tokens`` and in the mail itself; the task
arguments (shown by Flower, kept in its state file) and the outbox hold none. The row is deleted
once its mail is sent, refused or has no recipient.

Transient failures (connection trouble, 4xx SMTP replies) are retried with backoff and jitter;
a permanent 5xx reply (unknown recipient, refused sender) is logged and not retried.
"""
from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from flask import current_app

from axa.models.auth import OutboxEntry, SentMail, User, UserToken, db
from axa.platform.mail import TransientMailError, deliver, render

log = logging.getLogger(__name__)
LINKS = {"confirm": ("confirm", "/confirm"), "reset": ("reset", "/reset-password")}  # purpose, path


def message_id(outbox_id: int) -> str:
    return f"axa-mail-{outbox_id}"


def _deliver(msg) -> None:
    deliver(current_app.config["AXA"].mail_url, msg)


def _recipient(payload: dict) -> User | None:
    """The active user the mail is for (by id, or by address for a reset request), or None."""
    if payload.get("user_id") is not None:
        user = db.session.get(User, payload["user_id"])
    else:
        user = User.by_email(payload["email_key"])
    if user is None or not user.active:
        return None
    if payload["template"] == "confirm" and user.email_confirmed_at is not None:
        return None  # confirmed since the request: a new link would only void nothing
    return user


def _context(template: str, user: User) -> dict:
    """The template's values; a link gets a fresh token here, stored (hashed) before it is sent."""
    context = {"display_name": user.display_name}
    if template == "email_changed":
        context["new_email"] = user.email
    if template in LINKS:
        purpose, path = LINKS[template]
        token = UserToken.issue(user.id, purpose)
        db.session.commit()
        context["link"] = f"{current_app.config['AXA'].public_url.rstrip('/')}{path}?token={token}"
    return context


def _finish(entry: OutboxEntry, sent_to: str | None = None) -> None:
    """Drop the outbox row (its work is done) and, for a sent mail, write the ledger row."""
    if sent_to is not None:
        db.session.add(SentMail(message_id=message_id(entry.id), recipient=sent_to,
                                template=entry.payload["template"]))
    db.session.delete(entry)
    db.session.commit()


@shared_task(name="auth.mail.send_message", autoretry_for=(TransientMailError,), retry_backoff=True,
             retry_backoff_max=300, retry_jitter=True, max_retries=8, soft_time_limit=25,
             time_limit=30)
def send_message(outbox_id: int) -> str:
    """Send the mail of one outbox row; a redelivered message whose id is in the ledger is skipped."""
    entry = db.session.get(OutboxEntry, outbox_id)
    if entry is None or SentMail.already_sent(message_id(outbox_id)):
        return "duplicate"  # finished before (the row goes in the ledger row's transaction)
    template, user = entry.payload["template"], _recipient(entry.payload)
    if user is None:
        _finish(entry)
        return "no-account"
    to = entry.payload.get("to") or user.email
    msg = render(template, to, current_app.config["AXA"].mail_from, _context(template, user),
                 message_id(outbox_id))
    try:
        _deliver(msg)
    except (smtplib.SMTPException, ValueError) as exc:
        log.error("mail %s to user %s permanently refused: %s", message_id(outbox_id), user.id, exc)
        _finish(entry)
        return "refused"
    _finish(entry, sent_to=to)
    return "sent"
