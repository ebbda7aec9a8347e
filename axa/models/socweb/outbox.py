"""Socweb's transactional outbox: work a change hands to Celery (feed fan-out; notifications in
part 2) is written here in the change's own transaction, published after commit, and swept by
beat if the broker was down or the process died in between (DESIGN.md §9)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, BigInteger, DateTime, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db


class OutboxEntry(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))  # e.g. "feed.post", "feed.subscription"
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    @classmethod
    def add(cls, topic: str, payload: dict) -> OutboxEntry:
        """Queue work inside the caller's transaction (flushed, so it has an id)."""
        entry = cls(topic=topic, payload=payload)
        db.session.add(entry)
        db.session.flush()
        return entry

    @classmethod
    def pending(cls, older_than: timedelta = timedelta(0), limit: int = 500) -> list[OutboxEntry]:
        cutoff = datetime.now(UTC) - older_than
        return list(db.session.scalars(
            select(cls).where(cls.published_at.is_(None), cls.created_at <= cutoff)
            .order_by(cls.id).limit(limit).with_for_update(skip_locked=True)))

    @classmethod
    def prune(cls, older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        return db.session.execute(delete(cls).where(cls.published_at < cutoff)).rowcount
