"""Transactional outbox: work that must not be lost (user sync, mail) is written as a row in
the same transaction as the change, and published to the broker after commit by the relay
(again by the beat sweep if the broker was down)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, BigInteger, DateTime, String, delete, func, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.auth import db


class OutboxEntry(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    topic: Mapped[str] = mapped_column(String(16))  # "user" | "mail"
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    @classmethod
    def user_changed(cls, user) -> OutboxEntry:
        """Bump the user's version and queue its snapshot; call inside the change's transaction.

        An existing user's version is bumped in SQL (row lock, read-committed re-check) and the row
        re-read, so two concurrent changes get two versions and each snapshot is the whole row."""
        if inspect(user).persistent:
            user.version = type(user).version + 1
            db.session.flush()
            db.session.refresh(user)
        else:
            user.version = (user.version or 0) + 1
            db.session.flush()
        entry = cls(topic="user", payload=user.snapshot())
        db.session.add(entry)
        return entry

    @classmethod
    def mail(cls, template: str, *, user_id: int | None = None, email_key: str | None = None,
             to: str | None = None) -> OutboxEntry:
        """A mail for a user, or for whoever owns an address (a reset request: maybe nobody); ``to``
        sends a user's mail to another address (their previous one, told of a change). No secret
        goes in: the mail task mints any link's token when it sends (axa/tasks/auth/mail.py)."""
        payload = {"template": template, "user_id": user_id, "email_key": email_key}
        entry = cls(topic="mail", payload={**payload, "to": to} if to else payload)
        db.session.add(entry)
        db.session.flush()
        return entry

    @classmethod
    def prune(cls, older_than: timedelta) -> int:
        """Delete rows published longer ago than ``older_than``; a mail row normally goes as soon
        as its mail is sent, so one left here is a mail whose task never finished."""
        cutoff = datetime.now(UTC) - older_than
        return db.session.execute(delete(cls).where(cls.published_at < cutoff)).rowcount

    @classmethod
    def pending(cls, older_than: timedelta = timedelta(0), limit: int = 500) -> list[OutboxEntry]:
        cutoff = datetime.now(UTC) - older_than
        return list(db.session.scalars(
            select(cls).where(cls.published_at.is_(None), cls.created_at <= cutoff)
            .order_by(cls.id).limit(limit).with_for_update(skip_locked=True)))
