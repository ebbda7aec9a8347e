"""Terrapin rows into standard records. Prices are per 100 of face (percent of nominal), yields
in percent; the issuer is ``issuer_name`` (newer docs) or ``issuer`` (older); many flags are
nullable (vendors.md §4.3)."""
from __future__ import annotations

from datetime import datetime

from axa.clients import values as v
from axa.clients.records import BondTermsRecord, InstrumentRecord, QuoteRecord

SOURCE = "terrapin"
_COUPON_TYPES = (("zero", "zero"), ("float", "floating"), ("variable", "variable"), ("fixed", "fixed"))


def isin_of(row: dict) -> str:
    isin = v.required_text(row.get("isin"), "isin", upper=True)
    if not v.isin_ok(isin):
        raise v.RowRejected("isin: not a valid ISIN")
    return isin


def _instrument(row: dict, isin: str) -> InstrumentRecord:
    return InstrumentRecord(
        SOURCE, isin, asset_class="bond", asset_subclass=v.text(row.get("asset_class")),
        symbol=v.text(row.get("ticker")), name=v.text(row.get("name")), isin=isin,
        cusip=v.text(row.get("cusip"), upper=True), figi=v.text(row.get("figi")),
        lei=v.text(row.get("lei")), issuer_name=v.text(v.first_present(row, "issuer_name", "issuer")),
        currency=v.text(row.get("currency"), upper=True), country=v.text(row.get("country")),
        raw_ref=v.raw_ref(row))


def search_row(row: dict) -> InstrumentRecord:
    return _instrument(row, isin_of(row))


def coupon_type(interest_type: str | None) -> str | None:
    lowered = (interest_type or "").lower()
    return next((kind for fragment, kind in _COUPON_TYPES if fragment in lowered), interest_type)


def reference(row: dict):
    isin = isin_of(row)
    outstanding = v.flag(row.get("is_outstanding"))
    yield _instrument(row, isin)
    yield BondTermsRecord(
        SOURCE, isin, coupon_rate=v.decimal(row.get("coupon"), "coupon"),
        coupon_type=coupon_type(v.text(row.get("interest_type"))),
        coupon_frequency=v.integer(row.get("coupon_frequency"), "coupon_frequency"),
        next_coupon_date=v.day(row.get("next_coupon_date"), "next_coupon_date"),
        maturity_date=v.day(row.get("maturity_date"), "maturity_date"),
        issue_date=v.day(row.get("issue_date"), "issue_date"),
        face_value=v.decimal(row.get("minimum_denomination"), "minimum_denomination",
                             non_negative=True),
        integral_multiple=v.decimal(row.get("integral_multiple"), "integral_multiple",
                                    non_negative=True),
        outstanding_amount=v.decimal(row.get("issued_amount"), "issued_amount", non_negative=True),
        day_count=v.text(row.get("interest_accrual_convention")),
        callable=v.flag(row.get("is_callable")), puttable=v.flag(row.get("is_puttable")),
        next_call_date=v.day(row.get("next_call_date"), "next_call_date"),
        status=None if outstanding is None else "outstanding" if outstanding else "not outstanding",
        issue_rating=v.text(row.get("composite_issue_rating")),
        issuer_rating=v.text(row.get("composite_issuer_rating")), raw_ref=v.raw_ref(row))


def pricing(row: dict, isin: str | None, fetched_at: datetime) -> QuoteRecord:
    """A latest or historical price; history rows carry no ISIN, so the query's is used."""
    isin = isin_of(row) if isin is None or row.get("isin") else isin
    return QuoteRecord(
        SOURCE, isin, price=v.price(row.get("price"), required=True), price_unit="pct_of_nominal",
        as_of=v.day_start_utc(v.day(row.get("date"), "date", required=True)),
        as_of_precision="day", fetched_at=fetched_at, raw_ref=v.raw_ref(row),
        yield_pct=v.decimal(row.get("yield_to_maturity"), "yield_to_maturity"),
        duration=v.decimal(row.get("duration"), "duration"),
        modified_duration=v.decimal(row.get("modified_duration"), "modified_duration"),
        convexity=v.decimal(row.get("convexity"), "convexity"))
