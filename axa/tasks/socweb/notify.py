"""``socweb.notify``: notifications made from socweb's outbox (axa/models/socweb/notifications.py),
and the daily digest's dispatch.

An action (subscribe, like, post, comment) writes a ``notify.*`` outbox row in its own
transaction; the outbox is published after commit or by the beat sweep (axa/tasks/socweb/feeds.py),
so no notification is lost. Each task writes its rows with ``ON CONFLICT DO NOTHING`` on
(recipient, source object): a redelivered or repeated task makes none twice. In the same
transaction it writes a ``notify.mail`` outbox row for the new notifications whose recipients
want instant mail (axa/tasks/socweb/mail.py sends them), so a mail is never queued for a
notification that was not committed, and never twice.

Undo needs no task: each notification references its cause ``ON DELETE CASCADE``.

The digest: users have no time zone in socweb's replica, so every digest goes at one UTC hour
(``AXA_SOCWEB_DIGEST_HOUR``). Beat runs ``dispatch_digests`` every quarter of an hour; from that
hour on, each user with unsent digest-mode notifications and no digest yet for the day gets a
``send_digest`` task (idempotent per user and day), so a beat or broker down at the hour catches
up later that day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from celery import shared_task
from redis import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from axa.models.socweb import NotificationDigest, OutboxEntry, db
from axa.models.socweb import notifications as made_by
from axa.models.socweb.notifications import Notification
from axa.models.socweb.notify_mail import mode_of
from axa.platform.config import read_var
from axa.tasks.socweb.mail import DIGEST_WINDOW, send_digest, send_notifications

TRANSIENT = {"autoretry_for": (RedisError, DatabaseUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8}
MAIL_BATCH = 20  # notifications per mail task


@dataclass(frozen=True)
class DigestSettings:
    hour: int  # UTC hour the daily digest goes out

    @classmethod
    def load(cls) -> DigestSettings:
        return cls(hour=read_var("AXA_SOCWEB_DIGEST_HOUR", 8) % 24)


def queue_mail(made: made_by.Made) -> int:
    """Outbox rows (one per MAIL_BATCH) for the notifications to mail at once; not committed."""
    ids = sorted(made.instant)
    OutboxEntry.add_many("notify.mail", [{"notification_ids": ids[i:i + MAIL_BATCH]}
                                         for i in range(0, len(ids), MAIL_BATCH)])
    return len(ids)


def commit_and_publish(made: made_by.Made) -> int:
    """Queue the instant mails, commit, publish the outbox rows written (the sweep otherwise)."""
    from axa.tasks.socweb.feeds import publish_added  # feeds maps the outbox topics to these tasks

    queue_mail(made)
    db.session.commit()
    publish_added()
    return made.count


@shared_task(name="socweb.notify.notify_subscription", soft_time_limit=25, time_limit=30, **TRANSIENT)
def notify_subscription(subscriber_id: int, author_id: int) -> int:
    """``notify.subscribed``: the author hears of the new subscriber."""
    return commit_and_publish(made_by.for_subscription(subscriber_id, author_id))


@shared_task(name="socweb.notify.notify_like", soft_time_limit=25, time_limit=30, **TRANSIENT)
def notify_like(user_id: int, post_id: int) -> int:
    """``notify.liked``: the post's author hears of the like."""
    return commit_and_publish(made_by.for_like(user_id, post_id))


@shared_task(name="socweb.notify.notify_mentions", soft_time_limit=55, time_limit=60, **TRANSIENT)
def notify_mentions(post_id: int) -> int:
    """``notify.posted``: everyone ``@named`` in the post (new or edited) who may see it."""
    return commit_and_publish(made_by.for_post(post_id))


@shared_task(name="socweb.notify.notify_comment", soft_time_limit=55, time_limit=60, **TRANSIENT)
def notify_comment(comment_id: int) -> int:
    """``notify.commented``: the reply, comment and mention notifications of a comment."""
    return commit_and_publish(made_by.for_comment(comment_id))


def digest_due(now: datetime) -> list[int]:
    """The users owed a digest for ``now``'s day: unsent digest-mode notifications, none sent today."""
    if now.hour < DigestSettings.load().hour:
        return []
    n = Notification
    sent_today = select(NotificationDigest.user_id).where(NotificationDigest.day == now.date())
    last = (select(NotificationDigest.through_id).where(NotificationDigest.user_id == n.recipient_id)
            .order_by(NotificationDigest.through_id.desc()).limit(1).scalar_subquery())
    query = select(n.recipient_id).distinct().where(
        n.created_at > now - DIGEST_WINDOW, n.id > func.coalesce(last, 0),
        mode_of(n.recipient_id, n.type) == "digest", n.recipient_id.not_in(sent_today))
    return list(db.session.scalars(query))


@shared_task(name="socweb.notify.dispatch_digests", soft_time_limit=50, time_limit=60, **TRANSIENT)
def dispatch_digests() -> int:
    """Beat: one ``send_digest`` per user owed today's digest (each idempotent per user and day)."""
    now = datetime.now(UTC)
    users = digest_due(now)
    db.session.rollback()
    for user_id in users:
        send_digest.delay(user_id, now.date().isoformat())
    return len(users)


# the outbox topics these tasks take (axa/tasks/socweb/feeds.py TOPIC_TASKS includes them)
NOTIFY_TOPICS = {"notify.subscribed": notify_subscription, "notify.liked": notify_like,
                 "notify.posted": notify_mentions, "notify.commented": notify_comment,
                 "notify.mail": send_notifications}
