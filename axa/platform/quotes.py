"""The latest-quote contract in Redis (DESIGN.md §6): written by the ingest pipeline, read by the
stocks and cmc APIs and the terminal, so no read path ever calls a vendor.

Every quote is known by its ref, ``"<source>:<source_instrument_id>"``:

  axa:quote:index     hash: SYMBOL or ISIN (upper case) -> ref
  axa:quote:json      hash: ref -> the quote as the API shows it, pre-rendered as JSON object
                      members without braces and without ``stale``: source, id, dataset, price,
                      price_unit (currency | pct_of_nominal), quote_currency, change_abs,
                      change_pct (percent units), volume, volume_unit, market_cap, yield_pct, bid,
                      ask, as_of (ISO-8601 UTC), as_of_precision (instant | day), fetched_at;
                      numbers are decimal strings exactly as the vendor sent them, empty fields
                      left out
  axa:quote:stale_at  hash: ref -> epoch seconds from which the quote is stale
  axa:quote:as_of     hash: ref -> the quote's as_of in epoch seconds (a write never replaces a
                      newer quote)

A quote is stale when its reference time (``as_of`` for instants; ``fetched_at`` for day-precision
prices, which vendors date by trading day) is older than ``fresh_for`` seconds, i.e. from
``stale_at`` on. The writer stores ``stale_at`` so a reader decides with one comparison.

Writes go 500 quotes to a Lua call of four hash commands. ``GET /api/v1/quotes`` is answered by
``QUOTES_RIDER``: Lua that resolves the symbols and writes the response body itself (three HMGETs
whatever the count), run in the session check's round trip (axa/platform/sessions.py), so the
request costs one Redis call and no JSON work in Python.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

import msgspec
import redis

from axa.clients.records import latest_per_instrument
from axa.platform.sessions import Rider, run_alone, script_for

INDEX_KEY = "axa:quote:index"
JSON_KEY = "axa:quote:json"
STALE_AT_KEY = "axa:quote:stale_at"
AS_OF_KEY = "axa:quote:as_of"
FIELDS = ("price", "price_unit", "quote_currency", "change_abs", "change_pct", "volume",
          "volume_unit", "market_cap", "yield_pct", "bid", "ask")


def stale_at(as_of: datetime, fetched_at: datetime, precision: str, fresh_for: float) -> float:
    """Epoch seconds from which a quote is stale (see the module docstring)."""
    return (fetched_at if precision == "day" else as_of).timestamp() + float(fresh_for or 0)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


# ARGV = index flag ("1": also map each ref's id, upper case, to the ref in the symbol index), then
# per quote: ref, as_of epoch, JSON members, stale_at. A quote is written unless Redis holds a
# newer one for its ref. Returns how many were written.
_WRITE = """
local refs, names = {}, {}
local index = ARGV[1] == '1'
for i = 2, #ARGV, 4 do
  local ref = ARGV[i]
  refs[#refs + 1] = ref
  if index then
    names[#names + 1] = string.upper(string.sub(ref, string.find(ref, ':', 1, true) + 1))
    names[#names + 1] = ref
  end
end
local held = redis.call('HMGET', 'axa:quote:as_of', unpack(refs))
local bodies, stale_at, as_of = {}, {}, {}
for j = 1, #refs do
  local base = (j - 1) * 4 + 1
  if tonumber(ARGV[base + 2]) >= (tonumber(held[j]) or -1) then
    local ref = ARGV[base + 1]
    bodies[#bodies + 1] = ref
    bodies[#bodies + 1] = ARGV[base + 3]
    stale_at[#stale_at + 1] = ref
    stale_at[#stale_at + 1] = ARGV[base + 4]
    as_of[#as_of + 1] = ref
    as_of[#as_of + 1] = ARGV[base + 2]
  end
end
if #bodies > 0 then
  redis.call('HSET', 'axa:quote:json', unpack(bodies))
  redis.call('HSET', 'axa:quote:stale_at', unpack(stale_at))
  redis.call('HSET', 'axa:quote:as_of', unpack(as_of))
end
if #names > 0 then redis.call('HSET', 'axa:quote:index', unpack(names)) end
return #bodies / 2
"""
WRITE_CHUNK = 500  # quotes per script call: Redis runs a script alone, so keep each one short


class _Members(msgspec.Struct, omit_defaults=True):
    """The quote's API object in its documented order; None fields are left out when encoded."""

    price: object = None
    price_unit: object = None
    quote_currency: object = None
    change_abs: object = None
    change_pct: object = None
    volume: object = None
    volume_unit: object = None
    market_cap: object = None
    yield_pct: object = None
    bid: object = None
    ask: object = None
    source: object = None
    id: object = None
    dataset: object = None
    as_of: object = None
    as_of_precision: object = None
    fetched_at: object = None


_STRINGS = frozenset({Decimal, str, type(None)})


def _members(record, dataset: str, times: dict | None = None) -> str:
    """The quote as the API shows it (its non-empty fields), JSON object members without braces;
    ``stale`` is added by the reader. Every field is a string (Decimals as their exact text).
    ``times`` memoizes ISO texts across a batch (its quotes share fetched_at, mostly as_of too)."""
    times = {} if times is None else times
    as_of, fetched_at = record.as_of, record.fetched_at
    values = _fields_of(record)
    if not set(map(type, values)) <= _STRINGS:  # not the records' usual types: as their text
        values = tuple(v if type(v) in _STRINGS else str(v) for v in values)
    text = _encode_object(_Members(
        *values, record.source, record.source_instrument_id, dataset,
        times.get(as_of) or times.setdefault(as_of, _text(as_of)), record.as_of_precision,
        times.get(fetched_at) or times.setdefault(fetched_at, _text(fetched_at))))
    if b':""' in text:  # an empty field (only an empty string encodes so): left out, as None is
        fields = {k: v for k, v in msgspec.json.decode(text).items() if v != ""}
        text = _encode_object(fields)
    return text[1:-1].decode()


_fields_of = attrgetter(*FIELDS)
_encode_object = msgspec.json.Encoder(decimal_format="string").encode
assert tuple(_Members.__struct_fields__[:len(FIELDS)]) == FIELDS


def write_latest(client: redis.Redis, records: Iterable, dataset: str, fresh_for: int,
                 symbols: dict | None = None, index_ids: bool = False) -> int:
    """Store each record as the latest quote unless Redis already holds a newer one; returns
    how many were stored. ``index_ids``: the records' ids are what users type (FMP symbols,
    Terrapin ISINs), so the same script maps each to its ref in the symbol index."""
    script, written, items = script_for(client, "quotes:write", _WRITE), 0, latest_per_instrument(records)
    times: dict = {}
    for start in range(0, len(items), WRITE_CHUNK):
        args = ["1" if index_ids else "0"]
        for record in items[start:start + WRITE_CHUNK]:
            args.extend((f"{record.source}:{record.source_instrument_id}", repr(record.as_of.timestamp()),
                         _members(record, dataset, times),
                         repr(stale_at(record.as_of, record.fetched_at, record.as_of_precision, fresh_for))))
        written += script(args=args)
    index_symbols(client, symbols or {})
    return written


def index_symbols(client: redis.Redis, symbols: dict[str, str]) -> None:
    """Map SYMBOL / ISIN -> "<source>:<id>" so readers can look quotes up by what users type."""
    if symbols:
        client.hset(INDEX_KEY, mapping={k.upper(): v for k, v in symbols.items()})


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


def read_one(client: redis.Redis, source: str, ident: str, now: float | None = None) -> dict | None:
    """One quote by its vendor id, as the API shows it (with ``stale``), or None."""
    ref = f"{source}:{ident}"
    with client.pipeline(transaction=False) as pipe:
        body, ends = pipe.hget(JSON_KEY, ref).hget(STALE_AT_KEY, ref).execute()
    if body is None:
        return None
    quote = json.loads("{" + body + "}")
    quote["stale"] = (time.time() if now is None else now) >= float(ends or 0)
    return quote
