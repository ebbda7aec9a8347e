"""The latest-quote contract in Redis (DESIGN.md §6): written by the ingest graphs of stocks and cmc
after each committed batch, read by the stocks and cmc APIs and the terminal, so no read path ever
calls a vendor.

Every quote is known by its ref, ``"<source>:<source_instrument_id>"``:

  axa:quote:index     hash: SYMBOL or ISIN (upper case) -> ref
  axa:quote:json      hash: ref -> the quote as the API shows it, a JSON object without ``stale``
                      (the fields of ``Quote``; numbers are decimal strings exactly as the vendor
                      sent them, times ISO-8601 UTC, empty fields left out)
  axa:quote:stale_at  hash: ref -> epoch seconds from which the quote is stale
  axa:quote:as_of     hash: ref -> the quote's as_of in epoch seconds (a write never replaces a
                      newer quote)

A quote is stale when its reference time (``as_of`` for instants; ``fetched_at`` for day-precision
prices, which vendors date by trading day) is older than ``fresh_for`` seconds, i.e. from
``stale_at`` on; a reader decides with one comparison.

Writes (``write``) go 500 quotes to a call of ``latest_quotes_write.lua``. Reads by symbol are one
call of ``latest_quotes_read.lua`` (three HMGETs whatever the count), which ``GET /api/v1/quotes``
sends in the session check's round trip (``queue_read``); ``body`` turns its answer into the
documented response.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

import msgspec
import redis

from axa.platform.lua import LuaScript, in_one_round_trip

INDEX_KEY = "axa:quote:index"
JSON_KEY = "axa:quote:json"
STALE_AT_KEY = "axa:quote:stale_at"
AS_OF_KEY = "axa:quote:as_of"
WRITE = LuaScript(__file__, "latest_quotes_write")
READ = LuaScript(__file__, "latest_quotes_read")
WRITE_CHUNK = 500  # quotes per script call: Redis runs a script alone, so keep each one short
FIELDS = ("price", "price_unit", "quote_currency", "change_abs", "change_pct", "volume",
          "volume_unit", "market_cap", "yield_pct", "bid", "ask", "change_pct_1h", "change_pct_7d")


class Quote(msgspec.Struct, omit_defaults=True):
    """A latest quote as the API shows it (QuoteSchema of the stocks quotes blueprint documents
    it; a test holds the two equal). Fields the vendor left empty are None and left out."""

    source: str | None = None
    id: str | None = None
    dataset: str | None = None
    price: str | None = None
    price_unit: str | None = None
    quote_currency: str | None = None
    change_abs: str | None = None
    change_pct: str | None = None
    volume: str | None = None
    volume_unit: str | None = None
    market_cap: str | None = None
    yield_pct: str | None = None
    bid: str | None = None
    ask: str | None = None
    change_pct_1h: str | None = None
    change_pct_7d: str | None = None
    as_of: str | None = None
    as_of_precision: str | None = None
    fetched_at: str | None = None
    stale: bool | None = None


class QuotesBody(msgspec.Struct):
    """The ``GET /api/v1/quotes`` answer: SYMBOL -> quote, and the symbols with no quote."""

    quotes: dict[str, Quote]
    missing: list[str]


def stale_at(as_of: datetime, fetched_at: datetime, precision: str, fresh_for: float) -> float:
    """Epoch seconds from which a quote is stale (see the module docstring)."""
    return (fetched_at if precision == "day" else as_of).timestamp() + float(fresh_for or 0)


# ---- writing ----------------------------------------------------------------------------------
_fields_of = attrgetter(*FIELDS)
_STRINGS = frozenset({Decimal, str, type(None)})
_encode = msgspec.json.Encoder(decimal_format="string").encode


def _iso(value, times: dict) -> str | None:
    """A datetime's ISO text, memoized across a batch (its quotes share fetched_at, mostly as_of)."""
    if value is None:
        return None
    text = times.get(value)
    if text is None:
        text = times[value] = value.isoformat()
    return text


def encode_quote(record, dataset: str, times: dict) -> bytes:
    """The quote's JSON object as the contract stores it (without ``stale``)."""
    values = _fields_of(record)
    if not set(map(type, values)) <= _STRINGS:  # not the records' usual types: as their text
        values = tuple(v if type(v) in _STRINGS else str(v) for v in values)
    if "" in values:  # an empty field is left out, as None is
        values = tuple(None if v == "" else v for v in values)
    return _encode(Quote(record.source, record.source_instrument_id, dataset, *values,
                         _iso(record.as_of, times), record.as_of_precision or None,
                         _iso(record.fetched_at, times)))


