"""The latest-quote contract in Redis (DESIGN.md §6): written by the ingest pipeline, read by the
stocks and cmc APIs and the terminal, so no read path ever calls a vendor.

  axa:quote:<source>:<source_instrument_id>   hash, one per instrument:
      source, id, dataset, price, price_unit (currency | pct_of_nominal), quote_currency,
      change_abs, change_pct (percent units), volume, volume_unit, market_cap, yield_pct,
      bid, ask, as_of (ISO-8601 UTC), as_of_precision (instant | day), fetched_at, fresh_for (s)
  axa:quote:index                             hash: SYMBOL or ISIN (upper case) -> "<source>:<id>"

A quote is stale when its reference time (``as_of`` for instants; ``fetched_at`` for day-precision
prices, which vendors date by trading day) is older than ``fresh_for`` seconds.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

import redis

QUOTE_KEY = "axa:quote:{source}:{id}"
INDEX_KEY = "axa:quote:index"
FIELDS = ("price", "price_unit", "quote_currency", "change_abs", "change_pct", "volume",
          "volume_unit", "market_cap", "yield_pct", "bid", "ask")


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def write_latest(client: redis.Redis, records: Iterable, dataset: str, fresh_for: int,
                 symbols: dict | None = None) -> int:
    """Store each record as the latest quote unless Redis already holds a newer one."""
    newest: dict[tuple, object] = {}
    for record in records:
        key = (record.source, record.source_instrument_id)
        if key not in newest or record.as_of > newest[key].as_of:
            newest[key] = record
    if not newest:
        return 0
    with client.pipeline(transaction=False) as pipe:
        for (source, ident), record in newest.items():
            mapping = {f: _text(getattr(record, f, None)) for f in FIELDS}
            mapping.update(source=source, id=ident, dataset=dataset, as_of=_text(record.as_of),
                           as_of_precision=record.as_of_precision,
                           fetched_at=_text(record.fetched_at), fresh_for=fresh_for)
            pipe.hset(QUOTE_KEY.format(source=source, id=ident), mapping=mapping)
        for symbol, ref in (symbols or {}).items():
            pipe.hset(INDEX_KEY, symbol.upper(), ref)
        pipe.execute()
    return len(newest)


def index_symbols(client: redis.Redis, symbols: dict[str, str]) -> None:
    """Map SYMBOL / ISIN -> "<source>:<id>" so readers can look quotes up by what users type."""
    if symbols:
        client.hset(INDEX_KEY, mapping={k.upper(): v for k, v in symbols.items()})


def is_stale(quote: dict, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    ref = quote["fetched_at"] if quote.get("as_of_precision") == "day" else quote["as_of"]
    age = (now - datetime.fromisoformat(ref)).total_seconds()
    return age > float(quote.get("fresh_for") or 0)


def present(quote: dict, now: datetime | None = None) -> dict:
    """A stored hash as an API object: empty fields dropped, ``stale`` added."""
    body = {k: v for k, v in quote.items() if v != "" and k != "fresh_for"}
    body["stale"] = is_stale(quote, now)
    return body


# ARGV = symbols (upper case). One JSON array back: per symbol its hash as an object, or false.
_READ_MANY = """
local out = {}
for i, symbol in ipairs(ARGV) do
  local ref = redis.call('HGET', KEYS[1], symbol)
  local quote = false
  if ref then
    local flat = redis.call('HGETALL', 'axa:quote:' .. ref)
    if #flat > 0 then
      quote = {}
      for j = 1, #flat, 2 do quote[flat[j]] = flat[j + 1] end
    end
  end
  out[i] = quote
end
return cjson.encode(out)
"""
_scripts: dict[int, object] = {}


def read_by_symbols(client: redis.Redis, symbols: list[str]) -> dict[str, dict | None]:
    """One round trip whatever the count: a Lua script resolves the index and returns every hash
    as one JSON document (parsed once, in C), instead of a reply per key."""
    if not symbols:
        return {}
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_READ_MANY)
    found = json.loads(script(keys=[INDEX_KEY], args=[s.upper() for s in symbols]))
    now = datetime.now(UTC)
    return {s: (present(q, now) if q else None) for s, q in zip(symbols, found, strict=True)}


def read_one(client: redis.Redis, source: str, ident: str) -> dict | None:
    quote = client.hgetall(QUOTE_KEY.format(source=source, id=ident))
    return present(quote) if quote else None
