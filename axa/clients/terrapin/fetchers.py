"""Terrapin fetchers: bond_search, bond_reference, bond_pricing_latest, bond_pricing_history.

Answers are ``{"data": [...], "total": n}`` with at most 1,000 rows. Search pages by
``limit``/``offset`` up to ``total``; reference and latest pricing take at most 1,000 ISINs a
call; history is one ISIN over a date range, continued after the last date while rows remain.
ISINs are checked locally (check digit): one bad ISIN would make the vendor refuse the whole
call with 422, so it becomes a reject instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from axa.clients import errors
from axa.clients import values as v
from axa.clients.fetcher import Fetcher, Raw, Reject, chunks, collect, now_utc, positive_int, string_list
from axa.clients.terrapin.rows import pricing, reference, search_row

MAX_ROWS = 1000
MAX_PAGES = 500
SEARCH_FILTERS = frozenset((
    "isins", "countries", "issuers", "leis", "leis_direct_parent", "leis_ultimate_parent",
    "currencies", "coupon_min", "coupon_max", "maturity_date_min", "maturity_date_max",
    "issue_date_min", "issue_date_max", "issued_amount_min", "issued_amount_max", "asset_classes",
    "interest_types", "issuer_types", "handles", "include_callable", "include_puttable",
    "include_non_outstanding", "last_trade_date_min", "full_reference_data"))


def _data(page: Any) -> tuple[list, int | None]:
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise errors.BadPayload("response has no 'data' array", vendor="terrapin")
    try:
        return page["data"], v.integer(page.get("total"), "total")
    except v.RowRejected:
        raise errors.BadPayload("'total' is not a number", vendor="terrapin") from None


def _rows(raw: Raw) -> list:
    return [row for page in raw.pages for row in _data(page)[0]]


@dataclass(frozen=True)
class SearchQuery:
    filters: tuple[tuple[str, Any], ...] = ()
    limit: int = MAX_ROWS
    max_records: int | None = None
    sort: str | None = None

    def body(self, offset: int, limit: int) -> dict:
        body = {key: list(value) if isinstance(value, tuple) else value for key, value in self.filters}
        body.update(limit=limit, offset=offset)
        if self.sort:
            body["sort"] = self.sort
        return body


class BondSearchFetcher(Fetcher):
    """``params``: ``filters`` (the documented search filters only), ``limit``, ``max_records``,
    ``sort`` (field, ``-`` prefix for descending)."""

    vendor, dataset = "terrapin", "bond_search"

    @staticmethod
    def transform_query(params: Mapping) -> SearchQuery:
        filters = dict(params.get("filters") or {})
        unknown = sorted(set(filters) - SEARCH_FILTERS)
        if unknown:
            raise ValueError(f"unknown bond_search filters: {unknown}")
        frozen = tuple(sorted((k, tuple(val) if isinstance(val, list) else val)
                              for k, val in filters.items()))
        max_records = params.get("max_records")
        return SearchQuery(frozen, positive_int(params, "limit", MAX_ROWS, MAX_ROWS),
                           positive_int(params, "max_records", 1) if max_records is not None else None,
                           str(params["sort"]) if params.get("sort") else None)

    @staticmethod
    def extract_data(client, query: SearchQuery) -> Raw:
        pages, offset = [], 0
        for _ in range(MAX_PAGES):
            limit = query.limit if query.max_records is None else min(query.limit,
                                                                     query.max_records - offset)
            page = client.call("bond_search", query.body(offset, limit)).payload
            data, total = _data(page)
            pages.append(page)
            offset += len(data)
            if not data or (total is not None and offset >= total) or (
                    query.max_records is not None and offset >= query.max_records):
                break
        return Raw(tuple(pages), now_utc())

    @staticmethod
    def transform_data(query: SearchQuery, raw: Raw) -> tuple[list, list[Reject]]:
        return collect(_rows(raw), lambda row: [search_row(row)])


@dataclass(frozen=True)
class IsinsQuery:
    isins: tuple[str, ...]
    invalid: tuple[str, ...] = ()
    batch_size: int = MAX_ROWS
    as_of_date: date | None = None


def isins_query(params: Mapping) -> IsinsQuery:
    given = string_list(params, "isins", upper=True)
    if not given:
        raise ValueError("isins must not be empty")
    as_of = params.get("as_of_date")
    return IsinsQuery(tuple(i for i in given if v.isin_ok(i)),
                      tuple(i for i in given if not v.isin_ok(i)),
                      positive_int(params, "batch_size", MAX_ROWS, MAX_ROWS),
                      date.fromisoformat(str(as_of)) if as_of else None)


def _by_isins(client, endpoint: str, query: IsinsQuery) -> Raw:
    pages = []
    for batch in chunks(query.isins, query.batch_size):
        body: dict[str, Any] = {"isins": list(batch)}
        if query.as_of_date:
            body["as_of_date"] = query.as_of_date.isoformat()
        pages.append(client.call(endpoint, body).payload)
    return Raw(tuple(pages), now_utc())


def _isin_rejects(query: IsinsQuery, records: list, rejects: list[Reject]) -> list[Reject]:
    returned = {r.source_instrument_id for r in records}
    missing = [("no data for isin", i) for i in query.isins if i not in returned]
    return [("invalid isin", i) for i in query.invalid] + rejects + missing


class BondReferenceFetcher(Fetcher):
    """An InstrumentRecord and a BondTermsRecord per ISIN."""

    vendor, dataset = "terrapin", "bond_reference"

    @staticmethod
    def transform_query(params: Mapping) -> IsinsQuery:
        return isins_query(params)

    @staticmethod
    def extract_data(client, query: IsinsQuery) -> Raw:
        return _by_isins(client, "bond_reference", query)

    @staticmethod
    def transform_data(query: IsinsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = collect(_rows(raw), reference)
        return records, _isin_rejects(query, records, rejects)


class BondPricingLatestFetcher(Fetcher):
    vendor, dataset = "terrapin", "bond_pricing_latest"

    @staticmethod
    def transform_query(params: Mapping) -> IsinsQuery:
        return isins_query(params)

    @staticmethod
    def extract_data(client, query: IsinsQuery) -> Raw:
        return _by_isins(client, "bond_pricing_latest", query)

    @staticmethod
    def transform_data(query: IsinsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = collect(_rows(raw), lambda row: [pricing(row, None, raw.fetched_at)])
        return records, _isin_rejects(query, records, rejects)


def _last_day(rows: list) -> date | None:
    days = []
    for row in (r for r in rows if isinstance(r, dict)):
        try:
            days.append(v.day(row.get("date"), "date"))
        except v.RowRejected:
            continue  # that row becomes a reject in transform_data
    return max((d for d in days if d), default=None)


@dataclass(frozen=True)
class HistoryQuery:
    isin: str
    start: date
    end: date


class BondPricingHistoryFetcher(Fetcher):
    """One ISIN, ``start``..``end`` (inclusive); quotes sorted by date, duplicates dropped."""

    vendor, dataset = "terrapin", "bond_pricing_history"

    @staticmethod
    def transform_query(params: Mapping) -> HistoryQuery:
        isin = str(params.get("isin") or "").strip().upper()
        if not v.isin_ok(isin):
            raise ValueError("isin must be a valid ISIN")
        start, end = date.fromisoformat(str(params["start"])), date.fromisoformat(str(params["end"]))
        if start > end:
            raise ValueError("start must not be after end")
        return HistoryQuery(isin, start, end)

    @staticmethod
    def extract_data(client, query: HistoryQuery) -> Raw:
        pages, start = [], query.start
        for _ in range(MAX_PAGES):
            page = client.call("bond_pricing_history", {"isin": query.isin,
                                                        "start_date": start.isoformat(),
                                                        "end_date": query.end.isoformat()}).payload
            data, total = _data(page)
            pages.append(page)
            last = _last_day(data)
            if total is None or len(data) >= total or last is None or last < start:
                break
            start = last + timedelta(days=1)
            if start > query.end:
                break
        return Raw(tuple(pages), now_utc())

    @staticmethod
    def transform_data(query: HistoryQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = collect(_rows(raw), lambda row: [pricing(row, query.isin, raw.fetched_at)])
        unique = {r.as_of: r for r in reversed(records)}  # first one of a date wins
        return sorted(unique.values(), key=lambda r: r.as_of), rejects
