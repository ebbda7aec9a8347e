"""``stream.vod``: a live session's recording becomes a VOD (issue 11 item 9).

The graph ``recording_graph(slug, path)`` (started by the ``on_record_done`` hook,
axa/blueprints/stream/ingest/recordings.py):

* ``register_recording(slug, path)``: the file must lie in AXA_VOD_RECORDINGS_DIR. A channel that
  does not record (or no longer exists) has its file deleted, and the graph stops. Otherwise the
  VOD row is made (``processing``), linked to its live session, keyed by the file's name: a
  redelivered hand-over finds it and goes on only while it is still ``processing``.
* ``process_recording(vod_id)``: remux to MP4 (``-c copy``, ``+faststart``), probe the duration,
  take a thumbnail (axa/platform/video.py), store both (axa/platform/storage.py, keys made from
  the ids: a second run overwrites the same objects), mark the row ``ready``, then delete the
  recording. A file ffmpeg cannot read fails the row with the reason (and the file is deleted); a
  storage that does not answer is retried with backoff, and fails the row ``storage_unavailable``
  after the last try (the recording is kept for the operator).

``sweep_vods`` (beat) deletes the VODs past their channel's retention (files, then rows) and
those of deleted channels, and starts the graph again for a row left ``processing`` too long.
Acked late: a worker killed mid-remux leaves the row ``processing`` and the redelivered task
finishes it.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from celery import chain, shared_task
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from axa.models.stream import Channel, ChannelRecording, Vod, db, vod_files
from axa.models.stream import vods as store
from axa.platform import clock, video
from axa.platform.storage import StorageUnavailable

log = logging.getLogger(__name__)
STALE = timedelta(hours=2)  # longer than a remux may take
STORAGE_TRIES = 5


def recording_graph(slug: str, path: str):
    return chain(register_recording.si(slug, path), process_recording.s())


@shared_task(name="stream.vod.register_recording", autoretry_for=(DatabaseUnavailable,), retry_backoff=True,
             retry_jitter=True, max_retries=8, soft_time_limit=20, time_limit=30)
def register_recording(slug: str, path: str) -> int | None:
    """The VOD's id while it still needs processing, else None (the graph stops)."""
    source = vod_files.recording(path)
    if source is None:
        log.warning("recording %r refused: not a recording file in the recordings folder", path)
        return None
    channel = Channel.by_slug(slug)
    setting = ChannelRecording.of(channel.id) if channel else None
    if setting is None or not setting.recording:
        source.unlink(missing_ok=True)  # nginx records every stream; this channel keeps none
        return None
    recorded_at = vod_files.started_at(source)
    session_id = store.session_of(channel.id, recorded_at)
    db.session.execute(insert(Vod).values(
        channel_id=channel.id, session_id=session_id, part=1, source=source.name, state="processing",
        recorded_at=recorded_at).on_conflict_do_nothing(index_elements=["source"]))
    if session_id is not None:
        store.number_parts(session_id)
    db.session.commit()
    row = Vod.by_source(source.name)
    return row.id if row is not None and row.state == "processing" else None


@shared_task(name="stream.vod.process_recording", bind=True, soft_time_limit=900, time_limit=960,
             autoretry_for=(DatabaseUnavailable,), retry_backoff=True, max_retries=8)
def process_recording(self, vod_id: int | None) -> str | None:
    """The VOD's state once done (None: nothing to do). No row lock is held while ffmpeg runs."""
    row = db.session.get(Vod, vod_id) if vod_id else None
    if row is None or row.state != "processing":
        return None
    source, keys = vod_files.settings_dir() / row.source, vod_files.keys(row)
    db.session.rollback()
    if not source.is_file():
        return conclude(vod_id, keys, fault=("recording_missing", "the media server's file is gone"))
    try:
        with tempfile.TemporaryDirectory(prefix="axa-vod-") as work:
            made = vod_files.make(source, Path(work))
            vod_files.store(keys, made)
    except video.VideoError as exc:
        state = conclude(vod_id, keys, fault=(exc.reason, exc.detail))
    except StorageUnavailable as exc:
        if self.request.retries < STORAGE_TRIES:
            raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from exc
        return conclude(vod_id, keys, fault=("storage_unavailable", str(exc)))
    else:
        state = conclude(vod_id, keys, made=made)
    source.unlink(missing_ok=True)
    return state


def conclude(vod_id: int, keys: tuple[str, str], made: vod_files.Made | None = None,
             fault: tuple[str, str] = ("", "")) -> str | None:
    """The row ready with ``made``, or failed with ``fault`` (reason, detail), if it still waits
    (locked now); its state. A row deleted meanwhile (by its owner) leaves nothing behind: the
    objects just stored are deleted."""
    row = Vod.pending(vod_id)
    if row is None:
        db.session.rollback()
        for key in keys:
            vod_files.storage().delete(key)
        return None
    if row.state == "processing" and made is not None:
        row.finish(made.duration, made.size, *keys, now=clock_now())
    elif row.state == "processing":
        row.fail(*fault)
    db.session.commit()
    return row.state


def clock_now() -> datetime:
    return datetime.fromtimestamp(clock.now(), UTC)


@shared_task(name="stream.vod.sweep_vods", soft_time_limit=100, time_limit=120)
def sweep_vods() -> int:
    """Delete expired VODs (files first; a storage that does not answer stops the sweep until the
    next beat), restart stale graphs; how many VODs were deleted."""
    now, deleted = clock_now(), 0
    for stale_id in store.stale(now - STALE):
        process_recording.delay(stale_id)
    while rows := store.expired(now, vod_files.settings().retention_days):
        for row in rows:
            try:
                vod_files.delete(row)
            except StorageUnavailable as exc:
                log.warning("VOD sweep stopped: %s", exc)
                db.session.rollback()
                return deleted
            db.session.delete(row)
            deleted += 1
        db.session.commit()
    return deleted
