"""Sent-ledger: a message id recorded here is never sent again on redelivery."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.auth import db


class SentMail(db.Model):
    __tablename__ = "mail_ledger"

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def already_sent(cls, message_id: str) -> bool:
        return db.session.get(cls, message_id) is not None
