"""User sync: the outbox relay, the fan-out of snapshots, and the reconciliation sweep."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import shared_task
from kombu.exceptions import OperationalError
from sqlalchemy import select

from axa.models.auth import OutboxEntry, User, db
from axa.tasks.auth.flows import user_fan_out

log = logging.getLogger(__name__)
RECONCILE_BATCH = 500
SWEEP_GRACE = timedelta(seconds=5)
OUTBOX_RETENTION = timedelta(days=7)  # published rows are kept this long, then pruned by the sweep
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CONFIRM_TIMEOUT = 1.0  # a silent broker (partition) must not hang the request waiting for a confirm


def _publish(entry: OutboxEntry) -> None:
    from axa.tasks.auth.mail import send_message
    options = {"retry_policy": QUICK_RETRY, "confirm_timeout": CONFIRM_TIMEOUT}
    if entry.topic == "user":
        fan_out_user.apply_async(args=(entry.payload,), **options)
    elif entry.topic == "mail":
        send_message.apply_async(args=(entry.id,), **options)  # a reference, never the content


def relay(entries: list[OutboxEntry]) -> int:
    """Publish entries (already locked by the caller) and mark them; stop at the first broker error."""
    done = 0
    for entry in entries:
        try:
            _publish(entry)
        except OperationalError as exc:
            log.warning("broker unavailable, outbox entry %s left for the sweep: %s", entry.id, exc)
            break
        entry.published_at = datetime.now(UTC)
        done += 1
    db.session.commit()
    return done


def relay_after_commit(entry_ids: list[int]) -> int:
    """Called by a request right after its transaction committed."""
    if not entry_ids:
        return 0
    entries = list(db.session.scalars(
        select(OutboxEntry).where(OutboxEntry.id.in_(entry_ids), OutboxEntry.published_at.is_(None))
        .order_by(OutboxEntry.id).with_for_update(skip_locked=True)))
    return relay(entries)


@shared_task(name="auth.sync.relay_outbox", soft_time_limit=50, time_limit=60)
def relay_outbox() -> int:
    """Beat sweep: publish whatever a request could not (broker down, process died), then prune
    rows published longer ago than OUTBOX_RETENTION."""
    published = relay(OutboxEntry.pending(older_than=SWEEP_GRACE))
    pruned = OutboxEntry.prune(OUTBOX_RETENTION)
    db.session.commit()
    if pruned:
        log.info("pruned %d outbox rows published over %s ago", pruned, OUTBOX_RETENTION)
    return published


@shared_task(name="auth.sync.fan_out_user", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=10, soft_time_limit=25, time_limit=30)
def fan_out_user(snapshot: dict) -> None:
    user_fan_out([snapshot]).apply_async()


@shared_task(name="auth.sync.reconcile_users", soft_time_limit=250, time_limit=300)
def reconcile_users() -> int:
    """Push every user's current snapshot in batches; replicas apply only newer versions."""
    sent, last_id = 0, 0
    while True:
        users = list(db.session.scalars(select(User).where(User.id > last_id)
                                        .order_by(User.id).limit(RECONCILE_BATCH)))
        if not users:
            return sent
        user_fan_out([u.snapshot() for u in users]).apply_async()
        sent += len(users)
        last_id = users[-1].id
