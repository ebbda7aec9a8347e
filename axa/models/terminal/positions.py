"""An account's open positions, one per quote ref: the signed quantity (negative: short), the
average entry price and the cost basis (``qty`` x ``avg_entry_price``, negative for a short), as
Alpaca's position object; changed only by fills (axa/models/terminal/fills.py), under the
account's row lock. A position that comes back to zero is deleted; what it realized is in the
fill's activity.

``apply`` is the arithmetic of one fill: adding to a position moves its average entry; reducing
it realizes ``closed x (price - avg_entry)`` (sign of the side held) and keeps the average; a
fill that crosses zero opens the rest at the fill price."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Numeric, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db
from axa.models.terminal.orders import PRICE, QTY, SYMBOL_MAX

ZERO = Decimal(0)


class Position(db.Model):
    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("account_id", "quote_ref", name="uq_positions_account_id_quote_ref"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    quote_ref: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    asset_class: Mapped[str] = mapped_column(String(16))
    qty: Mapped[Decimal] = mapped_column(QTY)
    avg_entry_price: Mapped[Decimal] = mapped_column(PRICE)
    cost_basis: Mapped[Decimal] = mapped_column(Numeric(32, 10))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last opened or added to
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def of_account(cls, account_id: int):
        return select(cls).where(cls.account_id == account_id)

    @classmethod
    def of_accounts(cls, account_ids: list[int], quote_refs: list[str] | None = None) -> list[Position]:
        """The accounts' positions (in ``quote_refs`` only, when given)."""
        if not account_ids:
            return []
        stmt = select(cls).where(cls.account_id.in_(account_ids))
        if quote_refs is not None:
            stmt = stmt.where(cls.quote_ref.in_(quote_refs))
        return list(db.session.scalars(stmt))

    @classmethod
    def held(cls, account_id: int, quote_ref: str) -> Position | None:
        return db.session.scalar(cls.of_account(account_id).where(cls.quote_ref == quote_ref))

    @classmethod
    def by_symbol(cls, account_id: int, symbol: str) -> Position | None:
        return db.session.scalar(cls.of_account(account_id).where(
            (cls.symbol == symbol) | (cls.quote_ref == symbol)))

    def reduced_by(self, delta: Decimal) -> bool:
        return self.qty != 0 and (self.qty > 0) != (delta > 0)

    @property
    def side(self) -> str:
        return "long" if self.qty > 0 else "short"


def apply(position: Position, delta: Decimal, price: Decimal, at: datetime) -> Decimal:
    """Change ``position`` by a fill of signed ``delta`` at ``price``; the P&L it realizes."""
    held = position.qty
    realized = ZERO
    if held == 0 or (held > 0) == (delta > 0):  # opening or adding
        position.cost_basis += delta * price
        position.qty = held + delta
        position.opened_at = at
    else:  # reducing, perhaps through zero
        closed = min(abs(delta), abs(held))
        realized = closed * (price - position.avg_entry_price) * (1 if held > 0 else -1)
        position.qty = held + delta
        if position.qty == 0 or (position.qty > 0) == (held > 0):
            position.cost_basis = position.qty * position.avg_entry_price
        else:  # flipped: the rest opens at the fill price
            position.cost_basis = position.qty * price
            position.opened_at = at
    if position.qty != 0:
        position.avg_entry_price = position.cost_basis / position.qty
    position.updated_at = at
    return realized
