"""Cbonds rows into standard records. Almost every Cbonds value is a string: numbers ("4.75"),
flags ("0"/"1"), dates ("YYYY-MM-DD"); ``""`` and null mean missing, and a price of "0" means
"no price" (vendors.md §3.3). Prices are percent of nominal; durations come in days."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from axa.clients import values as v
from axa.clients.records import BondTermsRecord, InstrumentRecord, IssuerRecord, QuoteRecord

SOURCE = "cbonds"
COUPON_KINDS = ("zero", "floating", "variable", "fixed")
DAYS_PER_YEAR = Decimal(365)


def coupon_type(row: dict) -> str | None:
    if v.flag(row.get("floating_rate")):
        return "floating"
    name = (v.text(row.get("coupon_type_name_eng")) or "").lower()
    for kind in COUPON_KINDS:
        if kind in name:
            return kind
    return "fixed" if v.flag(row.get("floating_rate")) is False else None


def coupon_frequency(row: dict) -> int | None:
    """Payments per year from ``cupon_period`` in days (182 -> 2, 91 -> 4); an approximation."""
    days = v.decimal(row.get("cupon_period"), "cupon_period", zero_is_missing=True, non_negative=True)
    return max(1, round(365 / days)) if days else None


def emission(row: dict):
    emission_id = v.required_text(row.get("id"), "id")
    yield InstrumentRecord(
        SOURCE, emission_id, asset_class="bond", asset_subclass=v.text(row.get("kind_name_eng")),
        symbol=v.text(row.get("bbgid_ticker")), name=v.text(row.get("document_eng")),
        isin=v.text(row.get("isin_code"), upper=True),
        cusip=v.text(v.first_present(row, "cusip_regs", "cusip_144a"), upper=True),
        figi=v.text(row.get("bbgid")), lei=v.text(row.get("emitent_lei")),
        vendor_issuer_id=v.text(row.get("emitent_id")),
        issuer_name=v.text(row.get("emitent_name_eng")),
        currency=v.text(row.get("currency_name"), upper=True),
        country=v.text(row.get("emitent_country_name_eng")), raw_ref=v.raw_ref(row))
    yield BondTermsRecord(
        SOURCE, emission_id,
        coupon_rate=v.decimal(row.get("curr_coupon_rate"), "curr_coupon_rate"),
        coupon_type=coupon_type(row), coupon_frequency=coupon_frequency(row),
        next_coupon_date=v.day(row.get("curr_coupon_date"), "curr_coupon_date"),
        maturity_date=v.day(row.get("maturity_date"), "maturity_date"),
        issue_date=v.day(v.first_present(row, "date_of_start_placing", "settlement_date"),
                         "date_of_start_placing"),
        face_value=v.decimal(v.first_present(row, "nominal_price", "eurobonds_nominal"),
                             "nominal_price", non_negative=True, zero_is_missing=True),
        integral_multiple=v.decimal(row.get("integral_multiple"), "integral_multiple",
                                    non_negative=True, zero_is_missing=True),
        outstanding_amount=v.decimal(v.first_present(row, "outstanding_volume", "placed_volume"),
                                     "outstanding_volume", non_negative=True),
        day_count=v.text(row.get("emission_cupon_basis_title")),
        reference_rate=v.text(row.get("reference_rate_name_eng")),
        margin=v.decimal(row.get("margin"), "margin"),
        status=v.text(row.get("status_name_eng")), raw_ref=v.raw_ref(row))


def _quote_price(row: dict, name: str):
    return v.price(row.get(name), name, zero_is_missing=True)


def trading(row: dict, fetched_at: datetime) -> QuoteRecord:
    """``get_tradings_new``: last, else indicative, else average price; none of them is a reject."""
    emission_id = v.required_text(row.get("emission_id"), "emission_id")
    prices = [_quote_price(row, n) for n in ("last_price", "indicative_price", "avar_price")]
    price = next((p for p in prices if p is not None), None)
    if price is None:
        raise v.RowRejected("no price (all prices missing or 0)")
    return QuoteRecord(
        SOURCE, emission_id, price=price, price_unit="pct_of_nominal",
        as_of=v.day_start_utc(v.day(row.get("date"), "date", required=True)),
        as_of_precision="day", fetched_at=fetched_at, raw_ref=v.raw_ref(row),
        quote_currency=v.text(row.get("currency_name"), upper=True),
        venue=v.text(v.first_present(row, "trading_ground_id", "boardid")),
        bid=_quote_price(row, "buying_quote"), ask=_quote_price(row, "selling_quote"),
        volume=v.decimal(row.get("volume"), "volume", non_negative=True),
        yield_pct=v.decimal(v.first_present(row, "ytm_bid", "ytm_offer"), "ytm"),
        duration=_years(v.decimal(row.get("duration"), "duration", zero_is_missing=True)))


def _years(days: Decimal | None) -> Decimal | None:
    """Cbonds gives duration in days; the standard record has years (as Terrapin)."""
    return None if days is None else (days / DAYS_PER_YEAR).quantize(Decimal("0.00001"))


def emitent(row: dict) -> IssuerRecord:
    return IssuerRecord(
        SOURCE, v.required_text(row.get("id"), "id"), name=v.text(row.get("name_eng")),
        full_name=v.text(row.get("full_name_eng")), issuer_type=v.text(row.get("type_name_eng")),
        sector=v.text(row.get("branch_name_eng")), country=v.text(row.get("country_name_eng")),
        lei=v.text(row.get("emitent_lei")), cik=v.text(row.get("cik")), raw_ref=v.raw_ref(row))
