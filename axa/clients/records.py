"""The standard records of vendors.md §6: what every fetcher's ``transform_data`` produces.

Units, once for all records:

* Money, prices, yields, rates: ``Decimal``, never float.
* ``price_unit`` says what a price is: ``currency`` (an amount of ``quote_currency`` per unit:
  FMP, CMC) or ``pct_of_nominal`` (per 100 of face value: Cbonds, Terrapin bonds).
* Percentages are in **percent units**: ``change_pct = -0.48`` means -0.48 %; the same for
  ``yield_pct``, ``coupon_rate``, ``margin``, dominance and percent-change fields.
* ``duration`` and ``modified_duration`` in years (Cbonds' days are converted).
* ``volume_unit``: ``shares`` (FMP), ``quote_ccy`` (CMC ``volume_24h``), ``nominal`` or None
  when the vendor does not say (Cbonds turnover).
* Times are tz-aware UTC. Vendors that give a trading date only (FMP EOD, Cbonds, Terrapin) set
  ``as_of`` to midnight UTC of that date with ``as_of_precision = "day"``; real instants
  (FMP quote ``timestamp``, CMC ``last_updated``) have ``"instant"``.
* ``raw_ref`` is the SHA-256 of the vendor's row, for audit; ``fetched_at`` is when we asked.

Natural keys for upserts: instruments ``(source, source_instrument_id)``; quotes
``(source, source_instrument_id, venue, as_of)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

SOURCES = ("fmp", "cmc", "cbonds", "terrapin")
ASSET_CLASSES = ("equity", "etf", "fund", "crypto", "token", "bond", "index")
PRICE_UNITS = ("currency", "pct_of_nominal")
VOLUME_UNITS = ("shares", "quote_ccy", "nominal")
PRECISIONS = ("instant", "day")


@dataclass(frozen=True, slots=True)
class InstrumentRecord:
    """Slow-changing identity and reference data (vendors.md §6.1)."""

    source: str
    source_instrument_id: str
    asset_class: str | None = None
    asset_subclass: str | None = None
    symbol: str | None = None
    name: str | None = None
    isin: str | None = None
    cusip: str | None = None
    figi: str | None = None
    cik: str | None = None
    lei: str | None = None
    cmc_id: int | None = None
    cmc_slug: str | None = None
    vendor_issuer_id: str | None = None
    issuer_name: str | None = None
    exchange: str | None = None
    exchange_name: str | None = None
    currency: str | None = None
    country: str | None = None
    sector: str | None = None
    industry: str | None = None
    token_address: str | None = None
    chain: str | None = None
    is_active: bool | None = None
    raw_ref: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.source_instrument_id)


class QuoteRecord(NamedTuple):
    """One time-stamped observation (vendors.md §6.2); EOD bars use ``price`` = close.

    A named tuple rather than a frozen dataclass like the other records: just as immutable, and
    made in a tenth of the time (every quote of every run is one; a frozen dataclass sets each of
    its 26 fields through ``object.__setattr__``)."""

    source: str
    source_instrument_id: str
    price: Decimal
    price_unit: str
    as_of: datetime
    as_of_precision: str
    fetched_at: datetime
    raw_ref: str
    quote_currency: str | None = None
    venue: str | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    prev_close: Decimal | None = None
    change_abs: Decimal | None = None
    change_pct: Decimal | None = None
    volume: Decimal | None = None
    volume_unit: str | None = None
    market_cap: Decimal | None = None
    yield_pct: Decimal | None = None
    duration: Decimal | None = None
    modified_duration: Decimal | None = None
    convexity: Decimal | None = None
    change_pct_1h: Decimal | None = None  # crypto (CMC): percent change over the last hour
    change_pct_7d: Decimal | None = None  # and over the last 7 days (change_pct: the last 24 h)

    @property
    def instrument_ref(self) -> tuple[str, str]:
        return (self.source, self.source_instrument_id)


def latest_per_instrument(quotes) -> list[QuoteRecord]:
    """The newest quote of each instrument (by ``as_of``; the first of equals), in first-seen order."""
    newest: dict[tuple[str, str], QuoteRecord] = {}
    for quote in quotes:
        key = (quote.source, quote.source_instrument_id)
        held = newest.get(key)
        if held is None or quote.as_of > held.as_of:
            newest[key] = quote
    return list(newest.values())


@dataclass(frozen=True, slots=True)
class BondTermsRecord:
    """Bond terms (vendors.md §6.3); ``coupon_rate`` and ``margin`` in percent units."""

    source: str
    source_instrument_id: str
    coupon_rate: Decimal | None = None
    coupon_type: str | None = None
    coupon_frequency: int | None = None
    next_coupon_date: date | None = None
    maturity_date: date | None = None
    issue_date: date | None = None
    face_value: Decimal | None = None
    integral_multiple: Decimal | None = None
    outstanding_amount: Decimal | None = None
    day_count: str | None = None
    reference_rate: str | None = None
    margin: Decimal | None = None
    callable: bool | None = None
    puttable: bool | None = None
    next_call_date: date | None = None
    status: str | None = None
    issue_rating: str | None = None
    issuer_rating: str | None = None
    raw_ref: str | None = None


@dataclass(frozen=True, slots=True)
class IssuerRecord:
    """An issuer card (Cbonds ``get_emitents``)."""

    source: str
    source_issuer_id: str
    name: str | None = None
    full_name: str | None = None
    issuer_type: str | None = None
    sector: str | None = None
    country: str | None = None
    lei: str | None = None
    cik: str | None = None
    raw_ref: str | None = None


@dataclass(frozen=True, slots=True)
class GlobalMetricsRecord:
    """Whole-market crypto metrics (CMC ``global-metrics/quotes/latest``), one per currency."""

    source: str
    quote_currency: str
    as_of: datetime
    fetched_at: datetime
    raw_ref: str
    total_market_cap: Decimal | None = None
    total_volume_24h: Decimal | None = None
    altcoin_market_cap: Decimal | None = None
    altcoin_volume_24h: Decimal | None = None
    total_market_cap_change_pct_24h: Decimal | None = None
    total_volume_change_pct_24h: Decimal | None = None
    btc_dominance: Decimal | None = None
    eth_dominance: Decimal | None = None
    active_cryptocurrencies: int | None = None
    total_cryptocurrencies: int | None = None
    active_market_pairs: int | None = None
    active_exchanges: int | None = None


@dataclass(frozen=True, slots=True)
class CoinInfoRecord:
    """Descriptive coin data for coin pages (CMC ``v2/cryptocurrency/info``)."""

    source: str
    source_instrument_id: str
    symbol: str | None = None
    name: str | None = None
    slug: str | None = None
    category: str | None = None
    description: str | None = None
    logo: str | None = None
    date_added: datetime | None = None
    date_launched: datetime | None = None
    tags: tuple[str, ...] = ()
    website: tuple[str, ...] = ()
    technical_doc: tuple[str, ...] = ()
    explorer: tuple[str, ...] = ()
    source_code: tuple[str, ...] = ()
    token_address: str | None = None
    chain: str | None = None
    raw_ref: str | None = None
