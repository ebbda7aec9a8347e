"""An account's activities, newest first by id (the keyset), as Alpaca's account activities: each
row a change of the account's cash with the cash after it. Today the cash movements: ``CSD`` (the
starting cash deposited when the account opens) and ``RESET`` (cash set back to the starting cash);
fills (``FILL``) will be recorded here in the same transaction as the fill."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Numeric, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db

DESCRIPTION_MAX = 200


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_account_id_id", "account_id", "id"),)

    DEPOSIT, RESET = "CSD", "RESET"
    TYPES = (DEPOSIT, RESET)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_type: Mapped[str] = mapped_column(String(16))
    net_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))  # the change of cash (negative: out)
    cash_after: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def record(cls, account_id: int, activity_type: str, net_amount: Decimal, cash_after: Decimal,
               description: str) -> Activity:
        activity = cls(account_id=account_id, activity_type=activity_type, net_amount=net_amount,
                       cash_after=cash_after, description=description)
        db.session.add(activity)
        return activity

    @classmethod
    def of_account(cls, account_id: int):
        return select(cls).where(cls.account_id == account_id)
