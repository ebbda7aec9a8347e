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
    bucket_price,
    daily_bar,
    daily_close,
    day_of,
    is_trading_day,
    previous_trading_day,
    round_price,
)

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
# one %-format instead of the encoder's per-call set-up; quote_json falls back to dumps for a
# non-finite float (NaN has no repr that JSON shares), and a test holds the two equal.
_QUOTE_JSON = ('{"symbol":%s,"name":%s,"price":%r,"changePercentage":%r,"change":%r,"volume":%d,'
               '"dayLow":%r,"dayHigh":%r,"yearHigh":%r,"yearLow":%r,"marketCap":%s,"priceAvg50":%r,'
               '"priceAvg200":%r,"exchange":%s,"open":%r,"previousClose":%r,"timestamp":%d}')


def quote_json(equity: Equity, bucket: int, tick: int) -> bytes:
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
