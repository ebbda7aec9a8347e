"""FMP records (stable API shapes) computed from the equity universe and the clock."""
from __future__ import annotations

import functools
from datetime import date

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


def _session(equity: Equity, epoch: int, price: float) -> dict:
    today = int(epoch // DAY)
    prev_close = daily_close(equity.seed, equity.base, equity.vol, previous_trading_day(today))
    bar = daily_bar(equity.seed, equity.base, equity.vol, today)
    open_ = bar["open"] if is_trading_day(today) else prev_close
    elapsed = min(1.0, max(0.05, (epoch % DAY - 13.5 * 3600) / (6.5 * 3600)))
    stats = _year_stats(equity.seed, equity.base, equity.vol, today)
    return {"open": open_, "prev_close": prev_close, "high": max(open_, price),
            "low": min(open_, price), "volume": int(equity.avg_volume * bar["volume_factor"] * elapsed),
            **stats}


def quote(equity: Equity, bucket: int, tick: int) -> dict:
    epoch = bucket * tick
    price = round_price(bucket_price(equity.seed, equity.base, equity.vol, bucket, tick))
    s = _session(equity, epoch, price)
    prev = round_price(s["prev_close"])
    return {
        "symbol": equity.symbol,
        "name": equity.name,
        "price": price,
        "changePercentage": round((price / prev - 1.0) * 100.0, 5),
        "change": round(price - prev, 4),
        "volume": s["volume"],
        "dayLow": round_price(s["low"]),
        "dayHigh": round_price(s["high"]),
        "yearHigh": round_price(max(s["yearHigh"], s["high"])),
        "yearLow": round_price(min(s["yearLow"], s["low"])),
        "marketCap": int(price * equity.shares) if equity.cap_known else None,
        "priceAvg50": round(s["priceAvg50"], 4),
        "priceAvg200": round(s["priceAvg200"], 4),
        "exchange": equity.exchange,
        "open": round_price(s["open"]),
        "previousClose": prev,
        "timestamp": epoch,
    }


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
