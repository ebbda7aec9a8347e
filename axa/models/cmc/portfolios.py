"""Portfolios: several per user, each named (unique per user) with its cost-basis method (``fifo``
or ``average``), and their transactions: ``buy``, ``sell``, ``transfer_in``, ``transfer_out`` and
``fee`` of a coin (by CMC id) or a stocks instrument (by symbol, checked by the caller against the
latest-quote contract). Quantities, prices and fees are Numeric, never float.

Holdings are not stored: they are computed from the transactions in time order
(axa/blueprints/cmc/portfolios/pnl.py). Every change to a portfolio's transactions first locks the
portfolio's row (``lock``), so two concurrent sells cannot both pass the quantity check; creating a
portfolio takes a per-user lock so the per-user limit stays exact.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db
from axa.models.owned import UserOwnedTable

NAME_MAX = 100
SYMBOL_MAX = 64
NOTE_MAX = 1000
METHODS = ("fifo", "average")
KINDS = ("buy", "sell", "transfer_in", "transfer_out", "fee")
NUMBER = Numeric(38, 18)


class Portfolio(UserOwnedTable, db.Model):
    __tablename__ = "portfolios"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_portfolios_user_name"),
        CheckConstraint("cost_basis IN ('fifo', 'average')", name="cost_basis_method"),
        Index("ix_portfolios_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    cost_basis: Mapped[str] = mapped_column(String(16))
    allow_short: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def transactions(self) -> list[PortfolioTransaction]:
        """Every transaction in the order they happened (time, then id)."""
        tx = PortfolioTransaction
        return list(db.session.scalars(select(tx).where(tx.portfolio_id == self.id)
                                       .order_by(tx.executed_at, tx.id)))

    def touch(self) -> None:
        self.updated_at = datetime.now(UTC)


class PortfolioTransaction(db.Model):
    """One movement of a coin (``coin_id``) or a stocks instrument (``symbol``): exactly one."""

    __tablename__ = "portfolio_transactions"
    __table_args__ = (
        CheckConstraint("(coin_id IS NULL) <> (symbol IS NULL)", name="one_asset"),
        CheckConstraint("kind IN ('buy', 'sell', 'transfer_in', 'transfer_out', 'fee')", name="kind"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        Index("ix_portfolio_transactions_portfolio_id_id", "portfolio_id", "id"),
        UniqueConstraint("portfolio_id", "fill_id", name="uq_portfolio_transactions_fill"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    coin_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str | None] = mapped_column(String(SYMBOL_MAX))
    quantity: Mapped[Decimal] = mapped_column(NUMBER)
    price: Mapped[Decimal | None] = mapped_column(NUMBER)
    fee: Mapped[Decimal] = mapped_column(NUMBER)
    currency: Mapped[str] = mapped_column(String(8))
    executed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    fill_id: Mapped[int | None] = mapped_column(BigInteger)  # a linked paper account's fill (paper_links.py)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def asset_kind(self) -> str:
        return "coin" if self.coin_id is not None else "stock"

    @classmethod
    def of_portfolio(cls, portfolio_id: int):
        return select(cls).where(cls.portfolio_id == portfolio_id)

    @classmethod
    def count_in(cls, portfolio_id: int) -> int:
        stmt = select(func.count()).select_from(cls).where(cls.portfolio_id == portfolio_id)
        return db.session.scalar(stmt)
