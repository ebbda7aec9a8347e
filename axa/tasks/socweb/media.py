"""``socweb.media``: an upload made safe and servable (axa/platform/images.py does the pixels).

The graph (axa/tasks/socweb/flows.py ``media_processing``): ``check_upload`` reads the header of
the stored original (type sniffed from the bytes, the pixel limit) and records it, or fails the row
with a reason; then
``make_derivatives`` decodes it (a truncated file fails here), writes the small and large WebP
derivatives (no metadata) and marks the row ready. A content another row already processed is
not processed again: its outcome is copied (identical bytes are stored and derived once).

It starts from the outbox row the upload wrote in its own transaction (topic ``media.uploaded``,
published after commit by axa/tasks/socweb/feeds.py, or by its sweep). Both tasks are
idempotent: each does nothing unless the row is still ``processing`` (and, for the second, once
checked), and writes whole objects under keys made from the content hash. Acked late with
``task_reject_on_worker_lost``: a worker killed mid-graph leaves the row ``processing`` and the
redelivered task finishes it. ``sweep_media`` (beat) removes orphans and starts the graph again
for a row left ``processing`` longer than STALE (its messages lost).
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from axa.models.socweb import Media, db
from axa.models.socweb import media as store
from axa.platform import images
from axa.platform.storage import StorageUnavailable
from axa.tasks.socweb import flows

log = logging.getLogger(__name__)
STALE = timedelta(minutes=15)
TRANSIENT = {"autoretry_for": (StorageUnavailable, DatabaseUnavailable), "retry_backoff": True,
             "retry_jitter": True, "max_retries": 5}


def _pending(media_id: int) -> Media | None:
    """The row, locked, if it still waits for this graph."""
    return db.session.scalar(select(Media).where(Media.id == media_id, Media.state == "processing")
                             .with_for_update())


def _copy_outcome(row: Media) -> bool:
    """Take the outcome of another row of the same content, if there is one (True)."""
    twin = Media.processed_twin(row.sha256, row.id)
    if twin is None:
        return False
    row.content_type, row.width, row.height = twin.content_type, twin.width, twin.height
    if twin.state == "ready":
        row.finish(twin.variants)
    else:
        row.fail(twin.reason)
    return True


def _original(row: Media) -> bytes | None:
    try:
        return store.storage().get(store.original_key(row.sha256))
    except KeyError:
        row.fail("missing_original")
        return None


@shared_task(name="socweb.media.check_upload", soft_time_limit=25, time_limit=30, **TRANSIENT)
def check_upload(media_id: int) -> None:
    """Sniff the type and read the dimensions from the header; failed with a reason if refused."""
    row = _pending(media_id)
    if row is None or row.content_type is not None or _copy_outcome(row):
        db.session.commit()
        return
    data = _original(row)
    if data is not None:
        try:
            probe = images.probe(data, store.settings().max_pixels)
            row.content_type, row.width, row.height = probe.content_type, probe.width, probe.height
        except images.Rejected as exc:
            log.info("media %s refused: %s (%s)", media_id, exc.reason, exc)
            row.fail(exc.reason)
    db.session.commit()


def _derive(sha256: str) -> dict | str:
    """Make and store the derivatives of the content: their sizes, or why the image is refused."""
    try:
        data = store.storage().get(store.original_key(sha256))
    except KeyError:
        return "missing_original"
    try:
        made = images.derivatives(data, store.sizes(), store.settings().max_pixels)
    except images.Rejected as exc:
        log.info("media %s refused: %s (%s)", sha256, exc.reason, exc)
        return exc.reason
    for name, derivative in made.items():
        store.storage().put(store.derivative_key(sha256, name), derivative.data, images.DERIVED_TYPE)
    return {name: {"width": d.width, "height": d.height} for name, d in made.items()}


@shared_task(name="socweb.media.make_derivatives", soft_time_limit=50, time_limit=60, **TRANSIENT)
def make_derivatives(media_id: int) -> None:
    """Decode, make and store the derivatives, mark the row ready (or failed: truncated, corrupt)."""
    row = db.session.get(Media, media_id)
    if row is None or row.state != "processing" or row.content_type is None:
        return
    sha256 = row.sha256
    db.session.rollback()  # no transaction open while the pixels are worked
    outcome = _derive(sha256)
    row = _pending(media_id)
    if row is not None and isinstance(outcome, dict):
        row.finish(outcome)
    elif row is not None:
        row.fail(outcome)
    db.session.commit()


class ProcessUpload:
    """What the outbox relay publishes topic ``media.uploaded`` to: the graph, with the relay's
    publish options (quick retry, confirm timeout) on its first message."""

    name = "socweb.media.processing"

    def apply_async(self, kwargs: dict, **options):
        return flows.media_processing(kwargs["media_id"]).apply_async(**options)


process_upload = ProcessUpload()


@shared_task(name="socweb.media.sweep_media", soft_time_limit=110, time_limit=120, **TRANSIENT)
def sweep_media() -> int:
    """Beat: remove orphans (never attached for AXA_MEDIA_ORPHAN_HOURS) and restart the graph of
    rows left ``processing`` for longer than STALE."""
    removed = store.sweep_orphans(timedelta(hours=store.settings().orphan_hours))
    stale = list(db.session.scalars(select(Media.id).where(
        Media.state == "processing", Media.created_at < datetime.now(UTC) - STALE).limit(100)))
    db.session.rollback()
    for media_id in stale:
        flows.media_processing(media_id).apply_async()
    if removed or stale:
        log.info("media sweep: %d orphans removed, %d stale uploads restarted", removed, len(stale))
    return removed
