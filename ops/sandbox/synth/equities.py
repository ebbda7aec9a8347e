"""The FMP equity universe: 5,000+ listed companies and ETFs across five exchanges."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from ops.sandbox.synth import names
from ops.sandbox.synth.rand import Draw, cusip_check_digit, hash_ints, make_isin

EQUITY_COUNT = 5200
EXCHANGES = {  # code: (full name, country, currency, symbol suffix, weight)
    "NASDAQ": ("NASDAQ Global Select", "US", "USD", "", 0.40),
    "NYSE": ("New York Stock Exchange", "US", "USD", "", 0.30),
    "AMEX": ("NYSE American", "US", "USD", "", 0.10),
    "LSE": ("London Stock Exchange", "GB", "GBP", ".L", 0.10),
    "XETRA": ("Deutsche Börse Xetra", "DE", "EUR", ".DE", 0.10),
}
ADR_COUNTRIES = ("CN", "JP", "BR", "IN", "NL", "CH", "TW")


@dataclass(frozen=True, slots=True)
class Equity:
    index: int
    seed: int
    symbol: str
    name: str
    exchange: str
    exchange_full: str
    country: str
    currency: str
    sector: str
    industry: str
    isin: str
    cusip: str | None
    cik: str | None
    base: float
    vol: float
    shares: int
    avg_volume: int
    beta: float | None
    last_dividend: float
    employees: str | None
    ipo_date: str
    is_etf: bool
    is_adr: bool
    cap_known: bool


@dataclass(frozen=True)
class EquityUniverse:
    items: tuple[Equity, ...]
    by_symbol: dict[str, Equity]


def _identifiers(draw: Draw, country: str) -> tuple[str, str | None, str | None]:
    if country == "US":
        body = draw.digits(6) + draw.digits(2)
        cusip = body + cusip_check_digit(body)
        return make_isin("US" + cusip), cusip, f"{draw.randint(1000, 1999999):010d}"
    if country == "GB":
        return make_isin("GB00B" + draw.letters(1, "BCDFGHJKLMNPQRSTVWXYZ") + draw.digits(5)), None, None
    return make_isin("DE000" + draw.letters(1) + draw.digits(5)), None, None


def _name(draw: Draw, used: set[str], is_etf: bool) -> str:
    while True:
        stem = f"{draw.choice(names.PREFIXES)} {draw.choice(names.CORES)}"
        name = f"{stem} {'Sector ETF' if is_etf else draw.choice(names.SUFFIXES)}"
        if name not in used:
            used.add(name)
            return name


def _symbol(draw: Draw, used: set[str], suffix: str) -> str:
    while True:
        symbol = draw.letters(draw.choice((4, 4, 5))) + suffix
        if symbol not in used:
            used.add(symbol)
            return symbol


def _equity(draw: Draw, seed: int, index: int, used: tuple[set, set]) -> Equity:
    exchange = draw.choices(list(EXCHANGES), weights=[v[4] for v in EXCHANGES.values()])[0]
    full, country, currency, suffix, _ = EXCHANGES[exchange]
    is_etf = exchange in ("NYSE", "NASDAQ") and draw.random() < 0.04
    is_adr = country == "US" and not is_etf and draw.random() < 0.03
    sector = "" if is_etf else draw.choice(list(names.SECTORS))
    isin, cusip, cik = _identifiers(draw, country)
    base = draw.lognormal_between(2.0, 600.0)
    ipo = date(1975, 1, 1) + timedelta(days=draw.randint(0, 17000))
    return Equity(
        index=index, seed=hash_ints(seed, 1, index), symbol=_symbol(draw, used[0], suffix),
        name=_name(draw, used[1], is_etf), exchange=exchange, exchange_full=full,
        country=draw.choice(ADR_COUNTRIES) if is_adr else country, currency=currency, sector=sector,
        industry="" if is_etf else draw.choice(names.SECTORS[sector]), isin=isin, cusip=cusip,
        cik=None if is_etf else cik, base=base, vol=draw.uniform(0.15, 0.7),
        shares=int(draw.lognormal_between(3e7, 8e11) / base),
        avg_volume=int(draw.lognormal_between(2e4, 9e7)),
        beta=None if draw.random() < 0.02 else round(draw.uniform(0.2, 2.4), 3),
        last_dividend=round(base * draw.uniform(0, 0.03), 2) if draw.random() < 0.5 else 0.0,
        employees=None if is_etf else str(draw.randint(12, 400000)), ipo_date=ipo.isoformat(),
        is_etf=is_etf, is_adr=is_adr, cap_known=draw.random() >= 0.01)


@functools.cache
def equity_universe(seed: int) -> EquityUniverse:
    draw = Draw(hash_ints(seed, 100))
    used: tuple[set, set] = (set(), set())
    items = tuple(_equity(draw, seed, i, used) for i in range(EQUITY_COUNT))
    return EquityUniverse(items=items, by_symbol={e.symbol: e for e in items})
