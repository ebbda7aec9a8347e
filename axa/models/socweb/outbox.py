"""Socweb's transactional outbox: work a change hands to Celery (feed fan-out; notifications in
part 2) is written here in the change's own transaction, published after commit, and swept by
beat if the broker was down or the process died in between (DESIGN.md §9).

``add`` also notes the row's id on the session (``session.info``); at the end of a request
socweb takes those ids (``take_added``) and publishes the rows that committed
(axa/tasks/socweb/feeds.py ``publish_added``): a row rolled back, or not yet committed, is not
seen there and is left to the sweep."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, BigInteger, DateTime, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.socweb import db

ADDED = "socweb_outbox_added"  # session.info key: ids of the rows ``add`` wrote in this session


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
        db.session.info.setdefault(ADDED, []).append(entry.id)
        return entry

    @classmethod
    def add_many(cls, topic: str, payloads: list[dict]) -> list[int]:
        """``add`` for many rows of one topic in one statement; their ids."""
        if not payloads:
            return []
        ids = list(db.session.scalars(insert(cls).returning(cls.id),
                                      [{"topic": topic, "payload": p} for p in payloads]))
        db.session.info.setdefault(ADDED, []).extend(ids)
        return ids

    @classmethod
    def take_added(cls) -> list[int]:
        """Ids of the rows ``add`` wrote in the current session since the last call (committed or
        not: the publisher reads them back and sees only those that committed)."""
        if not db.session.registry.has():
            return []
        return db.session.info.pop(ADDED, [])

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
