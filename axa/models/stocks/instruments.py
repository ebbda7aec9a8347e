"""Instruments (equities from FMP, bonds from Cbonds and Terrapin), bond terms, the latest quote
per instrument and daily bars. Everything is keyed on the vendor's natural key
``(source, source_instrument_id)``; vendors are never merged."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from axa.models.stocks import db

PRICE = Numeric(28, 10)


class Instrument(db.Model):
    __tablename__ = "instruments"
    __table_args__ = (UniqueConstraint("source", "source_instrument_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    source_instrument_id: Mapped[str] = mapped_column(String(64))
    asset_class: Mapped[str | None] = mapped_column(String(16), index=True)
    asset_subclass: Mapped[str | None] = mapped_column(String(64))
    symbol: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    isin: Mapped[str | None] = mapped_column(String(12), index=True)
    cusip: Mapped[str | None] = mapped_column(String(9))
    figi: Mapped[str | None] = mapped_column(String(12))
    cik: Mapped[str | None] = mapped_column(String(10))
    lei: Mapped[str | None] = mapped_column(String(20))
    vendor_issuer_id: Mapped[str | None] = mapped_column(String(64))
    issuer_name: Mapped[str | None] = mapped_column(String(300))
    exchange: Mapped[str | None] = mapped_column(String(32), index=True)
    exchange_name: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str | None] = mapped_column(String(8), index=True)
    country: Mapped[str | None] = mapped_column(String(64))
    sector: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool | None] = mapped_column(Boolean)
    raw_ref: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


Index("ix_instruments_name_lower", func.lower(Instrument.name))


class BondTerms(db.Model):
    __tablename__ = "bond_terms"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_instrument_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    coupon_rate: Mapped[Decimal | None] = mapped_column(PRICE)
    coupon_type: Mapped[str | None] = mapped_column(String(32))
    coupon_frequency: Mapped[int | None] = mapped_column(Integer)
    next_coupon_date: Mapped[date | None] = mapped_column(Date)
    maturity_date: Mapped[date | None] = mapped_column(Date, index=True)
    issue_date: Mapped[date | None] = mapped_column(Date)
    face_value: Mapped[Decimal | None] = mapped_column(PRICE)
    integral_multiple: Mapped[Decimal | None] = mapped_column(PRICE)
    outstanding_amount: Mapped[Decimal | None] = mapped_column(Numeric(24, 2))
    day_count: Mapped[str | None] = mapped_column(String(64))
    reference_rate: Mapped[str | None] = mapped_column(String(64))
    margin: Mapped[Decimal | None] = mapped_column(PRICE)
    callable: Mapped[bool | None] = mapped_column(Boolean)
    puttable: Mapped[bool | None] = mapped_column(Boolean)
    next_call_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(64))
    issue_rating: Mapped[str | None] = mapped_column(String(16))
    issuer_rating: Mapped[str | None] = mapped_column(String(16))
    raw_ref: Mapped[str | None] = mapped_column(String(64))


class LatestQuote(db.Model):
    """The newest observation per instrument (history lives in ``daily_bars``)."""

    __tablename__ = "latest_quotes"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_instrument_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(PRICE)
    price_unit: Mapped[str] = mapped_column(String(16))
    quote_currency: Mapped[str | None] = mapped_column(String(8))
    bid: Mapped[Decimal | None] = mapped_column(PRICE)
    ask: Mapped[Decimal | None] = mapped_column(PRICE)
    open: Mapped[Decimal | None] = mapped_column(PRICE)
    high: Mapped[Decimal | None] = mapped_column(PRICE)
    low: Mapped[Decimal | None] = mapped_column(PRICE)
    prev_close: Mapped[Decimal | None] = mapped_column(PRICE)
    change_abs: Mapped[Decimal | None] = mapped_column(PRICE)
    change_pct: Mapped[Decimal | None] = mapped_column(PRICE)
    volume: Mapped[Decimal | None] = mapped_column(Numeric(30, 4))
    volume_unit: Mapped[str | None] = mapped_column(String(16))
    market_cap: Mapped[Decimal | None] = mapped_column(Numeric(30, 2))
    yield_pct: Mapped[Decimal | None] = mapped_column(PRICE, index=True)
    duration: Mapped[Decimal | None] = mapped_column(PRICE)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    as_of_precision: Mapped[str] = mapped_column(String(8))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raw_ref: Mapped[str] = mapped_column(String(64))


class DailyBar(db.Model):
    __tablename__ = "daily_bars"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_instrument_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    trade_date: Mapped[date] = mapped_column(Date, primary_key=True)
    open: Mapped[Decimal | None] = mapped_column(PRICE)
    high: Mapped[Decimal | None] = mapped_column(PRICE)
    low: Mapped[Decimal | None] = mapped_column(PRICE)
    close: Mapped[Decimal] = mapped_column(PRICE)
    volume: Mapped[Decimal | None] = mapped_column(Numeric(30, 4))
    yield_pct: Mapped[Decimal | None] = mapped_column(PRICE)
    price_unit: Mapped[str] = mapped_column(String(16))
    raw_ref: Mapped[str | None] = mapped_column(String(64))
