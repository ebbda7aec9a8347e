"""An account's activities, newest first by id (the keyset), as Alpaca's account activities: each
row a change of the account's cash with the cash after it: ``CSD`` (the starting cash deposited
when the account opens), ``RESET`` (cash set back to the starting cash) and ``FILL`` (an order
filled: its order, symbol, side, quantity, price, the P&L it realized and whether it was a day
trade, at the fill's time), recorded in the same transaction as the fill."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Numeric, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db

DESCRIPTION_MAX = 200


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_account_id_id", "account_id", "id"),)

    DEPOSIT, RESET, FILL = "CSD", "RESET", "FILL"
    TYPES = (DEPOSIT, RESET, FILL)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_type: Mapped[str] = mapped_column(String(16))
    net_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))  # the change of cash (negative: out)
    cash_after: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # fills only
    order_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str | None] = mapped_column(String(64))
    side: Mapped[str | None] = mapped_column(String(4))
    qty: Mapped[Decimal | None] = mapped_column(Numeric(28, 9))
    price: Mapped[Decimal | None] = mapped_column(Numeric(28, 10))
    realized_pl: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    day_trade: Mapped[bool | None] = mapped_column(Boolean)  # closes what the same trading day opened

    @classmethod
    def record(cls, account_id: int, activity_type: str, net_amount: Decimal, cash_after: Decimal,
               description: str) -> Activity:
        activity = cls(account_id=account_id, activity_type=activity_type, net_amount=net_amount,
                       cash_after=cash_after, description=description)
        db.session.add(activity)
        return activity

    @staticmethod
    def fill_row(account_id: int, net_amount: Decimal, cash_after: Decimal, order, qty: Decimal,
                 price: Decimal, realized: Decimal, at: datetime, day_trade: bool) -> dict:
        """A FILL activity as a row to insert (a chunk of fills inserts them in one statement)."""
        return {"account_id": account_id, "activity_type": Activity.FILL, "net_amount": net_amount,
                "cash_after": cash_after, "created_at": at, "order_id": order.id, "symbol": order.symbol,
                "side": order.side, "qty": qty, "price": price, "realized_pl": realized,
                "day_trade": day_trade,
                "description": f"{order.side} {qty.normalize():f} {order.symbol} at {price.normalize():f}"}

    @classmethod
    def day_trades(cls, account_ids: list[int], since: datetime) -> dict[int, int]:
        """Each account's day trades since ``since`` and its last reset (accounts without any left out)."""
        if not account_ids:
            return {}
        accounts = cls.__table__.metadata.tables["accounts"]
        rows = db.session.execute(select(cls.account_id, func.count()).where(
            cls.account_id.in_(account_ids), cls.activity_type == cls.FILL, cls.day_trade.is_(True),
            cls.created_at >= since, accounts.c.id == cls.account_id,
            cls.created_at >= func.coalesce(accounts.c.reset_at, cls.created_at)).group_by(cls.account_id))
        return dict(rows.all())

    @classmethod
    def of_account(cls, account_id: int):
        return select(cls).where(cls.account_id == account_id)
