"""The trader's diary: accounts (several per user, named, unique per user; ``source`` says where their
executions come from: ``manual`` (entered or imported through the API) or ``terminal`` (a paper
account's fills, axa/models/stocks/diary_sources.py)) and their executions (buy or sell of a symbol,
with quantity, price, fee and time, and an optional initial risk). Trades are not stored: they are
grouped from the executions by FIFO (axa/blueprints/stocks/diary/fifo.py).

An execution's ``fingerprint`` (sha256 of its normalized fields, ``fingerprint_of``) is unique per
account, so the same fill entered or imported twice is stored once. Quantities, prices and money are
Numeric, never float."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.owned import UserOwnedTable
from axa.models.stocks import db

NAME_MAX = 100
SYMBOL_MAX = 32
SOURCES = ("manual", "terminal")
SIDES = ("buy", "sell")
NUMBER = Numeric(38, 18)


def fingerprint_of(symbol: str, side: str, quantity: Decimal, price: Decimal, fee: Decimal,
                   executed_at: datetime) -> str:
    """sha256 of the normalized fields: upper-case symbol, plain decimals, UTC microseconds."""
    moment = executed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    numbers = "|".join(f"{Decimal(n).normalize():f}" for n in (quantity, price, fee))
    return hashlib.sha256(f"{symbol.upper()}|{side}|{numbers}|{moment}".encode()).hexdigest()


class DiaryAccount(UserOwnedTable, db.Model):
    __tablename__ = "diary_accounts"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_diary_accounts_user_name"),
        CheckConstraint("source IN ('manual', 'terminal')", name="source"),
        Index("ix_diary_accounts_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def touch(self) -> None:
        self.updated_at = datetime.now(UTC)


class DiaryExecution(db.Model):
    __tablename__ = "diary_executions"
    __table_args__ = (
        UniqueConstraint("account_id", "fingerprint", name="uq_diary_executions_account_fingerprint"),
        CheckConstraint("side IN ('buy', 'sell')", name="side"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("initial_risk IS NULL OR initial_risk > 0", name="initial_risk_positive"),
        Index("ix_diary_executions_account_id_id", "account_id", "id"),
        Index("ix_diary_executions_account_symbol_time", "account_id", "symbol", "executed_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    side: Mapped[str] = mapped_column(String(4))
    quantity: Mapped[Decimal] = mapped_column(NUMBER)
    price: Mapped[Decimal] = mapped_column(NUMBER)
    fee: Mapped[Decimal] = mapped_column(NUMBER)
    executed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    initial_risk: Mapped[Decimal | None] = mapped_column(NUMBER)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def of_account(cls, account_id: int, symbol: str | None = None):
        stmt = select(cls).where(cls.account_id == account_id)
        return stmt if symbol is None else stmt.where(cls.symbol == symbol)

    @classmethod
    def in_time_order(cls, account_id: int, symbol: str | None = None) -> list[DiaryExecution]:
        """The account's executions (of one symbol) by symbol, time, then id: FIFO's input."""
        stmt = cls.of_account(account_id, symbol).order_by(cls.symbol, cls.executed_at, cls.id)
        return list(db.session.scalars(stmt))

    @classmethod
    def count_in(cls, account_id: int) -> int:
        return db.session.scalar(select(func.count()).select_from(cls).where(cls.account_id == account_id))
