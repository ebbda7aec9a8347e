"""The latest-quote contract in Redis (DESIGN.md §6): written by the ingest pipeline, read by the
stocks and cmc APIs and the terminal, so no read path ever calls a vendor.

  axa:quote:<source>:<source_instrument_id>   hash, one per instrument:
      source, id, dataset, price, price_unit (currency | pct_of_nominal), quote_currency,
      change_abs, change_pct (percent units), volume, volume_unit, market_cap, yield_pct,
      bid, ask, as_of (ISO-8601 UTC), as_of_precision (instant | day), fetched_at, fresh_for (s),
      stale_at (epoch seconds: reference time + fresh_for), as_of_epoch (newer-wins check)
  axa:quote:index                             hash: SYMBOL or ISIN (upper case) -> "<source>:<id>"
  axa:quote:json                              hash: "<source>:<id>" -> the quote's API object,
                                              pre-rendered JSON members without braces or stale
  axa:quote:stale_at                          hash: "<source>:<id>" -> stale_at

A quote is stale when its reference time (``as_of`` for instants; ``fetched_at`` for day-precision
prices, which vendors date by trading day) is older than ``fresh_for`` seconds, i.e. from
``stale_at`` on. The writer stores ``stale_at`` so a reader decides with one comparison.

``GET /api/v1/quotes`` is answered by ``QUOTES_RIDER``: Lua that resolves the symbols and writes
the response body itself (three HMGETs whatever the count), run in the session check's round trip
(axa/platform/sessions.py), so the request costs one Redis call and no JSON work in Python.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime

import redis

from axa.platform.sessions import Rider, run_alone, script_for

QUOTE_KEY = "axa:quote:{source}:{id}"
INDEX_KEY = "axa:quote:index"
JSON_KEY = "axa:quote:json"
STALE_AT_KEY = "axa:quote:stale_at"
FIELDS = ("price", "price_unit", "quote_currency", "change_abs", "change_pct", "volume",
          "volume_unit", "market_cap", "yield_pct", "bid", "ask")


def stale_at(as_of: datetime, fetched_at: datetime, precision: str, fresh_for: float) -> float:
    """Epoch seconds from which a quote is stale (see the module docstring)."""
    return (fetched_at if precision == "day" else as_of).timestamp() + float(fresh_for or 0)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


# KEYS = quote keys; ARGV[1] = m, then per key: its as_of epoch, "<source>:<id>", the API object,
# stale_at and m field/value pairs. A key is written only when Redis does not hold a newer quote
# (as_of_epoch). Returns how many were written.
_WRITE = """
local m = tonumber(ARGV[1])
local stride, written = 4 + 2 * m, 0
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * stride
  local held = tonumber(redis.call('HGET', key, 'as_of_epoch') or '-1')
  if tonumber(ARGV[base]) >= held then
    redis.call('HSET', key, 'as_of_epoch', ARGV[base], 'stale_at', ARGV[base + 3],
               unpack(ARGV, base + 4, base + 3 + 2 * m))
    redis.call('HSET', 'axa:quote:json', ARGV[base + 1], ARGV[base + 2])
    redis.call('HSET', 'axa:quote:stale_at', ARGV[base + 1], ARGV[base + 3])
    written = written + 1
  end
