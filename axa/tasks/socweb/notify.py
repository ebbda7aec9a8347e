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

The digest goes at ``AXA_SOCWEB_DIGEST_HOUR`` in each user's own time zone (an IANA name chosen
with the mail preferences, UTC by default), and its day is the user's local day: in Asia/Tokyo the
digest of the 7th goes at 08:00 on the 7th there, 23:00 UTC on the 6th. Beat runs
``dispatch_digests`` every quarter of an hour (zones a half or three quarters of an hour off UTC
included); for each zone whose local hour has come and whose local day is not done, one chord: a
group of ``send_digest`` batches of the zone's users owed that day's digest, and ``record_digests``
as its callback, which marks the (zone, local day) done in ``digest_dispatches`` with its counts
(the log and Flower show them too). A beat or broker down at the hour catches up later that local
day.

The chord is a convenience, not the record. Celery's canvas documents that a chord's header tasks
must keep their results, so ``send_digest`` sets ``ignore_result=False`` (the platform ignores
results otherwise); the Redis result backend (``AXA_RESULT_URL``) joins the header itself (in
Celery 5.7 it counts the parts even for tasks that ignore results: checked with a real worker). A
worker killed inside the header is redelivered (late acks), so the chord still completes; but a
batch lost for good (past the redelivery cap, retries exhausted, a failure) never completes it
and the callback never runs, and a batch run twice can fire it early. So the per-user row
(``notification_digests``, user and local day, written under an advisory lock with the mail's
ledger) decides who is owed a digest, and a zone's day not done within ``STALE`` is dispatched
again to those still owed: nothing lost, nothing doubled.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from celery import chord, group, shared_task
from redis import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from axa.models.socweb import DigestDispatch, NotificationDigest, NotificationSetting, OutboxEntry, db
from axa.models.socweb import notifications as made_by
from axa.models.socweb.digests import STALE, zone_of_column
from axa.models.socweb.notifications import Notification
from axa.models.socweb.notify_mail import mode_of
from axa.platform import clock
from axa.platform.config import read_var
from axa.tasks.socweb.mail import DIGEST_WINDOW, send_digest, send_notifications

TRANSIENT = {"autoretry_for": (RedisError, DatabaseUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8}
MAIL_BATCH = 20  # notifications per mail task
DIGEST_BATCH = 25  # users per digest task of a chord
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestSettings:
    hour: int  # the local hour (in each user's time zone) the daily digest goes out

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


def digest_due(zone: str, day: date, now: datetime) -> list[int]:
    """The users of ``zone`` owed a digest for their local ``day``: unsent digest-mode
    notifications, and no digest for that day yet."""
    n = Notification
    sent = select(NotificationDigest.user_id).where(NotificationDigest.day == day)
    last = (select(NotificationDigest.through_id).where(NotificationDigest.user_id == n.recipient_id)
            .order_by(NotificationDigest.through_id.desc()).limit(1).scalar_subquery())
    query = select(n.recipient_id).distinct().where(
        n.created_at > now - DIGEST_WINDOW, n.id > func.coalesce(last, 0),
        mode_of(n.recipient_id, n.type) == "digest", n.recipient_id.not_in(sent),
        zone_of_column(n.recipient_id) == zone)
    return sorted(db.session.scalars(query))


def zones_due(now: datetime) -> list[tuple[str, date]]:
    """Each (zone, local day) whose digest hour has come and whose digests are not done."""
    hour, due = DigestSettings.load().hour, []
    for zone in NotificationSetting.zones():
        try:
            local = now.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):  # validated when chosen; this machine lacks it
            log.error("digest: time zone %r unknown here; its users wait", zone)
            continue
        if local.hour >= hour and DigestDispatch.pending(zone, local.date(), now):
            due.append((zone, local.date()))
    return due


def dispatch_zone(zone: str, day: date, now: datetime) -> int:
    """A chord: ``send_digest`` batches of the zone's users owed their ``day``'s digest, then
    ``record_digests``; nobody owed: done now. The dispatch row is committed before publishing; a
    publish that fails (broker down) marks it stale at once, so the next tick tries again."""
    users = digest_due(zone, day, now)
    if not users:
        DigestDispatch.done(zone, day, now)
        db.session.commit()
        return 0
    batches = [users[i:i + DIGEST_BATCH] for i in range(0, len(users), DIGEST_BATCH)]
    DigestDispatch.dispatched(zone, day, len(users), len(batches), now)
    db.session.commit()
    header = group(send_digest.s(batch, day.isoformat()) for batch in batches)
    try:
        chord(header)(record_digests.s(zone, day.isoformat()))
    except Exception:
        db.session.rollback()
        DigestDispatch.dispatched(zone, day, len(users), len(batches), now - STALE)
        db.session.commit()
        raise
    log.info("digest: %s %s dispatched, %d users in %d batches", zone, day, len(users), len(batches))
    return len(users)


@shared_task(name="socweb.notify.dispatch_digests", soft_time_limit=50, time_limit=60, **TRANSIENT)
def dispatch_digests() -> int:
    """Beat, every quarter hour: a chord per time zone whose digest hour has come (users owed)."""
    now = datetime.fromtimestamp(clock.now(), UTC)
    return sum(dispatch_zone(zone, day, now) for zone, day in zones_due(now))


@shared_task(name="socweb.notify.record_digests", soft_time_limit=25, time_limit=30, **TRANSIENT)
def record_digests(outcomes: list[dict[str, int]], zone: str, day: str) -> dict:
    """The chord's callback: the zone's day is done; counts in the row, the log and Flower."""
    totals = {key: sum(o.get(key, 0) for o in outcomes) for key in ("sent", "empty", "skipped")}
    digests = DigestDispatch.done(zone, date.fromisoformat(day), datetime.fromtimestamp(clock.now(), UTC))
    db.session.commit()
    log.info("digest: %s %s done, %d batches: %s; %d digests that day", zone, day, len(outcomes),
             totals, digests)
    return {"time_zone": zone, "day": day, "batches": len(outcomes), **totals, "digests": digests}


# the outbox topics these tasks take (axa/tasks/socweb/feeds.py TOPIC_TASKS includes them)
NOTIFY_TOPICS = {"notify.subscribed": notify_subscription, "notify.liked": notify_like,
                 "notify.posted": notify_mentions, "notify.commented": notify_comment,
                 "notify.mail": send_notifications}
