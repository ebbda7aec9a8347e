"""The bond universe: issuers and 4,000 bonds; Cbonds sees bonds 0-2999, Terrapin 1000-3999.

The 2,000 bonds in the middle are in both vendors' universes with the same ISIN and terms, as a
real bond would be.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from ops.sandbox.synth import names
from ops.sandbox.synth.rand import (
    Draw,
    cusip_check_digit,
    figi_check_digit,
    hash_ints,
    lei_check_digits,
    make_isin,
)

BOND_COUNT = 4000
ISSUER_COUNT = 700
CBONDS_RANGE = range(0, 3000)
TERRAPIN_RANGE = range(1000, 4000)
# name, ISO code, Cbonds country id, local currency, government handle
COUNTRIES = (
    ("United States", "US", "185", "USD", None), ("Germany", "DE", "54", "EUR", "de_bund"),
    ("France", "FR", "176", "EUR", "fr_oat"), ("Italy", "IT", "81", "EUR", None),
    ("Spain", "ES", "80", "EUR", None), ("Netherlands", "NL", "128", "EUR", None),
    ("United Kingdom", "GB", "186", "GBP", "uk_gilt"), ("Switzerland", "CH", "177", "CHF", None),
    ("Japan", "JP", "196", "JPY", None), ("Canada", "CA", "86", "CAD", None),
    ("Greece", "GR", "52", "EUR", None), ("Brazil", "BR", "26", "USD", None),
    ("Mexico", "MX", "121", "USD", None), ("Turkey", "TR", "174", "USD", None),
)
CURRENCY_IDS = {"USD": "2", "EUR": "3", "GBP": "4", "CHF": "7", "JPY": "8", "CAD": "10"}
ISSUER_TYPES = {"corporate": 0.72, "financial": 0.18, "government": 0.1}
RANKS = ("senior unsecured", "senior unsecured", "senior secured", "subordinated")
RATINGS = ("AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "BB-", "B+", "B")
DAY_COUNTS = ("30/360", "act/act (ICMA)", "act/360", "act/365")


@dataclass(frozen=True, slots=True)
class Issuer:
    index: int
    cbonds_id: str
    name: str
    full_name: str
    ticker: str
    kind: str                       # corporate / financial / government
    branch: str
    country: tuple
    lei: str
    cik: str | None
    swift: str | None
    rating: str


@dataclass(frozen=True, slots=True)
class Bond:
    index: int
    seed: int
    cbonds_id: str
    isin: str
    cusip: str | None
    figi: str
    issuer: Issuer
    currency: str
    coupon: float
    coupon_type: str                # fixed / floating / zero
    frequency: int
    issue_date: date
    maturity: date | None           # None: perpetual
    issued_amount: int
    outstanding: int
    nominal: int
    rank: str
    rating: str
    is_callable: bool
    is_puttable: bool
    is_green: bool | None
    is_covered: bool | None
    day_count: str
    reference_rate: str | None
    margin: float | None
    price_level: float
    eurobond: bool


@dataclass(frozen=True)
class BondUniverse:
    issuers: tuple[Issuer, ...]
    bonds: tuple[Bond, ...]
    by_isin: dict[str, Bond]


def _lei(draw: Draw) -> str:
    body = draw.digits(4) + "00" + draw.letters(12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return body + lei_check_digits(body)


def _issuer_name(draw: Draw, kind: str, country: tuple, taken: set) -> str:
    while True:
        if kind == "government":
            name = f"{country[0]} {draw.choice(('Treasury', 'Government', 'Ministry of Finance'))}"
        else:
            name = f"{draw.choice(names.PREFIXES)} {draw.choice(names.CORES)}"
        if name not in taken:
            taken.add(name)
            return name


def _issuer(draw: Draw, index: int, taken: set) -> Issuer:
    kind = draw.pick_weighted(ISSUER_TYPES)
    country = draw.choice(COUNTRIES)
    if kind == "government" and f"{country[0]} Ministry of Finance" in taken:
        kind = "corporate"
    name = _issuer_name(draw, kind, country, taken)
    branch = {"government": "Sovereign", "financial": "Banks"}.get(kind) or draw.choice(list(names.SECTORS))
    suffix = "" if kind == "government" else draw.choice((" plc", " Inc.", " SA", " AG", " N.V."))
    return Issuer(index=index, cbonds_id=str(10000 + index * 13), name=name.upper(),
                  full_name=f"{name}{suffix}", ticker=draw.letters(draw.randint(3, 5)), kind=kind,
                  branch=branch, country=country, lei=_lei(draw),
                  cik=f"{draw.randint(1000, 1999999):010d}" if country[1] == "US" else None,
                  swift=draw.letters(6) + "XX" if kind == "financial" else None, rating=draw.choice(RATINGS))


def _codes(draw: Draw, issuer: Issuer, eurobond: bool) -> tuple[str, str | None, str]:
    figi_body = "BBG" + "".join(draw.choice("BCDFGHJKLMNPQRSTVWXYZ0123456789") for _ in range(8))
    figi = figi_body + figi_check_digit(figi_body)
    if eurobond:
        return make_isin("XS" + draw.digits(9)), None, figi
    if issuer.country[1] == "US":
        body = draw.digits(6) + draw.letters(2, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        cusip = body + cusip_check_digit(body)
        return make_isin("US" + cusip), cusip, figi
    return make_isin(issuer.country[1] + draw.letters(9, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")), None, figi


def _coupon(draw: Draw) -> tuple[str, float, int, str | None, float | None]:
    roll = draw.random()
    if roll < 0.06:
        return "zero", 0.0, 0, None, None
    if roll < 0.18:
        margin = round(draw.uniform(0.2, 3.5), 3)
        return "floating", round(3.8 + margin, 3), 4, draw.choice(("SOFR", "EURIBOR 3M", "SONIA")), margin
    return "fixed", round(draw.uniform(0.25, 9.5) * 8) / 8, draw.choice((1, 2, 2, 4)), None, None


def _dates(draw: Draw, perpetual: bool) -> tuple[date, date | None]:
    """Issue and maturity dates: about nine bonds in ten mature after mid-2026, one in ten before."""
    tenor = draw.choice((2, 3, 5, 7, 10, 10, 15, 20, 30))
    if perpetual:
        return date(2010, 1, 4) + timedelta(days=draw.randint(0, 5600)), None
    if draw.random() < 0.1:
        maturity = date(2015, 1, 2) + timedelta(days=draw.randint(0, 4000))
    else:
        maturity = date(2026, 7, 1) + timedelta(days=draw.randint(0, int(365.25 * tenor)))
    issue = maturity - timedelta(days=int(365.25 * tenor))
    latest_issue = date(2025, 12, 1)
    return min(issue, latest_issue - timedelta(days=draw.randint(0, 400))), maturity


def _bond(draw: Draw, seed: int, index: int, issuers: tuple[Issuer, ...], taken: set) -> Bond:
    issuer = draw.choice(issuers)
    eurobond = issuer.kind != "government" and draw.random() < 0.4
    isin, cusip, figi = _codes(draw, issuer, eurobond)
    while isin in taken:
        isin, cusip, figi = _codes(draw, issuer, eurobond)
    taken.add(isin)
    kind, coupon, frequency, reference, margin = _coupon(draw)
    issue, maturity = _dates(draw, perpetual=issuer.kind != "government" and draw.random() < 0.02)
    amount = int(draw.lognormal_between(5e7, 5e9) // 1e6 * 1e6)
    currency = "USD" if eurobond and draw.random() < 0.6 else issuer.country[3]
    return Bond(
        index=index, seed=hash_ints(seed, 3, index), cbonds_id=str(500000 + index * 7), isin=isin,
        cusip=cusip, figi=figi, issuer=issuer, currency=currency, coupon=coupon, coupon_type=kind,
        frequency=frequency, issue_date=issue, maturity=maturity, issued_amount=amount,
        outstanding=int(amount * draw.choice((1.0, 1.0, 1.0, 0.8, 0.5))),
        nominal=draw.choice((1000, 1000, 100000, 200000)), rank=draw.choice(RANKS),
        rating=draw.choice(RATINGS),
        is_callable=draw.random() < 0.25, is_puttable=draw.random() < 0.05,
        is_green=draw.choice((None, None, False, True)), is_covered=draw.choice((None, False)),
        day_count=draw.choice(DAY_COUNTS), reference_rate=reference, margin=margin,
        price_level=100.0 + (coupon - 4.0) * draw.uniform(1.0, 4.0) + draw.gauss(0, 3), eurobond=eurobond)


@functools.cache
def bond_universe(seed: int) -> BondUniverse:
    draw = Draw(hash_ints(seed, 300))
    names_taken: set[str] = set()
    issuers = tuple(_issuer(draw, i, names_taken) for i in range(ISSUER_COUNT))
    taken: set[str] = set()
    bonds = tuple(_bond(draw, seed, i, issuers, taken) for i in range(BOND_COUNT))
    return BondUniverse(issuers=issuers, bonds=bonds, by_isin={b.isin: b for b in bonds})


def bond_ticker(bond: Bond) -> str:
    maturity = bond.maturity.strftime("%m/%d/%y") if bond.maturity else "PERP"
    return f"{bond.issuer.ticker} {bond.coupon:g} {maturity}"


def bond_name(bond: Bond) -> str:
    year = bond.maturity.year if bond.maturity else "PERP"
    label = "FRN" if bond.coupon_type == "floating" else f"{bond.coupon:g}%"
    return f"{bond.issuer.name} {label} {year}"
