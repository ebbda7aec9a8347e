"""Audit trail of logins, failed logins and logouts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.auth import db


class AuthEvent(db.Model):
    __tablename__ = "auth_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(256), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)

    @classmethod
    def log(cls, kind: str, user_id: int | None, ip: str = "", user_agent: str = "") -> None:
        db.session.add(cls(kind=kind, user_id=user_id, ip=(ip or "")[:64],
                           user_agent=(user_agent or "")[:256]))
