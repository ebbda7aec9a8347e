"""Orders of a paper account, in the shape of Alpaca's order object: ``market``, ``limit``, ``stop``,
``stop_limit`` and ``trailing_stop``, for a ``qty`` or (market orders) a ``notional``, ``buy`` or
``sell``, ``day`` / ``gtc`` / ``ioc`` / ``fok``; newest first by id (the keyset).

Every order is known to matching by ``quote_ref``, the ``<source>:<id>`` of its quote in the
latest-quote contract (axa/models/latest_quotes.py): a partial index over the open orders by ref is
what a quote batch reads. ``client_order_id`` is unique per account; ``request_hash`` is the digest
of the body that placed the order, so a retry with the same body gets the same order and another
body a 422. ``reserved`` is the cash a buy (or a short sale) holds back from buying power while it
is open. A replaced order links to its successor (``replaced_by``) and the successor back
(``replaces``). Statuses and their timestamps are Alpaca's: open ones are ``new`` (can fill now)
and ``accepted`` (waits for the US market to open), and ``partially_filled`` (``filled_qty`` of
``qty`` so far, at ``filled_avg_price``, each fill its own activity); a final one never changes
again. Every change of status writes its event (axa/models/terminal/events.py) in the same transaction.
"""
from __future__ import annotations

from datetime import datetime
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
    UniqueConstraint,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db
from axa.models.terminal.events import OrderEvent

QTY = Numeric(28, 9)
PRICE = Numeric(28, 10)
MONEY = Numeric(20, 2)
CLIENT_ORDER_ID_MAX = 48
SYMBOL_MAX = 64
TYPES = ("market", "limit", "stop", "stop_limit", "trailing_stop")
SIDES = ("buy", "sell")
TIME_IN_FORCE = ("day", "gtc", "ioc", "fok")
OPEN = ("new", "accepted", "partially_filled")
FINAL = ("filled", "canceled", "expired", "replaced", "rejected")
STATUSES = OPEN + FINAL
OPEN_SQL = "status IN ('new', 'accepted', 'partially_filled')"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("account_id", "client_order_id", name="uq_orders_account_id_client_order_id"),
        Index("ix_orders_account_id_id", "account_id", "id"),
        Index("ix_orders_open_quote_ref", "quote_ref", "id", postgresql_where=text(OPEN_SQL)),
        Index("ix_orders_open_expires_at", "expires_at", postgresql_where=text(OPEN_SQL)),
        CheckConstraint(f"order_type IN ({_in(TYPES)})", name="order_type"),
        CheckConstraint(f"side IN ({_in(SIDES)})", name="side"),
        CheckConstraint(f"time_in_force IN ({_in(TIME_IN_FORCE)})", name="time_in_force"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
        CheckConstraint("(qty IS NULL) <> (notional IS NULL)", name="qty_or_notional"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"))
    client_order_id: Mapped[str] = mapped_column(String(CLIENT_ORDER_ID_MAX))
    request_hash: Mapped[str] = mapped_column(String(64))
    symbol: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    quote_ref: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    asset_class: Mapped[str] = mapped_column(String(16))
    side: Mapped[str] = mapped_column(String(4))
    order_type: Mapped[str] = mapped_column(String(16))
    time_in_force: Mapped[str] = mapped_column(String(3))
    qty: Mapped[Decimal | None] = mapped_column(QTY)
    notional: Mapped[Decimal | None] = mapped_column(MONEY)
    limit_price: Mapped[Decimal | None] = mapped_column(PRICE)
    stop_price: Mapped[Decimal | None] = mapped_column(PRICE)
    trail_price: Mapped[Decimal | None] = mapped_column(PRICE)
    trail_percent: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    hwm: Mapped[Decimal | None] = mapped_column(PRICE)  # trailing: the best price since placed
    stop_triggered: Mapped[bool] = mapped_column(Boolean, default=False)  # stop_limit: now a limit
    reserved: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(24))
    filled_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))
    filled_avg_price: Mapped[Decimal | None] = mapped_column(PRICE)
    fail_reason: Mapped[str | None] = mapped_column(String(48))
    last_fill_quote_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its quote's as_of
    replaces: Mapped[int | None] = mapped_column(BigInteger)
    replaced_by: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # day orders: the close
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    filled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    canceled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @classmethod
    def of_account(cls, account_id: int):
        return select(cls).where(cls.account_id == account_id)

    @classmethod
    def open_of_account(cls, account_id: int):
        return cls.of_account(account_id).where(cls.status.in_(OPEN))

    @classmethod
    def by_client_id(cls, account_id: int, client_order_id: str) -> Order | None:
        return db.session.scalar(cls.of_account(account_id).where(cls.client_order_id == client_order_id))

    @classmethod
    def owned(cls, account_id: int, order_id: int, lock: bool = False) -> Order | None:
        stmt = cls.of_account(account_id).where(cls.id == order_id)
        return db.session.scalar(stmt.with_for_update() if lock else stmt)

    @classmethod
    def reserved_by_open(cls, account_id: int, except_id: int | None = None) -> Decimal:
        """The cash the account's open orders hold back from its buying power."""
        stmt = select(func.coalesce(func.sum(cls.reserved), 0)).where(
            cls.account_id == account_id, cls.status.in_(OPEN))
        if except_id is not None:
            stmt = stmt.where(cls.id != except_id)
        return Decimal(db.session.scalar(stmt))

    @classmethod
    def reserved_by_accounts(cls, account_ids: list[int]) -> dict[int, Decimal]:
        """Each account's open orders' holds (accounts without any left out)."""
        if not account_ids:
            return {}
        rows = db.session.execute(select(cls.account_id, func.sum(cls.reserved)).where(
            cls.account_id.in_(account_ids), cls.status.in_(OPEN)).group_by(cls.account_id))
        return {account_id: Decimal(total) for account_id, total in rows.all()}

    @classmethod
    def selling_qty(cls, account_id: int, quote_ref: str, except_id: int | None = None) -> Decimal:
        """What the account's open sell orders of a ref will still sell (by qty)."""
        stmt = select(func.coalesce(func.sum(cls.qty - cls.filled_qty), 0)).where(
            cls.account_id == account_id, cls.quote_ref == quote_ref, cls.side == "sell",
            cls.status.in_(OPEN))
        if except_id is not None:
            stmt = stmt.where(cls.id != except_id)
        return Decimal(db.session.scalar(stmt))

    @classmethod
    def cancel_open(cls, account_id: int, at: datetime) -> int:
        """Cancel every open order of the account (its row locked by the caller)."""
        done = db.session.execute(
            update(cls).where(cls.account_id == account_id, cls.status.in_(OPEN))
            .values(status="canceled", canceled_at=at, updated_at=at, reserved=0)
            .returning(cls.account_id, cls.id)).all()
        OrderEvent.record_many([tuple(row) for row in done], "canceled", at)
        return len(done)

    def finish(self, status: str, at: datetime, reason: str | None = None,
               events: list | None = None) -> None:
        """Into a final status (not ``filled``) with its timestamp; nothing held back any more. Its
        event goes to ``events`` when given (rows a caller inserts in order), else to the session."""
        self.status, self.updated_at, self.reserved = status, at, Decimal(0)
        stamp = {"canceled": "canceled_at", "expired": "expired_at", "replaced": "replaced_at",
                 "rejected": "failed_at"}[status]
        setattr(self, stamp, at)
        if reason:
            self.fail_reason = reason
        if events is None:
            OrderEvent.record(self, status, at)
        else:
            events.append({"account_id": self.account_id, "order_id": self.id, "at": at, "event": status,
                           "qty": None, "price": None, "position_qty": None})
