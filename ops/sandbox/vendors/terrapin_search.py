"""POST /terrapin/api/v1/bond_search: filters, then sort, then limit/offset paging."""
from __future__ import annotations

from datetime import date

from ops.sandbox.synth.bonds import TERRAPIN_RANGE, Bond, bond_universe
from ops.sandbox.synth.prices import utc_date
from ops.sandbox.vendors import terrapin_data as td

LIST_FILTERS = ("isins", "countries", "issuers", "leis", "leis_direct_parent", "leis_ultimate_parent",
                "currencies", "asset_classes", "interest_types", "issuer_types", "handles")
RANGE_FILTERS = {"coupon": "number", "maturity_date": "date", "issue_date": "date", "issued_amount": "number"}
FLAGS = {"include_callable": True, "include_puttable": True, "include_non_outstanding": False,
         "full_reference_data": False}
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _lists(data: dict, invalid) -> dict[str, list[str]]:
    found = {}
    for name in LIST_FILTERS:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(f"/{name}", "must be a list of strings")
        found[name] = [v.lower() for v in value]
    return found


def _ranges(data: dict, invalid) -> dict[str, tuple]:
    found = {}
    for field, kind in RANGE_FILTERS.items():
        for bound in ("min", "max"):
            name, value = f"{field}_{bound}", data.get(f"{field}_{bound}")
            if value is None:
                continue
            if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise invalid(f"/{name}", "must be a number")
            if kind == "date":
                try:
                    value = date.fromisoformat(value) if isinstance(value, str) else None
                except ValueError:
                    value = None
                if value is None:
                    raise invalid(f"/{name}", "must be a date in YYYY-MM-DD format")
            found[name] = (field, bound, value)
    return found


def _flags(data: dict, invalid) -> dict[str, bool]:
    flags = {}
    for name, default in FLAGS.items():
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise invalid(f"/{name}", "must be a boolean")
        flags[name] = value
    return flags


def _paging(data: dict, invalid) -> tuple[int, int, str | None]:
    limit, offset, sort = data.get("limit", DEFAULT_LIMIT), data.get("offset", 0), data.get("sort")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_LIMIT:
        raise invalid("/limit", f"must be an integer between 0 and {MAX_LIMIT}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise invalid("/offset", "must be a non-negative integer")
    if sort is not None and not isinstance(sort, str):
        raise invalid("/sort", "must be a field name, optionally prefixed with '-'")
    return limit, offset, sort


def _list_value(bond: Bond, name: str) -> tuple[list[str], bool]:
    """The bond's values for a list filter, and whether the filter matches partially."""
    values = {
        "isins": [bond.isin], "countries": [bond.issuer.country[0], bond.issuer.country[1]],
        "issuers": [bond.issuer.full_name], "leis": [bond.issuer.lei],
        "leis_direct_parent": [bond.issuer.lei],
        "leis_ultimate_parent": [bond.issuer.lei], "currencies": [bond.currency],
        "asset_classes": [td.asset_class(bond)], "interest_types": [td.interest_type(bond)],
        "issuer_types": [td.issuer_type(bond)], "handles": [td._handle(bond) or ""],
    }[name]
    return [v.lower() for v in values], name in ("countries", "issuers")


def _bond_value(bond: Bond, field: str):
    return {"coupon": bond.coupon, "maturity_date": bond.maturity, "issue_date": bond.issue_date,
            "issued_amount": bond.issued_amount}[field]


def _keep(bond: Bond, lists: dict, ranges: dict, flags: dict, today: date) -> bool:
    for name, wanted in lists.items():
        values, partial = _list_value(bond, name)
        if not any((w in v) if partial else (w == v) for w in wanted for v in values):
            return False
    for field, bound, limit in ranges.values():
        value = _bond_value(bond, field)
        if value is None or (value < limit if bound == "min" else value > limit):
            return False
    if not flags["include_callable"] and bond.is_callable:
        return False
    if not flags["include_puttable"] and bond.is_puttable:
        return False
    return flags["include_non_outstanding"] or td.is_outstanding(bond, today)


def _sorted(rows: list[dict], sort: str | None, invalid) -> list[dict]:
    if not sort:
        return rows
    field = sort.lstrip("-")
    if rows and field not in rows[0]:
        raise invalid("/sort", f"cannot sort by {field!r}")
    present = [r for r in rows if r.get(field) is not None]
    missing = [r for r in rows if r.get(field) is None]
    present.sort(key=lambda r: r[field], reverse=sort.startswith("-"))
    return present + missing


def search_bonds(data: dict, state, invalid) -> dict:
    lists, ranges, flags = _lists(data, invalid), _ranges(data, invalid), _flags(data, invalid)
    limit, offset, sort = _paging(data, invalid)
    today = utc_date(state.now())
    bonds = bond_universe(state.config.seed).bonds
    kept = [bonds[i] for i in TERRAPIN_RANGE if _keep(bonds[i], lists, ranges, flags, today)]
    if flags["full_reference_data"]:
        rows = [td.reference_record(b, today) for b in kept]
    else:
        rows = [td.search_record(b) for b in kept]
    rows = _sorted(rows, sort, invalid)
    return {"data": rows[offset:offset + limit], "total": len(rows)}
