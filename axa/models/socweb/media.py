"""Uploaded images: a row per user and content (SHA-256 of the bytes), its state
(``processing`` -> ``ready`` | ``failed`` with a reason) and the derivatives made from it.

Objects are keyed by the content hash (``originals/<sha256>``, ``derivatives/<sha256>/<size>.webp``),
so identical bytes are stored once whoever uploads them; the same user uploading the same bytes
again gets the same row. A row is ``attached_at`` once a post or a profile uses it; a row never
attached is an orphan, swept after ``AXA_MEDIA_ORPHAN_HOURS`` (``sweep_orphans``), together with
its objects when no other row holds the same content. Uploads and the sweep take a per-content
advisory lock, so the sweep never deletes an object a new upload of the same bytes relies on.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db
from axa.models.socweb.media_settings import MediaSettings
from axa.platform.storage import storage_for

STATES = ("processing", "ready", "failed")
DESCRIPTION_MAX = 1500
ATTACHMENTS_MAX = 4
FILE_ENDPOINT = "media.MediaFile"  # the route serving a folder storage's derivatives
FILES_PATH = "/api/v1/media/files"  # its path


class Media(db.Model):
    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("owner_id", "sha256", name="uq_media_owner_sha256"),
        CheckConstraint("state IN ('processing', 'ready', 'failed')", name="state"),
        Index("ix_media_sha256", "sha256"),
        Index("ix_media_unattached_created_at", "created_at", postgresql_where=text("attached_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="processing")
    reason: Mapped[str | None] = mapped_column(String(32))  # failed: a stable code
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(32))  # sniffed from the bytes
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    variants: Mapped[dict | None] = mapped_column(JSON)  # {"small": {"width", "height"}, "large": …}
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def upload(cls, owner_id: int, sha256: str, size: int, description: str | None) -> tuple[Media, bool]:
        """The owner's row for this content and whether this call made it (``processing``); an
        existing one gets the description when one is given. Not committed."""
        statement = insert(cls).values(owner_id=owner_id, sha256=sha256, size_bytes=size,
                                       description=description)
        row_id, made = db.session.execute(statement.on_conflict_do_update(
            constraint="uq_media_owner_sha256",
            set_={"description": func.coalesce(statement.excluded.description, cls.description)})
            .returning(cls.id, literal_column("xmax = 0"))).one()
        return db.session.get(cls, row_id, populate_existing=True), made

    def fail(self, reason: str) -> None:
        self.state, self.reason, self.processed_at = "failed", reason, func.now()

    def finish(self, variants: dict) -> None:
        self.state, self.reason, self.variants, self.processed_at = "ready", None, variants, func.now()

    @classmethod
    def processed_twin(cls, sha256: str, except_id: int) -> Media | None:
        """Another row of the same content already processed (its outcome holds for this one)."""
        return db.session.scalar(select(cls).where(cls.sha256 == sha256, cls.id != except_id,
                                                   cls.state != "processing").limit(1))

    @classmethod
    def attach(cls, owner_id: int, ids: list[int]) -> list[Media] | None:
        """The owner's ready rows with these ids, locked and marked attached; None unless every id
        is one. Not committed."""
        rows = list(db.session.scalars(select(cls).where(
            cls.id.in_(ids), cls.owner_id == owner_id, cls.state == "ready").with_for_update()))
        if len(rows) != len(set(ids)):
            return None
        for row in rows:
            row.attached_at = row.attached_at or func.now()
        return rows


def lock_content(sha256: str) -> None:
    """Until the transaction ends, no other upload or sweep of this content runs."""
    db.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"socweb.media:{sha256}", 0))))


def original_key(sha256: str) -> str:
    return f"originals/{sha256}"


def derivative_key(sha256: str, name: str) -> str:
    return f"derivatives/{sha256}/{name}.webp"


def settings() -> MediaSettings:
    return current_app.config["AXA_MEDIA"]


def storage():
    s = settings()
    return storage_for(s.storage_url, s.s3_access_key, s.s3_secret_key, s.s3_region, s.url_seconds)


def url_of(sha256: str, name: str) -> str:
    """Where a client fetches a derivative: the bucket's (public or pre-signed) or this app's."""
    served = storage().url(derivative_key(sha256, name))
    if served is None and has_request_context():
        served = url_for(FILE_ENDPOINT, sha256=sha256, name=name, _external=True)
    return served or f"{FILES_PATH}/{sha256}/{name}.webp"  # outside a request (a task): the path


def sizes() -> dict[str, int]:
    return {"small": settings().small_px, "large": settings().large_px}


def sweep_orphans(older_than: timedelta, limit: int = 200) -> int:
    """Delete rows never attached and older than ``older_than``, and each content's objects once no
    row holds it; one transaction per row (a storage error stops the sweep: that row and the rest wait
    for the next one)."""
    cutoff = datetime.now(UTC) - older_than
    ids = list(db.session.scalars(select(Media.id).where(
        Media.attached_at.is_(None), Media.created_at < cutoff).order_by(Media.id).limit(limit)))
    db.session.rollback()
    removed = 0
    for media_id in ids:
        removed += _remove_orphan(media_id, cutoff)
    return removed


def _remove_orphan(media_id: int, cutoff: datetime) -> int:
    sha256 = db.session.scalar(select(Media.sha256).where(Media.id == media_id))
    if sha256 is None:
        return 0
    lock_content(sha256)
    row = db.session.scalar(select(Media).where(Media.id == media_id, Media.attached_at.is_(None),
                                                Media.created_at < cutoff).with_for_update())
    if row is None:  # attached meanwhile
        db.session.rollback()
        return 0
    db.session.delete(row)
    db.session.flush()
    if db.session.scalar(select(func.count()).select_from(Media).where(Media.sha256 == sha256)) == 0:
        for key in (original_key(sha256), *(derivative_key(sha256, name) for name in sizes())):
            storage().delete(key)
    db.session.commit()
    return 1
