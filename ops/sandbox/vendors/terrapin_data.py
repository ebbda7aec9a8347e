"""Terrapin records (government and corporate bonds) from the bond universe."""
from __future__ import annotations

from datetime import date

from ops.sandbox.synth.bond_math import (
    add_months,
    analytics,
    bond_price_bucket,
    bond_price_daily,
    years_between,
)
from ops.sandbox.synth.bonds import Bond, bond_name, bond_ticker
from ops.sandbox.synth.prices import day_number, is_trading_day, previous_trading_day

INVESTMENT_GRADE = ("AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-")
SEARCH_FIELDS = ("isin", "ticker", "issuer_name", "coupon", "currency", "maturity_date", "country",
                 "issuer_rating_group", "issue_rating_group")


def _group(rating: str) -> str:
    return "investment_grade" if rating in INVESTMENT_GRADE else "high_yield"


def _handle(bond: Bond) -> str | None:
    return bond.issuer.country[4] if bond.issuer.kind == "government" else None


def asset_class(bond: Bond) -> str:
    if bond.issuer.kind == "government":
        return "government bond"
    return "medium-term note" if bond.eurobond else "bond"


def interest_type(bond: Bond) -> str:
    return {"fixed": "fixed rate", "floating": "variable rate", "zero": "zero coupon"}[bond.coupon_type]


def issuer_type(bond: Bond) -> str:
    return "government" if bond.issuer.kind == "government" else "corporate"


def is_outstanding(bond: Bond, today: date) -> bool:
    return bond.maturity is None or bond.maturity >= today


def search_record(bond: Bond) -> dict:
    return {"isin": bond.isin, "ticker": bond_ticker(bond), "issuer_name": bond.issuer.full_name.upper(),
            "coupon": bond.coupon, "currency": bond.currency,
            "maturity_date": bond.maturity.isoformat() if bond.maturity else None,
            "country": bond.issuer.country[0], "issuer_rating_group": _group(bond.issuer.rating),
            "issue_rating_group": _group(bond.rating)}


def reference_record(bond: Bond, today: date) -> dict:
    first_coupon = None
    if bond.frequency:
        first_coupon = add_months(bond.issue_date, 12 // bond.frequency).isoformat()
    maturity = bond.maturity.isoformat() if bond.maturity else None
    return {
        "isin": bond.isin, "figi": bond.figi,
        "cfi_code": "DBFUFR" if bond.coupon_type == "fixed" else "DBVUFR",
        "ticker": bond_ticker(bond), "name": bond_name(bond), "issuer_name": bond.issuer.full_name.upper(),
        "issuer_type": issuer_type(bond), "lei": bond.issuer.lei, "country": bond.issuer.country[0],
        "currency": bond.currency, "asset_class": asset_class(bond), "coupon": bond.coupon,
        "coupon_frequency": bond.frequency, "interest_type": interest_type(bond),
        "interest_accrual_convention": bond.day_count, "first_coupon_date": first_coupon,
        "issue_date": bond.issue_date.isoformat(), "maturity_date": maturity,
        "maturity_type": "perpetual" if maturity is None else ("callable" if bond.is_callable else "fixed"),
        "issued_amount": bond.issued_amount, "minimum_denomination": bond.nominal,
        "integral_multiple": bond.nominal, "rank": bond.rank, "composite_issue_rating": bond.rating,
        "composite_issuer_rating": bond.issuer.rating, "is_callable": bond.is_callable,
        "is_puttable": bond.is_puttable, "is_outstanding": is_outstanding(bond, today),
        "is_green": bond.is_green, "is_covered": bond.is_covered, "is_inflation_linked": None,
        "handle": _handle(bond),
    }


def priced(bond: Bond, day: date) -> bool:
    return bond.issue_date <= day and (bond.maturity is None or day <= bond.maturity)


def pricing_point(bond: Bond, day: date, bucket: int | None, tick: int) -> dict:
    """Price (percent of par), yield and risk on ``day``; ``bucket`` given: the live intraday price."""
    years_left = years_between(day, bond.maturity) if bond.maturity else 30.0
    if bucket is not None:
        price = bond_price_bucket(bond, bucket, tick, years_left)
    else:
        price = bond_price_daily(bond, day_number(day), years_left)
    point = analytics(bond, round(price, 4), day)
    fields = ("yield_to_maturity", "duration", "modified_duration", "convexity")
    return {"date": day.isoformat(), "price": round(price, 4), **{k: round(point[k], 5) for k in fields}}


def latest_day(as_of: date) -> int:
    number = day_number(as_of)
    return number if is_trading_day(number) else previous_trading_day(number)
