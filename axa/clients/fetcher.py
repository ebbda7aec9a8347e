"""The fetcher split (DESIGN.md §4 rule 8, OpenBB's provider/fetcher pattern).

A fetcher is a class with three static steps and no state:

* ``transform_query(params) -> …Query`` - pure: validates and normalizes the caller's params;
* ``extract_data(client, query) -> Raw`` - the only I/O: calls the vendor, pages, batches;
* ``transform_data(query, raw) -> (records, rejects)`` - pure: standard records out; a row that
  cannot become a record is a reject ``(reason, raw fragment)``, never a failure of the batch.

``Fetcher.fetch(client, params)`` runs the three in order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from axa.clients.values import RowRejected, decode_json

Reject = tuple[str, Any]


@dataclass(frozen=True)
class Raw:
    """What ``extract_data`` got: decoded bodies, one per call, and what they cost."""

    pages: tuple[Any, ...]
    fetched_at: datetime
    credit_count: int = 0  # CMC ``status.credit_count`` summed over the calls
    bodies: tuple[bytes, ...] = field(default=(), repr=False)  # each page's JSON as received,
    # where a page is a whole response body (the pipeline then ships the text, not decoded values)
    exact: bool = True  # False: ``pages`` were decoded with float numbers, only to check them;
    # records come from ``exact_pages()`` (the bodies decoded exactly)

    def exact_pages(self) -> tuple[Any, ...]:
        """The pages with exact numbers (Decimal): ``pages``, or ``bodies`` decoded again."""
        if self.exact:
            return self.pages
        return tuple(decode_json(body) for body in self.bodies)

    @property
    def calls(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class FetchResult:
    records: list
    rejects: list[Reject]
    raw: Raw


def now_utc() -> datetime:
    return datetime.now(UTC)


def collect(rows: Iterable[Any], convert: Callable[[dict], Iterable[Any]],
            records: list | None = None, rejects: list[Reject] | None = None,
            ) -> tuple[list, list[Reject]]:
    """Convert each row; a row that is not an object or raises ``RowRejected`` becomes a reject."""
    records = [] if records is None else records
    rejects = [] if rejects is None else rejects
    for row in rows:
        if not isinstance(row, dict):
            rejects.append(("row is not an object", row))
            continue
        try:
            converted = convert(row)  # a tuple, or a generator: all of a row's records, or none
            records.extend(converted if type(converted) is tuple else list(converted))
        except RowRejected as exc:
            rejects.append((exc.reason, row))
    return records, rejects


def chunks(items: tuple, size: int) -> list[tuple]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without duplicates."""
    return tuple(dict.fromkeys(items))


def positive_int(params: Mapping, name: str, default: int, maximum: int | None = None) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}")
    return value


def string_list(params: Mapping, name: str, *, upper: bool = False) -> tuple[str, ...]:
    """A list param given as a list or a comma-separated string; blanks dropped, order kept."""
    value = params.get(name) or ()
    items = value.split(",") if isinstance(value, str) else list(value)
    cleaned = (str(item).strip() for item in items)
    return unique(item.upper() if upper else item for item in cleaned if item)


class Fetcher:
    vendor: ClassVar[str] = ""
    dataset: ClassVar[str] = ""

    @staticmethod
    def transform_query(params: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    @staticmethod
    def extract_data(client: Any, query: Any) -> Raw:
        raise NotImplementedError

    @staticmethod
    def transform_data(query: Any, raw: Raw) -> tuple[list, list[Reject]]:
        raise NotImplementedError

    @classmethod
    def fetch(cls, client: Any, params: Mapping[str, Any] | None = None) -> FetchResult:
        query = cls.transform_query(params or {})
        raw = cls.extract_data(client, query)
        records, rejects = cls.transform_data(query, raw)
        return FetchResult(records, rejects, raw)
