"""FMP records (stable API shapes) computed from the equity universe and the clock."""
from __future__ import annotations

import functools
import json
import math
from datetime import date

from ops.sandbox.faults import dumps
from ops.sandbox.synth.equities import Equity
from ops.sandbox.synth.prices import (
    DAY,
    NOISE_BUCKET,
    PERIODS,
    YEAR_DAYS,
    _waves,
    bucket_price,
    daily_bar,
    daily_close,
    day_of,
    is_trading_day,
    previous_trading_day,
    round_price,
)
from ops.sandbox.synth.rand import MASK, _mix

SAMPLE_STEP = 5


@functools.lru_cache(maxsize=20000)
def _year_stats(seed: int, base: float, vol: float, today: int) -> dict:
    """52-week range and 50/200-day averages from closes sampled every fifth trading day."""
    days, number = [], today
    while len(days) < 252:
        number = previous_trading_day(number)
        days.append(number)
    closes = [daily_close(seed, base, vol, n) for n in days[::SAMPLE_STEP]]
    return {"yearHigh": max(closes), "yearLow": min(closes),
            "priceAvg50": sum(closes[:10]) / 10, "priceAvg200": sum(closes[:40]) / 40}


@functools.lru_cache(maxsize=32768)
def _day(seed: int, base: float, vol: float, today: int) -> tuple[float, float, float, dict]:
    """What a quote takes from its day, the same for every bucket of it: (previous close, open,
    volume factor, year stats); computed once per instrument and day."""
    prev_close = daily_close(seed, base, vol, previous_trading_day(today))
    bar = daily_bar(seed, base, vol, today)
    open_ = bar["open"] if is_trading_day(today) else prev_close
    return prev_close, open_, bar["volume_factor"], _year_stats(seed, base, vol, today)


