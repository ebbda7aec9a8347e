"""Price alerts: a user's conditions on a coin (by CMC id) or a stocks instrument (by symbol), and
the events they fire.

An alert is known to the evaluation by its quote ref (``"<source>:<id>"``, how the latest-quote
contract names a quote: ``cmc:1`` for Bitcoin, ``fmp:AAPL`` for a stock). The ingest graphs hand
each batch's quotes to ``cmc.alerts.evaluate_quotes`` (axa/tasks/cmc/alerts.py), which moves the
active alerts of the batch's refs only, through the partial index ``ix_alerts_active_ref``
(axa/models/cmc/alert_batch.py).

Evaluation is edge-triggered. ``last_side`` is where the price (or the change) was last seen:
``above`` / ``below`` the level for a price alert, ``beyond`` / ``within`` the threshold for a
change alert. An alert fires when its side becomes the condition's side, once: a price that stays
above a level does not fire again. ``last_as_of`` is the time of the last quote that moved the
alert's state; an older (or redelivered) quote never moves it again, so a redelivered batch fires
nothing twice. A recurring alert re-arms when the side crosses back, and fires again no sooner than
``cooldown_s`` after the quote that last fired it; a crossing during the cooldown is reported once
it has passed if the price is still beyond.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db
from axa.models.owned import UserOwnedTable

SYMBOL_MAX = 64
CONDITIONS = ("price_above", "price_below", "change_up", "change_down", "change_any")
PRICE_CONDITIONS = ("price_above", "price_below")
WINDOWS = ("1h", "24h")
CHANNELS = ("in_app", "mail")
STATUSES = ("active", "paused", "triggered")
NUMBER = Numeric(38, 18)


class Alert(UserOwnedTable, db.Model):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("(coin_id IS NULL) = (kind = 'stock')", name="one_target"),
        CheckConstraint("status IN ('active', 'paused', 'triggered')", name="status_known"),
        CheckConstraint("(level IS NULL) <> (threshold_pct IS NULL)", name="level_or_threshold"),
        Index("ix_alerts_user_id_id", "user_id", "id"),
        Index("ix_alerts_active_ref", "ref", postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))  # coin | stock
    coin_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str] = mapped_column(String(SYMBOL_MAX))  # the coin's symbol, or the stock's (upper)
    ref: Mapped[str] = mapped_column(String(100))  # the latest-quote contract's "<source>:<id>"
    condition: Mapped[str] = mapped_column(String(16))
    level: Mapped[Decimal | None] = mapped_column(NUMBER)  # price conditions
    threshold_pct: Mapped[Decimal | None] = mapped_column(NUMBER)  # change conditions
    window: Mapped[str | None] = mapped_column(String(8))  # change conditions: 1h | 24h
    recurring: Mapped[bool] = mapped_column(Boolean)
    cooldown_s: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    last_side: Mapped[str | None] = mapped_column(String(8))
    last_price: Mapped[Decimal | None] = mapped_column(NUMBER)
    last_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its quote's time
    fired_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def active_count(cls, user_id: int) -> int:
        stmt = select(func.count()).select_from(cls).where(cls.user_id == user_id, cls.status == "active")
        return db.session.scalar(stmt)


class AlertEvent(db.Model):
    """One firing of an alert: shown in the app (``in_app``) and, when the alert asked for mail,
    the outbox of its mail (``mail_state`` ``pending`` until ``cmc.mail.send_alert`` sends it)."""

    __tablename__ = "alert_events"
    __table_args__ = (
        Index("ix_alert_events_user_id_id", "user_id", "id"),
        Index("ix_alert_events_mail_pending", "id", postgresql_where=text("mail_state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    alert_id: Mapped[int] = mapped_column(BigInteger)  # no foreign key: the history outlives its alert
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    coin_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str] = mapped_column(String(SYMBOL_MAX))
    condition: Mapped[str] = mapped_column(String(16))
    level: Mapped[Decimal | None] = mapped_column(NUMBER)
    threshold_pct: Mapped[Decimal | None] = mapped_column(NUMBER)
    window: Mapped[str | None] = mapped_column(String(8))
    price: Mapped[Decimal] = mapped_column(NUMBER)
    change_pct: Mapped[Decimal | None] = mapped_column(NUMBER)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the quote's time
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    in_app: Mapped[bool] = mapped_column(Boolean)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mail_state: Mapped[str | None] = mapped_column(String(8))  # None (not asked) | pending | sent | skipped

    @classmethod
    def of_user(cls, user_id: int, unread_only: bool = False):
        stmt = select(cls).where(cls.user_id == user_id, cls.in_app.is_(True))
        return stmt.where(cls.read_at.is_(None)) if unread_only else stmt

    @classmethod
    def unread_count(cls, user_id: int) -> int:
        return db.session.scalar(select(func.count()).select_from(cls.of_user(user_id, True).subquery()))

    @classmethod
    def mark_read(cls, user_id: int, ids: list[int] | None, up_to_id: int | None) -> int:
        stmt = update(cls).where(cls.user_id == user_id, cls.in_app.is_(True), cls.read_at.is_(None))
        stmt = stmt.where(cls.id.in_(ids)) if ids is not None else stmt.where(cls.id <= up_to_id)
        return db.session.execute(stmt.values(read_at=func.now()),
                                  execution_options={"synchronize_session": False}).rowcount

    @classmethod
    def mail_pending(cls, older_than: datetime, limit: int) -> list[int]:
        stmt = (select(cls.id).where(cls.mail_state == "pending", cls.fired_at < older_than)
                .order_by(cls.id).limit(limit))
        return list(db.session.scalars(stmt))
