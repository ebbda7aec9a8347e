"""Queries behind the instrument endpoints."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, func, or_, select

from axa.models import latest_quotes
from axa.models.stocks import BondTerms, DailyBar, Instrument, db
from axa.platform.redis_client import get_redis


def search(query: dict) -> Select:
    """Symbol prefix or name substring (case-insensitive) or exact ISIN; exact symbol or ISIN
    first, then symbol prefixes, then names; filters narrow it."""
    stmt = select(Instrument)
    for name, value in (("asset_class", query.get("asset_class")),
                        ("exchange", (query.get("exchange") or "").upper()),
                        ("currency", (query.get("currency") or "").upper())):
        if value:
            stmt = stmt.where(getattr(Instrument, name) == value)
    text = (query.get("q") or "").strip()
    if not text:
        return stmt.order_by(Instrument.symbol, Instrument.id)
    lower, upper = text.lower(), text.upper()
    prefix = func.lower(Instrument.symbol).startswith(lower, autoescape=True)
    stmt = stmt.where(or_(prefix, func.lower(Instrument.name).contains(lower, autoescape=True),
                          Instrument.isin == upper))
    rank = case((func.upper(Instrument.symbol) == upper, 0), (Instrument.isin == upper, 0),
                (prefix, 1), else_=2)
    return stmt.order_by(rank, Instrument.symbol, Instrument.id)


def detail(instrument: Instrument) -> dict:
    """The instrument with its bond terms (same vendor) and the latest quote from Redis."""
    columns = [c.name for c in Instrument.__table__.columns]
    body = {c: getattr(instrument, c) for c in columns}
    body["bond_terms"] = (db.session.get(BondTerms, (instrument.source, instrument.source_instrument_id))
                          if instrument.asset_class == "bond" else None)
    body["quote"] = latest_quotes.read_one(get_redis(), instrument.source, instrument.source_instrument_id)
    return body


def bars(instrument: Instrument, start: date, end: date) -> Select:
    return (select(DailyBar)
            .where(DailyBar.source == instrument.source,
                   DailyBar.source_instrument_id == instrument.source_instrument_id,
                   DailyBar.trade_date.between(start, end))
            .order_by(DailyBar.trade_date))
