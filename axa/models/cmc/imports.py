"""CSV imports of portfolio transactions: one row per upload, worked by a Celery job
(axa/tasks/cmc/imports.py) and kept as its report (counts, and each rejected line with why)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db

STATES = ("queued", "running", "done", "failed")
REJECTED_KEPT = 200  # rejected lines listed in a report (all are counted)


class PortfolioImport(db.Model):
    __tablename__ = "portfolio_imports"
    __table_args__ = (CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"),
                                              index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    csv_text: Mapped[str] = mapped_column(Text, deferred=True)  # the upload, as received
    lines: Mapped[int] = mapped_column(Integer, default=0)  # data lines (after the header)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list] = mapped_column(JSON, default=list)  # [{"line": n, "reason": "..."}]
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
