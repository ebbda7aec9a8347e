"""Watchlists: several per user, each named (unique per user) and holding an ordered list of items,
coins by CMC id or stocks instruments by symbol. The instruments live in the stocks database, so a
symbol is checked against the latest-quote contract in Redis (axa/models/latest_quotes.py) by the
caller, never joined. A list can be shared by an unguessable token, readable without signing in
until the owner revokes it.

Positions run 0..n-1 in a list. Every change to a list's items first locks the list's row
(``lock``), so concurrent adds, removals and reorders of one list never interleave (the per-list
limit and the positions stay exact); creating a list takes a per-user lock for the same reason.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db
from axa.models.owned import UserOwnedTable

NAME_MAX = 100
SYMBOL_MAX = 64
TOKEN_BYTES = 32  # 256 bits: secrets.token_urlsafe gives 43 characters


class Watchlist(UserOwnedTable, db.Model):
    __tablename__ = "watchlists"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_watchlists_user_name"),
        Index("ix_watchlists_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # grows with time: the keyset
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @classmethod
    def shared(cls, token: str) -> Watchlist | None:
        return db.session.scalar(select(cls).where(cls.share_token == token))

    def items(self) -> list[WatchlistItem]:
        return list(db.session.scalars(select(WatchlistItem).where(WatchlistItem.watchlist_id == self.id)
                                       .order_by(WatchlistItem.position, WatchlistItem.id)))

    def share(self) -> str:
        """The list's share token, made on first use."""
        if self.share_token is None:
            self.share_token = secrets.token_urlsafe(TOKEN_BYTES)
        return self.share_token

    def touch(self) -> None:
        self.updated_at = datetime.now(UTC)


class WatchlistItem(db.Model):
    """A coin (``coin_id``) or a stocks instrument (``symbol``, upper case): exactly one of them."""

    __tablename__ = "watchlist_items"
    __table_args__ = (
        CheckConstraint("(coin_id IS NULL) <> (symbol IS NULL)", name="one_target"),
        UniqueConstraint("watchlist_id", "coin_id", name="uq_watchlist_items_coin"),
        UniqueConstraint("watchlist_id", "symbol", name="uq_watchlist_items_symbol"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("watchlists.id", ondelete="CASCADE"))
    coin_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str | None] = mapped_column(String(SYMBOL_MAX))
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def kind(self) -> str:
        return "coin" if self.coin_id is not None else "stock"

    @classmethod
    def count_in(cls, watchlist_id: int) -> int:
        stmt = select(func.count()).select_from(cls).where(cls.watchlist_id == watchlist_id)
        return db.session.scalar(stmt)

    @classmethod
    def holding(cls, watchlist_id: int, coin_id: int | None, symbol: str | None) -> WatchlistItem | None:
        target = cls.coin_id == coin_id if coin_id is not None else cls.symbol == symbol
        return db.session.scalar(select(cls).where(cls.watchlist_id == watchlist_id, target))

    @classmethod
    def insert_at(cls, watchlist_id: int, position: int, **target) -> WatchlistItem:
        """A new item at ``position`` (0-based, at most the count), the ones from there moved
        down one; the list must be locked."""
        db.session.execute(update(cls).where(cls.watchlist_id == watchlist_id, cls.position >= position)
                           .values(position=cls.position + 1))
        item = cls(watchlist_id=watchlist_id, position=position, **target)
        db.session.add(item)
        db.session.flush()
        return item

    def remove(self) -> None:
        """Delete the item, the ones after it moved up one; the list must be locked."""
        db.session.delete(self)
        db.session.execute(update(WatchlistItem).where(WatchlistItem.watchlist_id == self.watchlist_id,
                                                       WatchlistItem.position > self.position)
                           .values(position=WatchlistItem.position - 1))

    @classmethod
    def renumber(cls, ordered: list[WatchlistItem]) -> None:
        """Positions 0..n-1 in the given order; the list must be locked."""
        for position, item in enumerate(ordered):
            item.position = position
