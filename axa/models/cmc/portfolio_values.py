"""The daily value history of portfolios: one row per portfolio, currency and UTC day, written by
beat's snapshot (axa/tasks/cmc/snapshots.py) from the holdings on the latest quotes. A day's row is
rewritten by every snapshot of that day, so it ends up holding the day's last value."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, Numeric, String, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db

NUMBER = Numeric(38, 18)
VALUES = ("market_value", "cost_basis", "realized_pnl", "unrealized_pnl", "unquoted", "taken_at")


class PortfolioValue(db.Model):
    __tablename__ = "portfolio_values"

    portfolio_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"),
                                              primary_key=True)
    currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    market_value: Mapped[Decimal] = mapped_column(NUMBER)  # of the quoted holdings
    cost_basis: Mapped[Decimal] = mapped_column(NUMBER)
    realized_pnl: Mapped[Decimal] = mapped_column(NUMBER)
    unrealized_pnl: Mapped[Decimal] = mapped_column(NUMBER)
    unquoted: Mapped[int] = mapped_column(Integer)  # holdings left out of market_value: no quote
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @classmethod
    def put(cls, rows: list[dict]) -> None:
        """Upsert snapshot rows on (portfolio, currency, day); the caller commits."""
        if rows:
            stmt = insert(cls.__table__).values(rows)
            stmt = stmt.on_conflict_do_update(index_elements=["portfolio_id", "currency", "day"],
                                              set_={name: stmt.excluded[name] for name in VALUES})
            db.session.execute(stmt)

    @classmethod
    def clear(cls, portfolio_id: int, start: date, end: date) -> None:
        db.session.execute(delete(cls).where(cls.portfolio_id == portfolio_id, cls.day >= start,
                                             cls.day <= end))

    @classmethod
    def between(cls, portfolio_id: int, start: date, end: date, currency: str | None) -> list[PortfolioValue]:
        stmt = select(cls).where(cls.portfolio_id == portfolio_id, cls.day >= start, cls.day <= end)
        if currency is not None:
            stmt = stmt.where(cls.currency == currency)
        return list(db.session.scalars(stmt.order_by(cls.day, cls.currency)))
