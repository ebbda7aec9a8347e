"""The persistent log of order events, per account, in the order they happened (the id is the
cursor): Alpaca's trade updates ``new`` / ``accepted`` (placed), ``partial_fill``, ``fill``, ``canceled``,
``expired``, ``replaced``, ``rejected``. Each is written in the transaction that changes the order,
so a client reading ``since`` the last id it saw misses nothing and sees nothing twice."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Numeric, String, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db

EVENTS = ("new", "accepted", "partial_fill", "fill", "canceled", "expired", "replaced", "rejected")


class OrderEvent(db.Model):
    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_account_id_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    qty: Mapped[Decimal | None] = mapped_column(Numeric(28, 9))  # fill: the quantity filled
    price: Mapped[Decimal | None] = mapped_column(Numeric(28, 10))  # fill: its price
    position_qty: Mapped[Decimal | None] = mapped_column(Numeric(28, 9))  # fill: the position after it

    @classmethod
    def record(cls, order, event: str, at: datetime, **fill) -> None:
        db.session.add(cls(account_id=order.account_id, order_id=order.id, event=event, at=at, **fill))

    @classmethod
    def record_many(cls, orders: list[tuple[int, int]], event: str, at: datetime) -> None:
        """One event for each (account id, order id), in one statement."""
        if orders:
            db.session.execute(insert(cls), [{"account_id": account_id, "order_id": order_id, "event": event,
                                              "at": at} for account_id, order_id in orders])

    @classmethod
    def of_account(cls, account_id: int):
        return select(cls).where(cls.account_id == account_id)
