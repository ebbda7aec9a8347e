"""FMP fetchers: stock list, profile, batch quotes, daily history (vendors.md §1.3-1.4)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from axa.clients import errors
from axa.clients import values as v
from axa.clients.fetcher import Fetcher, Raw, Reject, chunks, collect, now_utc, positive_int, string_list
from axa.clients.records import InstrumentRecord, QuoteRecord

SOURCE = "fmp"
_TYPES = {"stock": "equity", "etf": "etf", "fund": "fund", "trust": "fund", "index": "index"}


def _rows(page: Any, what: str) -> list:
    """FMP answers with a top-level array (also for one symbol)."""
    if isinstance(page, dict) and isinstance(page.get("historical"), list):
        return page["historical"]
    if not isinstance(page, list):
        raise errors.BadPayload(f"{what}: expected an array", vendor=SOURCE)
    return page


def _dedupe(records: list, rejects: list[Reject], key) -> list:
    seen, kept = set(), []
    for record in records:
        if key(record) in seen:
            rejects.append(("duplicate", {"key": repr(key(record)), "raw_ref": record.raw_ref}))
            continue
        seen.add(key(record))
        kept.append(record)
    return kept


@dataclass(frozen=True)
class StockListQuery:
    pass


class StockListFetcher(Fetcher):
    vendor, dataset = SOURCE, "stock-list"

    @staticmethod
    def transform_query(params: Mapping) -> StockListQuery:
        return StockListQuery()

    @staticmethod
    def extract_data(client, query: StockListQuery) -> Raw:
        return Raw((client.get("/stable/stock-list").payload,), now_utc())

    @staticmethod
    def transform_data(query: StockListQuery, raw: Raw) -> tuple[list, list[Reject]]:
        def convert(row: dict):
            symbol = v.required_text(row.get("symbol"), "symbol", upper=True)
            short = v.text(row.get("exchangeShortName"))
            yield InstrumentRecord(
                SOURCE, symbol, asset_class=_TYPES.get(str(row.get("type") or "stock").lower()),
                symbol=symbol, name=v.text(v.first_present(row, "companyName", "name")),
                exchange=short or v.text(row.get("exchange")),
                exchange_name=v.text(row.get("exchangeFullName")) or (v.text(row.get("exchange"))
                                                                       if short else None),
                currency=v.text(row.get("currency"), upper=True), raw_ref=v.raw_ref(row))
        records, rejects = [], []
        for page in raw.pages:
            collect(_rows(page, "stock-list"), convert, records, rejects)
        return _dedupe(records, rejects, lambda r: r.key), rejects


@dataclass(frozen=True)
class SymbolsQuery:
    symbols: tuple[str, ...]
    batch_size: int = 100


def _symbols_query(params: Mapping, default_batch: int) -> SymbolsQuery:
    symbols = string_list(params, "symbols", upper=True)
    if not symbols:
        raise ValueError("symbols must not be empty")
    return SymbolsQuery(symbols, positive_int(params, "batch_size", default_batch, 500))


def _profile(row: dict):
    symbol = v.required_text(row.get("symbol"), "symbol", upper=True)
    asset = "etf" if v.flag(row.get("isEtf")) else "fund" if v.flag(row.get("isFund")) else "equity"
    name = v.text(row.get("companyName"))
    yield InstrumentRecord(
        SOURCE, symbol, asset_class=asset, symbol=symbol, name=name,
        isin=v.text(row.get("isin"), upper=True), cusip=v.text(row.get("cusip"), upper=True),
        cik=v.text(row.get("cik")), issuer_name=name, exchange=v.text(row.get("exchange")),
        exchange_name=v.text(row.get("exchangeFullName")),
        currency=v.text(row.get("currency"), upper=True), country=v.text(row.get("country")),
        sector=v.text(row.get("sector")), industry=v.text(row.get("industry")),
        is_active=v.flag(row.get("isActivelyTrading")), raw_ref=v.raw_ref(row))


class ProfileFetcher(Fetcher):
    """``/stable/profile?symbol=`` - one call per symbol; a symbol outside the plan is a reject."""

    vendor, dataset = SOURCE, "profile"

    @staticmethod
    def transform_query(params: Mapping) -> SymbolsQuery:
        return _symbols_query(params, 1)

    @staticmethod
    def extract_data(client, query: SymbolsQuery) -> Raw:
        pages = []
        for symbol in query.symbols:
            try:
                pages.append({"symbol": symbol, "body": client.get("/stable/profile",
                                                                   {"symbol": symbol}).payload})
            except errors.SymbolUnavailable as exc:
                pages.append({"symbol": symbol, "unavailable": exc.message})
        return Raw(tuple(pages), now_utc())

    @staticmethod
    def transform_data(query: SymbolsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = [], []
        for page in raw.pages:
            if "unavailable" in page:
                rejects.append(("symbol unavailable in plan", page["symbol"]))
                continue
            rows = _rows(page["body"], "profile")
            if not rows:
                rejects.append(("no profile for symbol", page["symbol"]))
            collect(rows, _profile, records, rejects)
        return _dedupe(records, rejects, lambda r: r.key), rejects


def _quote(fetched_at):
    instants: dict = {}  # the quotes of a batch share a few timestamps: each is converted once

    def convert(row: dict) -> tuple[QuoteRecord]:
        symbol = v.required_text(row.get("symbol"), "symbol", upper=True)
        stamp = row.get("timestamp")
        as_of = instants.get(stamp) if type(stamp) is int else None
        if as_of is None:
            as_of = v.epoch_seconds(stamp, "timestamp", required=True)
            if type(stamp) is int:
                instants[stamp] = as_of
        return (QuoteRecord(
            SOURCE, symbol, price=v.price(row.get("price"), required=True), price_unit="currency",
            as_of=as_of, as_of_precision="instant", fetched_at=fetched_at, raw_ref=v.raw_ref(row),
            open=v.price(row.get("open"), "open"), high=v.price(row.get("dayHigh"), "dayHigh"),
            low=v.price(row.get("dayLow"), "dayLow"),
            prev_close=v.price(row.get("previousClose"), "previousClose"),
            change_abs=v.decimal(row.get("change"), "change"),
            change_pct=v.decimal(v.first_present(row, "changePercentage", "changesPercentage"),
                                 "changePercentage"),
            volume=v.decimal(row.get("volume"), "volume", non_negative=True), volume_unit="shares",
            market_cap=v.decimal(row.get("marketCap"), "marketCap", non_negative=True)),)
    return convert


class BatchQuoteFetcher(Fetcher):
    """``/stable/batch-quote?symbols=A,B`` in batches of ``batch_size`` (default 100)."""

    vendor, dataset = SOURCE, "batch-quote"

    @staticmethod
    def transform_query(params: Mapping) -> SymbolsQuery:
        return _symbols_query(params, 100)

    @staticmethod
    def extract_data(client, query: SymbolsQuery) -> Raw:
        answers = [client.get("/stable/batch-quote", {"symbols": ",".join(batch)}, exact=False)
                   for batch in chunks(query.symbols, query.batch_size)]
        return Raw(tuple(a.payload for a in answers), now_utc(), bodies=tuple(a.body for a in answers),
                   exact=False)

    @staticmethod
    def transform_data(query: SymbolsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects, pages = [], [], raw.exact_pages()
        for page in pages:
            collect(_rows(page, "batch-quote"), _quote(raw.fetched_at), records, rejects)
        found = {str(row.get("symbol") or "").strip().upper() for page in pages
                 for row in _rows(page, "batch-quote") if isinstance(row, dict)}
        rejects.extend(("no quote for symbol", s) for s in query.symbols if s not in found)
        return _dedupe(records, rejects, lambda r: (r.source_instrument_id, r.as_of)), rejects


@dataclass(frozen=True)
class HistoryQuery:
    symbol: str
    start: date | None = None
    end: date | None = None


def _bar(symbol: str, fetched_at):
    def convert(row: dict):
        as_of = v.day_start_utc(v.day(row.get("date"), "date", required=True))
        yield QuoteRecord(
            SOURCE, v.text(row.get("symbol"), upper=True) or symbol,
            price=v.price(row.get("close"), "close", required=True), price_unit="currency",
            as_of=as_of, as_of_precision="day", fetched_at=fetched_at, raw_ref=v.raw_ref(row),
            open=v.price(row.get("open"), "open"), high=v.price(row.get("high"), "high"),
            low=v.price(row.get("low"), "low"), change_abs=v.decimal(row.get("change"), "change"),
            change_pct=v.decimal(row.get("changePercent"), "changePercent"),
            volume=v.decimal(row.get("volume"), "volume", non_negative=True), volume_unit="shares")
    return convert


class HistoryFetcher(Fetcher):
    """``/stable/historical-price-eod/full``: daily bars, a bare array or ``{"historical": [...]}``."""

    vendor, dataset = SOURCE, "historical-price-eod/full"

    @staticmethod
    def transform_query(params: Mapping) -> HistoryQuery:
        symbol = str(params.get("symbol") or "").strip().upper()
        if not symbol:
            raise ValueError("symbol is required")
        start, end = (date.fromisoformat(str(params[k])) if params.get(k) else None
                      for k in ("start", "end"))
        if start and end and start > end:
            raise ValueError("start must not be after end")
        return HistoryQuery(symbol, start, end)

    @staticmethod
    def extract_data(client, query: HistoryQuery) -> Raw:
        params = {"symbol": query.symbol}
        if query.start:
            params["from"] = query.start.isoformat()
        if query.end:
            params["to"] = query.end.isoformat()
        return Raw((client.get("/stable/historical-price-eod/full", params).payload,), now_utc())

    @staticmethod
    def transform_data(query: HistoryQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = [], []
        for page in raw.pages:
            collect(_rows(page, "historical-price-eod"), _bar(query.symbol, raw.fetched_at),
                    records, rejects)
        records = _dedupe(records, rejects, lambda r: (r.source_instrument_id, r.as_of))
        return sorted(records, key=lambda r: r.as_of), rejects