end
return written
"""
WRITE_CHUNK = 500  # quotes per script call: Redis runs a script alone, so keep each one short
_quoted = json.encoder.encode_basestring_ascii  # the C string encoder json.dumps uses


def _stored(record, dataset: str, fresh_for: int) -> tuple[dict[str, str], str]:
    """One quote's hash fields as text (``fresh_for`` included) and its API object as JSON
    members (the non-empty fields; ``stale`` is added by the reader)."""
    mapping = {f: _text(getattr(record, f, None)) for f in FIELDS}
    mapping.update(source=record.source, id=record.source_instrument_id, dataset=dataset,
                   as_of=_text(record.as_of), as_of_precision=record.as_of_precision,
                   fetched_at=_text(record.fetched_at))
    members = ",".join(f'"{k}":{_quoted(v)}' for k, v in mapping.items() if v != "")
    mapping["fresh_for"] = str(fresh_for)
    return mapping, members


def write_latest(client: redis.Redis, records: Iterable, dataset: str, fresh_for: int,
                 symbols: dict | None = None) -> int:
    """Store each record as the latest quote unless Redis already holds a newer one; returns
    how many were stored."""
    newest: dict[tuple, object] = {}
    for record in records:
        key = (record.source, record.source_instrument_id)
        if key not in newest or record.as_of > newest[key].as_of:
            newest[key] = record
    script, written, items = script_for(client, "quotes:write", _WRITE), 0, list(newest.items())
    for start in range(0, len(items), WRITE_CHUNK):
        keys, args = [], []
        for (source, ident), record in items[start:start + WRITE_CHUNK]:
            fields, members = _stored(record, dataset, fresh_for)
            keys.append(QUOTE_KEY.format(source=source, id=ident))
            args.extend((repr(record.as_of.timestamp()), f"{source}:{ident}", members,
                         repr(stale_at(record.as_of, record.fetched_at, record.as_of_precision, fresh_for))))
            for pair in fields.items():
                args.extend(pair)
        written += script(keys=keys, args=[len(fields), *args])
    index_symbols(client, symbols or {})
    return written


def index_symbols(client: redis.Redis, symbols: dict[str, str]) -> None:
    """Map SYMBOL / ISIN -> "<source>:<id>" so readers can look quotes up by what users type."""
    if symbols:
        client.hset(INDEX_KEY, mapping={k.upper(): v for k, v in symbols.items()})


def is_stale(quote: dict, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    if quote.get("stale_at"):
        return now.timestamp() >= float(quote["stale_at"])
    precision = quote.get("as_of_precision", "instant")
    return now.timestamp() >= stale_at(datetime.fromisoformat(quote["as_of"]),
                                       datetime.fromisoformat(quote["fetched_at"]), precision,
                                       quote.get("fresh_for") or 0)


HIDDEN = frozenset({"fresh_for", "stale_at", "as_of_epoch", "json"})


def present(quote: dict, now: datetime | None = None) -> dict:
    """A stored hash as an API object: empty and internal fields dropped, ``stale`` added."""
    body = {k: v for k, v in quote.items() if v != "" and k not in HIDDEN}
    body["stale"] = is_stale(quote, now)
    return body


# RARGV = symbols (upper case). Returns the body {"quotes": {SYMBOL: quote}, "missing": [SYMBOL]}
# as JSON text: each quote's pre-rendered object (JSON_KEY) plus "stale" from STALE_AT_KEY.
QUOTES_RIDER = Rider("quotes", """
  local n = #RARGV
  local refs = redis.call('HMGET', 'axa:quote:index', unpack(RARGV))
  local known = {}
  for i = 1, n do if refs[i] then known[#known + 1] = refs[i] end end
  local bodies, stale_at = {}, {}
  if #known > 0 then
    bodies = redis.call('HMGET', 'axa:quote:json', unpack(known))
    stale_at = redis.call('HMGET', 'axa:quote:stale_at', unpack(known))
  end
  -- pieces joined once at the end: Lua strings built per quote cost more than the reads
  local out, missing, k, sep = {'{"quotes":{'}, {}, 0, ''
  for i = 1, n do
    local symbol, body = RARGV[i], false
    if refs[i] then k = k + 1 body = bodies[k] end
    local name = symbol:find('[%c"\\\\]') and cjson.encode(symbol) or '"' .. symbol .. '"'
    if body then
      out[#out + 1] = sep
      out[#out + 1] = name
      out[#out + 1] = ':{'
      out[#out + 1] = body
      out[#out + 1] = now >= (tonumber(stale_at[k]) or 0) and ',"stale":true}' or ',"stale":false}'
      sep = ','
    else
      missing[#missing + 1] = name
    end
  end
  out[#out + 1] = '},"missing":['
  out[#out + 1] = table.concat(missing, ',')
  out[#out + 1] = ']}'
  return table.concat(out)
""")


def render(client: redis.Redis, symbols: list[str], now: float | None = None) -> str:
    """The ``GET /api/v1/quotes`` body for upper-case ``symbols``, rendered in Redis (one call)."""
    return run_alone(client, QUOTES_RIDER, symbols, time.time() if now is None else now)


def read_by_symbols(client: redis.Redis, symbols: list[str]) -> dict[str, dict | None]:
    """SYMBOL -> its quote as the API shows it, or None (one round trip whatever the count)."""
    if not symbols:
        return {}
    body = json.loads(render(client, [s.upper() for s in symbols]))
    return {s: body["quotes"].get(s.upper()) for s in symbols}


def read_one(client: redis.Redis, source: str, ident: str) -> dict | None:
    quote = client.hgetall(QUOTE_KEY.format(source=source, id=ident))
    return present(quote) if quote else None
