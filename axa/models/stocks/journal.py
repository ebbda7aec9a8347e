"""The diary's journal: tags in groups, notes per trade and per day, and each trade's excursions
(MFE/MAE and best exit) from the platform's price history.

Trades are not stored (FIFO groups them from the executions on each read), so journal data is keyed
on the trade's **opening execution** (``trade_id``: the first execution of the trade, for a flip the
flipping execution): it is the same on every read while the executions before it do not change, and
it goes (cascade) with that execution. Tag groups and tags belong to the user and serve all their
accounts; notes and excursions to an account."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.owned import UserOwnedTable
from axa.models.stocks import db
from axa.models.stocks.diary import NUMBER

TAG_NAME_MAX = 64
NOTE_MAX = 20_000  # characters of markdown
EXCURSION_STATUSES = ("computed", "no_history")


class DiaryTagGroup(UserOwnedTable, db.Model):
    __tablename__ = "diary_tag_groups"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_diary_tag_groups_user_name"),
                      Index("ix_diary_tag_groups_user_id_id", "user_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(TAG_NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryTag(UserOwnedTable, db.Model):
    __tablename__ = "diary_tags"
    __table_args__ = (UniqueConstraint("group_id", "name", name="uq_diary_tags_group_name"),
                      Index("ix_diary_tags_user_id_id", "user_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    group_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_tag_groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TAG_NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryTradeTag(db.Model):
    __tablename__ = "diary_trade_tags"
    __table_args__ = (Index("ix_diary_trade_tags_account_id", "account_id"),
                      Index("ix_diary_trade_tags_tag_id", "tag_id"))

    trade_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_executions.id", ondelete="CASCADE"),
                                          primary_key=True)
    tag_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_tags.id", ondelete="CASCADE"),
                                        primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryTradeNote(db.Model):
    __tablename__ = "diary_trade_notes"
    __table_args__ = (CheckConstraint(f"char_length(text) <= {NOTE_MAX}", name="text_length"),
                      Index("ix_diary_trade_notes_account_id_id", "account_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the keyset
    trade_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_executions.id", ondelete="CASCADE"),
                                          unique=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryDayNote(db.Model):
    __tablename__ = "diary_day_notes"
    __table_args__ = (UniqueConstraint("account_id", "day", name="uq_diary_day_notes_account_day"),
                      CheckConstraint(f"char_length(text) <= {NOTE_MAX}", name="text_length"),
                      Index("ix_diary_day_notes_account_id_id", "account_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the keyset
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DiaryExcursion(db.Model):
    """A trade's excursions as last computed (``stocks.journal.compute_excursions``). ``signature``
    is the trade's state they were computed for (its executions and open quantity): a trade whose
    signature differs shows them as pending, not stale figures."""
    __tablename__ = "diary_excursions"
    __table_args__ = (CheckConstraint("status IN ('computed', 'no_history')", name="status"),
                      Index("ix_diary_excursions_account_id", "account_id"))

    trade_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_executions.id", ondelete="CASCADE"),
                                          primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("diary_accounts.id", ondelete="CASCADE"))
    signature: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    history_from: Mapped[date] = mapped_column(Date)
    history_to: Mapped[date] = mapped_column(Date)
    bars: Mapped[int] = mapped_column(Integer)
    highest: Mapped[Decimal | None] = mapped_column(NUMBER)
    lowest: Mapped[Decimal | None] = mapped_column(NUMBER)
    mfe: Mapped[Decimal | None] = mapped_column(NUMBER)
    mae: Mapped[Decimal | None] = mapped_column(NUMBER)
    best_exit_price: Mapped[Decimal | None] = mapped_column(NUMBER)
    best_exit_pnl: Mapped[Decimal | None] = mapped_column(NUMBER)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
