"""``stream.notify``: go-live notifications (issue 11 item 7), and their mail on the ``mail`` queue.

* ``announce(live_session_id)`` (called by ``stream.live.mark_published`` for every publish of
  an open session, after its commit): queues the session's fan-out unless it was queued before
  (axa/models/stream/golive.py ``golive_fanouts``): a new live session is announced once; a
  reconnect inside the window is the same session and announces nothing. The row is written
  after the publish, so a worker killed in between leaves no row and the redelivered event (or
  the next ``on_update`` heartbeat) queues the fan-out again.
* ``fan_out_go_live(live_session_id, after_id)``: one batch of ``BATCH`` subscribers, by
  subscription id: their notifications inserted ``ON CONFLICT DO NOTHING`` and committed, then
  their go-live mail queued (those of the batch with ``go_live_mail`` on), then the next batch.
  Acked late (celeryconfig.py): a worker killed mid-batch gets the batch again, which inserts
  nothing twice and queues the mail again (the sent-ledger drops the doubles) and the next batch.
* ``sweep_fanouts()`` (beat): a fan-out whose chain broke (retries exhausted, a message dropped
  as poison) is resumed from the last batch it finished.
* ``send_go_live_mail(live_session_id, user_ids)``: at least once with a sent-ledger
  (``sent_mails``, by message id ``axa-golive-<session>-<user>``), to the address of the stream
  app's users replica, only to active users whose preference is still on.
"""
from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import RedisError
from sqlalchemy.exc import OperationalError

from axa.models.stream import Channel, User, db, golive
from axa.models.stream.golive import GoLiveFanout, SentMail
from axa.models.stream.notifications import Inbox
from axa.platform import mail
from axa.platform.mail import TransientMailError, render

log = logging.getLogger(__name__)
BATCH = 1000  # subscribers per fan-out task
MAIL_CHUNK = 20  # recipients per mail task
STALLED = 120.0  # s without a batch after which the sweep resumes a fan-out
TRANSIENT = {"autoretry_for": (OperationalError, RedisError, BrokerUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8, "soft_time_limit": 25, "time_limit": 30}


def message_id(live_session_id: int, user_id: int) -> str:
    return f"axa-golive-{live_session_id}-{user_id}"


def announce(live_session_id: int) -> bool:
    """Queue the session's fan-out unless it was queued before; whether it was queued now."""
    if GoLiveFanout.queued(live_session_id):
        return False
    fan_out_go_live.apply_async((live_session_id, 0))
    GoLiveFanout.note_queued(live_session_id)
    db.session.commit()
    return True


@shared_task(name="stream.notify.fan_out_go_live", **TRANSIENT)
def fan_out_go_live(live_session_id: int, after_id: int = 0, size: int = BATCH) -> int | None:
    """Notify one batch of the channel's subscribers; the batch's last subscription id (None:
    it was the last batch, or the session is gone)."""
    found = golive.target(live_session_id)
    if found is None:
        return None
    last, mail_to = golive.notify_batch(live_session_id, *found, after_id, size)
    GoLiveFanout.progress(live_session_id, last)
    db.session.commit()
    for start in range(0, len(mail_to), MAIL_CHUNK):
        send_go_live_mail.apply_async((live_session_id, mail_to[start:start + MAIL_CHUNK]))
    if last is not None:
        fan_out_go_live.apply_async((live_session_id, last, size))
    return last


@shared_task(name="stream.notify.sweep_fanouts", soft_time_limit=50, time_limit=60)
def sweep_fanouts() -> int:
    """Resume every fan-out that has not moved for STALLED seconds (beat); how many."""
    stalled = GoLiveFanout.stalled(STALLED)
    db.session.commit()
    for live_session_id, resume_after in stalled:
        fan_out_go_live.apply_async((live_session_id, resume_after))
    return len(stalled)


def deliver(msg) -> None:
    """Send through AXA_MAIL_URL; a 4xx reply or a connection failure is transient."""
    mail.deliver(current_app.config["AXA"].mail_url, msg)


def recipient(user_id: int) -> User | None:
    """The active user, with go-live mail still on, or None."""
    user = db.session.get(User, user_id)
    if user is None or user.status != "active" or not Inbox.of(user_id).go_live_mail:
        return None
    return user


def mail_one(live_session_id: int, channel: Channel, user_id: int) -> bool:
    """Send one go-live mail unless the ledger has it; whether it was sent now."""
    mid = message_id(live_session_id, user_id)
    user = None if SentMail.already_sent(mid) else recipient(user_id)
    if user is None:
        db.session.rollback()  # the message's lock
        return False
    config = current_app.config["AXA"]
    context = {"display_name": user.display_name, "title": channel.title,
               "link": f"{config.public_url.rstrip('/')}/channels/{channel.slug}"}
    try:
        deliver(render("go_live", user.email, config.mail_from, context, mid))
    except (smtplib.SMTPException, ValueError) as exc:
        log.error("go-live mail %s permanently refused: %s", mid, exc)
        db.session.rollback()
        return False
    db.session.add(SentMail(message_id=mid, recipient=user.email))
    db.session.commit()
    return True


@shared_task(name="stream.notify.send_go_live_mail", autoretry_for=(TransientMailError, OperationalError),
             retry_backoff=True, retry_backoff_max=300, retry_jitter=True, max_retries=8,
             soft_time_limit=25, time_limit=30)
def send_go_live_mail(live_session_id: int, user_ids: list[int]) -> int:
    """Mail these users that the session's channel went live; how many were sent now."""
    found = golive.target(live_session_id)
    channel = db.session.get(Channel, found[0]) if found else None
    if channel is None:
        return 0
    return sum(mail_one(live_session_id, channel, user_id) for user_id in user_ids)
