"""Cbonds tables for get_emissions and get_emitents; every value a string (or null).

A table is a list of row keys plus a getter per field, so filters and sorts read only the fields
they need and full rows are built only for the page returned.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ops.sandbox.synth.bond_math import next_coupon_date
from ops.sandbox.synth.bonds import CBONDS_RANGE, CURRENCY_IDS, Bond, bond_universe
from ops.sandbox.synth.rand import unit

Getter = Callable[[object, "Context"], str | None]


@dataclass
class Context:
    today: date
    bucket: int
    tick: int
    seed: int
    memo: dict


@dataclass(frozen=True)
class Table:
    getters: dict[str, Getter]
    filterable: frozenset[str]
    keys: Callable[[Context], list]


def s(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _status(bond: Bond, ctx: Context) -> tuple[str, str]:
    return ("3", "matured") if bond.maturity and bond.maturity < ctx.today else ("2", "outstanding")


def _document(bond: Bond) -> str:
    when = bond.maturity.strftime("%d%b%Y").lower() if bond.maturity else "perp."
    label = "FRN" if bond.coupon_type == "floating" else f"{bond.coupon:g}%"
    return f"{bond.issuer.full_name}, {label} {when}, {bond.currency}"


def _coupon_date(bond: Bond, ctx: Context) -> str | None:
    return s(next_coupon_date(bond.maturity, bond.issue_date, bond.frequency, ctx.today))


COUPON_TYPES = {"fixed": ("1", "Fixed"), "floating": ("2", "Floating"), "zero": ("3", "Zero-coupon")}


def _kind(bond: Bond) -> tuple[str, str]:
    if bond.eurobond:
        return "1", "Eurobonds"
    return ("2", "Sovereign bonds") if bond.issuer.kind == "government" else ("3", "Corporate bonds")


def _coupon_text(bond: Bond) -> str:
    if bond.coupon_type == "floating":
        return f"{bond.reference_rate}+{bond.margin:g}%"
    return f"{bond.coupon:g}%"


def _coupon_sum(bond: Bond) -> str | None:
    return s(round(bond.nominal * bond.coupon / 100 / max(bond.frequency, 1), 2))


def _updating_date(bond: Bond, ctx: Context) -> str | None:
    return s(ctx.today - timedelta(days=int(unit(bond.seed, 40) * 30)))


EMISSION_GETTERS: dict[str, Getter] = {
    "id": lambda b, c: b.cbonds_id,
    "isin_code": lambda b, c: b.isin,
    "cusip_regs": lambda b, c: b.cusip or "",
    "cusip_144a": lambda b, c: "",
    "bbgid": lambda b, c: b.figi,
    "bbgid_ticker": lambda b, c: f"{b.issuer.ticker} {b.coupon:g}",
    "emitent_id": lambda b, c: b.issuer.cbonds_id,
    "emitent_name_eng": lambda b, c: b.issuer.full_name,
    "emitent_country_id": lambda b, c: b.issuer.country[2],
    "emitent_country_name_eng": lambda b, c: b.issuer.country[0],
    "emitent_lei": lambda b, c: b.issuer.lei,
    "emitent_type_name_eng": lambda b, c: b.issuer.kind.capitalize(),
    "document_eng": lambda b, c: _document(b),
    "kind_id": lambda b, c: _kind(b)[0],
    "kind_name_eng": lambda b, c: _kind(b)[1],
    "currency_id": lambda b, c: CURRENCY_IDS[b.currency],
    "currency_name": lambda b, c: b.currency,
    "nominal_price": lambda b, c: s(b.nominal),
    "eurobonds_nominal": lambda b, c: s(b.nominal),
    "integral_multiple": lambda b, c: s(b.nominal),
    "outstanding_volume": lambda b, c: s(b.outstanding),
    "placed_volume": lambda b, c: s(b.issued_amount),
    "date_of_start_placing": lambda b, c: s(b.issue_date),
    "settlement_date": lambda b, c: s(b.issue_date),
    "maturity_date": lambda b, c: s(b.maturity),
    "perpetual": lambda b, c: s(b.maturity is None),
    "subordinated": lambda b, c: s(b.rank == "subordinated"),
    "cupon_eng": lambda b, c: _coupon_text(b),
    "curr_coupon_rate": lambda b, c: s(b.coupon),
    "curr_coupon_sum": lambda b, c: _coupon_sum(b),
    "curr_coupon_date": _coupon_date,
    "cupon_period": lambda b, c: s(round(365 / b.frequency) if b.frequency else 0),
    "coupon_type_id": lambda b, c: COUPON_TYPES[b.coupon_type][0],
    "coupon_type_name_eng": lambda b, c: COUPON_TYPES[b.coupon_type][1],
    "floating_rate": lambda b, c: s(b.coupon_type == "floating"),
    "reference_rate_name_eng": lambda b, c: b.reference_rate or "",
    "margin": lambda b, c: s(b.margin) or "",
    "emission_cupon_basis_title": lambda b, c: b.day_count,
    "status_id": lambda b, c: _status(b, c)[0],
    "status_name_eng": lambda b, c: _status(b, c)[1],
    "updating_date": _updating_date,
}
EMITENT_TYPES = {"government": "Sovereign", "financial": "Bank", "corporate": "Corporate"}
EMITENT_GETTERS: dict[str, Getter] = {
    "id": lambda i, c: i.cbonds_id,
    "name_eng": lambda i, c: i.name.title(),
    "full_name_eng": lambda i, c: i.full_name,
    "type_name_eng": lambda i, c: EMITENT_TYPES[i.kind],
    "branch_name_eng": lambda i, c: i.branch,
    "country_id": lambda i, c: i.country[2],
    "country_name_eng": lambda i, c: i.country[0],
    "emitent_lei": lambda i, c: i.lei,
    "cik": lambda i, c: i.cik or "",
    "swift": lambda i, c: i.swift or "",
    "emitent_inn": lambda i, c: "",
}


def _emission_keys(ctx: Context) -> list:
    bonds = bond_universe(ctx.seed).bonds
    return [bonds[i] for i in CBONDS_RANGE]


def _emitent_keys(ctx: Context) -> list:
    return list(bond_universe(ctx.seed).issuers)


EMISSIONS = Table(EMISSION_GETTERS, frozenset({
    "id", "isin_code", "emitent_id", "currency_id", "kind_id", "status_id", "maturity_date", "floating_rate",
    "updating_date", "bbgid"}), _emission_keys)
EMITENTS = Table(EMITENT_GETTERS, frozenset({"id", "country_id", "emitent_lei", "cik"}), _emitent_keys)
