"""Paper accounts: several per user, each named (unique among the user's open accounts), with a base
currency, its starting cash, a type (``cash`` or ``margin``) and a fill model (``alpaca``: last
price, no slippage, no fees; ``realistic``: spread, slippage and fees), which matching reads.

Money is ``Numeric`` in SQL and ``Decimal`` in Python, in the account's currency, to the cent.
Closing an account (the API's delete) keeps its row and its activities, so a later diary and
reports still see its history; a closed account is no longer its owner's to read or change, and
its name is free again.

Creating an account takes a per-user lock, so the per-user limit and the unique names stay exact
under concurrent creates; changes to one account (a reset, an order, a fill) lock its row
(``owned`` with ``lock``). Orders, positions and order events hang off ``accounts.id`` as
``activities`` do.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    Numeric,
    String,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.owned import UserOwnedTable
from axa.models.terminal import db
from axa.models.terminal.activities import Activity

NAME_MAX = 100
MONEY = Numeric(20, 2)
ACCOUNT_TYPES = ("cash", "margin")
FILL_MODELS = ("alpaca", "realistic")
ACTIVE, CLOSED = "ACTIVE", "ACCOUNT_CLOSED"  # Alpaca's account statuses


class Account(UserOwnedTable, db.Model):
    __tablename__ = "accounts"
    __table_args__ = (
        Index("uq_accounts_user_id_name_open", "user_id", "name", unique=True,
              postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_accounts_user_id_id", "user_id", "id"),
        CheckConstraint("account_type IN ('cash', 'margin')", name="account_type"),
        CheckConstraint("fill_model IN ('alpaca', 'realistic')", name="fill_model"),
        CheckConstraint("status IN ('ACTIVE', 'ACCOUNT_CLOSED')", name="status"),
        CheckConstraint("starting_cash > 0", name="starting_cash_positive"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    currency: Mapped[str] = mapped_column(String(3))
    account_type: Mapped[str] = mapped_column(String(8))
    fill_model: Mapped[str] = mapped_column(String(16))
    starting_cash: Mapped[Decimal] = mapped_column(MONEY)
    cash: Mapped[Decimal] = mapped_column(MONEY)
    last_equity: Mapped[Decimal] = mapped_column(MONEY)  # equity at the last close (a beat snapshot)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    cloned_from: Mapped[int | None] = mapped_column(BigInteger)  # the account whose settings it copied
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def of_user(cls, user_id: int):
        return select(cls).where(cls.user_id == user_id, cls.status == ACTIVE)

    @classmethod
    def open(cls, user_id: int, name: str, **settings) -> Account:
        """A new account holding its starting cash, with the deposit as its first activity."""
        account = cls(user_id=user_id, name=name, cash=settings["starting_cash"],
                      last_equity=settings["starting_cash"], status=ACTIVE, **settings)
        db.session.add(account)
        db.session.flush()
        Activity.record(account.id, Activity.DEPOSIT, account.cash, account.cash, "Starting cash")
        return account

    def reset(self) -> None:
        """Back to the starting state: the starting cash and nothing else (the row must be locked);
        the change of cash is recorded as an activity."""
        now = datetime.now(UTC)
        Activity.record(self.id, Activity.RESET, self.starting_cash - self.cash, self.starting_cash,
                        "Reset to the starting cash")
        self.cash = self.last_equity = self.starting_cash
        self.reset_at = self.updated_at = now

    def close(self) -> None:
        self.status = CLOSED
        self.closed_at = self.updated_at = datetime.now(UTC)

    def touch(self) -> None:
        self.updated_at = datetime.now(UTC)
