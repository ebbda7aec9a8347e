"""CMC fetchers: map, listings, quotes by id, info, global metrics (vendors.md §2.3-2.4).

Every ``Raw`` carries ``credit_count`` (the sum of ``status.credit_count``) for the caller.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from axa.clients import errors
from axa.clients import values as v
from axa.clients.cmc.client import credit_count, status_of
from axa.clients.cmc.coins import coin_info, coins_with_quotes, global_metrics, instrument
from axa.clients.fetcher import Fetcher, Raw, Reject, chunks, collect, now_utc, positive_int, string_list

SOURCE = "cmc"
MAX_LIMIT = 5000
MAX_PAGES = 200


def _data(page, kind: type, what: str):
    data = page.get("data") if isinstance(page, dict) else None
    if not isinstance(data, kind):
        raise errors.BadPayload(f"{what}: 'data' is not an {kind.__name__}", vendor=SOURCE)
    return data


def _raw(pages: list) -> Raw:
    return Raw(tuple(pages), now_utc(), sum(credit_count(p) for p in pages))


@dataclass(frozen=True)
class PagedQuery:
    limit: int = MAX_LIMIT
    max_items: int | None = None
    convert: tuple[str, ...] = ("USD",)
    listing_status: str = "active"


def _paged_query(params: Mapping) -> PagedQuery:
    max_items = params.get("max_items")
    return PagedQuery(positive_int(params, "limit", MAX_LIMIT, MAX_LIMIT),
                      positive_int(params, "max_items", 1) if max_items is not None else None,
                      string_list(params, "convert", upper=True) or ("USD",),
                      str(params.get("listing_status") or "active"))


def _pages(client, path: str, query: PagedQuery, extra: dict) -> list:
    """``start``/``limit`` paging up to ``status.total_count`` (or a short/empty page)."""
    pages, start = [], 1
    while len(pages) < MAX_PAGES:
        wanted = query.limit if query.max_items is None else min(query.limit,
                                                                 query.max_items - start + 1)
        page = client.get(path, {"start": start, "limit": wanted, **extra}).payload
        pages.append(page)
        data = _data(page, list, path)
        total = v.integer(status_of(page).get("total_count"), "total_count")
        start += len(data)
        if len(data) < wanted or (total is not None and start > total) or (
                query.max_items is not None and start > query.max_items):
            break
    return pages


class MapFetcher(Fetcher):
    vendor, dataset = SOURCE, "cryptocurrency/map"

    @staticmethod
    def transform_query(params: Mapping) -> PagedQuery:
        return _paged_query(params)

    @staticmethod
    def extract_data(client, query: PagedQuery) -> Raw:
        return _raw(_pages(client, "/v1/cryptocurrency/map", query,
                           {"listing_status": query.listing_status}))

    @staticmethod
    def transform_data(query: PagedQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects, seen = [], [], set()
        for page in raw.pages:
            collect(_data(page, list, "map"), lambda coin: [instrument(coin)], records, rejects)
        unique = [r for r in records if not (r.cmc_id in seen or seen.add(r.cmc_id))]
        return unique, rejects


class ListingsFetcher(Fetcher):
    """``/v1/cryptocurrency/listings/latest``: paged by start/limit, deduplicated by id."""

    vendor, dataset = SOURCE, "cryptocurrency/listings/latest"

    @staticmethod
    def transform_query(params: Mapping) -> PagedQuery:
        return _paged_query(params)

    @staticmethod
    def extract_data(client, query: PagedQuery) -> Raw:
        return _raw(_pages(client, "/v1/cryptocurrency/listings/latest", query,
                           {"convert": ",".join(query.convert)}))

    @staticmethod
    def transform_data(query: PagedQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects, seen = [], [], set()
        for page in raw.pages:
            found, bad = coins_with_quotes(_data(page, list, "listings"), raw.fetched_at, seen)
            records.extend(found)
            rejects.extend(bad)
        return records, rejects


@dataclass(frozen=True)
class IdsQuery:
    ids: tuple[int, ...]
    convert: tuple[str, ...] = ("USD",)
    batch_size: int = 100


def _ids_query(params: Mapping) -> IdsQuery:
    try:
        ids = tuple(dict.fromkeys(int(i) for i in string_list(params, "ids")))
    except ValueError:
        raise ValueError("ids must be CMC ids (integers)") from None
    if not ids or min(ids) < 1:
        raise ValueError("ids must be positive CMC ids")
    return IdsQuery(ids, string_list(params, "convert", upper=True) or ("USD",),
                    positive_int(params, "batch_size", 100, 1000))


def _coins(page, what: str) -> list:
    """v2 ``data`` is keyed by what was asked: id -> coin, or symbol -> [coins]."""
    found = []
    for value in _data(page, dict, what).values():
        found.extend(value if isinstance(value, list) else [value])
    return found


def _by_ids(client, path: str, query: IdsQuery, extra: dict) -> Raw:
    return _raw([client.get(path, {"id": ",".join(map(str, batch)), **extra}).payload
                 for batch in chunks(query.ids, query.batch_size)])


class QuotesFetcher(Fetcher):
    """``/v2/cryptocurrency/quotes/latest?id=``: instrument + one quote per convert currency."""

    vendor, dataset = SOURCE, "cryptocurrency/quotes/latest"

    @staticmethod
    def transform_query(params: Mapping) -> IdsQuery:
        return _ids_query(params)

    @staticmethod
    def extract_data(client, query: IdsQuery) -> Raw:
        return _by_ids(client, "/v2/cryptocurrency/quotes/latest", query,
                       {"convert": ",".join(query.convert)})

    @staticmethod
    def transform_data(query: IdsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects, seen = [], [], set()
        for page in raw.pages:
            found, bad = coins_with_quotes(_coins(page, "quotes"), raw.fetched_at, seen)
            records.extend(found)
            rejects.extend(bad)
        return records, rejects


class InfoFetcher(Fetcher):
    vendor, dataset = SOURCE, "cryptocurrency/info"

    @staticmethod
    def transform_query(params: Mapping) -> IdsQuery:
        return _ids_query(params)

    @staticmethod
    def extract_data(client, query: IdsQuery) -> Raw:
        return _by_ids(client, "/v2/cryptocurrency/info", query, {})

    @staticmethod
    def transform_data(query: IdsQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = [], []
        for page in raw.pages:
            collect(_coins(page, "info"), coin_info, records, rejects)
        return records, rejects


@dataclass(frozen=True)
class GlobalQuery:
    convert: tuple[str, ...] = ("USD",)


class GlobalMetricsFetcher(Fetcher):
    vendor, dataset = SOURCE, "global-metrics/quotes/latest"

    @staticmethod
    def transform_query(params: Mapping) -> GlobalQuery:
        return GlobalQuery(string_list(params, "convert", upper=True) or ("USD",))

    @staticmethod
    def extract_data(client, query: GlobalQuery) -> Raw:
        return _raw([client.get("/v1/global-metrics/quotes/latest",
                                {"convert": ",".join(query.convert)}).payload])

    @staticmethod
    def transform_data(query: GlobalQuery, raw: Raw) -> tuple[list, list[Reject]]:
        records, rejects = [], []
        for page in raw.pages:
            collect([_data(page, dict, "global-metrics")],
                    lambda data: global_metrics(data, raw.fetched_at), records, rejects)
        return records, rejects
