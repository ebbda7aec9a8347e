"""The terminal's prices, read only from the platform's latest-quote contract in Redis
(axa/models/latest_quotes.py), never from a vendor.

An order names its instrument by a symbol or ISIN of the contract's symbol index (the stocks
ingest: ``AAPL``), or by a quote ref ``<source>:<id>`` (how coins are known, their symbols collide:
``cmc:1`` is Bitcoin). Either way the order keeps the ref, which is how quote batches name what
changed. Quotes of ``cmc`` are crypto (traded around the clock); the others US equities."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import redis

from axa.models import latest_quotes
from axa.platform.lua import in_one_round_trip

CRYPTO_SOURCES = ("cmc",)


@dataclass(frozen=True)
class Price:
    ref: str
    price: Decimal
    bid: Decimal | None
    ask: Decimal | None
    stale: bool
    change: Decimal | None = None  # since the last close (the vendor's change_abs)
    as_of: datetime | None = None  # which quote this is: a partial fill takes one quote's liquidity once

    @property
    def asset_class(self) -> str:
        return asset_class_of(self.ref)


def asset_class_of(ref: str) -> str:
    return "crypto" if ref.split(":", 1)[0] in CRYPTO_SOURCES else "us_equity"


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _instant(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _price(ref: str, quote: latest_quotes.Quote) -> Price | None:
    price = _decimal(quote.price)
    if price is None:
        return None
    change = None
    if quote.change_abs is not None:
        try:
            change = Decimal(quote.change_abs)
        except InvalidOperation:
            change = None
    return Price(ref, price, _decimal(quote.bid), _decimal(quote.ask), bool(quote.stale),
                 change if change is not None and change.is_finite() else None,
                 _instant(quote.as_of or quote.fetched_at))


def normalized(symbol: str) -> str:
    """A ref keeps its case after the colon-less source part lower-cased; a symbol is upper case."""
    if ":" in symbol:
        source, ident = symbol.split(":", 1)
        return f"{source.lower()}:{ident}"
    return symbol.upper()


def resolve(client: redis.Redis, symbol: str, now: float) -> Price | None:
    """The latest quote of what ``symbol`` (normalized) names, or None: unknown, or without a price."""
    return resolved(symbol, in_one_round_trip(client, lambda pipe: queue_resolve(pipe, symbol)), now)


def queue_resolve(pipe: redis.client.Pipeline, symbol: str) -> None:
    """Queue ``resolve``'s read on a caller's round trip (placing an order: the session check's)."""
    latest_quotes.queue_mixed(pipe, *_split(symbol))


def resolved(symbol: str, found: list, now: float) -> Price | None:
    """``resolve``'s answer from the results of ``queue_resolve``'s read."""
    by_ref, by_symbol = latest_quotes.mixed(*_split(symbol), found, now)
    quote = by_ref.get(symbol) or by_symbol.get(symbol)
    if quote is None or quote.source is None or quote.id is None:
        return None
    return _price(f"{quote.source}:{quote.id}", quote)


def _split(symbol: str) -> tuple[list[str], list[str]]:
    return ([symbol], []) if ":" in symbol else ([], [symbol])


def prices(client: redis.Redis, refs: list[str], now: float) -> dict[str, Price]:
    """The latest priced quotes of ``refs`` (one round trip); those without one left out."""
    by_ref, _ = latest_quotes.read_mixed(client, refs, [], now)
    found = {ref: _price(ref, quote) for ref, quote in by_ref.items()}
    return {ref: price for ref, price in found.items() if price is not None}