def quote(equity: Equity, bucket: int, tick: int) -> dict:
    epoch = bucket * tick
    price = round_price(bucket_price(equity.seed, equity.base, equity.vol, bucket, tick))
    prev_close, open_, volume_factor, stats = _day(equity.seed, equity.base, equity.vol, int(epoch // DAY))
    high, low = max(open_, price), min(open_, price)
    elapsed = min(1.0, max(0.05, (epoch % DAY - 13.5 * 3600) / (6.5 * 3600)))
    prev = round_price(prev_close)
    return {
        "symbol": equity.symbol,
        "name": equity.name,
        "price": price,
        "changePercentage": round((price / prev - 1.0) * 100.0, 5),
        "change": round(price - prev, 4),
        "volume": int(equity.avg_volume * volume_factor * elapsed),
        "dayLow": round_price(low),
        "dayHigh": round_price(high),
        "yearHigh": round_price(max(stats["yearHigh"], high)),
        "yearLow": round_price(min(stats["yearLow"], low)),
        "marketCap": int(price * equity.shares) if equity.cap_known else None,
        "priceAvg50": round(stats["priceAvg50"], 4),
        "priceAvg200": round(stats["priceAvg200"], 4),
        "exchange": equity.exchange,
        "open": round_price(open_),
        "previousClose": prev,
        "timestamp": epoch,
    }


# quote() as the JSON text faults.dumps writes for it (compact, keys in order, floats as repr):
# one %-format instead of the encoder's per-call set-up; _quote_json_plain falls back to dumps for a
# non-finite float (NaN has no repr that JSON shares). It is the reference of quotes_json below,
# which gives the same bytes faster and hands it every quote it cannot make; tests hold all three equal.
_QUOTE_JSON = ('{"symbol":%s,"name":%s,"price":%r,"changePercentage":%r,"change":%r,"volume":%d,'
               '"dayLow":%r,"dayHigh":%r,"yearHigh":%r,"yearLow":%r,"marketCap":%s,"priceAvg50":%r,'
               '"priceAvg200":%r,"exchange":%s,"open":%r,"previousClose":%r,"timestamp":%d}')


def _quote_json_plain(equity: Equity, bucket: int, tick: int) -> bytes:
    q = quote(equity, bucket, tick)
    floats = (q["price"], q["changePercentage"], q["change"], q["dayLow"], q["dayHigh"], q["yearHigh"],
              q["yearLow"], q["priceAvg50"], q["priceAvg200"], q["open"], q["previousClose"])
    if not all(map(math.isfinite, floats)):
        return dumps(q)
    symbol, name, exchange = _texts(equity.symbol, equity.name, equity.exchange)
    cap = "null" if q["marketCap"] is None else str(q["marketCap"])
    return (_QUOTE_JSON % (symbol, name, *floats[:3], q["volume"], *floats[3:7], cap, *floats[7:9],
                           exchange, *floats[9:], q["timestamp"])).encode()


@functools.lru_cache(maxsize=32768)
def _texts(*values: str) -> tuple[str, ...]:
    return tuple(json.dumps(v, ensure_ascii=False) for v in values)


# The fast path. Per instrument and tick (_Instrument): the price model's constants (the waves of
# prices.smooth, the bucket noise's sigma, the first two splitmix rounds of its hash, which depend on
# the seed only) and the JSON text up to the price. Per instrument and day (_day_parts): the quote's
# values that stay all day, and its JSON text from priceAvg50 to the timestamp. A bucket then costs
# the last hash round, the curve, and the values that move. The arithmetic is prices.bucket_price's,
# rand.gauss's and quote()'s, operation for operation, so every float is the same bit for bit.
_TWO_PI = 2.0 * math.pi  # rand.gauss computes 2.0 * math.pi * u2 left to right: this is its first product
_OMEGAS = tuple(2.0 * math.pi / period for period in PERIODS)  # prices._waves' frequencies, alike for all
_INSTRUMENTS_KEPT = 65536
assert len(PERIODS) == 6, "quotes_json unrolls prices.smooth over six waves"


class _Instrument:
    """One instrument's constants for one tick: ``consts`` is (splitmix state after the seed and
    NOISE_BUCKET, sigma of the bucket noise, base price, shares or None when the cap is unknown, JSON
    text up to the price, then phase and amplitude of each wave); ``day`` is _day_parts of its last day."""

    __slots__ = ("consts", "day", "equity")

    def __init__(self, equity: Equity, tick: int) -> None:
        self.equity = equity  # held, so its id() (the cache key) is not reused while the entry lives
        waves = _waves(equity.seed, equity.vol)
        if tuple(omega for omega, _, _ in waves) != _OMEGAS:
            raise ValueError("prices._waves no longer has the frequencies quotes_json shares per bucket")
        symbol, name, _ = _texts(equity.symbol, equity.name, equity.exchange)
        self.consts = (_mix(_mix(0 ^ (equity.seed & MASK)) ^ (NOISE_BUCKET & MASK)),
                       3.0 * equity.vol * math.sqrt(tick / (YEAR_DAYS * DAY)), equity.base,
                       equity.shares if equity.cap_known else None,
                       f'{{"symbol":{symbol},"name":{name},"price":'.encode(),
                       *(v for _, phase, amplitude in waves for v in (phase, amplitude)))
        self.day = None


_instruments: dict[int, dict[int, _Instrument]] = {}  # tick -> id(equity) -> _Instrument


def _instrument(equity: Equity, tick: int) -> _Instrument:
    by_id = _instruments.setdefault(tick, {})
    if len(by_id) >= _INSTRUMENTS_KEPT:
        by_id.clear()
    made = by_id[id(equity)] = _Instrument(equity, tick)
    return made


def _day_parts(equity: Equity, today: int) -> tuple:
    """(day, previous close, open, year high, year low — each with the text of its round_price —,
    volume per elapsed share of the session, JSON text from priceAvg50 to the timestamp) as quote()
    rounds them; (day, None) when one of them is not finite (then _quote_json_plain makes the quote)."""
    prev_close, open_, volume_factor, stats = _day(equity.seed, equity.base, equity.vol, today)
    prev, rounded_open = round_price(prev_close), round_price(open_)
    year_high, year_low = stats["yearHigh"], stats["yearLow"]
    rounded_high, rounded_low = round_price(year_high), round_price(year_low)
    avg50, avg200 = round(stats["priceAvg50"], 4), round(stats["priceAvg200"], 4)
    if not all(map(math.isfinite, (prev, open_, rounded_open, year_high, year_low, rounded_high, rounded_low,
                                   avg50, avg200))):
        return (today, None)
    exchange = _texts(equity.symbol, equity.name, equity.exchange)[2]
    tail = (f',"priceAvg50":{avg50!r},"priceAvg200":{avg200!r},"exchange":{exchange},'
            f'"open":{rounded_open!r},"previousClose":{prev!r},"timestamp":').encode()
    return (today, prev, open_, repr(rounded_open), year_high, repr(rounded_high), year_low,
            repr(rounded_low), equity.avg_volume * volume_factor, tail)


def _bucket_price(consts: tuple, noise: int, angles: tuple) -> float:
    """prices.bucket_price of an instrument (its _Instrument.consts) in the bucket whose noise key
    and wave angles (omega * days) are given."""
    mixed, sigma, base, _, _, p0, a0, p1, a1, p2, a2, p3, a3, p4, a4, p5, a5 = consts
    d0, d1, d2, d3, d4, d5 = angles
    sin = math.sin
    # rand.hash_ints(seed, NOISE_BUCKET, bucket): the last _mix round; then rand.gauss's Box-Muller
    x = ((mixed ^ noise) + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    normal = (math.sqrt(-2.0 * math.log(((x >> 32) + 1) / 4294967297.0))
              * math.cos(_TWO_PI * ((x & 0xFFFFFFFF) / 4294967296.0)))
    curve = sum((a0 * sin(d0 + p0), a1 * sin(d1 + p1), a2 * sin(d2 + p2), a3 * sin(d3 + p3),
                 a4 * sin(d4 + p4), a5 * sin(d5 + p5)))  # prices.smooth
    return base * math.exp(curve + sigma * normal)


def _fields(raw: float, day: tuple, elapsed: float, shares) -> bytes | None:
    """The quote's JSON text from the price to marketCap, as quote() rounds it; None when a number
    is not finite (then _quote_json_plain makes the quote)."""
    _, prev, open_, open_text, year_high, year_high_text, year_low, year_low_text, volume_rate, _ = day
    price = round(raw, 2) if raw >= 1 else round_price(raw)
    change_pct = round((price / prev - 1.0) * 100.0, 5)
    change = round(price - prev, 4)
    if not math.isfinite(price + change_pct + change):
        return None
    price_text = repr(price)
    # high, low = max(open_, price), min(open_, price): each is open_ unless price passes it.
    # dayHigh, dayLow, yearHigh, yearLow are round_price of one of them or of the year's bounds;
    # round_price(price) is price (rounding an already rounded float to the same decimals
    # gives it back: it is the double nearest that decimal, within half an ulp of it).
    if price > open_:
        high, low, high_text, low_text = price, open_, price_text, open_text
    elif price < open_:
        high, low, high_text, low_text = open_, price, open_text, price_text
    else:
        high = low = open_
        high_text = low_text = open_text
    return (f'{price_text},"changePercentage":{change_pct!r},"change":{change!r},'
            f'"volume":{int(volume_rate * elapsed)},"dayLow":{low_text},"dayHigh":{high_text},'
            f'"yearHigh":{high_text if high > year_high else year_high_text},'
            f'"yearLow":{low_text if low < year_low else year_low_text},'
            f'"marketCap":{"null" if shares is None else int(price * shares)}').encode()


def quotes_json(equities, bucket: int, tick: int) -> list[bytes]:
    """quote_json of each of ``equities`` in one bucket (the same bytes, made faster)."""
    epoch = bucket * tick
    today = int(epoch // DAY)
    days = bucket * tick / DAY
    angles = tuple(omega * days for omega in _OMEGAS)  # prices.smooth's omega * days
    elapsed = min(1.0, max(0.05, (epoch % DAY - 13.5 * 3600) / (6.5 * 3600)))
    ending = b"%d}" % epoch
    noise = bucket & MASK
    instruments = _instruments.get(tick) or {}
    out = []
    for equity in equities:
        try:
            inst = instruments.get(id(equity))
            if inst is None or inst.equity is not equity:
                inst = _instrument(equity, tick)
                instruments = _instruments[tick]
            day = inst.day
            if day is None or day[0] != today:
                day = inst.day = _day_parts(equity, today)
            fields = None if day[1] is None else _fields(_bucket_price(inst.consts, noise, angles), day,
                                                         elapsed, inst.consts[3])
            out.append(_quote_json_plain(equity, bucket, tick) if fields is None
                       else b"".join((inst.consts[4], fields, day[9], ending)))
        except Exception:  # whatever the fast path trips on, the reference answers (or raises) as before
            out.append(_quote_json_plain(equity, bucket, tick))
    return out


def quote_json(equity: Equity, bucket: int, tick: int) -> bytes:
    """quote(equity, bucket, tick) as the JSON text faults.dumps writes for it."""
    return quotes_json((equity,), bucket, tick)[0]


def profile(equity: Equity, bucket: int, tick: int) -> dict:
    q = quote(equity, bucket, tick)
    slug = "".join(equity.name.lower().split()[:2])
    return {
        "symbol": equity.symbol, "price": q["price"], "marketCap": q["marketCap"], "beta": equity.beta,
        "lastDividend": equity.last_dividend, "range": f"{q['yearLow']}-{q['yearHigh']}",
        "change": q["change"], "changePercentage": q["changePercentage"], "volume": q["volume"],
        "averageVolume": equity.avg_volume, "companyName": equity.name, "currency": equity.currency,
        "cik": equity.cik, "isin": equity.isin, "cusip": equity.cusip,
        "exchangeFullName": equity.exchange_full,
        "exchange": equity.exchange, "industry": equity.industry, "website": f"https://www.{slug}.example",
        "description": f"{equity.name} is a synthetic company of the AXA vendor sandbox.", "ceo": "Jane Doe",
        "sector": equity.sector, "country": equity.country, "fullTimeEmployees": equity.employees,
        "phone": "+1 555 0100", "address": "1 Sandbox Way", "city": "Springfield", "state": None, "zip": None,
        "image": f"https://images.financialmodelingprep.com/symbol/{equity.symbol}.png",
        "ipoDate": equity.ipo_date, "defaultImage": False, "isEtf": equity.is_etf, "isActivelyTrading": True,
        "isAdr": equity.is_adr, "isFund": False,
    }


def eod_bars(equity: Equity, first: date, last: date, now: float) -> list[dict]:
    """Daily bars from ``first`` to ``last`` (trading days only, none before the IPO or after the
    latest 20:00 UTC close), newest first."""
    start = max(first, date.fromisoformat(equity.ipo_date)).toordinal() - date(1970, 1, 1).toordinal()
    end = last.toordinal() - date(1970, 1, 1).toordinal()
    closed_through = int((now - 20 * 3600) // DAY)
    bars = []
    for number in range(min(end, closed_through), start - 1, -1):
        if not is_trading_day(number):
            continue
        bar = daily_bar(equity.seed, equity.base, equity.vol, number)
        o, h, low, c = (round_price(bar[k]) for k in ("open", "high", "low", "close"))
        change = round(c - o, 4)
        bars.append({"symbol": equity.symbol, "date": day_of(number).isoformat(), "open": o, "high": h,
                     "low": low, "close": c, "volume": int(equity.avg_volume * bar["volume_factor"]),
                     "change": change, "changePercent": round(change / o * 100.0, 5) if o else 0.0,
                     "vwap": round_price((h + low + c + o) / 4.0)})
    return bars


def stock_list_rows(equities) -> list[dict]:
    return [{"symbol": e.symbol, "companyName": e.name} for e in equities]
