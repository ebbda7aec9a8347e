"""Cbonds fetchers: get_emissions, get_tradings_new, get_emitents (vendors.md §3).

Paging: ``quantity.limit`` (at most 1,000) and ``quantity.offset`` = record offset; stop when
``total`` rows were collected or a page is empty. Cbonds silently ignores a filter it does not
support and returns the whole dataset, so every page is checked: each row must match every
filter, else ``BadPayload`` (and paging stops at the first page).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from axa.clients import errors
from axa.clients import values as v
from axa.clients.cbonds.rows import emission, emitent, trading
from axa.clients.fetcher import Fetcher, Raw, Reject, collect, now_utc, positive_int, string_list

SOURCE = "cbonds"
MAX_LIMIT = 1000
MAX_PAGES = 1000
OPERATORS = ("eq", "ne", "nu", "nn", "lt", "le", "gt", "ge", "in", "ni")


@dataclass(frozen=True)
class CbondsFilter:
    field: str
    operator: str
    value: str | None = None

    def as_json(self) -> dict:
        return {"field": self.field, "operator": self.operator, "value": self.value}


@dataclass(frozen=True)
class CbondsQuery:
    operation: str
    filters: tuple[CbondsFilter, ...] = ()
    limit: int = MAX_LIMIT
    max_records: int | None = None
    fields: tuple[str, ...] = ()
    sorting: tuple[tuple[str, str], ...] = ()

    def body(self, offset: int, limit: int) -> dict:
        body: dict[str, Any] = {"filters": [f.as_json() for f in self.filters],
                                "quantity": {"limit": limit, "offset": offset}}
        if self.sorting:
            body["sorting"] = [{"field": f, "order": o} for f, o in self.sorting]
        if self.fields:
            wanted = dict.fromkeys(self.fields + tuple(f.field for f in self.filters))
            body["fields"] = [{"field": name} for name in wanted]
        return body


def _filter(item: Mapping) -> CbondsFilter:
    field, operator = str(item.get("field") or ""), str(item.get("operator") or "")
    if not field or operator not in OPERATORS:
        raise ValueError(f"bad Cbonds filter {item!r}: operator must be one of {OPERATORS}")
    value = item.get("value")
    if operator in ("nu", "nn"):
        return CbondsFilter(field, operator, None)
    if isinstance(value, list | tuple):
        value = ";".join(str(x) for x in value)
    if value is None or str(value) == "":
        raise ValueError(f"Cbonds filter on {field} needs a value")
    return CbondsFilter(field, operator, str(value))


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _compare(actual: str, expected: str, operator: str) -> bool:
    a, e = _number(actual), _number(expected)
    left, right = (a, e) if a is not None and e is not None else (actual, expected)
    return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[operator]


def matches(row: dict, flt: CbondsFilter) -> bool:
    """Does ``row`` satisfy ``flt``? A row without the field does not."""
    if flt.operator in ("nu", "nn"):
        missing = row.get(flt.field) in (None, "")
        return missing if flt.operator == "nu" else not missing
    if flt.field not in row or row[flt.field] is None:
        return False
    actual, expected = str(row[flt.field]).strip(), str(flt.value).strip()
    if flt.operator in ("in", "ni"):
        inside = actual in {x.strip() for x in expected.split(";")}
        return inside if flt.operator == "in" else not inside
    if flt.operator in ("eq", "ne"):
        same = actual == expected or (_number(actual) is not None and _number(actual) == _number(expected))
        return same if flt.operator == "eq" else not same
    return _compare(actual, expected, flt.operator)


def _items(page: Any) -> tuple[list, int | None]:
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise errors.BadPayload("response has no 'items' array", vendor=SOURCE)
    try:
        total = v.integer(page.get("total"), "total")
    except v.RowRejected:
        raise errors.BadPayload("'total' is not a number", vendor=SOURCE) from None
    return page["items"], total


def check_filters(query: CbondsQuery, items: list) -> None:
    for row in (r for r in items if isinstance(r, dict)):  # other rows become rejects later
        for flt in query.filters:
            if not matches(row, flt):
                raise errors.BadPayload(
                    f"{query.operation}: a row does not match filter {flt.field} {flt.operator}; "
                    "the filter was ignored", vendor=SOURCE)


class CbondsFetcher(Fetcher):
    """One Cbonds operation. ``params``: ``filters`` (list of {field, operator, value}),
    ``isins`` (shortcut for an ``in`` filter on the operation's ISIN field), ``limit``,
    ``max_records``, ``fields``, ``sorting`` (list of {field, order})."""

    vendor = SOURCE
    operation: ClassVar[str] = ""
    isin_field: ClassVar[str] = "isin_code"

    @classmethod
    def transform_query(cls, params: Mapping) -> CbondsQuery:
        filters = [_filter(item) for item in params.get("filters") or ()]
        isins = string_list(params, "isins", upper=True)
        if isins and not cls.isin_field:
            raise ValueError(f"{cls.operation} cannot be filtered by ISIN")
        if isins:
            filters.append(CbondsFilter(cls.isin_field, "in", ";".join(isins)))
        max_records = params.get("max_records")
        sorting = tuple((str(s["field"]), str(s.get("order") or "asc"))
                        for s in params.get("sorting") or ())
        return CbondsQuery(cls.operation, tuple(filters),
                           positive_int(params, "limit", MAX_LIMIT, MAX_LIMIT),
                           positive_int(params, "max_records", 1) if max_records is not None else None,
                           string_list(params, "fields"), sorting)

    @staticmethod
    def extract_data(client, query: CbondsQuery) -> Raw:
        pages, offset = [], 0
        for _ in range(MAX_PAGES):
            limit = query.limit if query.max_records is None else min(query.limit,
                                                                     query.max_records - offset)
            page = client.call(query.operation, query.body(offset, limit)).payload
            items, total = _items(page)
            check_filters(query, items)
            pages.append(page)
            offset += len(items)
            if not items or (total is not None and offset >= total) or (
                    query.max_records is not None and offset >= query.max_records):
                break
        return Raw(tuple(pages), now_utc())

    @classmethod
    def rows(cls, raw: Raw) -> list:
        return [row for page in raw.pages for row in _items(page)[0]]


class EmissionsFetcher(CbondsFetcher):
    """``get_emissions``: an InstrumentRecord and a BondTermsRecord per issue."""

    dataset = operation = "get_emissions"

    @classmethod
    def transform_data(cls, query: CbondsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        return collect(cls.rows(raw), emission)


class TradingsFetcher(CbondsFetcher):
    """``get_tradings_new``: a QuoteRecord per row with a price; all-"0" rows are rejects."""

    dataset = operation = "get_tradings_new"

    @classmethod
    def transform_data(cls, query: CbondsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = collect(cls.rows(raw), lambda row: [trading(row, raw.fetched_at)])
        seen, kept = set(), []
        for record in records:
            key = (record.source_instrument_id, record.venue, record.as_of)
            if key in seen:
                rejects.append(("duplicate", {"key": repr(key), "raw_ref": record.raw_ref}))
            else:
                seen.add(key)
                kept.append(record)
        return kept, rejects


class EmitentsFetcher(CbondsFetcher):
    """``get_emitents``: issuer cards."""

    dataset = operation = "get_emitents"
    isin_field = ""  # issuers have no ISIN: use ``filters``

    @classmethod
    def transform_data(cls, query: CbondsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        return collect(cls.rows(raw), lambda row: [emitent(row)])
