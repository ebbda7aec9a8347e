"""Global identities. Every change bumps ``version`` and writes an outbox row (see outbox.py).

``email`` is the address mail goes to, as the user gave it (trimmed, lower-cased); ``email_key`` is
its identity, ``normalize_email(email)``: every lookup, per-account limit key and the unique index
use the key, so spaces, case and Unicode compatibility forms (full-width letters, ligatures, ß/ss)
cannot make a second account or a second limit counter for one address.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, validates

from axa.models.auth import db


def normalize_email(address: str) -> str:
    """NFKC, case-folded (NFKC again: folding can leave compatibility forms), stripped."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address).casefold()).strip()


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="active")
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def is_admin(self) -> bool:
        return "admin" in (self.roles or [])

    @validates("email")
    def _keep_key(self, _, email: str) -> str:
        self.email_key = normalize_email(email)
        return email

    @classmethod
    def by_email(cls, email: str) -> User | None:
        """The user whose address normalizes like ``email`` (any form of it)."""
        return db.session.scalar(select(cls).where(cls.email_key == normalize_email(email)))

    def snapshot(self) -> dict:
        """The versioned record pushed to every other subsystem."""
        return {"id": self.id, "email": self.email, "display_name": self.display_name,
                "status": self.status, "roles": list(self.roles or []), "version": self.version}

    def to_dict(self) -> dict:
        return {**self.snapshot(), "email_confirmed": self.email_confirmed_at is not None,
                "created_at": self.created_at}


Index("uq_users_email_key", User.email_key, unique=True)
