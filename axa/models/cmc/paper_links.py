"""A portfolio linked to a paper account of the trading terminal (its own database): the
terminal's fills become the portfolio's transactions, read-only, copied by a pull that cannot lose
or double one (axa/tasks/cmc/paper.py).

The link keeps a cursor, the id of the last FILL activity of the account copied: each sync asks
the terminal for the fills after it (``terminal.paper.export_fills``) and writes them under the
portfolio's lock with their activity id as ``fill_id`` (unique per portfolio), so a message seen
twice adds nothing and one lost is made good by the next sync (beat). ``reset_at`` is the account's
last reset as the terminal last told: a newer one drops the fills copied before it (the account
started again from its starting cash)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db

STATES = ("linking", "linked", "failed")  # linking: no answer from the terminal yet
ERROR_MAX = 200


class PaperLink(db.Model):
    __tablename__ = "paper_links"

    portfolio_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"),
                                              primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="linking")
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def live(cls, after_portfolio_id: int, limit: int) -> list[tuple[PaperLink, int]]:
        """Links still to keep in sync (not failed) with their owner's id, by portfolio id from
        ``after_portfolio_id``."""
        from axa.models.cmc.portfolios import Portfolio
        stmt = (select(cls, Portfolio.user_id).join(Portfolio, Portfolio.id == cls.portfolio_id)
                .where(cls.state != "failed", cls.portfolio_id > after_portfolio_id)
                .order_by(cls.portfolio_id).limit(limit))
        return [tuple(row) for row in db.session.execute(stmt)]
