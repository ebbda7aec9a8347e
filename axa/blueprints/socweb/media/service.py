"""Uploads and reads behind the media endpoints, and the media card every face sends.

An upload is stored before its row commits: the row, the original (``originals/<sha256>``, kept
once per content) and the outbox entry that starts the processing graph are one unit. Storage that
does not answer raises StorageUnavailable (503, registered by axa/blueprints/socweb/__init__.py)
before the commit, so no row is left pointing at nothing."""
from __future__ import annotations

import hashlib

from flask_smorest import abort
from werkzeug.datastructures import FileStorage

from axa.models.socweb import Media, OutboxEntry, db
from axa.models.socweb import media as store

ORIGINAL_TYPE = "application/octet-stream"  # originals are never served


def read_upload(file: FileStorage) -> bytes:
    """The file's bytes, at most AXA_MEDIA_MAX_BYTES (413 past them; the request's own limit
    usually answers first). An empty file is kept like any other and fails (``empty``)."""
    limit = store.settings().max_bytes
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        abort(413, message=f"The file is larger than {limit} bytes.")
    return data


def upload(owner_id: int, data: bytes, description: str | None) -> Media:
    """The owner's row for these bytes (the same one for the same bytes), committed."""
    sha256 = hashlib.sha256(data).hexdigest()
    store.lock_content(sha256)
    row, made = Media.upload(owner_id, sha256, len(data), description)
    if made:
        key = store.original_key(sha256)
        if not store.storage().exists(key):
            store.storage().put(key, data, ORIGINAL_TYPE)
        OutboxEntry.add("media.uploaded", {"media_id": row.id})
    db.session.commit()
    return row


def own_or_404(media_id: int, owner_id: int) -> Media:
    row = db.session.scalar(db.select(Media).where(Media.id == media_id, Media.owner_id == owner_id))
    if row is None:
        abort(404, message="No such media.")
    return row


def card(row: Media) -> dict:
    """The media as ``MediaSchema`` sends it."""
    ready = row.state == "ready" and row.variants
    return {"id": row.id, "state": row.state, "reason": row.reason, "description": row.description,
            "type": row.content_type, "size": row.size_bytes, "width": row.width, "height": row.height,
            "created_at": row.created_at,
            **{name: ({"url": store.url_of(row.sha256, name), **row.variants[name]} if ready else None)
               for name in ("small", "large")}}


def cards_of(media_ids: list[int]) -> dict[int, dict]:
    """The cards of the ready media among ``media_ids`` by id (no query for none)."""
    if not media_ids:
        return {}
    rows = db.session.scalars(db.select(Media).where(Media.id.in_(set(media_ids)), Media.state == "ready"))
    return {row.id: card(row) for row in rows}
