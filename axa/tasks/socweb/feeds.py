"""``socweb.feeds``: socweb's outbox carried to Celery, and the home feeds it keeps
(axa/models/socweb/feeds.py holds the Redis key contract and the work itself).

Publishing after commit. A change writes its outbox row in its own transaction
(``OutboxEntry.add``, which also notes the row's id on the session). At the end of every socweb
request (``after_request``, registered by axa/blueprints/socweb/__init__.py) ``publish_added``
reads those rows back in a database session of its own, so it sees only rows that committed,
locks them (``FOR UPDATE SKIP LOCKED``: never published by the sweep at the same time),
publishes each to its task and marks it published. A broker that does not answer within the
quick retry leaves the rest to the beat sweep (``relay_outbox``: rows older than SWEEP_GRACE), as
does a process that dies between commit and publish. Outside a request (a task, the CLI, a test)
call ``publish_added()`` after the commit, or leave the rows to the sweep.

The tasks are idempotent (ZADD and ZREM of a post id are no-ops the second time) and run acked
late with ``task_reject_on_worker_lost`` (celeryconfig.py defaults): a worker killed mid fan-out
gets its task redelivered, which writes every feed again, each holding the post once.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import shared_task
from kombu.exceptions import OperationalError
from redis import RedisError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError as DatabaseUnavailable
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from axa.models.socweb import OutboxEntry, db, feeds
from axa.tasks.socweb.media import process_upload
from axa.tasks.socweb.notify import NOTIFY_TOPICS
from axa.tasks.socweb.search import index_posts

log = logging.getLogger(__name__)
SWEEP_GRACE = timedelta(seconds=5)  # younger rows are their request's to publish
OUTBOX_RETENTION = timedelta(days=7)  # published rows are kept this long, then pruned by the sweep
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CONFIRM_TIMEOUT = 1.0  # a silent broker (partition) must not hang the request waiting for a confirm
TRANSIENT = {"autoretry_for": (RedisError, DatabaseUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 8}


def relay(session: Session, entries: list[OutboxEntry]) -> int:
    """Publish entries (locked by the caller in ``session``) to their tasks and mark them; stop at
    the first broker error. A topic no task takes is logged and marked, never left to block."""
    done = 0
    for entry in entries:
        task = TOPIC_TASKS.get(entry.topic)
        try:
            if task is None:
                log.error("outbox entry %s: no task for topic %r; dropped", entry.id, entry.topic)
            else:
                task.apply_async(kwargs=entry.payload, retry_policy=QUICK_RETRY,
                                 confirm_timeout=CONFIRM_TIMEOUT)
        except OperationalError as exc:
            log.warning("broker unavailable, outbox entry %s left for the sweep: %s", entry.id, exc)
            break
        entry.published_at = datetime.now(UTC)
        done += 1
    session.commit()
    return done


def publish_added() -> int:
    """Publish the outbox rows this session added that have committed (see the module doc)."""
    ids = OutboxEntry.take_added()
    if not ids:
        return 0
    try:
        with Session(db.engine) as session:
            entries = list(session.scalars(
                select(OutboxEntry).where(OutboxEntry.id.in_(ids), OutboxEntry.published_at.is_(None))
                .order_by(OutboxEntry.id).with_for_update(skip_locked=True)))
            return relay(session, entries)
    except SQLAlchemyError as exc:
        log.warning("outbox entries %s left for the sweep: %s", ids, exc)
        return 0


@shared_task(name="socweb.feeds.relay_outbox", soft_time_limit=50, time_limit=60)
def relay_outbox() -> int:
    """Beat sweep: publish whatever a request could not (broker down, process died), then prune
    rows published longer ago than OUTBOX_RETENTION."""
    published = relay(db.session, OutboxEntry.pending(older_than=SWEEP_GRACE))
    pruned = OutboxEntry.prune(OUTBOX_RETENTION)
    db.session.commit()
    if pruned:
        log.info("pruned %d socweb outbox rows published over %s ago", pruned, OUTBOX_RETENTION)
    return published


@shared_task(name="socweb.feeds.fan_out_post", soft_time_limit=110, time_limit=120, **TRANSIENT)
def fan_out_post(post_id: int, author_id: int) -> int:
    """``feed.post_created``: the post into its author's and subscribers' feeds, a batch of
    ``socweb_fanout_batch`` feeds per pipeline (a big author's only into their own)."""
    return feeds.fan_out(post_id, author_id)


@shared_task(name="socweb.feeds.remove_post", soft_time_limit=110, time_limit=120, **TRANSIENT)
def remove_post(post_id: int, author_id: int) -> int:
    """``feed.post_deleted``: the post out of the feeds fan-out put it in."""
    return feeds.remove(post_id, author_id)


@shared_task(name="socweb.feeds.merge_author", soft_time_limit=25, time_limit=30, **TRANSIENT)
def merge_author(subscriber_id: int, author_id: int) -> int:
    """``feed.subscribed``: the author's recent posts into the subscriber's feed."""
    return feeds.merge(subscriber_id, author_id)


@shared_task(name="socweb.feeds.unmerge_author", soft_time_limit=25, time_limit=30, **TRANSIENT)
def unmerge_author(subscriber_id: int, author_id: int) -> int:
    """``feed.unsubscribed``: the author's posts out of the subscriber's feed."""
    return feeds.unmerge(subscriber_id, author_id)


# the outbox topics and the task each is published to, with the row's payload as keyword arguments
TOPIC_TASKS = {"feed.post_created": fan_out_post, "feed.post_deleted": remove_post,
               "feed.subscribed": merge_author, "feed.unsubscribed": unmerge_author,
               "media.uploaded": process_upload, "search.posts": index_posts, **NOTIFY_TOPICS}
