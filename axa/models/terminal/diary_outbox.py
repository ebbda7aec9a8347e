"""The diary's outbox: each fill, as the trader's diary (stocks subsystem, another database) will
record it, written in the fill's own transaction (axa/models/terminal/fills.py), so a fill that
commits is never lost to the diary and one rolled back never reaches it.

The relay (axa/tasks/terminal/diary.py) publishes rows to the ``stocks.diary`` queue and deletes
them only once the broker confirmed; a relay that dies in between publishes a row again, and the
diary records a fill once by its id (the fill's execution fingerprint): ``<order id>:<the order's
filled quantity after it>``, unique per fill however many partial fills an order has."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db


class DiaryOutbox(db.Model):
    __tablename__ = "diary_outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @staticmethod
    def row(account, order, qty, price, fee, at: datetime) -> dict:
        """A fill as a row to insert (after ``order`` counted it), its payload what
        ``stocks.diary.record_fill`` takes."""
        return {"order_id": order.id, "payload": {
            "fill_id": f"{order.id}:{order.filled_qty.normalize():f}", "user_id": account.user_id,
            "account_id": account.id, "account_name": account.name, "symbol": order.symbol,
            "side": order.side,
            "quantity": f"{qty.normalize():f}", "price": f"{price.normalize():f}",
            "fee": f"{fee.normalize():f}", "executed_at": at.isoformat()}}

    @classmethod
    def claim(cls, limit: int) -> list[DiaryOutbox]:
        """The oldest rows no other relay holds, locked until the caller's commit."""
        return list(db.session.scalars(select(cls).order_by(cls.id).limit(limit)
                                       .with_for_update(skip_locked=True)))

    @classmethod
    def drop(cls, ids: list[int]) -> None:
        if ids:
            db.session.execute(delete(cls).where(cls.id.in_(ids)))

    @classmethod
    def pending(cls) -> int:
        return db.session.scalar(select(func.count()).select_from(cls))
