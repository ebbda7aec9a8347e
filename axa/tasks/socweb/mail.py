"""Socweb's notification mail on the ``mail`` queue: instant mails and the daily digest.

At least once, with a sent-ledger (``notification_mails``, keyed by message id) as the auth
server's mail does (axa/tasks/auth/mail.py): a redelivered or retried task finds the ids it sent
and skips them; a double is possible only between the server accepting a message and the ledger
commit. Each message is sent under a transaction-level advisory lock on its key, so two copies of
one task running at once send it once. The recipient's address comes from socweb's users
replica; a user no longer active, a notification undone or dismissed, or a type switched away
from the mail's mode since, sends nothing.

Every mail carries an unsubscribe link per type that works without signing in: a token signed
with the app's secret (itsdangerous), read by ``GET /api/v1/notifications/unsubscribe``.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from celery import shared_task
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from axa.models.socweb import (
    Comment,
    Notification,
    NotificationDigest,
    NotificationMail,
    Post,
    Profile,
    User,
    db,
)
from axa.models.socweb.notifications import TYPES
from axa.models.socweb.notify_mail import mode_of
from axa.platform.config import read_var
from axa.platform.mail import TransientMailError, deliver, render

log = logging.getLogger(__name__)
SALT = "socweb.notifications.unsubscribe"
DIGEST_MAX = 200  # notifications listed in one digest
DIGEST_WINDOW = timedelta(days=7)
LOCK_INSTANT, LOCK_DIGEST = 7101, 7102  # advisory lock classes
RETRY = {"autoretry_for": (TransientMailError,), "retry_backoff": True, "retry_backoff_max": 300,
         "retry_jitter": True, "max_retries": 8}
PHRASES = {"subscription": "{actor} subscribed to you", "like": "{actor} liked your post {post}",
           "comment": "{actor} commented on your post {post}", "mention": "{actor} mentioned you in {post}",
           "reply": "{actor} replied to your comment on {post}"}


@dataclass(frozen=True)
class MailSettings:
    public_url: str  # where socweb's API is reached from a mail (the unsubscribe link)

    @classmethod
    def load(cls) -> MailSettings:
        return cls(public_url=read_var("AXA_SOCWEB_PUBLIC_URL", "http://localhost:8080").rstrip("/"))


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["AXA"].secret_key, salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _signer().dumps({"u": user_id, "t": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, type) a token was made for, or None if it is not one of ours."""
    try:
        data = _signer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("t") not in TYPES:
        return None
    return data["u"], data["t"]


def unsubscribe_link(user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, kind)
    return f"{MailSettings.load().public_url}/api/v1/notifications/unsubscribe?token={token}"


def describe(notifications: list[Notification]) -> list[str]:
    """A sentence per notification (plain text: the HTML template escapes it)."""
    actors = dict(db.session.execute(
        select(User.id, func.coalesce(func.concat("@", Profile.username), User.display_name))
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.id.in_({n.actor_id for n in notifications}))).all())
    titles = dict(db.session.execute(
        select(Post.id, func.coalesce(Post.title, func.left(Post.body, 60)))
        .where(Post.id.in_({n.post_id for n in notifications if n.post_id}))).all())
    return [" ".join(PHRASES[n.type].format(  # one line: it may be a subject
        actor=actors.get(n.actor_id, "someone"), post=f"“{titles.get(n.post_id, '')}”").split())
        for n in notifications]


def _excerpt(notification: Notification) -> str | None:
    if notification.comment_id is None:
        return None
    body = db.session.scalar(select(Comment.body).where(Comment.id == notification.comment_id)) or ""
    return body if len(body) <= 300 else body[:299] + "…"


def _lock(kind: int, key: int) -> None:
    db.session.execute(select(func.pg_advisory_xact_lock(kind, key % 2**31)))


