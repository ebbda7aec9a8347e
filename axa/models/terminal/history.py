"""Portfolio history: each open account's equity snapshotted by beat (axa/tasks/terminal/matching.py),
``intraday`` every AXA_TERMINAL_HISTORY_EVERY_MINUTES (stamped at the start of its slot, crypto
trades around the clock) and ``daily`` at each US session's close (an early close too), when the
account's ``last_equity`` becomes that close's equity. A snapshot is valued on the latest quotes
when the sweep runs (a daily one taken late, after a lost beat, on the quotes of that moment).

The key is (account, kind, at): a sweep repeated or raced inserts nothing twice. ``series`` reads
one period back as Alpaca's portfolio history: the last snapshot of each ``timeframe`` slot, its
P&L against the ``base_value``, the last daily equity before the period (the starting cash when
there is none)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import redis
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.terminal import db
from axa.models.terminal.accounts import ACTIVE, Account
from axa.models.terminal.valuation import Totals, equity, totals_of

INTRADAY, DAILY = "intraday", "daily"
CHUNK = 1000  # accounts valued per transaction


class EquitySnapshot(db.Model):
    __tablename__ = "equity_snapshots"
    __table_args__ = (CheckConstraint("kind IN ('intraday', 'daily')", name="kind"),)

    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    equity: Mapped[Decimal] = mapped_column(Numeric(20, 2))


def latest(kind: str) -> datetime | None:
    return db.session.scalar(select(func.max(EquitySnapshot.at)).where(EquitySnapshot.kind == kind))


def snapshot(client: redis.Redis, kind: str, at: datetime, now: float) -> int:
    """Snapshot the equity of every account open at ``at`` (those done already are skipped); a
    daily snapshot sets the account's ``last_equity``. How many were written."""
    written, after = 0, 0
    while True:
        accounts = list(db.session.scalars(
            select(Account).where(Account.status == ACTIVE, Account.created_at <= at, Account.id > after)
            .order_by(Account.id).limit(CHUNK)))
        if not accounts:
            return written
        after = accounts[-1].id
        totals = totals_of(client, [a.id for a in accounts], now)
        rows = [{"account_id": a.id, "kind": kind, "at": at, "equity": equity(a, totals.get(a.id, Totals()))}
                for a in accounts]
        done = db.session.scalars(insert(EquitySnapshot).values(rows).on_conflict_do_nothing()
                                  .returning(EquitySnapshot.account_id)).all()
        if kind == DAILY and done:
            closing = {row["account_id"]: row["equity"] for row in rows}
            db.session.execute(update(Account), [{"id": i, "last_equity": closing[i]} for i in done])
        db.session.commit()
        written += len(done)


def series(account: Account, kind: str, since: datetime | None, slot: timedelta) -> tuple[list, Decimal]:
    """The account's (at, equity) of ``kind`` since ``since`` (None: all), the last of each ``slot``;
    and the base value."""
    stmt = select(EquitySnapshot.at, EquitySnapshot.equity).where(
        EquitySnapshot.account_id == account.id, EquitySnapshot.kind == kind)
    if account.reset_at is not None:  # a reset starts the history again
        since = account.reset_at if since is None else max(since, account.reset_at)
    if since is not None:
        stmt = stmt.where(EquitySnapshot.at >= since)
    step, last_of_slot = slot.total_seconds(), {}
    for at, value in db.session.execute(stmt.order_by(EquitySnapshot.at)):
        last_of_slot[at.timestamp() // step] = (at, value)  # at most a month of intraday snapshots
    points = list(last_of_slot.values())
    first = points[0][0] if points else datetime.now(UTC)
    base = db.session.scalar(select(EquitySnapshot.equity).where(
        EquitySnapshot.account_id == account.id, EquitySnapshot.kind == DAILY, EquitySnapshot.at < first,
        EquitySnapshot.at >= (account.reset_at or account.created_at))
        .order_by(EquitySnapshot.at.desc()).limit(1))
    return points, account.starting_cash if base is None else base
