"""Where diary executions come from besides the API's manual entry.

``DiaryTerminalLink``: a paper account of the trading terminal (its own database) mirrored as a
diary account of the same user (source ``terminal``), created on its first fill. Each terminal fill
is one execution whose fingerprint is ``terminal_fingerprint`` of the fill's id (``<order id>:<the
order's filled quantity after it>``, one per partial fill), so a redelivered fill adds nothing, and
two equal fills stay two.

``DiaryImport``: a broker CSV upload into an account's executions, worked by a Celery job
(axa/tasks/stocks/diary_imports.py) and kept afterwards as its report (counts, and each rejected
line with why)."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stocks import db

STATES = ("queued", "running", "done", "failed")
REJECTED_KEPT = 200  # rejected lines listed in a report (all are counted)
PRESET_MAX = 32


def terminal_fingerprint(fill_id: int | str) -> str:
    """A terminal fill's execution fingerprint: its id, not its fields (two equal fills are two)."""
    return hashlib.sha256(f"terminal-fill|{fill_id}".encode()).hexdigest()


class DiaryTerminalLink(db.Model):
    __tablename__ = "diary_terminal_links"

    terminal_account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    diary_account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryImport(db.Model):
    __tablename__ = "diary_imports"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index("ix_diary_imports_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    preset: Mapped[str] = mapped_column(String(PRESET_MAX))  # a broker preset, or ``generic``
    mapping: Mapped[dict | None] = mapped_column(JSON)  # generic only: column names and time format
    csv_text: Mapped[str] = mapped_column(Text, deferred=True)  # the upload, as received
    lines: Mapped[int] = mapped_column(Integer, default=0)  # data lines (after the header)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list] = mapped_column(JSON, default=list)  # [{"line": n, "reason": "..."}]
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