def _recipient(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.status == "active" else None


def _send(msg, user: User, message_id: str) -> bool:
    """Deliver and write the ledger row (committed); a permanent refusal is logged, not retried."""
    try:
        deliver(current_app.config["AXA"].mail_url, msg)
    except (smtplib.SMTPException, ValueError) as exc:
        log.error("mail %s to user %s permanently refused: %s", message_id, user.id, exc)
        return False
    db.session.add(NotificationMail(message_id=message_id, recipient_id=user.id))
    return True


def send_instant(notification_id: int) -> str:
    """One notification's mail, unless sent before or no longer wanted; commits."""
    message_id = f"axa-socweb-notification-{notification_id}"
    _lock(LOCK_INSTANT, notification_id)
    notification = db.session.get(Notification, notification_id)
    user = _recipient(notification.recipient_id) if notification is not None else None
    if NotificationMail.already_sent(message_id) or user is None or db.session.scalar(
            select(mode_of(user.id, notification.type))) != "instant":
        db.session.rollback()
        return "skipped"
    summary = describe([notification])[0]
    context = {"display_name": user.display_name, "summary": summary, "excerpt": _excerpt(notification),
               "kind": notification.type, "unsubscribe": unsubscribe_link(user.id, notification.type)}
    msg = render("notification", user.email, current_app.config["AXA"].mail_from, context, message_id,
                 subject=summary[:150])
    sent = _send(msg, user, message_id)
    db.session.commit()
    return "sent" if sent else "refused"


@shared_task(name="socweb.mail.send_notifications", soft_time_limit=110, time_limit=120, **RETRY)
def send_notifications(notification_ids: list[int]) -> int:
    """``notify.mail``: the instant mails of a batch of notifications."""
    return sum(send_instant(notification_id) == "sent" for notification_id in notification_ids)


def digest_items(user_id: int) -> list[Notification]:
    """The user's digest-mode notifications not in an earlier digest (actors still active)."""
    n = Notification
    return list(db.session.scalars(
        select(n).join(User, User.id == n.actor_id)
        .where(n.recipient_id == user_id, User.status == "active",
               n.id > NotificationDigest.last_through(user_id),
               n.created_at > datetime.now(UTC) - DIGEST_WINDOW, mode_of(n.recipient_id, n.type) == "digest")
        .order_by(n.id).limit(DIGEST_MAX)))


def _digest_context(user: User, items: list[Notification]) -> dict:
    kinds = sorted({n.type for n in items})
    return {"display_name": user.display_name, "lines": describe(items),
            "unsubscribe": [(kind, unsubscribe_link(user.id, kind)) for kind in kinds]}


def digest_for(user_id: int, day: str) -> str:
    """The user's digest for ``day`` (ISO date, the user's local day): once per user and day."""
    _lock(LOCK_DIGEST, user_id)
    user = _recipient(user_id)
    if user is None or db.session.get(NotificationDigest, (user_id, date.fromisoformat(day))) is not None:
        db.session.rollback()
        return "skipped"
    items = digest_items(user_id)
    if not items:
        db.session.rollback()
        return "empty"
    message_id = f"axa-socweb-digest-{user_id}-{day}"
    msg = render("digest", user.email, current_app.config["AXA"].mail_from, _digest_context(user, items),
                 message_id, subject=f"Your AXA social digest: {len(items)} new notifications")
    _send(msg, user, message_id)
    db.session.add(NotificationDigest(user_id=user_id, day=date.fromisoformat(day), through_id=items[-1].id))
    db.session.commit()
    return "sent"


@shared_task(name="socweb.mail.send_digest", soft_time_limit=280, time_limit=300, ignore_result=False,
             **RETRY)
def send_digest(user_ids: list[int] | int, day: str) -> dict[str, int]:
    """A batch of digests for one local day (a chord's header: its result is kept, so the chord's
    callback runs). A retried batch skips the users it already mailed."""
    outcomes = {"sent": 0, "empty": 0, "skipped": 0}
    for user_id in [user_ids] if isinstance(user_ids, int) else user_ids:  # an int: a message of before
        outcome = digest_for(user_id, day)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
