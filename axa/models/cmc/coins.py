"""Crypto assets keyed by CMC id (never by symbol: symbols collide), the latest quote per coin,
daily OHLC built from the polls, and global market metrics."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.cmc import db

PRICE = Numeric(38, 18)
AMOUNT = Numeric(38, 4)
# Percent changes and dominance: CMC sends 10 significant digits, so a change under 0.1 % has 11 or
# more decimals; a scale of 18 keeps them, as the latest-quote contract in Redis does.
PERCENT = Numeric(38, 18)


class Coin(db.Model):
    __tablename__ = "coins"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # CMC id
    symbol: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str | None] = mapped_column(String(200), unique=True)
    asset_class: Mapped[str] = mapped_column(String(16), default="crypto")
    rank: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool | None] = mapped_column(Boolean)
    chain: Mapped[str | None] = mapped_column(String(64))
    token_address: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    logo: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[list | None] = mapped_column(JSON)
    urls: Mapped[dict | None] = mapped_column(JSON)
    date_added: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    date_launched: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CoinQuote(db.Model):
    """Latest quote per coin and quote currency."""

    __tablename__ = "coin_quotes"

    coin_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    price: Mapped[Decimal] = mapped_column(PRICE, index=True)
    volume_24h: Mapped[Decimal | None] = mapped_column(AMOUNT, index=True)
    market_cap: Mapped[Decimal | None] = mapped_column(AMOUNT, index=True)
    percent_change_24h: Mapped[Decimal | None] = mapped_column(PERCENT, index=True)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raw_ref: Mapped[str] = mapped_column(String(64))


class CoinDaily(db.Model):
    """Daily OHLC per coin built from the listing polls (open = first poll of the UTC day)."""

    __tablename__ = "coin_daily"

    coin_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    open: Mapped[Decimal] = mapped_column(PRICE)
    high: Mapped[Decimal] = mapped_column(PRICE)
    low: Mapped[Decimal] = mapped_column(PRICE)
    close: Mapped[Decimal] = mapped_column(PRICE)
    volume_24h: Mapped[Decimal | None] = mapped_column(AMOUNT)
    market_cap: Mapped[Decimal | None] = mapped_column(AMOUNT)
    last_as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GlobalMetrics(db.Model):
    __tablename__ = "global_metrics"

    quote_currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    total_market_cap: Mapped[Decimal | None] = mapped_column(AMOUNT)
    total_volume_24h: Mapped[Decimal | None] = mapped_column(AMOUNT)
    altcoin_market_cap: Mapped[Decimal | None] = mapped_column(AMOUNT)
    altcoin_volume_24h: Mapped[Decimal | None] = mapped_column(AMOUNT)
    total_market_cap_change_pct_24h: Mapped[Decimal | None] = mapped_column(PERCENT)
    total_volume_change_pct_24h: Mapped[Decimal | None] = mapped_column(PERCENT)
    btc_dominance: Mapped[Decimal | None] = mapped_column(PERCENT)
    eth_dominance: Mapped[Decimal | None] = mapped_column(PERCENT)
    active_cryptocurrencies: Mapped[int | None] = mapped_column(Integer)
    total_cryptocurrencies: Mapped[int | None] = mapped_column(Integer)
    active_market_pairs: Mapped[int | None] = mapped_column(Integer)
    active_exchanges: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