def write(client: redis.Redis, latest: Sequence, dataset: str, fresh_for: int,
          index_ids: bool = False) -> int:
    """Store quote records (at most one per instrument: the caller reduced them to the latest)
    unless Redis already holds a newer one; returns how many were stored. ``index_ids``: the
    records' ids are what users type (FMP symbols, Terrapin ISINs), so the same call maps each to
    its ref in the symbol index."""
    written, times = 0, {}
    for start in range(0, len(latest), WRITE_CHUNK):
        args = ["1" if index_ids else "0"]
        for record in latest[start:start + WRITE_CHUNK]:
            args.extend((f"{record.source}:{record.source_instrument_id}", repr(record.as_of.timestamp()),
                         encode_quote(record, dataset, times),
                         repr(stale_at(record.as_of, record.fetched_at, record.as_of_precision, fresh_for))))
        written += WRITE(client, args=args)
    return written


def index_symbols(client: redis.Redis, symbols: dict[str, str]) -> None:
    """Map SYMBOL / ISIN -> "<source>:<id>" so readers can look quotes up by what users type."""
    if symbols:
        client.hset(INDEX_KEY, mapping={k.upper(): v for k, v in symbols.items()})


# ---- reading ----------------------------------------------------------------------------------
_decode_quote = msgspec.json.Decoder(Quote).decode
encode_body = msgspec.json.Encoder().encode


def queue_read(pipe: redis.client.Pipeline, symbols: Sequence[str]) -> None:
    """Queue the read of upper-case ``symbols`` on ``pipe``; ``body`` turns its result into the answer."""
    READ.queue(pipe, args=symbols)


def body(symbols: Sequence[str], found: list, now: float | None = None) -> QuotesBody:
    """The ``GET /api/v1/quotes`` answer for ``symbols`` from ``latest_quotes_read.lua``'s result."""
    refs, texts, ends = found
    now = time.time() if now is None else now
    quotes, missing, known = {}, [], 0
    for symbol, ref in zip(symbols, refs, strict=True):
        text = None
        if ref:
            text, end, known = texts[known], ends[known], known + 1
        if text is None:
            missing.append(symbol)
            continue
        quote = quotes[symbol] = _decode_quote(text)
        quote.stale = now >= float(end or 0)
    return QuotesBody(quotes, missing)


def read(client: redis.Redis, symbols: Sequence[str], now: float | None = None) -> QuotesBody:
    """The latest quotes of ``symbols`` (any case) in one round trip."""
    upper = [s.upper() for s in symbols]
    return body(upper, READ(client, args=upper) if upper else [[], [], []], now)


def knows_symbol(client: redis.Redis, symbol: str) -> bool:
    """Whether ``symbol`` (any case) names an instrument in the symbol index."""
    return bool(client.hexists(INDEX_KEY, symbol.upper()))


def read_mixed(client: redis.Redis, refs: Sequence[str], symbols: Sequence[str],
               now: float | None = None) -> tuple[dict[str, Quote], dict[str, Quote]]:
    """The latest quotes of ``refs`` ("<source>:<id>": how cmc coins are known, their symbols
    collide so they are not in the index) and of ``symbols`` (any case), in one round trip:
    (ref -> quote, SYMBOL -> quote), those without a quote left out."""
    upper = [s.upper() for s in symbols]
    found = in_one_round_trip(client, lambda pipe: queue_mixed(pipe, refs, upper)) if refs or upper else []
    return mixed(refs, upper, found, now)


def queue_mixed(pipe: redis.client.Pipeline, refs: Sequence[str], upper: Sequence[str]) -> None:
    """Queue ``read_mixed``'s reads of ``refs`` and upper-case symbols on ``pipe`` (a caller's
    round trip); ``mixed`` turns their results into its answer."""
    if refs:
        pipe.hmget(JSON_KEY, refs).hmget(STALE_AT_KEY, refs)
    if upper:
        READ.queue(pipe, args=upper)


def mixed(refs: Sequence[str], upper: Sequence[str], found: list,
          now: float | None = None) -> tuple[dict[str, Quote], dict[str, Quote]]:
    now = time.time() if now is None else now
    by_ref = {}
    for ref, text, end in zip(refs, *(found[:2] if refs else ([], [])), strict=True):
        if text is not None:
            quote = by_ref[ref] = _decode_quote(text)
            quote.stale = now >= float(end or 0)
    return by_ref, (body(upper, found[-1], now).quotes if upper else {})


def read_one(client: redis.Redis, source: str, ident: str, now: float | None = None) -> dict | None:
    """One quote by its vendor id, as the API shows it (with ``stale``), or None."""
    ref = f"{source}:{ident}"
    with client.pipeline(transaction=False) as pipe:
        text, end = pipe.hget(JSON_KEY, ref).hget(STALE_AT_KEY, ref).execute()
    if text is None:
        return None
    quote = msgspec.json.decode(text)
    quote["stale"] = (time.time() if now is None else now) >= float(end or 0)
    return quote
