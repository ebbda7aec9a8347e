"""One-time tokens (email confirmation, password reset): stored as SHA-256, single use,
a newer token of the same purpose voids the older ones. Times come from the app's clock
(axa/platform/clock.py), so a lifetime is enforced by the clock the tests move."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.auth import db
from axa.platform import clock

LIFETIMES = {"confirm": timedelta(hours=24), "reset": timedelta(minutes=30)}


def _now() -> datetime:
    return datetime.fromtimestamp(clock.now(), UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserToken(db.Model):
    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @classmethod
    def issue(cls, user_id: int, purpose: str, now: datetime | None = None) -> str:
        """Void older unused tokens of this purpose and return a fresh 256-bit token."""
        now = cls.void(user_id, purpose, now)
        token = secrets.token_urlsafe(32)
        db.session.add(cls(user_id=user_id, purpose=purpose, token_hash=_digest(token),
                           expires_at=now + LIFETIMES[purpose], created_at=now))
        return token

    @classmethod
    def void(cls, user_id: int, purpose: str, now: datetime | None = None) -> datetime:
        """Mark the user's unused tokens of this purpose used (a link mailed before an email change
        must not confirm the new address)."""
        now = now or _now()
        db.session.execute(update(cls).where(cls.user_id == user_id, cls.purpose == purpose,
                                             cls.used_at.is_(None)).values(used_at=now))
        return now

    @classmethod
    def redeem(cls, token: str, purpose: str, now: datetime | None = None) -> int | None:
        """Mark the token used and return its user id, or None if unknown, used or expired."""
        now = now or _now()
        row = db.session.scalar(select(cls).where(cls.token_hash == _digest(token or ""),
                                                  cls.purpose == purpose).with_for_update())
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        return row.user_id
